// The search box's answer: GET /v1/search?q= classifies the text on the node (a height, a
// hash, an address, a name, a phone number, a device id). One hit goes straight to its page
// (replacing the search in history); several (digits that are a height and a number) are
// listed; none says so.
import { get } from '../api.js';
import { h, link } from '../dom.js';

function hitLink(views, hit) {
  const view = views.find((v) => v.search && v.search.kind === hit.kind);
  return view ? view.search.href(hit) : null;
}

function describe(views, hit) {
  const view = views.find((v) => v.search && v.search.kind === hit.kind);
  if (view && view.search.describe) return view.search.describe(hit);
  if (hit.kind === 'block') return `Block #${hit.height}`;
  if (hit.kind === 'tx') return `Transaction ${hit.hash} (${hit.status})`;
  if (hit.kind === 'account') return `Account ${hit.address}`;
  return `${hit.kind}: ${JSON.stringify(hit)}`;
}

async function render({ query, target, signal, views }) {
  const q = (query.get('q') || '').trim();
  const answer = await get(`/v1/search?q=${encodeURIComponent(q)}`, { signal });
  const hits = answer.results.filter((hit) => hitLink(views, hit));
  if (hits.length === 1) {
    location.replace(hitLink(views, hits[0]));
    return;
  }
  target.append(h('h1', {}, 'Search'));
  if (!hits.length) {
    target.append(h('section', { class: 'error', role: 'alert', 'data-error': 'NoResult' },
      h('p', {}, 'Nothing found for ', h('strong', { class: 'mono' }, q), ' on this node.'),
      h('p', {}, 'A height above the head, a hash this node has never seen, a name nobody registered or a number never assigned finds nothing.')));
    return;
  }
  target.append(h('ul', {}, hits.map((hit) => h('li', {}, link(hitLink(views, hit), describe(views, hit))))));
}

export default {
  id: 'search',
  path: /^search$/,
  title: (_, query) => `Search ${query.get('q') || ''}`,
  render,
};
