// The seller's rules in words, for the Teams page that edits them and the order page whose
// history names the rule that assigned or confirmed an order.

import { moneyInput } from './ui.js';

/**
 * A rule's amount with its currency code ("EUR 100.00"): a rule is a setting read beside
 * others in several currencies' worth of prices, so the code says which it is.
 */
export function amount(value) {
  return value ? `${value.currency} ${moneyInput(value)}` : '';
}

/**
 * What a routing rule's `match` asks for: "tag vip · total ≥ EUR 100.00". `customer(id)` names
 * a customer (the id by default); a match naming nothing is "every request".
 */
export function matchWords(match = {}, { customer = (id) => `customer ${id}` } = {}) {
  const parts = [];
  if (match.customer_tag) parts.push(`tag ${match.customer_tag}`);
  if (match.customer_id) parts.push(customer(match.customer_id));
  if (match.min_total) parts.push(`total ≥ ${amount(match.min_total)}`);
  return parts.length ? parts.join(' · ') : 'every request';
}

/** An automatic confirmation rule: "tag trusted, up to EUR 500.00" or "tag trusted, any total". */
export function autoConfirmWords(rule = {}) {
  return `tag ${rule.customer_tag}, ${rule.max_total ? `up to ${amount(rule.max_total)}` : 'any total'}`;
}

/** Minutes from now until `iso`, rounded down; negative once it has passed. */
export function minutesUntil(iso, now = Date.now()) {
  return Math.floor((new Date(iso).getTime() - now) / 60_000);
}

/** "1 h 20 min left", "12 min left", "less than a minute left". */
export function timeLeft(minutes) {
  if (minutes < 1) return 'less than a minute left';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (!hours) return `${rest} min left`;
  return rest ? `${hours} h ${rest} min left` : `${hours} h left`;
}
