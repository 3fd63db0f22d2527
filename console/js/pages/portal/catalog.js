// The catalogue at this account's prices, with search, and "Add to cart" on each product.

import { h, field, money, toast, errorBox, replace, busy } from '../../ui.js';
import * as api from '../../api.js';
import * as cart from '../../cart-store.js';
import { pagedTable } from '../../list.js';
import { accountLine } from './account.js';

export default async function render(main, ctx) {
  ctx.title('Catalogue');
  const search = h('input', { type: 'search', name: 'q', value: ctx.query.q || '', autocomplete: 'off' });
  const feedback = h('div');
  const table = pagedTable({
    caption: 'Products',
    noun: ['product', 'products'],
    empty: 'No product matches your search.',
    fetchPage: (cursor, signal) => api.get('/catalog', { query: { q: search.value.trim(), cursor, limit: 50 }, signal }),
    columns: [
      { label: 'Product', render: (p) => [h('strong', { class: 'product-name' }, p.name), p.description && h('p', { class: 'muted small' }, p.description)] },
      { label: 'SKU', render: (p) => h('code', {}, p.sku) },
      { label: 'Unit', render: (p) => p.unit },
      { label: 'Your price', className: 'num', render: price },
      { label: 'Order', render: (p) => addForm(p, feedback) },
    ],
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Catalogue'), accountLine()),
    h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => e.preventDefault() },
      field('Search products', search, { hint: 'By name or SKU' })),
    feedback,
    table.el);
  search.addEventListener('input', table.typed(() => ctx.setQuery({ q: search.value.trim() })));
  table.reload();
  cart.load().catch(() => {});
}

function price(p) {
  const discounted = p.list_price && p.price.amount !== p.list_price.amount;
  return h('span', {},
    h('strong', {}, money(p.price)),
    discounted && h('span', { class: 'muted small list-price' }, ' ', h('s', {}, money(p.list_price)), h('span', { class: 'visually-hidden' }, ' list price')));
}

function addForm(product, feedback) {
  const id = `qty-${product.sku}`;
  const quantity = h('input', { id, type: 'number', name: 'quantity', min: '1', max: '10000', step: '1', value: '1', class: 'qty', inputmode: 'numeric' });
  const button = h('button', { type: 'submit' }, 'Add', h('span', { class: 'visually-hidden' }, ` ${product.name}`), ' to cart');
  const form = h('form', { class: 'inline' },
    h('label', { class: 'visually-hidden', for: id }, `Quantity of ${product.name}`),
    quantity,
    button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const n = Number(quantity.value);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      replace(feedback, h('p', { class: 'error-box', role: 'alert' }, `Enter a whole number from 1 to 10,000 for ${product.name}.`));
      quantity.focus();
      return;
    }
    busy(button, 'Adding…', async () => {
      try {
        await cart.add(product.sku, n);
        replace(feedback);
        toast(`Added ${n} × ${product.name} to your cart.`);
        quantity.value = '1';
      } catch (error) {
        replace(feedback, errorBox(error));
      }
    });
  });
  return form;
}
