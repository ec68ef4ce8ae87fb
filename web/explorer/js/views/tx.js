// One transaction: where it is (pending, final in block N, rejected), who sent what to whom,
// what it cost and what happened.
import { BadInput, get } from '../api.js';
import { fields, h, link } from '../dom.js';
import { count, href, raw, tel, transferOf, utcTime } from '../format.js';
import { addressLink, resultBadge, time } from './tables.js';

const STATUS_TEXT = {
  pending: 'Pending: admitted to the mempool, not yet in a block',
  finalized: 'Final',
  rejected: 'Rejected by this node (never in a block)',
};

async function render({ params, target, signal, onBlock }) {
  const hash = params[0].toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new BadInput(`"${params[0]}" is not a transaction hash (64 hex digits).`);
  const st = await get(raw.tx(hash), { signal });
  const tx = st.tx || {};
  const transfer = transferOf(tx.payload);
  target.append(
    h('h1', {}, 'Transaction'),
    fields([
      ['Hash', h('span', { class: 'mono' }, st.hash)],
      ['Status', h('strong', { 'data-status': st.status }, STATUS_TEXT[st.status] || st.status)],
      st.status === 'finalized' ? ['Block', h('span', {}, link(href.block(st.height), `#${count(st.height)}`), `, position ${st.index}`)] : null,
      st.status === 'finalized' ? ['Time', h('span', {}, time(st.time_ms), ` (${utcTime(st.time_ms)})`)] : null,
      st.result ? ['Result', h('span', {}, resultBadge(st.result), ` (code ${st.result.code}) ${st.result.message}`)] : null,
      tx.sender_address ? ['Sender', addressLink(tx.sender_address, { full: true })] : null,
      transfer ? ['Receiver', addressLink(transfer.to, { full: true })] : null,
      transfer ? ['Amount', tel(transfer.amount)] : null,
      tx.payload && !transfer ? ['Payload', h('code', {}, JSON.stringify(tx.payload))] : null,
      transfer && transfer.memo ? ['Memo', transfer.memo] : null,
      tx.fee !== undefined ? ['Fee', `${tel(tx.fee)}${st.result && st.result.fee_charged !== undefined ? ` (charged ${tel(st.result.fee_charged)})` : ''}`] : null,
      tx.nonce !== undefined ? ['Nonce', count(tx.nonce)] : null,
      tx.chain_id ? ['Chain', tx.chain_id] : null,
      tx.signature ? ['Signature', h('span', { class: 'mono' }, tx.signature)] : null,
      tx.sender ? ['Sender key', h('span', { class: 'mono' }, tx.sender)] : null,
    ]),
    h('p', { class: 'raw' }, 'Raw JSON: ', link(raw.tx(hash), raw.tx(hash))));
  if (st.status === 'pending') {
    // Reload when the block that holds it commits.
    onBlock((b) => {
      if (b.txs.some((t) => t.hash === hash)) window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
  }
}

export default {
  id: 'tx',
  path: /^tx\/([^/]+)$/,
  title: () => 'Transaction',
  search: { kind: 'tx', href: (hit) => href.tx(hit.hash) },
  render,
};
