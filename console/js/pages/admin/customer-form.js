// The fields of a customer account, for creating one and for editing its details.

import { h, replace, field, InputError } from '../../ui.js';
import * as api from '../../api.js';
import { countrySelect } from '../../countries.js';
import { teamSelect } from './teams.js';

const ADDRESS = [
  ['line1', 'Address line 1', 'address-line1'],
  ['line2', 'Address line 2', 'address-line2'],
  ['city', 'City', 'address-level2'],
  ['postal_code', 'Postal code', 'postal-code'],
  ['region', 'Region', 'address-level1'],
  ['country', 'Country', 'country'],
];

/** Every price tier, for a select; read once per page. */
export function tiers() {
  return api.get('/admin/price-tiers', { query: { limit: 200 } }).then((page) => page.items);
}

/** A select of price tiers (filled once they are read), with "List prices" for none. */
export function tierSelect(current) {
  const select = h('select', { name: 'price_tier_id' }, h('option', { value: '' }, 'List prices (no tier)'));
  if (current) select.append(h('option', { value: current, selected: true }, current));
  tiers().then((items) => {
    replace(select, h('option', { value: '' }, 'List prices (no tier)'),
      items.map((t) => h('option', { value: t.tier_id, selected: t.tier_id === current }, tierLabel(t))));
  }).catch(() => {
    // Keeps the current value; saving still works.
  });
  return select;
}

export function tierLabel(t) {
  const discount = Number(t.discount_percent) ? ` (−${t.discount_percent} %)` : '';
  return `${t.name}${discount}`;
}

/** The form (without a submit handler); `customer` fills it for editing. */
export function customerForm(customer, { submit = 'Create customer' } = {}) {
  const c = customer || {};
  const address = c.address || {};
  return h('form', { class: 'stack', novalidate: true },
    h('div', { class: 'grid-2' },
      field('Company name', h('input', { name: 'name', value: c.name, autocomplete: 'organization' }), { required: true }),
      field('Contact email', h('input', { name: 'email', type: 'email', value: c.email, autocomplete: 'email' }), { required: true }),
      field('Phone', h('input', { name: 'phone', type: 'tel', value: c.phone, autocomplete: 'tel' })),
      field('Team', teamSelect('fulfillment_team_id', c.fulfillment_team_id), { hint: 'Orders of this customer are assigned to this team, and its addresses are told of them.' }),
      c.fulfillment_team && field('Fulfilment team (old, free text)', h('input', { name: 'fulfillment_team', value: c.fulfillment_team }), { hint: 'Used only while no team is chosen above.' }),
      field('Price tier', tierSelect(c.price_tier_id)),
      field('Tags', h('input', { name: 'tags', value: (c.tags || []).join(', ') }), { hint: 'Separated by commas, e.g. wholesale, net-30' })),
    h('fieldset', {},
      h('legend', {}, 'Address (optional)'),
      h('div', { class: 'grid-2' }, ADDRESS.map(([key, label, autocomplete]) =>
        field(label, key === 'country'
          ? countrySelect('address.country', address.country)
          : h('input', { name: `address.${key}`, value: address[key], autocomplete }))))),
    field('Allow order creation', h('input', { type: 'checkbox', name: 'ordering_enabled', checked: Boolean(c.ordering_enabled) }),
      { hint: 'When off, the customer’s logins can browse but not submit orders.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, submit)));
}

/**
 * The API body for the form's values (`null` clears what was emptied); throws an InputError
 * for an address with a part missing.
 */
export function customerBody(values) {
  const address = {};
  let anyAddress = false;
  for (const [key] of ADDRESS) {
    const value = values[`address.${key}`] || '';
    address[key] = value || null;
    if (value) anyAddress = true;
  }
  if (address.country) address.country = address.country.toUpperCase();
  if (anyAddress) {
    const missing = ['line1', 'city', 'postal_code', 'country'].filter((key) => !address[key]);
    if (missing.length) {
      throw new InputError('An address needs its first line, city, postal code and country.',
        missing.map((key) => ({ field: `address.${key}`, message: 'is required in an address' })));
    }
  }
  return {
    name: values.name,
    email: values.email,
    phone: values.phone || null,
    ...('fulfillment_team' in values ? { fulfillment_team: values.fulfillment_team || null } : {}),
    fulfillment_team_id: values.fulfillment_team_id || null,
    price_tier_id: values.price_tier_id || null,
    tags: (values.tags || '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean)
      .filter((t, i, all) => all.indexOf(t) === i),
    ordering_enabled: Boolean(values.ordering_enabled),
    address: anyAddress ? address : null,
  };
}
