//! The seller's side of orders beyond deciding them: placing an order into a customer's
//! account on its behalf, and editing a requested order's lines and notes.

use super::order::{
    self, CreatedBy, DecideError, Order, OrderEvent, OrderId, OrderStatus, OrderStore,
    SubmitStoreError, Submitted, formatted, new_order,
};
use super::{LineBody, PricingError, parse_lines, price_lines, unavailable_errors};
use crate::actor::Principal;
use crate::catalog::CatalogStore;
use crate::customers::{Customer, CustomerId};
use crate::domain::{FieldError, Timestamp, Validator, bounded_text, multiline_text};
use crate::idempotency::{Idempotency, KeyReusedWithOtherRequest};
use crate::logins::LoginStore;
use crate::outbox::{EmailMessage, OutboxItem};
use crate::store::Unexpected;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Body of `POST /admin/customers/{customer_id}/orders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminOrderBody {
    pub lines: Vec<LineBody>,
    /// `requested` (into the queue) or `confirmed` (already agreed with the customer).
    pub status: String,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub answers: Option<BTreeMap<String, String>>,
    /// An email to the customer in the admin's own words; none is sent without it.
    #[serde(default)]
    pub notify: Option<NotifyBody>,
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
    #[serde(default)]
    pub lines: Option<Vec<LineBody>>,
    /// New notes; an empty string removes them.
    #[serde(default)]
    pub notes: Option<String>,
    /// The version the admin saw; a stale one is a conflict.
    pub version: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminOrderError {
    #[error("no such customer")]
    CustomerNotFound,
    #[error("the customer is deleted")]
    CustomerDeleted,
    #[error("invalid order")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    KeyReused(#[from] KeyReusedWithOtherRequest),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

fn pricing_error(e: PricingError) -> Vec<FieldError> {
    match e {
        PricingError::Invalid(errors) => errors,
        PricingError::Unexpected(_) => Vec::new(),
    }
}

/// Places an order into `customer_id`'s account, priced at its tier now: `requested` joins
/// the queue, `confirmed` is agreed at once. Required checkout questions are not enforced (the
/// admin answers what they know); answers given must still fit. With `notify`, the customer's
/// address gets the admin's subject and message in the same transaction as the order.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn create_order_for_customer<S: OrderStore + CatalogStore + LoginStore>(
    store: &S,
    admin: &Principal,
    customer_id: &CustomerId,
    body: AdminOrderBody,
    idempotency: Option<&Idempotency>,
    order_url: impl Fn(&str) -> String,
) -> Result<Submitted, AdminOrderError> {
    if let Some(i) = idempotency
        && let Some(earlier) = store.find_order_idempotency(i.scope()).await?
    {
        return Ok(Submitted::Replayed(i.replay(&earlier)?));
    }
    let customer: Customer = store
        .customer(customer_id)
        .await?
        .ok_or(AdminOrderError::CustomerNotFound)?;
    if customer.is_deleted() {
        return Err(AdminOrderError::CustomerDeleted);
    }
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
    let notes = body
        .notes
        .as_deref()
        .and_then(|n| v.check("notes", bounded_text(n, 0, 2000)));
    let questions = store.order_questions().await?;
    let answers =
        order::check_answers(&mut v, &questions, &body.answers.unwrap_or_default(), false);
    let notify = body.notify.as_ref().and_then(|n| {
        let subject = v.check("notify.subject", bounded_text(&n.subject, 1, 200));
        let message = v.check("notify.message", multiline_text(&n.message, 1, 5000));
        subject.zip(message)
    });
    v.finish(|| ()).map_err(AdminOrderError::Invalid)?;

    let (number, priced) = futures::future::join(
        store.next_order_number(),
        price_lines(store, &customer, &lines),
    )
    .await;
    let number = number?;
    let (priced, unavailable) = match priced {
        Ok(p) => p,
        Err(PricingError::Unexpected(u)) => return Err(u.into()),
        Err(e) => return Err(AdminOrderError::Invalid(pricing_error(e))),
    };
    if !unavailable.is_empty() {
        return Err(AdminOrderError::Invalid(unavailable_errors(&unavailable)));
    }
    let total = priced.total.ok_or_else(|| {
        AdminOrderError::Invalid(vec![FieldError::new("lines", "must not be empty")])
    })?;
    let order = new_order(
        number,
        &customer,
        priced.lines,
        total,
        notes,
        answers,
        CreatedBy::admin(admin),
        status,
    );
    let outbox: Vec<OutboxItem> = notify
        .map(|(subject, message)| {
            OutboxItem::new(
                customer.email.clone(),
                EmailMessage::OrderPlacedForYou {
                    customer_name: customer.name.as_str().to_owned(),
                    subject,
                    message,
                    order_number: order.order_number.clone(),
                    total: formatted(&order.total),
                    line_count: order.lines.len(),
                    confirmed: status == OrderStatus::Confirmed,
                    order_url: order_url(&order.order_id),
                },
                Timestamp::now(),
            )
        })
        .into_iter()
        .collect();
    let record = idempotency.map(|i| {
        i.record(
            201,
            serde_json::to_string(&order).expect("serialises"),
            Timestamp::now(),
        )
    });
    let mut audit = order::order_audit(
        admin,
        &order,
        serde_json::json!({ "status": order.status.as_str(), "notified": !outbox.is_empty() }),
    );
    "order.created".clone_into(&mut audit.action);
    match store
        .insert_order(&order, record.as_ref(), &outbox, Some(&audit), false)
        .await
    {
        Ok(()) => Ok(Submitted::New(Box::new(order))),
        Err(SubmitStoreError::KeyTaken) => {
            let i = idempotency.ok_or_else(|| Unexpected::new("key taken without a key"))?;
            match store.find_order_idempotency(i.scope()).await? {
                Some(earlier) => Ok(Submitted::Replayed(i.replay(&earlier)?)),
                None => Err(Unexpected::new("idempotency record vanished").into()),
            }
        }
        Err(e) => Err(Unexpected::new(e).into()),
    }
}

/// Edits a `requested` order's lines (re-priced at the customer's tier now, like a new quote)
/// and notes, only if it is still at `version`.
#[tracing::instrument(skip_all, fields(order_id = %id.as_str()))]
pub async fn edit_order<S: OrderStore + CatalogStore + LoginStore>(
    store: &S,
    admin: &Principal,
    id: &OrderId,
    body: EditBody,
) -> Result<Order, DecideError> {
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
    let mut changed = Vec::new();
    if let Some(lines) = lines {
        let customer_id = CustomerId::parse(&before.customer_id)
            .ok_or_else(|| Unexpected::new("order with a bad customer id"))?;
        let customer = store
            .customer(&customer_id)
            .await?
            .ok_or_else(|| Unexpected::new("order of a customer that does not exist"))?;
        let (priced, unavailable) = match price_lines(store, &customer, &lines).await {
            Ok(p) => p,
            Err(PricingError::Unexpected(u)) => return Err(u.into()),
            Err(e) => return Err(DecideError::Invalid(pricing_error(e))),
        };
        if !unavailable.is_empty() {
            return Err(DecideError::Invalid(unavailable_errors(&unavailable)));
        }
        after.total = priced.total.ok_or_else(|| {
            DecideError::Invalid(vec![FieldError::new("lines", "must not be empty")])
        })?;
        after.lines = priced.lines;
        changed.push("lines");
    }
    if let Some(Some(n)) = notes {
        after.notes = (!n.is_empty()).then_some(n);
        changed.push("notes");
    }
    after.history.push(OrderEvent {
        event: "edited".into(),
        at: Timestamp::now().to_string(),
        by: CreatedBy::admin(admin),
        note: Some(changed.join(", ")),
    });
    after.version += 1;
    let audit = order::order_audit(
        admin,
        &after,
        serde_json::json!({ "changed": changed, "version": after.version }),
    );
    match store
        .replace_order(&before, &after, &[], Some(&audit))
        .await
    {
        Ok(()) => Ok(after),
        Err(SubmitStoreError::Stale | SubmitStoreError::Contention) => {
            Err(stale(&store.order(id).await?.unwrap_or(before)))
        }
        Err(e) => Err(Unexpected::new(e).into()),
    }
}

fn stale(current: &Order) -> DecideError {
    DecideError::Conflict(format!(
        "Order {} was changed meanwhile (it is now at version {}, {}). Reload it and try again.",
        current.order_number,
        current.version,
        current.status.as_str()
    ))
}
