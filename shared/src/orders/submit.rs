//! Placing an order: lines priced at the account's tier now, numbered from an atomic counter,
//! written with its idempotency record and the seller's email in one transaction.

use super::changes::summary;
use super::delivery::{DeliveryDate, DeliveryRequest, SellerClock, delivery};
use super::lines::{LineBody, check_answers, parse_lines, price_lines, skus_of};
use super::{
    CartStore, CustomerOrder, Order, OrderEvent, OrderEventKind, OrderNumber, OrderStatus,
    OrderStore, OrderStoreError, OrderWrite, PricedLine, Reminder, ResponseDue,
};
use crate::actor::{CreatedBy, Principal, Seller};
use crate::addresses::{AddressStore, ShipTo};
use crate::audit::{AuditActor, AuditEntry};
use crate::catalog::CatalogStore;
use crate::customers::Customer;
use crate::domain::{Email, FieldError, Money, Timestamp, Validator, bounded_text};
use crate::error::Unexpected;
use crate::idempotency::{
    self, Idempotency, IdempotencyRecord, IdempotencyStore, KeyReusedWithOtherRequest,
    KeyedRequest, Refused, Written,
};
use crate::ids::OrderId;
use crate::outbox::{EmailMessage, OutboxItem, Recipient};
use crate::portal::Portal;
use crate::reads::{ItemRef, Reads};
use crate::rules::AutoConfirmRule;
use crate::session::{Session, SessionIds};
use crate::teams::{Assignment, Routed, TeamStore};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Body of `POST /orders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    pub lines: Option<Vec<LineBody>>,
    pub notes: Option<String>,
    pub answers: Option<BTreeMap<String, String>>,
    pub from_cart: Option<bool>,
    /// An address of the account's book, copied onto the order as `ship_to`.
    pub ship_to_address_id: Option<String>,
    /// `YYYY-MM-DD`, not before the seller's today.
    pub requested_delivery_date: Option<String>,
}

impl SubmitBody {
    fn delivery(&self) -> DeliveryRequest<'_> {
        DeliveryRequest {
            ship_to_address_id: self.ship_to_address_id.as_deref(),
            requested_delivery_date: self.requested_delivery_date.as_deref(),
        }
    }
}

/// `POST /orders` as it arrived: its body and its `Idempotency-Key`.
#[derive(Debug)]
pub struct OrderRequest {
    pub body: SubmitBody,
    pub keyed: KeyedRequest,
}

/// Where new order requests are announced: the seller's inbox, with links into the console;
/// and the seller as the customers who place them know it.
#[derive(Debug, Clone)]
pub struct SellerDesk {
    pub inbox: Email,
    pub portal: Portal,
    pub seller: Seller,
    /// What "today" is for a requested delivery date.
    pub clock: SellerClock,
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
    CartChanged(#[from] CartChanged),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// A new order before it has its number.
pub(super) struct NewOrder<'a> {
    pub customer: &'a Customer,
    pub lines: Vec<PricedLine>,
    pub total: Money,
    pub notes: Option<String>,
    pub answers: BTreeMap<String, String>,
    pub ship_to: Option<ShipTo>,
    pub requested_delivery_date: Option<DeliveryDate>,
    pub by: CreatedBy,
    /// `requested`, or `confirmed` when an admin places one agreed already.
    pub status: OrderStatus,
    /// Who fulfils it, and whether a rule confirms a request at once.
    pub routed: Routed,
}

impl NewOrder<'_> {
    /// Who decides it at once: the admin placing it confirmed, or the auto-confirm rule that
    /// matches a request.
    fn decided_by(&self) -> Option<CreatedBy> {
        match (self.status, &self.routed.confirmed_by) {
            (OrderStatus::Confirmed, _) => Some(self.by.clone()),
            (OrderStatus::Requested, Some(rule)) => Some(CreatedBy::System { rule: rule.clone() }),
            _ => None,
        }
    }

    /// The order, numbered and placed now.
    pub fn numbered(&self, number: OrderNumber) -> Order {
        let now = Timestamp::now();
        let first = if self.by.is_admin_in_own_name() {
            OrderEventKind::Created
        } else {
            OrderEventKind::Submitted
        };
        let event = |event, by: &CreatedBy| OrderEvent {
            event,
            at: now,
            by: by.clone(),
            note: None,
            rule: None,
        };
        let mut history = vec![event(first, &self.by)];
        let assignment = self.routed.assignment.as_ref();
        if let Some(a) = assignment.filter(|a| a.team_id.is_some()) {
            history.push(OrderEvent {
                note: Some(match &a.rule {
                    Some((position, _)) => format!("{} (routing rule {position})", a.name),
                    None => a.name.clone(),
                }),
                rule: a.rule.as_ref().map(|(_, rule)| rule.clone()),
                ..event(OrderEventKind::Assigned, &self.by)
            });
        }
        let decided_by = self.decided_by();
        if let Some(by) = &decided_by {
            history.push(event(OrderEventKind::Confirmed, by));
        }
        let confirmed = decided_by.is_some();
        let respond_by = assignment
            .filter(|a| a.team_id.is_some() && !confirmed)
            .and_then(|a| a.respond_within_minutes)
            .map(|m| now.plus_seconds(i64::from(m) * 60));
        Order {
            order_id: OrderId::generate(),
            order_number: number,
            customer_id: self.customer.customer_id.clone(),
            customer_name: Some(self.customer.name.as_str().to_owned()),
            status: if confirmed {
                OrderStatus::Confirmed
            } else {
                OrderStatus::Requested
            },
            lines: self.lines.clone(),
            total: self.total,
            notes: self.notes.clone().filter(|n| !n.is_empty()),
            answers: self.answers.clone(),
            ship_to: self.ship_to.clone(),
            requested_delivery_date: self.requested_delivery_date,
            created_by: self.by.clone(),
            assigned_team: assignment.map(|a| a.name.clone()),
            assigned_team_id: assignment.and_then(|a| a.team_id.clone()),
            created_at: now,
            submitted_at: Some(now),
            decided_at: confirmed.then_some(now),
            decided_by,
            response: ResponseDue(respond_by),
            reject_reason: None,
            history,
            version: 1,
        }
    }
}

/// The audit entry of an admin's change to an order: `order.<its last event>`.
pub(super) fn order_audit(
    admin: &Principal,
    order: &Order,
    mut details: serde_json::Value,
) -> AuditEntry {
    let event = order.last_event().map_or("changed", |e| e.as_str());
    if let Some(d) = details.as_object_mut() {
        d.insert("order_id".into(), order.order_id.as_str().into());
        d.insert("order_number".into(), order.order_number.to_string().into());
    }
    AuditEntry::by_admin(
        admin,
        Timestamp::now(),
        &format!("order.{event}"),
        Some(&order.customer_id),
        details,
    )
}

/// What [`submit_order`] reads by key beside the session, the order counter included.
pub fn submit_reads(ids: &SessionIds, request: &OrderRequest) -> Reads {
    let body = &request.body;
    let products = body
        .lines
        .iter()
        .flat_map(|l| skus_of(l))
        .map(ItemRef::Product);
    let cart = (body.from_cart == Some(true)).then(|| ItemRef::Cart(ids.customer.clone()));
    let book = body
        .ship_to_address_id
        .is_some()
        .then(|| ItemRef::AddressBook(ids.customer.clone()));
    Reads::of([
        ItemRef::Idempotency(request.keyed.by(ids.login.as_str()).scope().to_owned()),
        ItemRef::Questions,
        ItemRef::Teams,
    ])
    .and_all(cart)
    .and_all(book)
    .and_all(ids.tier.clone().map(ItemRef::Tier))
    .and_all(products)
    .and(ItemRef::OrderCounter)
}

/// Submits an order request for the session's account, priced at its tier now; the order as
/// the customer sees it, which is also what a retry with its key replays.
#[tracing::instrument(skip_all, fields(customer_id = %session.me.customer.customer_id))]
pub async fn submit_order<S>(
    store: &S,
    session: &Session,
    request: OrderRequest,
    desk: &SellerDesk,
) -> Result<Written<CustomerOrder>, SubmitError>
where
    S: OrderStore + CatalogStore + CartStore + AddressStore + IdempotencyStore + TeamStore,
{
    let idempotency = request.keyed.by(session.me.login.login_id.as_str());
    if let Some(first) = idempotency::replay_of::<_, SubmitError>(store, Some(&idempotency)).await?
    {
        return Ok(Written::Replayed(first));
    }
    let me = &session.me;
    let customer: &Customer = &me.customer;
    if !customer.ordering_enabled {
        return Err(SubmitError::OrderingDisabled);
    }
    let body = request.body;
    let mut v = Validator::default();
    let from_cart = body.from_cart.unwrap_or(false);
    let (mut cart_notes, mut cart_version) = (None, None);
    let lines = match (&body.lines, from_cart) {
        (Some(_), true) => {
            v.push("from_cart", "send either lines or from_cart, not both");
            Vec::new()
        }
        (Some(raw), false) => parse_lines(&mut v, raw, false),
        (None, true) => {
            let cart = store.cart(&customer.customer_id).await?;
            cart_version = cart.as_ref().map(|c| c.version);
            let (lines, notes) = cart.map(|c| (c.lines, c.notes)).unwrap_or_default();
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
    let (ship_to, requested_delivery_date) = delivery(
        &mut v,
        store,
        &customer.customer_id,
        body.delivery(),
        &desk.clock,
    )
    .await?;
    let notes = body
        .notes
        .or(cart_notes)
        .as_deref()
        .and_then(|n| v.check("notes", bounded_text(n, 0, 2000)));
    let questions = store.questions().await?.questions;
    let answers = check_answers(&mut v, &questions, &body.answers.unwrap_or_default(), true);
    v.finish(|| ()).map_err(SubmitError::Invalid)?;

    let pricing = price_lines(store, customer.price_tier_id.as_ref(), &lines).await?;
    let pricing = pricing.checked().map_err(SubmitError::Invalid)?;
    if !pricing.unavailable.is_empty() {
        let mut errors = pricing.unavailable_errors();
        if from_cart {
            for e in &mut errors {
                e.message = format!("{} (it is in your cart)", e.message);
            }
        }
        return Err(SubmitError::Invalid(errors));
    }
    let (lines, total) = pricing.orderable().map_err(SubmitError::Invalid)?;
    let draft = NewOrder {
        customer,
        lines,
        total,
        notes,
        answers,
        ship_to,
        requested_delivery_date,
        by: session.created_by(),
        status: OrderStatus::Requested,
        routed: store.teams().await?.route(customer, total),
    };
    place(store, Some(&idempotency), |number| {
        let order = draft.numbered(number);
        let (customer_name, login_name) = (customer.name.as_str(), me.login.name.as_str());
        let order_number = order.order_number.to_string();
        let summary = summary(&order, &questions);
        let confirmed_by = draft.routed.confirmed_by.as_ref();
        let to_seller = EmailMessage::OrderRequested {
            customer_name: customer_name.to_owned(),
            login_name: login_name.to_owned(),
            order_number: order_number.clone(),
            total: order.total.to_string(),
            line_count: order.lines.len(),
            order_url: desk.portal.admin_order_url(&order.order_id),
            summary: summary.clone(),
            confirmed_by_rule: confirmed_by.map(AutoConfirmRule::describe),
        };
        let to_buyer = match confirmed_by {
            None => OutboxItem::new(
                me.login.email.clone(),
                EmailMessage::OrderAcknowledged {
                    login_name: login_name.to_owned(),
                    customer_name: customer_name.to_owned(),
                    order_number,
                    by_seller: session.acting.is_some(),
                    order_url: desk.portal.order_url(&order.order_id),
                    summary,
                },
                Timestamp::now(),
            ),
            Some(_) => OutboxItem::to(
                Recipient::LoginsOf(customer.customer_id.clone()),
                EmailMessage::OrderDecided {
                    login_name: String::new(),
                    order_number,
                    confirmed: true,
                    reason: None,
                    order_url: desk.portal.order_url(&order.order_id),
                    summary,
                },
                Timestamp::now(),
            ),
        };
        let audit = confirmed_by.map(|rule| confirmed_by_rule(&order, rule));
        let outbox = new_request_emails(&desk.inbox, draft.routed.assignment.as_ref(), &to_seller)
            .into_iter()
            .chain([to_buyer])
            .collect();
        let seen = order.clone().seen_by_customer(&desk.seller);
        Placing {
            record: Some(idempotency.created(&seen, Timestamp::now())),
            order,
            outbox,
            audit,
            clear_cart: cart_version,
        }
    })
    .await
    .map(|written| written.map(|order| order.seen_by_customer(&desk.seller)))
}

/// The audit entry of a request an auto-confirm rule confirmed: the rule acted, no person.
fn confirmed_by_rule(order: &Order, rule: &AutoConfirmRule) -> AuditEntry {
    let details = serde_json::json!({
        "order_id": order.order_id,
        "order_number": order.order_number.to_string(),
        "rule": rule,
    });
    AuditEntry::new(
        AuditActor::system(),
        Timestamp::now(),
        "order.confirmed",
        Some(&order.customer_id),
        details,
    )
}

/// The new-request email to the seller's inbox and to each address of the team the order is
/// assigned to (an address that is the inbox's is told once).
pub(super) fn new_request_emails(
    inbox: &Email,
    assignment: Option<&Assignment>,
    message: &EmailMessage,
) -> Vec<OutboxItem> {
    let team = assignment
        .map(|a| a.notify_emails.as_slice())
        .unwrap_or_default();
    std::iter::once(inbox)
        .chain(team.iter().filter(|e| *e != inbox))
        .map(|to| OutboxItem::new(to.clone(), message.clone(), Timestamp::now()))
        .collect()
}

/// A new order's write, made for the number it gets.
pub(super) struct Placing {
    pub order: Order,
    pub record: Option<IdempotencyRecord>,
    pub outbox: Vec<OutboxItem>,
    pub audit: Option<AuditEntry>,
    /// The version of the cart the order came from, which its write empties.
    pub clear_cart: Option<u64>,
}

/// Numbers and writes a new order once per idempotency key: a retry or a twin gets the first
/// answer, and a write that meets contention (another order took its number, say) is made
/// again with a fresh number. Nothing is written, the counter included, until the request has
/// passed every check.
pub(super) async fn place<S, E>(
    store: &S,
    idempotency: Option<&Idempotency>,
    placing: impl Fn(OrderNumber) -> Placing + Send + Sync,
) -> Result<Written<Order>, E>
where
    S: OrderStore + IdempotencyStore,
    E: From<Unexpected> + From<KeyReusedWithOtherRequest> + From<CartChanged>,
{
    let placing = &placing;
    idempotency::write_once(store, idempotency, || async move {
        let next = store
            .next_order_number()
            .await
            .map_err(|e| Refused::Failed(e.into()))?;
        let p = placing(next.number);
        let reminders = Reminder::of(&p.order, p.order.created_at);
        let write = OrderWrite {
            before: None,
            after: &p.order,
            number: Some(next),
            idempotency: p.record.as_ref(),
            outbox: &p.outbox,
            audit: p.audit.as_ref(),
            clear_cart: p.clear_cart,
            reminders: &reminders,
        };
        match store.put_order(write).await {
            Ok(()) => Ok(p.order),
            Err(OrderStoreError::KeyTaken) => Err(Refused::KeyTaken),
            Err(OrderStoreError::Contention) => Err(Refused::Contended),
            Err(OrderStoreError::CartChanged) => Err(Refused::Condition(CartChanged.into())),
            Err(e) => Err(Refused::Failed(unexpected(e).into())),
        }
    })
    .await
}

/// Another login of the account changed the cart while an order was placed from it: the order
/// would not be what the buyer saw, so it is not placed.
#[derive(Debug, thiserror::Error)]
#[error("the cart changed while the order was placed")]
pub struct CartChanged;

/// An order store's refusal that the use case did not expect.
pub(super) fn unexpected(e: OrderStoreError) -> Unexpected {
    match e {
        OrderStoreError::Unexpected(u) => u,
        other => Unexpected::caused_by("the order store refused a write", other),
    }
}
