// The whole ordering journey in a real browser: an admin sets up products and a checkout
// question, creates a customer and invites a login; the invitee follows the link from the
// development mailbox, chooses a password and orders two products; the admin confirms; the
// customer sees the order confirmed. Each step is a test; they share the two people.

import { describe, it, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkConsole, screenshot, signIn, stack, runId, nav, openMail, TIMEOUT } from './harness.mjs';

describe('the ordering journey', () => {
  const run = runId();
  const company = `Journey Bakery ${run}`;
  const tier = `Bakers ${run}`;
  const invitee = { name: 'Ann Baker', email: `ann-${run}@journey.orderdesk.example`, password: `Crusty-Loaf-${run}-9Z` };
  const products = [
    { sku: `FLOUR-${run}`, name: `Strong flour ${run}`, price: '12.50', quantity: 2 },
    { sku: `YEAST-${run}`, name: `Dried yeast ${run}`, price: '3.20', quantity: 3 },
  ];
  const openPage = useBrowser();
  let admin;
  let customer;
  let signedUp = false;
  let orderNumber;
  let confirmed = false;

  before(async () => {
    admin = await openPage();
    customer = await openPage();
  });
  afterEach(() => checkConsole(admin, customer));

  it('lets an admin sign in and add two products, a price tier and a checkout question', async () => {
    await signIn(admin, stack().admin_email, stack().admin_password);
    await admin.getByRole('heading', { name: 'Customers' }).waitFor();

    await nav(admin, 'Products').click();
    for (const product of products) {
      await admin.getByRole('button', { name: 'New product' }).click();
      await admin.getByRole('textbox', { name: 'SKU', exact: true }).fill(product.sku);
      await admin.getByLabel('Name', { exact: true }).fill(product.name);
      await admin.getByLabel('Unit').fill('bag');
      await admin.getByLabel('List price').fill(product.price);
      await admin.getByRole('button', { name: 'Create product' }).click();
      await admin.getByRole('cell', { name: product.sku }).waitFor();
    }
    await admin.getByLabel('Search by name or SKU').fill(run);
    await assertRows(admin, 2);
    await screenshot(admin, 'admin-products');

    await nav(admin, 'Price tiers').click();
    await admin.getByRole('button', { name: 'New price tier' }).click();
    await admin.getByLabel('Name', { exact: true }).fill(tier);
    await admin.getByLabel('Discount off list prices (%)').fill('10');
    await admin.getByRole('button', { name: 'Create tier' }).click();
    await admin.getByRole('button', { name: `Edit ${tier}` }).waitFor();
    await screenshot(admin, 'admin-price-tiers');

    await nav(admin, 'Checkout questions').click();
    await admin.getByRole('button', { name: 'Add a question' }).waitFor();
    // The one question of this journey (a stack reused by hand may have others).
    const remove = admin.getByRole('button', { name: 'Remove this question' });
    while (await remove.count()) await remove.first().click();
    await admin.getByRole('button', { name: 'Add a question' }).click();
    const question = admin.locator('ol.questions > li').last();
    await question.getByLabel('Question').fill('Purchase order number');
    await question.getByLabel('Id').fill(`po_${run}`);
    await question.getByLabel('An answer is required').check();
    await admin.getByRole('button', { name: 'Save questions' }).click();
    await admin.getByText('The checkout questions are saved.').waitFor();
    await screenshot(admin, 'admin-checkout-questions');
  });

  it('lets an admin create a customer, tag it from the list and invite a login', async () => {
    await nav(admin, 'Customers').click();
    await admin.getByRole('button', { name: 'New customer' }).click();
    await admin.getByLabel('Company name').fill(company);
    await admin.getByLabel('Contact email').fill(`orders-${run}@journey.orderdesk.example`);
    await admin.getByLabel('Tags').fill('bakery, journey');
    await admin.getByLabel('Price tier').selectOption({ label: `${tier} (−10 %)` });
    await admin.getByLabel('Allow order creation').check();
    await admin.getByRole('button', { name: 'Create customer' }).click();

    await admin.getByRole('heading', { name: company }).waitFor();
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill(invitee.name);
    await admin.getByRole('textbox', { name: 'Email address' }).fill(invitee.email);
    await admin.getByRole('button', { name: 'Add login' }).click();
    await admin.getByText(`An invitation was emailed to ${invitee.email}.`).waitFor();
    const row = admin.locator('tr', { hasText: invitee.email }).first();
    assert.equal(await row.locator('.badge').textContent(), 'Invited');
    await screenshot(admin, 'admin-customer');

    await nav(admin, 'Customers').click();
    await admin.getByLabel('Search by name or email').fill(`bakery ${run}`);
    await admin.getByRole('link', { name: company }).waitFor();
    await assertRows(admin, 1);
    await admin.getByRole('checkbox', { name: `Select ${company}` }).check();
    await admin.getByLabel('Tag for the selected customers').fill(`vip-${run}`);
    await admin.getByRole('button', { name: 'Add tag' }).click();
    await admin.getByText(`Added tag “vip-${run}” to 1 customer.`).waitFor();
    await admin.getByLabel('Tag', { exact: true }).fill(`vip-${run}`);
    await admin.getByRole('link', { name: company }).waitFor();
    await assertRows(admin, 1);
    await screenshot(admin, 'admin-customers');
  });

  it('lets the invitee follow the link in the mailbox, choose a password and land in the catalogue', async () => {
    const email = await openMail(customer, invitee.email, /invitation/);
    await screenshot(customer, 'mailbox');
    const [invitation] = await Promise.all([
      customer.context().waitForEvent('page'),
      email.frameLocator('iframe').getByRole('link', { name: /#\/invite\// }).click(),
    ]);
    await invitation.waitForLoadState();
    // The portal is the seller's, not the invitee's company.
    await invitation.getByRole('heading', { name: /^Welcome to (the|.+’s) ordering portal$/ }).waitFor();
    assert.ok(!(await invitation.getByRole('heading', { level: 1 }).textContent()).includes(company));
    await invitation.getByText(`You are invited to order for ${company}.`).waitFor();
    assert.equal(await invitation.getByLabel('Email address').inputValue(), invitee.email);
    await invitation.getByLabel('Choose a password').fill(invitee.password);
    await invitation.getByLabel('Repeat the password').fill(invitee.password);
    await screenshot(invitation, 'portal-invitation');
    await invitation.getByRole('button', { name: 'Accept and sign in' }).click();
    await invitation.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await invitation.getByText(`Ordering for ${company}`).waitFor();
    await customer.close();
    customer = invitation;
    signedUp = true;
  });

  it('lets the customer order two products with an answer to the checkout question', async (t) => {
    if (!signedUp) return t.skip('the invitee has no login');
    await customer.getByLabel('Search products').fill(run);
    await assertRows(customer, 2);
    await customer.getByText(`prices of the “${tier}” tier`).waitFor();
    const flour = customer.locator('tr', { hasText: products[0].name });
    assert.match(await flour.textContent(), /€11\.25.*€12\.50 list price/);
    await screenshot(customer, 'portal-catalogue');
    for (const product of products) {
      await customer.getByLabel(`Quantity of ${product.name}`).fill(String(product.quantity));
      await customer.getByRole('button', { name: `Add ${product.name} to cart` }).click();
      await customer.getByText(`Added ${product.quantity} × ${product.name} to your cart.`).waitFor();
    }

    await nav(customer, /^Cart/).click();
    await customer.getByRole('heading', { name: 'Your cart' }).waitFor();
    // The tier's 10 % off: 2 × €11.25 + 3 × €2.88.
    assert.equal(await customer.getByTestId('cart-total').textContent(), '€31.14');
    await customer.getByLabel('Purchase order number').fill(`PO-${run}`);
    await customer.getByLabel('Notes for the seller').fill('Back door, please.');
    await screenshot(customer, 'portal-cart');
    await customer.getByRole('button', { name: 'Submit order' }).click();

    const heading = customer.getByRole('heading', { name: /^Order SO-\d+$/ });
    await heading.waitFor();
    orderNumber = (await heading.textContent()).replace('Order ', '');
    assert.equal(await customer.getByTestId('order-status').textContent(), 'Requested');
    await customer.getByRole('cell', { name: products[0].name }).waitFor();
    await customer.getByText(`PO-${run}`).waitFor();
    await screenshot(customer, 'portal-order-requested');
  });

  it('lets the admin find the order in the queue and confirm it', async (t) => {
    if (!orderNumber) return t.skip('no order was placed');
    await nav(admin, 'Orders').click();
    await admin.getByRole('link', { name: orderNumber }).click();
    await admin.getByRole('heading', { name: `Order ${orderNumber}` }).waitFor();
    await admin.getByRole('link', { name: company }).waitFor();
    await screenshot(admin, 'admin-order-requested');
    await admin.getByRole('button', { name: 'Confirm order' }).click();
    await admin.getByText(`Order ${orderNumber} is confirmed.`).waitFor();
    await waitForText(admin.getByTestId('order-status'), 'Confirmed');
    await admin.locator('ol.history li', { hasText: 'Confirmed' }).waitFor();
    await screenshot(admin, 'admin-order-confirmed');
    confirmed = true;

    await admin.getByRole('link', { name: '← Orders' }).click();
    await admin.getByLabel('Status').selectOption('confirmed');
    await admin.getByRole('link', { name: orderNumber }).waitFor();
    await screenshot(admin, 'admin-orders');
  });

  it('shows the customer the order confirmed', async (t) => {
    if (!confirmed) return t.skip('the order was not confirmed');
    await nav(customer, 'My orders').click();
    const row = customer.locator('tr', { hasText: orderNumber });
    await waitForText(row.locator('.badge'), 'Confirmed');
    await screenshot(customer, 'portal-orders');
    await row.getByRole('link', { name: orderNumber }).click();
    await waitForText(customer.getByTestId('order-status'), 'Confirmed');
    await screenshot(customer, 'portal-order-confirmed');

    // The confirmation email shows the order: its lines, the total and the answer.
    const mail = await openMail(customer, invitee.email, new RegExp(`${orderNumber} is confirmed`));
    const body = mail.frameLocator('iframe');
    for (const p of products) await body.getByText(p.name).first().waitFor();
    await body.getByText('Total', { exact: true }).waitFor();
    await screenshot(customer, 'mailbox-order-confirmed');
    await customer.goBack();
  });

  it('lets an admin act as the login under a banner, then stop', async (t) => {
    if (!confirmed) return t.skip('the journey did not get this far');
    await openCustomer(admin, company, run);
    await admin.getByRole('button', { name: `Act as ${invitee.email}` }).click();
    const dialog = admin.getByRole('dialog', { name: `Act as ${invitee.name}` });
    await dialog.getByLabel('Reason').fill('The customer asked for help on the phone');
    await dialog.getByRole('button', { name: 'Start acting' }).click();

    const banner = admin.getByRole('region', { name: 'Acting as a customer' });
    await banner.getByText(`You are acting as ${invitee.name}`).waitFor();
    await admin.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await nav(admin, 'My orders').click();
    await waitForText(admin.locator('tr', { hasText: orderNumber }).locator('.badge'), 'Confirmed');
    assert.match(await banner.textContent(), /Reason: The customer asked for help on the phone/);
    await screenshot(admin, 'admin-acting-as');

    await banner.getByRole('button', { name: 'Stop acting' }).click();
    await admin.getByRole('heading', { name: company }).waitFor();
    assert.equal(await banner.count(), 0, 'the banner is gone');
  });

  it('lets an admin place an order into the account, email the customer and edit the order', async (t) => {
    if (!confirmed) return t.skip('the journey did not get this far');
    await admin.getByRole('link', { name: 'Create order' }).first().click();
    await admin.getByRole('heading', { name: `Create an order for ${company}` }).waitFor();
    await admin.getByLabel('Find a product to add').fill(products[0].sku.toLowerCase());
    await admin.getByRole('button', { name: `Add ${products[0].name}` }).click();
    await admin.getByLabel(`Quantity of ${products[0].name}`, { exact: true }).waitFor();
    await admin.getByLabel('Email the customer about this order').check();
    await admin.getByLabel('Subject').fill(`Your standing order ${run}`);
    await admin.getByLabel('Message').fill('As agreed on the phone: one more bag of flour.');
    await screenshot(admin, 'admin-new-order');
    await admin.getByRole('button', { name: 'Create order' }).click();

    const heading = admin.getByRole('heading', { name: /^Order SO-\d+$/ });
    await heading.waitFor();
    assert.equal(await admin.getByTestId('order-status').textContent(), 'Requested');
    await admin.locator('ol.history li', { hasText: 'Created' }).waitFor();

    await admin.getByRole('button', { name: 'Edit lines and notes' }).click();
    await admin.getByLabel(`Quantity of ${products[0].name}`, { exact: true }).fill('4');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await admin.locator('ol.history li', { hasText: 'Edited' }).waitFor();
    await admin.getByRole('cell', { name: '4 bag' }).waitFor();
    await admin.getByText('€45.00').first().waitFor();

    const mail = await openMail(customer, `orders-${run}@journey.orderdesk.example`, new RegExp(`Your standing order ${run}`));
    await mail.frameLocator('iframe').getByText('As agreed on the phone').waitFor();
    await customer.goBack();

    // The edit is told to the account's logins, change by change.
    const changed = await openMail(customer, invitee.email, /was changed/);
    await changed.frameLocator('iframe').getByText(`${products[0].name}: 1 → 4`).waitFor();
    await customer.goBack();
  });

  it('shows the admin’s changes and the acting in the audit log', async (t) => {
    if (!confirmed) return t.skip('the journey did not get this far');
    await nav(admin, 'Audit log').click();
    await admin.getByRole('heading', { name: 'Audit log' }).waitFor();
    await admin.locator('.paged tbody tr:not(.empty)').first().waitFor();
    await admin.locator('.badge-acting').first().waitFor();
    await screenshot(admin, 'admin-audit');
  });
});

/** Opens a customer's page from the customers list, found by search. */
async function openCustomer(page, name, word) {
  await nav(page, 'Customers').click();
  await page.getByLabel('Search by name or email').fill(word);
  await page.getByRole('link', { name }).click();
  await page.getByRole('heading', { name }).waitFor();
}

/** Waits until the table shows exactly `n` rows (a search as you type settles). */
async function assertRows(page, n) {
  const rows = page.locator('.paged tbody tr:not(.empty)');
  const deadline = Date.now() + TIMEOUT;
  while ((await rows.count()) !== n || (await page.locator('.paged[aria-busy]').count())) {
    if (Date.now() > deadline) assert.equal(await rows.count(), n, 'rows in the list');
    await page.waitForTimeout(100);
  }
}

async function waitForText(locator, text) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const actual = (await locator.textContent())?.trim();
    if (actual === text) return;
    if (Date.now() > deadline) assert.equal(actual, text);
    await locator.page().waitForTimeout(100);
  }
}
