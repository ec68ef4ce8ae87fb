// The view registry: every page of the explorer is one entry here. A module that brings
// its own view (devices, names and numbers) adds one file under views/ and one line below;
// if it also brings a search kind, its view says so in `search` and the search page links
// hits of that kind to it. See docs/explorer.md, "Adding a view".
//
// Entry fields:
//   id       unique name; `nav` entries are linked from the header (order = position)
//   path     RegExp over the hash path without "#/" ("block/42"); groups become params
//   title    (params, query) => the document title
//   render   async ({params, query, target, signal, live, onBlock, later}) => fills target
//   search   optional {kind, href(hit), describe?(hit)}: links a /v1/search hit of this kind
//            to this view (describe: the hit's text in a list of several)
import home from './home.js';
import blocks from './blocks.js';
import block from './block.js';
import tx from './tx.js';
import account from './account.js';
import validators from './validators.js';
import search from './search.js';
import device from './device.js';
import name from './name.js';
import number from './number.js';

export const views = [home, blocks, block, tx, account, validators, search, device, name, number];
