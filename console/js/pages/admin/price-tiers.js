// Price tiers: a discount off list prices and/or fixed prices for some SKUs.

import { h, replace, field, money, moneyInput, parseMoney, onSubmit, toast, loading, errorBox, InputError, keyKeeper } from '../../ui.js';
import * as api from '../../api.js';

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
  let n = 0;
  function addRow(sku = '', price = null) {
    const i = n++;
    const row = h('tr', {},
      h('td', {}, field('SKU', h('input', { name: `override_sku_${i}`, value: sku, autocomplete: 'off' }))),
      h('td', {}, field('Price', h('input', { name: `override_price_${i}`, value: moneyInput(price), inputmode: 'decimal' }))),
      h('td', {}, field('Currency', h('input', { name: `override_currency_${i}`, value: price?.currency || 'EUR', maxlength: '3' }))),
      h('td', {}, h('button', { type: 'button', class: 'link danger', onclick: () => row.remove() }, 'Remove', h('span', { class: 'visually-hidden' }, ' this fixed price'))));
    rows.append(row);
  }
  for (const [sku, price] of Object.entries(tier?.prices || {})) addRow(sku, price);
  const title = tier ? `Edit ${tier.name}` : 'New price tier';
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-label': title },
    h('h2', {}, title),
    h('div', { class: 'grid-2' },
      field('Name', h('input', { name: 'name', value: tier?.name }), { required: true }),
      field('Discount off list prices (%)', h('input', { name: 'discount_percent', inputmode: 'decimal', value: tier ? String(tier.discount_percent) : '0' }),
        { hint: '0 to 100, at most two decimals' })),
    h('fieldset', {},
      h('legend', {}, 'Fixed prices (win over the discount)'),
      h('table', { class: 'compact' }, h('caption', { class: 'visually-hidden' }, 'Fixed prices'), rows),
      h('button', { type: 'button', onclick: () => addRow() }, 'Add a fixed price')),
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
    for (let i = 0; i < n; i++) {
      const sku = (values[`override_sku_${i}`] || '').toUpperCase();
      if (!sku) continue;
      // The API names a bad override `prices.<SKU>`: mark its SKU field.
      const skuInput = form.querySelector(`[name="override_sku_${i}"]`);
      if (skuInput) skuInput.dataset.field = `prices.${sku}`;
      const currency = (values[`override_currency_${i}`] || '').toUpperCase();
      const amount = parseMoney(values[`override_price_${i}`] || '', currency || 'EUR');
      if (amount === null || !/^[A-Z]{3}$/.test(currency)) {
        throw new InputError(`The fixed price for ${sku} needs a price like 12.50 and a three-letter currency.`);
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
