//! The outbox item and its key formats.
//!
//! | PK | SK | GSI2PK | GSI2SK |
//! |---|---|---|---|
//! | `OUTBOX#<id>` | `OUTBOX` | `OUTBOX#PENDING` while unsent (removed once sent) | `<created_at>#<id>` |
//!
//! Attributes: `type = "outbox"` (the notifier's stream filter), `status` (`pending`/`sent`),
//! `template`, `to`, `message` (the [`EmailMessage`] as JSON), `created_at`, `attempts`,
//! and once sent `sent_at`, `ses_message_id` and `ttl`. A message that carries a password is
//! blanked (`message` removed) once sent.
//!
//! In `message`, a secret field (a password, a link with its token) is sealed:
//! `{"sealed": "<base64 KMS ciphertext>"}`, never the secret. An item written before secrets
//! were sealed has a plain string there; it reads back as [`Stored::Unsealed`].

use super::attr::{Item, Reader, n, s};
use super::write::UpdateIf;
use super::{DynamoStore, index};
use crate::domain::{Email, Timestamp};
use crate::email::{AfterSending, Claim, OutboxStore};
use crate::error::Unexpected;
use crate::ids::CustomerId;
use crate::logins::{LoginStatus, LoginStore};
use crate::outbox::{EmailMessage, KEEP_SENT_SECONDS, OutboxItem, OutboxStatus, Recipient, Stored};
use crate::seal::Secret;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};

const LOGINS_OF: &str = "logins-of:";

fn recipient_attr(to: &Recipient) -> String {
    match to {
        Recipient::Address(e) => e.as_str().to_owned(),
        Recipient::LoginsOf(c) => format!("{LOGINS_OF}{c}"),
    }
}

fn recipient(raw: &str) -> Result<Recipient, Unexpected> {
    match raw.strip_prefix(LOGINS_OF) {
        Some(c) => CustomerId::parse(c)
            .map(Recipient::LoginsOf)
            .ok_or_else(|| Unexpected::new("an outbox item for a bad customer id")),
        None => Email::stored(raw)
            .map(Recipient::Address)
            .map_err(|e| Unexpected::caused_by("an outbox item for a bad address", e)),
    }
}

/// The outbox id of a stream record's new image (DynamoDB's JSON form), when it is an outbox
/// item not yet sent.
pub fn pending_outbox_id(image: &serde_json::Value) -> Option<String> {
    let string = |name: &str| {
        image
            .get(name)?
            .get("S")
            .and_then(serde_json::Value::as_str)
    };
    if string("type")? != "outbox" || string("status") == Some("sent") {
        return None;
    }
    let outbox_id = string("outbox_id")?;
    (string("PK") == Some(pk(outbox_id).as_str())).then(|| outbox_id.to_owned())
}

pub const SK: &str = "OUTBOX";
pub const PENDING: &str = "OUTBOX#PENDING";

pub fn pk(outbox_id: &str) -> String {
    format!("OUTBOX#{outbox_id}")
}

pub fn to_item(o: &OutboxItem) -> Item {
    Item::from([
        ("PK".into(), s(pk(&o.outbox_id))),
        ("SK".into(), s(SK)),
        ("GSI2PK".into(), s(PENDING)),
        (
            "GSI2SK".into(),
            s(format!("{}#{}", o.created_at, o.outbox_id)),
        ),
        ("type".into(), s("outbox")),
        ("outbox_id".into(), s(&o.outbox_id)),
        ("status".into(), s("pending")),
        ("template".into(), s(o.message.template())),
        ("to".into(), s(recipient_attr(&o.to))),
        (
            "message".into(),
            s(serde_json::to_string(&o.message).expect("serialises")),
        ),
        ("created_at".into(), s(o.created_at.to_string())),
        ("attempts".into(), n(0)),
    ])
}

