// The cart and checkout: change quantities, answer the seller's questions, submit. The order
// is submitted with an Idempotency-Key that is kept (in this tab) until the order is placed,
// so pressing Submit again after a lost answer returns the first order instead of a second.

import { h, replace, field, money, loading, errorBox, onSubmit, toast, busy, newKey, InputError } from '../../ui.js';
import * as api from '../../api.js';
import * as cart from '../../cart-store.js';
import { accountLine, me } from './account.js';

const PENDING_KEY = 'orderdesk.pendingOrder';

export default async function render(main, ctx) {
  ctx.title('Cart');
  const body = h('div', {}, loading('Loading your cart…'));
  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Your cart'), accountLine()), body);
  let data;
  try {
    const [c, q, m] = await Promise.all([cart.load(), api.get('/checkout-questions'), me()]);
    data = { cart: c, questions: q.questions || [], me: m };
  } catch (error) {
    replace(body, errorBox(error, { retry: () => ctx.navigate('/cart') }));
    return;
  }
  draw(body, data, ctx);
}

function draw(body, data, ctx) {
  const { cart: c } = data;
  if (!c.lines.length && !c.unavailable.length) {
    replace(body, h('p', {}, 'Your cart is empty. ', h('a', { href: '#/catalog' }, 'Browse the catalogue'), ' to add products.'));
    return;
  }
  const feedback = h('div');
  const redraw = (updated) => draw(body, { ...data, cart: updated }, ctx);
  replace(body,
    feedback,
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Products in your cart'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col', class: 'num' }, 'Unit price'),
        h('th', { scope: 'col' }, 'Quantity'), h('th', { scope: 'col', class: 'num' }, 'Line total'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, c.lines.map((line) => lineRow(line, feedback, redraw))),
      h('tfoot', {}, h('tr', {},
        h('th', { scope: 'row', colspan: 3 }, 'Total'),
        h('td', { class: 'num' }, h('strong', { 'data-testid': 'cart-total' }, money(c.total))),
        h('td'))))),
    c.unavailable.length > 0 && unavailable(c.unavailable, feedback, redraw),
    checkout(data, ctx));
}

function lineRow(line, feedback, redraw) {
  const id = `cart-qty-${line.sku}`;
  const quantity = h('input', { id, type: 'number', min: '1', max: '10000', step: '1', value: String(line.quantity), class: 'qty', inputmode: 'numeric' });
  quantity.addEventListener('change', async () => {
    const n = Number(quantity.value);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      replace(feedback, h('p', { class: 'error-box', role: 'alert' }, `Enter a whole number from 1 to 10,000 for ${line.name}.`));
      quantity.value = String(line.quantity);
      return;
    }
    try {
      redraw(await cart.setQuantity(line.sku, n));
      document.getElementById(id)?.focus();
    } catch (error) {
      replace(feedback, errorBox(error));
    }
  });
  const remove = h('button', { type: 'button', class: 'link danger' }, 'Remove', h('span', { class: 'visually-hidden' }, ` ${line.name}`));
  remove.addEventListener('click', () => busy(remove, 'Removing…', async () => {
    try {
      redraw(await cart.setQuantity(line.sku, 0));
      toast(`Removed ${line.name} from your cart.`);
    } catch (error) {
      replace(feedback, errorBox(error));
    }
  }));
  return h('tr', {},
    h('td', {}, h('strong', {}, line.name), h('div', { class: 'muted small' }, h('code', {}, line.sku), ` · per ${line.unit}`)),
    h('td', { class: 'num' }, money(line.unit_price)),
    h('td', {}, h('label', { class: 'visually-hidden', for: id }, `Quantity of ${line.name}`), quantity),
    h('td', { class: 'num' }, money(line.line_total)),
    h('td', {}, remove));
}

function unavailable(lines, feedback, redraw) {
  const button = h('button', { type: 'button' }, 'Remove them from the cart');
  button.addEventListener('click', () => busy(button, 'Removing…', async () => {
    try {
      redraw(await cart.update((kept) => kept));
    } catch (error) {
      replace(feedback, errorBox(error));
    }
  }));
  return h('section', { class: 'notice', 'aria-labelledby': 'unavailable-title' },
    h('h2', { id: 'unavailable-title' }, 'No longer available'),
    h('p', {}, 'These products can no longer be ordered. Remove them to submit your order.'),
    h('ul', {}, lines.map((l) => h('li', {}, h('code', {}, l.sku), ` × ${l.quantity}`))),
    button);
}

function checkout(data, ctx) {
  const { questions, me: account, cart: c } = data;
  const canOrder = account.customer.ordering_enabled && c.unavailable.length === 0;
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-labelledby': 'checkout-title' },
    h('h2', { id: 'checkout-title' }, 'Checkout'),
    questions.map((q) => question(q)),
    field('Notes for the seller', h('textarea', { name: 'notes', rows: '3', maxlength: '2000' }, c.notes || ''),
      { hint: 'Optional: delivery instructions, a contact, anything the seller should know.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', disabled: !canOrder }, 'Submit order'),
      !account.customer.ordering_enabled && h('span', { class: 'muted' }, 'Ordering is switched off for your account.')));
  onSubmit(form, 'Submitting…', async (values) => {
    const answers = {};
    const missing = [];
    for (const q of questions) {
      const value = (values[`answer:${q.question_id}`] || '').trim();
      if (value) answers[q.question_id] = value;
      else if (q.required) missing.push({ field: `answers.${q.question_id}`, message: 'needs an answer' });
    }
    if (missing.length) throw new InputError('Please answer the required questions.', missing);
    const order = { from_cart: true, notes: values.notes || null, answers };
    const placed = await submit(order);
    cart.emptied();
    toast(`Order ${placed.order_number} is submitted. The seller will confirm it.`);
    ctx.navigate(`/orders/${placed.order_id}`);
  });
  return form;
}

function question(q) {
  const name = `answer:${q.question_id}`;
  const control = q.kind === 'choice'
    ? h('select', { name, 'data-field': `answers.${q.question_id}` },
      h('option', { value: '' }, q.required ? 'Choose…' : '(no answer)'),
      (q.choices || []).map((choice) => h('option', { value: choice }, choice)))
    : h('input', { name, 'data-field': `answers.${q.question_id}`, maxlength: '500' });
  return field(q.label, control, { required: q.required });
}

/**
 * `POST /orders` with a key kept across retries: the same order body reuses the key of an
 * attempt whose answer never came, so the server returns that order instead of a second one.
 */
async function submit(order) {
  const text = JSON.stringify(order);
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  } catch {
    pending = null;
  }
  if (!pending || pending.body !== text) {
    pending = { key: newKey(), body: text };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  }
  try {
    const { body } = await api.request('POST', '/orders', { body: order, idempotencyKey: pending.key });
    sessionStorage.removeItem(PENDING_KEY);
    return body;
  } catch (error) {
    if (error.status === 0 || error.status >= 500) {
      error.detail = `${error.detail} Your order may or may not have arrived: press “Submit order” again — it will not be placed twice.`;
    } else {
      // The server refused this body; a corrected one gets a new key.
      sessionStorage.removeItem(PENDING_KEY);
    }
    throw error;
  }
}
