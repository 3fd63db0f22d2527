// One of the account's orders (`#/orders/{id}`, the link in order emails): its status,
// lines, answers and history; cancel while it is still requested.

import { h, replace, errorBox, confirmDialog, busy, toast } from '../../ui.js';
import * as api from '../../api.js';
import { linesTable, summary, history, orderPage, readOrder } from '../../orders-view.js';
import { orderAgainButton } from '../../reorder.js';

export default async function render(main, ctx) {
  await orderPage(main, ctx, ['#/orders', '← My orders'], show);
}

async function show(body, ctx) {
  const id = ctx.params.order_id;
  const read = await readOrder(body, {
    path: `/orders/${api.seg(id)}`,
    questions: '/checkout-questions',
    missing: 'There is no such order in your account.',
    retry: () => show(body, ctx),
  });
  if (!read) return;
  const { order, questions } = read;
  ctx.title(`Order ${order.order_number}`);
  const feedback = h('div');
  let cancel = null;
  if (order.status === 'requested') {
    cancel = h('button', { type: 'button', class: 'danger' }, 'Cancel this order');
    cancel.addEventListener('click', async () => {
      const sure = await confirmDialog('Cancel this order?', `Order ${order.order_number} will be cancelled and the seller will not process it.`, { submit: 'Cancel the order', cancel: 'Keep the order', danger: true });
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
    h('div', { class: 'actions' }, orderAgainButton(order, { onError: (error) => replace(feedback, errorBox(error)) }), cancel),
    history(order));
}
