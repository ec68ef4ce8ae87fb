// Rows shared by several views: blocks and transactions in lists.
import { h, link, table, tableRow } from '../dom.js';
import { ago, count, href, shortAddress, shortHash, tel, transferOf, resultOk, utcTime } from '../format.js';

export const BLOCK_COLUMNS = [
  { label: 'Height' },
  { label: 'Hash', narrow: true },
  { label: 'Time' },
  { label: 'Txs', num: true },
  { label: 'Proposer', narrow: true },
  { label: 'Signed by', narrow: true },
];

export function time(ms) {
  return h('time', { datetime: new Date(ms).toISOString(), title: utcTime(ms) }, ago(ms));
}

// In tables an address is shortened (its full text is the link's title); on detail pages
// (`full`) it is written out.
export function addressLink(address, { full = false } = {}) {
  if (!address) return '—';
  return link(href.account(address), full ? address : shortAddress(address), { class: 'mono', title: address });
}

// "1 validator, power 10 of 10"
export function signedBy(commit, totalPower) {
  if (!commit) return '—';
  const who = `${commit.signers} validator${commit.signers === 1 ? '' : 's'}`;
  return totalPower ? `${who}, power ${count(commit.signed_power)} of ${count(totalPower)}` : who;
}

export function blockCells(b, totalPower) {
  return [
    link(href.block(b.height), `#${count(b.height)}`),
    link(href.block(b.hash), shortHash(b.hash), { class: 'mono', title: b.hash }),
    time(b.time_ms),
    count(b.tx_count),
    addressLink(b.proposer),
    signedBy(b.commit, totalPower),
  ];
}

export function blocksTable(caption, blocks, totalPower) {
  return table(caption, BLOCK_COLUMNS, blocks.map((b) => blockCells(b, totalPower)), {
    rowAttrs: (i) => ({ 'data-height': blocks[i].height }),
  });
}

export function blockRow(b, totalPower) {
  return tableRow(BLOCK_COLUMNS, blockCells(b, totalPower), { 'data-height': b.height, class: 'fresh' });
}

export const TX_COLUMNS = [
  { label: 'Hash' },
  { label: 'Block' },
  { label: 'From', narrow: true },
  { label: 'To' },
  { label: 'Amount', num: true },
  { label: 'Fee', num: true, narrow: true },
  { label: 'Result' },
];

export function resultBadge(result) {
  if (!result) return '—';
  return h('span', { class: resultOk(result) ? 'result-ok' : 'result-failed', title: result.message || '' }, result.name);
}

// tx: a list entry {hash,height,from,payload,fee,result} (GET /v1/txs, account history, events).
export function txCells(tx) {
  const transfer = transferOf(tx.payload);
  return [
    link(href.tx(tx.hash), shortHash(tx.hash), { class: 'mono', title: tx.hash }),
    link(href.block(tx.height), `#${count(tx.height)}`),
    addressLink(tx.from),
    transfer ? addressLink(transfer.to) : h('span', { class: 'muted' }, tx.payload ? tx.payload.type : '—'),
    transfer ? tel(transfer.amount) : '—',
    tel(tx.fee),
    resultBadge(tx.result),
  ];
}

export function txsTable(caption, txs) {
  return table(caption, TX_COLUMNS, txs.map(txCells), { rowAttrs: (i) => ({ 'data-tx': txs[i].hash }) });
}

export function txRow(tx) {
  // data-shown-ms: when this row reached the page (the browser test measures latency with it).
  return tableRow(TX_COLUMNS, txCells(tx), { 'data-tx': tx.hash, 'data-shown-ms': Date.now(), class: 'fresh' });
}

export function emptyNote(text) {
  return h('p', { class: 'muted' }, text);
}
