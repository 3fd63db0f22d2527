// One of the account's orders (`#/orders/{id}`, the link in order emails): its status,
// lines, answers and history; cancel while it is still requested.

import { h, replace, loading, errorBox, confirmDialog, busy, toast } from '../../ui.js';
import * as api from '../../api.js';
import { linesTable, summary, history } from '../../orders-view.js';

export default async function render(main, ctx) {
  ctx.title('Order');
  const body = h('div', {}, loading('Loading the order…'));
  main.append(h('p', { class: 'crumbs' }, h('a', { href: '#/orders' }, '← My orders')), body);
  await show(body, ctx);
}

async function show(body, ctx) {
  const id = ctx.params.order_id;
  let order;
  let questions = [];
  try {
    [order, questions] = await Promise.all([
      api.get(`/orders/${api.seg(id)}`),
      api.get('/checkout-questions').then((q) => q.questions || []).catch(() => []),
    ]);
  } catch (error) {
    replace(body, h('h1', {}, 'Order'), error.status === 404
      ? h('p', { role: 'alert' }, 'There is no such order in your account.')
      : errorBox(error, { retry: () => show(body, ctx) }));
    return;
  }
  ctx.title(`Order ${order.order_number}`);
  const feedback = h('div');
  let cancel = null;
  if (order.status === 'requested') {
    cancel = h('button', { type: 'button', class: 'danger' }, 'Cancel this order');
    cancel.addEventListener('click', async () => {
      const sure = await confirmDialog('Cancel this order?', `Order ${order.order_number} will be cancelled and the seller will not process it.`, { submit: 'Cancel the order', danger: true });
      if (!sure) return;
      await busy(cancel, 'Cancelling…', async () => {
        try {
          await api.post(`/orders/${api.seg(id)}/cancel`);
          toast(`Order ${order.order_number} is cancelled.`);
          await show(body, ctx);
        } catch (error) {
          replace(feedback, errorBox(error));
        }
      });
    });
  }
  replace(body,
    h('div', { class: 'page-head' }, h('h1', {}, `Order ${order.order_number}`)),
    feedback,
    summary(order, { questions }),
    linesTable(order),
    cancel && h('div', { class: 'actions' }, cancel),
    history(order));
}