/// Reads an outbox item (from the table or a stream image).
pub fn from_item(item: &Item) -> Result<(Stored, OutboxStatus), Unexpected> {
    let r = Reader(item);
    let status = match r.s("status")? {
        "sent" => OutboxStatus::Sent,
        _ => OutboxStatus::Pending,
    };
    let outbox_id = r.s("outbox_id")?.to_owned();
    let to = recipient(r.s("to")?)?;
    let created_at = r.time("created_at")?;
    let stored = match r.json::<EmailMessage>("message") {
        Ok(Some(message)) => Stored::Sealed(OutboxItem {
            outbox_id,
            to,
            message,
            created_at,
        }),
        Ok(None) => return Err(Unexpected::new("outbox item has no message")),
        Err(sealed) => match r.json::<EmailMessage<Secret>>("message") {
            Ok(Some(message)) => Stored::Unsealed(OutboxItem {
                outbox_id,
                to,
                message,
                created_at,
            }),
            _ => return Err(sealed),
        },
    };
    Ok((stored, status))
}

/// The longest error text kept on an outbox item.
const MAX_ERROR_CHARS: usize = 1000;

/// The largest page one pending-outbox `Query` asks for.
const PENDING_PAGE: usize = 100;

impl DynamoStore {
    async fn outbox_attributes(&self, outbox_id: &str) -> Result<Option<Item>, Unexpected> {
        self.get_item(pk(outbox_id), SK).await
    }

    /// The outbox item that carries an email, to ride in the transaction of its state change.
    pub fn put_outbox(&self, o: &OutboxItem) -> TransactWriteItem {
        self.put_new(to_item(o))
    }
}

fn is_sent(item: &Item) -> bool {
    Reader(item).opt_s("status") == Some("sent")
}

