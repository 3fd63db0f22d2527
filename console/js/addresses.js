// An account's address book as the portal and the admin pages show it: an address in the lines
// a courier reads, the form that adds or changes one, and the body the API takes from it.

import { h, field } from './ui.js';
import { countrySelect } from './countries.js';

/** The lines of an address (or an order's `ship_to`), label first. */
export function addressLines(a) {
  const place = [a.postal_code, a.city].filter(Boolean).join(' ') + (a.region ? `, ${a.region}` : '');
  return [a.label, a.recipient, a.line1, a.line2, place, a.country, a.phone && `Phone ${a.phone}`].filter(Boolean);
}

/** An address as a block of lines. */
export function addressBlock(a, attributes = {}) {
  const lines = addressLines(a);
  return h('address', attributes, lines.flatMap((line, i) => (i ? [h('br'), line] : [line])));
}

/** The fields of an address, filled from `a` when it is changed. */
export function addressFields(a = {}) {
  return [
    field('Label', h('input', { name: 'label', maxlength: '64', value: a.label || '' }), { required: true, hint: 'How you will recognise it at checkout, e.g. “Main bakery”.' }),
    field('Recipient', h('input', { name: 'recipient', maxlength: '200', value: a.recipient || '' }), { hint: 'Optional: a person or a department.' }),
    field('Address line 1', h('input', { name: 'line1', maxlength: '200', autocomplete: 'address-line1', value: a.line1 || '' }), { required: true }),
    field('Address line 2', h('input', { name: 'line2', maxlength: '200', autocomplete: 'address-line2', value: a.line2 || '' })),
    field('City', h('input', { name: 'city', maxlength: '100', autocomplete: 'address-level2', value: a.city || '' }), { required: true }),
    field('Postal code', h('input', { name: 'postal_code', maxlength: '20', autocomplete: 'postal-code', value: a.postal_code || '' }), { required: true }),
    field('Region', h('input', { name: 'region', maxlength: '100', autocomplete: 'address-level1', value: a.region || '' })),
    field('Country', countrySelect('country', a.country || ''), { required: true }),
    field('Phone', h('input', { name: 'phone', type: 'tel', maxlength: '40', autocomplete: 'tel', value: a.phone || '' })),
  ];
}

const OPTIONAL = ['recipient', 'line2', 'region', 'phone'];

/**
 * The API body of an address form's values: a new address leaves out empty optional parts; a
 * change sends `null` for them, which clears them.
 */
export function addressBody(values, { change = false } = {}) {
  const body = {};
  for (const name of ['label', 'line1', 'city', 'postal_code', 'country', ...OPTIONAL]) {
    const value = values[name] ?? '';
    if (value !== '') body[name] = value;
    else if (change && OPTIONAL.includes(name)) body[name] = null;
    else if (!OPTIONAL.includes(name)) body[name] = '';
  }
  return body;
}
