// The order queue: orders by status (requested first: the ones waiting for a decision),
// newest first, each with its customer's name.

import { h } from '../../ui.js';
import * as api from '../../api.js';
import { orderList, column } from '../../orders-view.js';

const names = new Map();

/** A customer's name, read once per console session (ids never change their account). */
export function customerName(id) {
  if (!names.has(id)) {
    names.set(id, api.get(`/admin/customers/${api.seg(id)}`).then((c) => c.name).catch(() => {
      names.delete(id);
      return id;
    }));
  }
  return names.get(id);
}

/** A link to a customer that shows its name once read. */
export function customerLink(id) {
  const link = h('a', { href: `#/admin/customers/${id}` }, h('span', { class: 'muted' }, 'Loading…'));
  customerName(id).then((name) => link.replaceChildren(name));
  return link;
}

export default async function render(main, ctx) {
  ctx.title('Orders');
  const { filter, table } = orderList({
    path: '/admin/orders',
    statuses: [['requested', 'Requested (waiting for you)'], ['confirmed', 'Confirmed'], ['rejected', 'Rejected'], ['cancelled', 'Cancelled']],
    status: ctx.query.status || 'requested',
    onStatus: (status) => ctx.setQuery({ status, q: ctx.query.q }),
    search: ctx.query.q || '',
    onSearch: (q) => ctx.setQuery({ status: ctx.query.status, q }),
    caption: 'Orders',
    empty: 'No orders in this status.',
    columns: [
      column.order((o) => `#/admin/orders/${o.order_id}`),
      { label: 'Customer', render: (o) => customerLink(o.customer_id) },
      column.submitted,
      { label: 'Team', render: (o) => o.assigned_team || h('span', { class: 'muted' }, '—') },
      column.lines,
      column.total,
      column.status,
    ],
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Orders')),
    h('div', { class: 'toolbar' }, filter),
    table.el);
  table.reload();
}
