// One name (alice.tel): status, owner, expiry, its records, its history and the proof of its
// record. The name is passed to the node as typed ("Alice.TEL." works): the node normalises
// it, or says which rule it breaks.
import { get } from '../api.js';
import { fields, fill, h, link, table } from '../dom.js';
import { count, href, raw } from '../format.js';
import { addressLink } from './tables.js';
import { HISTORY_PAGE, beforeOf, beforeParam, eventText, historyPager, seqs } from './history.js';
import { loadProof, proofSection, verifyStateCommand } from './proof.js';

const STATUS_TEXT = {
  active: 'Active: it resolves, and its owner may change it',
  grace: 'In its grace period: it does not resolve; only its owner may renew it',
  available: 'Expired past its grace period: anyone may register it again',
};

// One record's value as text, with a link where it names something this explorer shows.
function recordValue(r) {
  if (r.type === 'device' && /^[0-9a-f]{64}$/i.test(r.value || '')) return link(href.device(r.value.toLowerCase()), r.value, { class: 'mono' });
  if (r.type === 'address' && r.value) return addressLink(r.value, { full: true });
  if (r.type === 'SRV') return `${r.service}.${r.proto} priority ${r.priority} weight ${r.weight} port ${r.port} ${r.target}`;
  if (r.type === 'NAPTR') return `order ${r.order} preference ${r.preference} "${r.flags}" "${r.services}" "${r.regexp}" ${r.replacement}`;
  if (r.value === undefined) return h('span', { class: 'muted' }, '—');
  return h('span', { class: r.type === 'ed25519' ? 'mono' : undefined }, r.value);
}

function recordsTable(n) {
  if (!n.records || !n.records.length) return h('p', { class: 'muted' }, 'No records.');
  return table(`Records (TTL ${count(n.ttl)} s)`, [{ label: 'Type' }, { label: 'Value' }],
    n.records.map((r) => [r.type, recordValue(r)]), { rowAttrs: (i) => ({ 'data-record': n.records[i].type }) });
}

function details(e) {
  const parts = [];
  if (e.owner) parts.push(['owner ', addressLink(e.owner)]);
  if (e.new_owner) parts.push(['to ', addressLink(e.new_owner)]);
  if (e.expires_at !== undefined) parts.push([`expires at block #${count(e.expires_at)}`]);
  if (e.records) parts.push([`${count(e.records.records.length)} record${e.records.records.length === 1 ? '' : 's'}`]);
  return parts.length ? h('span', {}, parts.map((p, i) => [i ? '; ' : null, ...p])) : '—';
}

function historyTable(history, before) {
  const numbers = seqs(history.total, before, history.entries);
  return table('History, newest first', [{ label: '#', num: true }, { label: 'Event' }, { label: 'Block' }, { label: 'By', narrow: true }, { label: 'Details' }],
    history.entries.map((e, i) => [count(numbers[i]), eventText(e.event), link(href.block(e.height), `#${count(e.height)}`), addressLink(e.actor), details(e)]),
    { rowAttrs: (i) => ({ 'data-event': history.entries[i].event }) });
}

function expiry(n) {
  if (n.kind === 'subname') return ['Expires', `with its second-level name, at block #${count(n.expires_at)}`];
  const left = n.expires_at - n.height;
  return ['Expires', `at block #${count(n.expires_at)}${left > 0 ? ` (in ${count(left)} blocks)` : ''}; grace ends at block #${count(n.grace_ends_at)}`];
}

async function render({ params, query, target, signal, onBlock }) {
  const before = beforeOf(query);
  const n = await get(raw.name(params[0]), { signal });
  const historyPath = `${raw.name(n.name)}/history?limit=${HISTORY_PAGE}${beforeParam(before)}`;
  const [history, loaded] = await Promise.all([get(historyPath, { signal }), loadProof(n.proof, { signal })]);
  fill(target,
    h('h1', {}, `Name ${n.unicode || n.name}`),
    fields([
      ['Name', h('span', { class: 'mono' }, n.name)],
      n.unicode && n.unicode !== n.name ? ['Display form', n.unicode] : null,
      ['Status', h('strong', { 'data-field': 'status', 'data-status': n.status }, STATUS_TEXT[n.status] || n.status)],
      ['Kind', n.kind === 'subname' ? 'Subname (its owner is set by the owner of its parent)' : 'Registered (second-level) name'],
      ['Owner', addressLink(n.owner, { full: true })],
      ['Registered', link(href.block(n.registered_at), `block #${count(n.registered_at)}`)],
      expiry(n),
    ]),
    h('h2', {}, 'Records'),
    recordsTable(n),
    h('h2', {}, 'History'),
    historyTable(history, before),
    historyPager(history.total, before, history.entries, (b) => href.name(n.name, b)),
    proofSection({ raws: [['name', raw.name(n.name)], ['history', historyPath]], loaded, command: verifyStateCommand }));
  if (before === undefined) {
    onBlock((b) => {
      if (b.txs.some((t) => t.payload && t.payload.name === n.name)) window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
  }
}

export default {
  id: 'name',
  path: /^name\/([^/]+)$/,
  title: (params) => `Name ${params[0]}`,
  search: {
    kind: 'name',
    href: (hit) => href.name(hit.name),
    describe: (hit) => `Name ${hit.unicode || hit.name} (${hit.status})`,
  },
  render,
};
