//! Webhooks and their deliveries in the table. A webhook is one item (its secrets sealed),
//! listed on GSI1 under `WEBHOOKS`; its deliveries live in its partition, newest last by their
//! time-ordered event ids, and one waiting for its next attempt is listed on GSI1 under
//! `WEBHOOK#DUE` by that time. Keys: [`crate::dynamo::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, b, bad, n, s};
use super::index;
use super::keys::{
    DELIVERIES_DUE, DELIVERY_PREFIX, EVENT_SK, WEBHOOK_SK, WEBHOOKS, delivery_sk, event_pk,
    webhook_pk,
};
use super::query::{Listing, ListingError};
use super::write::{UpdateIf, tx_error_into};
use crate::audit::AuditEntry;
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::events::{Event, EventType};
use crate::ids::{DeliveryId, WebhookId};
use crate::page::{Page, PageRequest};
use crate::seal::Sealed;
use crate::webhooks::{
    AttemptContext, AttemptRecord, DeliveriesError, Delivery, DeliveryJob, DeliveryStatus,
    DeliveryStore, KEEP_DELIVERIES_SECONDS, Keyring, RecordError, Streak, Webhook, WebhookStore,
    WebhookStoreError, WebhookUrl,
};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};

tx_error_into!(WebhookStoreError);

fn sealed_json(sealed: &Sealed) -> String {
    serde_json::to_string(sealed).expect("a sealed secret serialises")
}

pub fn webhook_item(w: &Webhook) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(webhook_pk(&w.id))),
        ("SK".into(), s(WEBHOOK_SK)),
        ("GSI1PK".into(), s(WEBHOOKS)),
        ("GSI1SK".into(), s(format!("{}#{}", w.created_at, w.id))),
        ("type".into(), s("webhook")),
        ("webhook_id".into(), s(w.id.as_str())),
        ("url".into(), s(w.url.as_str())),
        (
            "events".into(),
            s(serde_json::to_string(&w.events).expect("event types serialise")),
        ),
        ("enabled".into(), b(w.enabled)),
        ("secret".into(), s(sealed_json(&w.keyring.current))),
        ("created_at".into(), s(w.created_at.to_string())),
        ("updated_at".into(), s(w.updated_at.to_string())),
        ("version".into(), n(w.version)),
    ]);
    if let Some((previous, until)) = &w.keyring.previous {
        item.insert("previous_secret".into(), s(sealed_json(previous)));
        item.insert("previous_secret_until".into(), s(until.to_string()));
    }
    if let Some(d) = &w.description {
        item.insert("description".into(), s(d));
    }
    if let Some(t) = w.failing_since {
        item.insert("failing_since".into(), s(t.to_string()));
    }
    if let Some(r) = &w.disabled_reason {
        item.insert("disabled_reason".into(), s(r));
    }
    item
}

pub fn webhook_from_item(item: &Item) -> Result<Webhook, Unexpected> {
    let r = Reader(item);
    let id = WebhookId::parse(r.s("webhook_id")?).ok_or_else(|| bad("webhook", "webhook_id"))?;
    let current: Sealed = r.json("secret")?.ok_or_else(|| bad("webhook", "secret"))?;
    let previous = match r.json::<Sealed>("previous_secret")? {
        Some(sealed) => Some((sealed, r.time("previous_secret_until")?)),
        None => None,
    };
    Ok(Webhook {
        id,
        url: WebhookUrl::stored(r.s("url")?),
        events: r.json("events")?.unwrap_or_default(),
        description: r.opt_s("description").map(str::to_owned),
        enabled: r.bool("enabled")?,
        keyring: Keyring { current, previous },
        failing_since: r.opt_time("failing_since")?,
        disabled_reason: r.opt_s("disabled_reason").map(str::to_owned),
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        version: r.n("version")?,
    })
}

pub fn delivery_item(d: &Delivery) -> Item {
    let expires = d.created_at.unix_seconds() + KEEP_DELIVERIES_SECONDS;
    let mut item = Item::from([
        ("PK".into(), s(webhook_pk(&d.webhook_id))),
        ("SK".into(), s(delivery_sk(&d.event_id))),
        ("type".into(), s("delivery")),
        ("webhook_id".into(), s(d.webhook_id.as_str())),
        ("event_id".into(), s(&d.event_id)),
        ("event_type".into(), s(d.event_type.as_str())),
        (
            "status".into(),
            s(serde_json::to_value(d.status)
                .expect("a status serialises")
                .as_str()
                .expect("a status is a string")),
        ),
        ("attempts".into(), n(d.attempts)),
        ("created_at".into(), s(d.created_at.to_string())),
        (
            "log".into(),
            s(serde_json::to_string(&d.log).expect("attempts serialise")),
        ),
        ("ttl".into(), n(expires)),
    ]);
    if let Some(code) = d.last_status_code {
        item.insert("last_status_code".into(), n(code));
    }
    if let Some(at) = d.next_attempt_at {
        item.insert("next_attempt_at".into(), s(at.to_string()));
        item.insert("GSI1PK".into(), s(DELIVERIES_DUE));
        item.insert(
            "GSI1SK".into(),
            s(format!("{at}#{}#{}", d.webhook_id, d.event_id)),
        );
    }
    item
}

