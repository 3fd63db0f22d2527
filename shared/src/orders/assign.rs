//! Giving a requested order to another team: the order says so in its history, the admin's
//! change is audited, and the new team's addresses get the new-request email, all in the
//! order's one conditional write.

use super::changes::summary;
use super::submit::unexpected;
use super::{
    Order, OrderEvent, OrderEventKind, OrderStatus, OrderStore, OrderStoreError, OrderWrite,
    Reminder, ResponseDue,
};
use crate::actor::{CreatedBy, Principal};
use crate::audit::AuditEntry;
use crate::catalog::CatalogStore;
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::ids::{OrderId, TeamId};
use crate::outbox::{EmailMessage, OutboxItem};
use crate::portal::Portal;
use crate::reads::{ItemRef, Prefetch, Reads};
use crate::teams::TeamStore;
use serde::Deserialize;
use serde_json::json;

/// Body of `POST /admin/orders/{order_id}/assign`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub team_id: String,
}

/// Why an order was not assigned.
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    /// `team_id` is malformed or names no team.
    #[error("no such team")]
    UnknownTeam,
    #[error("no such order")]
    NotFound,
    /// Only a request still waiting for a decision changes hands.
    #[error("the order is {} already", .0.status.as_str())]
    NotRequested(Order),
    /// Another admin changed it between the read and the write.
    #[error("the order was changed meanwhile")]
    Changed(Order),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// What assigning reads by key: the order, the teams, and the questions its email lists.
pub fn assign_reads(id: &OrderId) -> Reads {
    Reads::of([
        ItemRef::Order(id.clone()),
        ItemRef::Teams,
        ItemRef::Questions,
    ])
}

/// Assigns a `requested` order to the team `body` names, by `admin`. The new team's addresses
/// get the new-request email (the one a team gets for an order assigned at submission), so a
/// reassigned request reads the same as a new one; the seller's inbox is not told again.
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn assign_order<S: OrderStore + CatalogStore + TeamStore + Prefetch>(
    store: &S,
    admin: &Principal,
    id: &OrderId,
    body: AssignBody,
    portal: &Portal,
) -> Result<Order, AssignError> {
    let team_id = TeamId::parse(body.team_id.trim()).ok_or(AssignError::UnknownTeam)?;
    let store = &store.prefetch(&assign_reads(id)).await?;
    let teams = store.teams().await?;
    let team = teams.get(&team_id).ok_or(AssignError::UnknownTeam)?;
    let before = store.order(id).await?.ok_or(AssignError::NotFound)?;
    if before.status != OrderStatus::Requested {
        return Err(AssignError::NotRequested(before));
    }
    let now = Timestamp::now();
    let mut after = before.clone();
    after.assigned_team = Some(team.name.clone());
    after.assigned_team_id = Some(team.team_id.clone());
    after.response = ResponseDue(
        team.respond_within_minutes
            .map(|m| now.plus_seconds(i64::from(m) * 60)),
    );
    after.history.push(OrderEvent {
        event: OrderEventKind::Assigned,
        at: now,
        by: CreatedBy::admin(admin),
        note: Some(team.name.clone()),
        rule: None,
    });
    after.version += 1;
    let reminders = Reminder::of(&after, now);
    let message = EmailMessage::OrderRequested {
        customer_name: after.customer_name.clone().unwrap_or_default(),
        login_name: requested_by(&after),
        order_number: after.order_number.to_string(),
        total: after.total.to_string(),
        line_count: after.lines.len(),
        order_url: portal.admin_order_url(&after.order_id),
        summary: summary(&after, &store.questions().await?.questions),
        confirmed_by_rule: None,
    };
    let outbox: Vec<OutboxItem> = team
        .notify_emails
        .iter()
        .map(|to| OutboxItem::new(to.clone(), message.clone(), Timestamp::now()))
        .collect();
    let audit = AuditEntry::by_admin(
        admin,
        Timestamp::now(),
        "order.assigned",
        Some(&after.customer_id),
        json!({
            "order_id": after.order_id,
            "order_number": after.order_number.to_string(),
            "team_id": team.team_id,
            "from": before.assigned_team_id,
        }),
    );
    let write = OrderWrite {
        reminders: &reminders,
        ..OrderWrite::change(&before, &after, &outbox, Some(&audit))
    };
    match store.put_order(write).await {
        Ok(()) => Ok(after),
        Err(OrderStoreError::Stale | OrderStoreError::Contention) => {
            let now = store.order(id).await?.unwrap_or(before);
            if now.status == OrderStatus::Requested {
                Err(AssignError::Changed(now))
            } else {
                Err(AssignError::NotRequested(now))
            }
        }
        Err(e) => Err(unexpected(e).into()),
    }
}

/// Who placed the order, as the new-request email names them.
fn requested_by(order: &Order) -> String {
    match &order.created_by {
        CreatedBy::Customer {
            name: Some(name), ..
        } => name.clone(),
        CreatedBy::Customer { .. } => "A buyer".into(),
        CreatedBy::Admin { .. } | CreatedBy::System { .. } => "The seller".into(),
    }
}
