// Hash routing over the view registry (views/index.js). Links are real <a href="#/...">, so
// they open in new tabs, keep history and work from the keyboard; the router only listens to
// hashchange. One view is shown at a time: leaving it aborts its requests and drops its
// live listeners.
import { h } from './dom.js';
import { NotFound, BadInput, Unreachable } from './api.js';

const LOADING_DELAY_MS = 200;  // show "Loading…" only when a view is slow to come

export class Router {
  constructor({ main, nav, live, views }) {
    this.main = main;
    this.nav = nav;
    this.live = live;
    this.views = views;
    this.current = null;  // {view, controller, cleanups, failedUnreachable}
    this.generation = 0;
  }

  start() {
    this.renderNav();
    window.addEventListener('hashchange', () => this.show({ focus: true }));
    this.live.on('resync', () => this.show({ focus: false }));
    this.show({ focus: false });
  }

  renderNav() {
    const items = this.views.filter((v) => v.nav).sort((a, b) => a.nav.order - b.nav.order);
    this.nav.replaceChildren(...items.map((v) => h('li', {}, h('a', { href: v.nav.href, 'data-view': v.id }, v.nav.label))));
  }

  // "#/block/12?page=2" -> {path: "block/12", query}
  static parse(hash) {
    const text = hash.replace(/^#\/?/, '');
    const q = text.indexOf('?');
    let path = q < 0 ? text : text.slice(0, q);
    try {
      path = decodeURIComponent(path);
    } catch {
      // a stray '%': match the text as typed, which then names nothing
    }
    return { path, query: new URLSearchParams(q < 0 ? '' : text.slice(q + 1)) };
  }

  match(path) {
    for (const view of this.views) {
      const m = view.path.exec(path);
      if (m) return { view, params: m.slice(1) };
    }
    return null;
  }

  leave() {
    if (!this.current) return;
    this.current.controller.abort();
    for (const fn of this.current.cleanups) fn();
    this.current = null;
  }

  async show({ focus }) {
    const generation = ++this.generation;
    const { path, query } = Router.parse(location.hash);
    const found = this.match(path);
    this.leave();
    const controller = new AbortController();
    const cleanups = [];
    this.current = { controller, cleanups };
    for (const a of this.nav.querySelectorAll('a')) {
      if (found && a.dataset.view === (found.view.navFor || found.view.id)) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const loading = setTimeout(() => {
      if (generation === this.generation) this.main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    }, LOADING_DELAY_MS);
    const target = document.createDocumentFragment();
    try {
      if (!found) throw new NotFound(`There is no page at #/${path}.`);
      document.title = `${found.view.title(found.params, query)} · Telcochain explorer`;
      await found.view.render({
        params: found.params,
        query,
        target,
        signal: controller.signal,
        live: this.live,
        views: this.views,
        onBlock: (fn) => cleanups.push(this.live.on('block', fn)),
        later: (fn) => cleanups.push(fn),
      });
    } catch (e) {
      if (controller.signal.aborted) return;
      target.replaceChildren(errorPanel(e, path));
      document.title = 'Error · Telcochain explorer';
    } finally {
      clearTimeout(loading);
    }
    if (generation !== this.generation) return;
    this.main.replaceChildren(target);
    this.main.dataset.view = found ? found.view.id : 'none';
    this.main.dataset.ready = String(generation);
    if (focus) this.main.focus();
    if (!this.firstRendered) {
      // The first view with its data is in the document; it paints in this frame. The
      // browser tests read this mark (time since navigation start).
      this.firstRendered = true;
      requestAnimationFrame(() => performance.mark('explorer:first-render', { detail: { view: this.main.dataset.view } }));
    }
    window.dispatchEvent(new CustomEvent('explorer:rendered', { detail: { view: this.main.dataset.view } }));
  }
}

// What went wrong, in a sentence, and what the reader can do about it.
export function errorPanel(error, path) {
  let title;
  let advice;
  if (error instanceof NotFound) {
    title = 'Not found';
    advice = 'This node does not know it. Check what you typed, or search again.';
  } else if (error instanceof BadInput) {
    title = 'Cannot look that up';
    advice = 'Search for a block height (e.g. 42), a 64-hex block or transaction hash or device id, an address starting with tc1, a name (alice.tel) or a phone number (+14155550123).';
  } else if (error instanceof Unreachable) {
    title = 'The node is not answering';
    advice = 'The page keeps retrying and reloads this view as soon as the node is back.';
  } else {
    title = 'Something went wrong';
    advice = 'This is a bug in the explorer; the browser console has the details.';
    console.error(`explorer: rendering #/${path} failed`, error);
  }
  return h('section', { class: 'error', role: 'alert', 'data-error': error.constructor.name },
    h('h1', {}, title), h('p', {}, error.message), h('p', {}, advice), h('p', {}, h('a', { href: '#/' }, 'Back to the home page')));
}
