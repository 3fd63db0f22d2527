// Routing rules, on the Teams page: which team a new request goes to, by the customer's tag,
// the customer itself or the order's total. The first rule that matches wins; a request no rule
// matches goes to its customer's own team.

import { h, replace, field, parseMoney, InputError } from '../../ui.js';
import * as api from '../../api.js';
import { rulesEditor, sellerCurrency } from './rules-editor.js';
import { amount } from '../../rule-words.js';

/** A link to a customer a rule names, showing its name once read. */
function customerWords(id) {
  const link = h('a', { href: `#/admin/customers/${id}` }, id);
  api.get(`/admin/customers/${api.seg(id)}`).then((c) => link.replaceChildren(c.name)).catch(() => {
    // The id says which customer; a customer since deleted keeps its id in the rule.
  });
  return ['customer ', link];
}

/** What a rule asks for, in words: "tag vip · total ≥ EUR 100.00". */
function criteria(match = {}) {
  const parts = [];
  if (match.customer_tag) parts.push(['tag ', h('strong', {}, match.customer_tag)]);
  if (match.customer_id) parts.push(customerWords(match.customer_id));
  if (match.min_total) parts.push(`total ≥ ${amount(match.min_total)}`);
  if (!parts.length) return 'every request';
  // One element: a card's cell on a phone lays out its children side by side.
  return h('span', {}, parts.flatMap((p, i) => (i ? [' · ', p] : [p])));
}

/** The rule as a PUT takes it: only what it names. */
function clean(rule) {
  const match = {};
  for (const key of ['customer_tag', 'customer_id', 'min_total']) {
    if (rule.match?.[key]) match[key] = rule.match[key];
  }
  return { match, team_id: rule.team_id };
}

/**
 * The routing rules' section: `{ el, reload() }`. `teams()` reads the teams (their names show in
 * the rules, and the add form picks one); `reload()` reads them and the rules again.
 */
export function routingSection({ teams }) {
  let names = new Map();
  const teamChoice = h('select', { name: 'team_id', 'data-key': 'team_id' }, h('option', { value: '' }, 'Choose a team'));
  const code = h('span', {}, 'the seller’s currency');
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-labelledby': 'add-rule-title' },
    h('h3', { id: 'add-rule-title' }, 'Add rule'),
    h('p', { class: 'hint' }, 'A rule matches a request when everything it names matches; leave out what does not matter.'),
    h('div', { class: 'grid-2' },
      field('Customer tag', h('input', { name: 'customer_tag', 'data-key': 'match.customer_tag', maxlength: '40', autocomplete: 'off' }),
        { hint: 'Optional; customers with this tag, e.g. vip' }),
      field('Customer ID', h('input', { name: 'customer_id', 'data-key': 'match.customer_id', autocomplete: 'off' }),
        { hint: 'Optional; the id on the customer’s page, cus_…' }),
      field('Minimum total', h('input', { name: 'min_total', 'data-key': 'match.min_total', inputmode: 'decimal', autocomplete: 'off' }),
        { hint: ['Optional; orders of at least this total, in ', code, ', e.g. 100.00'] }),
      field('Team', teamChoice, { required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add rule')));

  async function prepare() {
    const [items, currency] = await Promise.all([teams(), sellerCurrency()]);
    names = new Map(items.map((t) => [t.team_id, t.name]));
    code.textContent = currency;
    const chosen = teamChoice.value;
    replace(teamChoice, h('option', { value: '' }, 'Choose a team'),
      items.map((t) => h('option', { value: t.team_id, selected: t.team_id === chosen }, t.name)));
  }

  async function build(values, at) {
    const match = {};
    if (values.customer_tag) match.customer_tag = values.customer_tag;
    if (values.customer_id) match.customer_id = values.customer_id;
    if (values.min_total) {
      const currency = await sellerCurrency();
      const minor = parseMoney(values.min_total, currency);
      if (minor === null) {
        throw new InputError(`The minimum total is an amount in ${currency}, like 100.00.`, [{ field: `${at}.match.min_total`, message: `must be an amount in ${currency}, like 100.00` }]);
      }
      match.min_total = { amount: minor, currency };
    }
    if (!Object.keys(match).length) {
      throw new InputError('A rule names at least one of customer tag, customer ID and minimum total.',
        [{ field: `${at}.match.customer_tag`, message: 'give this, a customer ID or a minimum total' }]);
    }
    if (!values.team_id) throw new InputError('Choose the team the rule assigns requests to.', [{ field: `${at}.team_id`, message: 'is required' }]);
    return { match, team_id: values.team_id };
  }

  return rulesEditor({
    path: '/admin/routing-rules',
    id: 'routing-rules',
    title: 'Routing rules',
    intro: 'The first rule that matches a new request assigns it; otherwise the customer’s own team does.',
    caption: 'Routing rules, in the order they are tried',
    empty: 'No routing rules: every request goes to its customer’s own team.',
    ordered: true,
    columns: [
      { label: 'When', render: (rule) => criteria(rule.match) },
      { label: 'Team', render: (rule) => names.get(rule.team_id) || h('span', { class: 'muted' }, `${rule.team_id} (no such team)`) },
    ],
    prepare,
    clean,
    form,
    build,
    added: 'The rule is added.',
  });
}
