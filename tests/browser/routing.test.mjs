// Routing and automatic confirmation in the console: an admin adds a routing rule on the Teams
// page and a tagged customer's request lands in that team's queue, saying which rule put it
// there; an automatic confirmation rule confirms a trusted customer's small request at once and
// leaves a large one waiting; rules move up and down, and a change made meanwhile by someone else
// is said and reloaded; a request past its team's response time shows as overdue in the queue.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkConsole, screenshot, assertFitsScreen, signIn, stack, runId, nav, adminToken, idToken, call, customerWithLogin, PHONE } from './harness.mjs';

/** Places an order of `quantity` × `sku` as the buyer, answering every checkout question. */
async function placeOrder(buyer, sku, quantity, key) {
  const token = await idToken(buyer.email, buyer.password);
  const questions = (await call(token, 'GET', '/checkout-questions')).questions;
  const answers = Object.fromEntries(questions.map((q) => [q.question_id, q.kind === 'choice' ? q.choices[0] : `PO-${key}`]));
  const response = await fetch(`${stack().api_url}/orders`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ lines: [{ sku, quantity }], answers }),
  });
  const text = await response.text();
  assert.equal(response.status, 201, text);
  return JSON.parse(text);
}

/** A buyer whose account has `tags` (and `fields`, e.g. its team). */
async function taggedBuyer(admin, key, tags, fields = {}) {
  const buyer = await customerWithLogin(admin, key);
  await call(admin, 'PATCH', `/admin/customers/${buyer.customer.customer_id}`, { tags, ...fields });
  return buyer;
}

