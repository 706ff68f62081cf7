// The console speaks only the silo's own HTTP API (docs/api.md); nothing here is console-specific on the server.

const actorKey = 'ops.actor';

/** The name human actions are recorded under (kept in this browser's localStorage). */
export const actor = {
  get: () => (localStorage.getItem(actorKey) || '').trim(),
  set: (name) => {
    const value = (name || '').trim();
    if (value) localStorage.setItem(actorKey, value);
    else localStorage.removeItem(actorKey);
  },
};

/** An RFC 7807 problem (or any non-2xx answer) in words a person can act on. */
export class ApiError extends Error {
  constructor(status, problem, path) {
    const fields = problem && problem.errors ? Object.entries(problem.errors).map(([k, v]) => `${k}: ${[].concat(v).join(' ')}`) : [];
    const detail = problem?.detail || fields.join('; ');
    super([problem?.title || `HTTP ${status}`, detail].filter(Boolean).join(': '));
    this.status = status;
    this.problem = problem;
    this.path = path;
  }
}

/** Thrown before sending a human action when nobody has said who they are. */
export class ActorMissing extends Error {
  constructor() { super('Enter your name in "Acting as" first: every action is recorded under a name.'); }
}

async function failure(response, path) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // not JSON: the status says enough
  }
  return new ApiError(response.status, problem, path);
}

/** GET a JSON document. */
export async function get(path, { signal } = {}) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, signal, cache: 'no-store' });
  if (!response.ok) throw await failure(response, path);
  return response.json();
}

/** GET, or null on 404. */
export async function find(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** POST a human action as the current actor (X-Ops-Actor and the body's actor). */
export async function act(path, body = {}) {
  const name = actor.get();
  if (!name) throw new ActorMissing();
  const response = await fetch(path, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Ops-Actor': name },
    body: JSON.stringify({ actor: name, ...body }),
  });
  if (!response.ok) throw await failure(response, path);
  return response.json();
}

export const enc = encodeURIComponent;
