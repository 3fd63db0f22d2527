// One order for an admin (`#/admin/orders/{id}`, the link in the seller's email): its lines,
// answers and history; confirm, reject with a reason, or edit its lines and notes while it
// is requested. Every change names the version it was made on, so a stale page gets a 409.

import { h, replace, field, errorBox, toast, busy, dialog, InputError, onSubmit, money } from '../../ui.js';
import * as api from '../../api.js';
import * as session from '../../session.js';
import { linesTable, summary, history, orderPage, readOrder } from '../../orders-view.js';
import { customerLink } from './orders.js';
import { productPicker, productsBySku } from './product-picker.js';
import { teamSelect } from './teams.js';

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
    editButton(body, order, customer, ctx, again)) : null;
  const reassign = order.status === 'requested' ? assignForm(order, again, failed) : null;

  const closed = customer?.status === 'deleted';
  replace(body,
    h('div', { class: 'page-head' }, h('h1', {}, `Order ${order.order_number}`)),
    h('p', {}, 'Customer: ', customer
      ? h('a', { href: `#/admin/customers/${order.customer_id}` }, customer.name)
      : customerLink(order.customer_id), closed && [' ', h('span', { class: 'badge badge-deleted' }, 'Customer deleted')]),
    // Said where the decision is made: confirming an order of a closed account is rarely meant.
    closed && order.status === 'requested' && h('p', { class: 'notice warn', role: 'note' },
      `${customer.name} is deleted: its logins can no longer sign in, so nobody there sees this order in the portal. Confirm it only if it will still be delivered; otherwise reject it.`),
    feedback,
    actions,
    h('p', { class: 'assigned-team' }, 'Team: ', order.assigned_team || h('span', { class: 'muted' }, 'none')),
    reassign,
    summary(order, { admin: true, questions, people, me }),
    linesTable(order),
    history(order, { admin: true, people, me }));
}

/** Gives the requested order to another team; the team's addresses are emailed the request. */
function assignForm(order, again, failed) {
  const form = h('form', { class: 'inline-form', 'aria-label': 'Assign to a team' },
    field('Assign to team', teamSelect('team_id', order.assigned_team_id, 'Choose a team')),
    h('button', { type: 'submit' }, 'Assign'));
  onSubmit(form, 'Assigning…', async (values) => {
    if (!values.team_id) throw new InputError('Choose a team.', [{ field: 'team_id', message: 'is required' }]);
    try {
      const after = await api.post(`/admin/orders/${api.seg(order.order_id)}/assign`, { team_id: values.team_id });
      toast(`Order ${order.order_number} is assigned to ${after.assigned_team}. The team is emailed.`);
      await again();
    } catch (error) {
      if (error.status === 409) failed(error);
      else throw error;
    }
  });
  return form;
}

