// The console's only way to the server: the public API under the signed-in user's token.
// The token lives in this tab's session storage; the server, not this file, decides what a role may do.

const KEY = 'stepwise.token';
const RANK = { 'stepwise.viewer': 1, 'stepwise.operator': 2, 'stepwise.admin': 3 };

/** A failed API call, carrying the problem+json the server answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || `HTTP ${status}`;
    this.detail = problem.detail || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

/** Raised when the server refuses the token: the app goes back to sign-in with the reason. */
export class SignedOut extends Error {}

export function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const text = decodeURIComponent(Array.from(atob(part), c => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

export const session = {
  token() {
    return sessionStorage.getItem(KEY);
  },
  /** Checks what can be checked without the server (shape, expiry); returns the reason it is unusable, or null. */
  problem(token) {
    const c = claims(token);
    if (!c) return 'That is not a JWT (three base64url parts separated by dots).';
    if (typeof c.exp === 'number' && c.exp * 1000 <= Date.now()) {
      return `The token expired at ${new Date(c.exp * 1000).toISOString()}. Sign in with a new one.`;
    }
    return null;
  },
  signIn(token) {
    sessionStorage.setItem(KEY, token.trim());
  },
  signOut(reason) {
    sessionStorage.removeItem(KEY);
    if (reason) sessionStorage.setItem(KEY + '.reason', reason); else sessionStorage.removeItem(KEY + '.reason');
  },
  takeReason() {
    const reason = sessionStorage.getItem(KEY + '.reason');
    sessionStorage.removeItem(KEY + '.reason');
    return reason;
  },
  user() {
    const c = claims(this.token() || '') || {};
    const groups = Array.isArray(c.groups) ? c.groups : [];
    const rank = Math.max(0, ...groups.map(g => RANK[g] || 0));
    return { name: c.upn || c.preferred_username || c.sub || 'unknown', rank, expires: c.exp ? new Date(c.exp * 1000) : null };
  },
  /** Whether the signed-in role may take actions of this role (operator, admin). */
  may(role) {
    return this.user().rank >= RANK['stepwise.' + role];
  },
};

/**
 * One API call. body: a value sent as JSON, or undefined for none (then no Content-Type either).
 * Answers the parsed JSON (or null for an empty body); throws ApiError or SignedOut.
 */
export async function api(method, path, body, headers = {}) {
  const token = session.token();
  if (!token) throw new SignedOut('Sign in to continue.');
  const init = { method, headers: { Accept: 'application/json, application/problem+json', Authorization: `Bearer ${token}`, ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api/v1' + path, init);
  } catch (e) {
    throw new ApiError(0, { title: 'The server does not answer', detail: `${method} /api/v1${path}: ${e.message}` });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = { detail: text.slice(0, 500) }; }
  }
  if (response.status === 401) {
    const reason = (data && (data.detail || data.title)) || 'The server refused the token.';
    session.signOut(`The server refused the token: ${reason}`);
    throw new SignedOut(reason);
  }
  if (!response.ok) {
    throw new ApiError(response.status, data || {});
  }
  return data;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
