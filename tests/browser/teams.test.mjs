// Teams in the console: an admin creates a team, puts a customer on it with the team picker,
// sees the customer's order assigned to it in the queue (filtered by team), reassigns it on
// the order's page, and is told in words why the team cannot be deleted while it has customers.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkConsole, screenshot, signIn, stack, runId, nav, adminToken, idToken, call, customerWithLogin } from './harness.mjs';

describe('teams', () => {
  const run = runId();
  const openPage = useBrowser();
  const sku = `TEAM-${run}`.toUpperCase();
  let admin;

  before(async () => {
    admin = await adminToken();
    await call(admin, 'POST', '/admin/products', { sku, name: `Team loaves ${run}`, unit: 'tray', price: { amount: 500, currency: 'EUR' } });
  });

  it('assigns a customer’s order to its team and reassigns it to another', async () => {
    const buyer = await customerWithLogin(admin, `${run}t`);
    const south = await call(admin, 'POST', '/admin/teams', { name: `South ${run}`, notify_emails: [] });
    const north = `North ${run}`;
    const page = await openPage();
    await signIn(page, stack().admin_email, stack().admin_password);

    await nav(page, 'Teams').click();
    await page.getByRole('heading', { name: 'Teams', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New team' }).click();
    await page.getByLabel('Team name').fill(north);
    await page.getByLabel('Email addresses').fill(`north-${run}@browser.orderdesk.example`);
    await page.getByLabel('Respond within (minutes)').fill('60');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('cell', { name: north, exact: true }).waitFor();
    await screenshot(page, 'admin-teams');

    await page.goto(`${stack().console_url}#/admin/customers/${buyer.customer.customer_id}`);
    const details = page.locator('details', { has: page.getByRole('heading', { name: 'Details' }) });
    if (!(await details.getAttribute('open') !== null)) await details.locator('summary').click();
    await details.getByLabel('Team', { exact: true }).selectOption({ label: north });
    await details.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('The details are saved.').waitFor();
    const customer = await call(admin, 'GET', `/admin/customers/${buyer.customer.customer_id}`);
    assert.ok(customer.fulfillment_team_id, 'the customer names the team');

    const token = await idToken(buyer.email, buyer.password);
    await call(token, 'PUT', '/cart', { lines: [{ sku, quantity: 1 }] });
    const shop = await openPage();
    await signIn(shop, buyer.email, buyer.password);
    await shop.goto(`${stack().console_url}#/cart`);
    await shop.getByRole('button', { name: 'Submit order' }).waitFor();
    const checkout = shop.getByRole('form', { name: 'Checkout' });
    for (const input of await checkout.locator('input[required]').all()) await input.fill(`PO-${run}`);
    await shop.getByRole('button', { name: 'Submit order' }).click();
    await shop.getByRole('heading', { name: /^Order SO-\d+$/ }).waitFor();
    const order = (await call(token, 'GET', '/orders')).items[0];

    await page.goto(`${stack().console_url}#/admin/orders`);
    await page.getByLabel('Team', { exact: true }).selectOption({ label: north });
    const row = page.getByRole('row', { name: new RegExp(order.order_number) });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(north));
    await screenshot(page, 'admin-orders-by-team');

    await row.getByRole('link', { name: new RegExp(order.order_number) }).click();
    await page.getByRole('heading', { name: `Order ${order.order_number}` }).waitFor();
    assert.match(await page.locator('.assigned-team').textContent(), new RegExp(north));
    await page.getByLabel('Assign to team').selectOption({ label: south.name });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.locator('.assigned-team', { hasText: south.name }).waitFor();
    const assigned = await call(admin, 'GET', `/admin/orders/${order.order_id}`);
    assert.equal(assigned.assigned_team_id, south.team_id);
    assert.deepEqual(assigned.history.map((e) => e.event), ['submitted', 'assigned', 'assigned']);

    page.expectedErrors.push(/409/);
    await nav(page, 'Teams').click();
    await page.getByRole('button', { name: `Delete ${north}` }).click();
    await page.getByRole('button', { name: 'Delete team' }).click();
    await page.getByRole('alert').filter({ hasText: buyer.customer.name }).waitFor();
    checkConsole(page, shop);
  });
});
