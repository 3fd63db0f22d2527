// How an order looks, for the customer's and the admin's pages alike: its lines with the
// prices it was placed at, its answers, and its history.

import { h, money, time, badge } from './ui.js';

const EVENT_WORDS = {
  submitted: 'Submitted',
  created: 'Created',
  edited: 'Edited',
  cancelled: 'Cancelled',
  confirmed: 'Confirmed',
  rejected: 'Rejected',
};

/**
 * Who did something. A customer sees "your team" or "the seller"; an admin sees names:
 * `people` maps login ids to "Name (email)", `me` is the admin's own id ("you").
 */
export function who(by, { admin = false, people = new Map(), me = null } = {}) {
  if (!by) return '—';
  const login = (id) => people.get(id) || `login ${id}`;
  if (by.kind === 'customer') return admin ? login(by.id) : 'your team';
  if (!admin) return 'the seller';
  const person = by.id === me ? 'you' : by.email || 'an admin';
  return by.acting_as ? `${person}, acting as ${login(by.acting_as)}` : person;
}

/** The order's lines and total as a table. */
export function linesTable(order) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'lines' },
    h('caption', { class: 'visually-hidden' }, `Lines of order ${order.order_number}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col' }, 'SKU'),
      h('th', { scope: 'col', class: 'num' }, 'Quantity'), h('th', { scope: 'col', class: 'num' }, 'Unit price'),
      h('th', { scope: 'col', class: 'num' }, 'Line total'))),
    h('tbody', {}, order.lines.map((l) => h('tr', {},
      h('td', {}, l.name), h('td', {}, h('code', {}, l.sku)),
      h('td', { class: 'num' }, `${l.quantity}${l.unit ? ` ${l.unit}` : ''}`),
      h('td', { class: 'num' }, money(l.unit_price)), h('td', { class: 'num' }, money(l.line_total))))),
    h('tfoot', {}, h('tr', {},
      h('th', { scope: 'row', colspan: 4 }, 'Total'),
      h('td', { class: 'num' }, h('strong', {}, money(order.total)))))));
}

/** The facts of an order as a description list. */
export function summary(order, { admin = false, questions = [], people, me } = {}) {
  const labels = Object.fromEntries(questions.map((q) => [q.question_id, q.label]));
  const answers = Object.entries(order.answers || {});
  return h('dl', { class: 'facts' },
    h('dt', {}, 'Status'), h('dd', { 'data-testid': 'order-status' }, badge(order.status)),
    h('dt', {}, 'Submitted'), h('dd', {}, time(order.submitted_at || order.created_at)),
    order.decided_at && [h('dt', {}, order.status === 'cancelled' ? 'Cancelled' : 'Decided'), h('dd', {}, time(order.decided_at))],
    order.reject_reason && [h('dt', {}, 'Reason'), h('dd', {}, order.reject_reason)],
    admin && order.assigned_team && [h('dt', {}, 'Team'), h('dd', {}, order.assigned_team)],
    [h('dt', {}, 'Placed by'), h('dd', {}, who(order.created_by, { admin, people, me }))],
    order.notes && [h('dt', {}, 'Notes'), h('dd', { class: 'pre' }, order.notes)],
    answers.map(([id, value]) => [h('dt', {}, labels[id] || id), h('dd', {}, value)]));
}

/** The order's history, oldest first. */
export function history(order, { admin = false, people, me } = {}) {
  const events = order.history || [];
  if (!events.length) return null;
  return h('section', { 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    h('ol', { class: 'history' }, events.map((e) => h('li', {},
      h('strong', {}, EVENT_WORDS[e.event] || e.event), ' ', time(e.at), ' by ', who(e.by, { admin, people, me }),
      e.note ? ` — ${e.note}` : ''))));
}
