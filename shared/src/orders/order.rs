//! An order request: lines priced at submission, numbered from an atomic counter, written with
//! its idempotency record and the seller's email in one transaction.

use super::{Line, LineBody, PricedLine, parse_lines, price_lines, unavailable_errors};
use crate::audit::AuditEntry;
use crate::catalog::{CatalogStore, CheckoutQuestion, QuestionKind};
use crate::customers::{Customer, CustomerId};
use crate::domain::{FieldError, Money, Timestamp, Validator, bounded_text};
use crate::dynamo::attr::{Item, Reader, n, s};
use crate::idempotency::{
    Idempotency, IdempotencyRecord, KeyReusedWithOtherRequest, StoredResponse,
};
use crate::outbox::{EmailMessage, OutboxItem, Recipient};
use crate::page::{Page, PageRequest};
use crate::session::Session;
use crate::store::Unexpected;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// Opaque id of an order: `ord_` and a time-ordered UUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct OrderId(String);

impl OrderId {
    pub fn generate() -> Self {
        Self(format!("ord_{}", uuid::Uuid::now_v7().simple()))
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let rest = raw.strip_prefix("ord_")?;
        (rest.len() == 32 && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The human-readable order number, `SO-000123`, from an atomic counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderNumber(pub u64);

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SO-{:06}", self.0)
    }
}

impl serde::Serialize for OrderNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where an order is: `requested` when submitted, then `confirmed` or `rejected` by the seller,
/// or `cancelled` by the customer while still requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Requested,
    Confirmed,
    Rejected,
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "requested" => Some(Self::Requested),
            "confirmed" => Some(Self::Confirmed),
            "rejected" => Some(Self::Rejected),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// Who created or changed an order: a customer login, or an admin (acting as a login, when
/// `acting_as` names it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CreatedBy {
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_as: Option<String>,
}

impl CreatedBy {
    pub fn customer(login_id: impl Into<String>) -> Self {
        Self {
            kind: "customer".into(),
            id: login_id.into(),
            acting_as: None,
        }
    }

    pub fn admin(admin: &crate::actor::Principal) -> Self {
        Self {
            kind: "admin".into(),
            id: admin.sub.clone(),
            acting_as: None,
        }
    }
}

/// An order as stored and as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Order {
    pub order_id: OrderIdWire,
    pub order_number: String,
    pub customer_id: String,
    /// The account's name when the order was placed, for lists that show many accounts.
    #[serde(default)]
    pub customer_name: Option<String>,
    pub status: OrderStatus,
    pub lines: Vec<PricedLine>,
    pub total: Money,
    pub notes: Option<String>,
    pub answers: BTreeMap<String, String>,
    pub created_by: CreatedBy,
    pub assigned_team: Option<String>,
    pub created_at: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub reject_reason: Option<String>,
    /// What happened to it, oldest first: submitted, cancelled, confirmed, rejected — who and when.
    #[serde(default)]
    pub history: Vec<OrderEvent>,
    pub version: u64,
}

/// One step in an order's life.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderEvent {
    pub event: String,
    pub at: String,
    pub by: CreatedBy,
    /// What an `edited` event changed, or why a `rejected` one happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An order id as it travels in JSON.
pub type OrderIdWire = String;

/// Body of `POST /orders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    #[serde(default)]
    pub lines: Option<Vec<LineBody>>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub answers: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub from_cart: Option<bool>,
}

/// The order's items and key formats.
///
/// | item | PK | SK | GSI1PK / GSI1SK | GSI2PK / GSI2SK |
/// |---|---|---|---|---|
/// | order | `ORDER#<id>` | `ORDER` | `CUSTORDERS#<customer id>` / `<created>#<id>` | `ORDERSTATUS#<status>` / `<submitted>#<id>` |
/// | order-number counter | `COUNTER#ORDER` | `COUNTER` | | |
pub mod item {
    use super::*;

    pub const SK: &str = "ORDER";

    pub fn pk(id: &str) -> String {
        format!("ORDER#{id}")
    }

