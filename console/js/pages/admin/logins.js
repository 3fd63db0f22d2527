// A customer's logins and invitations: add a login (invite, temporary password or a set
// password), and per login: act as, disable/enable, reset password, change email, delete;
// per invitation: resend, revoke.

import { h, replace, field, badge, errorBox, onSubmit, toast, confirmDialog, dialog, time, keyKeeper, InputError } from '../../ui.js';
import * as api from '../../api.js';
import * as session from '../../session.js';
import { PASSWORD_HINT } from '../sign-in.js';

/** The logins card of a customer page; `reload()` reads the customer again after a change. */
export function loginsSection(customer, reload, ctx) {
  const feedback = h('div');
  const live = customer.status !== 'deleted';
  const run = (what) => async () => {
    replace(feedback);
    try {
      const message = await what();
      if (message === null) return;
      if (message) toast(message);
      await reload();
    } catch (error) {
      replace(feedback, errorBox(error));
      feedback.querySelector('[role=alert]')?.focus?.();
    }
  };
  const logins = (customer.logins || []).filter((l) => l.status !== 'deleted');
  const invitations = (customer.invitations || []).filter((i) => i.status === 'pending' || i.status === 'accepting');
  return h('section', { class: 'card', 'aria-labelledby': 'logins-title' },
    h('h2', { id: 'logins-title' }, 'Logins'),
    // The account is closed, so no login can sign in whatever its status: enabling, resetting
    // or acting as one would only seem to work.
    !live && h('p', { class: 'notice warn' }, 'This customer is deleted: none of its logins can sign in, whatever its status shows, and nothing can be changed on them.'),
    feedback,
    logins.length === 0
      ? h('p', { class: 'muted' }, live ? 'No logins yet. Add one below: the person gets an email to start ordering.' : 'No logins.')
      : h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, `Logins of ${customer.name}`),
        h('thead', {}, h('tr', {}, ['Name', 'Email', 'Status', 'Created', live && 'Actions'].filter(Boolean).map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, logins.map((login) => h('tr', { 'data-login': login.email },
          h('td', {}, login.name),
          h('td', {}, login.email, login.pending_email && h('div', { class: 'muted small' }, `changing to ${login.pending_email} (waiting for confirmation)`)),
          h('td', {}, badge(login.status)),
          h('td', {}, time(login.created_at)),
          live && h('td', {}, h('div', { class: 'row-actions' }, loginActions(customer, login, run, ctx)))))))),
    live && invitations.length > 0 && h('div', {},
      h('h3', {}, 'Open invitations'),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, `Open invitations of ${customer.name}`),
        h('thead', {}, h('tr', {}, ['Email', 'Status', 'Link works until', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, invitations.map((inv) => {
          const expired = new Date(inv.expires_at) < new Date();
          return h('tr', {},
            h('td', {}, inv.email),
            h('td', {}, badge(expired ? 'expired' : inv.status)),
            h('td', {}, time(inv.expires_at)),
            h('td', {}, h('div', { class: 'row-actions' },
              h('button', { type: 'button', onclick: run(async () => {
                await api.post(`/admin/invitations/${api.seg(inv.invitation_id)}/resend`);
                return `A new invitation link was emailed to ${inv.email}.`;
              }) }, 'Resend', h('span', { class: 'visually-hidden' }, ` the invitation to ${inv.email}`)),
              h('button', { type: 'button', class: 'danger', onclick: run(async () => {
                if (!await confirmDialog('Revoke this invitation?', `The link sent to ${inv.email} will stop working.`, { submit: 'Revoke', danger: true })) return null;
                await api.del(`/admin/invitations/${api.seg(inv.invitation_id)}`);
                return `The invitation to ${inv.email} is revoked.`;
              }) }, 'Revoke', h('span', { class: 'visually-hidden' }, ` the invitation to ${inv.email}`)))));
        }))))),
    live && addLoginForm(customer, reload));
}

function loginActions(customer, login, run, ctx) {
  const label = (text) => [text, h('span', { class: 'visually-hidden' }, ` ${login.email}`)];
  const path = `/admin/logins/${api.seg(login.login_id)}`;
  const actions = [];
  if (login.status === 'active') {
    actions.push(h('button', { type: 'button', onclick: () => actAs(customer, login, ctx) }, label('Act as')));
  }
  if (login.status === 'active') {
    actions.push(h('button', { type: 'button', onclick: run(async () => {
      if (!await confirmDialog(`Disable ${login.name}?`, `${login.email} is signed out everywhere and cannot sign in until enabled again.`, { submit: 'Disable', danger: true })) return null;
      await api.patch(path, { enabled: false });
      return `${login.email} is disabled.`;
    }) }, label('Disable')));
  }
  if (login.status === 'disabled') {
    actions.push(h('button', { type: 'button', onclick: run(async () => {
      await api.patch(path, { enabled: true });
      return `${login.email} is enabled again.`;
    }) }, label('Enable')));
  }
  if (login.status === 'active' || login.status === 'disabled') {
    actions.push(h('button', { type: 'button', onclick: run(() => resetPassword(login)) }, label('Reset password')));
  }
  if (login.status !== 'deleted') {
    actions.push(h('button', { type: 'button', onclick: run(() => changeEmail(login)) }, label('Change email')));
    actions.push(h('button', { type: 'button', class: 'danger', onclick: run(async () => {
      if (!await confirmDialog(`Delete ${login.name}?`, `${login.email} can never sign in again. Orders placed by this login are kept.`, { submit: 'Delete login', danger: true })) return null;
      await api.del(path);
      return `${login.email} is deleted.`;
    }) }, label('Delete')));
  }
  return actions;
}

