// Who is signed in: the Cognito tokens (kept in localStorage so a new tab or a reload stays
// signed in), the groups read from the ID token, and an admin's "acting as a login" state
// (kept in sessionStorage: it ends with the tab).

import * as cognito from './cognito.js';
import { config } from './config.js';

const SESSION_KEY = 'orderdesk.session';
const ACT_AS_KEY = 'orderdesk.actAs';
const LAST_EMAIL_KEY = 'orderdesk.lastEmail';
/** Refresh this long before the ID token expires, so a request never leaves with a stale one. */
const EARLY_MS = 60_000;

const listeners = new Set();
let refreshing = null;

/** The payload of a JWT, unverified (the gateway verifies; the console only reads). */
export function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      [...atob(part)].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
    );
    return JSON.parse(json);
  } catch {
    return {};
  }
}

function read(storage, key) {
  try {
    return JSON.parse(storage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

function build(tokens) {
  const claims = claimsOf(tokens.idToken);
  return {
    ...tokens,
    expiresAt: (claims.exp || 0) * 1000,
    email: claims.email || claims['cognito:username'] || '',
    name: claims.name || '',
    groups: claims['cognito:groups'] || [],
  };
}

/** The stored session, or null when no one is signed in. */
export function session() {
  return read(localStorage, SESSION_KEY);
}

/** 'admin', 'customer' or null, from the ID token's `cognito:groups`. */
export function role() {
  const s = session();
  if (!s) return null;
  if (s.groups.includes('admins')) return 'admin';
  if (s.groups.includes('customers')) return 'customer';
  return 'none';
}

/** Stores freshly issued tokens and tells the listeners. */
export function start(tokens) {
  localStorage.setItem(SESSION_KEY, JSON.stringify(build(tokens)));
  sessionStorage.removeItem(ACT_AS_KEY);
  notify('signed-in');
}

/** Signs out here (and revokes the refresh token where the pool supports it). */
export async function signOut() {
  const s = session();
  localStorage.removeItem(SESSION_KEY);
  sessionStorage.removeItem(ACT_AS_KEY);
  notify('signed-out');
  if (s?.refreshToken && config().revokeTokens) await cognito.revoke(s.refreshToken);
}

/** The email of the session that expired last in this tab, for the sign-in form. */
export const expiredEmail = () => sessionStorage.getItem(LAST_EMAIL_KEY) || '';

/** Thrown when the session cannot be renewed: the person must sign in again. */
export class SessionExpired extends Error {
  constructor() {
    super('Your session has expired. Please sign in again.');
    this.name = 'SessionExpired';
  }
}

/** Ends the session because it cannot be renewed, and tells the listeners. */
export function expire() {
  // Signing in again should not mean typing the address again.
  const email = session()?.email;
  if (email) sessionStorage.setItem(LAST_EMAIL_KEY, email);
  localStorage.removeItem(SESSION_KEY);
  sessionStorage.removeItem(ACT_AS_KEY);
  notify('expired');
}

/**
 * An ID token good for at least another minute, refreshing it first if needed
 * (`force` refreshes anyway, after the API refused the current one).
 */
export async function idToken({ force = false } = {}) {
  const s = session();
  if (!s) throw new SessionExpired();
  if (!force && s.expiresAt - EARLY_MS > Date.now()) return s.idToken;
  // One refresh at a time, however many requests wait for it.
  refreshing ??= (async () => {
    try {
      const tokens = await cognito.refresh(s.refreshToken);
      const renewed = build({ ...tokens, refreshToken: s.refreshToken });
      localStorage.setItem(SESSION_KEY, JSON.stringify(renewed));
      return renewed.idToken;
    } catch (error) {
      if (error instanceof cognito.CognitoError && error.type === 'NetworkError') throw error;
      expire();
      throw new SessionExpired();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** The login an admin is acting as, or null. */
export function actingAs() {
  return role() === 'admin' ? read(sessionStorage, ACT_AS_KEY) : null;
}

/** Starts acting as a login: `{ login_id, login_name, login_email, customer_id, customer_name, reason }`. */
export function startActingAs(target) {
  sessionStorage.setItem(ACT_AS_KEY, JSON.stringify(target));
  notify('acting');
}

export function stopActingAs() {
  sessionStorage.removeItem(ACT_AS_KEY);
  notify('acting');
}

/** Calls `listener(event)` on 'signed-in', 'signed-out', 'expired' and 'acting'. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(event) {
  for (const listener of listeners) listener(event);
}

// Another tab signing in or out changes this one too.
window.addEventListener('storage', (event) => {
  if (event.key === SESSION_KEY) notify(event.newValue ? 'signed-in' : 'signed-out');
});
