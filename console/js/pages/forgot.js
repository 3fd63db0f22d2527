// "Forgot password?" (`#/forgot`): asks for a reset link. The answer is the same whether or not
// the address has a login, so the page says what happens if it does and never more.

import { h, replace, field, onSubmit, InputError } from '../ui.js';
import * as api from '../api.js';

export default async function render(main, ctx) {
  ctx.title('Forgot your password?');
  const section = h('section', { class: 'narrow card' });
  main.append(section);
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'username', value: ctx.query.email || '' });
  const form = h('form', { class: 'stack', novalidate: true },
    field('Email address', email, { required: true, hint: 'The address you sign in with.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Send me a link'),
      h('a', { href: '#/sign-in' }, 'Back to sign in')));
  replace(section,
    h('h1', {}, 'Forgot your password?'),
    h('p', {}, 'We will email you a link to choose a new one.'),
    form);
  onSubmit(form, 'Sending…', async ({ email: address }) => {
    if (!address) throw new InputError('Enter your email address.', [{ field: 'email', message: 'is required' }]);
    try {
      await api.post('/password-resets', { email: address }, { public: true });
    } catch (error) {
      if (error.status === 429) {
        const minutes = Math.max(1, Math.ceil((error.retryAfter || 60) / 60));
        throw new InputError(`Too many links were asked for. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
      }
      throw error;
    }
    replace(section,
      h('h1', {}, 'Check your email'),
      h('p', { role: 'status' }, `If ${address} is the address of a login, a link to choose a new password is on its way. It works once, for one hour.`),
      h('p', { class: 'muted' }, 'No email after a few minutes? Check the spam folder, or ask the seller to reset your password.'),
      h('p', {}, h('a', { href: `#/sign-in?email=${encodeURIComponent(address)}`, class: 'button' }, 'Back to sign in')));
  });
  email.focus();
}
