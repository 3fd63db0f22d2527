//! Delivery on an in-memory outbox, mailer and sealer.

use super::*;
use crate::domain::Email;
use crate::memory::MemorySealer;
use crate::outbox::{EmailMessage, Mailroom};
use crate::portal::Portal;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone)]
struct Kept {
    item: Stored,
    sent: bool,
    message_dropped: bool,
    claimed_until: Option<Timestamp>,
    attempts: u32,
    last_error: Option<String>,
}

impl Kept {
    fn created_at(&self) -> Timestamp {
        match &self.item {
            Stored::Sealed(i) => i.created_at,
            Stored::Unsealed(i) => i.created_at,
        }
    }
}

#[derive(Default)]
struct MemoryOutbox(Mutex<HashMap<String, Kept>>);

impl MemoryOutbox {
    fn with(items: &[OutboxItem]) -> Self {
        let store = Self::default();
        for item in items {
            store.keep(&item.outbox_id, Stored::Sealed(item.clone()));
        }
        store
    }

    fn keep(&self, id: &str, item: Stored) {
        self.0.lock().unwrap().insert(
            id.to_owned(),
            Kept {
                item,
                sent: false,
                message_dropped: false,
                claimed_until: None,
                attempts: 0,
                last_error: None,
            },
        );
    }

    fn get(&self, id: &str) -> Kept {
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
        id: &str,
        after: AfterSending,
        _: &str,
        _: Timestamp,
    ) -> Result<bool, Unexpected> {
        let mut items = self.0.lock().unwrap();
        let s = items.get_mut(id).unwrap();
        let was_pending = !s.sent;
        s.sent = true;
        s.message_dropped = after == AfterSending::DropMessage;
        s.claimed_until = None;
        Ok(was_pending)
    }

    async fn record_outbox_failure(
        &self,
        id: &str,
        error: &str,
        _: Timestamp,
    ) -> Result<(), Unexpected> {
        let mut items = self.0.lock().unwrap();
        let s = items.get_mut(id).unwrap();
        s.attempts += 1;
        s.last_error = Some(error.to_owned());
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
            .iter()
            .filter(|(_, s)| !s.sent && s.created_at() >= from && s.created_at() < before)
            .map(|(id, s)| (s.created_at(), id.clone()))
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
    sent: Mutex<Vec<(String, String, String)>>,
    down: bool,
}

impl CountingMailer {
    /// The text of every email sent so far.
    fn texts(&self) -> Vec<String> {
        let sent = self.sent.lock().unwrap();
        sent.iter().map(|(_, _, text)| text.clone()).collect()
    }
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
        sent.push((
            to.as_str().to_owned(),
            email.subject.clone(),
            email.text.clone(),
        ));
        Ok(format!("msg-{}", sent.len()))
    }
}

fn branding() -> Branding {
    Branding {
        seller_name: "Acme".into(),
        portal_url: "https://portal.example/".into(),
    }
}

fn ann() -> Email {
    Email::parse("ann@example.com").unwrap()
}

/// An email without secrets, created at `created_at`.
fn item(id: &str, created_at: Timestamp) -> OutboxItem {
    OutboxItem {
        outbox_id: id.into(),
        to: Recipient::Address(ann()),
        message: EmailMessage::OrderRequested {
            customer_name: "Acme".into(),
            login_name: "Ann".into(),
            order_number: "SO-000001".into(),
            total: "EUR 1.00".into(),
            line_count: 1,
            order_url: "https://portal.example/#/orders/o".into(),
            summary: Default::default(),
            confirmed_by_rule: None,
        },
        created_at,
    }
}

const PASSWORD: &str = "Tmp-Pass-7Kq2mZ";