pub fn delivery_from_item(item: &Item) -> Result<Delivery, Unexpected> {
    let r = Reader(item);
    let event_id = r.s("event_id")?.to_owned();
    let kind: EventType = serde_json::from_value(r.s("event_type")?.into())
        .map_err(|_| bad("delivery", "event_type"))?;
    let status: DeliveryStatus =
        serde_json::from_value(r.s("status")?.into()).map_err(|_| bad("delivery", "status"))?;
    Ok(Delivery {
        delivery_id: DeliveryId::of_event(&event_id).ok_or_else(|| bad("delivery", "event_id"))?,
        webhook_id: WebhookId::parse(r.s("webhook_id")?)
            .ok_or_else(|| bad("delivery", "webhook_id"))?,
        event_id,
        event_type: kind,
        status,
        attempts: r.n("attempts")?,
        last_status_code: item
            .get("last_status_code")
            .map(|_| r.n("last_status_code"))
            .transpose()?,
        next_attempt_at: r.opt_time("next_attempt_at")?,
        created_at: r.time("created_at")?,
        log: r.json("log")?.unwrap_or_default(),
    })
}

/// An event that goes to one webhook only: kept where the deliverer reads events, marked so
/// the publisher's stream filter never takes it for one to publish.
pub fn direct_event_item(e: &Event) -> Item {
    let mut item = super::events::to_item(e);
    item.remove("GSI2PK");
    item.remove("GSI2SK");
    item.insert("status".into(), s("direct"));
    item.insert(
        "ttl".into(),
        n(e.occurred_at.unix_seconds() + KEEP_DELIVERIES_SECONDS),
    );
    item
}

impl DynamoStore {
    async fn all_webhooks(&self) -> Result<Vec<Webhook>, Unexpected> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(index::GSI1)
            .key_condition_expression("GSI1PK = :pk")
            .expression_attribute_values(":pk", s(WEBHOOKS))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
        out.items().iter().map(webhook_from_item).collect()
    }

    /// The webhook's update after an attempt, if its streak changed.
    fn streak_update(
        &self,
        w: &Webhook,
        streak: &Streak,
        now: Timestamp,
    ) -> Option<TransactWriteItem> {
        let (expression, values) = match streak {
            Streak::Unchanged => return None,
            Streak::Started(at) => (
                "SET failing_since = if_not_exists(failing_since, :at)",
                vec![(":at", s(at.to_string()))],
            ),
            Streak::Ended => ("REMOVE failing_since", vec![]),
            Streak::Disable { .. } => (
                "SET enabled = :off, disabled_reason = :why, updated_at = :now, version = version + :one",
                vec![
                    (":off", b(false)),
                    (
                        ":why",
                        s("Every delivery failed for 3 days, so the webhook was disabled."),
                    ),
                    (":now", s(now.to_string())),
                    (":one", n(1)),
                ],
            ),
        };
        let mut update = Update::builder()
            .table_name(self.table())
            .key("PK", s(webhook_pk(&w.id)))
            .key("SK", s(WEBHOOK_SK))
            .update_expression(expression)
            .condition_expression("attribute_exists(PK)");
        for (k, v) in values {
            update = update.expression_attribute_values(k, v);
        }
        Some(
            TransactWriteItem::builder()
                .update(update.build().expect("table, key and expression are set"))
                .build(),
        )
    }
}

#[async_trait::async_trait]
impl WebhookStore for DynamoStore {
    async fn webhooks(&self) -> Result<Vec<Webhook>, Unexpected> {
        self.all_webhooks().await
    }

    async fn webhook(&self, id: &WebhookId) -> Result<Option<Webhook>, Unexpected> {
        self.get_as((webhook_pk(id), WEBHOOK_SK), webhook_from_item)
            .await
    }

    async fn put_webhook(
        &self,
        before: Option<&Webhook>,
        after: &Webhook,
        audit: &AuditEntry,
    ) -> Result<(), WebhookStoreError> {
        let put = match before {
            None => self.put_new(webhook_item(after)),
            Some(b) => self.put_versioned(webhook_item(after), b.version),
        };
        Ok(self.transact(vec![put, self.put_audit(audit)]).await?)
    }

