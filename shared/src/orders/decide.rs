//! Deciding a requested order, exactly once: the seller confirms or rejects it, or the customer
//! cancels it while it is still requested. Of concurrent decisions one wins; the others are
//! conflicts, because every transition is conditional on the status and version it saw.

use super::changes::summary;
use super::submit::{SellerDesk, new_request_emails, order_audit, unexpected};
use super::{
    CustomerOrder, Order, OrderEventKind, OrderStatus, OrderStore, OrderStoreError, OrderWrite,
};
use crate::actor::{CreatedBy, Principal};
use crate::catalog::CatalogStore;
use crate::domain::{FieldError, Timestamp, bounded_text};
use crate::error::Unexpected;
use crate::ids::OrderId;
use crate::outbox::{EmailMessage, OutboxItem, Recipient};
use crate::portal::Portal;
use crate::reads::{ItemRef, Prefetch, Reads};
use crate::session::Session;
use crate::teams::{Assignment, TeamStore};

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

fn not_requested(o: &Order) -> DecideError {
    DecideError::Conflict(format!(
        "Order {} is {} already; only a requested order can change.",
        o.order_number,
        o.status.as_str()
    ))
}

/// What cancelling an order reads by key: the order, and the checkout questions that label
/// its answers in the seller's email.
pub fn cancel_reads(id: &OrderId) -> Reads {
    Reads::of([
        ItemRef::Order(id.clone()),
        ItemRef::Questions,
        ItemRef::Teams,
    ])
}

/// Cancels one of the customer's own orders while it is still `requested`, and tells the
/// seller and the team it is assigned to; the order as the customer sees it.
pub async fn cancel_order<S: OrderStore + CatalogStore + TeamStore>(
    store: &S,
    session: &Session,
    id: &OrderId,
    desk: &SellerDesk,
) -> Result<CustomerOrder, DecideError> {
    let before = match store.order(id).await? {
        Some(o) if o.customer_id == session.me.customer.customer_id => o,
        _ => return Err(DecideError::NotFound),
    };
    if before.status != OrderStatus::Requested {
        return Err(not_requested(&before));
    }
    let after = before.moved(
        OrderStatus::Cancelled,
        OrderEventKind::Cancelled,
        session.created_by(),
    );
    let message = EmailMessage::OrderCancelled {
        customer_name: session.me.customer.name.as_str().to_owned(),
        login_name: session.me.login.name.as_str().to_owned(),
        by_seller: session.acting.is_some(),
        order_number: after.order_number.to_string(),
        order_url: desk.portal.admin_order_url(&after.order_id),
        summary: summary(&after, &store.questions().await?.questions),
    };
    let teams = store.teams().await?;
    let team = after
        .assigned_team_id
        .as_ref()
        .and_then(|id| teams.get(id))
        .map(Assignment::to_team);
    let told = new_request_emails(&desk.inbox, team.as_ref(), &message);
    match store
        .put_order(OrderWrite::change(&before, &after, &told, None))
        .await
    {
        Ok(()) => Ok(after.seen_by_customer(&desk.seller)),
        Err(OrderStoreError::Stale | OrderStoreError::Contention) => {
            Err(not_requested(&store.order(id).await?.unwrap_or(before)))
        }
        Err(e) => Err(unexpected(e).into()),
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

/// Confirms or rejects a requested order, exactly once. Every active login of the customer is
/// emailed the decision: one outbox item that the notifier sends to each login it finds then,
/// listing the order with its answers (so the checkout questions are read with the order, in
/// one round trip) and what the seller changed.
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn decide_order<S: OrderStore + CatalogStore + Prefetch>(
    store: &S,
    admin: &Principal,
    id: &OrderId,
    decision: Decision,
    portal: &Portal,
) -> Result<Order, DecideError> {
    let store = &store
        .prefetch(&Reads::of([ItemRef::Order(id.clone()), ItemRef::Questions]))
        .await?;
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
            before.moved(OrderStatus::Confirmed, OrderEventKind::Confirmed, by)
        }
        Decision::Reject { reason } => {
            let reason = bounded_text(reason, 1, 1000).map_err(|e| {
                DecideError::Invalid(vec![FieldError::new("reason", e.to_string())])
            })?;
            let mut after = before.moved(OrderStatus::Rejected, OrderEventKind::Rejected, by);
            if let Some(e) = after.history.last_mut() {
                e.note = Some(reason.clone());
            }
            after.reject_reason = Some(reason);
            after
        }
    };
    let outbox = [OutboxItem::to(
        Recipient::LoginsOf(before.customer_id.clone()),
        EmailMessage::OrderDecided {
            login_name: String::new(),
            order_number: after.order_number.to_string(),
            confirmed: after.status == OrderStatus::Confirmed,
            reason: after.reject_reason.clone(),
            order_url: portal.order_url(&after.order_id),
            summary: summary(&after, &store.questions().await?.questions),
        },
        Timestamp::now(),
    )];
    let audit = order_audit(
        admin,
        &after,
        serde_json::json!({ "version": after.version }),
    );
    match store
        .put_order(OrderWrite::change(&before, &after, &outbox, Some(&audit)))
        .await
    {
        Ok(()) => Ok(after),
        Err(OrderStoreError::Stale | OrderStoreError::Contention) => {
            Err(DecideError::Conflict(format!(
                "Order {} was decided or changed by someone else just now.",
                before.order_number
            )))
        }
        Err(e) => Err(unexpected(e).into()),
    }
}
