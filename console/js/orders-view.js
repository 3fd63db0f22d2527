// How orders look, for the customer's and the admin's pages alike: a list filtered by status;
// one order's page with its lines at the prices it was placed at, its answers, and its history.

import { h, replace, field, loading, errorBox, money, time, dateTime, badge, debounce } from './ui.js';
import * as api from './api.js';
import { pagedTable } from './list.js';
import { addressBlock } from './addresses.js';
import { matchWords, autoConfirmWords, minutesUntil, timeLeft } from './rule-words.js';

/** The statuses an order list filters by, as `[value, label]`; '' is every status. */
const STATUSES = [['', 'All'], ['requested', 'Requested'], ['confirmed', 'Confirmed'], ['rejected', 'Rejected'], ['cancelled', 'Cancelled']];

/** The columns of an order list, by name; `order(href)` links each order to `href(order)`. */
export const column = {
  order: (href) => ({ label: 'Order', render: (o) => h('a', { href: href(o) }, o.order_number) }),
  submitted: { label: 'Submitted', render: (o) => time(o.submitted_at || o.created_at) },
  status: { label: 'Status', render: (o) => badge(o.status) },
  lines: { label: 'Lines', className: 'num', render: (o) => String(o.lines.length) },
  total: { label: 'Total', className: 'num', render: (o) => money(o.total) },
};

/**
 * The orders at `path` (with `query`) in a paged table of `columns`, filtered by a status select
 * of `statuses` set to `status` at first: `{ filter, table, select }`, the filter labelled fields
 * and `select` the status select. `onStatus(value)` runs when the status changes, before the
 * table reloads. With `search`, a "Find an order" field searches by order number or PO number
 * (`?q=`, with `searchQuery`, by default `query`) in every status while it holds text;
 * `onSearch(text)` runs when it changes.
 */
export function orderList({ path, query = {}, searchQuery = query, statuses = STATUSES, status = '', onStatus, caption, empty, columns, search = null, onSearch }) {
  const select = h('select', { name: 'status' },
    statuses.map(([value, label]) => h('option', { value, selected: value === status }, label)));
  const find = search === null ? null : h('input', { type: 'search', name: 'q', value: search, autocomplete: 'off', maxlength: 100 });
  const text = () => find?.value.trim() || '';
  const table = pagedTable({
    caption,
    noun: ['order', 'orders'],
    empty,
    tableClass: 'cards',
    fetchPage: (cursor, signal) => api.get(path, {
      query: text() ? { ...searchQuery, q: text(), cursor, limit: 25 } : { ...query, status: select.value, cursor, limit: 25 },
      signal,
    }),
    columns,
  });
  select.addEventListener('change', () => {
    onStatus?.(select.value);
    table.reload();
  });
  const filters = [field('Status', select)];
  if (find) {
    select.disabled = Boolean(text());
    find.addEventListener('input', debounce(() => {
      select.disabled = Boolean(text());
      onSearch?.(text());
      table.reload();
    }, 300));
    filters.unshift(field('Find an order', find, { hint: 'Order number or PO number, in any status' }));
  }
  return { filter: filters, table, select };
}

/**
 * An order's page: a crumb back to the list (`back`: `[href, text]`), then `show(body, ctx)`
 * in the body below it, which shows "Loading the order…" until then.
 */
export async function orderPage(main, ctx, [href, text], show) {
  ctx.title('Order');
  const body = h('div', {}, loading('Loading the order…'));
  main.append(h('p', { class: 'crumbs' }, h('a', { href }, text)), body);
  await show(body, ctx);
}

/**
 * The order at `path` and the checkout questions at `questions` (none when they cannot be
 * read), as `{ order, questions }`; when the order cannot be read, null, with why shown in
 * `body`: `missing` when there is no such order, else the error with `retry`.
 */
export async function readOrder(body, { path, questions, missing, retry }) {
  try {
    const [order, asked] = await Promise.all([
      api.get(path),
      api.get(questions).then((q) => q.questions || []).catch(() => []),
    ]);
    return { order, questions: asked };
  } catch (error) {
    replace(body, h('h1', {}, 'Order'), error.status === 404
      ? h('p', { role: 'alert' }, missing)
      : errorBox(error, { retry }));
    return null;
  }
}

const EVENT_WORDS = {
  submitted: 'Submitted',
  created: 'Created',
  edited: 'Edited',
  cancelled: 'Cancelled',
  confirmed: 'Confirmed',
  rejected: 'Rejected',
  assigned: 'Assigned',
};

/**
 * Who did something. A customer sees the login's name (kept on the order since names are;
 * "your team" for older orders) or the seller's name (the API shows it the seller, never which
 * admin); an admin sees names:
 * `people` maps login ids to "Name (email)", `me` is the admin's own id ("you").
 */
export function who(by, { admin = false, people = new Map(), me = null } = {}) {
  if (!by) return '—';
  const login = (id) => people.get(id) || `login ${id}`;
  if (by.kind === 'customer') return admin ? (people.get(by.id) || by.name || login(by.id)) : (by.name || 'your team');
  if (!admin) return by.name || 'the seller';
  const person = by.id === me ? 'you' : by.email || 'an admin';
  return by.acting_as ? `${person}, acting as ${login(by.acting_as)}` : person;
}

