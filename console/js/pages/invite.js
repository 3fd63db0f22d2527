// The link in an invitation email (`#/invite/{token}`): shows whose invitation it is, lets
// the person choose a password, then signs them in.

import { h, replace, field, onSubmit, loading, errorBox, dateTime, InputError, toast, revealable } from '../ui.js';
import { config } from '../config.js';
import * as api from '../api.js';
import * as cognito from '../cognito.js';
import * as session from '../session.js';
import { navigate } from '../router.js';
import { PASSWORD_HINT, passwordProblem } from './sign-in.js';

export default async function render(main, ctx) {
  ctx.title('Accept your invitation');
  const section = h('section', { class: 'narrow card' }, h('h1', {}, 'Accept your invitation'), loading('Checking your invitation…'));
  main.append(section);
  const { token } = ctx.params;
  let invitation;
  try {
    invitation = await api.get(`/invitations/${api.seg(token)}`, { public: true });
  } catch (error) {
    replace(section, h('h1', {}, 'This invitation cannot be used'), gone(error));
    return;
  }
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
  const form = h('form', { class: 'stack', novalidate: true },
    field('Email address', h('input', { name: 'email', type: 'email', value: invitation.email, readonly: true, autocomplete: 'username' }),
      { hint: 'You will sign in with this address.' }),
    field('Your name', h('input', { name: 'name', autocomplete: 'name', value: invitation.login_name || '' })),
    revealable(field('Choose a password', password, { required: true, hint: PASSWORD_HINT })),
    revealable(field('Repeat the password', h('input', { name: 'repeat', type: 'password', autocomplete: 'new-password' }), { required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Accept and sign in')));
  replace(section,
    // The portal is the seller's; the invitee orders in it for their own company.
    h('h1', {}, config().sellerName ? `Welcome to ${config().sellerName}’s ordering portal` : 'Welcome to the ordering portal'),
    h('p', {}, `You are invited to order for ${invitation.customer_name}. Choose a password to activate your login. `,
      `This link works until ${dateTime(invitation.expires_at)}.`),
    form);
  onSubmit(form, 'Activating…', async (values) => {
    const problem = passwordProblem(values.password);
    if (problem) throw new InputError('Choose another password.', [{ field: 'password', message: problem }]);
    if (values.password !== values.repeat) {
      throw new InputError('The two passwords are not the same.', [{ field: 'repeat', message: 'is not the same as the password' }]);
    }
    const body = { password: values.password };
    if (values.name && values.name !== invitation.login_name) body.name = values.name;
    const accepted = await api.post(`/invitations/${api.seg(token)}/accept`, body, { public: true });
    const result = await cognito.signIn(accepted.email, values.password);
    session.start(result.tokens);
    toast('Your login is active. Welcome!', 'ok', { next: true });
    navigate('/catalog');
  });
  password.focus();
}

function gone(error) {
  if (error.status === 410) {
    return h('div', {},
      h('p', { role: 'alert' }, 'This invitation link has already been used, was replaced by a newer one, or has expired.'),
      h('p', {}, 'If you have already chosen a password, ', h('a', { href: '#/sign-in' }, 'sign in'),
        '. Otherwise ask the seller to send you a new invitation.'));
  }
  if (error.status === 404) {
    return h('div', {},
      h('p', { role: 'alert' }, 'This invitation link is not valid. Check that you opened the whole link from the email.'),
      h('p', {}, h('a', { href: '#/sign-in' }, 'Go to sign in')));
  }
  return errorBox(error, { retry: () => location.reload() });
}