    pub fn customer_orders_pk(c: &CustomerId) -> String {
        format!("CUSTORDERS#{c}")
    }

    pub fn status_pk(s: OrderStatus) -> String {
        format!("ORDERSTATUS#{}", s.as_str())
    }

    pub const COUNTER_PK: &str = "COUNTER#ORDER";
    pub const COUNTER_SK: &str = "COUNTER";

    pub fn to_item(o: &Order) -> Item {
        Item::from([
            ("PK".into(), s(pk(&o.order_id))),
            ("SK".into(), s(SK)),
            ("GSI1PK".into(), s(format!("CUSTORDERS#{}", o.customer_id))),
            (
                "GSI1SK".into(),
                s(format!("{}#{}", o.created_at, o.order_id)),
            ),
            ("GSI2PK".into(), s(status_pk(o.status))),
            (
                "GSI2SK".into(),
                s(format!(
                    "{}#{}",
                    o.submitted_at.as_deref().unwrap_or(&o.created_at),
                    o.order_id
                )),
            ),
            ("type".into(), s("order")),
            ("order_id".into(), s(&o.order_id)),
            ("status".into(), s(o.status.as_str())),
            ("customer_id".into(), s(&o.customer_id)),
            (
                "document".into(),
                s(serde_json::to_string(o).expect("an order serialises")),
            ),
            ("version".into(), n(o.version)),
        ])
    }

    pub fn from_item(item: &Item) -> Result<Order, Unexpected> {
        Reader(item)
            .json("document")?
            .ok_or_else(|| Unexpected::new("order item without its document"))
    }
}

/// Where orders are kept.
#[async_trait::async_trait]
pub trait OrderStore: Send + Sync {
    /// The next order number (an atomic counter; numbers of failed submissions are skipped).
    async fn next_order_number(&self) -> Result<OrderNumber, Unexpected>;
    /// Writes a new order with its idempotency record, emails and audit entry, and empties
    /// the cart when the order came from it; all or none.
    async fn insert_order(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
        outbox: &[OutboxItem],
        audit: Option<&AuditEntry>,
        clear_cart: bool,
    ) -> Result<(), SubmitStoreError>;
    async fn order(&self, id: &OrderId) -> Result<Option<Order>, Unexpected>;
    async fn customer_orders(
        &self,
        customer: &CustomerId,
        status: Option<OrderStatus>,
        page: &PageRequest,
    ) -> Result<Page<Order>, SubmitStoreError>;
    async fn find_order_idempotency(
        &self,
        scope: &str,
    ) -> Result<Option<IdempotencyRecord>, Unexpected>;
    async fn order_questions(&self) -> Result<Vec<CheckoutQuestion>, Unexpected>;
    /// The cart's lines and notes.
    async fn cart_lines(
        &self,
        customer: &CustomerId,
    ) -> Result<(Vec<Line>, Option<String>), Unexpected>;
    /// Replaces `before` by `after` only if `before`'s status and version are still stored, with
    /// the emails the change sends; `Stale` otherwise.
    async fn replace_order(
        &self,
        before: &Order,
        after: &Order,
        outbox: &[OutboxItem],
        audit: Option<&AuditEntry>,
    ) -> Result<(), SubmitStoreError>;
    /// Orders in `status`, newest first.
    async fn orders_in_status(
        &self,
        status: OrderStatus,
        page: &PageRequest,
    ) -> Result<Page<Order>, SubmitStoreError>;
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitStoreError {
    #[error("the idempotency key was taken meanwhile")]
    KeyTaken,
    #[error("the order changed meanwhile")]
    Stale,
    #[error("another write was under way")]
    Contention,
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("ordering is not enabled for this customer account")]
    OrderingDisabled,
    #[error("invalid order")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    KeyReused(#[from] KeyReusedWithOtherRequest),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// A new order, or the replay of the first answer to the same key.
#[derive(Debug)]
pub enum Submitted {
    New(Box<Order>),
    Replayed(StoredResponse),
}

pub(crate) fn check_answers(
    v: &mut Validator,
    questions: &[CheckoutQuestion],
    answers: &BTreeMap<String, String>,
    enforce_required: bool,
) -> BTreeMap<String, String> {
    let mut kept = BTreeMap::new();
    for q in questions {
        let field = format!("answers.{}", q.question_id);
        match answers
            .get(&q.question_id)
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            None if q.required && enforce_required => {
                v.push(field, format!("is required: {}", q.label))
            }
            None => {}
            Some(a) if q.kind == QuestionKind::Choice && !q.choices.iter().any(|c| c == a) => {
                v.push(field, format!("must be one of: {}", q.choices.join(", ")));
            }
            Some(a) => {
                if let Some(a) = v.check(&field, bounded_text(a, 1, 500)) {
                    kept.insert(q.question_id.clone(), a);
                }
            }
        }
    }
    for id in answers
        .keys()
        .filter(|id| !questions.iter().any(|q| &q.question_id == *id))
    {
        v.push(
            format!("answers.{id}"),
            "is not a question asked at checkout",
        );
    }
    kept
}

