// Automatic confirmation, on the Teams page: requests from customers with a tag are confirmed
// at once, up to a maximum total when one is set; the rest wait for a person.

import { h, field, parseMoney, InputError } from '../../ui.js';
import { rulesEditor, sellerCurrency } from './rules-editor.js';
import { amount } from '../../rule-words.js';

/** The rule as a PUT takes it. */
function clean(rule) {
  return rule.max_total ? { customer_tag: rule.customer_tag, max_total: rule.max_total } : { customer_tag: rule.customer_tag };
}

/** The automatic confirmation section: `{ el, reload() }`. */
export function autoConfirmSection() {
  const code = h('span', {}, 'the seller’s currency');
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-labelledby': 'add-auto-title' },
    h('h3', { id: 'add-auto-title' }, 'Add automatic confirmation'),
    h('div', { class: 'grid-2' },
      field('Tag', h('input', { name: 'customer_tag', 'data-key': 'customer_tag', maxlength: '40', autocomplete: 'off' }),
        { required: true, hint: 'Customers with this tag, e.g. trusted' }),
      field('Maximum total', h('input', { name: 'max_total', 'data-key': 'max_total', inputmode: 'decimal', autocomplete: 'off' }),
        { hint: ['Optional; in ', code, ', e.g. 500.00. Without it, any total is confirmed.'] })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add automatic confirmation')));

  async function build(values, at) {
    if (!values.customer_tag) throw new InputError('Name the tag whose customers’ requests are confirmed.', [{ field: `${at}.customer_tag`, message: 'is required' }]);
    const rule = { customer_tag: values.customer_tag };
    if (values.max_total) {
      const currency = await sellerCurrency();
      const minor = parseMoney(values.max_total, currency);
      if (minor === null) {
        throw new InputError(`The maximum total is an amount in ${currency}, like 500.00.`, [{ field: `${at}.max_total`, message: `must be an amount in ${currency}, like 500.00` }]);
      }
      rule.max_total = { amount: minor, currency };
    }
    return rule;
  }

  return rulesEditor({
    path: '/admin/auto-confirm',
    id: 'auto-confirm',
    title: 'Automatic confirmation',
    intro: 'Requests from customers with the tag are confirmed at once; above the maximum total they wait for a person.',
    caption: 'Automatic confirmation rules',
    empty: 'No automatic confirmation: every request waits for a person.',
    name: (rule) => `automatic confirmation for tag ${rule.customer_tag}`,
    columns: [
      { label: 'Tag', render: (rule) => h('strong', {}, rule.customer_tag) },
      { label: 'Maximum total', render: (rule) => (rule.max_total ? amount(rule.max_total) : 'any total') },
    ],
    prepare: async () => {
      code.textContent = await sellerCurrency();
    },
    clean,
    form,
    build,
    added: 'The automatic confirmation is added.',
  });
}
