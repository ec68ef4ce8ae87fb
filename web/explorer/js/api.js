// The node's HTTP API as the page uses it: JSON GETs with a timeout, and errors sorted into
// the three cases the page explains differently.

const TIMEOUT_MS = 5000;

export class NotFound extends Error {}
export class BadInput extends Error {}
// The node did not answer (network error, timeout) or failed (5xx).
export class Unreachable extends Error {}

export async function get(path, { signal } = {}) {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response;
  try {
    response = await fetch(path, { signal: combined, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (signal && signal.aborted) throw e;  // the view was left: not an error to show
    throw new Unreachable(timeout.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : 'the connection failed');
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    if (response.ok) throw new Unreachable(`the node sent something that is not JSON for ${path}`);
  }
  if (response.ok) return body;
  const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
  if (response.status === 404) throw new NotFound(message);
  if (response.status === 400) throw new BadInput(message);
  throw new Unreachable(`the node answered ${response.status}: ${message}`);
}

// The validator set changes only with genesis (today) or governance (later): fetched once.
let validatorsPromise = null;
export function validators() {
  if (!validatorsPromise) {
    validatorsPromise = get('/v1/validators').catch((e) => {
      validatorsPromise = null;
      throw e;
    });
  }
  return validatorsPromise;
}