/// A new order in `status`, created now by `by`; a `confirmed` one is decided at once.
#[allow(clippy::too_many_arguments)]
pub(crate) fn new_order(
    number: OrderNumber,
    customer: &Customer,
    lines: Vec<PricedLine>,
    total: Money,
    notes: Option<String>,
    answers: BTreeMap<String, String>,
    by: CreatedBy,
    status: OrderStatus,
) -> Order {
    let now = Timestamp::now().to_string();
    let first = if by.kind == "admin" && by.acting_as.is_none() {
        "created"
    } else {
        "submitted"
    };
    let mut history = vec![OrderEvent {
        event: first.into(),
        at: now.clone(),
        by: by.clone(),
        note: None,
    }];
    if status == OrderStatus::Confirmed {
        history.push(OrderEvent {
            event: "confirmed".into(),
            at: now.clone(),
            by: by.clone(),
            note: None,
        });
    }
    Order {
        order_id: OrderId::generate().as_str().to_owned(),
        order_number: number.to_string(),
        customer_id: customer.customer_id.as_str().to_owned(),
        customer_name: Some(customer.name.as_str().to_owned()),
        status,
        lines,
        total,
        notes: notes.filter(|n| !n.is_empty()),
        answers,
        created_by: by,
        assigned_team: customer
            .fulfillment_team
            .as_ref()
            .map(|t| t.as_str().to_owned()),
        created_at: now.clone(),
        submitted_at: Some(now.clone()),
        decided_at: (status == OrderStatus::Confirmed).then(|| now.clone()),
        reject_reason: None,
        history,
        version: 1,
    }
}

/// The audit entry of an admin's change to an order: `order.<its last event>`.
pub(crate) fn order_audit(
    admin: &crate::actor::Principal,
    order: &Order,
    mut details: serde_json::Value,
) -> AuditEntry {
    let event = order.history.last().map_or("changed", |e| e.event.as_str());
    if let Some(d) = details.as_object_mut() {
        d.insert("order_id".into(), order.order_id.clone().into());
        d.insert("order_number".into(), order.order_number.clone().into());
    }
    AuditEntry::by_admin(
        admin,
        Timestamp::now(),
        &format!("order.{event}"),
        CustomerId::parse(&order.customer_id).as_ref(),
        details,
    )
}

pub(crate) fn formatted(m: &Money) -> String {
    let (major, minor) = (m.amount() / 100, m.amount() % 100);
    format!("{} {major}.{minor:02}", m.currency())
}