function editButton(body, order, customer, ctx, again) {
  const button = h('button', { type: 'button' }, 'Edit lines and notes');
  button.addEventListener('click', () => busy(button, 'Opening…', async () => {
    replace(body, h('div', { class: 'page-head' }, h('h1', {}, `Order ${order.order_number}`)), await editor(order, customer, ctx, again));
    body.querySelector('h2')?.scrollIntoView?.({ block: 'nearest' });
  }));
  return button;
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

/**
 * A customer's price for `product` the way the server prices an order line: the tier's fixed
 * price for the SKU, else the list price less the tier's discount, rounded half up to the minor
 * unit in integer arithmetic (`shared/src/catalog/pricing.rs`).
 */
export function tierPrice(product, tier) {
  if (!tier) return product.price;
  const fixed = tier.prices?.[product.sku];
  if (fixed) return fixed;
  const bp = BigInt(Math.round(Number(tier.discount_percent || 0) * 100));
  const amount = (BigInt(product.price.amount) * (10000n - bp) + 5000n) / 10000n;
  return { amount: Number(amount), currency: product.price.currency };
}

/**
 * What the server will need to price the edit: the customer's tier and the lines' products,
 * read now. `{ tier, products, exact }`: `exact` is false when any could not be read, and the
 * prices shown are then the order's own and list prices.
 */
async function pricing(order, customer) {
  const tierId = customer?.price_tier_id;
  try {
    const [tier, products] = await Promise.all([
      tierId ? api.get('/admin/price-tiers', { query: { limit: 200 } }).then((page) => page.items.find((t) => t.tier_id === tierId) || null) : null,
      productsBySku(order.lines.map((l) => l.sku)),
    ]);
    return { tier, products, exact: Boolean(customer) && (!tierId || Boolean(tier)) };
  } catch {
    return { tier: null, products: new Map(), exact: false };
  }
}

/** Edits a requested order's lines and notes; saved with `PATCH` and the version read. */
async function editor(order, customer, ctx, done) {
  const { tier, products, exact } = await pricing(order, customer);
  const lines = order.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, product: products.get(l.sku), placedAt: l.unit_price }));
  // The price a line will have once saved; null when the product is no longer sold.
  const unitOf = (line) => {
    if (line.product) return line.product.active ? tierPrice(line.product, tier) : null;
    return exact ? null : line.placedAt;
  };
  const tbody = h('tbody');
  const totalCell = h('td', { class: 'num', 'data-testid': 'edit-total' });
  const totalNote = h('p', { class: 'muted small', id: 'edit-total-note' });
  const cells = [];
  function totals() {
    let total = 0;
    let currency = null;
    let complete = true;
    lines.forEach((line, i) => {
      const unit = unitOf(line);
      const valid = Number.isInteger(line.quantity) && line.quantity >= 1 && line.quantity <= 10_000;
      if (!unit || !valid) {
        complete = false;
        replace(cells[i], '—');
        return;
      }
      const lineTotal = { amount: unit.amount * line.quantity, currency: unit.currency };
      replace(cells[i], money(lineTotal));
      if (currency && currency !== unit.currency) complete = false;
      currency ??= unit.currency;
      total += lineTotal.amount;
    });
    replace(totalCell, complete && currency ? h('strong', {}, money({ amount: total, currency })) : '—');
  }
  function draw() {
    cells.length = 0;
    replace(tbody, lines.map((line, i) => {
      const id = `edit-qty-${i}`;
      const quantity = h('input', { id, type: 'number', min: '1', max: '10000', value: String(line.quantity), class: 'qty', name: `lines[${i}].quantity` });
      quantity.addEventListener('input', () => {
        line.quantity = Number(quantity.value);
        totals();
      });
      const unit = unitOf(line);
      cells[i] = h('td', { class: 'num', 'data-label': 'Line total' });
      return h('tr', {},
        h('td', { 'data-label': 'Product' }, line.name || line.sku, ' ', h('code', {}, line.sku)),
        h('td', { class: 'num', 'data-label': 'Unit price' }, unit ? money(unit)
          : h('span', { class: 'field-error' }, 'No longer sold: remove it')),
        h('td', { 'data-label': 'Quantity' }, h('label', { class: 'visually-hidden', for: id }, `Quantity of ${line.name || line.sku}`), quantity,
          h('p', { class: 'field-error', id: `${id}-error`, hidden: true })),
        cells[i],
        h('td', {}, h('button', { type: 'button', class: 'link danger', onclick: () => { lines.splice(i, 1); draw(); } },
          'Remove', h('span', { class: 'visually-hidden' }, ` ${line.name || line.sku}`))));
    }));
    totals();
  }
  const tierWords = tier ? `the “${tier.name}” tier` : 'list prices';
  totalNote.textContent = exact
    ? `At ${customer.name}’s prices now (${tierWords}), worked out as the server does. The server prices the order again when you save, so a price changed meanwhile shows then.`
    : 'An estimate: the customer’s prices could not be read, so these are the prices the order was placed at, and list prices for new lines. The server prices the order at the customer’s tier when you save.';
  const picker = productPicker({
    onPick: (product, quantity) => {
      const existing = lines.find((l) => l.sku === product.sku);
      if (existing) existing.quantity += quantity;
      else lines.push({ sku: product.sku, name: product.name, quantity, product });
      draw();
    },
  });
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-labelledby': 'edit-title' },
    h('h2', { id: 'edit-title' }, `Edit order ${order.order_number}`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'cards', 'aria-describedby': 'edit-total-note' },
      h('caption', { class: 'visually-hidden' }, 'Lines'),
      h('thead', {}, h('tr', {}, ['Product', exact ? 'Unit price' : 'Unit price (estimate)', 'Quantity', exact ? 'Line total' : 'Line total (estimate)', ''].map((c) => h('th', { scope: 'col', class: c.startsWith('Unit') || c.startsWith('Line') ? 'num' : null }, c)))),
      tbody,
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 3 }, exact ? 'Total when saved' : 'Estimated total'), totalCell, h('td'))))),
    totalNote,
    picker.el,
    field('Notes', h('textarea', { name: 'notes', rows: '3', maxlength: '2000' }, order.notes || '')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
      h('button', { type: 'button', onclick: () => done() }, 'Cancel')));
  draw();
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
