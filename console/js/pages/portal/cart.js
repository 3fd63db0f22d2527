// The cart and checkout: change quantities, answer the seller's questions, submit.
// What is on screen is what is ordered: "Submit order" first saves a quantity typed but not yet
// saved and waits for every cart write of this tab, then orders the cart the server answered
// with (which is what the lines show). Lines are updated in place, never redrawn with the form,
// so answers and notes (also kept as a draft, see checkout-draft.js) are never lost. The order
// goes with an Idempotency-Key kept (in this tab) until it is placed, so pressing Submit again
// after a lost answer returns the first order instead of a second.

import { h, replace, field, money, loading, errorBox, onSubmit, toast, busy, newKey, InputError } from '../../ui.js';
import * as api from '../../api.js';
import * as cart from '../../cart-store.js';
import * as draft from '../../checkout-draft.js';
import { accountLine, me } from './account.js';

const PENDING_KEY = 'orderdesk.pendingOrder';

export default async function render(main, ctx) {
  ctx.title('Cart');
  const body = h('div', {}, loading('Loading your cart…'));
  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Your cart'), accountLine()), body);
  let data;
  try {
    // An address book that cannot be read only leaves the delivery step without choices.
    const book = api.get('/addresses').then((page) => page.items || [], () => []);
    const [c, q, m, addresses] = await Promise.all([cart.load(), api.get('/checkout-questions'), me(), book]);
    data = { cart: c, questions: q.questions || [], me: m, addresses };
  } catch (error) {
    replace(body, errorBox(error, { retry: () => ctx.navigate('/cart') }));
    return;
  }
  replace(body, cartView(data, ctx));
}