/// Submits an order request for the signed-in login's account, priced at its tier now.
#[tracing::instrument(skip_all, fields(customer_id = %session.me.customer.customer_id))]
pub async fn submit_order<S: OrderStore + CatalogStore>(
    store: &S,
    session: &Session,
    body: SubmitBody,
    idempotency: &Idempotency,
    seller_email: &crate::domain::Email,
    admin_order_url: impl Fn(&str) -> String,
) -> Result<Submitted, SubmitError> {
    if let Some(earlier) = store.find_order_idempotency(idempotency.scope()).await? {
        return Ok(Submitted::Replayed(idempotency.replay(&earlier)?));
    }
    let me = &session.me;
    let customer: &Customer = &me.customer;
    if !customer.ordering_enabled {
        return Err(SubmitError::OrderingDisabled);
    }
    let mut v = Validator::default();
    let from_cart = body.from_cart.unwrap_or(false);
    let mut cart_notes = None;
    let lines = match (&body.lines, from_cart) {
        (Some(_), true) => {
            v.push("from_cart", "send either lines or from_cart, not both");
            Vec::new()
        }
        (Some(raw), false) => parse_lines(&mut v, raw, false),
        (None, true) => {
            let (lines, notes) = store.cart_lines(&customer.customer_id).await?;
            cart_notes = notes;
            if lines.is_empty() {
                v.push("from_cart", "the cart is empty");
            }
            lines
        }
        (None, false) => {
            v.push("lines", "are required (or send from_cart: true)");
            Vec::new()
        }
    };
    let notes = body
        .notes
        .or(cart_notes)
        .as_deref()
        .and_then(|n| v.check("notes", bounded_text(n, 0, 2000)));
    let questions = store.order_questions().await?;
    let answers = check_answers(&mut v, &questions, &body.answers.unwrap_or_default(), true);
    v.finish(|| ()).map_err(SubmitError::Invalid)?;

    let (number, priced) = futures::future::join(
        store.next_order_number(),
        price_lines(store, customer, &lines),
    )
    .await;
    let (number, (priced, unavailable)) = (
        number?,
        priced.map_err(|e| match e {
            super::PricingError::Invalid(errors) => SubmitError::Invalid(errors),
            super::PricingError::Unexpected(u) => SubmitError::Unexpected(u),
        })?,
    );
    if !unavailable.is_empty() {
        let mut errors = unavailable_errors(&unavailable);
        if from_cart {
            for e in &mut errors {
                e.message = format!("{} (it is in your cart)", e.message);
            }
        }
        return Err(SubmitError::Invalid(errors));
    }
    let total = priced
        .total
        .ok_or_else(|| SubmitError::Invalid(vec![FieldError::new("lines", "must not be empty")]))?;
    let order = new_order(
        number,
        customer,
        priced.lines,
        total,
        notes,
        answers,
        session.created_by(),
        OrderStatus::Requested,
    );
    let outbox = OutboxItem::new(
        seller_email.clone(),
        EmailMessage::OrderRequested {
            customer_name: customer.name.as_str().to_owned(),
            login_name: me.login.name.as_str().to_owned(),
            order_number: order.order_number.clone(),
            total: formatted(&order.total),
            line_count: order.lines.len(),
            order_url: admin_order_url(&order.order_id),
        },
        Timestamp::now(),
    );
    let record = idempotency.record(
        201,
        serde_json::to_string(&order).expect("serialises"),
        Timestamp::now(),
    );
    for attempt in 0..5u32 {
        match store
            .insert_order(
                &order,
                Some(&record),
                std::slice::from_ref(&outbox),
                None,
                from_cart,
            )
            .await
        {
            Ok(()) => return Ok(Submitted::New(Box::new(order))),
            Err(SubmitStoreError::KeyTaken) => {
                return match store.find_order_idempotency(idempotency.scope()).await? {
                    Some(earlier) => Ok(Submitted::Replayed(idempotency.replay(&earlier)?)),
                    None => Err(Unexpected::new("idempotency record vanished").into()),
                };
            }
            Err(SubmitStoreError::Contention) => {
                if let Some(earlier) = store.find_order_idempotency(idempotency.scope()).await? {
                    return Ok(Submitted::Replayed(idempotency.replay(&earlier)?));
                }
                tokio::time::sleep(std::time::Duration::from_millis(u64::from(
                    10 + attempt * 25,
                )))
                .await;
            }
            Err(e) => return Err(Unexpected::new(e).into()),
        }
    }
    Err(Unexpected::new("the order kept meeting concurrent writes").into())
}

