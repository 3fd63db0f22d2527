// Saved order lists (`#/lists`): the account's lists, shared by its logins; save the cart as a
// list, and put a list into the cart, rename it or delete it. One list's page is
// `saved-list.js`.

import { h, replace, field, loading, errorBox, onSubmit, toast, dateTime, InputError } from '../../ui.js';
import * as api from '../../api.js';
import { accountLine } from './account.js';
import { listActions } from './saved-list.js';

export default async function render(main, ctx) {
  ctx.title('Saved lists');
  const body = h('div', {}, loading('Loading your lists…'));
  const name = h('input', { name: 'name', maxlength: 100, autocomplete: 'off' });
  const save = onSubmit(h('form', { class: 'stack', 'aria-labelledby': 'save-heading' },
    h('h2', { id: 'save-heading' }, 'Save the cart as a list'),
    field('List name', name, { required: true, hint: 'For example “Monday bread”. Every login of your company sees the list.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save the cart as a list'))),
  'Saving…', async (values) => {
    const cart = await api.get('/cart');
    const lines = [...cart.lines, ...cart.unavailable].map((l) => ({ sku: l.sku, quantity: l.quantity }));
    if (lines.length === 0) {
      throw new InputError('Your cart is empty: add products to it first, then save it as a list.');
    }
    const list = await api.post('/lists', { name: values.name, lines });
    toast(`Saved “${list.name}” with ${list.line_count} ${list.line_count === 1 ? 'line' : 'lines'}.`);
    name.value = '';
    await show(body, ctx);
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Saved lists'), accountLine()),
    body,
    save);
  await show(body, ctx);
}

async function show(body, ctx) {
  let page;
  try {
    page = await api.get('/lists', { signal: ctx.signal });
  } catch (error) {
    replace(body, errorBox(error, { retry: () => show(body, ctx) }));
    return;
  }
  if (page.items.length === 0) {
    replace(body, h('p', {}, 'No saved lists yet. Fill your cart and save it below, to order the same again in one step.'));
    return;
  }
  replace(body, h('div', { class: 'table-wrap' }, h('table', { class: 'cards', 'data-testid': 'saved-lists' },
    h('caption', { class: 'visually-hidden' }, 'Your saved lists'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'List'),
      h('th', { scope: 'col', class: 'num' }, 'Lines'),
      h('th', { scope: 'col' }, 'Changed'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    h('tbody', {}, page.items.map((list) => h('tr', {},
      h('td', {}, h('a', { href: `#/lists/${list.list_id}` }, list.name)),
      h('td', { class: 'num' }, String(list.line_count)),
      h('td', {}, dateTime(list.updated_at)),
      h('td', {}, listActions(list, { changed: () => show(body, ctx) }))))))));
}