function cartView(data, ctx) {
  const feedback = h('div');
  const empty = h('p', {}, 'Your cart is empty. ', h('a', { href: '#/catalog' }, 'Browse the catalogue'), ' to add products.');
  const tbody = h('tbody');
  const total = h('strong', { 'data-testid': 'cart-total' });
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'cart-lines' },
    h('caption', { class: 'visually-hidden' }, 'Products in your cart'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col', class: 'num' }, 'Unit price'),
      h('th', { scope: 'col' }, 'Quantity'), h('th', { scope: 'col', class: 'num' }, 'Line total'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    tbody,
    h('tfoot', {}, h('tr', { class: 'cart-total' },
      h('th', { scope: 'row', colspan: 3 }, 'Total'),
      h('td', { class: 'num' }, total),
      h('td')))));
  const unavailableSlot = h('div');
  const rows = new Map();
  let current = data.cart;

  /** Shows `c` (the server's latest answer) without touching what is being typed. */
  function show(c) {
    current = c;
    const any = c.lines.length + c.unavailable.length > 0;
    empty.hidden = any;
    table.hidden = c.lines.length === 0;
    form.hidden = !any;
    submitButton.disabled = !canOrder(c);
    c.lines.forEach((line, i) => {
      let row = rows.get(line.sku);
      if (!row) {
        row = lineRow(line, { commit: (r) => commit(r), remove: (r) => busyRemove(r) });
        rows.set(line.sku, row);
      }
      row.update(line);
      // Moving a node drops its focus: only a new or reordered row is moved.
      if (tbody.children[i] !== row.tr) tbody.insertBefore(row.tr, tbody.children[i] || null);
    });
    for (const [sku, row] of rows) {
      if (!c.lines.some((l) => l.sku === sku)) {
        row.tr.remove();
        rows.delete(sku);
      }
    }
    total.textContent = money(c.total);
    checkoutTotal.textContent = money(c.total);
    replace(unavailableSlot, c.unavailable.length > 0 && unavailable(c.unavailable));
  }

  function canOrder(c) {
    return data.me.customer.ordering_enabled && c.unavailable.length === 0;
  }

  /**
   * Saves the quantity typed in `row` unless it is saved or being saved already. Resolves to
   * null, or to the error (already shown) that kept it from being saved; never rejects, since
   * a change event has no one to catch it.
   */
  function commit(row) {
    const text = row.input.value.trim();
    if (row.pending && row.pendingValue === text) return row.pending;
    if (!row.pending && text === String(row.committed)) return Promise.resolve(null);
    const n = Number(text);
    if (text === '' || !Number.isInteger(n) || n < 0 || n > cart.MAX_QUANTITY) {
      const error = new InputError(`Enter a whole number from 0 to 10,000 for ${row.name} (0 removes it).`);
      replace(feedback, errorBox(error));
      row.input.value = String(row.committed);
      row.input.focus();
      return Promise.resolve(error);
    }
    const previous = row.committed;
    const run = cart.setQuantity(row.sku, n).then((updated) => {
      replace(feedback);
      show(updated);
      if (n === 0) removed(row, previous);
      return null;
    }, (error) => {
      replace(feedback, errorBox(error));
      return error;
    });
    row.pending = run;
    row.pendingValue = text;
    run.then(() => {
      if (row.pending === run) row.pending = null;
    });
    return run;
  }

  function busyRemove(row) {
    row.input.value = '0';
    return busy(row.removeButton, 'Removing…', () => commit(row));
  }

  function removed(row, previous) {
    toast(`Removed ${row.name} from your cart.`, 'ok', {
      action: {
        label: ['Undo', h('span', { class: 'visually-hidden' }, ` removing ${row.name}`)],
        run: () => cart.setQuantity(row.sku, previous).then(show, (error) => replace(feedback, errorBox(error))),
      },
    });
  }

  /** Every quantity on screen saved, and every cart write of this tab answered; throws if one failed. */
  async function settle() {
    const results = await Promise.all([...rows.values()].map(commit));
    await cart.settled();
    const failed = results.find(Boolean);
    if (failed) throw failed;
  }

  function lock(locked) {
    for (const el of table.querySelectorAll('input, button')) el.disabled = locked;
  }

  function unavailable(lines) {
    const button = h('button', { type: 'button' }, 'Remove them from the cart');
    button.addEventListener('click', () => busy(button, 'Removing…', async () => {
      try {
        show(await cart.update((kept) => kept));
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

  const form = checkout(data, async (order) => {
    lock(true);
    try {
      await settle();
      if (!current.lines.length) throw new InputError('Your cart is empty: add products before you submit.');
      const lines = current.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
      const placed = await submit(order, lines);
      draft.clear();
      cart.emptied();
      if (sameLines(placed.lines, lines)) {
        toast(`Order ${placed.order_number} is submitted. The seller will confirm it.`, 'ok', { next: true });
      } else {
        // Another login of the account changed the cart between the last save and the order.
        toast(`Order ${placed.order_number} is submitted, but its lines differ from what your cart showed: someone else changed the cart at the same moment. Check the order below.`, 'error', { next: true });
      }
      ctx.navigate(`/orders/${placed.order_id}`);
    } finally {
      lock(false);
    }
  });
  const submitButton = form.querySelector('button[type=submit]');
  // The total again beside Submit: on a phone the lines' total is screens away from it.
  const checkoutTotal = h('strong');
  submitButton.after(h('span', { class: 'checkout-total' }, 'Total ', checkoutTotal));
  show(current);
  return [feedback, empty, table, unavailableSlot, form];
}

function lineRow(line, { commit, remove }) {
  const id = `cart-qty-${line.sku}`;
  const input = h('input', { id, type: 'number', min: '0', max: '10000', step: '1', value: String(line.quantity), class: 'qty', inputmode: 'numeric' });
  const label = h('label', { class: 'visually-hidden', for: id }, `Quantity of ${line.name}`);
  const unitPrice = h('td', { class: 'num c-price', 'data-label': 'Unit price' });
  const lineTotal = h('td', { class: 'num c-total', 'data-label': 'Line total' });
  const unit = h('span');
  const removeButton = h('button', { type: 'button', class: 'link danger' }, 'Remove', h('span', { class: 'visually-hidden' }, ` ${line.name}`));
  const row = {
    sku: line.sku,
    name: line.name,
    committed: line.quantity,
    input,
    removeButton,
    pending: null,
    pendingValue: null,
    tr: h('tr', {},
      h('td', { class: 'c-product' }, h('strong', {}, line.name), h('div', { class: 'muted small' }, h('code', {}, line.sku), unit)),
      unitPrice,
      h('td', { class: 'c-qty' }, label, input),
      lineTotal,
      h('td', { class: 'c-remove' }, removeButton)),
    /** Shows the saved line; a quantity typed and not yet saved stays as typed. */
    update(l) {
      const typed = input.value !== String(row.committed);
      row.committed = l.quantity;
      row.name = l.name;
      if (!typed || input.value === String(l.quantity)) input.value = String(l.quantity);
      unit.textContent = ` · per ${l.unit}`;
      unitPrice.textContent = money(l.unit_price);
      lineTotal.textContent = money(l.line_total);
    },
  };
  input.addEventListener('change', () => commit(row));
  removeButton.addEventListener('click', () => remove(row));
  return row;
}

/** The checkout form; `place(order)` sends it once the answers are checked. */
function checkout({ questions, me: account, cart: c, addresses = [] }, place) {
  const saved = draft.read();
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-labelledby': 'checkout-title' },
    h('h2', { id: 'checkout-title' }, 'Checkout'),
    deliveryStep(addresses),
    questions.map((q) => question(q, saved?.answers?.[q.question_id])),
    field('Notes for the seller', h('textarea', { name: 'notes', rows: '3', maxlength: '2000' }, saved?.notes ?? c.notes ?? ''),
      { hint: 'Optional: delivery instructions, a contact, anything the seller should know.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Submit order'),
      !account.customer.ordering_enabled && h('span', { class: 'muted' }, 'Ordering is switched off for your account.')));
  const typed = () => {
    const answers = {};
    for (const q of questions) answers[q.question_id] = form.elements[`answer:${q.question_id}`]?.value || '';
    return { answers, notes: form.elements.notes.value };
  };
  form.addEventListener('input', () => draft.save(typed()));
  form.addEventListener('change', () => draft.save(typed()));
  onSubmit(form, 'Submitting…', async (values) => {
    const answers = {};
    const missing = [];
    for (const q of questions) {
      const value = (values[`answer:${q.question_id}`] || '').trim();
      if (value) answers[q.question_id] = value;
      else if (q.required) missing.push({ field: `answers.${q.question_id}`, message: 'needs an answer' });
    }
    if (missing.length) throw new InputError('Please answer the required questions.', missing);
    await place({
      from_cart: true,
      notes: values.notes || null,
      answers,
      ship_to_address_id: values.ship_to_address_id || null,
      requested_delivery_date: values.requested_delivery_date || null,
    });
  });
  return form;
}

/**
 * Where and when: one of the account's saved addresses (or none), a link to the address book
 * to add one, and a delivery date from the buyer's today on (the server checks it against the
 * seller's day). Both are optional.
 */
function deliveryStep(addresses) {
  const today = new Date();
  const min = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  const select = h('select', { name: 'ship_to_address_id' },
    h('option', { value: '' }, addresses.length ? '(no delivery address)' : '(no saved addresses)'),
    addresses.map((a) => h('option', { value: a.address_id, selected: addresses.length === 1 },
      [a.label, a.line1, [a.postal_code, a.city].join(' '), a.country].join(', '))));
  return h('fieldset', { class: 'stack delivery' },
    h('legend', {}, 'Delivery'),
    field('Deliver to', select, { hint: h('span', {}, 'Optional. ', h('a', { href: '#/addresses' }, addresses.length ? 'Add or change addresses' : 'Add an address'), ' in your address book.') }),
    field('Delivery date', h('input', { name: 'requested_delivery_date', type: 'date', min }), { hint: 'Optional: the day you would like it to arrive.' }));
}

function question(q, value) {
  const name = `answer:${q.question_id}`;
  const control = q.kind === 'choice'
    ? h('select', { name, 'data-field': `answers.${q.question_id}` },
      h('option', { value: '' }, q.required ? 'Choose…' : '(no answer)'),
      (q.choices || []).map((choice) => h('option', { value: choice, selected: choice === value }, choice)))
    : h('input', { name, 'data-field': `answers.${q.question_id}`, maxlength: '500', value: value || '' });
  return field(q.label, control, { required: q.required });
}

function sameLines(placed, shown) {
  const key = (lines) => JSON.stringify(lines.map((l) => [l.sku, l.quantity]).sort());
  return key(placed) === key(shown);
}

/**
 * `POST /orders` with a key kept across retries: the same order of the same lines reuses the
 * key of an attempt whose answer never came, so the server returns that order instead of a
 * second one; other lines or answers get a new key.
 */
async function submit(order, lines) {
  const text = JSON.stringify({ order, lines });
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
