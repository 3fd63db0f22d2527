// The account's address book (`#/addresses`): every login of the account sees and keeps the same
// addresses; checkout ships to one of them. Add, change, delete; at most 100.

import { h, replace, loading, errorBox, onSubmit, toast, busy, confirmDialog, opener } from '../../ui.js';
import * as api from '../../api.js';
import { addressBlock, addressFields, addressBody } from '../../addresses.js';

export default async function render(main, ctx) {
  ctx.title('Addresses');
  const list = h('div', {}, loading('Loading your addresses…'));
  const { button, slot } = opener('Add an address', (close) => form({}, close, list, ctx));
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Addresses'), button),
    h('p', { class: 'muted' }, 'The places your company’s orders are delivered to. Choose one at checkout; an order keeps the address it was sent to.'),
    slot,
    list);
  await show(list, ctx);
}

async function show(list, ctx) {
  let page;
  try {
    page = await api.get('/addresses');
  } catch (error) {
    replace(list, errorBox(error, { retry: () => show(list, ctx) }));
    return;
  }
  const items = page.items || [];
  replace(list, items.length
    ? h('ul', { class: 'address-book', 'data-testid': 'address-book' }, items.map((a) => entry(a, list, ctx)))
    : h('p', {}, 'No addresses yet.'));
}

function entry(a, list, ctx) {
  const slot = h('div');
  const edit = h('button', { type: 'button' }, 'Change', h('span', { class: 'visually-hidden' }, ` ${a.label}`));
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete', h('span', { class: 'visually-hidden' }, ` ${a.label}`));
  edit.addEventListener('click', () => replace(slot, form(a, () => replace(slot), list, ctx)));
  remove.addEventListener('click', async () => {
    const sure = await confirmDialog(`Delete “${a.label}”?`, 'Orders already sent to it keep their address.', { submit: 'Delete', danger: true });
    if (!sure) return;
    await busy(remove, 'Deleting…', async () => {
      try {
        await api.del(`/addresses/${api.seg(a.address_id)}`);
        toast(`“${a.label}” is deleted.`);
      } catch (error) {
        if (error.status !== 404) {
          replace(slot, errorBox(error));
          return;
        }
      }
      await show(list, ctx);
    });
  });
  return h('li', { class: 'card' }, addressBlock(a), h('div', { class: 'actions' }, edit, remove), slot);
}

/** The form that adds an address (`a` empty) or changes `a`. */
function form(a, close, list, ctx) {
  const changing = Boolean(a.address_id);
  const f = h('form', { class: 'stack card', novalidate: true },
    h('h2', {}, changing ? `Change “${a.label}”` : 'New address'),
    addressFields(a),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, changing ? 'Save' : 'Add address'),
      h('button', { type: 'button', onclick: () => close() }, 'Cancel')));
  onSubmit(f, 'Saving…', async (values) => {
    const body = addressBody(values, { change: changing });
    const saved = changing
      ? await api.patch(`/addresses/${api.seg(a.address_id)}`, body)
      : await api.post('/addresses', body);
    toast(changing ? `“${saved.label}” is saved.` : `“${saved.label}” is added.`);
    close();
    await show(list, ctx);
  });
  return f;
}