    async fn delete_webhook(
        &self,
        before: &Webhook,
        audit: &AuditEntry,
    ) -> Result<(), WebhookStoreError> {
        let delete = self.delete_versioned((webhook_pk(&before.id), WEBHOOK_SK), before.version);
        Ok(self.transact(vec![delete, self.put_audit(audit)]).await?)
    }

    async fn put_direct_event(&self, event: &Event) -> Result<(), Unexpected> {
        self.client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(direct_event_item(event)))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB PutItem failed", e))?;
        Ok(())
    }

    async fn deliveries(
        &self,
        id: &WebhookId,
        page: &PageRequest,
    ) -> Result<Page<Delivery>, DeliveriesError> {
        let pk = webhook_pk(id);
        let listing = Listing {
            index: None,
            key_condition: "PK = :pk AND begins_with(SK, :prefix)",
            filter: None,
            names: vec![],
            values: vec![(":pk", s(&pk)), (":prefix", s(DELIVERY_PREFIX))],
            key_attributes: &["PK", "SK"],
            forward: false,
        };
        let fits = |c: &crate::page::Cursor| c.0.get("PK") == Some(&pk);
        self.list_page(&listing, page, fits, delivery_from_item)
            .await
            .map_err(|e: ListingError| e.or_bad_cursor(|| DeliveriesError::BadCursor))
    }

    async fn delivery(
        &self,
        id: &WebhookId,
        delivery: &DeliveryId,
    ) -> Result<Option<Delivery>, Unexpected> {
        let sk = delivery_sk(&delivery.event_id());
        self.get_as((webhook_pk(id), &sk), delivery_from_item).await
    }
}

#[async_trait::async_trait]
impl DeliveryStore for DynamoStore {
    async fn attempt_context(&self, job: &DeliveryJob) -> Result<AttemptContext, Unexpected> {
        let webhook = (webhook_pk(&job.webhook_id), WEBHOOK_SK.to_owned());
        let event = (event_pk(&job.event_id), EVENT_SK.to_owned());
        let delivery = (webhook_pk(&job.webhook_id), delivery_sk(&job.event_id));
        let found = self
            .batch_get(&[webhook.clone(), event.clone(), delivery.clone()])
            .await?;
        Ok(AttemptContext {
            webhook: found.get(&webhook).map(webhook_from_item).transpose()?,
            event: found
                .get(&event)
                .map(super::events::from_item)
                .transpose()?,
            delivery: found.get(&delivery).map(delivery_from_item).transpose()?,
        })
    }