#[async_trait::async_trait]
impl OutboxStore for DynamoStore {
    async fn claim_outbox(
        &self,
        outbox_id: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Claim, Unexpected> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(pk(outbox_id)))
            .key("SK", s(SK))
            .update_expression("SET claimed_until = :until")
            .condition_expression(
                "#status = :pending AND (attribute_not_exists(claimed_until) OR claimed_until < :now)",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":until", s(until.to_string()))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let current = match result {
            Ok(out) => {
                let claimed = out.attributes.unwrap_or_default();
                return from_item(&claimed).map(|(o, _)| Claim::Claimed(Box::new(o)));
            }
            Err(e) => match e.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(c)) => match c.item() {
                    Some(old) => Some(old.clone()),
                    None => self.outbox_attributes(outbox_id).await?,
                },
                _ => return Err(Unexpected::caused_by("a DynamoDB outbox call failed", e)),
            },
        };
        Ok(match current {
            None => Claim::Missing,
            Some(i) if is_sent(&i) => Claim::Sent,
            Some(_) => Claim::Busy,
        })
    }

    async fn mark_outbox_sent(
        &self,
        outbox_id: &str,
        after: AfterSending,
        message_id: &str,
        now: Timestamp,
    ) -> Result<bool, Unexpected> {
        let blank = after == AfterSending::DropMessage;
        let update = format!(
            "SET #status = :sent, sent_at = :now, ses_message_id = :id, #ttl = :ttl \
             REMOVE GSI2PK, GSI2SK, claimed_until{}",
            if blank { ", #message" } else { "" }
        );
        let names: &[(&str, &str)] = if blank {
            &[
                ("#status", "status"),
                ("#ttl", "ttl"),
                ("#message", "message"),
            ]
        } else {
            &[("#status", "status"), ("#ttl", "ttl")]
        };
        self.update_if(UpdateIf {
            key: (pk(outbox_id), SK),
            update: &update,
            condition: "#status = :pending",
            names,
            values: vec![
                (":sent", s("sent")),
                (":pending", s("pending")),
                (":now", s(now.to_string())),
                (":id", s(message_id)),
                (":ttl", n(now.unix_seconds() + KEEP_SENT_SECONDS)),
            ],
        })
        .await
    }
    async fn record_outbox_failure(
        &self,
        outbox_id: &str,
        error: &str,
        now: Timestamp,
    ) -> Result<(), Unexpected> {
        let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
        self.update_if(UpdateIf {
            key: (pk(outbox_id), SK),
            update: "SET last_error = :error, last_attempt_at = :now ADD attempts :one \
                     REMOVE claimed_until",
            condition: "#status = :pending",
            names: &[("#status", "status")],
            values: vec![
                (":pending", s("pending")),
                (":error", s(error)),
                (":now", s(now.to_string())),
                (":one", n(1)),
            ],
        })
        .await
        .map(drop)
    }
    async fn pending_outbox(
        &self,
        from: Timestamp,
        before: Timestamp,
        limit: usize,
    ) -> Result<Vec<String>, Unexpected> {
        let mut ids = Vec::new();
        let mut start = None;
        while ids.len() < limit {
            let page = (limit - ids.len()).min(PENDING_PAGE);
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(index::GSI2)
                .key_condition_expression("GSI2PK = :pk AND GSI2SK BETWEEN :from AND :before")
                .expression_attribute_values(":pk", s(PENDING))
                .expression_attribute_values(":from", s(from.to_string()))
                .expression_attribute_values(":before", s(before.to_string()))
                .projection_expression("outbox_id")
                .limit(i32::try_from(page).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| Unexpected::caused_by("a DynamoDB outbox call failed", e))?;
            for found in out.items() {
                ids.push(Reader(found).s("outbox_id")?.to_owned());
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok(ids)
    }

    async fn active_logins(
        &self,
        customer: &CustomerId,
    ) -> Result<Vec<(Email, String)>, Unexpected> {
        let (logins, _) = LoginStore::members(self, customer).await?;
        Ok(logins
            .into_iter()
            .filter(|l| l.status == LoginStatus::Active)
            .take(crate::email::MAX_LOGIN_RECIPIENTS)
            .map(|l| (l.email, l.name.as_str().to_owned()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::Sealed;

    fn email_change(confirm_url: Sealed) -> OutboxItem {
        OutboxItem {
            outbox_id: "0001".into(),
            to: Recipient::Address(Email::parse("ann@example.com").unwrap()),
            message: EmailMessage::EmailChange {
                login_name: "Ann".into(),
                confirm_url,
                expires_at: "2026-11-30T00:00:00.000Z".into(),
            },
            created_at: Timestamp::parse("2026-11-23T08:00:00Z").unwrap(),
        }
    }

    #[test]
    fn an_outbox_item_is_pending_indexed_and_reads_back() {
        let o = email_change(Sealed::from_ciphertext(vec![1, 2, 3, 4]));
        let item = to_item(&o);
        assert_eq!(item.len(), 12);
        assert_eq!(item["PK"], s("OUTBOX#0001"));
        assert_eq!(item["GSI2PK"], s("OUTBOX#PENDING"));
        assert_eq!(item["GSI2SK"], s("2026-11-23T08:00:00.000Z#0001"));
        assert_eq!(item["type"], s("outbox"));
        assert_eq!(item["template"], s("email_change"));
        assert_eq!(
            from_item(&item).unwrap(),
            (Stored::Sealed(o), OutboxStatus::Pending)
        );
    }

    #[test]
    fn a_secret_field_is_stored_as_its_sealed_form_only() {
        let item = to_item(&email_change(Sealed::from_ciphertext(vec![0xde, 0xad])));

        assert_eq!(
            item["message"],
            s(
                r#"{"template":"email_change","login_name":"Ann","confirm_url":{"sealed":"3q0="},"expires_at":"2026-11-30T00:00:00.000Z"}"#
            )
        );
    }

    #[test]
    fn an_item_written_before_secrets_were_sealed_reads_back_as_unsealed() {
        let mut item = to_item(&email_change(Sealed::from_ciphertext(vec![1])));
        item.insert(
            "message".into(),
            s(r#"{"template":"temporary_password","login_name":"Ann","customer_name":"Acme","temporary_password":"Tmp-Pass-42","sign_in_url":"https://portal/#/sign-in"}"#),
        );

        let (stored, _) = from_item(&item).unwrap();

        let Stored::Unsealed(o) = stored else {
            panic!("{stored:?}")
        };
        let EmailMessage::TemporaryPassword {
            temporary_password, ..
        } = o.message
        else {
            panic!("{:?}", o.message)
        };
        assert_eq!(temporary_password, Secret::new("Tmp-Pass-42"));
    }

    #[test]
    fn a_message_without_secrets_reads_back_as_sealed_whenever_it_was_written() {
        let mut item = to_item(&email_change(Sealed::from_ciphertext(vec![1])));
        item.insert(
            "message".into(),
            s(r#"{"template":"order_requested","customer_name":"Acme","login_name":"Ann","order_number":"SO-000001","total":"EUR 1.00","line_count":1,"order_url":"https://portal/#/orders/o"}"#),
        );

        let (stored, _) = from_item(&item).unwrap();

        assert!(matches!(stored, Stored::Sealed(_)), "{stored:?}");
    }
}
