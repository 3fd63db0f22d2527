// The portal on a phone (390 × 844): no page wider than the screen, the catalogue's price and
// Add together on screen, the cart's amounts and Submit on screen, a screenshot of every page
// beside the desktop ones; the admin console does not break there either.

import { describe, it, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, checkConsole, screenshot, signIn, stack, runId, nav, adminToken, call, customerWithLogin,
  PHONE, assertFitsScreen, assertOnScreen, listSettled,
} from './harness.mjs';

describe('the portal on a phone', () => {
  const run = runId();
  const openPage = useBrowser();
  const products = [
    { sku: `PHONE-FLOUR-${run}`, name: `Stone-ground wholemeal bread flour, extra strong ${run}`, unit: '25 kg sack', amount: 4275 },
    { sku: `PHONE-SALT-${run}`, name: `Sea salt ${run}`, unit: 'tub', amount: 990 },
  ];
  let buyer;
  let page;
  let orderId;

  before(async () => {
    const admin = await adminToken();
    for (const p of products) {
      await call(admin, 'POST', '/admin/products', {
        sku: p.sku, name: p.name, unit: p.unit, description: 'Milled for bakers who knead by hand.', price: { amount: p.amount, currency: 'EUR' },
      });
    }
    buyer = await customerWithLogin(admin, `${run}p`);
    page = await openPage({ viewport: PHONE });
  });
  afterEach(() => checkConsole(page));

  /** Asserts the page fits the screen, then writes its phone screenshot. */
  async function shot(name) {
    await assertFitsScreen(page, name);
    await screenshot(page, name);
  }

  it('signs in on a phone and shows the catalogue with the first price and Add button on screen', async () => {
    await page.goto(`${stack().console_url}#/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('sign-in-phone');
    await signIn(page, buyer.email, buyer.password);
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await page.getByLabel('Search products').fill(run);
    await listSettled(page);
    await page.locator('.paged tbody tr', { hasText: products[1].name }).waitFor();
    await page.locator('.paged tbody tr', { hasText: products[0].name }).waitFor();
    const first = page.locator('.paged tbody tr').first();
    await assertOnScreen(first.locator('.c-price'), 'the first price');
    await assertOnScreen(first.getByRole('button', { name: /^Add / }), 'the first Add button');
    await assertOnScreen(first.getByLabel(/^Quantity of /), 'the first quantity');

    for (const [i, quantity] of [[0, '2'], [1, '3']]) {
      await page.getByLabel(`Quantity of ${products[i].name}`).fill(quantity);
      await page.getByRole('button', { name: `Add ${products[i].name} to cart` }).click();
      await page.getByText(`Added ${quantity} × ${products[i].name} to your cart.`).waitFor();
    }
    await page.locator('.paged tbody tr', { hasText: products[0].name }).getByText('2 in cart').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('portal-catalogue-phone');
  });

  it('shows the cart’s amounts and the Submit button on screen, and submits from there', async () => {
    await nav(page, /^Cart/).click();
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    const row = page.locator('table.cart-lines tbody tr', { hasText: products[0].name });
    await row.waitFor();
    await assertOnScreen(row.getByLabel(/^Quantity of /), 'the first quantity');
    await assertOnScreen(row.locator('.c-total'), 'the first line total');
    await assertOnScreen(row.locator('.c-price'), 'the first unit price');
    await assertOnScreen(page.getByTestId('cart-total'), 'the cart total');
    assert.equal(await page.getByTestId('cart-total').textContent(), '€115.20');
    const checkout = page.getByRole('form', { name: 'Checkout' });
    for (const input of await checkout.locator('input[required]').all()) await input.fill(`PO-${run}`);
    await page.getByLabel('Notes for the seller').fill('Leave it with the neighbours if we are closed.');
    await assertOnScreen(page.getByRole('button', { name: 'Submit order' }), 'the Submit button');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('portal-cart-phone');

    await page.getByRole('button', { name: 'Submit order' }).click();
    const heading = page.getByRole('heading', { name: /^Order SO-\d+$/ });
    await heading.waitFor();
    orderId = page.url().split('/').pop();
    await page.getByText('is submitted').waitFor();
    await shot('portal-order-phone');
  });

  it('shows the orders, one order and the account within the screen', async (t) => {
    if (!orderId) return t.skip('no order was placed');
    // A toast belongs to the page it was raised on.
    await nav(page, 'My orders').click();
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    assert.equal(await page.locator('#toasts .toast').count(), 0, 'the toast stayed behind');
    await page.locator('.paged tbody tr:not(.empty)').first().waitFor();
    await shot('portal-orders-phone');

    await page.goto(`${stack().console_url}#/orders/${orderId}`);
    await page.getByRole('button', { name: 'Cancel this order' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this order?' });
    await dialog.getByRole('button', { name: 'Keep the order' }).waitFor();
    await shot('portal-order-cancel-phone');
    await dialog.getByRole('button', { name: 'Keep the order' }).click();

    await nav(page, 'Account').click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText(buyer.customer.name).waitFor();
    await shot('portal-account-phone');
  });

  it('keeps the admin console within the screen', async () => {
    const admin = await openPage({ viewport: PHONE });
    await signIn(admin, stack().admin_email, stack().admin_password);
    await admin.getByRole('heading', { name: 'Customers' }).waitFor();
    await admin.getByLabel('Search by name or email').fill(run);
    await admin.getByRole('link', { name: buyer.customer.name }).click();
    await admin.getByRole('heading', { name: buyer.customer.name }).waitFor();
    await assertFitsScreen(admin, 'admin-customer-phone');
    await screenshot(admin, 'admin-customer-phone');
    // The order placed above is still requested: deleting the customer warns of it.
    await admin.getByRole('button', { name: 'Delete customer' }).click();
    const dialog = admin.getByRole('dialog', { name: `Delete ${buyer.customer.name}?` });
    await dialog.getByText('It has 1 requested order still waiting for confirmation.', { exact: false }).waitFor();
    await screenshot(admin, 'admin-customer-delete-phone');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await nav(admin, 'Orders').click();
    await admin.locator('.paged tbody tr:not(.empty)').first().waitFor();
    await assertFitsScreen(admin, 'admin-orders-phone');
    await screenshot(admin, 'admin-orders-phone');
    checkConsole(admin);
    await admin.context().close();
  });
});