    async fn record_attempt(&self, r: AttemptRecord<'_>) -> Result<(), RecordError> {
        let (condition, attempts) = match r.before {
            None => ("attribute_not_exists(PK)", None),
            Some(b) => ("attempts = :attempts", Some(n(b.attempts))),
        };
        let mut actions = vec![];
        actions.extend(self.streak_update(r.webhook, r.streak, r.now));
        if let Some(email) = r.email {
            actions.push(self.put_outbox(email));
        }
        if actions.is_empty() {
            let put = self
                .client()
                .put_item()
                .table_name(self.table())
                .set_item(Some(delivery_item(r.after)))
                .condition_expression(condition)
                .set_expression_attribute_values(attempts.map(|a| [(":attempts".into(), a)].into()))
                .send()
                .await;
            return match put {
                Ok(_) => Ok(()),
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
                {
                    Err(RecordError::Stale)
                }
                Err(e) => Err(crate::sdk::failure("DynamoDB PutItem failed", e).into()),
            };
        }
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(delivery_item(r.after)))
            .condition_expression(condition)
            .set_expression_attribute_values(attempts.map(|a| [(":attempts".into(), a)].into()))
            .build()
            .expect("table and item are set");
        actions.insert(0, TransactWriteItem::builder().put(put).build());
        match self.transact(actions).await {
            Ok(()) => Ok(()),
            // Another attempt came first, or the webhook went meanwhile.
            Err(e) if e.failed(0) || e.failed(1) => Err(RecordError::Stale),
            Err(e) => Err(RecordError::Unexpected(e.into())),
        }
    }

    async fn due_deliveries(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Delivery>, Unexpected> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(index::GSI1)
            .key_condition_expression("GSI1PK = :pk AND GSI1SK <= :now")
            .expression_attribute_values(":pk", s(DELIVERIES_DUE))
            .expression_attribute_values(":now", s(format!("{now}#~")))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
        out.items().iter().map(delivery_from_item).collect()
    }

    async fn mark_queued(&self, d: &Delivery) -> Result<bool, Unexpected> {
        self.update_if(UpdateIf {
            key: (webhook_pk(&d.webhook_id), &delivery_sk(&d.event_id)),
            update: "REMOVE GSI1PK, GSI1SK",
            condition: "attempts = :attempts",
            names: &[],
            values: vec![(":attempts", n(d.attempts))],
        })
        .await
    }

    async fn subscribers(&self) -> Result<Vec<Webhook>, Unexpected> {
        self.all_webhooks().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::Attempt;

    fn webhook() -> Webhook {
        let at = Timestamp::parse("2026-12-02T08:00:00.000Z").unwrap();
        Webhook {
            id: WebhookId::parse("whk_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            url: WebhookUrl::stored("https://erp.example.com/hooks"),
            events: vec![EventType::OrderConfirmed, EventType::CustomerCreated],
            description: Some("ERP".into()),
            enabled: true,
            keyring: Keyring {
                current: Sealed::from_ciphertext(vec![1, 2, 3]),
                previous: Some((Sealed::from_ciphertext(vec![4, 5]), at.plus_seconds(86_400))),
            },
            failing_since: Some(at),
            disabled_reason: None,
            created_at: at,
            updated_at: at,
            version: 3,
        }
    }

    #[test]
    fn a_webhook_is_one_item_listed_on_gsi1_with_its_secrets_sealed_and_reads_back() {
        let w = webhook();

        let item = webhook_item(&w);

        assert_eq!(
            item["PK"],
            s("WEBHOOK#whk_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["SK"], s("WEBHOOK"));
        assert_eq!(item["GSI1PK"], s("WEBHOOKS"));
        assert_eq!(
            item["GSI1SK"],
            s("2026-12-02T08:00:00.000Z#whk_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["type"], s("webhook"));
        assert_eq!(item["secret"], s(r#"{"sealed":"AQID"}"#));
        assert_eq!(item["previous_secret"], s(r#"{"sealed":"BAU="}"#));
        assert_eq!(
            item["events"],
            s(r#"["order.confirmed","customer.created"]"#)
        );
        assert_eq!(item["enabled"], b(true));
        assert_eq!(item.len(), 17);
        assert_eq!(webhook_from_item(&item).unwrap(), w);
    }

    #[test]
    fn a_delivery_lives_in_its_webhooks_partition_and_is_listed_as_due_only_while_it_waits() {
        let w = webhook();
        let event_id = "evt_0196b7a0c1d27e3f8a9b0c1d2e3f4a5c";
        let d = Delivery::new(&w.id, event_id, EventType::OrderConfirmed, w.created_at).unwrap();
        let failed = Attempt {
            at: w.created_at,
            status_code: Some(500),
            duration_ms: 12,
            error: Some("answered 500".into()),
        };
        let waiting = d.after(failed, 1.0);

        let item = delivery_item(&waiting);

        assert_eq!(
            item["PK"],
            s("WEBHOOK#whk_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(
            item["SK"],
            s("DELIVERY#evt_0196b7a0c1d27e3f8a9b0c1d2e3f4a5c")
        );
        assert_eq!(item["GSI1PK"], s("WEBHOOK#DUE"));
        assert_eq!(
            item["GSI1SK"],
            s(
                "2026-12-02T08:05:00.000Z#whk_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b#evt_0196b7a0c1d27e3f8a9b0c1d2e3f4a5c"
            )
        );
        assert_eq!(item["status"], s("pending"));
        assert_eq!(item["attempts"], n(1));
        assert_eq!(item["last_status_code"], n(500));
        assert_eq!(item["ttl"], n(w.created_at.unix_seconds() + 30 * 86_400));
        assert_eq!(delivery_from_item(&item).unwrap(), waiting);
        let done = waiting.after(
            Attempt {
                at: w.created_at,
                status_code: Some(204),
                duration_ms: 3,
                error: None,
            },
            1.0,
        );
        let item = delivery_item(&done);
        assert!(!item.contains_key("GSI1PK"));
        assert_eq!(item["status"], s("succeeded"));
        assert_eq!(delivery_from_item(&item).unwrap(), done);
    }

    #[test]
    fn a_test_event_is_kept_unlisted_and_never_pending_for_the_publisher() {
        let e = Event::new(
            EventType::WebhookTest,
            Timestamp::parse("2026-12-02T08:00:00.000Z").unwrap(),
            &serde_json::json!({}),
        );

        let item = direct_event_item(&e);

        assert_eq!(item["status"], s("direct"));
        assert!(!item.contains_key("GSI2PK"));
        assert_eq!(super::super::events::from_item(&item).unwrap(), e);
        let image = serde_json::json!({
            "type": {"S": "event"}, "status": {"S": "direct"},
            "event": {"S": serde_json::to_string(&e).unwrap()}
        });
        assert_eq!(super::super::events::unpublished_event(&image), None);
    }
}
