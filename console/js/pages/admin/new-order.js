// An admin creates an order into a customer's account (`POST /admin/customers/{id}/orders`),
// requested or already confirmed, optionally emailing the customer with a subject and a
// message of the admin's own.

import { h, replace, field, loading, errorBox, onSubmit, toast, keyKeeper, InputError, money } from '../../ui.js';
import * as api from '../../api.js';
import { productPicker } from './product-picker.js';

export default async function render(main, ctx) {
  ctx.title('Create order');
  const id = ctx.params.customer_id;
  const body = h('div', {}, loading());
  main.append(h('p', { class: 'crumbs' }, h('a', { href: `#/admin/customers/${id}` }, '← Customer')), body);
  let customer;
  let questions;
  try {
    [customer, questions] = await Promise.all([
      api.get(`/admin/customers/${api.seg(id)}`),
      api.get('/admin/checkout-questions').then((q) => q.questions || []),
    ]);
  } catch (error) {
    replace(body, h('h1', {}, 'Create order'), errorBox(error));
    return;
  }
  ctx.title(`Create order for ${customer.name}`);

  const lines = [];
  const tbody = h('tbody');
  const empty = h('p', { class: 'muted' }, 'No lines yet: find products below and add them.');
  function draw() {
    empty.hidden = lines.length > 0;
    replace(tbody, lines.map((line, i) => {
      const qid = `new-qty-${i}`;
      const quantity = h('input', { id: qid, type: 'number', min: '1', max: '10000', value: String(line.quantity), class: 'qty', name: `lines[${i}].quantity` });
      quantity.addEventListener('change', () => { line.quantity = Number(quantity.value); });
      return h('tr', {},
        h('td', {}, line.name, ' ', h('code', {}, line.sku)),
        h('td', { class: 'num' }, money(line.price), h('span', { class: 'muted small' }, ' list')),
        h('td', {}, h('label', { class: 'visually-hidden', for: qid }, `Quantity of ${line.name}`), quantity,
          h('p', { class: 'field-error', id: `${qid}-error`, hidden: true })),
        h('td', {}, h('button', { type: 'button', class: 'link danger', onclick: () => { lines.splice(i, 1); draw(); } },
          'Remove', h('span', { class: 'visually-hidden' }, ` ${line.name}`))));
    }));
  }
  const picker = productPicker({
    onPick: (product, quantity) => {
      const existing = lines.find((l) => l.sku === product.sku);
      if (existing) existing.quantity += quantity;
      else lines.push({ sku: product.sku, name: product.name, price: product.price, quantity });
      draw();
    },
  });
  const notifyFields = h('div', { class: 'stack', hidden: true },
    field('Subject', h('input', { name: 'subject', maxlength: '200', value: 'Your order with us', 'data-field': 'notify.subject' })),
    field('Message', h('textarea', { name: 'message', rows: '4', maxlength: '5000', 'data-field': 'notify.message' }),
      { hint: 'Sent to the customer’s contact email with the order’s lines and total.' }));
  const notify = h('input', { type: 'checkbox', name: 'notify' });
  notify.addEventListener('change', () => { notifyFields.hidden = !notify.checked; });

  const form = h('form', { class: 'stack', novalidate: true },
    h('section', { class: 'card', 'aria-labelledby': 'lines-title' },
      h('h2', { id: 'lines-title' }, 'Lines'),
      h('p', { class: 'muted small' }, `Priced at ${customer.name}’s prices when created.`),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, 'Lines of the new order'),
        h('thead', {}, h('tr', {}, ['Product', 'List price', 'Quantity', ''].map((c) => h('th', { scope: 'col' }, c)))),
        tbody)),
      empty,
      picker.el),
    h('fieldset', {},
      h('legend', {}, 'Status of the new order'),
      field('Requested: confirm it later in the queue', h('input', { type: 'radio', name: 'status', value: 'requested', checked: true })),
      field('Confirmed already', h('input', { type: 'radio', name: 'status', value: 'confirmed' }))),
    questions.length > 0 && h('fieldset', {},
      h('legend', {}, 'Answers to the checkout questions (optional here)'),
      questions.map((q) => field(q.label, q.kind === 'choice'
        ? h('select', { name: `answer:${q.question_id}`, 'data-field': `answers.${q.question_id}` },
          h('option', { value: '' }, '(no answer)'), (q.choices || []).map((c) => h('option', { value: c }, c)))
        : h('input', { name: `answer:${q.question_id}`, 'data-field': `answers.${q.question_id}`, maxlength: '500' })))),
    field('Notes', h('textarea', { name: 'notes', rows: '2', maxlength: '2000' })),
    field('Email the customer about this order', notify),
    notifyFields,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create order')));
  const keyFor = keyKeeper();
  onSubmit(form, 'Creating…', async (values) => {
    if (!lines.length) throw new InputError('Add at least one product.');
    const order = {
      lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      status: values.status,
    };
    if (values.notes) order.notes = values.notes;
    const answers = Object.fromEntries(questions
      .map((q) => [q.question_id, values[`answer:${q.question_id}`]])
      .filter(([, value]) => value));
    if (Object.keys(answers).length) order.answers = answers;
    if (values.notify) {
      if (!values.subject || !values.message) {
        throw new InputError('Write a subject and a message for the email, or untick it.', [
          !values.subject && { field: 'subject', message: 'is required' },
          !values.message && { field: 'message', message: 'is required' },
        ].filter(Boolean));
      }
      order.notify = { subject: values.subject, message: values.message };
    }
    const created = await api.post(`/admin/customers/${api.seg(id)}/orders`, order, { idempotencyKey: keyFor(order) });
    toast(`Order ${created.order_number} is created for ${customer.name}.`, 'ok', { next: true });
    ctx.navigate(`/admin/orders/${created.order_id}`);
  });
  replace(body, h('h1', {}, `Create an order for ${customer.name}`), form);
  draw();
}