async function resetPassword(login) {
  const result = await dialog({
    title: `Reset the password of ${login.name}`,
    submit: 'Send',
    fields: [h('fieldset', {},
      h('legend', {}, `What should ${login.email} receive?`),
      field('An email with a temporary password (to change at the next sign-in)', h('input', { type: 'radio', name: 'mode', value: 'temporary_password', checked: true })),
      field('An email with a link to choose a new password', h('input', { type: 'radio', name: 'mode', value: 'invite' })))],
    action: (values) => api.post(`/admin/logins/${api.seg(login.login_id)}/password-reset`, { mode: values.mode }),
  });
  if (!result) return null;
  return result.mode === 'invite'
    ? `A link to choose a new password was emailed to ${login.email}.`
    : `A temporary password was emailed to ${login.email}.`;
}

async function changeEmail(login) {
  const result = await dialog({
    title: `Change the sign-in email of ${login.name}`,
    submit: 'Send confirmation link',
    fields: [
      h('p', {}, `Now: ${login.email}. The new address gets a link; it becomes the sign-in email once the link is opened.`),
      field('New email address', h('input', { type: 'email', name: 'email', autocomplete: 'off' }), { required: true }),
    ],
    action: async (values) => {
      if (!values.email) throw new InputError('Type the new email address.', [{ field: 'email', message: 'is required' }]);
      await api.patch(`/admin/logins/${api.seg(login.login_id)}`, { email: values.email });
    },
  });
  if (!result) return null;
  return `A confirmation link was emailed to ${result.email}.`;
}

async function actAs(customer, login, ctx) {
  const result = await dialog({
    title: `Act as ${login.name}`,
    submit: 'Start acting',
    fields: [
      h('p', {}, `You will see and do everything as ${login.email} of ${customer.name}, until you stop. Every request is recorded in the audit log with your name and this reason.`),
      field('Reason', h('textarea', { name: 'reason', rows: '2', maxlength: '500' }), { required: true, hint: 'For example: the customer asked for help placing an order by phone.' }),
    ],
    action: async (values) => {
      if (!values.reason) throw new InputError('Say why you act as this login.', [{ field: 'reason', message: 'is required' }]);
    },
  });
  if (!result) return;
  session.startActingAs({
    login_id: login.login_id,
    login_name: login.name,
    login_email: login.email,
    customer_id: customer.customer_id,
    customer_name: customer.name,
    reason: result.reason,
  });
  ctx.navigate('/catalog');
}

function addLoginForm(customer, reload) {
  const passwordField = field('Password', h('input', { type: 'password', name: 'password', autocomplete: 'new-password' }), { hint: `${PASSWORD_HINT} Tell it to the person yourself: no email is sent.` });
  passwordField.hidden = true;
  const modes = h('fieldset', {},
    h('legend', {}, 'How does the person get a password?'),
    field('Email an invitation link (they choose a password)', h('input', { type: 'radio', name: 'mode', value: 'invite', checked: true })),
    field('Email a temporary password (changed at first sign-in)', h('input', { type: 'radio', name: 'mode', value: 'temporary_password' })),
    field('Set a password now', h('input', { type: 'radio', name: 'mode', value: 'password' })));
  modes.addEventListener('change', () => {
    passwordField.hidden = modes.querySelector('input:checked').value !== 'password';
  });
  const form = h('form', { class: 'stack', novalidate: true, 'aria-labelledby': 'add-login-title' },
    h('h3', { id: 'add-login-title' }, 'Add a login'),
    h('div', { class: 'grid-2' },
      field('Name', h('input', { name: 'name', autocomplete: 'off' }), { required: true }),
      field('Email address', h('input', { name: 'email', type: 'email', autocomplete: 'off' }), { required: true })),
    modes,
    passwordField,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add login')));
  const keyFor = keyKeeper();
  onSubmit(form, 'Adding…', async (values) => {
    const body = { name: values.name, email: values.email, mode: values.mode };
    if (values.mode === 'password') body.password = values.password;
    const login = await api.post(`/admin/customers/${api.seg(customer.customer_id)}/logins`, body, { idempotencyKey: keyFor(body) });
    toast({
      invite: `An invitation was emailed to ${login.email}.`,
      temporary_password: `A temporary password was emailed to ${login.email}.`,
      password: `${login.email} can sign in with the password you set.`,
    }[values.mode]);
    await reload();
  });
  return form;
}
