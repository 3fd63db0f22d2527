// The audit log, newest first: every admin change and every request made while acting as a
// login, filtered by customer or by who did it.

import { h, field, time } from '../../ui.js';
import * as api from '../../api.js';
import { pagedTable } from '../../list.js';
import { customerLink } from './orders.js';

export default async function render(main, ctx) {
  ctx.title('Audit log');
  const customer = h('input', { name: 'customer_id', value: ctx.query.customer_id || '', autocomplete: 'off', placeholder: 'cus_…' });
  const actor = h('input', { name: 'actor', value: ctx.query.actor || '', autocomplete: 'off' });
  const table = pagedTable({
    caption: 'Audit log',
    noun: ['entry', 'entries'],
    empty: 'No entries.',
    fetchPage: (cursor, signal) => api.get('/admin/audit', {
      query: { customer_id: customer.value.trim(), actor: actor.value.trim(), cursor, limit: 50 },
      signal,
    }),
    columns: [
      { label: 'When', className: 'nowrap', render: (e) => time(e.at) },
      { label: 'Who', render: who },
      { label: 'What', className: 'nowrap', render: (e) => h('code', {}, e.action) },
      { label: 'Customer', render: (e) => (e.customer_id ? customerLink(e.customer_id) : h('span', { class: 'muted' }, '—')) },
      { label: 'Details', render: details },
    ],
  });
  const reload = table.typed(() => ctx.setQuery({ customer_id: customer.value.trim(), actor: actor.value.trim() }), 300);
  customer.addEventListener('input', reload);
  actor.addEventListener('input', reload);
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Audit log')),
    h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => e.preventDefault() },
      field('Customer id', customer),
      field('Who (admin or login id)', actor)),
    table.el);
  table.reload();
}

function who(entry) {
  const a = entry.actor || {};
  const name = a.email || a.id || 'system';
  const actingAs = entry.details?.login_email || entry.acting_as;
  return h('span', {},
    a.id ? h('a', { href: `#/admin/audit?actor=${encodeURIComponent(a.id)}`, title: 'Only this person’s entries' }, name) : name,
    a.kind && a.kind !== 'admin' ? h('span', { class: 'muted small' }, ` (${a.kind})`) : null,
    entry.acting_as && h('div', {}, h('span', { class: 'badge badge-acting' }, `acting as ${actingAs}`)));
}

/** The details as "key: value" lines; nested values as compact JSON. */
function details(entry) {
  const d = entry.details;
  if (d === null || d === undefined || (typeof d === 'object' && !Object.keys(d).length)) return h('span', { class: 'muted' }, '—');
  if (typeof d !== 'object' || Array.isArray(d)) return h('code', { class: 'small' }, JSON.stringify(d));
  const shown = Object.entries(d).filter(([key]) => !(entry.acting_as && key === 'login_email'));
  return h('dl', { class: 'details' }, shown.map(([key, value]) => [
    h('dt', {}, key.replace(/_/g, ' ')),
    h('dd', {}, typeof value === 'object' && value !== null ? h('code', { class: 'small' }, JSON.stringify(value)) : String(value)),
  ]));
}