/// A temporary-password email as a use case writes it: its password sealed by `sealer`.
async fn password_email(sealer: &MemorySealer) -> OutboxItem {
    let mailroom = Mailroom {
        portal: Portal::new("https://portal.example", 3600),
        sealer: sealer.clone(),
    };
    let message = EmailMessage::TemporaryPassword {
        login_name: "Ann".into(),
        customer_name: "Acme".into(),
        temporary_password: PASSWORD.into(),
        sign_in_url: "https://portal.example/#/sign-in".into(),
    };
    mailroom
        .letter(ann(), message, Timestamp::now())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_item_is_sent_once_however_often_it_is_delivered() {
    let store = MemoryOutbox::with(&[item("a", Timestamp::now())]);
    let (mailer, sealer) = (CountingMailer::default(), MemorySealer::default());

    let first = deliver(&store, &mailer, &sealer, &branding(), "a")
        .await
        .unwrap();
    let again = deliver(&store, &mailer, &sealer, &branding(), "a")
        .await
        .unwrap();
    let unknown = deliver(&store, &mailer, &sealer, &branding(), "b")
        .await
        .unwrap();

    assert_eq!(
        first,
        Delivered::Sent {
            message_id: "msg-1".into()
        }
    );
    assert_eq!(again, Delivered::AlreadySent);
    assert_eq!(unknown, Delivered::Missing);
    assert_eq!(mailer.sent.lock().unwrap().len(), 1);
    assert_eq!(sealer.opens(), 0, "an email without secrets asks no key");
}

#[tokio::test]
async fn a_sealed_password_is_opened_only_to_render_its_email_and_dropped_once_sent() {
    let sealer = MemorySealer::default();
    let o = password_email(&sealer).await;
    let stored = format!("{:?}", o.message);
    let store = MemoryOutbox::with(std::slice::from_ref(&o));
    let mailer = CountingMailer::default();

    let outcome = deliver(&store, &mailer, &sealer, &branding(), &o.outbox_id)
        .await
        .unwrap();

    assert!(matches!(outcome, Delivered::Sent { .. }));
    assert!(!stored.contains(PASSWORD), "{stored}");
    assert!(mailer.texts()[0].contains(PASSWORD));
    assert_eq!((sealer.seals(), sealer.opens()), (1, 1));
    assert!(store.get(&o.outbox_id).message_dropped);
}

#[tokio::test]
async fn a_secret_that_does_not_open_is_recorded_and_the_item_stays_pending() {
    let sealer = MemorySealer::default();
    let mut o = password_email(&sealer).await;
    o.outbox_id = "replayed-into-another-item".into();
    let store = MemoryOutbox::with(std::slice::from_ref(&o));
    let mailer = CountingMailer::default();

    let error = deliver(&store, &mailer, &sealer, &branding(), &o.outbox_id)
        .await
        .unwrap_err();

    assert!(
        matches!(error, DeliveryError::Open(OpenError::Refused(_))),
        "{error}"
    );
    let kept = store.get(&o.outbox_id);
    assert_eq!(
        (kept.sent, kept.attempts, kept.claimed_until),
        (false, 1, None)
    );
    assert!(kept.last_error.unwrap().contains("does not open"));
    assert!(mailer.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn with_the_key_service_down_nothing_is_sent_and_a_later_delivery_sends_it() {
    let sealer = MemorySealer::default();
    let o = password_email(&sealer).await;
    let store = MemoryOutbox::with(std::slice::from_ref(&o));
    let mailer = CountingMailer::default();
    sealer.set_down(true);

    let down = deliver(&store, &mailer, &sealer, &branding(), &o.outbox_id).await;
    sealer.set_down(false);
    let later = deliver(&store, &mailer, &sealer, &branding(), &o.outbox_id).await;

    assert!(matches!(
        down,
        Err(DeliveryError::Open(OpenError::Unexpected(_)))
    ));
    assert!(matches!(later, Ok(Delivered::Sent { .. })));
    assert_eq!(mailer.texts().len(), 1);
    assert_eq!(store.get(&o.outbox_id).attempts, 1);
}

#[tokio::test]
async fn an_item_written_before_secrets_were_sealed_is_sent_as_stored() {
    let store = MemoryOutbox::default();
    let legacy = OutboxItem {
        outbox_id: "old".into(),
        to: Recipient::Address(ann()),
        message: EmailMessage::PasswordReset {
            login_name: "Ann".into(),
            customer_name: "Acme".into(),
            temporary_password: PASSWORD.into(),
            sign_in_url: "https://portal.example/#/sign-in".into(),
        },
        created_at: Timestamp::now(),
    };
    store.keep("old", Stored::Unsealed(legacy));
    let (mailer, sealer) = (CountingMailer::default(), MemorySealer::default());

    let outcome = deliver(&store, &mailer, &sealer, &branding(), "old").await;

    assert!(matches!(outcome, Ok(Delivered::Sent { .. })));
    assert!(mailer.texts()[0].contains(PASSWORD));
    assert_eq!(sealer.opens(), 0);
    assert!(store.get("old").message_dropped);
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
        summary: Default::default(),
    };
    let store = MemoryOutbox::with(&[decided]);
    let (mailer, sealer) = (CountingMailer::default(), MemorySealer::default());

    let outcome = deliver(&store, &mailer, &sealer, &branding(), "d")
        .await
        .unwrap();

    assert_eq!(
        outcome,
        Delivered::Sent {
            message_id: "msg-1,msg-2".into()
        }
    );
    let sent = mailer.sent.lock().unwrap();
    let to: Vec<&str> = sent.iter().map(|(to, _, _)| to.as_str()).collect();
    assert_eq!(to, ["ann@example.com", "ben@example.com"]);
    assert!(store.get("d").sent);
    assert!(!store.get("d").message_dropped);
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

    let outcome = deliver(&store, &mailer, &MemorySealer::default(), &branding(), "a")
        .await
        .unwrap();

    assert_eq!(outcome, Delivered::InHand);
    assert!(mailer.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failed_send_is_recorded_and_releases_the_item_for_a_retry() {
    let store = MemoryOutbox::with(&[item("a", Timestamp::now())]);
    let sealer = MemorySealer::default();
    let down = CountingMailer {
        down: true,
        ..CountingMailer::default()
    };

    let error = deliver(&store, &down, &sealer, &branding(), "a")
        .await
        .unwrap_err();

    assert!(matches!(error, DeliveryError::Send(_)), "{error}");
    let stored = store.get("a");
    assert_eq!((stored.sent, stored.attempts), (false, 1));
    assert_eq!(stored.claimed_until, None);
    let up = CountingMailer::default();
    let retried = deliver(&store, &up, &sealer, &branding(), "a")
        .await
        .unwrap();
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

    let report = redrive_pending(
        &store,
        &mailer,
        &MemorySealer::default(),
        &branding(),
        300,
        now,
        100,
    )
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
