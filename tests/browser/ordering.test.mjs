// Submitting an order when the network drops the answer: the retry carries the same
// Idempotency-Key, so the account gets one order, not two.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkConsole, screenshot, signIn, stack, runId, adminToken, idToken, call, customerWithLogin } from './harness.mjs';

describe('submitting an order', () => {
  const run = runId();
  const openPage = useBrowser();
  let buyer;
  let buyerToken;

  before(async () => {
    const admin = await adminToken();
    await call(admin, 'POST', '/admin/products', { sku: `RETRY-${run}`, name: `Retry rolls ${run}`, unit: 'tray', price: { amount: 450, currency: 'EUR' } });
    buyer = await customerWithLogin(admin, `${run}r`);
    buyerToken = await idToken(buyer.email, buyer.password);
    await call(buyerToken, 'PUT', '/cart', { lines: [{ sku: `RETRY-${run}`, quantity: 3 }] });
  });

  it('places it once when the answer to the first try is lost and the person presses Submit again', async () => {
    const page = await openPage();
    await signIn(page, buyer.email, buyer.password);
    await page.goto(`${stack().console_url}#/cart`);
    await page.getByRole('button', { name: 'Submit order' }).waitFor();
    // Whatever the seller asks at checkout (other tests may have set questions), answer it.
    const checkout = page.getByRole('form', { name: 'Checkout' });
    for (const input of await checkout.locator('input[required]').all()) await input.fill(`PO-${run}`);

    // The first POST reaches the server, but its answer never reaches the browser.
    const keys = [];
    await page.route('**/orders', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key']);
      if (keys.length === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    page.expectConsoleError(/ERR_CONNECTION_RESET/);
    await page.getByRole('button', { name: 'Submit order' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /it will not be placed twice/);
    await screenshot(page, 'portal-submit-lost-answer');

    await page.getByRole('button', { name: 'Submit order' }).click();
    await page.getByRole('heading', { name: /^Order SO-\d+$/ }).waitFor();
    assert.equal(keys.length, 2);
    assert.ok(keys[0], 'the order was sent with an Idempotency-Key');
    assert.equal(keys[1], keys[0], 'the retry carries the same key');
    const orders = await call(buyerToken, 'GET', '/orders');
    assert.equal(orders.items.length, 1, 'one order, not two');
    assert.equal(orders.items[0].lines[0].quantity, 3);
    checkConsole(page);
    await page.context().close();
  });
});