/** Reads `route` until `ok(body)`, for at most `seconds`; the last body. */
async function until(admin, route, ok, seconds = 20) {
  let body;
  for (let waited = 0; waited <= seconds * 2; waited += 1) {
    body = await call(admin, 'GET', route);
    if (ok(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`${route} did not turn out as expected: ${JSON.stringify(body)}`);
}

describe('routing and automatic confirmation', () => {
  const run = runId();
  const openPage = useBrowser();
  const sku = `ROUTE-${run}`.toUpperCase();
  let admin;
  let routed;
  let other;
  let slow;
  let late;

  before(async () => {
    admin = await adminToken();
    await call(admin, 'POST', '/admin/products', { sku, name: `Routed loaves ${run}`, unit: 'tray', price: { amount: 500, currency: 'EUR' } });
    routed = await call(admin, 'POST', '/admin/teams', { name: `Routed ${run}`, notify_emails: [], respond_within_minutes: 120 });
    other = await call(admin, 'POST', '/admin/teams', { name: `Other ${run}`, notify_emails: [] });
    // A request to a team that answers within a minute is overdue by the last test.
    slow = await call(admin, 'POST', '/admin/teams', { name: `Slow ${run}`, notify_emails: [], respond_within_minutes: 1 });
    const buyer = await taggedBuyer(admin, `${run}s`, [], { fulfillment_team_id: slow.team_id });
    late = await placeOrder(buyer, sku, 1, `slow-${run}`);
  });

  it('assigns a tagged customer’s request by the routing rule added on the Teams page', async () => {
    const tag = `routed-${run}`;
    const page = await openPage();
    await signIn(page, stack().admin_email, stack().admin_password);
    await nav(page, 'Teams').click();
    await page.getByRole('heading', { name: 'Routing rules' }).waitFor();
    const form = page.getByRole('form', { name: 'Add rule' });
    await form.getByLabel('Customer tag').fill(tag);
    await form.getByLabel('Team', { exact: true }).selectOption({ label: routed.name });
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rules = page.getByRole('table', { name: /^Routing rules/ });
    const row = rules.getByRole('row', { name: new RegExp(`tag ${tag}`) });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(routed.name));
    const saved = await call(admin, 'GET', '/admin/routing-rules');
    assert.deepEqual(saved.rules.at(-1), { match: { customer_tag: tag }, team_id: routed.team_id });

    const buyer = await taggedBuyer(admin, `${run}r`, [tag]);
    const order = await placeOrder(buyer, sku, 1, `routed-${run}`);
    const placed = await call(admin, 'GET', `/admin/orders/${order.order_id}`);
    assert.equal(placed.assigned_team_id, routed.team_id, 'the rule assigned the request');

    await nav(page, 'Orders').click();
    await page.getByLabel('Team', { exact: true }).selectOption({ label: routed.name });
    const queued = page.getByRole('row', { name: new RegExp(order.order_number) });
    await queued.waitFor();
    const text = await queued.textContent();
    assert.match(text, new RegExp(routed.name));
    assert.match(text, /\d+ (h|min)( \d+ min)? left/, 'a request of a team with a response time shows the time left');

    await queued.getByRole('link', { name: order.order_number }).click();
    await page.getByRole('heading', { name: `Order ${order.order_number}` }).waitFor();
    assert.match(await page.locator('.history').textContent(), new RegExp(`Assigned .*${routed.name}, by routing rule ${saved.rules.length} \\(tag ${tag}\\)`));
    await page.getByLabel('Assign to team').selectOption({ label: other.name });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.locator('.assigned-team', { hasText: other.name }).waitFor();
    const assigned = await call(admin, 'GET', `/admin/orders/${order.order_id}`);
    assert.equal(assigned.assigned_team_id, other.team_id);
    checkConsole(page);
  });

  it('confirms a trusted customer’s request at once up to the maximum total, and leaves a larger one waiting', async () => {
    const tag = `trusted-${run}`;
    const page = await openPage();
    await signIn(page, stack().admin_email, stack().admin_password);
    await nav(page, 'Teams').click();
    const form = page.getByRole('form', { name: 'Add automatic confirmation' });
    await form.getByLabel('Tag').fill(tag);
    await form.getByLabel('Maximum total').fill('20.00');
    await form.getByRole('button', { name: 'Add automatic confirmation' }).click();
    const row = page.getByRole('table', { name: /^Automatic confirmation/ }).getByRole('row', { name: new RegExp(tag) });
    await row.waitFor();
    assert.match(await row.textContent(), /EUR 20\.00/);
    await row.getByRole('button', { name: `Remove automatic confirmation for tag ${tag}` }).waitFor();
    const saved = await call(admin, 'GET', '/admin/auto-confirm');
    assert.deepEqual(saved.rules.at(-1), { customer_tag: tag, max_total: { amount: 2000, currency: 'EUR' } });
    await screenshot(page, 'admin-routing');

    const buyer = await taggedBuyer(admin, `${run}a`, [tag]);
    // The larger one first: once the smaller one is confirmed, the larger one has been decided on.
    const large = await placeOrder(buyer, sku, 5, `large-${run}`);
    const small = await placeOrder(buyer, sku, 2, `small-${run}`);
    await until(admin, `/admin/orders/${small.order_id}`, (o) => o.status === 'confirmed');

    await page.goto(`${stack().console_url}#/admin/orders/${small.order_id}`);
    await page.getByTestId('order-status').filter({ hasText: 'Confirmed' }).waitFor();
    assert.match(await page.locator('.history').textContent(), new RegExp(`Confirmed .*Automatically \\(rule: tag ${tag}, up to EUR 20\\.00\\)`));

    await page.goto(`${stack().console_url}#/admin/orders/${large.order_id}`);
    await page.getByTestId('order-status').filter({ hasText: 'Requested' }).waitFor();
    assert.doesNotMatch(await page.locator('.history').textContent(), /Automatically/);
    assert.equal((await call(admin, 'GET', `/admin/orders/${large.order_id}`)).status, 'requested');
    checkConsole(page);
  });

  it('moves a rule up, and reloads the rules when someone else changed them meanwhile', async () => {
    const rule = (name, team) => ({ match: { customer_tag: `${name}-${run}` }, team_id: team.team_id });
    const { version } = await call(admin, 'GET', '/admin/routing-rules');
    await call(admin, 'PUT', '/admin/routing-rules', { rules: [rule('first', routed), rule('second', other)], version });
    const page = await openPage();
    await signIn(page, stack().admin_email, stack().admin_password);
    await nav(page, 'Teams').click();
    await page.getByRole('button', { name: 'Move rule 2 up' }).click();
    await page.getByText('Rule 2 is now rule 1.').waitFor();
    const moved = await call(admin, 'GET', '/admin/routing-rules');
    assert.deepEqual(moved.rules.map((r) => r.match.customer_tag), [`second-${run}`, `first-${run}`]);
    assert.ok(moved.version > version);
    assert.equal(await page.getByRole('button', { name: 'Move rule 1 down' }).evaluate((b) => b === document.activeElement), true,
      'focus stays with the rule moved');

    // Another admin adds a rule; this page still holds the version before it.
    await call(admin, 'PUT', '/admin/routing-rules', { rules: [...moved.rules, rule('third', routed)], version: moved.version });
    page.expectConsoleError(/409/);
    await page.getByRole('button', { name: 'Remove rule 1' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else changed the rules; they are reloaded.' }).waitFor();
    await page.getByRole('button', { name: 'Remove rule 3' }).waitFor();
    assert.equal((await call(admin, 'GET', '/admin/routing-rules')).rules.length, 3, 'the stale change was not made');

    await page.getByRole('button', { name: 'Remove rule 3' }).click();
    await page.getByText('Rule 3 is removed.').waitFor();
    assert.deepEqual((await call(admin, 'GET', '/admin/routing-rules')).rules.map((r) => r.match.customer_tag), [`second-${run}`, `first-${run}`]);
    checkConsole(page);
  });

  it('says beside the field what the server refuses in a new rule', async () => {
    const page = await openPage();
    await signIn(page, stack().admin_email, stack().admin_password);
    await nav(page, 'Teams').click();
    const form = page.getByRole('form', { name: 'Add rule' });
    await form.getByLabel('Customer tag').fill(`no!${run}`);
    await form.getByLabel('Team', { exact: true }).selectOption({ label: routed.name });
    page.expectConsoleError(/400/);
    await form.getByRole('button', { name: 'Add rule' }).click();
    const tag = form.getByLabel('Customer tag');
    await form.locator('[aria-invalid="true"]').waitFor();
    assert.equal(await tag.getAttribute('aria-invalid'), 'true');
    const error = await tag.evaluate((input) => document.getElementById(`${input.id}-error`).textContent);
    assert.ok(error, 'the tag’s own message shows beside it');

    await form.getByLabel('Customer tag').fill('');
    await form.getByLabel('Minimum total').fill('12.345');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form.getByText('must be an amount in EUR, like 100.00').waitFor();
    checkConsole(page);
  });

  it('marks a request past its team’s response time as overdue, and filters the queue by it', async () => {
    const overdue = await until(admin, `/admin/orders/${late.order_id}`, (o) => o.overdue === true, 150);
    assert.equal(overdue.status, 'requested');
    // A request just placed with the same team is not overdue yet.
    const buyer = await taggedBuyer(admin, `${run}f`, [], { fulfillment_team_id: slow.team_id });
    const fresh = await placeOrder(buyer, sku, 1, `fresh-${run}`);

    const page = await openPage();
    await signIn(page, stack().admin_email, stack().admin_password);
    await nav(page, 'Orders').click();
    await page.getByLabel('Team', { exact: true }).selectOption({ label: slow.name });
    const row = (order) => page.getByRole('row', { name: new RegExp(order.order_number) });
    await row(fresh).waitFor();
    assert.equal(await row(late).locator('.badge-overdue').textContent(), 'Overdue');
    assert.equal(await row(fresh).locator('.badge-overdue').count(), 0);

    await page.getByLabel('Overdue only').check();
    await page.locator('.paged:not([aria-busy])').waitFor();
    await row(late).waitFor();
    assert.equal(await row(fresh).count(), 0, 'the request not yet overdue is filtered out');
    assert.match(page.url(), /overdue=true/);
    await screenshot(page, 'admin-queue-overdue');

    const phone = await openPage({ viewport: PHONE });
    await signIn(phone, stack().admin_email, stack().admin_password);
    await phone.goto(`${stack().console_url}#/admin/orders?team_id=${slow.team_id}&overdue=true`);
    await phone.getByText('Overdue', { exact: true }).first().waitFor();
    assert.ok(await phone.getByLabel('Overdue only').isChecked());
    await assertFitsScreen(phone, 'the overdue queue on a phone');
    await screenshot(phone, 'admin-queue-overdue-phone');
    checkConsole(page, phone);
  });
});
