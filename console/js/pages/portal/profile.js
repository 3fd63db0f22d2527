// The signed-in login and its account (`#/account`, from `GET /me`): who orders, for which
// company, at which prices, and whether ordering is on; the login changes its own name,
// password and sign-in address here. An admin acting as the login may correct the name only:
// the password and the address are the person's own.

import { h, replace, loading, errorBox, time, field, onSubmit, InputError, toast, revealable } from '../../ui.js';
import * as api from '../../api.js';
import * as cognito from '../../cognito.js';
import * as session from '../../session.js';
import { me } from './account.js';
import { PASSWORD_HINT, passwordProblem } from '../sign-in.js';

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
  const acting = Boolean(session.actingAs());
  const { customer } = m;
  replace(body,
    loginCard(m.login, ctx),
    h('section', { class: 'card', 'aria-labelledby': 'company-title' },
      h('h2', { id: 'company-title' }, 'Your company'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Company'), h('dd', {}, customer.name),
        h('dt', {}, 'Prices'), h('dd', {}, customer.tier_name ? `The “${customer.tier_name}” tier` : 'List prices'),
        h('dt', {}, 'Ordering'), h('dd', {}, customer.ordering_enabled
          ? h('span', { class: 'badge badge-active' }, 'On')
          : [h('span', { class: 'badge badge-disabled' }, 'Off'), ' Orders cannot be submitted at the moment.']))),
    h('section', { class: 'card', 'aria-labelledby': 'addresses-title' },
      h('h2', { id: 'addresses-title' }, 'Delivery addresses'),
      h('p', {}, 'Your company’s address book, shared by all its logins, is where orders can be delivered.'),
      h('p', {}, h('a', { href: '#/addresses', class: 'button' }, 'Manage addresses'))),
    acting
      ? h('p', { class: 'muted' }, 'While acting as this login you can correct its name. Its password and sign-in email are the person’s own to change.')
      : [passwordCard(m.login), emailCard(m.login, ctx)],
    h('p', { class: 'muted' }, 'To change the company’s details, ask the seller.'));
}

function loginCard(login, ctx) {
  const name = h('input', { name: 'name', autocomplete: 'name', value: login.name || '', maxlength: 100 });
  const form = h('form', { class: 'stack', novalidate: true },
    field('Your name', name, { required: true, hint: 'Shown on your orders and in the emails about them.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save name')));
  onSubmit(form, 'Saving…', async (values) => {
    if (!values.name) throw new InputError('Enter your name.', [{ field: 'name', message: 'is required' }]);
    await api.patch('/me', { name: values.name });
    await me({ fresh: true });
    toast('Your name is saved.', 'ok', { next: true });
    ctx.navigate('/account');
  });
  return h('section', { class: 'card', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Your login'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Sign-in email'), h('dd', {}, login.email),
      login.pending_email && [h('dt', {}, 'New email'), h('dd', {}, `${login.pending_email} (waiting for its confirmation link)`)],
      login.last_sign_in_at && [h('dt', {}, 'Last signed in'), h('dd', {}, time(login.last_sign_in_at))]),
    form);
}

function passwordCard(login) {
  const form = h('form', { class: 'stack', novalidate: true, 'aria-label': 'Change your password' },
    revealable(field('Current password', h('input', { name: 'current_password', type: 'password', autocomplete: 'current-password' }), { required: true })),
    revealable(field('New password', h('input', { name: 'new_password', type: 'password', autocomplete: 'new-password' }), { required: true, hint: PASSWORD_HINT })),
    revealable(field('Repeat the new password', h('input', { name: 'repeat', type: 'password', autocomplete: 'new-password' }), { required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Change password')));
  onSubmit(form, 'Changing…', async (values) => {
    if (!values.current_password) throw new InputError('Enter your current password.', [{ field: 'current_password', message: 'is required' }]);
    const problem = passwordProblem(values.new_password);
    if (problem) throw new InputError('Choose another password.', [{ field: 'new_password', message: problem }]);
    if (values.new_password !== values.repeat) {
      throw new InputError('The two passwords are not the same.', [{ field: 'repeat', message: 'is not the same as the new password' }]);
    }
    await api.post('/me/password', { current_password: values.current_password, new_password: values.new_password });
    // Every session ended, this one's too: sign in again with the new password at once.
    const result = await cognito.signIn(login.email, values.new_password);
    session.start(result.tokens);
    form.reset();
    toast('Your password is changed. You are signed out on every other device.', 'ok');
  });
  return h('section', { class: 'card', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Password'),
    form);
}

function emailCard(login, ctx) {
  const form = h('form', { class: 'stack', novalidate: true, 'aria-label': 'Change your sign-in email' },
    field('New email address', h('input', { name: 'email', type: 'email', autocomplete: 'email' }),
      { required: true, hint: 'We send a link to the new address; you sign in with it once you open the link.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Send confirmation link')));
  onSubmit(form, 'Sending…', async (values) => {
    if (!values.email) throw new InputError('Enter the new address.', [{ field: 'email', message: 'is required' }]);
    await api.post('/me/email', { email: values.email });
    await me({ fresh: true });
    toast(`A confirmation link is on its way to ${values.email}.`, 'ok', { next: true });
    ctx.navigate('/account');
  });
  return h('section', { class: 'card', 'aria-labelledby': 'email-title' },
    h('h2', { id: 'email-title' }, 'Sign-in email'),
    login.pending_email && h('p', { class: 'notice' }, `Waiting for ${login.pending_email} to confirm. Until then you sign in with ${login.email}.`),
    form);
}
