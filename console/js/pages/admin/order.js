// One order for an admin (`#/admin/orders/{id}`, the link in the seller's email): its lines,
// answers and history; confirm, reject with a reason, or edit its lines and notes while it
// is requested. Every change names the version it was made on, so a stale page gets a 409.

import { h, replace, field, errorBox, toast, busy, dialog, InputError, onSubmit, money } from '../../ui.js';
import * as api from '../../api.js';
import * as session from '../../session.js';
import { linesTable, summary, history, orderPage, readOrder } from '../../orders-view.js';
import { customerLink } from './orders.js';
import { productPicker } from './product-picker.js';

export default async function render(main, ctx) {
  await orderPage(main, ctx, ['#/admin/orders', '← Orders'], show);
}

async function show(body, ctx) {
  const id = ctx.params.order_id;
  const read = await readOrder(body, {
    path: `/admin/orders/${api.seg(id)}`,
    questions: '/admin/checkout-questions',
    missing: 'There is no such order.',
    retry: () => show(body, ctx),
  });
  if (!read) return;
  const { order, questions } = read;
  const customer = await api.get(`/admin/customers/${api.seg(order.customer_id)}`).catch(() => null);
  ctx.title(`Order ${order.order_number}`);
  const people = new Map((customer?.logins || []).map((l) => [l.login_id, `${l.name} (${l.email})`]));
  const me = session.claimsOf(session.session()?.idToken || '').sub;
  const feedback = h('div');
  const again = () => show(body, ctx);
  const failed = (error) => {
    replace(feedback, errorBox(error, error.status === 409 ? { retry: again } : {}));
    if (error.status === 409) {
      feedback.querySelector('.error-box p').textContent =
        `${error.detail} The order may have been changed by someone else: “Try again” shows it as it is now.`;
    }
  };
  const actions = order.status === 'requested' ? h('div', { class: 'actions' },
    action('Confirm order', 'primary', 'Confirming…', async () => {
      await api.post(`/admin/orders/${api.seg(id)}/confirm`, { version: order.version });
      toast(`Order ${order.order_number} is confirmed. The customer is emailed.`);
      await again();
    }, failed),
    action('Reject…', 'danger', 'Rejecting…', async () => {
      const result = await dialog({
        title: `Reject order ${order.order_number}`,
        submit: 'Reject order',
        danger: true,
        fields: [field('Reason', h('textarea', { name: 'reason', rows: '3', maxlength: '1000' }), { required: true, hint: 'Shown to the customer and emailed to its logins.' })],
        action: async (values) => {
          if (!values.reason) throw new InputError('Say why the order is rejected.', [{ field: 'reason', message: 'is required' }]);
          await api.post(`/admin/orders/${api.seg(id)}/reject`, { reason: values.reason });
        },
      });
      if (!result) return;
      toast(`Order ${order.order_number} is rejected.`);
      await again();
    }, failed),
    h('button', { type: 'button', onclick: () => replace(body, editor(order, ctx, again)) }, 'Edit lines and notes')) : null;

  replace(body,
    h('div', { class: 'page-head' }, h('h1', {}, `Order ${order.order_number}`)),
    h('p', {}, 'Customer: ', customer
      ? h('a', { href: `#/admin/customers/${order.customer_id}` }, customer.name)
      : customerLink(order.customer_id)),
    feedback,
    actions,
    summary(order, { admin: true, questions, people, me }),
    linesTable(order),
    history(order, { admin: true, people, me }));
}

function action(text, className, busyText, run, failed) {
  const button = h('button', { type: 'button', class: className }, text);
  button.addEventListener('click', () => busy(button, busyText, async () => {
    try {
      await run();
    } catch (error) {
      failed(error);
    }
  }));
  return button;
}

/** Edits a requested order's lines and notes; saved with `PATCH` and the version read. */
function editor(order, ctx, done) {
  const lines = order.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unit_price: l.unit_price }));
  const tbody = h('tbody');
  function draw() {
    replace(tbody, lines.map((line, i) => {
      const id = `edit-qty-${i}`;
      const quantity = h('input', { id, type: 'number', min: '1', max: '10000', value: String(line.quantity), class: 'qty', name: `lines[${i}].quantity` });
      quantity.addEventListener('change', () => { line.quantity = Number(quantity.value); });
      return h('tr', {},
        h('td', {}, line.name || line.sku, ' ', h('code', {}, line.sku)),
        h('td', { class: 'num' }, line.unit_price ? money(line.unit_price) : h('span', { class: 'muted' }, 'priced on save')),
        h('td', {}, h('label', { class: 'visually-hidden', for: id }, `Quantity of ${line.name || line.sku}`), quantity,
          h('p', { class: 'field-error', id: `${id}-error`, hidden: true })),
        h('td', {}, h('button', { type: 'button', class: 'link danger', onclick: () => { lines.splice(i, 1); draw(); } },
          'Remove', h('span', { class: 'visually-hidden' }, ` ${line.name || line.sku}`))));
    }));
  }
  draw();
  const picker = productPicker({
    onPick: (product, quantity) => {
      const existing = lines.find((l) => l.sku === product.sku);
      if (existing) existing.quantity += quantity;
      else lines.push({ sku: product.sku, name: product.name, quantity });
      draw();
    },
  });
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-labelledby': 'edit-title' },
    h('h2', { id: 'edit-title' }, `Edit order ${order.order_number}`),
    h('p', { class: 'muted' }, 'Lines are priced again at the customer’s prices now when saved.'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Lines'),
      h('thead', {}, h('tr', {}, ['Product', 'Unit price', 'Quantity', ''].map((c) => h('th', { scope: 'col' }, c)))),
      tbody)),
    picker.el,
    field('Notes', h('textarea', { name: 'notes', rows: '3', maxlength: '2000' }, order.notes || '')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
      h('button', { type: 'button', onclick: () => done() }, 'Cancel')));
  onSubmit(form, 'Saving…', async (values) => {
    if (!lines.length) throw new InputError('An order needs at least one line.');
    await api.patch(`/admin/orders/${api.seg(order.order_id)}`, {
      lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      notes: values.notes || null,
      version: order.version,
    });
    toast(`Order ${order.order_number} is saved.`);
    await done();
  });
  return form;
}
