// Customers: search as you type (partial name or email), filter by tag and status, tag many
// at once, and create a new account.

import { h, replace, field, badge, errorBox, onSubmit, toast, busy, keyKeeper, InputError, opener } from '../../ui.js';
import * as api from '../../api.js';
import { pagedTable } from '../../list.js';
import { customerForm, customerBody } from './customer-form.js';

const BULK_LIMIT = 50;

export default async function render(main, ctx) {
  ctx.title('Customers');
  const selected = new Map();
  const q = h('input', { type: 'search', name: 'q', value: ctx.query.q || '', autocomplete: 'off' });
  const tag = h('input', { type: 'search', name: 'tag', value: ctx.query.tag || '', autocomplete: 'off', list: 'known-tags' });
  const status = h('select', { name: 'status' },
    [['', 'Live (not deleted)'], ['pending', 'Pending'], ['invited', 'Invited'], ['active', 'Active'], ['deleted', 'Deleted']]
      .map(([value, label]) => h('option', { value, selected: value === (ctx.query.status || '') }, label)));
  const knownTags = h('datalist', { id: 'known-tags' });
  const bulk = bulkBar(selected, () => table.reload());
  const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select every customer shown' });
  selectAll.addEventListener('change', () => {
    for (const box of table.el.querySelectorAll('tbody input[type=checkbox]:not(:disabled)')) {
      if (box.checked !== selectAll.checked) {
        box.checked = selectAll.checked;
        box.dispatchEvent(new Event('change'));
      }
    }
  });

  const table = pagedTable({
    caption: 'Customers',
    noun: ['customer', 'customers'],
    empty: 'No customer matches.',
    fetchPage: async (cursor, signal) => {
      if (!cursor) {
        selected.clear();
        selectAll.checked = false;
        bulk.refresh();
      }
      const page = await api.get('/admin/customers', {
        query: { q: q.value.trim(), tag: tag.value.trim().toLowerCase(), status: status.value, cursor, limit: 50 },
        signal,
      });
      const tags = new Set([...knownTags.options].map((o) => o.value));
      for (const c of page.items) for (const t of c.tags) tags.add(t);
      replace(knownTags, [...tags].sort().map((t) => h('option', { value: t })));
      return page;
    },
    columns: [
      {
        label: selectAll,
        render: (c) => {
          const box = h('input', { type: 'checkbox', id: `sel-${c.customer_id}`, 'aria-label': `Select ${c.name}`, disabled: c.status === 'deleted' });
          box.addEventListener('change', () => {
            if (box.checked) selected.set(c.customer_id, c);
            else selected.delete(c.customer_id);
            bulk.refresh();
          });
          return box;
        },
      },
      { label: 'Name', render: (c) => h('a', { href: `#/admin/customers/${c.customer_id}` }, c.name) },
      { label: 'Email', render: (c) => c.email },
      { label: 'Status', render: (c) => badge(c.status) },
      { label: 'Ordering', render: (c) => (c.ordering_enabled ? 'On' : h('span', { class: 'muted' }, 'Off')) },
      { label: 'Tags', render: (c) => tagList(c.tags) },
    ],
  });

  const apply = () => ctx.setQuery({ q: q.value.trim(), tag: tag.value.trim(), status: status.value });
  const reload = () => {
    apply();
    table.reload();
  };
  const typed = table.typed(apply);
  q.addEventListener('input', typed);
  tag.addEventListener('input', typed);
  status.addEventListener('change', reload);

  const create = opener('New customer', (close) => newCustomer(ctx, close));

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Customers'), create.button),
    create.slot,
    h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => e.preventDefault() },
      field('Search by name or email', q),
      field('Tag', tag),
      field('Status', status),
      knownTags),
    bulk.el,
    table.el);
  table.reload();
}

export function tagList(tags) {
  if (!tags?.length) return h('span', { class: 'muted' }, '—');
  return h('ul', { class: 'tags' }, tags.map((t) => h('li', { class: 'tag' }, t)));
}

function bulkBar(selected, done) {
  const count = h('span', { role: 'status' });
  const tag = h('input', { name: 'bulk_tag', autocomplete: 'off', list: 'known-tags' });
  const add = h('button', { type: 'submit', value: 'add' }, 'Add tag');
  const remove = h('button', { type: 'submit', value: 'remove' }, 'Remove tag');
  const feedback = h('div');
  const form = h('form', { class: 'bulk', 'aria-label': 'Tag the selected customers', hidden: true },
    count, field('Tag for the selected customers', tag), add, remove, feedback);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = event.submitter || add;
    const action = button.value;
    replace(feedback);
    await busy(button, action === 'add' ? 'Adding…' : 'Removing…', async () => {
      try {
        const value = tag.value.trim();
        if (!value) throw new InputError('Type the tag to add or remove.');
        if (selected.size > BULK_LIMIT) throw new InputError(`Select at most ${BULK_LIMIT} customers at a time.`);
        const result = await api.post('/admin/customers/tags', { tag: value, action, customer_ids: [...selected.keys()] });
        toast(`${action === 'add' ? 'Added' : 'Removed'} tag “${value}” ${action === 'add' ? 'to' : 'from'} ${result.updated} customer${result.updated === 1 ? '' : 's'}.`);
        tag.value = '';
        done();
      } catch (error) {
        replace(feedback, errorBox(error));
      }
    });
  });
  return {
    el: form,
    refresh() {
      form.hidden = selected.size === 0;
      count.textContent = `${selected.size} selected${selected.size > BULK_LIMIT ? ` (at most ${BULK_LIMIT} at a time)` : ''}`;
    },
  };
}

function newCustomer(ctx, close) {
  const form = customerForm({});
  const section = h('section', { class: 'card', 'aria-labelledby': 'new-customer-title' },
    h('h2', { id: 'new-customer-title' }, 'New customer'),
    form);
  form.querySelector('.actions').append(h('button', { type: 'button', onclick: close }, 'Cancel'));
  const keyFor = keyKeeper();
  onSubmit(form, 'Creating…', async (values) => {
    const body = customerBody(values);
    // A retry of the same details after a lost answer must not create a second account.
    const customer = await api.post('/admin/customers', body, { idempotencyKey: keyFor(body) });
    toast(`Customer ${customer.name} is created.`, 'ok', { next: true });
    ctx.navigate(`/admin/customers/${customer.customer_id}`);
  });
  setTimeout(() => form.querySelector('input')?.focus());
  return section;
}
