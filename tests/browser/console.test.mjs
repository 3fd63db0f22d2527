// The admin console's smaller promises: ordering shown as a status with its own action, a
// country chosen by name, a tier's fixed price set by picking the product, an order's totals
// while it is edited (at the customer's tier, as the server prices it), deleted customers and
// logins said as such, and the audit log filtered by a customer picked by name.

import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, checkConsole, screenshot, signIn, stack, runId, adminToken, call, customerWithLogin,
  PHONE, assertFitsScreen, listSettled,
} from './harness.mjs';

describe('the admin console', () => {
  const run = runId();
  const openPage = useBrowser();
  const flour = { sku: `CON-FLOUR-${run.toUpperCase()}`, name: `Console flour ${run}`, price: { amount: 999, currency: 'EUR' } };
  const salt = { sku: `CON-SALT-${run.toUpperCase()}`, name: `Console salt ${run}`, price: { amount: 1250, currency: 'EUR' } };
  let token;
  let admin;
  let editedOrder;

  before(async () => {
    token = await adminToken();
    for (const p of [flour, salt]) await call(token, 'POST', '/admin/products', { ...p, unit: 'bag' });
    admin = await openPage();
    await signIn(admin, stack().admin_email, stack().admin_password);
  });
  after(() => admin?.context().close());
  afterEach(() => checkConsole(admin));

  const open = async (page, route, heading) => {
    await page.goto(`${stack().console_url}#${route}`);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };

  it('shows whether a customer may order as a status, with a plain button that turns it off and on', async () => {
    const customer = await call(token, 'POST', '/admin/customers', { name: `Ordering ${run}`, email: `ordering-${run}@console.orderdesk.example`, ordering_enabled: true });
    await open(admin, `/admin/customers/${customer.customer_id}`, customer.name);
    const status = admin.getByTestId('ordering-status');
    assert.equal(await status.textContent(), 'Ordering: on');
    const off = admin.getByRole('button', { name: 'Turn ordering off' });
    assert.doesNotMatch(await off.getAttribute('class') || '', /danger/);
    await screenshot(admin, 'admin-customer-ordering');
    await off.click();
    await admin.getByRole('button', { name: 'Turn ordering on' }).waitFor();
    assert.equal(await status.textContent(), 'Ordering: off');
    assert.equal((await call(token, 'GET', `/admin/customers/${customer.customer_id}`)).ordering_enabled, false);
  });

  it('keeps a customer’s country as a country chosen by its English name, and shows it chosen again', async () => {
    const customer = await call(token, 'POST', '/admin/customers', { name: `Country ${run}`, email: `country-${run}@console.orderdesk.example` });
    await open(admin, `/admin/customers/${customer.customer_id}`, customer.name);
    await admin.getByLabel('Address line 1').fill('1 Quay Street');
    await admin.getByLabel('City').fill('Galway');
    await admin.getByLabel('Postal code').fill('H91 X2Y3');
    await admin.getByLabel('Country').selectOption({ label: 'Ireland (IE)' });
    await admin.getByRole('button', { name: 'Save details' }).click();
    await admin.getByText('The details are saved.').waitFor();
    assert.equal((await call(token, 'GET', `/admin/customers/${customer.customer_id}`)).address.country, 'IE');
    await admin.reload();
    await admin.getByRole('heading', { name: customer.name, level: 1 }).waitFor();
    await admin.getByRole('heading', { name: 'Details' }).click();
    assert.equal(await admin.getByLabel('Country').inputValue(), 'IE');
  });

  it('sets a tier’s fixed price by picking the product, shown with its name and list price', async () => {
    const tier = `Picked ${run}`;
    await open(admin, '/admin/price-tiers', 'Price tiers');
    await admin.getByRole('button', { name: 'New price tier' }).click();
    await admin.getByLabel('Name', { exact: true }).fill(tier);
    await admin.getByLabel('Find a product to give a fixed price').fill(flour.sku);
    await admin.getByRole('button', { name: `Add fixed price ${flour.name}` }).click();
    const price = admin.getByLabel(`Fixed price of ${flour.name} (EUR)`);
    assert.equal(await price.inputValue(), '9.99', 'the list price to start from');
    await price.fill('8.50');
    await admin.getByText('List price €9.99').waitFor();
    await screenshot(admin, 'admin-price-tier-fixed-price');
    await admin.getByRole('button', { name: 'Create tier' }).click();
    await admin.getByRole('button', { name: `Edit ${tier}` }).waitFor();
    const saved = (await call(token, 'GET', '/admin/price-tiers?limit=200')).items.find((t) => t.name === tier);
    assert.deepEqual(saved.prices, { [flour.sku]: { amount: 850, currency: 'EUR' } });

    await admin.getByRole('button', { name: `Edit ${tier}` }).click();
    await admin.getByLabel(`Fixed price of ${flour.name} (EUR)`).waitFor();
    assert.equal(await admin.getByLabel(`Fixed price of ${flour.name} (EUR)`).inputValue(), '8.50');
    await admin.getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows line totals and the total at the customer’s tier while an order is edited, as the server then prices it', async () => {
    const tier = await call(token, 'POST', '/admin/price-tiers', { name: `Edit tier ${run}`, discount_percent: 12.5, prices: { [salt.sku]: { amount: 1100, currency: 'EUR' } } });
    const customer = await call(token, 'POST', '/admin/customers', { name: `Edited ${run}`, email: `edited-${run}@console.orderdesk.example`, price_tier_id: tier.tier_id, ordering_enabled: true });
    const order = await call(token, 'POST', `/admin/customers/${customer.customer_id}/orders`, { lines: [{ sku: flour.sku, quantity: 2 }], status: 'requested' });
    editedOrder = order;
    await open(admin, `/admin/orders/${order.order_id}`, `Order ${order.order_number}`);
    await admin.getByRole('button', { name: 'Edit lines and notes' }).click();
    // 9.99 less 12.5 % is 8.74125, rounded half up to 8.74.
    await admin.getByLabel(`Quantity of ${flour.name}`).fill('3');
    await admin.getByLabel('Find a product to add').fill(salt.sku);
    await admin.getByRole('button', { name: `Add ${salt.name}` }).click();
    const rows = admin.locator('form tbody tr');
    await rows.nth(1).waitFor();
    assert.match(await rows.nth(0).textContent(), /€8\.74.*€26\.22/);
    assert.match(await rows.nth(1).textContent(), /€11\.00.*€11\.00/, 'the fixed price wins over the discount');
    assert.equal(await admin.getByTestId('edit-total').textContent(), '€37.22');
    await admin.getByText(`At ${customer.name}’s prices now (the “${tier.name}” tier)`).waitFor();
    await screenshot(admin, 'admin-order-edit-totals');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await admin.getByText(`Order ${order.order_number} is saved.`).waitFor();
    const saved = await call(token, 'GET', `/admin/orders/${order.order_id}`);
    assert.deepEqual(saved.total, { amount: 3722, currency: 'EUR' });
  });

  it('marks an order of a deleted customer beside its decision, and offers nothing on the logins of a deleted customer', async () => {
    const buyer = await customerWithLogin(token, `${run}d`);
    await call(token, 'PATCH', `/admin/logins/${buyer.login.login_id}`, { enabled: false });
    const order = await call(token, 'POST', `/admin/customers/${buyer.customer.customer_id}/orders`, { lines: [{ sku: flour.sku, quantity: 1 }], status: 'requested' });
    await call(token, 'DELETE', `/admin/customers/${buyer.customer.customer_id}`);

    await open(admin, `/admin/orders/${order.order_id}`, `Order ${order.order_number}`);
    await admin.getByText('Customer deleted', { exact: true }).waitFor();
    await admin.getByText(`${buyer.customer.name} is deleted: its logins can no longer sign in`).waitFor();
    await admin.getByRole('button', { name: 'Confirm order' }).waitFor();
    await screenshot(admin, 'admin-order-customer-deleted');

    await open(admin, `/admin/customers/${buyer.customer.customer_id}`, buyer.customer.name);
    const row = admin.locator('tr', { hasText: buyer.email });
    await row.waitFor();
    assert.equal(await row.getByRole('button').count(), 0, 'no Enable, reset or delete on a deleted customer’s login');
    await admin.getByText('This customer is deleted: none of its logins can sign in').waitFor();
    assert.equal(await admin.getByRole('button', { name: /Turn ordering/ }).count(), 0);
    await screenshot(admin, 'admin-customer-deleted');
  });

  it('tells a buyer whose account is closed, or whose login is turned off, what happened and offers no Try again', async () => {
    const closed = await customerWithLogin(token, `${run}c`);
    const page = await openPage();
    await signIn(page, closed.email, closed.password);
    await call(token, 'DELETE', `/admin/customers/${closed.customer.customer_id}`);
    page.expectConsoleError(/status of 403/);
    await page.goto(`${stack().console_url}#/account`);
    // A closed account disables its logins too; the API says the account is closed.
    await page.getByText('Your company’s account is closed').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 0);
    await screenshot(page, 'portal-account-closed');
    checkConsole(page);
    await page.context().close();

    const off = await customerWithLogin(token, `${run}o`);
    const other = await openPage();
    await signIn(other, off.email, off.password);
    await call(token, 'PATCH', `/admin/logins/${off.login.login_id}`, { enabled: false });
    other.expectConsoleError(/status of 403/);
    await other.goto(`${stack().console_url}#/catalog`);
    await other.reload();
    await other.getByText('Your login is turned off').first().waitFor();
    assert.equal(await other.getByRole('button', { name: 'Try again' }).count(), 0);
    await screenshot(other, 'portal-login-turned-off');

    await other.getByRole('button', { name: 'Sign out' }).click();
    other.expectConsoleError(/status of 400/);
    await other.getByLabel('Email address').fill(off.email);
    await other.getByRole('textbox', { name: 'Password', exact: true }).fill(off.password);
    await other.getByRole('button', { name: 'Sign in' }).click();
    const alert = other.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /This login is turned off/);
    assert.doesNotMatch(await alert.textContent(), /password is not right/);
    checkConsole(other);
    await other.context().close();
  });

  it('filters the audit log by a customer picked by name, and hides the reads made while acting as its login', async () => {
    const buyer = await customerWithLogin(token, `${run}a`);
    for (const route of ['/catalog', '/me']) {
      const response = await fetch(`${stack().api_url}${route}`, {
        headers: { Authorization: `Bearer ${token}`, 'X-Act-As': buyer.login.login_id, 'X-Act-As-Reason': 'browser test' },
      });
      assert.equal(response.status, 200, `acting on ${route}`);
    }
    await open(admin, '/admin/audit', 'Audit log');
    await admin.getByLabel('Customer').fill(buyer.customer.name);
    await admin.getByRole('button', { name: buyer.customer.name, exact: true }).click();
    await admin.getByText(`Customer: ${buyer.customer.name}`).waitFor();
    await listSettled(admin);
    assert.match(admin.url(), new RegExp(`customer_id=${buyer.customer.customer_id}`));
    const rows = admin.locator('.paged tbody tr:not(.empty)');
    await admin.locator('.paged tbody tr', { hasText: 'GET /catalog' }).waitFor();
    const all = await rows.count();
    await screenshot(admin, 'admin-audit-customer');

    await admin.getByLabel('Hide reads made while acting as a login').check();
    await admin.getByText('2 reads made while acting hidden from the entries loaded.').waitFor();
    await listSettled(admin);
    assert.equal(await rows.count(), all - 2);
    assert.equal(await admin.locator('.paged tbody tr', { hasText: 'GET /catalog' }).count(), 0);
    await admin.locator('.paged tbody tr', { hasText: 'login.created' }).waitFor();
  });

  it('lays out the pages it changed on a phone without sideways scrolling', async () => {
    const phone = await openPage({ viewport: PHONE });
    await signIn(phone, stack().admin_email, stack().admin_password);
    const customer = (await call(token, 'GET', `/admin/customers?q=${encodeURIComponent(`Ordering ${run}`)}`)).items[0];
    await open(phone, `/admin/customers/${customer.customer_id}`, customer.name);
    await assertFitsScreen(phone, 'the customer page');
    await screenshot(phone, 'admin-customer-ordering-phone');
    await open(phone, '/admin/price-tiers', 'Price tiers');
    await phone.getByRole('button', { name: `Edit Picked ${run}` }).click();
    await phone.getByLabel(`Fixed price of ${flour.name} (EUR)`).waitFor();
    await assertFitsScreen(phone, 'the tier form');
    await screenshot(phone, 'admin-price-tier-fixed-price-phone');
    if (editedOrder) {
      await open(phone, `/admin/orders/${editedOrder.order_id}`, `Order ${editedOrder.order_number}`);
      await phone.getByRole('button', { name: 'Edit lines and notes' }).click();
      await phone.getByTestId('edit-total').waitFor();
      await assertFitsScreen(phone, 'the order editor');
      await screenshot(phone, 'admin-order-edit-totals-phone');
    }
    await open(phone, `/admin/audit?customer_id=${customer.customer_id}&hide_reads=1`, 'Audit log');
    await listSettled(phone);
    await assertFitsScreen(phone, 'the audit log');
    await screenshot(phone, 'admin-audit-customer-phone');
    checkConsole(phone);
    await phone.context().close();
  });
});
