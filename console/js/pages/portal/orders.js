// The account's orders, newest first, filtered by status.

import { h, field, money, time, badge } from '../../ui.js';
import * as api from '../../api.js';
import { pagedTable } from '../../list.js';
import { accountLine } from './account.js';

export const STATUSES = [['', 'All'], ['requested', 'Requested'], ['confirmed', 'Confirmed'], ['rejected', 'Rejected'], ['cancelled', 'Cancelled']];

export default async function render(main, ctx) {
  ctx.title('My orders');
  const status = h('select', { name: 'status' },
    STATUSES.map(([value, label]) => h('option', { value, selected: value === (ctx.query.status || '') }, label)));
  const table = pagedTable({
    caption: 'Your orders',
    noun: ['order', 'orders'],
    empty: 'No orders yet.',
    fetchPage: (cursor, signal) => api.get('/orders', { query: { status: status.value, cursor, limit: 25 }, signal }),
    columns: [
      { label: 'Order', render: (o) => h('a', { href: `#/orders/${o.order_id}` }, o.order_number) },
      { label: 'Submitted', render: (o) => time(o.submitted_at || o.created_at) },
      { label: 'Status', render: (o) => badge(o.status) },
      { label: 'Lines', className: 'num', render: (o) => String(o.lines.length) },
      { label: 'Total', className: 'num', render: (o) => money(o.total) },
    ],
  });
  status.addEventListener('change', () => {
    ctx.setQuery({ status: status.value });
    table.reload();
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'My orders'), accountLine()),
    h('div', { class: 'toolbar' }, field('Status', status), h('a', { class: 'button', href: '#/catalog' }, 'New order')),
    table.el);
  table.reload();
}
