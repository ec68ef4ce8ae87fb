// One device, by its identifier hash: status, owner and serving operator, the current key and
// every earlier one, fleet membership, anchored readings, its history, and the proof of its
// record. The identifier is passed to the node as typed: the node's sentence explains a
// malformed one, and an unknown one is "Not found".
import { get } from '../api.js';
import { fields, fill, h, link, table } from '../dom.js';
import { count, href, raw, shortHash, utcTime } from '../format.js';
import { addressLink, time } from './tables.js';
import { HISTORY_PAGE, beforeOf, beforeParam, eventText, historyPager } from './history.js';
import { loadProof, proofSection, verifyStateCommand } from './proof.js';

const KEYS_PAGE = 20;

const STATUS_TEXT = {
  active: 'Active: it can authenticate and anchor readings',
  suspended: 'Suspended by its serving operator',
  stolen: 'Reported stolen by its owner',
  lost: 'Reported lost by its owner',
  revoked: 'Revoked: final, nothing about it can change',
};

function attributesText(attributes) {
  const entries = Object.entries(attributes || {});
  if (!entries.length) return null;
  return h('ul', { class: 'records-list' }, entries.map(([k, v]) => h('li', {}, h('code', {}, k), ' = ', v)));
}

// When each key version came in, from the history entries on hand (registration, claim,
// rotation all record the key version after them).
function keySince(history) {
  const since = new Map();
  for (const e of history.entries) {
    if (['registered', 'claimed', 'key_rotated'].includes(e.event) && !since.has(e.key_version)) since.set(e.key_version, e);
  }
  return since;
}

function keysTable(keys, history) {
  const since = keySince(history);
  return table(`Keys, newest first (${count(keys.total)} in all; every version stays, so readings signed before a rotation still verify)`, [
    { label: 'Version', num: true }, { label: 'Public key' }, { label: 'Since' }, { label: 'Proof', narrow: true },
  ], keys.entries.map((k) => {
    const e = since.get(k.version);
    return [
      `${k.version}${k.current ? ' (current)' : ''}`,
      h('span', { class: 'mono' }, k.public_key),
      e ? h('span', {}, link(href.block(e.height), `#${count(e.height)}`), ` (${eventText(e.event)})`) : '—',
      link(k.proof, 'proof', { title: `State proof of key version ${k.version}` }),
    ];
  }), { rowAttrs: (i) => ({ 'data-key-version': keys.entries[i].version }) });
}

function historyTable(history) {
  return table('History, newest first', [
    { label: '#', num: true }, { label: 'Event' }, { label: 'Block' }, { label: 'Time', narrow: true },
    { label: 'By' }, { label: 'Owner after', narrow: true }, { label: 'Key version', num: true },
  ], history.entries.map((e) => [
    count(e.seq), eventText(e.event), link(href.block(e.height), `#${count(e.height)}`), time(e.time_ms),
    addressLink(e.actor), addressLink(e.owner), count(e.key_version),
  ]), { rowAttrs: (i) => ({ 'data-event': history.entries[i].event }) });
}

async function fleetOf(d, signal) {
  if (!d.fleet) return null;
  return get(raw.fleet(d.fleet), { signal });
}

function fleetField(d, fleet) {
  if (!d.fleet) return ['Fleet', h('span', { class: 'muted' }, 'none (registered on its own)')];
  return ['Fleet', h('span', {},
    h('span', { class: 'mono', title: d.fleet }, shortHash(d.fleet, 16)),
    fleet ? `: ${count(fleet.size)} member${fleet.size === 1 ? '' : 's'}, registered at ` : '',
    fleet ? link(href.block(fleet.registered_at), `#${count(fleet.registered_at)}`) : '',
    ' (', link(raw.fleet(d.fleet), 'fleet JSON'), ')')];
}

async function render({ params, query, target, signal, onBlock }) {
  const before = beforeOf(query);
  const base = raw.device(params[0]);
  const d = await get(base, { signal });
  const historyPath = `${base}/history?limit=${HISTORY_PAGE}${beforeParam(before)}`;
  const keysPath = `${base}/keys?limit=${KEYS_PAGE}`;
  const [history, keys, fleet, loaded] = await Promise.all([
    get(historyPath, { signal }), get(keysPath, { signal }), fleetOf(d, signal), loadProof(d.proof, { signal }),
  ]);
  const stolen = d.stolen_list;
  fill(target,
    h('h1', {}, 'Device'),
    fields([
      ['Identifier hash', h('span', { class: 'mono' }, d.id_hash)],
      ['Status', h('strong', { 'data-field': 'status', 'data-status': d.status }, STATUS_TEXT[d.status] || d.status)],
      stolen ? ['Stolen list', h('span', {}, `${eventText(stolen.status)} at `, link(href.block(stolen.height), `block #${count(stolen.height)}`),
        ` (${utcTime(stolen.time_ms)}) by `, addressLink(stolen.reporter))] : null,
      ['Owner', addressLink(d.owner, { full: true })],
      ['Serving operator', addressLink(d.operator, { full: true })],
      ['Current key', h('span', {}, h('span', { class: 'mono', 'data-field': 'public-key' }, d.public_key), ` (version ${count(d.key_version)})`)],
      ['Registered', link(href.block(d.registered_at), `block #${count(d.registered_at)}`)],
      fleetField(d, fleet),
      ['Readings anchored', d.reading_seq
        ? `up to sequence number ${count(d.reading_seq)} (a reading is checked with POST /v1/readings/verify or telco device verify-reading)`
        : 'none yet'],
      ['Attributes', attributesText(d.attributes)],
    ]),
    h('h2', {}, 'Key history'),
    keysTable(keys, history),
    keys.total > keys.entries.length ? h('p', { class: 'muted' }, `The ${count(keys.entries.length)} newest of ${count(keys.total)} keys; `,
      link(`${base}/keys?limit=100&before=${keys.entries[keys.entries.length - 1].version}`, 'older keys (JSON)'), '.') : null,
    h('h2', {}, 'History'),
    historyTable(history),
    historyPager(history.total, before, history.entries, (b) => href.device(d.id_hash, b)),
    proofSection({
      raws: [['device', base], ['history', historyPath], ['keys', keysPath]],
      loaded,
      command: verifyStateCommand,
      note: h('span', {}, 'A base station authenticates the device the same way, offline: ',
        h('code', {}, 'telco device authenticate --offline'), ' checks this record\'s proof before the device\'s answer (docs/modules/device.md).'),
    }));
  if (before === undefined) {
    // A transaction naming this device (register, rotate, report, anchor...) changes the page.
    onBlock((b) => {
      if (b.txs.some((t) => JSON.stringify(t.payload || {}).includes(d.id_hash))) window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
  }
}

export default {
  id: 'device',
  path: /^device\/([^/]+)$/,
  title: () => 'Device',
  search: {
    kind: 'device',
    href: (hit) => href.device(hit.id_hash),
    describe: (hit) => `Device ${hit.id_hash} (${hit.status})`,
  },
  render,
};
