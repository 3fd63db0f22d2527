// The signed-in login and its account (`#/account`, from `GET /me`): who orders, for which
// company, at which prices, and whether ordering is on. The API has no self-service changes
// yet (name, password, email are the seller's to change), so the page says whom to ask.

import { h, replace, loading, errorBox, time } from '../../ui.js';
import { me } from './account.js';

export default async function render(main, ctx) {
  ctx.title('Your account');
  const body = h('div', {}, loading('Loading your account…'));
  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Your account')), body);
  let m;
  try {
    m = await me({ fresh: true });
  } catch (error) {
    replace(body, errorBox(error, { retry: () => ctx.navigate('/account') }));
    return;
  }
  const { login, customer } = m;
  replace(body,
    h('section', { class: 'card', 'aria-labelledby': 'login-title' },
      h('h2', { id: 'login-title' }, 'Your login'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Name'), h('dd', {}, login.name || '—'),
        h('dt', {}, 'Sign-in email'), h('dd', {}, login.email),
        login.pending_email && [h('dt', {}, 'New email'), h('dd', {}, `${login.pending_email} (waiting for its confirmation link)`)],
        login.last_sign_in_at && [h('dt', {}, 'Last signed in'), h('dd', {}, time(login.last_sign_in_at))])),
    h('section', { class: 'card', 'aria-labelledby': 'company-title' },
      h('h2', { id: 'company-title' }, 'Your company'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Company'), h('dd', {}, customer.name),
        h('dt', {}, 'Prices'), h('dd', {}, customer.tier_name ? `The “${customer.tier_name}” tier` : 'List prices'),
        h('dt', {}, 'Ordering'), h('dd', {}, customer.ordering_enabled
          ? h('span', { class: 'badge badge-active' }, 'On')
          : [h('span', { class: 'badge badge-disabled' }, 'Off'), ' Orders cannot be submitted at the moment.']))),
    h('p', { class: 'muted' }, 'To change your name, your sign-in email or your password, or the company’s details, ask the seller.'));
}
