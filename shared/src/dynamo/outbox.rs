use super::attr::{Item, Reader, n, s};
use super::{DynamoStore, index};
use crate::domain::Timestamp;
use crate::email::{Claim, OutboxStore};
use crate::outbox::{EmailMessage, KEEP_SENT_SECONDS, OutboxItem, item};
use crate::store::Unexpected;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};

/// The longest error text kept on an outbox item.
const MAX_ERROR_CHARS: usize = 1000;

/// The largest page one pending-outbox `Query` asks for.
const PENDING_PAGE: usize = 100;

impl DynamoStore {
    async fn outbox_attributes(&self, outbox_id: &str) -> Result<Option<Item>, Unexpected> {
        self.get_item(item::pk(outbox_id), item::SK).await
    }
}

fn is_sent(item: &Item) -> bool {
    Reader(item).opt_s("status") == Some("sent")
}

/// Whether the message carries a password, which must not stay at rest once sent.
fn carries_password(m: &EmailMessage) -> bool {
    matches!(
        m,
        EmailMessage::TemporaryPassword { .. } | EmailMessage::PasswordReset { .. }
    )
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
            .key("PK", s(item::pk(outbox_id)))
            .key("SK", s(item::SK))
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
                return item::from_item(&claimed).map(|(o, _)| Claim::Claimed(Box::new(o)));
            }
            Err(e) => match e.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(c)) => match c.item() {
                    Some(old) => Some(old.clone()),
                    None => self.outbox_attributes(outbox_id).await?,
                },
                _ => return Err(Unexpected::new(DisplayErrorContext(e))),
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
        o: &OutboxItem,
        message_id: &str,
        now: Timestamp,
    ) -> Result<bool, Unexpected> {
        let mut remove = "REMOVE GSI2PK, GSI2SK, claimed_until".to_owned();
        if carries_password(&o.message) {
            remove.push_str(", #message");
        }
        let mut update = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(item::pk(&o.outbox_id)))
            .key("SK", s(item::SK))
            .update_expression(format!(
                "SET #status = :sent, sent_at = :now, ses_message_id = :id, #ttl = :ttl {remove}"
            ))
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":sent", s("sent"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":id", s(message_id))
            .expression_attribute_values(":ttl", n(now.unix_seconds() + KEEP_SENT_SECONDS));
        if carries_password(&o.message) {
            update = update.expression_attribute_names("#message", "message");
        }
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(UpdateItemError::is_conditional_check_failed_exception) =>
            {
                Ok(false)
            }
            Err(e) => Err(Unexpected::new(DisplayErrorContext(e))),
        }
    }

    async fn record_outbox_failure(
        &self,
        outbox_id: &str,
        error: &str,
        now: Timestamp,
    ) -> Result<(), Unexpected> {
        let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(item::pk(outbox_id)))
            .key("SK", s(item::SK))
            .update_expression(
                "SET last_error = :error, last_attempt_at = :now ADD attempts :one \
                 REMOVE claimed_until",
            )
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":error", s(error))
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":one", n(1))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(UpdateItemError::is_conditional_check_failed_exception) =>
            {
                Ok(())
            }
            Err(e) => Err(Unexpected::new(DisplayErrorContext(e))),
        }
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
                .expression_attribute_values(":pk", s(item::PENDING))
                .expression_attribute_values(":from", s(from.to_string()))
                .expression_attribute_values(":before", s(before.to_string()))
                .projection_expression("outbox_id")
                .limit(i32::try_from(page).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| Unexpected::new(DisplayErrorContext(e)))?;
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
        customer: &crate::customers::CustomerId,
    ) -> Result<Vec<(crate::domain::Email, String)>, Unexpected> {
        let (logins, _) = crate::logins::LoginStore::members(self, customer).await?;
        Ok(logins
            .into_iter()
            .filter(|l| l.status == crate::logins::LoginStatus::Active)
            .take(crate::email::MAX_LOGIN_RECIPIENTS)
            .map(|l| (l.email, l.name.as_str().to_owned()))
            .collect())
    }
}
