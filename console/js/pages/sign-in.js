// Sign in with email and password; a temporary password must be replaced first
// (Cognito's NEW_PASSWORD_REQUIRED challenge).

import { h, replace, field, onSubmit, InputError, revealable } from '../ui.js';
import * as cognito from '../cognito.js';
import * as session from '../session.js';
import { afterSignIn, navigate } from '../router.js';

const REASONS = {
  expired: 'Your session has expired. Please sign in again.',
  'signed-out': 'You are signed out.',
};

export const PASSWORD_HINT = 'At least 10 characters, with an upper-case letter, a lower-case letter and a digit.';

/**
 * What a new password lacks under the user pool's policy (template.yaml), or null. Checked
 * before sending, so the rule is said once (the hint) and the error names only what is missing.
 */
export function passwordProblem(password) {
  const lacks = [];
  if (password.length < 10) lacks.push('at least 10 characters');
  if (!/[A-Z]/.test(password)) lacks.push('an upper-case letter');
  if (!/[a-z]/.test(password)) lacks.push('a lower-case letter');
  if (!/[0-9]/.test(password)) lacks.push('a digit');
  if (lacks.length) return `needs ${lacks.join(', ')}`;
  if (/^\s|\s$/.test(password)) return 'must not start or end with a space';
  return null;
}

export default async function render(main, ctx) {
  ctx.title('Sign in');
  const reason = REASONS[ctx.query.reason];
  const section = h('section', { class: 'narrow card' });
  main.append(section);
  const email = ctx.query.email || (ctx.query.reason === 'expired' ? session.expiredEmail() : '');
  showPasswordForm(section, reason, email);
}

function showPasswordForm(section, notice, email) {
  const emailInput = h('input', { name: 'email', type: 'email', autocomplete: 'username', value: email });
  const form = h('form', { class: 'stack', novalidate: true },
    field('Email address', emailInput, { required: true }),
    revealable(field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password' }), { required: true })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
      h('a', {
        href: '#/forgot',
        // The address typed so far goes along, so it need not be typed twice.
        onclick: (event) => {
          event.preventDefault();
          navigate('/forgot', { email: emailInput.value.trim() || undefined });
        },
      }, 'Forgot password?')));
  replace(section,
    h('h1', {}, 'Sign in'),
    notice && h('p', { class: 'notice', role: 'status' }, notice),
    form);
  onSubmit(form, 'Signing in…', async ({ email: address, password }) => {
    if (!address || !password) throw new InputError('Enter your email address and your password.');
    const result = await cognito.signIn(address, password);
    if (result.challenge) {
      showNewPasswordForm(section, address, result.session);
      return;
    }
    session.start(result.tokens);
    afterSignIn();
  });
  (email ? form.elements.password : emailInput).focus();
}

function showNewPasswordForm(section, email, challengeSession) {
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
  const form = h('form', { class: 'stack', novalidate: true },
    revealable(field('New password', password, { required: true, hint: PASSWORD_HINT })),
    revealable(field('Repeat the new password', h('input', { name: 'repeat', type: 'password', autocomplete: 'new-password' }), { required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Set password and sign in')));
  replace(section,
    h('h1', {}, 'Choose a new password'),
    h('p', {}, `You signed in with a temporary password. Choose your own password for ${email} to go on.`),
    form);
  onSubmit(form, 'Saving…', async ({ password: chosen, repeat }) => {
    const problem = passwordProblem(chosen);
    if (problem) throw new InputError('Choose another password.', [{ field: 'password', message: problem }]);
    if (chosen !== repeat) throw new InputError('The two passwords are not the same.', [{ field: 'repeat', message: 'is not the same as the new password' }]);
    const result = await cognito.completeNewPassword(email, challengeSession, chosen);
    session.start(result.tokens);
    afterSignIn();
  });
  password.focus();
}
