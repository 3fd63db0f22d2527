//! Delivering outbox items: claim, open, render, send, mark sent. The notifier runs it for
//! each new outbox item of the stream; housekeeping runs it for the items still pending later.

use super::{Branding, Mailer, MailerError, render};
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::outbox::{OutboxItem, Recipient, Stored};
use crate::seal::{OpenError, Sealer, Secret};
use futures::StreamExt as _;

/// How long a claim on an outbox item lasts: well beyond one send, well within a re-drive's wait.
pub const CLAIM_SECONDS: i64 = 120;

/// How far back a re-drive looks: an item pending for longer is left for an operator.
pub const REDRIVE_WINDOW_SECONDS: i64 = 3 * 24 * 60 * 60;

/// Outbox items delivered at the same time by one re-drive.
const REDRIVE_CONCURRENCY: usize = 8;

/// What claiming an outbox item found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The item was pending and unclaimed; it is now claimed by the caller.
    Claimed(Box<Stored>),
    /// The item was sent already.
    Sent,
    /// Someone else holds an unexpired claim on it.
    Busy,
    /// There is no such outbox item.
    Missing,
}

/// What becomes of an item's message once it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSending {
    KeepMessage,
    /// The message carried a password: no copy of it stays, not even a sealed one.
    DropMessage,
}

impl AfterSending {
    fn of<S>(item: &OutboxItem<S>) -> Self {
        if item.message.carries_password() {
            Self::DropMessage
        } else {
            Self::KeepMessage
        }
    }
}

/// Where outbox items are kept.
#[async_trait::async_trait]
pub trait OutboxStore: Send + Sync {
    /// Claims the item until `until` if it is pending and not claimed past `now`.
    async fn claim_outbox(
        &self,
        outbox_id: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Claim, Unexpected>;

    /// Marks the item sent with the provider's message id; `false` when it was not pending any
    /// more (someone else sent it too).
    async fn mark_outbox_sent(
        &self,
        outbox_id: &str,
        after: AfterSending,
        message_id: &str,
        now: Timestamp,
    ) -> Result<bool, Unexpected>;

    /// Counts a failed attempt, keeps its error and releases the claim.
    async fn record_outbox_failure(
        &self,
        outbox_id: &str,
        error: &str,
        now: Timestamp,
    ) -> Result<(), Unexpected>;

    /// The ids of pending items created in `[from, before)`, oldest first, at most `limit`.
    async fn pending_outbox(
        &self,
        from: Timestamp,
        before: Timestamp,
        limit: usize,
    ) -> Result<Vec<String>, Unexpected>;

    /// The address and name of each active login of an account (at most
    /// [`MAX_LOGIN_RECIPIENTS`]), for an email to its logins.
    async fn active_logins(
        &self,
        customer: &crate::ids::CustomerId,
    ) -> Result<Vec<(crate::domain::Email, String)>, Unexpected>;
}

/// Most logins of one account an email to its logins goes to.
pub const MAX_LOGIN_RECIPIENTS: usize = 20;

/// What became of one outbox item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Sent now, with the provider's message id.
    Sent { message_id: String },
    /// It had been sent before: nothing was sent.
    AlreadySent,
    /// Another delivery holds it: nothing was sent by this one.
    InHand,
    /// No such item: nothing to send.
    Missing,
}

