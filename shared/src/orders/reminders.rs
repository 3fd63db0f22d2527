//! Reminding a team of a request it has not answered: once at half its response time, once
//! when the time is up. Each reminder is an item written with the order's assignment and found
//! by its due time; sending one removes it in the same transaction as its emails, so a
//! reminder is sent at most once however many runs find it.

use super::{Order, OrderNumber, OrderStatus};
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::ids::{OrderId, TeamId};
use crate::outbox::{EmailMessage, OutboxItem};
use crate::portal::Portal;
use crate::teams::TeamStore;

/// Reminders sent per run at most; the next run takes the rest.
pub const REMINDERS_PER_RUN: usize = 100;

/// Which of a request's two reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// Half the team's response time has passed.
    Half,
    /// The response time is up: the request is overdue.
    Overdue,
}

impl Threshold {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Half => "half",
            Self::Overdue => "overdue",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "half" => Some(Self::Half),
            "overdue" => Some(Self::Overdue),
            _ => None,
        }
    }
}

/// A reminder due at `at` to the team a request is assigned to, holding what its email says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub order_id: OrderId,
    pub order_number: OrderNumber,
    pub customer_name: String,
    pub team_id: TeamId,
    pub threshold: Threshold,
    pub at: Timestamp,
    pub respond_by: Timestamp,
}

impl Reminder {
    /// The reminders of `order`, assigned at `assigned_at`: none unless it is requested of a
    /// team with a response time.
    pub fn of(order: &Order, assigned_at: Timestamp) -> Vec<Reminder> {
        let (Some(respond_by), Some(team_id), OrderStatus::Requested) = (
            order.response.0,
            order.assigned_team_id.as_ref(),
            order.status,
        ) else {
            return Vec::new();
        };
        let half = (respond_by.unix_seconds() - assigned_at.unix_seconds()) / 2;
        [
            (Threshold::Half, assigned_at.plus_seconds(half)),
            (Threshold::Overdue, respond_by),
        ]
        .into_iter()
        .map(|(threshold, at)| Reminder {
            order_id: order.order_id.clone(),
            order_number: order.order_number,
            customer_name: order.customer_name.clone().unwrap_or_default(),
            team_id: team_id.clone(),
            threshold,
            at,
            respond_by,
        })
        .collect()
    }
}

/// What became of a due reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderOutcome {
    /// Its emails were written, and it is gone.
    Sent,
    /// The request was decided or handed to another team meanwhile: it is gone, unsent.
    Moot,
    /// Another run took it first (or is taking it now).
    Taken,
}

/// Where reminders wait.
#[async_trait::async_trait]
pub trait ReminderStore: Send + Sync {
    /// Up to `limit` reminders due at `now`, earliest first, found by their due time.
    async fn due_reminders(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reminder>, Unexpected>;
    /// Removes `r` and writes `outbox`, all or none, only while `r` is still there and its
    /// order still waits, requested of `r`'s team; a reminder whose order moved on is
    /// removed without its emails.
    async fn send_reminder(
        &self,
        r: &Reminder,
        outbox: &[OutboxItem],
    ) -> Result<ReminderOutcome, Unexpected>;
}

/// What a run of [`send_due_reminders`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReminderReport {
    pub sent: usize,
    pub moot: usize,
    pub taken: usize,
}

/// Sends the reminders due at `now` to their teams' addresses. Runs may overlap: each
/// reminder is sent by the one run that removes it.
pub async fn send_due_reminders<S: ReminderStore + TeamStore>(
    store: &S,
    portal: &Portal,
    now: Timestamp,
) -> Result<ReminderReport, Unexpected> {
    let due = store.due_reminders(now, REMINDERS_PER_RUN).await?;
    let mut report = ReminderReport::default();
    if due.is_empty() {
        return Ok(report);
    }
    let teams = store.teams().await?;
    for r in &due {
        let outbox: Vec<OutboxItem> = teams
            .get(&r.team_id)
            .map(|team| {
                let message = EmailMessage::ResponseReminder {
                    team_name: team.name.clone(),
                    customer_name: r.customer_name.clone(),
                    order_number: r.order_number.to_string(),
                    overdue: r.threshold == Threshold::Overdue,
                    respond_by: r.respond_by.to_string(),
                    order_url: portal.admin_order_url(&r.order_id),
                };
                team.notify_emails
                    .iter()
                    .map(|to| OutboxItem::new(to.clone(), message.clone(), now))
                    .collect()
            })
            .unwrap_or_default();
        match store.send_reminder(r, &outbox).await? {
            ReminderOutcome::Sent => report.sent += 1,
            ReminderOutcome::Moot => report.moot += 1,
            ReminderOutcome::Taken => report.taken += 1,
        }
    }
    Ok(report)
}
