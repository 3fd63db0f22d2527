// Hash routing (`#/admin/orders/ord_…`), so a static host serves every page from one
// index.html and the links in emails (`#/invite/{token}`, `#/orders/{id}`, …) keep working.
// Each route names who may open it; pages are ES modules loaded on first use.

import { h, replace, errorBox, loading, clearToasts } from './ui.js';
import * as session from './session.js';

/** `access`: 'public' (anyone), 'signed-in', 'admin', 'customer' (a login, or an admin acting as one). */
const ROUTES = [
  ['/sign-in', 'public', () => import('./pages/sign-in.js')],
  ['/invite/:token', 'public', () => import('./pages/invite.js')],
  ['/email-change/:token', 'public', () => import('./pages/email-change.js')],
  ['/forgot', 'public', () => import('./pages/forgot.js')],
  ['/reset/:token', 'public', () => import('./pages/reset.js')],
  ['/catalog', 'customer', () => import('./pages/portal/catalog.js')],
  ['/cart', 'customer', () => import('./pages/portal/cart.js')],
  ['/orders', 'customer', () => import('./pages/portal/orders.js')],
  ['/orders/:order_id', 'customer', () => import('./pages/portal/order.js')],
  ['/account', 'customer', () => import('./pages/portal/profile.js')],
  ['/quick-order', 'customer', () => import('./pages/portal/quick-order.js')],
  ['/lists', 'customer', () => import('./pages/portal/lists.js')],
  ['/lists/:list_id', 'customer', () => import('./pages/portal/saved-list.js')],
  ['/addresses', 'customer', () => import('./pages/portal/addresses.js')],
  ['/admin/customers', 'admin', () => import('./pages/admin/customers.js')],
  ['/admin/customers/:customer_id', 'admin', () => import('./pages/admin/customer.js')],
  ['/admin/customers/:customer_id/new-order', 'admin', () => import('./pages/admin/new-order.js')],
  ['/admin/orders', 'admin', () => import('./pages/admin/orders.js')],
  ['/admin/orders/:order_id', 'admin', () => import('./pages/admin/order.js')],
  ['/admin/products', 'admin', () => import('./pages/admin/products.js')],
  ['/admin/price-tiers', 'admin', () => import('./pages/admin/price-tiers.js')],
  ['/admin/teams', 'admin', () => import('./pages/admin/teams.js')],
  ['/admin/checkout-questions', 'admin', () => import('./pages/admin/questions.js')],
  ['/admin/integrations', 'admin', () => import('./pages/admin/integrations.js')],
  ['/admin/integrations/:webhook_id', 'admin', () => import('./pages/admin/webhook.js')],
  ['/admin/audit', 'admin', () => import('./pages/admin/audit.js')],
].map(([pattern, access, load]) => ({
  pattern,
  access,
  load,
  regex: new RegExp(`^${pattern.replace(/:([a-z_]+)/g, '(?<$1>[^/]+)')}$`),
}));

const RETURN_KEY = 'orderdesk.return';

/** The path and query of the current hash: `#/a/b?x=1` → `{ path: '/a/b', query: {x: '1'} }`. */
export function current() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(search)) };
}

/** Goes to a page (`'/admin/customers'`, with an optional query object). */
export function navigate(path, query) {
  const target = `#${path}${queryString(query)}`;
  if (location.hash === target) render();
  else location.hash = target;
}

/** Changes the query of the current page without rendering it again (filters, searches). */
export function setQuery(query) {
  history.replaceState(history.state, '', `#${current().path}${queryString(query)}`);
}

