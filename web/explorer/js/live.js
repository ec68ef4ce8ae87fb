// The page's live link to the node. A WebSocket on /v1/events delivers every committed block.
// Whenever the socket closes, /v1/status says whether the node is still there:
//   - it answers: open the socket again at once; if the socket keeps failing (twice in a row,
//     e.g. a proxy that refuses WebSockets), poll /v1/status every second instead and try the
//     socket again every tenth poll;
//   - it does not: the node is down; retry with backoff (0.5 s doubling to 8 s).
// The state is shown in the status line. When the node is back, or while polling sees the
// head move, the views are told to reload ('resync'): blocks may have been missed.
import { get } from './api.js';

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const POLL_MS = 1000;
const WS_FAILURES_BEFORE_POLLING = 2;
const WS_RETRY_EVERY_POLLS = 10;
const STABLE_MS = 5000;  // a socket open this long (or that delivered a block) works

export class Live {
  constructor(statusElement) {
    this.statusElement = statusElement;
    this.listeners = { block: new Set(), resync: new Set(), state: new Set() };
    this.state = 'connecting';
    this.head = 0;
    this.failures = 0;  // consecutive connection failures (socket or status)
    this.polls = 0;
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
    this.showState();
    this.connect();
  }

  connect() {
    clearTimeout(this.timer);
    const url = new URL('/v1/events', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    let stable = false;
    let stableTimer = null;
    const markStable = () => {
      if (stable) return;
      stable = true;
      clearTimeout(stableTimer);
      this.failures = 0;
      this.setState('live');
    };
    this.socket = socket;
    socket.onopen = () => {
      // Straight to "live" unless we are polling because sockets kept failing: then only
      // once this one proves itself.
      if (this.state === 'polling') stableTimer = setTimeout(markStable, STABLE_MS);
      else {
        this.setState('live');
        stableTimer = setTimeout(markStable, STABLE_MS);
      }
    };
    socket.onmessage = (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event.type !== 'block') return;
      markStable();
      event.block.seen_ms = Date.now();
      this.head = Math.max(this.head, event.block.height);
      this.emit('block', event.block);
    };
    socket.onclose = () => {
      clearTimeout(stableTimer);
      if (this.socket !== socket) return;
      this.socket = null;
      if (!stable) this.failures += 1;
      this.poll();
    };
  }

  async poll() {
    clearTimeout(this.timer);
    let status;
    try {
      status = await get('/v1/status');
    } catch {
      this.failures += 1;
      this.retry();
      return;
    }
    const headChanged = status.head.height !== this.head;
    this.head = status.head.height;
    if (this.state === 'down') {
      this.recovered();
      this.failures = WS_FAILURES_BEFORE_POLLING - 1;  // one more chance for the socket
      this.connect();
      return;
    }
    if (this.state !== 'polling' && this.failures < WS_FAILURES_BEFORE_POLLING) {
      this.connect();  // the node is there and the socket just closed: reopen it
      return;
    }
    const entering = this.state !== 'polling';
    this.setState('polling');
    if (headChanged || entering) this.emit('resync');
    this.polls += 1;
    this.timer = setTimeout(() => (this.polls % WS_RETRY_EVERY_POLLS === 0 ? this.connect() : this.poll()), POLL_MS);
  }

  retry() {
    if (this.downSince === null) this.downSince = new Date();
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length) - 1] || BACKOFF_MS[0];
    this.setState('down');
    this.timer = setTimeout(() => this.poll(), delay);
  }

  recovered() {
    this.downSince = null;
    this.failures = 0;
    this.emit('resync');
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.showState();
    this.emit('state', state);
  }

  // A live region: it changes only with the state, never per block, so screen readers hear
  // about a lost or recovered node and nothing else.
  showState() {
    const el = this.statusElement;
    el.dataset.state = this.state;
    if (this.state === 'live') el.textContent = 'Live: new blocks appear as they commit.';
    else if (this.state === 'polling') el.textContent = 'Live by polling every second (the event stream is unavailable).';
    else if (this.state === 'down') {
      const since = this.downSince.toLocaleTimeString('en-GB');
      el.textContent = `The node is not answering (since ${since}). The page keeps retrying and recovers by itself.`;
    } else el.textContent = 'Connecting to the node…';
  }
}
