// One E.164 number (#/number/+415551234, with or without the +): subscriber, serving
// operator, routing, the block it lies in, a pending port, its history (assignment, routing,
// ports between operators) and the proof of its record. A port whose height has passed shows
// as completed, as every read at a height applies it (docs/modules/naming.md, "Porting").
import { get } from '../api.js';
import { fields, fill, h, link, table } from '../dom.js';
import { count, href, raw } from '../format.js';
import { addressLink } from './tables.js';
import { HISTORY_PAGE, beforeOf, beforeParam, eventText, historyPager, seqs } from './history.js';
import { loadProof, proofSection, verifyStateCommand } from './proof.js';

const PORT_EVENTS = new Set(['port_requested', 'port_approved', 'port_rejected', 'port_cancelled', 'ported', 'port_lapsed']);

function routingTable(caption, routing) {
  if (!routing || !routing.length) return h('p', { class: 'muted' }, 'No routing records.');
  return table(caption, [{ label: 'Order', num: true }, { label: 'Preference', num: true }, { label: 'Service' }, { label: 'URI' }],
    routing.map((r) => [count(r.order), count(r.preference), r.service, h('span', { class: 'mono' }, r.uri)]));
}

function uris(routing) {
  return routing && routing.length ? routing.map((r) => r.uri).join(', ') : null;
}

function details(e) {
  const parts = [];
  if (e.subscriber) parts.push(['subscriber ', addressLink(e.subscriber)]);
  if (e.donor) parts.push(['from ', addressLink(e.donor)]);
  if (e.recipient) parts.push(['to ', addressLink(e.recipient)]);
  if (e.port_height !== undefined) parts.push([`at block #${count(e.port_height)}`]);
  if (e.reason) parts.push([`reason: ${e.reason}`]);
  if (uris(e.routing)) parts.push([`routing ${uris(e.routing)}`]);
  return parts.length ? h('span', {}, parts.map((p, i) => [i ? '; ' : null, ...p])) : '—';
}

function historyTable(history, before) {
  const numbers = seqs(history.total, before, history.entries);
  return table('History, newest first: assignment, routing changes and ports between operators', [
    { label: '#', num: true }, { label: 'Event' }, { label: 'Block' }, { label: 'By', narrow: true }, { label: 'Details' },
  ], history.entries.map((e, i) => [
    count(numbers[i]),
    PORT_EVENTS.has(e.event) ? h('strong', {}, eventText(e.event)) : eventText(e.event),
    link(href.block(e.height), `#${count(e.height)}`),
    addressLink(e.actor),
    details(e),
  ]), { rowAttrs: (i) => ({ 'data-event': history.entries[i].event }) });
}

function portFields(p, head) {
  return fields([
    ['Recipient operator', addressLink(p.recipient, { full: true })],
    ['Donor operator', addressLink(p.donor, { full: true })],
    ['Requested', link(href.block(p.requested_at), `block #${count(p.requested_at)}`)],
    ['Donor may object until', `block #${count(p.donor_deadline)}`],
    ['Moves at', `block #${count(p.port_height)}${p.port_height > head ? ` (in ${count(p.port_height - head)} blocks)` : ''}`],
    ['Subscriber approved', p.approved ? 'yes' : 'not yet (without approval the request lapses at its height)'],
  ]);
}

function portSummary(history) {
  const ported = history.entries.filter((e) => e.event === 'ported');
  if (!ported.length) return null;
  const last = ported[0];
  return h('p', { 'data-field': 'last-port' }, 'Last ported at ', link(href.block(last.height), `block #${count(last.height)}`),
    ' from ', addressLink(last.donor), ' to ', addressLink(last.recipient), '.');
}

async function render({ params, query, target, signal, onBlock }) {
  const before = beforeOf(query);
  const n = await get(raw.number(params[0]), { signal });
  const historyPath = `${raw.number(n.number)}/history?limit=${HISTORY_PAGE}${beforeParam(before)}`;
  const [history, loaded] = await Promise.all([get(historyPath, { signal }), loadProof(n.proof, { signal })]);
  fill(target,
    h('h1', {}, `Number ${n.e164}`),
    fields([
      ['Number', h('span', { class: 'mono' }, n.e164)],
      ['Status', h('strong', { 'data-field': 'status', 'data-status': n.assigned ? 'assigned' : 'released' },
        n.assigned ? 'Assigned' : 'Released by its operator')],
      n.assigned ? ['Subscriber', addressLink(n.subscriber, { full: true })] : null,
      n.assigned ? ['Serving operator', addressLink(n.serving_operator, { full: true })] : null,
      n.assigned ? ['Served since', link(href.block(n.since), `block #${count(n.since)}`)] : null,
      n.block ? ['Number block', h('span', {}, `${n.block.prefix}… (${n.block.length} digits) held by `, addressLink(n.block.holder),
        ' (', link(raw.numberBlock(n.block.prefix), 'block JSON'), ')')] : null,
    ]),
    h('h2', {}, 'Routing'),
    routingTable('Routing (ENUM NAPTR records under e164.arpa)', n.routing),
    n.port ? [h('h2', {}, 'Pending port'), portFields(n.port, n.height), routingTable('Routing after the port', n.port.routing)] : null,
    h('h2', {}, 'History'),
    portSummary(history),
    historyTable(history, before),
    historyPager(history.total, before, history.entries, (b) => href.number(n.number, b)),
    proofSection({
      raws: [['number', raw.number(n.number)], ['history', historyPath]],
      loaded,
      command: verifyStateCommand,
      note: n.port ? 'The proven record can still hold a port whose height has passed: a reader settles it the same way the node does.' : null,
    }));
  if (before === undefined) {
    // A number.* transaction naming it, or the height of a pending port, changes the page.
    onBlock((b) => {
      const due = n.port && b.height >= n.port.port_height;
      const named = b.txs.some((t) => t.payload && String(t.payload.type).startsWith('number.') &&
        JSON.stringify(t.payload).includes(`"${n.number}"`));
      if (due || named) window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
  }
}

export default {
  id: 'number',
  path: /^number\/([^/]+)$/,
  title: (params) => `Number ${params[0]}`,
  search: {
    kind: 'number',
    href: (hit) => href.number(hit.number),
    describe: (hit) => `Number ${hit.e164}${hit.assigned ? '' : ' (released)'}`,
  },
  render,
};
