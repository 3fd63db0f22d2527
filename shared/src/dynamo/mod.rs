//! The DynamoDB adapter: the only module that knows the table, its keys and its items. Each
//! aggregate's module owns its key formats and item shapes (pinned by tests) and implements
//! its ports; [`prefetch`] turns a request's declared reads into one `BatchGetItem`.

mod addresses;
pub mod attr;
mod audit;
pub mod calls;
mod catalog;
mod clients;
mod customers;
mod events;
mod idempotency;
mod keys;
mod lists;
mod logins;
pub(crate) mod orders;
pub mod outbox;
mod prefetch;
mod query;
mod teams;
mod webhooks;
mod write;

pub use events::unpublished_event;
pub use logins::resets::pending_reset_request_id;
pub use outbox::pending_outbox_id;

use crate::error::Unexpected;
use aws_sdk_dynamodb::Client;
use prefetch::Ahead;
use std::sync::Arc;

/// The single Orderdesk table, reached through one client built per cold start. A copy made by
/// [`crate::reads::Prefetch::prefetch`] is one request's: it also holds what that request read
/// ahead.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    ahead: Option<Arc<Ahead>>,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            ahead: None,
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The item with this key, read strongly consistent; from memory when this request read it
    /// ahead.
    pub(crate) async fn get_item(
        &self,
        pk: String,
        sk: &str,
    ) -> Result<Option<attr::Item>, Unexpected> {
        let key = (pk, sk.to_owned());
        if let Some(item) = self.ahead.as_ref().and_then(|a| a.take(&key)) {
            return Ok(item);
        }
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("PK", attr::s(key.0))
            .key("SK", attr::s(key.1))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB GetItem failed", e))?;
        Ok(out.item)
    }
}

impl DynamoStore {
    /// The item with this key, read as `parse` reads it.
    pub(crate) async fn get_as<T>(
        &self,
        (pk, sk): (String, &str),
        parse: impl FnOnce(&attr::Item) -> Result<T, Unexpected>,
    ) -> Result<Option<T>, Unexpected> {
        self.get_item(pk, sk).await?.as_ref().map(parse).transpose()
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

/// `ORDERDESK_PREWARM_DYNAMODB=1`: open the DynamoDB connection during init with one read of a
/// key that never exists. In AWS the first call otherwise pays the TLS handshake inside the
/// first request (published: 912 ms at 128 MB, 21 ms once the connection is opened at init);
/// the read also resolves and caches the credentials and the endpoint. A failure is logged and
/// ignored: the first request will simply open the connection itself.
pub async fn prewarm(client: &Client, table: &str) {
    if !matches!(
        std::env::var("ORDERDESK_PREWARM_DYNAMODB").as_deref(),
        Ok("1" | "true")
    ) {
        return;
    }
    use aws_sdk_dynamodb::types::AttributeValue;
    let read = client
        .get_item()
        .table_name(table)
        .key("PK", AttributeValue::S("PREWARM".into()))
        .key("SK", AttributeValue::S("PREWARM".into()))
        .projection_expression("PK")
        .send()
        .await;
    if let Err(e) = read {
        tracing::warn!(
            error = %aws_sdk_dynamodb::error::DisplayErrorContext(e),
            "prewarming the DynamoDB connection failed"
        );
    }
}