function queryString(query) {
  const entries = Object.entries(query || {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
}

/** Where a person lands: admins on the customers, customers on the catalogue. */
export function home() {
  const role = session.role();
  if (role === 'admin') return session.actingAs() ? '/catalog' : '/admin/customers';
  if (role === 'customer') return '/catalog';
  return '/sign-in';
}

/** After signing in, the page the person was sent away from (once), else home. */
export function afterSignIn() {
  const saved = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  const fits = saved && !saved.startsWith('#/sign-in') && (session.role() === 'admin' || !saved.startsWith('#/admin'));
  location.hash = fits ? saved : `#${home()}`;
}

/** Sends the person to sign in, coming back here afterwards. */
export function toSignIn(reason) {
  if (!current().path.startsWith('/sign-in')) sessionStorage.setItem(RETURN_KEY, location.hash);
  navigate('/sign-in', reason ? { reason } : undefined);
}

let main;
let generation = 0;
let leave = null;
let onRendered = () => {};

/** Starts routing into `mainElement`; `rendered(route)` runs after each page is shown. */
export function start(mainElement, rendered) {
  main = mainElement;
  onRendered = rendered || onRendered;
  window.addEventListener('hashchange', render);
  render();
}

/** Renders the page the hash names. */
export async function render() {
  const { path, query } = current();
  const mine = ++generation;
  leave?.abort();
  leave = new AbortController();
  if (path === '/') {
    location.replace(`#${home()}`);
    return;
  }
  clearToasts();
  const route = ROUTES.find((r) => r.regex.test(path));
  if (!route) return show(mine, notFound);
  const params = route.regex.exec(path).groups || {};
  const role = session.role();
  if (route.access !== 'public' && !role) return toSignIn();
  if (route.access !== 'public' && role === 'none') return show(mine, noAccess);
  if (route.access === 'admin' && role !== 'admin') return show(mine, adminsOnly);
  if (route.access === 'customer' && role === 'admin' && !session.actingAs()) return show(mine, customersOnly);
  replace(main, loading());
  main.setAttribute('aria-busy', 'true');
  let page;
  try {
    page = await route.load();
  } catch (error) {
    return show(mine, () => errorPage(error));
  }
  if (mine !== generation) return;
  const ctx = {
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, decodeURIComponent(v)])),
    query,
    signal: leave.signal,
    navigate,
    setQuery: (q) => {
      if (mine === generation) setQuery(q);
    },
    title: (text) => {
      document.title = `${text} · Orderdesk`;
    },
  };
  replace(main);
  try {
    await page.default(main, ctx);
  } catch (error) {
    if (mine === generation) replace(main, errorPage(error));
  }
  if (mine !== generation) return;
  main.removeAttribute('aria-busy');
  onRendered(route);
}

function show(mine, build) {
  if (mine !== generation) return;
  replace(main, build());
  main.removeAttribute('aria-busy');
  onRendered();
}

/** A page shown instead of the one asked for: its tab title, heading, and what to say. */
function notice(title, heading, ...content) {
  document.title = `${title} · Orderdesk`;
  return h('section', { class: 'narrow' }, h('h1', { tabindex: '-1' }, heading), ...content);
}

/** A paragraph of one link. */
function link(href, text) {
  return h('p', {}, h('a', { href }, text));
}

function notFound() {
  return notice('Page not found', 'Page not found',
    h('p', {}, 'There is no page at this address.'),
    link(`#${home()}`, 'Go to the start page'));
}

function adminsOnly() {
  return notice('Not allowed', 'This page is for the seller’s staff',
    h('p', {}, 'Your login can order for your company, but it cannot open the seller’s admin pages.'),
    link(`#${home()}`, 'Go to the catalogue'));
}

function noAccess() {
  return notice('No access', 'This sign-in has no access yet',
    h('p', {}, 'It is neither one of the seller’s staff nor a customer login. Ask the seller to set it up.'));
}

function customersOnly() {
  return notice('Customer page', 'This is a customer’s page',
    h('p', {}, 'To see the portal as a customer sees it, open a customer, then choose “Act as” beside one of its active logins.'),
    link('#/admin/customers', 'Go to the customers'));
}

function errorPage(error) {
  return notice('Error', 'This page could not be shown', errorBox(error, { retry: () => render() }));
}
