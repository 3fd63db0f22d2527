// One saved list (`#/lists/{id}`): its lines at today's prices, the products no longer sold,
// and the list's actions (add to cart, rename, delete), which the lists page shows too.

import { h, replace, loading, errorBox, money, busy, toast, dialog, field, confirmDialog } from '../../ui.js';
import * as api from '../../api.js';
import * as cart from '../../cart-store.js';
import { navigate } from '../../router.js';
import { unavailableText } from '../../reorder.js';

export default async function render(main, ctx) {
  const body = h('div', {}, loading('Loading the list…'));
  main.append(h('p', {}, h('a', { href: '#/lists' }, '← Saved lists')), body);
  await show(body, ctx);
}

async function show(body, ctx) {
  let list;
  try {
    list = await api.get(`/lists/${api.seg(ctx.params.list_id)}`, { signal: ctx.signal });
  } catch (error) {
    replace(body, errorBox(error, { retry: () => show(body, ctx) }));
    return;
  }
  ctx.title(list.name);
  replace(body,
    h('div', { class: 'page-head' }, h('h1', {}, list.name)),
    h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'list-lines' },
      h('caption', { class: 'visually-hidden' }, 'Products on this list, at today’s prices'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col', class: 'num' }, 'Quantity'),
        h('th', { scope: 'col', class: 'num' }, 'Unit price today'), h('th', { scope: 'col', class: 'num' }, 'Line total'))),
      h('tbody', {}, list.priced.lines.map((l) => h('tr', {},
        h('td', {}, `${l.name} (${l.sku})`), h('td', { class: 'num' }, String(l.quantity)),
        h('td', { class: 'num' }, money(l.unit_price)), h('td', { class: 'num' }, money(l.line_total))))),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 3 }, 'Total today'), h('td', { class: 'num' }, money(list.priced.total)))))),
    list.unavailable.length > 0 && h('p', { class: 'notice warn' },
      `No longer sold, left out when the list goes into the cart: ${list.unavailable.map((l) => l.sku).join(', ')}.`),
    listActions(list, {
      changed: () => show(body, ctx),
      deleted: () => navigate('/lists'),
    }));
}

/** "Add to cart", "Rename" and "Delete" for `list`; `changed()` after a rename, `deleted()`. */
export function listActions(list, { changed, deleted = changed }) {
  const add = h('button', { type: 'button', class: 'primary' }, 'Add to cart');
  add.setAttribute('aria-label', `Add “${list.name}” to the cart`);
  add.addEventListener('click', () => busy(add, 'Adding…', async () => {
    try {
      const answer = await api.post(`/lists/${api.seg(list.list_id)}/add-to-cart`);
      await cart.load();
      toast(`“${list.name}” is in your cart at today's prices.${unavailableText(answer.unavailable)}`, 'ok', { next: true });
      navigate('/cart');
    } catch (error) {
      toast(error.message, 'error');
    }
  }));
  const rename = h('button', { type: 'button' }, 'Rename');
  rename.setAttribute('aria-label', `Rename “${list.name}”`);
  rename.addEventListener('click', async () => {
    const input = h('input', { name: 'name', value: list.name, maxlength: 100 });
    const done = await dialog({
      title: `Rename “${list.name}”`,
      fields: [field('New name', input, { required: true })],
      submit: 'Rename',
      action: (values) => api.put(`/lists/${api.seg(list.list_id)}`, { name: values.name }),
    });
    if (done) {
      toast(`Renamed to “${done.name.trim()}”.`);
      await changed();
    }
  });
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete');
  remove.setAttribute('aria-label', `Delete “${list.name}”`);
  remove.addEventListener('click', async () => {
    const sure = await confirmDialog(`Delete “${list.name}”?`, 'The list goes for every login of your company. Your cart and orders stay as they are.', { submit: 'Delete the list', danger: true });
    if (!sure) return;
    await busy(remove, 'Deleting…', async () => {
      try {
        await api.del(`/lists/${api.seg(list.list_id)}`);
        toast(`Deleted “${list.name}”.`);
        await deleted();
      } catch (error) {
        toast(error.message, 'error');
      }
    });
  });
  return h('div', { class: 'actions' }, add, rename, remove);
}
