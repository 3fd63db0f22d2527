// The pieces the Integrations pages share: the event types a webhook can subscribe to, the form
// that creates or edits a webhook, a webhook's state in words, and the box that shows a signing
// secret the one time the server returns it.

import { h, replace, field, uid, onSubmit, InputError, time } from '../../ui.js';
import { ApiError } from '../../api.js';

/** Every event type a webhook can subscribe to, by what it is about, with what sends it. */
export const EVENT_GROUPS = [
  ['Orders', [
    ['order.requested', 'an order is placed, by a customer or by the seller for one'],
    ['order.updated', 'a requested order’s lines or notes are edited'],
    ['order.confirmed', 'an order is confirmed'],
    ['order.rejected', 'an order is rejected'],
    ['order.cancelled', 'an order is cancelled'],
    ['order.assigned', 'an order is assigned to a team'],
  ]],
  ['Customers', [
    ['customer.created', 'a customer account is created'],
    ['customer.updated', 'a customer account’s details change'],
    ['customer.deleted', 'a customer account is deleted'],
  ]],
  ['Logins', [
    ['login.activated', 'a login starts working (an invitation accepted, a login turned on)'],
    ['login.disabled', 'a login is turned off or deleted'],
  ]],
];

export const ALL_EVENTS = EVENT_GROUPS.flatMap(([, events]) => events.map(([name]) => name));

/** A webhook's events in words: "All 11 events", or the names. */
export function eventWords(events) {
  if (ALL_EVENTS.every((e) => events.includes(e))) return h('span', {}, `All ${ALL_EVENTS.length} events`);
  return h('ul', { class: 'tags' }, events.map((e) => h('li', { class: 'tag' }, e)));
}

/** Enabled or disabled, as a badge; disabled by the system says why. */
export function stateWords(webhook) {
  if (webhook.enabled) return h('span', { class: 'badge badge-active' }, 'Enabled');
  return h('span', {},
    h('span', { class: 'badge badge-disabled' }, 'Disabled'),
    webhook.disabled_reason && h('span', { class: 'disabled-reason' }, ` Disabled automatically: ${webhook.disabled_reason}`));
}

/** The events fieldset: a checkbox per event type by group, and quick choices above them. */
function eventsFieldset(chosen) {
  const id = uid('events');
  const boxes = [];
  const group = ([title, events]) => h('div', { class: 'event-group', role: 'group', 'aria-label': `${title} events` },
    h('p', { class: 'event-group-title', 'aria-hidden': 'true' }, title),
    events.map(([name, what]) => {
      const box = h('input', { type: 'checkbox', id: uid('evt'), value: name, 'data-event': name, checked: chosen.includes(name) });
      const hintId = `${box.id}-hint`;
      box.setAttribute('aria-describedby', hintId);
      boxes.push(box);
      return h('div', { class: 'field check' }, box, h('label', { for: box.id }, h('code', {}, name)), h('p', { class: 'hint', id: hintId }, what));
    }));
  const pick = (test) => () => {
    for (const box of boxes) box.checked = test(box.value);
  };
  const quick = (text, test) => h('button', { type: 'button', class: 'link', 'aria-controls': id, onclick: pick(test) }, text);
  return h('fieldset', { id, class: 'events', tabindex: '-1', 'data-field': 'events', 'aria-describedby': `${id}-error` },
    h('legend', {}, 'Events', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    h('p', { class: 'quick-picks' }, 'Choose: ',
      quick('all events', () => true), ' · ',
      quick('all order events', (name) => name.startsWith('order.')), ' · ',
      quick('none', () => false)),
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
    h('div', { class: 'event-groups' }, EVENT_GROUPS.map(group)));
}

/** The event types ticked in `form`. */
const ticked = (form) => [...form.querySelectorAll('input[data-event]:checked')].map((box) => box.value);

/**
 * The server names a refused event `events[2]`; its checkbox is the one fieldset, so every
 * such error shows there.
 */
function onEventsField(error) {
  if (!(error instanceof ApiError) || !error.errors.some((e) => /^events\[\d+\]$/.test(e.field))) return error;
  const seen = new Set();
  error.errors = error.errors
    .map((e) => (/^events\[\d+\]$/.test(e.field) ? { ...e, field: 'events' } : e))
    .filter((e) => {
      const key = `${e.field} ${e.message}`;
      return !seen.has(key) && seen.add(key);
    });
  return error;
}

/**
 * A form creating a webhook, or editing `webhook`. `send(body)` makes the call (its errors show
 * beside the fields); `cancel()` closes the form.
 */
export function webhookForm({ webhook = null, send, cancel }) {
  const title = webhook ? 'Edit webhook' : 'New webhook';
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-label': title },
    h('h2', {}, title),
    field('Endpoint URL', h('input', { name: 'url', type: 'url', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', value: webhook?.url, placeholder: 'https://' }),
      { required: true, hint: 'Each event is sent here as a signed JSON POST. It must be https and reach a public address.' }),
    field('Description', h('input', { name: 'description', maxlength: '500', autocomplete: 'off', value: webhook?.description }),
      { hint: 'Optional; what receives the events, e.g. “ERP order import”' }),
    eventsFieldset(webhook?.events || []),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, webhook ? 'Save webhook' : 'Create webhook'),
      h('button', { type: 'button', onclick: cancel }, 'Cancel')));
  onSubmit(form, webhook ? 'Saving…' : 'Creating…', async (values) => {
    const events = ticked(form);
    if (!values.url) throw new InputError('Give the URL the events are sent to.', [{ field: 'url', message: 'is required' }]);
    if (!events.length) throw new InputError('Choose at least one event.', [{ field: 'events', message: 'choose at least one event' }]);
    try {
      await send({ url: values.url, events, description: values.description || null });
    } catch (error) {
      throw onEventsField(error);
    }
  });
  return form;
}

/**
 * A signing secret shown the one time the server returns it, with a Copy button. `title` heads
 * the box; `note` (optional) says more, e.g. until when the old secret still signs.
 */
export function secretBox({ title, secret, note, after }) {
  const headingId = uid('secret');
  const value = h('code', { class: 'secret', id: uid('secret-value') }, secret);
  const status = h('span', { class: 'copy-status', role: 'status' });
  const copy = h('button', { type: 'button', 'aria-describedby': value.id }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copy.textContent = 'Copied';
      status.textContent = 'The secret is on the clipboard.';
    } catch {
      // No clipboard here (an insecure origin, a refusal): the secret is selected to copy by hand.
      const range = document.createRange();
      range.selectNodeContents(value);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      status.textContent = 'Copying did not work here: the secret is selected, copy it with Ctrl+C (⌘C on a Mac).';
    }
  });
  return h('section', { class: 'secret-box', 'aria-labelledby': headingId },
    h('h2', { id: headingId, tabindex: '-1' }, title),
    h('p', {}, h('strong', {}, 'Copy the signing secret now: it will not be shown again.'),
      ' Your receiver checks each delivery’s webhook-signature header with it.'),
    h('div', { class: 'secret-line' }, value, copy),
    status,
    note && h('p', {}, note),
    after);
}

/** Shows `box` (a secretBox) in `slot` and moves focus to its heading. */
export function showSecret(slot, box) {
  replace(slot, box);
  box.querySelector('h2').focus();
  box.scrollIntoView?.({ block: 'nearest' });
}

/** "Until 3 Dec 2026, 10:42" for the old secret of a rotation. */
export const untilWords = (iso) => ['The old secret keeps signing deliveries beside the new one until ', time(iso), ', so update your receiver before then.'];
