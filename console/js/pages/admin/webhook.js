// One webhook (`#/admin/integrations/{id}`, the link in the email saying it was disabled): its
// state, a test event, enabling and disabling, editing, a new secret, deleting; below, its
// deliveries with each attempt and a retry by hand. Every change names the version it was made
// on, so a page left open while someone else changed the webhook is told and reloaded.

import { h, replace, loading, errorBox, toast, busy, confirmDialog, time } from '../../ui.js';
import * as api from '../../api.js';
import { pagedTable } from '../../list.js';
import { webhookForm, secretBox, showSecret, eventWords, untilWords } from './webhook-form.js';

const STALE = 'Someone else changed this webhook meanwhile: it is reloaded as it is now. Make your change again if it is still needed.';

/** A time to the second: deliveries a moment apart must read apart. */
function exact(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return h('time', { datetime: iso }, date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));
}

const wait = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export default async function render(main, ctx) {
  ctx.title('Webhook');
  const id = ctx.params.webhook_id;
  const path = `/admin/webhooks/${api.seg(id)}`;
  const head = h('div', {}, loading('Loading the webhook…'));
  const feedback = h('div');
  const secretSlot = h('div');
  const editSlot = h('div');
  main.append(h('p', { class: 'crumbs' }, h('a', { href: '#/admin/integrations' }, '← Integrations')), head, feedback, secretSlot, editSlot);

  let webhook = null;

  async function reload() {
    try {
      webhook = await api.get(path, { signal: ctx.signal });
    } catch (error) {
      if (error.name === 'AbortError') return null;
      replace(head, h('h1', {}, 'Webhook'), error.status === 404
        ? h('p', { role: 'alert' }, 'There is no webhook with this id: it may have been deleted.')
        : errorBox(error, { retry: reload }));
      return null;
    }
    ctx.title(title(webhook));
    // Read again after a test or a change: focus stays on the button that was pressed.
    const pressed = head.contains(document.activeElement) ? document.activeElement.dataset.action : null;
    replace(head, header(webhook));
    if (pressed) head.querySelector(`[data-action="${pressed}"]`)?.focus();
    return webhook;
  }

  /** A change failed: a stale version reloads and says so, anything else is said. */
  async function failed(error) {
    if (error.status === 409) {
      replace(feedback, errorBox(error, { detail: STALE }));
      await reload();
    } else {
      replace(feedback, errorBox(error));
    }
  }

  function action(key, text, options, busyText, run) {
    const button = h('button', { type: 'button', 'data-action': key, ...options }, text);
    button.addEventListener('click', () => busy(button, busyText, async () => {
      replace(feedback);
      try {
        await run(button);
      } catch (error) {
        if (error.name !== 'AbortError') await failed(error);
      }
    }));
    return button;
  }

  function header(w) {
    const on = w.enabled;
    const toggle = action('toggle', on ? 'Disable webhook' : 'Enable webhook', {}, 'Saving…', async () => {
      await api.patch(path, { enabled: !on, version: w.version });
      toast(on ? 'The webhook is disabled: no events are sent to it.' : 'The webhook is enabled: events are sent to it again.');
      await reload();
    });
    const test = action('test', 'Send test event', { class: 'primary' }, 'Sending…', async () => {
      const queued = await api.post(`${path}/test`, {});
      await deliveries.watch(queued.delivery_id, 'The test event');
    });
    const edit = h('button', { type: 'button', 'data-action': 'edit' }, 'Edit');
    edit.addEventListener('click', () => openEditor(w));
    const rotate = action('rotate', 'Rotate secret…', {}, 'Rotating…', async () => {
      const sure = await confirmDialog('Rotate the signing secret?', [
        h('p', {}, 'A new secret signs every delivery from now on. The current secret keeps signing beside it for 24 hours, so your receiver has a day to switch.'),
        h('p', {}, 'The new secret is shown once.'),
      ], { submit: 'Rotate secret' });
      if (!sure) return;
      const rotated = await api.post(`${path}/secret/rotate`, {});
      showSecret(secretSlot, secretBox({
        title: 'New signing secret',
        secret: rotated.secret,
        note: untilWords(rotated.previous_secret_valid_until),
        after: h('p', {}, h('button', { type: 'button', onclick: () => replace(secretSlot) }, 'I have copied it')),
      }));
      await reload();
    });
    const remove = action('delete', 'Delete…', { class: 'danger' }, 'Deleting…', async () => {
      const sure = await confirmDialog('Delete this webhook?', `No more events are sent to ${w.url}. This cannot be undone.`, { submit: 'Delete webhook', danger: true });
      if (!sure) return;
      await api.del(path);
      toast('The webhook is deleted.', 'ok', { next: true });
      ctx.navigate('/admin/integrations');
    });
    const rotatedUntil = w.secret_rotated_until && new Date(w.secret_rotated_until) > new Date() ? w.secret_rotated_until : null;
    return h('div', {},
      h('div', { class: 'page-head' },
        h('h1', {}, title(w), ' ', h('span', { class: `badge ${on ? 'badge-active' : 'badge-disabled'}`, 'data-testid': 'webhook-state' }, on ? 'Enabled' : 'Disabled')),
        h('div', { class: 'actions' }, test, toggle, edit, rotate, remove)),
      w.disabled_reason && !on && h('p', { class: 'notice warn', role: 'note' },
        `Disabled automatically: ${w.disabled_reason}. Fix the receiver, send a test event, then enable the webhook again.`),
      w.failing_since && on && h('p', { class: 'notice warn', role: 'note' },
        'Every delivery has failed since ', time(w.failing_since), '. After three days of failures the webhook is disabled automatically.'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'URL'), h('dd', {}, h('code', { class: 'url' }, w.url)),
        h('dt', {}, 'Events'), h('dd', {}, eventWords(w.events)),
        h('dt', {}, 'Failing since'), h('dd', {}, w.failing_since ? time(w.failing_since) : '—'),
        rotatedUntil && [h('dt', {}, 'Old secret'), h('dd', {}, 'Still signs beside the new one until ', time(rotatedUntil))],
        h('dt', {}, 'Created'), h('dd', {}, time(w.created_at)),
        h('dt', {}, 'ID'), h('dd', {}, h('code', {}, w.webhook_id))));
  }

  function openEditor(w) {
    replace(feedback);
    const close = () => {
      replace(editSlot);
      head.querySelector('[data-action="edit"]')?.focus();
    };
    replace(editSlot, webhookForm({
      webhook: w,
      send: async (body) => {
        const change = { events: body.events, description: body.description, version: webhook.version };
        // The URL is checked again (its addresses looked up) only when it changes.
        if (body.url !== webhook.url) change.url = body.url;
        try {
          await api.patch(path, change);
        } catch (error) {
          if (error.status !== 409) throw error;
          replace(editSlot);
          await failed(error);
          return;
        }
        replace(editSlot);
        toast('The webhook is saved.');
        await reload();
      },
      cancel: close,
    }));
    editSlot.querySelector('input')?.focus();
  }

  // After a test or a retry the webhook is read again: its failing streak may have started or ended.
  const deliveries = deliveryLog(path, reload);
  if (await reload()) {
    main.append(deliveries.el);
    await deliveries.table.reload();
  }
}

