// Integrations: the webhooks that send the portal's events to the seller's other systems, and the
// API clients with which those systems call the admin API (api-clients.js). A new webhook's
// signing secret is shown here once, right after it is created; each webhook's own page
// (webhook.js) tests, edits and rotates it and shows its deliveries.

import { h, replace, loading, errorBox, time, toast } from '../../ui.js';
import * as api from '../../api.js';
import { webhookForm, secretBox, showSecret, eventWords, stateWords } from './webhook-form.js';
import { apiClientsSection } from './api-clients.js';

export default async function render(main, ctx) {
  ctx.title('Integrations');
  const list = h('div', {}, loading());
  const formSlot = h('div');
  const secretSlot = h('div');
  const create = h('button', { type: 'button', class: 'primary' }, 'New webhook');
  const closeForm = () => {
    replace(formSlot);
    create.hidden = false;
  };
  create.addEventListener('click', () => {
    create.hidden = true;
    replace(secretSlot);
    replace(formSlot, webhookForm({
      send: async (body) => {
        const created = await api.post('/admin/webhooks', body);
        closeForm();
        toast('The webhook is created.');
        showSecret(secretSlot, secretBox({
          title: 'Webhook created: its signing secret',
          secret: created.secret,
          after: h('p', { class: 'actions' },
            h('a', { class: 'button', href: `#/admin/integrations/${created.webhook_id}` }, 'Open the webhook to send a test event'),
            h('button', { type: 'button', onclick: () => replace(secretSlot) }, 'I have copied it')),
        }));
        await load();
      },
      cancel: () => {
        closeForm();
        create.focus();
      },
    }));
    formSlot.querySelector('input')?.focus();
  });

  const clients = apiClientsSection();
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Integrations')),
    h('p', { class: 'muted' }, 'Connect the portal to your other systems: they are told of orders, customers and logins as things happen, and they can call the admin API.'),
    h('section', { class: 'integrations', 'aria-labelledby': 'webhooks-title' },
      h('div', { class: 'page-head' }, h('h2', { id: 'webhooks-title' }, 'Webhooks'), create),
      h('p', { class: 'muted' }, 'A webhook POSTs each event it subscribes to to your URL, signed with its secret. A delivery that fails is retried for a day; a webhook failing for three days is disabled and the seller’s admins are emailed.'),
      secretSlot,
      formSlot,
      list),
    clients.el);

  async function load() {
    let items;
    try {
      ({ items } = await api.get('/admin/webhooks'));
    } catch (error) {
      replace(list, errorBox(error, { retry: load }));
      return;
    }
    if (!items.length) {
      replace(list, h('p', {}, 'No webhooks yet: no other system is told of events.'));
      return;
    }
    replace(list, h('div', { class: 'table-wrap' }, h('table', { class: 'cards webhooks' },
      h('caption', { class: 'visually-hidden' }, 'Webhooks'),
      h('thead', {}, h('tr', {}, ['Endpoint', 'Events', 'State', 'Failing since'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((w) => h('tr', { class: w.enabled ? null : 'inactive' },
        h('td', { 'data-label': 'Endpoint', class: 'c-endpoint' },
          h('a', { href: `#/admin/integrations/${w.webhook_id}`, class: 'url' }, w.url),
          w.description && h('span', { class: 'description muted' }, w.description)),
        h('td', { 'data-label': 'Events' }, eventWords(w.events)),
        h('td', { 'data-label': 'State' }, stateWords(w)),
        h('td', { 'data-label': 'Failing since' }, w.failing_since ? time(w.failing_since) : '—')))))));
  }
  await Promise.all([load(), clients.reload()]);
}
