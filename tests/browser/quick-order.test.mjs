// Ordering faster: a CSV file uploaded on the quick-order page (its good rows land in the cart,
// its bad row is shown with its number and reason), "Order again" on a past order, and a cart
// saved as a list and put back into the cart.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkConsole, checkAccessible, screenshot, signIn, stack, runId, nav, adminToken, idToken, call, customerWithLogin } from './harness.mjs';

describe('ordering faster', () => {
  const run = runId();
  const openPage = useBrowser();
  const flour = `QFLOUR-${run}`.toUpperCase();
  const sugar = `QSUGAR-${run}`.toUpperCase();
  let admin;

  before(async () => {
    admin = await adminToken();
    await call(admin, 'POST', '/admin/products', { sku: flour, name: `Quick flour ${run}`, unit: 'sack', price: { amount: 2500, currency: 'EUR' } });
    await call(admin, 'POST', '/admin/products', { sku: sugar, name: `Quick sugar ${run}`, unit: 'bag', price: { amount: 300, currency: 'EUR' } });
  });

  /** A new buyer signed in on its own page; its token too. */
  async function buyer(tag) {
    const b = await customerWithLogin(admin, `${run}${tag}`);
    const token = await idToken(b.email, b.password);
    const page = await openPage();
    await signIn(page, b.email, b.password);
    return { ...b, token, page };
  }

  it('adds the good rows of an uploaded CSV file to the cart and shows the bad row with its number and reason', async () => {
    const { page, token } = await buyer('csv');
    await nav(page, 'Quick order').click();
    await page.getByRole('heading', { name: 'Quick order' }).waitFor();
    const file = `\uFEFFSKU;Quantity\r\n${flour};2\r\nNO-SUCH-${run};1\r\n${sugar};3\r\n`;
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'order.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.getByRole('button', { name: 'Upload and add to cart' }).click();

    const rejected = page.getByTestId('rejected-rows');
    await rejected.waitFor();
    const rows = await rejected.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 1);
    assert.match(rows[0], new RegExp(`^3NO-SUCH-${run}sku is not in the catalogue$`));
    assert.match(await page.getByTestId('import-result').textContent(), /It now has 2 lines/);
    await checkAccessible(page, 'quick order with a rejected row');
    await screenshot(page, 'portal-quick-order-rejected-row');

    const cart = await call(token, 'GET', '/cart');
    assert.deepEqual(cart.lines.map((l) => [l.sku, l.quantity]), [[flour, 2], [sugar, 3]]);
    checkConsole(page);
  });

  it('puts a past order into the cart again from the order page', async () => {
    const { page, token } = await buyer('again');
    await call(token, 'PUT', '/cart', { lines: [{ sku: flour, quantity: 1 }, { sku: sugar, quantity: 4 }] });
    const questions = (await call(token, 'GET', '/checkout-questions')).questions;
    const answers = Object.fromEntries(questions.map((q) => [q.question_id, q.kind === 'choice' ? q.choices[0] : `PO-${run}`]));
    const response = await fetch(`${stack().api_url}/orders`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': `again-${run}` },
      body: JSON.stringify({ from_cart: true, answers }),
    });
    const text = await response.text();
    assert.equal(response.status, 201, text);
    const order = JSON.parse(text);

    await page.goto(`${stack().console_url}#/orders/${order.order_id}`);
    await page.getByRole('button', { name: `Order ${order.order_number} again` }).click();
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    await page.getByTestId('cart-total').filter({ hasText: /37\.00/ }).waitFor();

    const cart = await call(token, 'GET', '/cart');
    assert.deepEqual(cart.lines.map((l) => [l.sku, l.quantity]), [[flour, 1], [sugar, 4]]);
    await screenshot(page, 'portal-order-again');
    checkConsole(page);
  });

  it('saves the cart as a list and puts the list back into the cart', async () => {
    const { page, token } = await buyer('list');
    await call(token, 'PUT', '/cart', { lines: [{ sku: flour, quantity: 2 }] });
    await nav(page, 'Saved lists').click();
    await page.getByLabel('List name').fill(`Monday ${run}`);
    await page.getByRole('button', { name: 'Save the cart as a list' }).click();
    await page.getByRole('link', { name: `Monday ${run}` }).waitFor();
    await checkAccessible(page, 'saved lists');

    await call(token, 'PUT', '/cart', { lines: [] });
    await page.getByRole('button', { name: `Add “Monday ${run}” to the cart` }).click();
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    const cart = await call(token, 'GET', '/cart');
    assert.deepEqual(cart.lines.map((l) => [l.sku, l.quantity]), [[flour, 2]]);
    checkConsole(page);
  });
});
