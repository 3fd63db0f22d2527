// The audit log, newest first: every admin change and every request made while acting as a
// login, filtered by customer (picked by name) or by who did it; the reads made while acting
// can be hidden, so the changes stand out.

import { h, replace, field, time, searchAsYouType, uid } from '../../ui.js';
import * as api from '../../api.js';
import { pagedTable } from '../../list.js';
import { customerLink, customerName } from './orders.js';

/** Pages read at most to fill one page of the table when reads are hidden. */
const MAX_SKIPPED_PAGES = 5;

/**
 * `login.acted_as` entries of a `GET` route: the admin looked, as the login, and changed
 * nothing. The listing cannot filter them out (`GET /admin/audit` takes only `customer_id`
 * and `actor`), so the console leaves them out of the pages it reads.
 */
const isActingRead = (e) => e.action === 'login.acted_as' && /^GET\s/.test(String(e.details?.route || ''));

export default async function render(main, ctx) {
  ctx.title('Audit log');
  let customerId = ctx.query.customer_id || '';
  const actor = h('input', { name: 'actor', value: ctx.query.actor || '', autocomplete: 'off' });
  const hideReads = h('input', { type: 'checkbox', name: 'hide_reads', checked: ctx.query.hide_reads === '1' });
  const hiddenNote = h('p', { class: 'muted small', role: 'status' });
  let hidden = 0;
  const table = pagedTable({
    caption: 'Audit log',
    noun: ['entry', 'entries'],
    empty: 'No entries.',
    fetchPage: async (cursor, signal) => {
      if (!cursor) hidden = 0;
      const query = { customer_id: customerId, actor: actor.value.trim(), limit: 50 };
      let page = await api.get('/admin/audit', { query: { ...query, cursor }, signal });
      if (!hideReads.checked) {
        replace(hiddenNote);
        return page;
      }
      const items = [];
      for (let pages = 1; ; pages += 1) {
        const kept = page.items.filter((e) => !isActingRead(e));
        hidden += page.items.length - kept.length;
        items.push(...kept);
        if (items.length || !page.next_cursor || pages >= MAX_SKIPPED_PAGES) break;
        page = await api.get('/admin/audit', { query: { ...query, cursor: page.next_cursor }, signal });
      }
      hiddenNote.textContent = `${hidden} read${hidden === 1 ? '' : 's'} made while acting hidden from the entries loaded. The log itself keeps them; untick the box to see them.`;
      return { items, next_cursor: page.next_cursor };
    },
    columns: [
      { label: 'When', className: 'nowrap', render: (e) => time(e.at) },
      { label: 'Who', render: who },
      { label: 'What', className: 'nowrap', render: (e) => h('code', {}, e.action) },
      { label: 'Customer', render: (e) => (e.customer_id ? customerLink(e.customer_id) : h('span', { class: 'muted' }, '—')) },
      { label: 'Details', render: details },
    ],
  });
  const apply = () => ctx.setQuery({ customer_id: customerId, actor: actor.value.trim(), hide_reads: hideReads.checked ? '1' : '' });
  const reload = table.typed(apply, 300);
  actor.addEventListener('input', reload);
  hideReads.addEventListener('change', () => {
    apply();
    table.reload();
  });
  const picker = customerPicker(customerId, (id) => {
    customerId = id;
    apply();
    table.reload();
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Audit log')),
    h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => e.preventDefault() },
      picker,
      field('Who (admin or login id)', actor),
      field('Hide reads made while acting as a login', hideReads, { hint: 'The console leaves them out of the entries it loads (the API cannot filter them); the log keeps them all.' })),
    hiddenNote,
    table.el);
  table.reload();
}

/**
 * A customer filter picked by name: search as you type (`GET /admin/customers?q=`), a list of
 * matches to choose from, and the chosen one shown with a way to clear it. `onChange(id)` runs
 * with the id chosen, or '' for every customer.
 */
function customerPicker(initial, onChange) {
  const q = h('input', { type: 'search', autocomplete: 'off', name: 'customer_q' });
  const results = h('ul', { class: 'picker-results', 'aria-live': 'polite' });
  const chosen = h('p', { class: 'chosen' });
  const searchField = field('Customer', q, { hint: 'Type part of a name or email, then choose.' });
  const resultsId = uid('customers');
  results.id = resultsId;
  q.setAttribute('aria-controls', resultsId);
  function show(id, name) {
    searchField.hidden = Boolean(id);
    replace(results);
    replace(chosen, id && [
      'Customer: ', h('strong', {}, name || h('span', { class: 'muted' }, 'Loading…')), ' ',
      h('button', {
        type: 'button',
        class: 'link',
        onclick: () => {
          show('', '');
          q.value = '';
          onChange('');
          q.focus();
        },
      }, 'Every customer')]);
    if (id && !name) customerName(id).then((n) => show(id, n));
  }

  searchAsYouType(q, results,
    // Live customers only (the listing's default); a deleted one's entries are reached from its page.
    (text, signal) => api.get('/admin/customers', { query: { q: text, limit: 10 }, signal }),
    (page) => (page.items.length
      ? page.items.map((c) => h('li', {},
        h('button', {
          type: 'button',
          onclick: () => {
            show(c.customer_id, c.name);
            onChange(c.customer_id);
            chosen.querySelector('button')?.focus();
          },
        }, c.name), ' ', h('span', { class: 'muted small' }, c.email)))
      : h('li', { class: 'muted' }, 'No customer matches.')));
  show(initial, '');
  return h('div', { class: 'customer-filter' }, searchField, chosen, results);
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
