//! The seller's side of orders beyond deciding them: placing an order into a customer's
//! account on its behalf, and editing a requested order's lines and notes.

use super::changes::{changes, summary};
use super::decide::DecideError;
use super::delivery::{DeliveryRequest, SellerClock, delivery};
use super::lines::{LineBody, check_answers, parse_lines, price_lines};
use super::submit::{CartChanged, NewOrder, Placing, order_audit, place, unexpected};
use super::{
    Order, OrderEvent, OrderEventKind, OrderStatus, OrderStore, OrderStoreError, OrderWrite,
};
use crate::actor::{CreatedBy, Principal};
use crate::addresses::AddressStore;
use crate::catalog::CatalogStore;
use crate::customers::{ClosedAccount, CustomerStore, open_account};
use crate::domain::{FieldError, Timestamp, Validator, bounded_text, multiline_text};
use crate::error::Unexpected;
use crate::idempotency::{self, Idempotency, IdempotencyStore, KeyReusedWithOtherRequest, Written};
use crate::ids::{CustomerId, OrderId};
use crate::outbox::{EmailMessage, OrderSummary, OutboxItem, Recipient};
use crate::portal::Portal;
use crate::reads::{ItemRef, Prefetch, Reads};
use crate::teams::{Routed, TeamStore};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Body of `POST /admin/customers/{customer_id}/orders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminOrderBody {
    pub lines: Vec<LineBody>,
    /// `requested` (into the queue) or `confirmed` (already agreed with the customer).
    pub status: String,
    pub notes: Option<String>,
    pub answers: Option<BTreeMap<String, String>>,
    /// An email to the customer in the admin's own words; none is sent without it.
    pub notify: Option<NotifyBody>,
    /// An address of the account's book, copied onto the order as `ship_to`.
    pub ship_to_address_id: Option<String>,
    /// `YYYY-MM-DD`, not before the seller's today.
    pub requested_delivery_date: Option<String>,
}

/// The admin's own email to the customer about an order placed for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyBody {
    pub subject: String,
    pub message: String,
}

/// Body of `PATCH /admin/orders/{order_id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    pub lines: Option<Vec<LineBody>>,
    /// New notes; an empty string removes them.
    pub notes: Option<String>,
    /// The version the admin saw; a stale one is a conflict.
    pub version: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminOrderError {
    #[error(transparent)]
    Account(#[from] ClosedAccount),
    #[error("invalid order")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    KeyReused(#[from] KeyReusedWithOtherRequest),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// An admin's order into an account never comes from its cart, so no cart can change under it.
impl From<CartChanged> for AdminOrderError {
    fn from(e: CartChanged) -> Self {
        Unexpected::caused_by("an admin's order is not placed from a cart", e).into()
    }
}

/// Places an order into `customer_id`'s account, priced at its tier now: `requested` joins
/// the queue, `confirmed` is agreed at once. Required checkout questions are not enforced (the
/// admin answers what they know); answers given must still fit. With `notify`, the customer's
/// address gets the admin's subject and message in the same transaction as the order. The
/// order is assigned to the account's team, whose addresses get the new-request email when it
/// joins the queue (`requested`).
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn create_order_for_customer<S>(
    store: &S,
    admin: &Principal,
    customer_id: &CustomerId,
    body: AdminOrderBody,
    idempotency: Option<&Idempotency>,
    (portal, clock): (&Portal, &SellerClock),
) -> Result<Written<Order>, AdminOrderError>
where
    S: OrderStore + CatalogStore + CustomerStore + AddressStore + IdempotencyStore + TeamStore,
{
    if let Some(first) = idempotency::replay_of::<_, AdminOrderError>(store, idempotency).await? {
        return Ok(Written::Replayed(first));
    }
    let customer = open_account::<_, AdminOrderError>(store, customer_id).await?;
    let mut v = Validator::default();
    let status = match body.status.as_str() {
        "requested" => OrderStatus::Requested,
        "confirmed" => OrderStatus::Confirmed,
        _ => {
            v.push("status", "must be requested or confirmed");
            OrderStatus::Requested
        }
    };
    let lines = parse_lines(&mut v, &body.lines, false);
    let notes = v.optional("notes", body.notes.as_deref(), |n| bounded_text(n, 0, 2000));
    let questions = store.questions().await?.questions;
    let answers = check_answers(&mut v, &questions, &body.answers.unwrap_or_default(), false);
    let asked = DeliveryRequest {
        ship_to_address_id: body.ship_to_address_id.as_deref(),
        requested_delivery_date: body.requested_delivery_date.as_deref(),
    };
    let (ship_to, requested_delivery_date) =
        delivery(&mut v, store, &customer.customer_id, asked, clock).await?;
    let notify = body.notify.as_ref().and_then(|n| {
        let subject = v.check("notify.subject", bounded_text(&n.subject, 1, 200));
        let message = v.check("notify.message", multiline_text(&n.message, 1, 5000));
        subject.zip(message)
    });
    v.finish(|| ()).map_err(AdminOrderError::Invalid)?;

    let pricing = price_lines(store, customer.price_tier_id.as_ref(), &lines).await?;
    let (lines, total) = pricing.orderable().map_err(AdminOrderError::Invalid)?;
    // An admin who places a request has chosen that a person decides it.
    let routed = Routed {
        confirmed_by: None,
        ..store.teams().await?.route(&customer, total)
    };
    let draft = NewOrder {
        customer: &customer,
        lines,
        total,
        notes,
        answers,
        ship_to,
        requested_delivery_date,
        by: CreatedBy::admin(admin),
        status,
        routed,
    };
    place(store, idempotency, |number| {
        let order = draft.numbered(number);
        let team = draft
            .routed
            .assignment
            .as_ref()
            .filter(|_| status == OrderStatus::Requested)
            .map(|a| a.notify_emails.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|to| {
                let message = EmailMessage::OrderRequested {
                    customer_name: customer.name.as_str().to_owned(),
                    login_name: admin.email.clone().unwrap_or_else(|| "An admin".into()),
                    order_number: order.order_number.to_string(),
                    total: order.total.to_string(),
                    line_count: order.lines.len(),
                    order_url: portal.admin_order_url(&order.order_id),
                    summary: summary(&order, &questions),
                    confirmed_by_rule: None,
                };
                OutboxItem::new(to.clone(), message, Timestamp::now())
            });
        let outbox: Vec<OutboxItem> = notify
            .iter()
            .map(|(subject, message)| {
                OutboxItem::new(
                    customer.email.clone(),
                    EmailMessage::OrderPlacedForYou {
                        customer_name: customer.name.as_str().to_owned(),
                        subject: subject.clone(),
                        message: message.clone(),
                        order_number: order.order_number.to_string(),
                        total: order.total.to_string(),
                        line_count: order.lines.len(),
                        confirmed: status == OrderStatus::Confirmed,
                        order_url: portal.order_url(&order.order_id),
                        summary: summary(&order, &questions),
                    },
                    Timestamp::now(),
                )
            })
            .collect();
        let mut audit = order_audit(
            admin,
            &order,
            serde_json::json!({ "status": order.status.as_str(), "notified": !outbox.is_empty() }),
        );
        "order.created".clone_into(&mut audit.action);
        let outbox = outbox.into_iter().chain(team).collect();
        Placing {
            record: idempotency.map(|i| i.created(&order, Timestamp::now())),
            order,
            outbox,
            audit: Some(audit),
            clear_cart: None,
        }
    })
    .await
}

fn stale(current: &Order) -> DecideError {
    DecideError::Conflict(format!(
        "Order {} was changed meanwhile (it is now at version {}, {}). Reload it and try again.",
        current.order_number,
        current.version,
        current.status.as_str()
    ))
}

/// Edits a `requested` order's lines (re-priced at the customer's tier now, like a new quote)
/// and notes, only if it is still at `version`. The history says what changed, line by line,
/// and so does an email to the account's logins; an edit that changes nothing writes nothing
/// and answers the order as it is.
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn edit_order<S: OrderStore + CatalogStore + CustomerStore + Prefetch>(
    store: &S,
    admin: &Principal,
    id: &OrderId,
    body: EditBody,
    portal: &Portal,
) -> Result<Order, DecideError> {
    let store = &store
        .prefetch(&Reads::of([ItemRef::Order(id.clone()), ItemRef::Questions]))
        .await?;
    let before = store.order(id).await?.ok_or(DecideError::NotFound)?;
    if before.status != OrderStatus::Requested {
        return Err(DecideError::Conflict(format!(
            "Order {} is {}: only a requested order can be edited.",
            before.order_number,
            before.status.as_str()
        )));
    }
    if before.version != body.version {
        return Err(stale(&before));
    }
    let mut v = Validator::default();
    let lines = body
        .lines
        .as_deref()
        .map(|raw| parse_lines(&mut v, raw, false));
    let notes = body
        .notes
        .as_deref()
        .map(|n| v.check("notes", bounded_text(n, 0, 2000)));
    if lines.is_none() && notes.is_none() {
        v.push("body", "send lines or notes to change");
    }
    v.finish(|| ()).map_err(DecideError::Invalid)?;

    let mut after = before.clone();
    if let Some(lines) = lines {
        let customer = store
            .customer(&before.customer_id)
            .await?
            .ok_or_else(|| Unexpected::new("an order of a customer that does not exist"))?;
        let pricing = price_lines(store, customer.price_tier_id.as_ref(), &lines).await?;
        let (lines, total) = pricing.orderable().map_err(DecideError::Invalid)?;
        after.lines = lines;
        after.total = total;
    }
    if let Some(Some(n)) = notes {
        after.notes = (!n.is_empty()).then_some(n);
    }
    let changed = changes(&before, &after);
    if changed.is_empty() {
        return Ok(before);
    }
    after.history.push(OrderEvent {
        event: OrderEventKind::Edited,
        at: Timestamp::now(),
        by: CreatedBy::admin(admin),
        note: Some(changed.join("; ")),
        rule: None,
    });
    after.version += 1;
    let audit = order_audit(
        admin,
        &after,
        serde_json::json!({ "changed": changed, "version": after.version }),
    );
    let told = [OutboxItem::to(
        Recipient::LoginsOf(after.customer_id.clone()),
        EmailMessage::OrderEdited {
            login_name: String::new(),
            order_number: after.order_number.to_string(),
            order_url: portal.order_url(&after.order_id),
            summary: OrderSummary {
                changes: changed,
                ..summary(&after, &store.questions().await?.questions)
            },
        },
        Timestamp::now(),
    )];
    match store
        .put_order(OrderWrite::change(&before, &after, &told, Some(&audit)))
        .await
    {
        Ok(()) => Ok(after),
        Err(OrderStoreError::Stale | OrderStoreError::Contention) => {
            Err(stale(&store.order(id).await?.unwrap_or(before)))
        }
        Err(e) => Err(unexpected(e).into()),
    }
}
