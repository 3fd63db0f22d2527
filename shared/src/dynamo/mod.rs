//! The DynamoDB adapter: one table, keys owned by each entity's module.

pub mod attr;
mod audit;
pub mod calls;
mod catalog;
mod customers;
mod errors;
mod logins;
mod orders;
mod outbox;
pub(crate) mod query;
pub mod read_ahead;

pub use errors::{CancelReason, cancellation_reasons};

use aws_sdk_dynamodb::Client;

/// The single Orderdesk table, reached through one client built per cold start.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The item with this key, read strongly consistent.
    pub(crate) async fn get_item(
        &self,
        pk: String,
        sk: &str,
    ) -> Result<Option<attr::Item>, crate::store::Unexpected> {
        if let Some(item) = read_ahead::cached(&pk, sk) {
            return Ok(item);
        }
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("PK", attr::s(pk))
            .key("SK", attr::s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| {
                crate::store::Unexpected::new(aws_sdk_dynamodb::error::DisplayErrorContext(e))
            })?;
        Ok(out.item)
    }
}

/// A DynamoDB client carrying the [`calls::CallCounter`] interceptor.
pub fn client(aws: &aws_config::SdkConfig) -> Client {
    let config = aws_sdk_dynamodb::config::Builder::from(aws)
        .interceptor(calls::CallCounter)
        .build();
    Client::from_conf(config)
}

/// Index names, as in `template.yaml`.
pub mod index {
    pub const GSI1: &str = "GSI1";
    pub const GSI2: &str = "GSI2";
}
