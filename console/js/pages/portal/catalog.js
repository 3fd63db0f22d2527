// The catalogue at this account's prices, with search, "Add to cart" on each product, and
// how many of it the cart holds already. What an Add did is said in its own row, so nothing
// floats over the column the buyer is working in.

import { h, field, money, errorBox, replace, busy } from '../../ui.js';
import * as api from '../../api.js';
import * as cart from '../../cart-store.js';
import { pagedTable } from '../../list.js';
import { accountLine } from './account.js';

export default async function render(main, ctx) {
  ctx.title('Catalogue');
  const search = h('input', { type: 'search', name: 'q', value: ctx.query.q || '', autocomplete: 'off' });
  const feedback = h('div');
  // sku → the row's "n in cart", kept in step with every read or write of the cart.
  const inCart = new Map();
  const table = pagedTable({
    caption: 'Products',
    noun: ['product', 'products'],
    empty: 'No product matches your search.',
    tableClass: 'catalog',
    fetchPage: (cursor, signal) => api.get('/catalog', { query: { q: search.value.trim(), cursor, limit: 50 }, signal }),
    columns: [
      { label: 'Product', className: 'c-product', render: (p) => [h('strong', { class: 'product-name' }, p.name), p.description && h('p', { class: 'muted small' }, p.description)] },
      { label: 'SKU', className: 'c-sku', render: (p) => h('code', {}, p.sku) },
      { label: 'Unit', className: 'c-unit', render: (p) => p.unit },
      { label: 'Your price', className: 'num c-price', render: price },
      { label: 'Order', className: 'c-add', render: (p) => addForm(p, feedback, inCart) },
    ],
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Catalogue'), accountLine()),
    h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => e.preventDefault() },
      field('Search products', search, { hint: 'By name or SKU' })),
    feedback,
    table.el);
  search.addEventListener('input', table.typed(() => ctx.setQuery({ q: search.value.trim() })));
  cart.onCart(() => {
    for (const [sku, el] of inCart) showInCart(el, sku);
  }, ctx.signal);
  table.reload();
  cart.load().catch(() => {});
}

function showInCart(el, sku) {
  const n = cart.quantityOf(sku);
  el.textContent = n ? `${n.toLocaleString()} in cart` : '';
}

function price(p) {
  const discounted = p.list_price && p.price.amount !== p.list_price.amount;
  return h('span', {},
    h('strong', {}, money(p.price)),
    discounted && h('span', { class: 'muted small list-price' }, ' ', h('s', {}, money(p.list_price)), h('span', { class: 'visually-hidden' }, ' list price')));
}

function addForm(product, feedback, inCart) {
  const id = `qty-${product.sku}`;
  const quantity = h('input', { id, type: 'number', name: 'quantity', min: '1', max: '10000', step: '1', value: '1', class: 'qty', inputmode: 'numeric' });
  const button = h('button', { type: 'submit' }, 'Add', h('span', { class: 'visually-hidden' }, ` ${product.name}`), ' to cart');
  const held = h('span', { class: 'in-cart' });
  const said = h('span', { class: 'added', role: 'status' });
  inCart.set(product.sku, held);
  showInCart(held, product.sku);
  const form = h('form', { class: 'inline' },
    h('label', { class: 'visually-hidden', for: id }, `Quantity of ${product.name}`),
    quantity,
    button);
  let clearing;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const n = Number(quantity.value);
    if (!Number.isInteger(n) || n < 1 || n > cart.MAX_QUANTITY) {
      replace(feedback, h('p', { class: 'error-box', role: 'alert' }, `Enter a whole number from 1 to 10,000 for ${product.name}.`));
      quantity.focus();
      return;
    }
    busy(button, 'Adding…', async () => {
      try {
        const { added, quantity: now } = await cart.add(product.sku, n);
        replace(feedback);
        said.classList.toggle('capped', added < n);
        said.textContent = addedText(product.name, n, added, now);
        quantity.value = '1';
        clearTimeout(clearing);
        clearing = setTimeout(() => { said.textContent = ''; }, 10000);
      } catch (error) {
        replace(feedback, errorBox(error));
      }
    });
  });
  return h('div', { class: 'add' }, form, h('p', { class: 'add-status small' }, held, said));
}

/** What an Add did, saying so when the line was already at the most it may hold. */
function addedText(name, asked, added, now) {
  const most = cart.MAX_QUANTITY.toLocaleString();
  if (added >= asked) return `Added ${asked} × ${name} to your cart.`;
  if (added <= 0) return `Not added: your cart already holds ${now.toLocaleString()} × ${name}, the most one line may hold.`;
  return `Added only ${added.toLocaleString()} × ${name}: one line holds at most ${most}, and your cart now has ${now.toLocaleString()}.`;
}
