// The link in a password reset email (`#/reset/{token}`): choose a new password, then sign in
// with it. Every other session of the login has ended by then.

import { h, replace, field, onSubmit, loading, errorBox, dateTime, InputError, toast, revealable } from '../ui.js';
import * as api from '../api.js';
import * as cognito from '../cognito.js';
import * as session from '../session.js';
import { navigate } from '../router.js';
import { PASSWORD_HINT, passwordProblem } from './sign-in.js';

export default async function render(main, ctx) {
  ctx.title('Choose a new password');
  const section = h('section', { class: 'narrow card' }, h('h1', {}, 'Choose a new password'), loading('Checking your link…'));
  main.append(section);
  const { token } = ctx.params;
  let reset;
  try {
    reset = await api.get(`/password-resets/${api.seg(token)}`, { public: true });
  } catch (error) {
    replace(section, h('h1', {}, 'This link cannot be used'), gone(error));
    return;
  }
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
  const form = h('form', { class: 'stack', novalidate: true },
    field('Email address', h('input', { name: 'email', type: 'email', value: reset.email, readonly: true, autocomplete: 'username' })),
    revealable(field('New password', password, { required: true, hint: PASSWORD_HINT })),
    revealable(field('Repeat the new password', h('input', { name: 'repeat', type: 'password', autocomplete: 'new-password' }), { required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Set password and sign in')));
  replace(section,
    h('h1', {}, 'Choose a new password'),
    h('p', {}, `For ${reset.email}. This link works once, until ${dateTime(reset.expires_at)}. `,
      'Choosing a password signs you out everywhere else.'),
    form);
  onSubmit(form, 'Saving…', async (values) => {
    const problem = passwordProblem(values.password);
    if (problem) throw new InputError('Choose another password.', [{ field: 'password', message: problem }]);
    if (values.password !== values.repeat) {
      throw new InputError('The two passwords are not the same.', [{ field: 'repeat', message: 'is not the same as the new password' }]);
    }
    const done = await api.post(`/password-resets/${api.seg(token)}`, { password: values.password }, { public: true });
    if (session.session()) await session.signOut();
    const result = await cognito.signIn(done.email, values.password);
    session.start(result.tokens);
    toast('Your new password is set.', 'ok', { next: true });
    navigate('/catalog');
  });
  password.focus();
}

function gone(error) {
  if (error.status === 410) {
    return h('div', {},
      h('p', { role: 'alert' }, 'This link has already been used or has expired.'),
      h('p', {}, h('a', { href: '#/forgot' }, 'Ask for a new link'), ' or ', h('a', { href: '#/sign-in' }, 'sign in'), '.'));
  }
  if (error.status === 404) {
    return h('div', {},
      h('p', { role: 'alert' }, 'This link is not valid. Check that you opened the whole link from the email.'),
      h('p', {}, h('a', { href: '#/forgot' }, 'Ask for a new link')));
  }
  return errorBox(error, { retry: () => location.reload() });
}
