// The order queue: orders by status (requested first: the ones waiting for a decision),
// newest first, each with its customer's name.

import { h, field } from '../../ui.js';
import * as api from '../../api.js';
import { orderList, column } from '../../orders-view.js';
import { teamSelect } from './teams.js';

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
  // The list reads `query` at every fetch, so the team filter changes it in place.
  const query = ctx.query.team_id ? { team_id: ctx.query.team_id } : {};
  const team = teamSelect('team_id', ctx.query.team_id, 'Every team');
  const { filter, table } = orderList({
    path: '/admin/orders',
    query,
    statuses: [['requested', 'Requested (waiting for you)'], ['confirmed', 'Confirmed'], ['rejected', 'Rejected'], ['cancelled', 'Cancelled']],
    status: ctx.query.status || 'requested',
    onStatus: (status) => ctx.setQuery({ status, q: ctx.query.q, team_id: query.team_id }),
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
  team.addEventListener('change', () => {
    if (team.value) query.team_id = team.value;
    else delete query.team_id;
    ctx.setQuery({ status: ctx.query.status, team_id: query.team_id });
    table.reload();
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Orders')),
    h('div', { class: 'toolbar' }, filter, field('Team', team)),
    table.el);
  table.reload();
}
