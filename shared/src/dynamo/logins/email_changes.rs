//! Email changes in the table, keyed by their token's hash; a confirmation claims the item as
//! any single-use link is claimed (`super::links`).

use super::super::DynamoStore;
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
        let key = (email_change_pk(&change.token_hash), EMAIL_CHANGE_SK);
        self.claim_link(key, claim).await
    }

    async fn release_email_change(
        &self,
        change: &EmailChange,
        claim: &LinkClaim,
    ) -> Result<(), Unexpected> {
        let key = (email_change_pk(&change.token_hash), EMAIL_CHANGE_SK);
        self.release_link(key, claim).await
    }
}