function title(w) {
  if (w.description) return w.description;
  try {
    return `Webhook to ${new URL(w.url).host}`;
  } catch {
    return 'Webhook';
  }
}

const STATUS = { succeeded: 'Succeeded', failed: 'Failed', pending: 'Pending' };

/**
 * The deliveries section: `{ el, table, watch(deliveryId, what) }`; `settled()` runs once a
 * watched delivery has its answer.
 */
function deliveryLog(path, settled) {
  const status = h('div', { class: 'delivery-status', role: 'status', 'aria-live': 'polite' });
  const refresh = h('button', { type: 'button' }, 'Refresh');
  const table = pagedTable({
    caption: 'Deliveries, newest first',
    noun: ['delivery', 'deliveries'],
    empty: 'No deliveries yet. Send a test event to see one here.',
    tableClass: 'cards deliveries',
    fetchPage: (cursor, signal) => api.get(`${path}/deliveries`, { query: { limit: 20, cursor }, signal }),
    columns: [
      { label: 'Time', render: (d) => exact(d.created_at) },
      { label: 'Event', render: (d) => h('code', {}, d.event_type) },
      { label: 'Status', render: (d) => h('span', { class: `badge badge-${d.status}` }, STATUS[d.status] || d.status) },
      { label: 'Last code', className: 'num', render: (d) => (d.last_status_code ? String(d.last_status_code) : '—') },
      { label: 'Next attempt', render: (d) => (d.next_attempt_at ? exact(d.next_attempt_at) : '—') },
      { label: 'Attempts', className: 'c-attempts', render: attempts },
      { label: 'Actions', render: (d) => retryButton(d) },
    ],
  });
  refresh.addEventListener('click', () => busy(refresh, 'Refreshing…', () => table.reload()));

  function retryButton(d) {
    const button = h('button', { type: 'button', 'data-delivery': d.delivery_id, 'aria-label': `Retry the ${d.event_type} delivery of ${new Date(d.created_at).toLocaleString()}` }, 'Retry');
    button.addEventListener('click', () => busy(button, 'Retrying…', async () => {
      try {
        await api.post(`${path}/deliveries/${api.seg(d.delivery_id)}/retry`, {});
      } catch (error) {
        replace(status, errorBox(error));
        return;
      }
      await watch(d.delivery_id, 'The retry', d.attempts);
      // The log was read again, so the button pressed is gone: focus goes to its successor.
      if (!el.contains(document.activeElement)) el.querySelector(`[data-delivery="${CSS.escape(d.delivery_id)}"]`)?.focus();
    }));
    return button;
  }

  /**
   * Reads the log until the delivery has an attempt more than `before` (a delivery shows after
   * its first attempt, usually within a second), for about ten seconds, and says how it went.
   */
  async function watch(deliveryId, what, before = 0) {
    await follow(deliveryId, what, before);
    await settled();
  }

  async function follow(deliveryId, what, before) {
    status.textContent = `${what} is sent; waiting for the answer…`;
    for (let tries = 0; tries < 12; tries += 1) {
      await wait(tries < 4 ? 500 : 1000);
      await table.reload();
      const d = table.items().find((x) => x.delivery_id === deliveryId);
      if (d && d.attempts > before) {
        status.textContent = d.status === 'succeeded'
          ? `${what} was delivered: the receiver answered ${d.last_status_code}.`
          : `${what} was not delivered (${d.last_status_code ? `the receiver answered ${d.last_status_code}` : d.log.at(-1)?.error || 'no answer'}).${d.next_attempt_at ? ' It is tried again later; Retry tries now.' : ''}`;
        return;
      }
    }
    status.textContent = `${what} is queued but not attempted yet; Refresh shows it once it is.`;
  }

  const el = h('section', { class: 'deliveries-section', 'aria-labelledby': 'deliveries-title' },
    h('div', { class: 'page-head' }, h('h2', { id: 'deliveries-title' }, 'Deliveries'), refresh),
    h('p', { class: 'muted' }, 'Each event sent to this webhook, newest first, kept for 30 days. A failed delivery is retried with growing pauses for a day; Retry sends it again now.'),
    status,
    table.el);
  return { el, table, watch };
}

/** The attempts count, and each attempt in a disclosure: when, the answer, how long, why not. */
function attempts(d) {
  if (!d.log?.length) return String(d.attempts);
  return h('details', { class: 'attempts' },
    h('summary', {}, `${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}`),
    h('ol', { class: 'attempt-log', reversed: true }, [...d.log].reverse().map((a) => h('li', {},
      exact(a.at), ' · ',
      a.status_code ? `HTTP ${a.status_code}` : 'no answer', ' · ',
      `${a.duration_ms} ms`,
      a.error && [' · ', h('span', { class: 'attempt-error' }, a.error)]))));
}
