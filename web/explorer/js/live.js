// The page's live link to the node. A WebSocket on /v1/events delivers every committed block;
// when it cannot be opened the page polls /v1/status instead. Either way, a lost node is
// retried with backoff (0.5 s doubling to 8 s), the state is shown in the status line, and
// when the node is back the views are told to reload ('resync'), since blocks may have been
// missed meanwhile.
import { get } from './api.js';

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const POLL_MS = 1000;          // status polling while the WebSocket is unavailable
const WS_FAILURES_BEFORE_POLLING = 2;

export class Live {
  constructor(statusElement) {
    this.statusElement = statusElement;
    this.listeners = { block: new Set(), resync: new Set(), state: new Set() };
    this.state = 'connecting';
    this.head = 0;
    this.failures = 0;
    this.downSince = null;
    this.socket = null;
    this.timer = null;
  }

  on(kind, fn) {
    this.listeners[kind].add(fn);
    return () => this.listeners[kind].delete(fn);
  }

  emit(kind, value) {
    for (const fn of [...this.listeners[kind]]) {
      try {
        fn(value);
      } catch (e) {
        console.error(`explorer: a ${kind} listener failed`, e);
      }
    }
  }

  start() {
    this.connect();
  }

  connect() {
    clearTimeout(this.timer);
    const url = new URL('/v1/events', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let opened = false;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      opened = true;
      this.recovered();
      this.setState('live');
    };
    socket.onmessage = (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event.type !== 'block') return;
      event.block.seen_ms = Date.now();
      this.head = Math.max(this.head, event.block.height);
      this.emit('block', event.block);
      this.showState();
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      // The node may be up with the WebSocket refused (a proxy): poll then; else retry.
      if (opened) this.failures = 0;
      this.failures += 1;
      if (this.state === 'polling') return this.poll();
      if (this.failures >= WS_FAILURES_BEFORE_POLLING) this.poll();
      else this.retry(() => this.connect());
    };
  }

  async poll() {
    clearTimeout(this.timer);
    let status;
    try {
      status = await get('/v1/status');
    } catch {
      this.failures += 1;
      this.retry(() => this.poll());
      return;
    }
    const headChanged = status.head.height !== this.head;
    this.head = status.head.height;
    if (this.state === 'down') {
      // Back: give the WebSocket one more chance before settling for polling.
      this.recovered();
      this.failures = WS_FAILURES_BEFORE_POLLING - 1;
      this.connect();
      return;
    }
    if (headChanged && this.state === 'polling') this.emit('resync');
    this.setState('polling');
    this.polls = (this.polls || 0) + 1;
    // Try the WebSocket again now and then: polling is the fallback, not the plan.
    this.timer = setTimeout(() => (this.polls % 10 === 0 ? this.connect() : this.poll()), POLL_MS);
  }

  retry(fn) {
    if (this.downSince === null) this.downSince = new Date();
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)];
    this.nextTry = Date.now() + delay;
    this.setState('down');
    this.timer = setTimeout(fn, delay);
  }

  recovered() {
    const wasDown = this.downSince !== null;
    this.downSince = null;
    this.failures = 0;
    if (wasDown) this.emit('resync');
  }

  setState(state) {
    const changed = state !== this.state;
    this.state = state;
    this.showState();
    if (changed) this.emit('state', state);
  }

  showState() {
    const el = this.statusElement;
    el.dataset.state = this.state;
    const head = this.head ? ` — head #${this.head.toLocaleString('en-US')}` : '';
    if (this.state === 'live') el.textContent = `Live: new blocks appear as they commit${head}`;
    else if (this.state === 'polling') el.textContent = `Live updates by polling every second (the event stream is unavailable)${head}`;
    else if (this.state === 'down') {
      const since = this.downSince.toLocaleTimeString('en-GB');
      const wait = Math.max(0, Math.round((this.nextTry - Date.now()) / 1000));
      el.textContent = `The node is not answering (since ${since}). Retrying${wait ? ` in ${wait} s` : ''}…`;
    } else el.textContent = 'Connecting to the node…';
  }
}
