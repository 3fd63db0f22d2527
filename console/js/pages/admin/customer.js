// One customer account: its details, ordering on/off, tier and team, its logins and
// invitations with everything an admin does to them, and its orders.

import { h, replace, badge, loading, errorBox, onSubmit, toast, busy, confirmDialog, time } from '../../ui.js';
import * as api from '../../api.js';
import { customerForm, customerBody } from './customer-form.js';
import { tagList } from './customers.js';
import { loginsSection } from './logins.js';
import { orderList, column } from '../../orders-view.js';
import { addressesSection } from './customer-addresses.js';

export default async function render(main, ctx) {
  ctx.title('Customer');
  const id = ctx.params.customer_id;
  const head = h('div', {}, loading('Loading the customer…'));
  const details = h('div');
  const logins = h('div');
  main.append(h('p', { class: 'crumbs' }, h('a', { href: '#/admin/customers' }, '← Customers')), head, details, logins);

  async function reload() {
    let customer;
    try {
      customer = await api.get(`/admin/customers/${api.seg(id)}`);
    } catch (error) {
      replace(head, h('h1', {}, 'Customer'), error.status === 404
        ? h('p', { role: 'alert' }, 'There is no customer with this id.')
        : errorBox(error, { retry: reload }));
      return null;
    }
    ctx.title(customer.name);
    replace(head, header(customer, ctx, reload));
    replace(details, detailsSection(customer, reload));
    replace(logins, loginsSection(customer, reload, ctx));
    return customer;
  }
  const customer = await reload();
  if (customer) main.append(ordersSection(customer), addressesSection(customer));
}

function header(customer, ctx, reload) {
  const deleted = customer.status === 'deleted';
  // A status and an action apart: one button that was both read as either, and its red "off"
  // sat beside "Delete customer" as if it were a danger too.
  const on = customer.ordering_enabled;
  const status = h('span', { class: `badge ${on ? 'badge-active' : 'badge-off'}`, 'data-testid': 'ordering-status' }, on ? 'Ordering: on' : 'Ordering: off');
  const toggle = h('button', { type: 'button', disabled: deleted }, on ? 'Turn ordering off' : 'Turn ordering on');
  toggle.addEventListener('click', () => busy(toggle, 'Saving…', async () => {
    try {
      await api.patch(`/admin/customers/${api.seg(customer.customer_id)}`, { ordering_enabled: !on, version: customer.version });
      toast(on ? `Ordering is off for ${customer.name}: its logins can browse but not order.` : `Ordering is on for ${customer.name}.`);
    } catch (error) {
      toast(errorText(error), 'error');
    }
    await reload();
  }));
  const remove = h('button', { type: 'button', class: 'danger', disabled: deleted }, 'Delete customer');
  remove.addEventListener('click', async () => {
    const open = await busy(remove, 'Checking…', () => openOrders(customer.customer_id));
    const sure = await confirmDialog(`Delete ${customer.name}?`, [
      open && h('p', { class: 'error-box', role: 'alert' }, open),
      h('p', {}, 'Its logins can no longer sign in and its open invitations stop working. Its orders are kept.'),
    ], { submit: 'Delete customer', danger: true });
    if (!sure) return;
    await busy(remove, 'Deleting…', async () => {
      try {
        await api.del(`/admin/customers/${api.seg(customer.customer_id)}`);
        toast(`${customer.name} is deleted.`, 'ok', { next: true });
        ctx.navigate('/admin/customers');
      } catch (error) {
        toast(errorText(error), 'error');
      }
    });
  });
  return h('div', {},
    h('div', { class: 'page-head' },
      h('h1', {}, customer.name, ' ', badge(customer.status)),
      h('div', { class: 'actions' },
        !deleted && h('a', { class: 'button primary', href: `#/admin/customers/${customer.customer_id}/new-order` }, 'Create order'),
        remove)),
    h('p', { class: 'muted' }, customer.email, ' · ', h('code', {}, customer.customer_id), ' · ',
      h('a', { href: `#/admin/audit?customer_id=${encodeURIComponent(customer.customer_id)}` }, 'Audit log')),
    h('div', { class: 'ordering-line' }, status, !deleted && toggle),
    tagList(customer.tags));
}

/** A warning when the customer has requests still waiting for a decision, else null. */
async function openOrders(customerId) {
  try {
    const page = await api.get('/admin/orders', { query: { customer_id: customerId, status: 'requested', limit: 200 } });
    const n = page.items.length;
    if (!n) return null;
    const count = page.next_cursor ? `more than ${n}` : String(n);
    return `It has ${count} requested order${n === 1 && !page.next_cursor ? '' : 's'} still waiting for confirmation. Confirm or reject ${n === 1 ? 'it' : 'them'} first, or tell the customer.`;
  } catch {
    return 'Its open orders could not be counted: check its requested orders below before deleting it.';
  }
}

function errorText(error) {
  return error.detail || error.message;
}

function detailsSection(customer, reload) {
  const form = customerForm(customer, { submit: 'Save details' });
  if (customer.status === 'deleted') {
    for (const el of form.elements) el.disabled = true;
  }
  onSubmit(form, 'Saving…', async (values) => {
    await api.patch(`/admin/customers/${api.seg(customer.customer_id)}`, { ...customerBody(values), version: customer.version });
    toast('The details are saved.');
    await reload();
  });
  return h('details', { class: 'card', open: customer.status === 'pending' },
    h('summary', {}, h('h2', {}, 'Details')),
    h('p', { class: 'muted small' }, 'Created ', time(customer.created_at), ' · updated ', time(customer.updated_at)),
    form);
}

function ordersSection(customer) {
  const { filter, table } = orderList({
    path: '/admin/orders',
    query: { customer_id: customer.customer_id },
    caption: `Orders of ${customer.name}`,
    empty: 'No orders yet.',
    columns: [column.order((o) => `#/admin/orders/${o.order_id}`), column.submitted, column.status, column.total],
  });
  table.reload();
  return h('section', { class: 'card', 'aria-labelledby': 'orders-title' },
    h('div', { class: 'page-head' }, h('h2', { id: 'orders-title' }, 'Orders'),
      customer.status !== 'deleted' && h('a', { class: 'button', href: `#/admin/customers/${customer.customer_id}/new-order` }, 'Create order')),
    h('div', { class: 'toolbar' }, filter),
    table.el);
}

