// The Orderdesk HTTP API (../shared/API.md): JSON in and out, the ID token as the bearer
// token, problem+json errors turned into sentences, one retry after a refresh on a 401,
// and the act-as headers on customer routes while an admin acts as a login.

import { config } from './config.js';
import * as session from './session.js';
import { CognitoError } from './cognito.js';

/** An error from the API (or from reaching it), with what to tell the person. */
export class ApiError extends Error {
  constructor({ status, title, detail, errors = [], type = 'about:blank', final = false }) {
    super(detail || title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.type = type;
    /** Trying again cannot help (the login's access has ended). */
    this.final = final;
    /** `[{ field, message }]` on validation failures. */
    this.errors = errors;
  }
}

const STATUS_TITLES = {
  0: 'The server cannot be reached',
  400: 'Some details need fixing',
  401: 'Please sign in again',
  403: 'Not allowed',
  404: 'Not found',
  409: 'This could not be done now',
  410: 'This link is no longer valid',
  413: 'Too much at once',
  429: 'Too many requests',
};

const STATUS_DETAILS = {
  0: 'Check your connection and try again.',
  401: 'Your session has expired. Please sign in again.',
  403: 'You are not allowed to do this.',
  404: 'It may have been removed, or the link is wrong.',
  409: 'Someone else may have changed it at the same time. Reload the page and try again.',
  413: 'The request is too large. Send fewer items at a time.',
  429: 'The service is busy. Wait a moment and try again.',
};

/**
 * A customer's own access ended (the API's 403s for a disabled login and a closed account):
 * trying again cannot help, and asking to have the login enabled cannot help a closed account,
 * so each says what happened and the one thing left to do.
 */
const ACCESS_ENDED = {
  '/problems/login-disabled': {
    title: 'Your login is turned off',
    detail: 'The seller has disabled or deleted this login, so it can no longer see prices or place orders. If you still order for your company, contact the seller: they can turn the login on again or add one for you. Sign out to use another login.',
  },
  '/problems/customer-deleted': {
    title: 'Your company’s account is closed',
    detail: 'The seller has closed this account: none of its logins can see prices or place orders any more. Orders placed before are kept by the seller. If this is a mistake, contact the seller directly.',
  },
};

/** A title and a sentence for any status, whatever the body said. */
function describe(status, body) {
  const problem = body && typeof body === 'object' && typeof body.title === 'string';
  const ended = status === 403 && problem ? ACCESS_ENDED[body.type] : null;
  if (ended) return { status, ...ended, type: body.type, errors: [], final: true };
  const title = STATUS_TITLES[status] ?? (status >= 500 ? 'Something went wrong on our side' : 'The request failed');
  let detail = problem ? body.detail || body.title : STATUS_DETAILS[status];
  if (!detail) detail = status >= 500 ? 'Please try again in a moment. If it keeps happening, tell the seller.' : `The server answered ${status}.`;
  return {
    status,
    title,
    detail,
    type: problem ? body.type : 'about:blank',
    errors: problem && Array.isArray(body.errors) ? body.errors : [],
  };
}

const CUSTOMER_ROUTE = /^\/(me|catalog|cart|orders|checkout-questions|lists)(\/|$)/;

let pending = 0;
const activity = new Set();

/** Calls `listener(busy)` when the first request starts and when the last one ends. */
export function onActivity(listener) {
  activity.add(listener);
}

function track(delta) {
  const before = pending > 0;
  pending += delta;
  if (before !== pending > 0) for (const l of activity) l(pending > 0);
}

/**
 * One API call. `options`: `query` (object; empty values left out), `body` (sent as JSON),
 * `headers`, `idempotencyKey`, `public` (no token), `signal` (AbortSignal), `text` (sent as
 * it is, `text/csv`, in place of a JSON body: rows a spreadsheet exported).
 * Resolves to `{ status, headers, body }`; rejects with an ApiError.
 */
export async function request(method, path, options = {}) {
  track(+1);
  try {
    let response = await send(method, path, options, false);
    if (response.status === 401 && !options.public) {
      response = await send(method, path, options, true);
      if (response.status === 401) {
        session.expire();
        throw new ApiError(describe(401));
      }
    }
    const body = await readBody(response);
    if (!response.ok) {
      const error = new ApiError(describe(response.status, body));
      /** Seconds to wait before trying again, when the API said (`Retry-After`). */
      error.retryAfter = Number(response.headers.get('Retry-After')) || null;
      throw error;
    }
    return { status: response.status, headers: response.headers, body };
  } finally {
    track(-1);
  }
}

async function send(method, path, options, forceRefresh) {
  const url = new URL(config().apiUrl + path);
  for (const [key, value] of Object.entries(options.query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
  }
  const headers = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.text !== undefined) headers['Content-Type'] = 'text/csv';
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  if (!options.public) {
    try {
      headers.Authorization = `Bearer ${await session.idToken({ force: forceRefresh })}`;
    } catch (error) {
      if (error instanceof CognitoError) throw new ApiError(describe(0));
      throw new ApiError(describe(401));
    }
    const acting = session.actingAs();
    if (acting && CUSTOMER_ROUTE.test(path)) {
      headers['X-Act-As'] = acting.login_id;
      // Header values must be Latin-1; the reason is the admin's own words.
      headers['X-Act-As-Reason'] = toLatin1(acting.reason);
    }
  }
  try {
    return await fetch(url, {
      method,
      headers,
      body: options.text ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(describe(0));
  }
}

function toLatin1(text) {
  return String(text).replace(/[^\x20-\x7e\xa0-\xff]/g, '?').slice(0, 500);
}

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export const get = (path, options) => request('GET', path, options).then((r) => r.body);
export const post = (path, body, options = {}) => request('POST', path, { ...options, body }).then((r) => r.body);
export const put = (path, body, options = {}) => request('PUT', path, { ...options, body }).then((r) => r.body);
export const patch = (path, body, options = {}) => request('PATCH', path, { ...options, body }).then((r) => r.body);
export const del = (path, options) => request('DELETE', path, options).then((r) => r.body);

/** Encodes one path segment. */
export const seg = (value) => encodeURIComponent(value);
