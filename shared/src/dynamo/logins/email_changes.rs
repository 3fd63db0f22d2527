//! Email changes in the table, keyed by their token's hash.

use super::super::DynamoStore;
use super::item::email_change_from_item;
use crate::dynamo::keys::{EMAIL_CHANGE_SK, email_change_pk};
use crate::error::Unexpected;
use crate::logins::{EmailChange, EmailChangeStore};

#[async_trait::async_trait]
impl EmailChangeStore for DynamoStore {
    async fn email_change(&self, token_hash: &str) -> Result<Option<EmailChange>, Unexpected> {
        self.get_as(
            (email_change_pk(token_hash), EMAIL_CHANGE_SK),
            email_change_from_item,
        )
        .await
    }
}
