// The line under a portal page's heading: which account this is, at which prices, and
// whether it may order (from `GET /me`).

import { h, replace } from '../../ui.js';
import * as api from '../../api.js';

let cached = null;

/** `GET /me`, read once per page view at most (the account may change between pages). */
export function me({ fresh = false } = {}) {
  if (fresh || !cached) cached = api.get('/me').catch((error) => {
    cached = null;
    throw error;
  });
  return cached;
}

/** A paragraph filled in once `/me` answers; `onMe(me)` runs then too. */
export function accountLine(onMe) {
  const line = h('p', { class: 'muted account-line' });
  me({ fresh: true }).then((m) => {
    replace(line,
      'Ordering for ', h('strong', {}, m.customer.name),
      m.customer.tier_name ? ` · prices of the “${m.customer.tier_name}” tier` : ' · list prices');
    if (!m.customer.ordering_enabled) {
      line.after(h('p', { class: 'notice', role: 'status' },
        'Ordering is switched off for your account at the moment, so orders cannot be submitted. Contact the seller to switch it on.'));
    }
    onMe?.(m);
  }).catch(() => {
    // The page's own calls show what went wrong.
  });
  return line;
}
