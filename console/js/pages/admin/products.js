// The catalogue: products in SKU order with search, a new product, and editing one
// (name, description, unit, list price, active).

import { h, field, money, moneyInput, parseMoney, onSubmit, toast, dialog, InputError, keyKeeper, opener } from '../../ui.js';
import * as api from '../../api.js';
import { pagedTable } from '../../list.js';

let lastCurrency = 'EUR';

export default async function render(main, ctx) {
  ctx.title('Products');
  const q = h('input', { type: 'search', name: 'q', value: ctx.query.q || '', autocomplete: 'off' });
  const table = pagedTable({
    caption: 'Products',
    noun: ['product', 'products'],
    empty: 'No product matches.',
    fetchPage: async (cursor, signal) => {
      const page = await api.get('/admin/products', { query: { q: q.value.trim(), cursor, limit: 50 }, signal });
      if (page.items[0]) lastCurrency = page.items[0].price.currency;
      return page;
    },
    rowClass: (p) => (p.active ? null : 'inactive'),
    columns: [
      { label: 'SKU', render: (p) => h('code', {}, p.sku) },
      { label: 'Name', render: (p) => [h('strong', {}, p.name), p.description && h('div', { class: 'muted small' }, p.description)] },
      { label: 'Unit', render: (p) => p.unit },
      { label: 'List price', className: 'num', render: (p) => money(p.price) },
      { label: 'Shown to customers', render: (p) => (p.active ? 'Yes' : h('span', { class: 'badge badge-disabled' }, 'Hidden')) },
      { label: 'Actions', render: (p) => h('button', { type: 'button', onclick: () => edit(p, table) }, 'Edit', h('span', { class: 'visually-hidden' }, ` ${p.name}`)) },
    ],
  });
  q.addEventListener('input', table.typed(() => ctx.setQuery({ q: q.value.trim() })));
  const create = opener('New product', (close) => newProduct(table, close));
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Products'), create.button),
    create.slot,
    h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => e.preventDefault() }, field('Search by name or SKU', q)),
    table.el);
  table.reload();
}

function priceFields(product) {
  return [
    field('List price', h('input', { name: 'price', inputmode: 'decimal', value: moneyInput(product?.price), 'data-field': 'price.amount' }),
      { required: true, hint: 'For example 12.50' }),
    field('Currency', h('input', { name: 'currency', value: product?.price.currency || lastCurrency, maxlength: '3', 'data-field': 'price.currency' }),
      { required: true, hint: 'Three letters, e.g. EUR' }),
  ];
}

function price(values) {
  const currency = (values.currency || '').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new InputError('The currency must be three letters, like EUR.', [{ field: 'price.currency', message: 'must be three letters' }]);
  const amount = parseMoney(values.price, currency);
  if (amount === null) throw new InputError('The price must be a number like 12.50.', [{ field: 'price.amount', message: 'must be a number like 12.50' }]);
  return { amount, currency };
}

function newProduct(table, close) {
  const form = h('form', { class: 'stack', novalidate: true },
    h('div', { class: 'grid-2' },
      field('SKU', h('input', { name: 'sku', autocomplete: 'off' }), { required: true, hint: 'Letters, digits, - _ or . (stored in capitals)' }),
      field('Name', h('input', { name: 'name' }), { required: true }),
      field('Unit', h('input', { name: 'unit', value: 'each' }), { hint: 'What one is: each, box, sack, kg…' }),
      priceFields(null)),
    field('Description', h('textarea', { name: 'description', rows: '2' })),
    field('Shown to customers', h('input', { type: 'checkbox', name: 'active', checked: true })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Create product'),
      h('button', { type: 'button', onclick: close }, 'Cancel')));
  const keyFor = keyKeeper();
  onSubmit(form, 'Creating…', async (values) => {
    const body = {
      sku: values.sku,
      name: values.name,
      description: values.description || null,
      unit: values.unit || 'each',
      price: price(values),
      active: values.active,
    };
    const product = await api.post('/admin/products', body, { idempotencyKey: keyFor(body) });
    toast(`Product ${product.sku} is created.`);
    close();
    table.reload();
  });
  setTimeout(() => form.querySelector('input')?.focus());
  return h('section', { class: 'card', 'aria-labelledby': 'new-product-title' }, h('h2', { id: 'new-product-title' }, 'New product'), form);
}

async function edit(product, table) {
  const result = await dialog({
    title: `Edit ${product.sku}`,
    submit: 'Save',
    fields: [
      field('Name', h('input', { name: 'name', value: product.name }), { required: true }),
      field('Description', h('textarea', { name: 'description', rows: '2' }, product.description || '')),
      field('Unit', h('input', { name: 'unit', value: product.unit })),
      priceFields(product),
      field('Shown to customers', h('input', { type: 'checkbox', name: 'active', checked: product.active }),
        { hint: 'Hidden products stay on past orders at their prices.' }),
    ],
    action: (values) => api.patch(`/admin/products/${api.seg(product.sku)}`, {
      name: values.name,
      description: values.description || null,
      unit: values.unit,
      price: price(values),
      active: values.active,
      version: product.version,
    }),
  });
  if (!result) return;
  toast(`Product ${product.sku} is saved.`);
  table.reload();
}
