// The "Addresses" section of an admin's customer page: the account's address book, which its
// logins keep at checkout; an admin may add one for them (a deleted account's book is shown
// without the form).

import { h, replace, loading, errorBox, onSubmit, toast, opener } from '../../ui.js';
import * as api from '../../api.js';
import { addressBlock, addressFields, addressBody } from '../../addresses.js';

export function addressesSection(customer) {
  const path = `/admin/customers/${api.seg(customer.customer_id)}/addresses`;
  const list = h('div', {}, loading('Loading its addresses…'));
  async function show() {
    try {
      const page = await api.get(path);
      const items = page.items || [];
      replace(list, items.length
        ? h('ul', { class: 'address-book', 'data-testid': 'customer-addresses' }, items.map((a) => h('li', {}, addressBlock(a))))
        : h('p', {}, 'No addresses yet.'));
    } catch (error) {
      replace(list, errorBox(error, { retry: show }));
    }
  }
  const adder = customer.status === 'deleted' ? null : opener('Add an address', (close) => {
    const f = h('form', { class: 'stack card', novalidate: true },
      h('h3', {}, 'New address'),
      addressFields(),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Add address'),
        h('button', { type: 'button', onclick: () => close() }, 'Cancel')));
    onSubmit(f, 'Saving…', async (values) => {
      const saved = await api.post(path, addressBody(values));
      toast(`“${saved.label}” is added.`);
      close();
      await show();
    });
    return f;
  });
  show();
  return h('section', { class: 'card', 'aria-labelledby': 'addresses-title' },
    h('div', { class: 'page-head' }, h('h2', { id: 'addresses-title' }, 'Addresses'), adder?.button),
    adder?.slot,
    list);
}
