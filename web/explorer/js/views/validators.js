// The validator set with its voting power (GET /v1/validators).
import { validators } from '../api.js';
import { h, link, table } from '../dom.js';
import { count, raw } from '../format.js';
import { addressLink } from './tables.js';

async function render({ target }) {
  const vset = await validators();
  const share = (p) => (vset.total_power ? `${((100 * p) / vset.total_power).toFixed(1)} %` : '—');
  target.append(
    h('h1', {}, 'Validators'),
    h('p', {}, `${vset.validators.length} validator${vset.validators.length === 1 ? '' : 's'}, total voting power ${count(vset.total_power)}. `,
      'A block is final when validators holding more than two thirds of the power have signed its commit.'),
    table('Validators, as listed in genesis', [
      { label: 'Name' }, { label: 'Address' }, { label: 'Power', num: true }, { label: 'Share', num: true },
      { label: 'Public key', narrow: true },
    ], vset.validators.map((v) => [
      v.name, addressLink(v.address), count(v.power), share(v.power), h('span', { class: 'mono' }, v.public_key),
    ])),
    h('p', { class: 'raw' }, 'Raw JSON: ', link(raw.validators(), raw.validators())));
}

export default {
  id: 'validators',
  path: /^validators$/,
  nav: { label: 'Validators', href: '#/validators', order: 20 },
  title: () => 'Validators',
  render,
};
