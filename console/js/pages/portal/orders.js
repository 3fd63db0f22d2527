// The account's orders, newest first, filtered by status, or found by order or PO number.

import { h } from '../../ui.js';
import { orderList, column } from '../../orders-view.js';
import { accountLine } from './account.js';
import { orderAgainButton } from '../../reorder.js';

export default async function render(main, ctx) {
  ctx.title('My orders');
  const { filter, table } = orderList({
    path: '/orders',
    status: ctx.query.status || '',
    onStatus: (status) => ctx.setQuery({ status, q: ctx.query.q }),
    search: ctx.query.q || '',
    onSearch: (q) => ctx.setQuery({ status: ctx.query.status, q }),
    caption: 'Your orders',
    empty: 'No orders yet.',
    columns: [column.order((o) => `#/orders/${o.order_id}`), column.submitted, column.status, column.lines, column.total,
      { label: h('span', { class: 'visually-hidden' }, 'Order again'), render: (o) => orderAgainButton(o) }],
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'My orders'), accountLine()),
    h('div', { class: 'toolbar' }, filter, h('a', { class: 'button', href: '#/catalog' }, 'New order')),
    table.el);
  table.reload();
}
