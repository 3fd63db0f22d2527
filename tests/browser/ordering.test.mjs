// Submitting an order: what is on screen is what is ordered (a quantity typed a moment before
// Submit included), what was typed at checkout survives redraws and reloads, a lost answer is
// retried with the same Idempotency-Key, and a line held at its most is said.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkConsole, screenshot, signIn, stack, runId, nav, adminToken, idToken, call, customerWithLogin, listSettled } from './harness.mjs';

/** Answers whatever the seller asks at checkout (other tests may have set questions). */
async function answerQuestions(page, answer) {
  const checkout = page.getByRole('form', { name: 'Checkout' });
  for (const input of await checkout.locator('input[required]').all()) await input.fill(answer);
}

describe('submitting an order', () => {
  const run = runId();
  const openPage = useBrowser();
  const sku = `RETRY-${run}`.toUpperCase();
  const other = `BUNS-${run}`.toUpperCase();
  let admin;

  before(async () => {
    admin = await adminToken();
    await call(admin, 'POST', '/admin/products', { sku, name: `Retry rolls ${run}`, unit: 'tray', price: { amount: 450, currency: 'EUR' } });
    await call(admin, 'POST', '/admin/products', { sku: other, name: `Soft buns ${run}`, unit: 'bag', price: { amount: 300, currency: 'EUR' } });
  });

  /** A new account with ordering on, its cart holding `lines`, and its signed-in page at the cart. */
  async function buyerAtCart(tag, lines) {
    const buyer = await customerWithLogin(admin, `${run}${tag}`);
    const token = await idToken(buyer.email, buyer.password);
    await call(token, 'PUT', '/cart', { lines });
    const page = await openPage();
    await signIn(page, buyer.email, buyer.password);
    await page.goto(`${stack().console_url}#/cart`);
    await page.getByRole('button', { name: 'Submit order' }).waitFor();
    return { buyer, token, page };
  }

  it('places it once when the answer to the first try is lost and the person presses Submit again', async () => {
    const { token, page } = await buyerAtCart('r', [{ sku, quantity: 3 }]);
    await answerQuestions(page, `PO-${run}`);

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
    const orders = await call(token, 'GET', '/orders');
    assert.equal(orders.items.length, 1, 'one order, not two');
    assert.equal(orders.items[0].lines[0].quantity, 3);
    checkConsole(page);
    await page.context().close();
  });

  it('places the quantity typed just before Submit was pressed, and empties the cart', async () => {
    const { token, page } = await buyerAtCart('q', [{ sku, quantity: 1 }]);
    await answerQuestions(page, `PO-${run}`);
    // A slow network: the quantity's save is still on its way when Submit is pressed.
    const sent = [];
    await page.route('**/cart', async (route) => {
      if (route.request().method() === 'PUT') {
        await new Promise((resolve) => setTimeout(resolve, 1200));
        sent.push('PUT /cart answered');
      }
      return route.continue();
    });
    await page.route('**/orders', (route) => {
      if (route.request().method() === 'POST') sent.push('POST /orders');
      return route.continue();
    });
    await page.getByLabel(`Quantity of Retry rolls ${run}`).fill('3');
    await page.getByRole('button', { name: 'Submit order' }).click();

    await page.getByRole('heading', { name: /^Order SO-\d+$/ }).waitFor();
    assert.deepEqual(sent, ['PUT /cart answered', 'POST /orders'], 'the order waits for the quantity to be saved');
    await page.getByRole('cell', { name: '3 tray' }).waitFor();
    const orders = await call(token, 'GET', '/orders');
    assert.equal(orders.items.length, 1);
    assert.deepEqual(orders.items[0].lines.map((l) => [l.sku, l.quantity]), [[sku, 3]]);
    assert.equal((await nav(page, /^Cart/).textContent()).trim(), 'Cart', 'the header shows an empty cart');
    assert.deepEqual((await call(token, 'GET', '/cart')).lines, [], 'the cart on the server is empty');
    checkConsole(page);
    await page.context().close();
  });

  it('keeps the answers and notes through a quantity change and a reload, and forgets them once the order is placed', async () => {
    const { token, page } = await buyerAtCart('d', [{ sku, quantity: 1 }, { sku: other, quantity: 2 }]);
    const checkout = page.getByRole('form', { name: 'Checkout' });
    await answerQuestions(page, `PO-D-${run}`);
    const notes = page.getByLabel('Notes for the seller');
    await notes.fill('Ring twice, the bell is broken.');

    const quantity = page.getByLabel(`Quantity of Retry rolls ${run}`);
    await quantity.fill('4');
    await quantity.press('Tab');
    await page.getByRole('cell', { name: '€18.00' }).waitFor();
    assert.equal(await notes.inputValue(), 'Ring twice, the bell is broken.', 'notes survive a quantity change');
    for (const input of await checkout.locator('input[required]').all()) assert.equal(await input.inputValue(), `PO-D-${run}`);

    await page.reload();
    await page.getByRole('button', { name: 'Submit order' }).waitFor();
    assert.equal(await page.getByLabel('Notes for the seller').inputValue(), 'Ring twice, the bell is broken.', 'notes survive a reload');
    for (const input of await checkout.locator('input[required]').all()) assert.equal(await input.inputValue(), `PO-D-${run}`);
    assert.equal(await page.getByLabel(`Quantity of Retry rolls ${run}`).inputValue(), '4');

    // Quantity 0 takes the line out, with an Undo.
    const buns = page.getByLabel(`Quantity of Soft buns ${run}`);
    await buns.fill('0');
    await buns.press('Tab');
    const toast = page.locator('#toasts .toast', { hasText: `Removed Soft buns ${run} from your cart.` });
    await toast.waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no error for quantity 0');
    await screenshot(page, 'portal-cart-removed');
    await toast.getByRole('button', { name: `Undo removing Soft buns ${run}` }).click();
    await page.getByLabel(`Quantity of Soft buns ${run}`).waitFor();
    assert.equal(await page.getByLabel(`Quantity of Soft buns ${run}`).inputValue(), '2');
    assert.equal(await page.getByLabel('Notes for the seller').inputValue(), 'Ring twice, the bell is broken.');

    await page.getByRole('button', { name: 'Submit order' }).click();
    await page.getByRole('heading', { name: /^Order SO-\d+$/ }).waitFor();
    const [order] = (await call(token, 'GET', '/orders')).items;
    assert.equal(order.notes, 'Ring twice, the bell is broken.');
    assert.deepEqual(order.lines.map((l) => [l.sku, l.quantity]).sort(), [[other, 2], [sku, 4]].sort());

    await call(token, 'PUT', '/cart', { lines: [{ sku, quantity: 1 }] });
    await nav(page, /^Cart/).click();
    await page.getByRole('button', { name: 'Submit order' }).waitFor();
    assert.equal(await page.getByLabel('Notes for the seller').inputValue(), '', 'the draft is gone with the order placed');
    checkConsole(page);
    await page.context().close();
  });

  it('says so when a line is already at the most the cart holds, and shows what is in the cart', async () => {
    const buyer = await customerWithLogin(admin, `${run}m`);
    const page = await openPage();
    await signIn(page, buyer.email, buyer.password);
    await page.getByLabel('Search products').fill(sku);
    await listSettled(page);
    const row = page.locator('tr', { hasText: `Retry rolls ${run}` });
    await row.waitFor();
    for (const expected of [`Added 9000 × Retry rolls ${run} to your cart.`, `Added only 1,000 × Retry rolls ${run}: one line holds at most 10,000, and your cart now has 10,000.`]) {
      await page.getByLabel(`Quantity of Retry rolls ${run}`).fill('9000');
      await page.getByRole('button', { name: `Add Retry rolls ${run} to cart` }).click();
      await row.getByText(expected).waitFor();
    }
    assert.match(await row.textContent(), /10,000 in cart/);
    await screenshot(page, 'portal-catalogue-capped');
    checkConsole(page);
    await page.context().close();
  });
});
