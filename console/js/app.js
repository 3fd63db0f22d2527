// The console's entry point: reads config.json, draws the header (navigation by role, the
// signed-in person, the act-as banner, the progress bar) and starts the router.

import { loadConfig, config } from './config.js';
import * as session from './session.js';
import * as router from './router.js';
import { onActivity } from './api.js';
import { h, replace, errorBox } from './ui.js';
import { cartCount, onCartCount } from './cart-store.js';
import * as checkoutDraft from './checkout-draft.js';

const ADMIN_LINKS = [
  ['/admin/customers', 'Customers'],
  ['/admin/orders', 'Orders'],
  ['/admin/products', 'Products'],
  ['/admin/price-tiers', 'Price tiers'],
  ['/admin/teams', 'Teams'],
  ['/admin/checkout-questions', 'Checkout questions'],
  ['/admin/integrations', 'Integrations'],
  ['/admin/audit', 'Audit log'],
];
const CUSTOMER_LINKS = [
  ['/catalog', 'Catalogue'],
  ['/cart', 'Cart'],
  ['/orders', 'My orders'],
  ['/account', 'Account'],
  ['/quick-order', 'Quick order'],
  ['/lists', 'Saved lists'],
  ['/addresses', 'Addresses'],
];

function drawChrome() {
  const nav = document.getElementById('nav');
  const account = document.getElementById('account');
  const role = session.role();
  const acting = session.actingAs();
  const links = role === 'customer' || acting ? CUSTOMER_LINKS : role === 'admin' ? ADMIN_LINKS : [];
  const path = router.current().path;
  replace(nav, links.length ? h('ul', {}, links.map(([href, label]) => h('li', {},
    h('a', {
      href: `#${href}`,
      'aria-current': path === href || path.startsWith(`${href}/`) ? 'page' : null,
    }, label, href === '/cart' && h('span', { class: 'count', id: 'cart-count' }, cartCount() ? ` (${cartCount()})` : ''))))) : null);

  const s = session.session();
  replace(account,
    config().mailboxUrl && h('a', { href: config().mailboxUrl, target: '_blank', rel: 'noopener' }, 'Mailbox (dev)'),
    s && h('span', { class: 'who' }, s.email, role === 'admin' ? ' · admin' : ''),
    s && h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'));

  const banner = document.getElementById('acting-banner');
  banner.hidden = !acting;
  document.body.classList.toggle('acting', Boolean(acting));
  if (acting) {
    replace(banner,
      h('section', { class: 'acting-banner', 'aria-label': 'Acting as a customer' },
        h('p', {},
          h('strong', {}, `You are acting as ${acting.login_name}`),
          ` (${acting.login_email}) of ${acting.customer_name}. `,
          'Everything you do here is done as this login and recorded in the audit log. ',
          h('span', { class: 'reason' }, `Reason: ${acting.reason}`)),
        h('button', { type: 'button', onclick: stopActing }, 'Stop acting')));
  } else {
    replace(banner);
  }
}

async function signOut() {
  checkoutDraft.clearAll();
  router.navigate('/sign-in', { reason: 'signed-out' });
  await session.signOut();
}

function stopActing() {
  const acting = session.actingAs();
  session.stopActingAs();
  router.navigate(acting ? `/admin/customers/${acting.customer_id}` : '/admin/customers');
}

function focusHeading() {
  const main = document.getElementById('main');
  // A page that focused a control itself (a form's first field) keeps it.
  if (main.contains(document.activeElement) && document.activeElement !== main) return;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

function wireProgress() {
  const bar = document.getElementById('progress');
  let timer;
  // Only calls slower than a moment show the bar, so quick ones do not flicker.
  onActivity((busy) => {
    clearTimeout(timer);
    if (busy) timer = setTimeout(() => { bar.hidden = false; }, 250);
    else bar.hidden = true;
  });
}

async function boot() {
  const main = document.getElementById('main');
  document.querySelector('[data-skip]').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  try {
    await loadConfig();
  } catch (error) {
    replace(main, h('h1', {}, 'Orderdesk cannot start'), errorBox(error));
    return;
  }
  wireProgress();
  session.onChange((event) => {
    drawChrome();
    if (event === 'expired') router.toSignIn('expired');
    // Signed out here or in another tab: a page that needs a session sends to sign in.
    if (event === 'signed-out') router.render();
  });
  onCartCount(drawChrome);
  window.addEventListener('hashchange', drawChrome);
  drawChrome();
  router.start(main, focusHeading);
}

boot();
