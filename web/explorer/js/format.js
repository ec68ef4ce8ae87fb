// How values read on the page, and where each kind of thing links to (one place).

const UTEL_PER_TEL = 1000000n;

// "1500000" (uTEL, a decimal string: amounts exceed 2^53) -> "1.5 TEL".
export function tel(utel) {
  if (utel === undefined || utel === null || !/^\d+$/.test(String(utel))) return '—';
  const v = BigInt(utel);
  const whole = (v / UTEL_PER_TEL).toLocaleString('en-US');
  const frac = (v % UTEL_PER_TEL).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''} TEL`;
}

export function shortHash(hex, n = 10) {
  return hex && hex.length > 2 * n ? `${hex.slice(0, n)}…${hex.slice(-4)}` : hex;
}

export function shortAddress(address) {
  return address && address.length > 20 ? `${address.slice(0, 10)}…${address.slice(-6)}` : address;
}

export function count(n) {
  return Number(n).toLocaleString('en-US');
}

export function utcTime(ms) {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// "12 s ago", "3 min ago", "2 h ago", "5 d ago"; clock skew can make it negative: "just now".
export function ago(ms, now = Date.now()) {
  const s = Math.round((now - ms) / 1000);
  if (s < 2) return 'just now';
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function ms(value) {
  if (!Number.isFinite(value)) return '—';
  return value >= 10000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export const href = {
  home: () => '#/',
  blocks: (before) => (before ? `#/blocks?before=${before}` : '#/blocks'),
  block: (id, page) => `#/block/${id}${page > 1 ? `?page=${page}` : ''}`,
  tx: (hash) => `#/tx/${hash}`,
  account: (address, before) => `#/account/${address}${before ? `?before=${before}` : ''}`,
  validators: () => '#/validators',
  search: (q) => `#/search?q=${encodeURIComponent(q)}`,
  device: (idHash, before) => `#/device/${idHash}${before !== undefined ? `?before=${before}` : ''}`,
  name: (name, before) => `#/name/${encodeURIComponent(name)}${before !== undefined ? `?before=${before}` : ''}`,
  // E.164 with its "+": "#/number/+415551234".
  number: (digits, before) => `#/number/+${digits}${before !== undefined ? `?before=${before}` : ''}`,
};

// The node's raw JSON for what a view shows.
export const raw = {
  block: (height) => `/v1/blocks/${height}`,
  tx: (hash) => `/v1/txs/${hash}`,
  account: (address) => `/v1/accounts/${address}`,
  accountTxs: (address) => `/v1/accounts/${address}/txs`,
  accountProof: (address) => `/v1/accounts/${address}/proof`,
  reverse: (address) => `/v1/reverse/${address}`,
  device: (idHash) => `/v1/devices/${encodeURIComponent(idHash)}`,
  fleet: (fleetId) => `/v1/fleets/${fleetId}`,
  name: (name) => `/v1/names/${encodeURIComponent(name)}`,
  number: (text) => `/v1/numbers/${encodeURIComponent(text)}`,
  numberBlock: (prefix) => `/v1/number-blocks/${prefix}`,
  validators: () => '/v1/validators',
  blocks: () => '/v1/blocks',
  status: () => '/v1/status',
};

// A payload's recipient and amount when it has them (bank.transfer; other modules' payloads
// show their type).
export function transferOf(payload) {
  if (payload && payload.type === 'bank.transfer') return { to: payload.to, amount: payload.amount, memo: payload.memo };
  return null;
}

export function resultOk(result) {
  return result && result.code === 0;
}
