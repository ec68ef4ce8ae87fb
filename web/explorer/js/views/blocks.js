// All blocks, newest first, a page at a time (GET /v1/blocks?before=&limit=).
import { BadInput, get, validators } from '../api.js';
import { h, link } from '../dom.js';
import { count, href } from '../format.js';
import { blockRow, blocksTable, emptyNote } from './tables.js';

const PAGE = 25;

async function render({ query, target, signal, onBlock }) {
  const beforeText = query.get('before');
  if (beforeText !== null && !/^\d+$/.test(beforeText)) throw new BadInput(`"${beforeText}" is not a block height.`);
  const before = beforeText === null ? null : Number(beforeText);
  const [list, vset, status] = await Promise.all([
    get(`/v1/blocks?limit=${PAGE}${before ? `&before=${before}` : ''}`, { signal }),
    validators(),
    get('/v1/status', { signal }),
  ]);
  const blocks = list.blocks;
  const head = status.head.height;
  const top = blocks.length ? blocks[0].height : 0;
  const bottom = blocks.length ? blocks[blocks.length - 1].height : 0;
  const pager = h('nav', { class: 'pager', 'aria-label': 'Block pages' },
    top < head ? link(href.blocks(), '⇤ Newest') : null,
    top < head ? link(href.blocks(Math.min(head + 1, top + PAGE + 1)), '← Newer') : null,
    bottom > 1 ? link(href.blocks(bottom), 'Older →') : null);
  target.append(
    h('h1', {}, 'Blocks'),
    h('p', {}, blocks.length ? `Heights ${count(bottom)} to ${count(top)} of ${count(head)}.` : 'No block here.'),
    blocks.length ? blocksTable(`Blocks, newest first, ${PAGE} a page.`, blocks, vset.total_power) : emptyNote('The chain has no block in this range.'),
    pager,
    h('p', { class: 'raw' }, 'Raw JSON: ', link(`/v1/blocks?limit=${PAGE}${before ? `&before=${before}` : ''}`, 'this page')));
  // Only the first page grows live; older pages stay put.
  if (before === null) {
    onBlock((b) => {
      const body = target.ownerDocument.querySelector('main tbody');
      if (!body) return;
      body.prepend(blockRow(b, vset.total_power));
      while (body.rows.length > PAGE) body.lastElementChild.remove();
    });
  }
}

export default {
  id: 'blocks',
  path: /^blocks$/,
  nav: { label: 'Blocks', href: '#/blocks', order: 10 },
  title: () => 'Blocks',
  render,
};
