// Building DOM from data without innerHTML: every string from the node becomes a text node,
// so nothing the chain holds (memos, names) can inject markup.

// h('a', {href: '#/'}, 'Home', child...) — attributes: `class`, `text`, on* handlers, others as is.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

// Appends to an existing node (a view's target) as h() does: nested arrays flattened,
// null/undefined/false skipped, strings as text nodes.
export function fill(node, ...children) {
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

export function link(href, text, attrs = {}) {
  return h('a', { href, ...attrs }, text);
}

// A table inside a scrolling wrapper. columns: [{label, num?, narrow?}]; rows: arrays of cells.
export function table(caption, columns, rows, { rowAttrs } = {}) {
  const head = h('tr', {}, columns.map((c) =>
    h('th', { scope: 'col', class: [c.num && 'num', c.narrow && 'hide-narrow'].filter(Boolean).join(' ') || undefined }, c.label)));
  const body = h('tbody');
  rows.forEach((cells, i) => body.append(tableRow(columns, cells, rowAttrs ? rowAttrs(i) : {})));
  return h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, caption), h('thead', {}, head), body));
}

export function tableRow(columns, cells, attrs = {}) {
  return h('tr', attrs, cells.map((cell, i) => {
    const c = columns[i] || {};
    return h('td', { class: [c.num && 'num', c.narrow && 'hide-narrow'].filter(Boolean).join(' ') || undefined }, cell);
  }));
}

// <dl class="fields"> from [[label, value], ...]; null values are skipped.
export function fields(pairs) {
  return h('dl', { class: 'fields' }, pairs.filter((p) => p && p[1] !== null && p[1] !== undefined)
    .map(([label, value]) => h('div', { style: 'display:contents' }, h('dt', {}, label), h('dd', {}, value))));
}
