// The link in an email-change email (`#/email-change/{token}`): one button confirms the new
// sign-in address (a button, not on load, so a mail scanner opening the link changes nothing).

import { h, replace, errorBox, busy } from '../ui.js';
import * as api from '../api.js';
import * as session from '../session.js';

export default async function render(main, ctx) {
  ctx.title('Confirm your new email address');
  const result = h('div', { role: 'status' });
  const button = h('button', { type: 'button', class: 'primary' }, 'Confirm my new email address');
  const section = h('section', { class: 'narrow card' },
    h('h1', {}, 'Confirm your new email address'),
    h('p', {}, 'The seller changed the email address you sign in with. Confirm it to start using it.'),
    h('div', { class: 'actions' }, button),
    result);
  main.append(section);
  button.addEventListener('click', () => busy(button, 'Confirming…', async () => {
    try {
      const confirmed = await api.post(`/email-changes/${api.seg(ctx.params.token)}/confirm`, undefined, { public: true });
      // Tokens still carry the old address: sign in afresh with the new one.
      if (session.session()) await session.signOut();
      replace(section,
        h('h1', {}, 'Your email address is confirmed'),
        h('p', { role: 'status' }, `From now on, sign in with ${confirmed.email}.`),
        h('p', {}, h('a', { href: `#/sign-in?email=${encodeURIComponent(confirmed.email)}`, class: 'button primary' }, 'Sign in')));
    } catch (error) {
      if (error.status === 410 || error.status === 404) {
        replace(result, h('p', { role: 'alert' }, error.status === 410
          ? 'This link has already been used, was replaced by a newer change, or has expired. Ask the seller to change the address again.'
          : 'This link is not valid. Check that you opened the whole link from the email.'));
      } else {
        replace(result, errorBox(error));
      }
    }
  }));
}
