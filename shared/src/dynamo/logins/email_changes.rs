//! Email changes in the table, keyed by their token's hash. A confirmation claims the item
//! (`claim`, `claimed_at`) before it changes Cognito, and its final put requires that claim.

use super::super::DynamoStore;
use super::super::attr::s;
use super::super::write::UpdateIf;
use super::item::email_change_from_item;
use crate::dynamo::keys::{EMAIL_CHANGE_SK, email_change_pk};
use crate::error::Unexpected;
use crate::logins::{EmailChange, EmailChangeStore, LinkClaim, LoginStoreError};

#[async_trait::async_trait]
impl EmailChangeStore for DynamoStore {
    async fn email_change(&self, token_hash: &str) -> Result<Option<EmailChange>, Unexpected> {
        self.get_as(
            (email_change_pk(token_hash), EMAIL_CHANGE_SK),
            email_change_from_item,
        )
        .await
    }

    async fn claim_email_change(
        &self,
        change: &EmailChange,
        claim: &LinkClaim,
    ) -> Result<(), LoginStoreError> {
        let claimed = self
            .update_if(UpdateIf {
                key: (email_change_pk(&change.token_hash), EMAIL_CHANGE_SK),
                update: "SET claim = :claim, claimed_at = :now",
                condition: "#status = :pending AND expires_at > :now \
                            AND (attribute_not_exists(claim) OR claimed_at < :abandoned)",
                names: &[("#status", "status")],
                values: vec![
                    (":pending", s("pending")),
                    (":claim", s(&claim.id)),
                    (":now", s(claim.at.to_string())),
                    (":abandoned", s(claim.abandoned_before().to_string())),
                ],
            })
            .await?;
        if claimed {
            Ok(())
        } else {
            Err(LoginStoreError::Stale)
        }
    }

    async fn release_email_change(
        &self,
        change: &EmailChange,
        claim: &LinkClaim,
    ) -> Result<(), Unexpected> {
        self.update_if(UpdateIf {
            key: (email_change_pk(&change.token_hash), EMAIL_CHANGE_SK),
            update: "REMOVE claim, claimed_at",
            condition: "claim = :claim",
            names: &[],
            values: vec![(":claim", s(&claim.id))],
        })
        .await
        .map(drop)
    }
}