#[derive(Debug, thiserror::Error)]
pub enum ReadOrderError {
    #[error("no such order")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// One of the customer's own orders; another account's is "not found".
pub async fn customer_order<S: OrderStore>(
    store: &S,
    customer: &CustomerId,
    id: &OrderId,
) -> Result<Order, ReadOrderError> {
    match store.order(id).await? {
        Some(o) if o.customer_id == customer.as_str() => Ok(o),
        _ => Err(ReadOrderError::NotFound),
    }
}

/// The customer's orders, newest first.
pub async fn customer_orders<S: OrderStore>(
    store: &S,
    customer: &CustomerId,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Order>, ReadOrderError> {
    let status = match status {
        None => None,
        Some(raw) => Some(OrderStatus::parse(raw).ok_or_else(|| {
            ReadOrderError::Invalid(vec![FieldError::new(
                "status",
                "must be requested, confirmed, rejected or cancelled",
            )])
        })?),
    };
    store
        .customer_orders(customer, status, page)
        .await
        .map_err(|e| match e {
            SubmitStoreError::BadCursor => ReadOrderError::Invalid(vec![FieldError::new(
                "cursor",
                "does not belong to this listing",
            )]),
            other => ReadOrderError::Unexpected(Unexpected::new(other)),
        })
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such order")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

fn moved(before: &Order, status: OrderStatus, event: &str, by: CreatedBy) -> Order {
    let now = Timestamp::now().to_string();
    let mut after = before.clone();
    after.status = status;
    after.decided_at = Some(now.clone());
    after.history.push(OrderEvent {
        event: event.to_owned(),
        at: now,
        by,
        note: None,
    });
    after.version += 1;
    after
}

fn not_requested(o: &Order) -> DecideError {
    DecideError::Conflict(format!(
        "Order {} is {} already; only a requested order can change.",
        o.order_number,
        o.status.as_str()
    ))
}

/// Cancels one of the customer's own orders while it is still `requested`.
pub async fn cancel_order<S: OrderStore>(
    store: &S,
    session: &Session,
    id: &OrderId,
) -> Result<Order, DecideError> {
    let me = &session.me;
    let before = match store.order(id).await? {
        Some(o) if o.customer_id == me.customer.customer_id.as_str() => o,
        _ => return Err(DecideError::NotFound),
    };
    if before.status != OrderStatus::Requested {
        return Err(not_requested(&before));
    }
    let after = moved(
        &before,
        OrderStatus::Cancelled,
        "cancelled",
        session.created_by(),
    );
    match store.replace_order(&before, &after, &[], None).await {
        Ok(()) => Ok(after),
        Err(SubmitStoreError::Stale | SubmitStoreError::Contention) => {
            Err(not_requested(&store.order(id).await?.unwrap_or(before)))
        }
        Err(e) => Err(Unexpected::new(e).into()),
    }
}

/// What an admin decides about a requested order.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Confirm it; with a version, only if it is still that version.
    Confirm {
        expected_version: Option<u64>,
    },
    Reject {
        reason: String,
    },
}

/// Confirms or rejects a requested order, exactly once: of concurrent decisions one wins and
/// the others are conflicts. Every active login of the customer is emailed the decision: one
/// outbox item that the notifier sends to each login it finds then.
#[tracing::instrument(skip_all, fields(order_id = %id.as_str()))]
pub async fn decide_order<S: OrderStore>(
    store: &S,
    admin: &crate::actor::Principal,
    id: &OrderId,
    decision: Decision,
    order_url: impl Fn(&str) -> String,
) -> Result<Order, DecideError> {
    let before = store.order(id).await?.ok_or(DecideError::NotFound)?;
    if before.status != OrderStatus::Requested {
        return Err(not_requested(&before));
    }
    let by = CreatedBy::admin(admin);
    let after = match &decision {
        Decision::Confirm { expected_version } => {
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(DecideError::Conflict(format!(
                    "Order {} was changed meanwhile (it is at version {}). Reload it and try again.",
                    before.order_number, before.version
                )));
            }
            moved(&before, OrderStatus::Confirmed, "confirmed", by)
        }
        Decision::Reject { reason } => {
            let reason = bounded_text(reason, 1, 1000)
                .map_err(|m| DecideError::Invalid(vec![FieldError::new("reason", m)]))?;
            let mut after = moved(&before, OrderStatus::Rejected, "rejected", by);
            if let Some(e) = after.history.last_mut() {
                e.note = Some(reason.clone());
            }
            after.reject_reason = Some(reason);
            after
        }
    };
    let customer_id = CustomerId::parse(&before.customer_id)
        .ok_or_else(|| Unexpected::new("order with a bad customer id"))?;
    let outbox = [OutboxItem::to(
        Recipient::LoginsOf(customer_id),
        EmailMessage::OrderDecided {
            login_name: String::new(),
            order_number: after.order_number.clone(),
            confirmed: after.status == OrderStatus::Confirmed,
            reason: after.reject_reason.clone(),
            order_url: order_url(&after.order_id),
        },
        Timestamp::now(),
    )];
    let audit = order_audit(
        admin,
        &after,
        serde_json::json!({ "version": after.version }),
    );
    match store
        .replace_order(&before, &after, &outbox, Some(&audit))
        .await
    {
        Ok(()) => Ok(after),
        Err(SubmitStoreError::Stale | SubmitStoreError::Contention) => {
            Err(DecideError::Conflict(format!(
                "Order {} was decided or changed by someone else just now.",
                before.order_number
            )))
        }
        Err(e) => Err(Unexpected::new(e).into()),
    }
}

/// The admin queue: orders in a status (default `requested`), newest first; or one customer's.
pub async fn admin_orders<S: OrderStore>(
    store: &S,
    status: Option<&str>,
    customer: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Order>, ReadOrderError> {
    let bad_status = || {
        ReadOrderError::Invalid(vec![FieldError::new(
            "status",
            "must be requested, confirmed, rejected or cancelled",
        )])
    };
    let status = status
        .map(|s| OrderStatus::parse(s).ok_or_else(bad_status))
        .transpose()?;
    let listed = match customer {
        Some(raw) => {
            let c = CustomerId::parse(raw).ok_or_else(|| {
                ReadOrderError::Invalid(vec![FieldError::new(
                    "customer_id",
                    "is not a customer id",
                )])
            })?;
            store.customer_orders(&c, status, page).await
        }
        None => {
            store
                .orders_in_status(status.unwrap_or(OrderStatus::Requested), page)
                .await
        }
    };
    listed.map_err(|e| match e {
        SubmitStoreError::BadCursor => ReadOrderError::Invalid(vec![FieldError::new(
            "cursor",
            "does not belong to this listing",
        )]),
        other => ReadOrderError::Unexpected(Unexpected::new(other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_read_as_so_and_six_digits() {
        assert_eq!(OrderNumber(123).to_string(), "SO-000123");
        assert_eq!(OrderNumber(1_234_567).to_string(), "SO-1234567");
    }

    #[test]
    fn answers_must_cover_required_questions_and_match_choices() {
        let q = |id: &str, required, kind, choices: &[&str]| CheckoutQuestion {
            question_id: id.into(),
            label: id.into(),
            required,
            kind,
            choices: choices.iter().map(|c| c.to_string()).collect(),
        };
        let questions = vec![
            q("po", true, QuestionKind::Text, &[]),
            q("slot", false, QuestionKind::Choice, &["am", "pm"]),
        ];
        let mut v = Validator::default();
        let answers = BTreeMap::from([
            ("slot".to_owned(), "noon".to_owned()),
            ("extra".to_owned(), "x".to_owned()),
        ]);
        check_answers(&mut v, &questions, &answers, true);
        let fields: Vec<String> = v
            .finish(|| ())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["answers.po", "answers.slot", "answers.extra"]);
    }

    #[test]
    fn totals_are_formatted_with_their_currency() {
        let m = Money::new(123_450, crate::domain::Currency::parse("EUR").unwrap()).unwrap();
        assert_eq!(formatted(&m), "EUR 1234.50");
    }
}
