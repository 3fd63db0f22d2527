// "Order again": one of the account's orders back into the cart at today's prices
// (`POST /orders/{id}/reorder`), then to the cart, saying what could not be added.

import * as api from './api.js';
import * as cart from './cart-store.js';
import { h, busy, toast } from './ui.js';
import { navigate } from './router.js';

/** Names the lines of a cart answer that could not be added (products no longer sold). */
export function unavailableText(unavailable) {
  if (!unavailable?.length) return '';
  const skus = unavailable.map((l) => l.sku).join(', ');
  return ` No longer sold, so not added: ${skus}.`;
}

/** A button that puts order `order` (with `order_id`, `order_number`) into the cart again. */
export function orderAgainButton(order, { onError } = {}) {
  const button = h('button', { type: 'button', 'data-testid': 'order-again' }, 'Order again');
  button.setAttribute('aria-label', `Order ${order.order_number} again`);
  button.addEventListener('click', () => busy(button, 'Adding…', async () => {
    try {
      const answer = await api.post(`/orders/${api.seg(order.order_id)}/reorder`);
      await cart.load();
      toast(`The lines of ${order.order_number} are in your cart at today's prices.${unavailableText(answer.unavailable)}`, 'ok', { next: true });
      navigate('/cart');
    } catch (error) {
      if (onError) onError(error);
      else toast(error.message, 'error');
    }
  }));
  return button;
}
