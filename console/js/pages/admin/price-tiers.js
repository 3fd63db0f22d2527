// Price tiers: a discount off list prices and/or fixed prices for some SKUs.

import { h, replace, field, money, moneyInput, parseMoney, onSubmit, toast, loading, errorBox, InputError, keyKeeper } from '../../ui.js';
import * as api from '../../api.js';
import { productPicker, productsBySku } from './product-picker.js';

export default async function render(main, ctx) {
  ctx.title('Price tiers');
  const list = h('div', {}, loading());
  const editorSlot = h('div');
  const create = h('button', { type: 'button', class: 'primary' }, 'New price tier');
  const closeEditor = () => {
    replace(editorSlot);
    create.hidden = false;
  };
  create.addEventListener('click', () => {
    create.hidden = true;
    replace(editorSlot, tierForm(null, async () => {
      closeEditor();
      await load();
    }, closeEditor));
  });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Price tiers'), create),
    h('p', { class: 'muted' }, 'A customer on a tier pays the tier’s fixed price for a SKU if it has one, else the list price less the tier’s discount (rounded half up to the cent).'),
    editorSlot,
    list);

  async function load() {
    replace(list, loading());
    let tiers;
    try {
      tiers = (await api.get('/admin/price-tiers', { query: { limit: 200 } })).items;
    } catch (error) {
      replace(list, errorBox(error, { retry: load }));
      return;
    }
    if (!tiers.length) {
      replace(list, h('p', {}, 'No price tiers yet: every customer pays list prices.'));
      return;
    }
    replace(list, h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Price tiers'),
      h('thead', {}, h('tr', {}, ['Name', 'Discount', 'Fixed prices', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, tiers.map((t) => h('tr', {},
        h('td', {}, h('strong', {}, t.name), h('div', { class: 'muted small' }, h('code', {}, t.tier_id))),
        h('td', {}, Number(t.discount_percent) ? `${t.discount_percent} %` : '—'),
        h('td', {}, Object.keys(t.prices).length
          ? h('ul', { class: 'plain' }, Object.entries(t.prices).map(([sku, price]) => h('li', {}, h('code', {}, sku), ' ', money(price))))
          : '—'),
        h('td', {}, h('button', {
          type: 'button',
          onclick: () => {
            create.hidden = true;
            replace(editorSlot, tierForm(t, async () => {
              closeEditor();
              await load();
            }, closeEditor));
            editorSlot.querySelector('input')?.focus();
          },
        }, 'Edit', h('span', { class: 'visually-hidden' }, ` ${t.name}`)))))))));
  }
  await load();
}

function tierForm(tier, saved, cancel) {
  const rows = h('tbody');
  const none = h('p', { class: 'muted small' }, 'No fixed prices: the discount applies to every product.');
  let n = 0;
  const skuOf = new Map();
  const refresh = () => { none.hidden = rows.children.length > 0; };
  // A fixed price names a product by its SKU; picking the product (name and list price shown)
  // replaces a hand-typed SKU that could name nothing.
  function addRow(sku, price, product) {
    const existing = [...rows.children].find((r) => r.dataset.sku === sku);
    if (existing) {
      existing.querySelector('input[inputmode]')?.focus();
      return;
    }
    const i = n++;
    const currency = price?.currency || product?.price.currency || 'EUR';
    const priceInput = h('input', { name: `override_price_${i}`, value: moneyInput(price || product?.price), inputmode: 'decimal', class: 'price', 'data-field': `prices.${sku}` });
    skuOf.set(i, sku);
    const row = h('tr', { 'data-sku': sku },
      h('td', {}, h('strong', {}, product?.name || sku), ' ', h('code', {}, sku),
        h('div', { class: 'muted small' }, product ? `List price ${money(product.price)}` : 'Product not found')),
      h('td', {}, field(`Fixed price of ${product?.name || sku} (${currency})`, priceInput),
        h('input', { type: 'hidden', name: `override_currency_${i}`, value: currency })),
      h('td', {}, h('button', { type: 'button', class: 'link danger', onclick: () => { row.remove(); skuOf.delete(i); refresh(); } },
        'Remove', h('span', { class: 'visually-hidden' }, ` the fixed price of ${product?.name || sku}`))));
    rows.append(row);
    refresh();
    return priceInput;
  }
  const overrides = Object.entries(tier?.prices || {});
  if (overrides.length) {
    // The names and list prices come after; until then each row shows its SKU.
    for (const [sku, price] of overrides) addRow(sku, price, null);
    productsBySku(overrides.map(([sku]) => sku)).then((products) => {
      for (const row of rows.children) {
        const product = products.get(row.dataset.sku);
        if (!product) continue;
        row.firstChild.replaceChildren(h('strong', {}, product.name), ' ', h('code', {}, product.sku),
          h('div', { class: 'muted small' }, `List price ${money(product.price)}`));
        row.querySelector('label').textContent = `Fixed price of ${product.name} (${product.price.currency})`;
      }
    }).catch(() => {
      // The SKUs stay shown; saving does not need the names.
    });
  }
  refresh();
  const picker = productPicker({
    quantity: false,
    label: 'Find a product to give a fixed price',
    add: 'Add fixed price',
    onPick: (product) => addRow(product.sku, null, product)?.focus(),
  });
  const title = tier ? `Edit ${tier.name}` : 'New price tier';
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-label': title },
    h('h2', {}, title),
    h('div', { class: 'grid-2' },
      field('Name', h('input', { name: 'name', value: tier?.name }), { required: true }),
      field('Discount off list prices (%)', h('input', { name: 'discount_percent', inputmode: 'decimal', value: tier ? String(tier.discount_percent) : '0' }),
        { hint: '0 to 100, at most two decimals' })),
    h('fieldset', {},
      h('legend', {}, 'Fixed prices (win over the discount)'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'compact fixed-prices' }, h('caption', { class: 'visually-hidden' }, 'Fixed prices'), rows)),
      none,
      picker.el),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, tier ? 'Save tier' : 'Create tier'),
      h('button', { type: 'button', onclick: cancel }, 'Cancel')));
  const keyFor = keyKeeper();
  onSubmit(form, 'Saving…', async (values) => {
    const discount = Number(values.discount_percent || '0');
    if (!Number.isFinite(discount) || discount < 0 || discount > 100) {
      throw new InputError('The discount must be a number from 0 to 100.', [{ field: 'discount_percent', message: 'must be from 0 to 100' }]);
    }
    const prices = {};
    for (const [i, sku] of skuOf) {
      const currency = values[`override_currency_${i}`];
      const amount = parseMoney(values[`override_price_${i}`] || '', currency);
      if (amount === null) {
        throw new InputError(`The fixed price for ${sku} needs a price like 12.50.`, [{ field: `prices.${sku}`, message: 'must be a price like 12.50' }]);
      }
      prices[sku] = { amount, currency };
    }
    const body = { name: values.name, discount_percent: discount, prices };
    if (tier) await api.patch(`/admin/price-tiers/${api.seg(tier.tier_id)}`, { ...body, version: tier.version });
    else await api.post('/admin/price-tiers', body, { idempotencyKey: keyFor(body) });
    toast(tier ? `Price tier ${values.name} is saved.` : `Price tier ${values.name} is created.`);
    await saved();
  });
  return form;
}
