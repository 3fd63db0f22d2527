// The account's cart on the server (`GET`/`PUT /cart`, the whole cart each time), with the
// changes of this tab made one after another so two quick "Add to cart" clicks both count.

import * as api from './api.js';

let count = 0;
const listeners = new Set();
let queue = Promise.resolve();

/** How many lines the cart had when last read, for the "Cart (n)" link. */
export const cartCount = () => count;

export function onCartCount(listener) {
  listeners.add(listener);
}

function seen(cart) {
  const n = cart.lines.length + cart.unavailable.length;
  if (n !== count) {
    count = n;
    for (const listener of listeners) listener(n);
  }
  return cart;
}

/** Runs `change` after every change already queued. */
function serial(change) {
  const run = queue.then(change, change);
  queue = run.catch(() => {});
  return run;
}

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

/** Adds `quantity` of `sku` (to the line that has it, if any). */
export function add(sku, quantity) {
  return update((lines) => {
    const line = lines.find((l) => l.sku === sku);
    if (line) line.quantity = Math.min(10_000, line.quantity + quantity);
    else lines.push({ sku, quantity });
  });
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

/** Forgets the count (the cart became an order). */
export function emptied() {
  seen({ lines: [], unavailable: [] });
}
