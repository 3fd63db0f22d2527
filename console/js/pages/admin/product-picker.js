// Finding a product by name or SKU (search as you type over `GET /admin/products`) and
// picking it, with a quantity for an admin's order edits and on-behalf orders, without one for
// a tier's fixed prices.

import { h, replace, field, money, searchAsYouType } from '../../ui.js';
import * as api from '../../api.js';

/**
 * `onPick(product, quantity)` runs for each product added. `quantity: false` picks without a
 * quantity (`onPick(product)`); `label` and `add` name the search field and the button.
 * Returns `{ el }`.
 */
export function productPicker({ onPick, quantity: withQuantity = true, label = 'Find a product to add', add = 'Add' }) {
  const q = h('input', { type: 'search', autocomplete: 'off' });
  const results = h('ul', { class: 'picker-results', 'aria-live': 'polite' });
  searchAsYouType(q, results,
    (text, signal) => api.get('/admin/products', { query: { q: text, limit: 10 }, signal }),
    (page) => {
      const active = page.items.filter((p) => p.active);
      return active.length ? active.map(row) : h('li', { class: 'muted' }, 'No active product matches.');
    });

  function row(product) {
    const id = `pick-${product.sku}`;
    const quantity = h('input', { id, type: 'number', min: '1', max: '10000', value: '1', class: 'qty' });
    return h('li', {},
      h('span', {}, h('strong', {}, product.name), ' ', h('code', {}, product.sku), ' · ', money(product.price),
        !withQuantity && h('span', { class: 'muted small' }, ' list')),
      withQuantity && [h('label', { class: 'visually-hidden', for: id }, `Quantity of ${product.name} to add`), quantity],
      h('button', {
        type: 'button',
        onclick: () => {
          if (!withQuantity) {
            onPick(product);
            return;
          }
          const n = Number(quantity.value);
          if (!Number.isInteger(n) || n < 1 || n > 10_000) {
            quantity.setAttribute('aria-invalid', 'true');
            quantity.focus();
            return;
          }
          onPick(product, n);
          quantity.value = '1';
        },
      }, add, h('span', { class: 'visually-hidden' }, ` ${product.name}`)));
  }

  return {
    el: h('div', { class: 'picker' }, field(label, q, { hint: 'Type part of a name or SKU.' }), results),
  };
}

/**
 * The products of `skus` as a Map by SKU (inactive ones too; a SKU no product has is left
 * out). The API has no read of one product, so each is a search for its SKU, all at once.
 */
export async function productsBySku(skus, { signal } = {}) {
  const found = await Promise.all([...new Set(skus)].map(async (sku) => {
    // A short SKU also matches other SKUs and names: a few pages, then it is taken as gone.
    let cursor = null;
    for (let pages = 0; pages < 3; pages += 1) {
      const page = await api.get('/admin/products', { query: { q: sku, limit: 200, cursor }, signal });
      const product = page.items.find((p) => p.sku === sku);
      if (product || !page.next_cursor) return product || null;
      cursor = page.next_cursor;
    }
    return null;
  }));
  return new Map(found.filter(Boolean).map((p) => [p.sku, p]));
}
