//! What the API-client use cases call: the table, and the user pool that signs their tokens.

use super::model::{ApiClient, ClientSecret, Scopes};
use crate::audit::AuditEntry;
use crate::domain::Email;
use crate::error::Unexpected;
use crate::ids::ClientId;
use crate::throttle::Charge;

/// Where API clients are kept.
#[async_trait::async_trait]
pub trait ClientStore: Send + Sync {
    /// Every client, oldest first.
    async fn clients(&self) -> Result<Vec<ApiClient>, Unexpected>;
    async fn client(&self, id: &ClientId) -> Result<Option<ApiClient>, Unexpected>;
    /// Writes a new client with its audit entry, both or neither.
    async fn put_client(&self, client: &ApiClient, audit: &AuditEntry) -> Result<(), Unexpected>;
    /// Removes the client with its audit entry, both or neither; `false` when it was gone
    /// already.
    async fn delete_client(
        &self,
        client: &ApiClient,
        audit: &AuditEntry,
    ) -> Result<bool, Unexpected>;
    /// Counts one token request on `charge`'s counter; `false` when that would take it over
    /// its limit, and then nothing is counted.
    async fn charge_token(&self, charge: &Charge) -> Result<bool, Unexpected>;
}

/// The user a client has in the pool: the pool signs the client's tokens, so the API's one
/// JWT authorizer checks them like every other token (see the README, "API clients").
#[derive(Debug, Clone)]
pub struct ClientUser<'a> {
    pub email: &'a Email,
    pub secret: &'a ClientSecret,
    pub client_id: &'a ClientId,
    pub scopes: &'a Scopes,
}

/// A token the pool issued to a client's user.
#[derive(Debug, Clone)]
pub struct PoolToken {
    pub token: String,
    pub expires_in: u64,
}

/// The pool's side of API clients.
#[async_trait::async_trait]
pub trait ClientUsers: Send + Sync {
    /// Creates the client's user: verified, in the group `api-clients`, its password the
    /// secret, its token claims the client's id and scopes. Returns its `sub`. Either the user
    /// exists whole afterwards, or not at all.
    async fn create_client_user(&self, user: ClientUser<'_>) -> Result<String, Unexpected>;
    /// Removes the user; one that does not exist is removed already.
    async fn delete_client_user(&self, email: &Email) -> Result<(), Unexpected>;
    /// A token for the user, signed in with the secret; `None` when the pool refuses it.
    async fn client_token(
        &self,
        email: &Email,
        secret: &ClientSecret,
    ) -> Result<Option<PoolToken>, Unexpected>;
}
