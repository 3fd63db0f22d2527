//! What stands between an API client's token and a route: the client must still exist (its
//! token is refused at once after it is deleted, however long the token has left), the route
//! must need a scope the client has, and every call, allowed or not, is written to the audit
//! log under the client's id and name.

use super::access::scope_for;
use super::model::{ApiClient, Scope};
use super::ports::ClientStore;
use crate::actor::{ClientCaller, ClientRef, Principal};
use crate::audit::{AuditEntry, AuditLog};
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::ids::ClientId;
use serde_json::json;

/// Why a client's call was refused.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// The token names no client that exists now: deleted, or never ours.
    #[error("the API client does not exist")]
    Unknown,
    /// No scope covers the route: a customer's route, or an admin route kept for people.
    #[error("no scope covers {0}")]
    NotCovered(String),
    #[error("the route needs the scope {}", .0.as_str())]
    MissingScope(Scope),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl ApiClient {
    /// The client as an admin use case sees its caller: its changes are recorded under the
    /// client's id and name.
    pub fn principal(&self) -> Principal {
        Principal {
            sub: self.id.as_str().to_owned(),
            client: Some(ClientRef {
                id: self.id.clone(),
                name: self.name.clone(),
            }),
            ..Principal::default()
        }
    }
}

/// Admits `caller` to `route_key` (requested at `path`), or says why not. One read of the
/// client and one audit write.
pub async fn admit<S: ClientStore + AuditLog>(
    store: &S,
    caller: &ClientCaller,
    route_key: &str,
    path: &str,
) -> Result<ApiClient, GateError> {
    let id = caller
        .client_id
        .as_deref()
        .and_then(ClientId::parse)
        .ok_or(GateError::Unknown)?;
    let client = store
        .client(&id)
        .await?
        .filter(|c| c.sub == caller.sub)
        .ok_or(GateError::Unknown)?;
    let verdict = match scope_for(route_key) {
        None => Err(GateError::NotCovered(route_key.to_owned())),
        Some(scope) if !client.scopes.contains(scope) => Err(GateError::MissingScope(scope)),
        Some(_) => Ok(()),
    };
    let entry = AuditEntry::by_admin(
        &client.principal(),
        Timestamp::now(),
        "api_client.call",
        None,
        json!({
            "route": route_key,
            "path": path,
            "allowed": verdict.is_ok(),
        }),
    );
    store.record(&entry).await?;
    verdict.map(|()| client)
}