/// Why an outbox item could not be delivered. It stays pending, so a retry or a re-drive sends it.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The mailer failed; the attempt is recorded on the item.
    #[error(transparent)]
    Send(#[from] MailerError),
    /// A secret of the message did not open; the attempt is recorded on the item.
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Counts a failed attempt on the item; a failure to count it is only logged, as the item
/// stays pending either way.
async fn record_failure<S: OutboxStore + ?Sized>(store: &S, outbox_id: &str, error: &str) {
    if let Err(e) = store
        .record_outbox_failure(outbox_id, error, Timestamp::now())
        .await
    {
        tracing::error!(error = %e, "the failed attempt could not be recorded");
    }
}

/// The claimed item with its secrets in the clear, for rendering.
async fn opened<S, K>(
    store: &S,
    sealer: &K,
    stored: Stored,
) -> Result<OutboxItem<Secret>, OpenError>
where
    S: OutboxStore + ?Sized,
    K: Sealer + ?Sized,
{
    match stored {
        Stored::Sealed(item) => {
            let outbox_id = item.outbox_id.clone();
            let opened = item.open(sealer).await;
            if let Err(error) = &opened {
                record_failure(store, &outbox_id, &error.to_string()).await;
            }
            opened
        }
        Stored::Unsealed(item) => {
            tracing::warn!(outbox_id = %item.outbox_id, "an item written before secrets were sealed; sent as stored");
            Ok(item)
        }
    }
}

/// Delivers the outbox item `outbox_id` unless it was sent or is being sent.
#[tracing::instrument(skip(store, mailer, sealer, branding))]
pub async fn deliver<S, M, K>(
    store: &S,
    mailer: &M,
    sealer: &K,
    branding: &Branding,
    outbox_id: &str,
) -> Result<Delivered, DeliveryError>
where
    S: OutboxStore + ?Sized,
    M: Mailer + ?Sized,
    K: Sealer + ?Sized,
{
    let now = Timestamp::now();
    let stored = match store
        .claim_outbox(outbox_id, now, now.plus_seconds(CLAIM_SECONDS))
        .await?
    {
        Claim::Claimed(stored) => *stored,
        Claim::Sent => return Ok(Delivered::AlreadySent),
        Claim::Busy => return Ok(Delivered::InHand),
        Claim::Missing => return Ok(Delivered::Missing),
    };
    let item = opened(store, sealer, stored).await?;
    let recipients = match &item.to {
        Recipient::Address(to) => vec![(to.clone(), item.message.clone())],
        Recipient::LoginsOf(customer) => store
            .active_logins(customer)
            .await?
            .into_iter()
            .map(|(to, name)| (to, item.message.addressed_to(&name)))
            .collect(),
    };
    let mut sent = Vec::with_capacity(recipients.len());
    for (to, message) in &recipients {
        match mailer.send(to, &render(message, branding)).await {
            Ok(id) => sent.push(id),
            Err(error) => {
                record_failure(store, outbox_id, &error.0).await;
                return Err(error.into());
            }
        }
    }
    let message_id = if sent.is_empty() {
        "no-recipients".to_owned()
    } else {
        sent.join(",")
    };
    if !store
        .mark_outbox_sent(
            outbox_id,
            AfterSending::of(&item),
            &message_id,
            Timestamp::now(),
        )
        .await?
    {
        tracing::warn!(%message_id, "the item was sent by another delivery as well");
    }
    Ok(Delivered::Sent { message_id })
}

/// What one re-drive did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RedriveReport {
    /// Pending items old enough to re-drive.
    pub found: usize,
    pub sent: usize,
    /// Sent meanwhile, in hand elsewhere, or gone.
    pub skipped: usize,
    /// Still unsent; the attempt is recorded on the item.
    pub failed: usize,
}

/// Why a re-drive could not look for pending items.
#[derive(Debug, thiserror::Error)]
pub enum RedriveError {
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Delivers up to `limit` outbox items created more than `older_than_seconds` before `now`
/// (and within [`REDRIVE_WINDOW_SECONDS`]), oldest first.
#[tracing::instrument(skip(store, mailer, sealer, branding))]
pub async fn redrive_pending<S, M, K>(
    store: &S,
    mailer: &M,
    sealer: &K,
    branding: &Branding,
    older_than_seconds: i64,
    now: Timestamp,
    limit: usize,
) -> Result<RedriveReport, RedriveError>
where
    S: OutboxStore + ?Sized,
    M: Mailer + ?Sized,
    K: Sealer + ?Sized,
{
    let ids = store
        .pending_outbox(
            now.plus_seconds(-REDRIVE_WINDOW_SECONDS),
            now.plus_seconds(-older_than_seconds),
            limit,
        )
        .await?;
    let outcomes: Vec<_> = futures::stream::iter(ids.iter().cloned())
        .map(|id| async move {
            let outcome = deliver(store, mailer, sealer, branding, &id).await;
            (id, outcome)
        })
        .buffer_unordered(REDRIVE_CONCURRENCY)
        .collect()
        .await;
    let mut report = RedriveReport {
        found: ids.len(),
        ..RedriveReport::default()
    };
    for (id, outcome) in outcomes {
        match outcome {
            Ok(Delivered::Sent { .. }) => report.sent += 1,
            Ok(_) => report.skipped += 1,
            Err(error) => {
                tracing::warn!(outbox_id = %id, %error, "re-drive failed; the item stays pending");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
