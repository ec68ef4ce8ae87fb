// Histories of module records (devices, names, numbers): one state record per entry,
// numbered from 0, listed newest first a page at a time with `?before=SEQ`.
import { BadInput } from '../api.js';
import { h, link } from '../dom.js';

export const HISTORY_PAGE = 20;

// ?before= of the page, or undefined for the newest page.
export function beforeOf(query) {
  const text = query.get('before');
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw new BadInput(`"${text}" is not a history position.`);
  return Number(text);
}

// `&before=N` for an API path, or ''.
export function beforeParam(before) {
  return before === undefined ? '' : `&before=${before}`;
}

// The sequence number of each entry of a page that starts below `before` (newest first).
export function seqs(total, before, entries) {
  const top = Math.min(before === undefined ? total : before, total);
  return entries.map((_, i) => top - 1 - i);
}

// Newest / older links; hrefOf(before) builds the view's link.
export function historyPager(total, before, entries, hrefOf) {
  const numbers = seqs(total, before, entries);
  const lowest = numbers.length ? numbers[numbers.length - 1] : 0;
  return h('nav', { class: 'pager', 'aria-label': 'History pages' },
    before !== undefined ? link(hrefOf(undefined), '⇤ Newest') : null,
    lowest > 0 ? link(hrefOf(lowest), 'Older →') : null);
}

// "key_rotated" -> "key rotated"
export function eventText(event) {
  return String(event).replaceAll('_', ' ');
}
