// One block: header fields, who signed its commit with what power, its transactions (a page
// at a time: a block can hold 100,000).
import { BadInput, get, validators } from '../api.js';
import { fields, h, link, table } from '../dom.js';
import { count, href, raw, shortHash, tel, transferOf, utcTime } from '../format.js';
import { addressLink, resultBadge, time } from './tables.js';

const TXS_PAGE = 50;

function idOf(text) {
  if (/^\d+$/.test(text)) return text;
  if (/^[0-9a-fA-F]{64}$/.test(text)) return text.toLowerCase();
  throw new BadInput(`"${text}" is neither a block height nor a 64-hex block hash.`);
}

async function render({ params, query, target, signal }) {
  const id = idOf(params[0]);
  const page = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
  const [block, vset, status] = await Promise.all([
    get(`/v1/blocks/${id}?tx_offset=${(page - 1) * TXS_PAGE}&tx_limit=${TXS_PAGE}`, { signal }),
    validators(),
    get('/v1/status', { signal }),
  ]);
  const hd = block.header;
  const byKey = new Map(vset.validators.map((v) => [v.public_key, v]));
  const sigs = block.commit.signatures;
  const signedPower = sigs.reduce((sum, s) => sum + (byKey.get(s.validator)?.power || 0), 0);

  target.append(
    h('h1', {}, `Block #${count(block.height)}`),
    h('nav', { class: 'pager', 'aria-label': 'Neighbouring blocks' },
      block.height > 1 ? link(href.block(block.height - 1), '← Parent') : null,
      block.height < status.head.height ? link(href.block(block.height + 1), 'Child →') : h('span', { class: 'muted' }, 'The newest block')),
    fields([
      ['Hash', h('span', { class: 'mono' }, block.hash)],
      ['Height', count(block.height)],
      ['Time', h('span', {}, time(hd.time_ms), ` (${utcTime(hd.time_ms)})`)],
      ['Proposer', addressLink(hd.proposer, { full: true })],
      ['Transactions', count(hd.tx_count)],
      ['Parent', block.height > 1 ? link(href.block(hd.prev_hash), hd.prev_hash, { class: 'mono' }) : h('span', { class: 'mono' }, hd.prev_hash)],
      ['State root', h('span', { class: 'mono' }, hd.state_root)],
      ['Tx root', h('span', { class: 'mono' }, hd.tx_root)],
      ['Receipts root', h('span', { class: 'mono' }, hd.receipts_root)],
      ['Validators hash', h('span', { class: 'mono' }, hd.validators_hash)],
      ['Evidence root', h('span', { class: 'mono' }, hd.evidence_root)],
      ['Chain', `${hd.chain_id} (header version ${hd.version})`],
    ]),
    h('h2', { id: 'commit' }, 'Commit'),
    h('p', {}, `Signed by ${sigs.length} of ${vset.validators.length} validator${vset.validators.length === 1 ? '' : 's'}, `,
      `holding ${count(signedPower)} of ${count(vset.total_power)} voting power`,
      vset.total_power ? ` (${((100 * signedPower) / vset.total_power).toFixed(1)} %)` : '',
      `; round ${block.commit.round}.`),
    table('Commit signatures (precommits for this block hash)', [
      { label: 'Validator' }, { label: 'Address', narrow: true }, { label: 'Power', num: true },
      { label: 'Signed at' }, { label: 'Signature', narrow: true },
    ], sigs.map((s) => [
      s.name || h('span', { class: 'muted' }, 'not in the validator set'),
      addressLink(s.address),
      count(byKey.get(s.validator)?.power || 0),
      `${utcTime(s.time_ms)}${s.time_ms >= hd.time_ms ? ` (+${s.time_ms - hd.time_ms} ms)` : ''}`,
      h('span', { class: 'mono', title: s.signature }, shortHash(s.signature, 12)),
    ])),
    evidencePart(block, byKey),
    h('h2', { id: 'txs' }, 'Transactions'),
    txsPart(block, page),
    h('p', { class: 'raw' }, 'Raw JSON: ', link(raw.block(block.height), raw.block(block.height))));
}

// Double-signing evidence the block records, if any (most blocks carry none).
function evidencePart(block, byKey) {
  const items = block.evidence || [];
  if (items.length === 0) return null;
  return h('div', {},
    h('h2', { id: 'evidence' }, 'Evidence of misbehaviour'),
    table(`${count(items.length)} offence${items.length === 1 ? '' : 's'} recorded by this block`, [
      { label: 'Validator' }, { label: 'Offence' }, { label: 'Height', num: true }, { label: 'Round', num: true },
      { label: 'Conflicting block hashes', narrow: true },
    ], items.map((e) => [
      byKey.get(e.validator)?.name || h('span', { class: 'mono', title: e.validator }, shortHash(e.validator || e.hash, 12)),
      e.kind === 'duplicate_vote' ? `two ${e.vote_type}s` : 'undecodable',
      e.height === undefined ? '—' : count(e.height),
      e.round === undefined ? '—' : count(e.round),
      (e.block_hashes || []).map((b) => h('span', { class: 'mono', title: b }, shortHash(b, 10), ' ')),
    ])));
}

function txsPart(block, page) {
  const total = block.header.tx_count;
  if (total === 0) return h('p', { class: 'muted' }, 'This block has no transactions.');
  const pages = Math.ceil(total / TXS_PAGE);
  const first = block.tx_offset;
  const rows = block.txs.map((tx, i) => {
    const transfer = transferOf(tx.payload);
    return [
      count(first + i),
      link(href.tx(tx.hash), shortHash(tx.hash), { class: 'mono', title: tx.hash }),
      addressLink(tx.sender_address),
      transfer ? addressLink(transfer.to) : tx.payload.type,
      transfer ? tel(transfer.amount) : '—',
      tel(tx.fee),
      resultBadge(tx.result),
    ];
  });
  return h('div', {},
    table(`${count(block.txs.length)} of ${count(total)} transactions, in block order from position ${count(first)}`, [
      { label: '#', num: true }, { label: 'Hash' }, { label: 'Sender' }, { label: 'Receiver' },
      { label: 'Amount', num: true }, { label: 'Fee', num: true, narrow: true }, { label: 'Result' },
    ], rows),
    pages > 1 ? h('nav', { class: 'pager', 'aria-label': 'Transaction pages' },
      page > 1 ? link(href.block(block.height, page - 1), '← Previous transactions') : null,
      h('span', {}, `Page ${page} of ${pages}`),
      page < pages ? link(href.block(block.height, page + 1), 'Next transactions →') : null) : null);
}

export default {
  id: 'block',
  navFor: 'blocks',
  path: /^block\/([^/]+)$/,
  title: (params) => `Block ${params[0]}`,
  search: { kind: 'block', href: (hit) => href.block(hit.height) },
  render,
};
