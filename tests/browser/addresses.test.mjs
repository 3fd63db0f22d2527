// The address book and delivery: a buyer keeps addresses on `#/addresses`, checks out to a
// saved one with a delivery date, and the order's page (the buyer's and the admin's) shows
// where and when it goes; the admin sees the account's addresses on the customer page.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkConsole, screenshot, signIn, stack, runId, nav, adminToken, idToken, call, customerWithLogin } from './harness.mjs';

describe('addresses and delivery', () => {
  const run = runId();
  const openPage = useBrowser();
  const sku = `SHIP-${run}`.toUpperCase();
  let admin;

  before(async () => {
    admin = await adminToken();
    await call(admin, 'POST', '/admin/products', { sku, name: `Shipped loaves ${run}`, unit: 'tray', price: { amount: 700, currency: 'EUR' } });
  });

  it('checks out to a saved address and a date, and both order pages show them', async () => {
    const buyer = await customerWithLogin(admin, `${run}a`);
    const token = await idToken(buyer.email, buyer.password);
    await call(token, 'PUT', '/cart', { lines: [{ sku, quantity: 2 }] });
    const page = await openPage();
    await signIn(page, buyer.email, buyer.password);

    await nav(page, 'Addresses').click();
    await page.getByRole('heading', { name: 'Addresses' }).waitFor();
    await page.getByRole('button', { name: 'Add an address' }).click();
    await page.getByLabel('Label').fill(`Depot ${run}`);
    await page.getByLabel('Address line 1').fill('12 Rue des Fleurs');
    await page.getByLabel('City').fill('Lyon');
    await page.getByLabel('Postal code').fill('69001');
    await page.getByLabel('Country').selectOption('FR');
    await page.getByRole('button', { name: 'Add address' }).click();
    await page.getByTestId('address-book').getByRole('button', { name: `Change Depot ${run}` }).waitFor();
    await screenshot(page, 'portal-addresses');

    await page.goto(`${stack().console_url}#/cart`);
    await page.getByRole('button', { name: 'Submit order' }).waitFor();
    const checkout = page.getByRole('form', { name: 'Checkout' });
    for (const input of await checkout.locator('input[required]').all()) await input.fill(`PO-${run}`);
    await checkout.getByLabel('Deliver to').selectOption({ label: `Depot ${run}, 12 Rue des Fleurs, 69001 Lyon, FR` });
    await checkout.getByLabel('Delivery date').fill('2999-12-31');
    await screenshot(page, 'portal-checkout-delivery');
    await page.getByRole('button', { name: 'Submit order' }).click();
    await page.getByRole('heading', { name: /^Order SO-\d+$/ }).waitFor();

    assert.match(await page.getByTestId('ship-to').textContent(), new RegExp(`Depot ${run}.*12 Rue des Fleurs.*69001 Lyon`));
    assert.equal(await page.getByTestId('delivery-date').textContent(), '2999-12-31');
    const orders = await call(token, 'GET', '/orders');
    assert.equal(orders.items[0].ship_to.label, `Depot ${run}`);

    const adminPage = await openPage();
    await signIn(adminPage, stack().admin_email, stack().admin_password);
    await adminPage.goto(`${stack().console_url}#/admin/orders/${orders.items[0].order_id}`);
    await adminPage.getByTestId('ship-to').waitFor();
    assert.match(await adminPage.getByTestId('ship-to').textContent(), /12 Rue des Fleurs/);
    assert.equal(await adminPage.getByTestId('delivery-date').textContent(), '2999-12-31');
    await adminPage.goto(`${stack().console_url}#/admin/customers/${buyer.customer.customer_id}`);
    await adminPage.getByTestId('customer-addresses').getByText(`Depot ${run}`).waitFor();
    checkConsole(page, adminPage);
    await page.context().close();
    await adminPage.context().close();
  });
});
