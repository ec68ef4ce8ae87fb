// The section every view of state (account, device, name, number) ends with: the node's raw
// JSON, the state proof of the record, the height and state root it is proven at, and the
// telco command that checks it without trusting this node. The page does not verify the
// proof itself: a check against the same node's headers would prove nothing; `telco verify`
// checks the headers' signatures from a trusted genesis (docs/cli.md, "Verifying").
import { get } from '../api.js';
import { fields, h, link } from '../dom.js';
import { count, href } from '../format.js';

// The genesis hash never changes for a node: fetched once, to pin the trust anchor in the
// command shown.
let genesisPromise = null;
function genesisHash({ signal }) {
  if (!genesisPromise) {
    genesisPromise = get('/v1/status', { signal }).then((s) => s.genesis_hash).catch((e) => {
      genesisPromise = null;
      throw e;
    });
  }
  return genesisPromise;
}

// GET of a proof link (`/v1/state/proof?key=...&height=H`, `/v1/devices/{id}/proof?...`,
// `/v1/accounts/{a}/proof`) together with the genesis hash. A proof the node cannot serve
// (pruned meanwhile, no state tree) does not hide the rest of the view: the section says why.
export async function loadProof(path, { signal }) {
  try {
    const [proof, genesis] = await Promise.all([get(path, { signal }), genesisHash({ signal })]);
    return { path, proof, genesis };
  } catch (e) {
    if (signal && signal.aborted) throw e;
    return { path, error: e };
  }
}

function valueText(proof) {
  if (proof.value === null || proof.value === undefined) return 'absent: the proof shows that no value is stored under this key';
  return `present, ${count(proof.value.length / 2)} bytes`;
}

// raws: [[label, path], ...] links to the node's JSON; loaded: loadProof's answer;
// command(proof, genesis): the verification command; note: an optional extra sentence.
export function proofSection({ raws, loaded, command, note }) {
  const { path, proof, genesis, error } = loaded;
  const rawLinks = ['Raw JSON', h('span', {}, raws.map(([label, p], i) => [i ? ' · ' : null, link(p, label)]))];
  if (error) {
    return h('section', { class: 'proof', 'aria-labelledby': 'proof-heading' },
      h('h2', { id: 'proof-heading' }, 'Raw data and proof'),
      fields([rawLinks, ['State proof', link(path, path, { 'data-proof': '', class: 'mono' })]]),
      h('p', { 'data-field': 'proof-error' }, `The node did not serve the proof: ${error.message}`));
  }
  const cli = command(proof, genesis);
  // The link names the height it was answered at, so following it later gives this proof.
  const pinned = /[?&]height=/.test(path) ? path : `${path}${path.includes('?') ? '&' : '?'}height=${proof.height}`;
  return h('section', { class: 'proof', 'aria-labelledby': 'proof-heading' },
    h('h2', { id: 'proof-heading' }, 'Raw data and proof'),
    fields([
      rawLinks,
      ['State proof', link(pinned, pinned, { 'data-proof': '', class: 'mono' })],
      ['Proven at', h('span', { 'data-field': 'proof-height' }, link(href.block(proof.height), `block #${count(proof.height)}`))],
      ['State root', h('span', { class: 'mono', 'data-field': 'state-root' }, proof.state_root)],
      ['State key', h('span', { class: 'mono' }, proof.key)],
      ['Value', valueText(proof)],
    ]),
    h('p', {}, 'This page shows what this node says. To check it without trusting the node, verify the proof ',
      'against block headers signed by the validators, from the genesis you trust:'),
    h('pre', { class: 'command' }, h('code', { 'data-field': 'verify-command' }, cli)),
    note ? h('p', {}, note) : null,
    h('p', { class: 'muted' }, 'telco fetches the headers up to that height, checks every commit signature, then checks ',
      'the proof against the verified state root (docs/cli.md, "Verifying"). Nodes keep the state of the last ',
      '1,000 heights: for an older height, leave out --height to verify the value at the head.'));
}

// `telco verify state KEY --height H --genesis-hash G --node ORIGIN`
export function verifyStateCommand(proof, genesis) {
  return `telco verify state ${proof.key} --height ${proof.height} --genesis-hash ${genesis} --node ${location.origin}`;
}
