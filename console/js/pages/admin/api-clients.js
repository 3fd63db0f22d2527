// API clients, on the Integrations page: the seller's other systems (an ERP, a warehouse system)
// call the admin API with credentials of their own. A new client's secret is shown here once,
// right after it is created, with the token URL and how to get a token; the list deletes a
// client, which stops its tokens at once.

import { h, replace, field, uid, onSubmit, toast, errorBox, confirmDialog, time } from '../../ui.js';
import * as api from '../../api.js';
import { pagedTable } from '../../list.js';
import { showSecret } from './webhook-form.js';

/** Every scope a client can be given, with what it allows in plain words. */
export const SCOPES = [
  ['orders:read', 'Read orders'],
  ['orders:write', 'Confirm, reject and assign orders'],
  ['catalog:write', 'Change products and price tiers'],
  ['customers:read', 'Read customer accounts'],
  ['customers:write', 'Create and update customer accounts'],
];

/** The scopes fieldset: a checkbox per scope with its words. */
function scopesFieldset() {
  const id = uid('scopes');
  return h('fieldset', { id, class: 'scopes', tabindex: '-1', 'data-field': 'scopes', 'aria-describedby': `${id}-error` },
    h('legend', {}, 'Scopes', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    h('p', { class: 'hint' }, 'What the client may do; it gets “not allowed” (403) for anything else.'),
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
    SCOPES.map(([name, what]) => {
      const box = h('input', { type: 'checkbox', id: uid('scope'), value: name, 'data-scope': name });
      const hintId = `${box.id}-hint`;
      box.setAttribute('aria-describedby', hintId);
      return h('div', { class: 'field check' }, box, h('label', { for: box.id }, h('code', {}, name)), h('p', { class: 'hint', id: hintId }, what));
    }));
}

/**
 * The server names a refused scope `scopes[1]`; the checkboxes are one fieldset, so every such
 * error shows there, once.
 */
function onScopesField(error) {
  if (!(error instanceof api.ApiError) || !error.errors.some((e) => /^scopes\[\d+\]$/.test(e.field))) return error;
  const seen = new Set();
  error.errors = error.errors
    .map((e) => (/^scopes\[\d+\]$/.test(e.field) ? { ...e, field: 'scopes' } : e))
    .filter((e) => {
      const key = `${e.field} ${e.message}`;
      return !seen.has(key) && seen.add(key);
    });
  return error;
}

/**
 * The form creating a client. Nothing is checked before sending: the server's 400 names each
 * field's problem, shown beside it. `send(body)` makes the call; `cancel()` closes the form.
 */
function clientForm({ send, cancel }) {
  const title = 'New API client';
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-label': title },
    h('h2', {}, title),
    field('Name', h('input', { name: 'name', maxlength: '100', autocomplete: 'off' }),
      { required: true, hint: 'What calls the API, e.g. “ERP” or “Warehouse system”' }),
    scopesFieldset(),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Create API client'),
      h('button', { type: 'button', onclick: cancel }, 'Cancel')));
  onSubmit(form, 'Creating…', async (values) => {
    const scopes = [...form.querySelectorAll('input[data-scope]:checked')].map((box) => box.value);
    try {
      await send({ name: values.name, scopes });
    } catch (error) {
      throw onScopesField(error);
    }
  });
  return form;
}

/** A Copy button for `text` (shown in `shown`); `status` says how it went. */
function copyButton(text, shown, status, what) {
  const copy = h('button', { type: 'button', 'aria-describedby': shown.id }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = 'Copied';
      status.textContent = `The ${what} is on the clipboard.`;
    } catch {
      // No clipboard here (an insecure origin, a refusal): the text is selected to copy by hand.
      const range = document.createRange();
      range.selectNodeContents(shown);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      status.textContent = `Copying did not work here: the ${what} is selected, copy it with Ctrl+C (⌘C on a Mac).`;
    }
  });
  return copy;
}

