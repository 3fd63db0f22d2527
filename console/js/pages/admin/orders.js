// The order queue: orders by status (requested first: the ones waiting for a decision),
// newest first, each with its customer's name.

import { h, field, money, time, badge } from '../../ui.js';
import * as api from '../../api.js';
import { pagedTable } from '../../list.js';

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
  const status = h('select', { name: 'status' },
    [['requested', 'Requested (waiting for you)'], ['confirmed', 'Confirmed'], ['rejected', 'Rejected'], ['cancelled', 'Cancelled']]
      .map(([value, label]) => h('option', { value, selected: value === (ctx.query.status || 'requested') }, label)));
  const table = pagedTable({
    caption: 'Orders',
    noun: ['order', 'orders'],
    empty: 'No orders in this status.',
    fetchPage: (cursor, signal) => api.get('/admin/orders', { query: { status: status.value, cursor, limit: 25 }, signal }),
    columns: [
      { label: 'Order', render: (o) => h('a', { href: `#/admin/orders/${o.order_id}` }, o.order_number) },
      { label: 'Customer', render: (o) => customerLink(o.customer_id) },
      { label: 'Submitted', render: (o) => time(o.submitted_at || o.created_at) },
      { label: 'Team', render: (o) => o.assigned_team || h('span', { class: 'muted' }, '—') },
      { label: 'Lines', className: 'num', render: (o) => String(o.lines.length) },
      { label: 'Total', className: 'num', render: (o) => money(o.total) },
      { label: 'Status', render: (o) => badge(o.status) },
    ],
  });
  status.addEventListener('change', () => {
    ctx.setQuery({ status: status.value });
    table.reload();
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Orders')),
    h('div', { class: 'toolbar' }, field('Status', status)),
    table.el);
  table.reload();
}
