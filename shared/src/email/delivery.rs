//! Delivering outbox items: claim, render, send, mark sent. The notifier runs it for each new
//! outbox item of the stream; housekeeping runs it for the items still pending later.

use super::{Branding, Mailer, MailerError, render};
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::outbox::{OutboxItem, Recipient};
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
    Claimed(Box<OutboxItem>),
    /// The item was sent already.
    Sent,
    /// Someone else holds an unexpired claim on it.
    Busy,
    /// There is no such outbox item.
    Missing,
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
        item: &OutboxItem,
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
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Delivers the outbox item `outbox_id` unless it was sent or is being sent.
#[tracing::instrument(skip(store, mailer, branding))]
pub async fn deliver<S, M>(
    store: &S,
    mailer: &M,
    branding: &Branding,
    outbox_id: &str,
) -> Result<Delivered, DeliveryError>
where
    S: OutboxStore + ?Sized,
    M: Mailer + ?Sized,
{
    let now = Timestamp::now();
    let item = match store
        .claim_outbox(outbox_id, now, now.plus_seconds(CLAIM_SECONDS))
        .await?
    {
        Claim::Claimed(item) => *item,
        Claim::Sent => return Ok(Delivered::AlreadySent),
        Claim::Busy => return Ok(Delivered::InHand),
        Claim::Missing => return Ok(Delivered::Missing),
    };
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
                if let Err(e) = store
                    .record_outbox_failure(outbox_id, &error.0, Timestamp::now())
                    .await
                {
                    tracing::error!(error = %e, "the failed attempt could not be recorded");
                }
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
        .mark_outbox_sent(&item, &message_id, Timestamp::now())
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
#[tracing::instrument(skip(store, mailer, branding))]
pub async fn redrive_pending<S, M>(
    store: &S,
    mailer: &M,
    branding: &Branding,
    older_than_seconds: i64,
    now: Timestamp,
    limit: usize,
) -> Result<RedriveReport, RedriveError>
where
    S: OutboxStore + ?Sized,
    M: Mailer + ?Sized,
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
            let outcome = deliver(store, mailer, branding, &id).await;
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
mod tests {
    use super::*;
    use crate::domain::Email;
    use crate::outbox::EmailMessage;
    use std::collections::HashMap;
    use std::sync::Mutex;

    #[derive(Debug, Clone)]
    struct Stored {
        item: OutboxItem,
        sent: bool,
        claimed_until: Option<Timestamp>,
        attempts: u32,
    }

    #[derive(Default)]
    struct MemoryOutbox(Mutex<HashMap<String, Stored>>);

    impl MemoryOutbox {
        fn with(items: &[OutboxItem]) -> Self {
            let store = Self::default();
            for item in items {
                store.0.lock().unwrap().insert(
                    item.outbox_id.clone(),
                    Stored {
                        item: item.clone(),
                        sent: false,
                        claimed_until: None,
                        attempts: 0,
                    },
                );
            }
            store
        }

        fn get(&self, id: &str) -> Stored {
            self.0.lock().unwrap()[id].clone()
        }
    }

    #[async_trait::async_trait]
    impl OutboxStore for MemoryOutbox {
        async fn claim_outbox(
            &self,
            id: &str,
            now: Timestamp,
            until: Timestamp,
        ) -> Result<Claim, Unexpected> {
            let mut items = self.0.lock().unwrap();
            Ok(match items.get_mut(id) {
                None => Claim::Missing,
                Some(s) if s.sent => Claim::Sent,
                Some(s) if s.claimed_until.is_some_and(|c| c > now) => Claim::Busy,
                Some(s) => {
                    s.claimed_until = Some(until);
                    Claim::Claimed(Box::new(s.item.clone()))
                }
            })
        }

        async fn mark_outbox_sent(
            &self,
            item: &OutboxItem,
            _: &str,
            _: Timestamp,
        ) -> Result<bool, Unexpected> {
            let mut items = self.0.lock().unwrap();
            let s = items.get_mut(&item.outbox_id).unwrap();
            let was_pending = !s.sent;
            s.sent = true;
            s.claimed_until = None;
            Ok(was_pending)
        }

        async fn record_outbox_failure(
            &self,
            id: &str,
            _: &str,
            _: Timestamp,
        ) -> Result<(), Unexpected> {
            let mut items = self.0.lock().unwrap();
            let s = items.get_mut(id).unwrap();
            s.attempts += 1;
            s.claimed_until = None;
            Ok(())
        }

        async fn pending_outbox(
            &self,
            from: Timestamp,
            before: Timestamp,
            limit: usize,
        ) -> Result<Vec<String>, Unexpected> {
            let items = self.0.lock().unwrap();
            let mut ids: Vec<_> = items
                .values()
                .filter(|s| !s.sent && s.item.created_at >= from && s.item.created_at < before)
                .map(|s| (s.item.created_at, s.item.outbox_id.clone()))
                .collect();
            ids.sort();
            Ok(ids.into_iter().take(limit).map(|(_, id)| id).collect())
        }

        async fn active_logins(
            &self,
            _: &crate::ids::CustomerId,
        ) -> Result<Vec<(Email, String)>, Unexpected> {
            Ok(vec![
                (Email::parse("ann@example.com").unwrap(), "Ann".into()),
                (Email::parse("ben@example.com").unwrap(), "Ben".into()),
            ])
        }
    }

    #[derive(Default)]
    struct CountingMailer {
        sent: Mutex<Vec<(String, String)>>,
        down: bool,
    }

    #[async_trait::async_trait]
    impl Mailer for CountingMailer {
        async fn send(
            &self,
            to: &Email,
            email: &super::super::RenderedEmail,
        ) -> Result<String, MailerError> {
            if self.down {
                return Err(MailerError("connection refused".into()));
            }
            let mut sent = self.sent.lock().unwrap();
            sent.push((to.as_str().to_owned(), email.subject.clone()));
            Ok(format!("msg-{}", sent.len()))
        }
    }

    fn branding() -> Branding {
        Branding {
            seller_name: "Acme".into(),
            portal_url: "https://portal.example/".into(),
        }
    }

    fn item(id: &str, created_at: Timestamp) -> OutboxItem {
        OutboxItem {
            outbox_id: id.into(),
            to: Recipient::Address(Email::parse("ann@example.com").unwrap()),
            message: EmailMessage::EmailChange {
                login_name: "Ann".into(),
                confirm_url: "https://portal.example/#/email-change/t".into(),
                expires_at: "2026-11-30T00:00:00.000Z".into(),
            },
            created_at,
        }
    }

    #[tokio::test]
    async fn an_item_is_sent_once_however_often_it_is_delivered() {
        let store = MemoryOutbox::with(&[item("a", Timestamp::now())]);
        let mailer = CountingMailer::default();

        let first = deliver(&store, &mailer, &branding(), "a").await.unwrap();
        let again = deliver(&store, &mailer, &branding(), "a").await.unwrap();
        let unknown = deliver(&store, &mailer, &branding(), "b").await.unwrap();

        assert_eq!(
            first,
            Delivered::Sent {
                message_id: "msg-1".into()
            }
        );
        assert_eq!(again, Delivered::AlreadySent);
        assert_eq!(unknown, Delivered::Missing);
        assert_eq!(mailer.sent.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn an_email_to_an_accounts_logins_goes_to_each_greeted_by_name() {
        let mut decided = item("d", Timestamp::now());
        decided.to = Recipient::LoginsOf(
            crate::ids::CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
        );
        decided.message = EmailMessage::OrderDecided {
            login_name: String::new(),
            order_number: "SO-000001".into(),
            confirmed: true,
            reason: None,
            order_url: "https://portal.example/#/orders/o".into(),
        };
        let store = MemoryOutbox::with(&[decided]);
        let mailer = CountingMailer::default();

        let outcome = deliver(&store, &mailer, &branding(), "d").await.unwrap();

        assert_eq!(
            outcome,
            Delivered::Sent {
                message_id: "msg-1,msg-2".into()
            }
        );
        let sent = mailer.sent.lock().unwrap();
        let to: Vec<&str> = sent.iter().map(|(to, _)| to.as_str()).collect();
        assert_eq!(to, ["ann@example.com", "ben@example.com"]);
        assert!(store.get("d").sent);
    }

    #[tokio::test]
    async fn a_claimed_item_is_left_to_its_claimant() {
        let store = MemoryOutbox::with(&[item("a", Timestamp::now())]);
        let now = Timestamp::now();
        store
            .claim_outbox("a", now, now.plus_seconds(60))
            .await
            .unwrap();
        let mailer = CountingMailer::default();

        let outcome = deliver(&store, &mailer, &branding(), "a").await.unwrap();

        assert_eq!(outcome, Delivered::InHand);
        assert!(mailer.sent.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_failed_send_is_recorded_and_releases_the_item_for_a_retry() {
        let store = MemoryOutbox::with(&[item("a", Timestamp::now())]);
        let down = CountingMailer {
            down: true,
            ..CountingMailer::default()
        };

        let error = deliver(&store, &down, &branding(), "a").await.unwrap_err();

        assert!(matches!(error, DeliveryError::Send(_)), "{error}");
        let stored = store.get("a");
        assert_eq!((stored.sent, stored.attempts), (false, 1));
        assert_eq!(stored.claimed_until, None);
        let up = CountingMailer::default();
        let retried = deliver(&store, &up, &branding(), "a").await.unwrap();
        assert!(matches!(retried, Delivered::Sent { .. }));
    }

    #[tokio::test]
    async fn a_redrive_sends_only_items_older_than_asked_and_counts_them() {
        let now = Timestamp::now();
        let store = MemoryOutbox::with(&[
            item("old", now.plus_seconds(-600)),
            item("new", now.plus_seconds(-10)),
            item("ancient", now.plus_seconds(-REDRIVE_WINDOW_SECONDS - 1)),
        ]);
        let mailer = CountingMailer::default();

        let report = redrive_pending(&store, &mailer, &branding(), 300, now, 100)
            .await
            .unwrap();

        assert_eq!(
            report,
            RedriveReport {
                found: 1,
                sent: 1,
                skipped: 0,
                failed: 0
            }
        );
        assert!(store.get("old").sent && !store.get("new").sent);
        assert!(!store.get("ancient").sent);
    }
}