/** A new client's credentials, shown the one time the server returns the secret. */
function credentialsBox(created, dismiss) {
  const headingId = uid('secret');
  const secret = h('code', { class: 'secret', id: uid('secret-value') }, created.client_secret);
  const status = h('span', { class: 'copy-status', role: 'status' });
  const curl = `curl -s -X POST '${created.token_url}' \\\n  -u '${created.client_id}:<client secret>' \\\n  -d grant_type=client_credentials`;
  return h('section', { class: 'secret-box credentials', 'aria-labelledby': headingId },
    h('h2', { id: headingId, tabindex: '-1' }, `API client ${created.name} created: its credentials`),
    h('p', {}, h('strong', {}, 'Copy the client secret now: it will not be shown again.'),
      ' Give it, with the client ID and the token URL, to the system that calls the API.'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Client ID'), h('dd', {}, h('code', { class: 'client-id' }, created.client_id)),
      h('dt', {}, 'Client secret'), h('dd', {},
        h('div', { class: 'secret-line' }, secret, copyButton(created.client_secret, secret, status, 'client secret')),
        status),
      h('dt', {}, 'Token URL'), h('dd', {}, h('code', { class: 'url token-url' }, created.token_url))),
    h('p', {}, 'A token, by the OAuth 2.0 client-credentials grant (it expires; ask for a new one then):'),
    h('pre', { class: 'example' }, h('code', {}, curl)),
    h('p', {}, 'Then call the admin API with the header ', h('code', {}, 'Authorization: Bearer <access_token>'), '.'),
    h('p', { class: 'actions' }, h('button', { type: 'button', onclick: dismiss }, 'I have copied it')));
}

/** A client's scopes as tags. */
const scopeTags = (scopes) => h('ul', { class: 'tags' }, scopes.map((s) => h('li', { class: 'tag' }, s)));

/** The API clients' section of the Integrations page: `{ el, reload() }`. */
export function apiClientsSection() {
  const formSlot = h('div');
  const secretSlot = h('div');
  const errorSlot = h('div');
  const create = h('button', { type: 'button', class: 'primary' }, 'New API client');
  const closeForm = () => {
    replace(formSlot);
    create.hidden = false;
  };

  const table = pagedTable({
    caption: 'API clients',
    noun: ['API client', 'API clients'],
    empty: 'No API clients yet: no other system can call the admin API.',
    tableClass: 'cards api-clients',
    fetchPage: (cursor, signal) => api.get('/admin/api-clients', { query: { cursor }, signal }),
    columns: [
      { label: 'Name', className: 'c-name', render: (c) => c.name },
      { label: 'Client ID', className: 'c-id', render: (c) => h('code', {}, c.client_id) },
      { label: 'Scopes', className: 'c-scopes', render: (c) => scopeTags(c.scopes) },
      { label: 'Created', render: (c) => time(c.created_at) },
      {
        label: 'Actions',
        className: 'c-actions',
        render: (c) => h('button', { type: 'button', class: 'danger', onclick: (event) => remove(c, event.currentTarget) },
          'Delete…', h('span', { class: 'visually-hidden' }, ` ${c.name}`)),
      },
    ],
  });

  create.addEventListener('click', () => {
    create.hidden = true;
    replace(secretSlot);
    replace(errorSlot);
    replace(formSlot, clientForm({
      send: async (body) => {
        const created = await api.post('/admin/api-clients', body);
        closeForm();
        toast(`The API client ${created.name} is created.`);
        showSecret(secretSlot, credentialsBox(created, () => {
          replace(secretSlot);
          create.focus();
        }));
        await table.reload();
      },
      cancel: () => {
        closeForm();
        create.focus();
      },
    }));
    formSlot.querySelector('input')?.focus();
  });

  async function remove(client, button) {
    const sure = await confirmDialog(`Delete the API client ${client.name}?`,
      `Its tokens stop working at once and it can get no new ones: ${client.name} can no longer call the API. This cannot be undone.`,
      { submit: 'Delete API client', danger: true });
    if (!sure) {
      button?.focus();
      return;
    }
    replace(errorSlot);
    try {
      await api.del(`/admin/api-clients/${api.seg(client.client_id)}`);
      toast(`The API client ${client.name} is deleted: its tokens no longer work.`);
    } catch (error) {
      replace(errorSlot, errorBox(error));
    }
    await table.reload();
    create.focus();
  }

  const el = h('section', { class: 'integrations api-clients-section', 'aria-labelledby': 'api-clients-title' },
    h('div', { class: 'page-head' }, h('h2', { id: 'api-clients-title' }, 'API clients'), create),
    h('p', { class: 'muted' },
      'Your ERP or warehouse system calls the admin API with credentials of its own. It gets a token from the token URL by the OAuth 2.0 client-credentials grant, and may call only what its scopes allow.'),
    secretSlot,
    formSlot,
    errorSlot,
    table.el);
  return { el, reload: table.reload };
}