/** The order's lines and total as a table (cards on a phone). */
export function linesTable(order) {
  const cell = (label, content, className) => h('td', { class: className, 'data-label': label }, content);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'lines cards' },
    h('caption', { class: 'visually-hidden' }, `Lines of order ${order.order_number}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col' }, 'SKU'),
      h('th', { scope: 'col', class: 'num' }, 'Quantity'), h('th', { scope: 'col', class: 'num' }, 'Unit price'),
      h('th', { scope: 'col', class: 'num' }, 'Line total'))),
    h('tbody', {}, order.lines.map((l) => h('tr', {},
      cell('Product', l.name), cell('SKU', h('code', {}, l.sku)),
      cell('Quantity', `${l.quantity}${l.unit ? ` ${l.unit}` : ''}`, 'num'),
      cell('Unit price', money(l.unit_price), 'num'), cell('Line total', money(l.line_total), 'num')))),
    h('tfoot', {}, h('tr', {},
      h('th', { scope: 'row', colspan: 4 }, 'Total'),
      h('td', { class: 'num' }, h('strong', {}, money(order.total)))))));
}

/** The facts of an order as a description list. */
export function summary(order, { admin = false, questions = [], people, me } = {}) {
  const labels = Object.fromEntries(questions.map((q) => [q.question_id, q.label]));
  const answers = Object.entries(order.answers || {});
  return h('dl', { class: 'facts' },
    h('dt', {}, 'Status'), h('dd', { 'data-testid': 'order-status' }, withDue(order, admin)),
    h('dt', {}, 'Submitted'), h('dd', {}, time(order.submitted_at || order.created_at)),
    order.decided_at && [h('dt', {}, order.status === 'cancelled' ? 'Cancelled' : 'Decided'), h('dd', {}, time(order.decided_at))],
    order.reject_reason && [h('dt', {}, 'Reason'), h('dd', {}, order.reject_reason)],
    admin && order.assigned_team && [h('dt', {}, 'Team'), h('dd', {}, order.assigned_team)],
    [h('dt', {}, 'Placed by'), h('dd', {}, who(order.created_by, { admin, people, me }))],
    order.notes && [h('dt', {}, 'Notes'), h('dd', { class: 'pre' }, order.notes)],
    order.requested_delivery_date && [h('dt', {}, 'Delivery date'), h('dd', { 'data-testid': 'delivery-date' }, order.requested_delivery_date)],
    order.ship_to && [h('dt', {}, 'Ship to'), h('dd', {}, addressBlock(order.ship_to, { 'data-testid': 'ship-to' }))],
    answers.map(([id, value]) => [h('dt', {}, labels[id] || id), h('dd', {}, value)]));
}

/**
 * Whether a requested order waits past its team's response time: an "Overdue" badge, or the
 * time left while `respond_by` is ahead; null when neither applies.
 */
function due(order, now = Date.now()) {
  if (order.overdue) return h('span', { class: 'badge badge-overdue' }, 'Overdue');
  if (order.status !== 'requested' || !order.respond_by) return null;
  const minutes = minutesUntil(order.respond_by, now);
  if (minutes < 0) return null;
  return h('time', { class: 'time-left', datetime: order.respond_by, title: `Respond by ${dateTime(order.respond_by)}` }, timeLeft(minutes));
}

/** The order's status badge, and to an admin whether it is overdue or the time left. */
export function withDue(order, admin = true) {
  const when = admin ? due(order) : null;
  return [badge(order.status), when && [' ', when]];
}

/**
 * Who took a step, after its time: " by <who>", or for a step the seller's rules took,
 * " — Automatically" and (to an admin) the rule.
 */
function byWhom(by, { admin, people, me }) {
  if (by?.kind !== 'system') return [' by ', who(by, { admin, people, me })];
  const rule = admin && by.rule ? ` (rule: ${by.rule.match ? matchWords(by.rule.match) : autoConfirmWords(by.rule)})` : '';
  return ` — Automatically${rule}`;
}

/** The order's history, oldest first; an assignment names the routing rule that made it. */
export function history(order, { admin = false, people, me } = {}) {
  const events = order.history || [];
  if (!events.length) return null;
  const sameCustomer = (id) => (id === order.customer_id ? 'this customer' : `customer ${id}`);
  return h('section', { 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    h('ol', { class: 'history' }, events.map((e) => {
      let note = e.note;
      if (admin && e.rule?.match) {
        // The server's note names the team and the rule's position then: "North (routing rule 2)".
        const [, team, position] = /^(.*) \(routing rule (\d+)\)$/.exec(note || '') || [null, note, null];
        note = [team, `by routing rule ${position ? `${position} ` : ''}(${matchWords(e.rule.match, { customer: sameCustomer })})`].filter(Boolean).join(', ');
      }
      return h('li', {},
        h('strong', {}, EVENT_WORDS[e.event] || e.event), ' ', time(e.at), byWhom(e.by, { admin, people, me }),
        note ? ` — ${note}` : '');
    })));
}
