// The account's cart on the server (`GET`/`PUT /cart`, the whole cart each time), with the
// changes of this tab made one after another so two quick "Add to cart" clicks both count,
// and a way to wait for them all (checkout must not overtake a quantity still being saved).

import * as api from './api.js';

/** The most an order line may hold (API.md: quantities 1..=10,000). */
export const MAX_QUANTITY = 10_000;

let count = 0;
let last = null;
const listeners = new Set();
const cartListeners = new Set();
let queue = Promise.resolve();

/** How many lines the cart had when last read, for the "Cart (n)" link. */
export const cartCount = () => count;

export function onCartCount(listener) {
  listeners.add(listener);
}

/**
 * Calls `listener(cart)` whenever this tab reads or saves the cart, until `signal` aborts (a
 * page passes its own, so a page left behind stops listening).
 */
export function onCart(listener, signal) {
  cartListeners.add(listener);
  signal?.addEventListener('abort', () => cartListeners.delete(listener));
  if (last) listener(last);
}

/** The quantity of `sku` in the cart as last read (0 when none or unknown). */
export function quantityOf(sku) {
  return last?.lines.find((l) => l.sku === sku)?.quantity || 0;
}

function seen(cart) {
  last = cart;
  const n = cart.lines.length + cart.unavailable.length;
  if (n !== count) {
    count = n;
    for (const listener of listeners) listener(n);
  }
  for (const listener of cartListeners) listener(cart);
  return cart;
}

/** Runs `change` after every change already queued. */
function serial(change) {
  const run = queue.then(change, change);
  queue = run.catch(() => {});
  return run;
}

/** Resolves once every change queued so far has been answered (failed ones too). */
export const settled = () => queue;

/** The cart, priced now. */
export const load = () => api.get('/cart').then(seen);

/**
 * Applies `edit(lines)` (an array of `{ sku, quantity }` to change in place or return anew)
 * to the cart as the server has it now, and saves it. Lines that can no longer be ordered are
 * left out, since the cart may only hold orderable products. Resolves to the saved cart.
 */
export function update(edit) {
  return serial(async () => {
    const cart = await api.get('/cart');
    const lines = cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
    const edited = edit(lines) || lines;
    return seen(await api.put('/cart', { lines: edited, notes: cart.notes }));
  });
}

/**
 * Adds `quantity` of `sku` (to the line that has it, if any, up to the most a line may hold).
 * Resolves to `{ cart, added, quantity }`: how many were added in fact and how many the line
 * holds now, so a capped line can be said.
 */
export async function add(sku, quantity) {
  let before = 0;
  const cart = await update((lines) => {
    const line = lines.find((l) => l.sku === sku);
    before = line ? line.quantity : 0;
    if (line) line.quantity = Math.min(MAX_QUANTITY, line.quantity + quantity);
    else lines.push({ sku, quantity });
  });
  const now = cart.lines.find((l) => l.sku === sku)?.quantity || 0;
  return { cart, added: now - before, quantity: now };
}

/** Sets the quantity of a line; 0 removes it. */
export function setQuantity(sku, quantity) {
  return update((lines) => {
    if (quantity <= 0) return lines.filter((l) => l.sku !== sku);
    const line = lines.find((l) => l.sku === sku);
    if (line) line.quantity = quantity;
    else lines.push({ sku, quantity });
    return lines;
  });
}

/** Forgets the cart (it became an order). */
export function emptied() {
  seen({ lines: [], unavailable: [] });
}
