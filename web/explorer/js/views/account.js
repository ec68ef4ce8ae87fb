// One account: balance, nonce, its reverse name, and its history (sent and received), newest
// first, a page at a time, then the proof of its balance and nonce. Pages end on block
// boundaries, since the API pages by height. Names and devices are listed only through the
// reverse record: the node keeps no index of everything an address owns (that would be a
// scan of the registries).
import { BadInput, NotFound, get } from '../api.js';
import { fields, h, link } from '../dom.js';
import { count, href, raw, tel } from '../format.js';
import { emptyNote, txsTable } from './tables.js';
import { loadProof, proofSection } from './proof.js';

// The name the address points to, while that name is active and owned by it; null when none.
async function reverseName(address, signal) {
  try {
    return await get(raw.reverse(address), { signal });
  } catch (e) {
    if (e instanceof NotFound) return null;
    throw e;
  }
}

const PAGE = 20;

async function render({ params, query, target, signal, onBlock }) {
  const address = params[0];
  if (!/^tc1[02-9ac-hj-np-z]{6,}$/i.test(address)) throw new BadInput(`"${address}" is not an address (they start with tc1).`);
  const beforeText = query.get('before');
  if (beforeText !== null && !/^\d+$/.test(beforeText)) throw new BadInput(`"${beforeText}" is not a block height.`);
  const before = beforeText === null ? '' : `&before=${beforeText}`;
  const [account, history, reverse, loaded] = await Promise.all([
    get(raw.account(address), { signal }),
    get(`${raw.accountTxs(address)}?limit=${PAGE}${before}`, { signal }),
    reverseName(address, signal),
    loadProof(raw.accountProof(address), { signal }),
  ]);
  let txs = history.txs;
  let next = null;
  if (txs.length === PAGE) {
    // The page is full: the lowest block on it may have more entries than fit. Show only
    // the blocks above it and start the next page at it, unless the whole page is one block.
    const lowest = txs[txs.length - 1].height;
    const above = txs.filter((t) => t.height > lowest);
    if (above.length) {
      txs = above;
      next = lowest + 1;
    } else {
      next = lowest;
    }
  }
  const balance = h('span', { 'data-field': 'balance' }, tel(account.balance));
  target.append(
    h('h1', {}, 'Account'),
    fields([
      ['Address', h('span', { class: 'mono' }, account.address)],
      ['Balance', balance],
      ['Nonce', `${count(account.nonce)} (next transaction uses ${count(account.pending_nonce)})`],
      account.pending_txs ? ['Pending', `${count(account.pending_txs)} transaction(s) in the mempool`] : null,
      reverse ? ['Name', h('span', { 'data-field': 'reverse-name' }, link(href.name(reverse.name), reverse.unicode || reverse.name), ' (its reverse record)')] : null,
    ]),
    h('h2', {}, 'History'),
    txs.length ? txsTable('Transactions sent or received, newest first', txs)
      : emptyNote(beforeText ? 'No older transactions.' : 'This account has not sent or received anything yet.'),
    h('nav', { class: 'pager', 'aria-label': 'History pages' },
      beforeText ? link(href.account(address), '⇤ Newest') : null,
      next ? link(href.account(address, next), 'Older →') : null),
    proofSection({
      raws: [['account', raw.account(address)], ['history', `${raw.accountTxs(address)}?limit=${PAGE}${before}`]]
        .concat(reverse ? [['reverse name', raw.reverse(address)]] : []),
      loaded,
      command: (proof, genesis) => `telco verify account ${account.address} --height ${proof.height} --genesis-hash ${genesis} --node ${location.origin}`,
      note: 'The proof covers the committed balance and nonce; the history comes from the node\'s transaction index.',
    }));
  if (!beforeText) {
    // A block that touches this account changes what the page shows: reload it.
    onBlock((b) => {
      if (b.txs.some((t) => t.from === address || (t.payload && t.payload.to === address))) {
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      }
    });
  }
}

export default {
  id: 'account',
  path: /^account\/([^/]+)$/,
  title: () => 'Account',
  search: { kind: 'account', href: (hit) => href.account(hit.address) },
  render,
};
