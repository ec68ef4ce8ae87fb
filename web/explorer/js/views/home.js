// Home: the chain head, live charts, the latest blocks and transactions.
import { get, validators } from '../api.js';
import { BlockCharts, WINDOW_BLOCKS } from '../charts.js';
import { h, link } from '../dom.js';
import { ago, count, href, raw } from '../format.js';
import { blockRow, blocksTable, emptyNote, time, txRow, txsTable } from './tables.js';

const LATEST_BLOCKS = 10;
const LATEST_TXS = 10;

async function render({ target, signal, onBlock, later }) {
  const [status, list, recent, vset] = await Promise.all([
    get(raw.status(), { signal }),
    get(`/v1/blocks?limit=${Math.min(100, WINDOW_BLOCKS)}`, { signal }),
    get(`/v1/txs?limit=${LATEST_TXS}`, { signal }),
    validators(),
  ]);
  const total = vset.total_power;
  const head = status.head;

  const figure = (label, value, id) => h('div', {}, h('dt', {}, label), h('dd', { 'data-figure': id }, value));
  const headLink = h('span', {}, head.height ? link(href.block(head.height), `#${count(head.height)}`) : 'genesis');
  const headTime = h('span', {}, head.height ? time(head.time_ms) : '—');
  const txCount = h('span', {}, count(status.mempool.txs));
  const figures = h('dl', { class: 'figures', 'aria-label': 'Chain head' },
    figure('Chain', status.chain_id, 'chain'),
    figure('Head block', headLink, 'head'),
    figure('Last block', headTime, 'time'),
    figure('Validators', link(href.validators(), `${status.validators} (power ${count(total)})`), 'validators'),
    figure('Waiting in mempool', txCount, 'mempool'));

  const charts = new BlockCharts();
  charts.load(list.blocks);
  later(() => charts.destroy());

  const blocksSection = h('section', { 'aria-labelledby': 'latest-blocks' },
    h('h2', { id: 'latest-blocks' }, 'Latest blocks'),
    blocksTable('Newest first; new blocks are added at the top as they commit.', list.blocks.slice(0, LATEST_BLOCKS), total),
    list.blocks.length ? null : emptyNote('No block yet: the chain is at genesis.'),
    h('p', {}, link(href.blocks(), 'All blocks →')));
  const txsSection = h('section', { 'aria-labelledby': 'latest-txs' },
    h('h2', { id: 'latest-txs' }, 'Latest transactions'),
    txsTable('Newest first, from the most recent blocks.', recent.txs),
    recent.txs.length ? null : emptyNote('No transaction in the last 1,000 blocks.'));

  target.append(
    h('h1', {}, 'Telcochain explorer'),
    figures,
    h('h2', {}, 'Recent blocks'),
    charts.element,
    h('div', { class: 'columns' }, blocksSection, txsSection),
    h('p', { class: 'raw' }, 'Raw JSON: ', link(raw.status(), '/v1/status'), ' · ', link('/v1/blocks', '/v1/blocks'), ' · ',
      link('/v1/txs', '/v1/txs')));
  // uPlot measures its container: draw once the view is in the document.
  requestAnimationFrame(() => charts.draw());

  onBlock((b) => {
    headLink.replaceChildren(link(href.block(b.height), `#${count(b.height)}`));
    headTime.replaceChildren(time(b.time_ms));
    charts.add(b);
    const blocksBody = blocksSection.querySelector('tbody');
    if (blocksBody) {
      blocksBody.prepend(blockRow(b, total));
      while (blocksBody.rows.length > LATEST_BLOCKS) blocksBody.lastElementChild.remove();
    }
    const txsBody = txsSection.querySelector('tbody');
    // Event txs are in block order; the newest (last) goes on top.
    for (const tx of b.txs.slice(-LATEST_TXS)) txsBody.prepend(txRow({ ...tx, height: b.height }));
    while (txsBody.rows.length > LATEST_TXS) txsBody.lastElementChild.remove();
    for (const section of [blocksSection, txsSection]) {
      const empty = section.querySelector('p.muted');
      if (empty && section.querySelector('tbody').rows.length) empty.remove();
    }
  });
  // "3 s ago" must keep counting while nothing commits.
  const ticker = setInterval(() => {
    for (const t of target.ownerDocument.querySelectorAll('main time[datetime]')) {
      t.textContent = ago(Date.parse(t.getAttribute('datetime')));
    }
  }, 5000);
  later(() => clearInterval(ticker));
}

export default {
  id: 'home',
  path: /^$/,
  nav: { label: 'Home', href: '#/', order: 0 },
  title: () => 'Home',
  render,
};
