// The order queue: orders by status (requested first: the ones waiting for a decision),
// newest first, each with its customer's name, its team, and whether it waits past the team's
// response time.

import { h, field } from '../../ui.js';
import * as api from '../../api.js';
import { orderList, column, withDue } from '../../orders-view.js';
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
  // The list reads `query` at every fetch, so the team and overdue filters change it in place;
  // `kept` is what the address keeps of every filter, so a reload shows the same queue.
  const query = {};
  if (ctx.query.team_id) query.team_id = ctx.query.team_id;
  if (ctx.query.overdue === 'true') query.overdue = 'true';
  const kept = { status: query.overdue ? 'requested' : ctx.query.status, q: ctx.query.q, ...query };
  const keep = (change) => ctx.setQuery(Object.assign(kept, change));
  const team = teamSelect('team_id', ctx.query.team_id, 'Every team');
  const overdue = h('input', { type: 'checkbox', name: 'overdue', checked: Boolean(query.overdue) });
  const { filter, table, select } = orderList({
    path: '/admin/orders',
    query,
    // A search finds an order by its number in every status and team.
    searchQuery: {},
    statuses: [['requested', 'Requested (waiting for you)'], ['confirmed', 'Confirmed'], ['rejected', 'Rejected'], ['cancelled', 'Cancelled']],
    status: kept.status || 'requested',
    onStatus: (status) => keep({ status }),
    search: ctx.query.q || '',
    onSearch: (q) => {
      keep({ q });
      lock();
    },
    caption: 'Orders',
    empty: 'No orders in this status.',
    columns: [
      column.order((o) => `#/admin/orders/${o.order_id}`),
      { label: 'Customer', render: (o) => customerLink(o.customer_id) },
      column.submitted,
      { label: 'Team', render: (o) => o.assigned_team || h('span', { class: 'muted' }, '—') },
      column.lines,
      column.total,
      // One element: a card's cell on a phone lays out its children side by side.
      { label: 'Status', render: (o) => h('span', {}, withDue(o)) },
    ],
  });
  // A search ignores the team and overdue filters; only requests can be overdue, so "Overdue
  // only" holds the status at Requested.
  function lock() {
    const searching = Boolean(kept.q);
    team.disabled = searching;
    overdue.disabled = searching;
    if (overdue.checked) select.value = 'requested';
    select.disabled = searching || overdue.checked;
  }
  const filtered = (name, value) => {
    if (value) query[name] = value;
    else delete query[name];
    keep({ [name]: query[name], status: select.value });
    table.reload();
  };
  team.addEventListener('change', () => filtered('team_id', team.value));
  overdue.addEventListener('change', () => {
    lock();
    filtered('overdue', overdue.checked ? 'true' : null);
  });
  lock();
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Orders')),
    h('div', { class: 'toolbar' }, filter, field('Team', team), field('Overdue only', overdue)),
    table.el);
  table.reload();
}
