//! The seller's admins keep their API clients: create one (its secret shown once), list them,
//! delete one (its tokens refused at once).

use super::model::{ApiClient, ApiClientView, ClientSecret, MAX_CLIENTS, Scope, Scopes};
use super::ports::{ClientStore, ClientUser, ClientUsers};
use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::domain::{FieldError, Timestamp, Validator, bounded_text};
use crate::error::Unexpected;
use crate::ids::ClientId;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Body of `POST /admin/api-clients`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateClientBody {
    pub name: String,
    pub scopes: Vec<String>,
}

/// Why an API-client use case did not go through.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("no such API client")]
    NotFound,
    #[error("there are {MAX_CLIENTS} API clients already")]
    TooMany,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// `201` of `POST /admin/api-clients`: the client, its secret shown this once, and where its
/// tokens come from.
#[derive(Debug, Serialize)]
pub struct CreatedClient {
    #[serde(flatten)]
    pub client: ApiClientView,
    pub client_secret: String,
    pub token_url: String,
}

fn scopes(v: &mut Validator, raw: &[String]) -> Option<Scopes> {
    if raw.is_empty() {
        v.push("scopes", "choose at least one scope");
        return None;
    }
    let mut out = Vec::new();
    for (i, name) in raw.iter().enumerate() {
        match Scope::parse(name.trim()) {
            Some(s) => out.push(s),
            None => v.push(
                format!("scopes[{i}]"),
                format!(
                    "is not a scope; the scopes are {}",
                    Scope::ALL.map(Scope::as_str).join(", ")
                ),
            ),
        }
    }
    (out.len() == raw.len()).then(|| Scopes::of(out))
}

fn audit(admin: &Principal, now: Timestamp, action: &str, c: &ApiClient) -> AuditEntry {
    AuditEntry::by_admin(
        admin,
        now,
        action,
        None,
        json!({"client_id": c.id, "name": c.name, "scopes": c.scopes}),
    )
}

/// Creates a client and its user in the pool; shows the secret once. A client that cannot be
/// stored leaves no user behind.
pub async fn create_client<S: ClientStore, U: ClientUsers>(
    store: &S,
    users: &U,
    admin: &Principal,
    body: CreateClientBody,
    token_url: String,
) -> Result<CreatedClient, ClientError> {
    let mut v = Validator::default();
    let name = v.check("name", bounded_text(&body.name, 1, 100));
    let scopes = scopes(&mut v, &body.scopes);
    v.finish(|| ()).map_err(ClientError::Invalid)?;
    let (name, scopes) = (name.expect("checked"), scopes.expect("checked"));
    if store.clients().await?.len() >= MAX_CLIENTS {
        return Err(ClientError::TooMany);
    }
    let id = ClientId::generate();
    let secret = ClientSecret::generate();
    let email = ApiClient::user_email(&id);
    let sub = users
        .create_client_user(ClientUser {
            email: &email,
            secret: &secret,
            client_id: &id,
            scopes: &scopes,
        })
        .await?;
    let now = Timestamp::now();
    let client = ApiClient {
        id,
        name,
        scopes,
        secret_hash: secret.hash(),
        sub,
        created_at: now,
        created_by: admin.sub.clone(),
    };
    if let Err(e) = store
        .put_client(&client, &audit(admin, now, "api_client.created", &client))
        .await
    {
        if let Err(undo) = users.delete_client_user(&email).await {
            tracing::error!(error = %undo.chain(), "could not remove the user of a client not stored");
        }
        return Err(e.into());
    }
    Ok(CreatedClient {
        client: client.view(),
        client_secret: secret.expose().to_owned(),
        token_url,
    })
}

/// Every client, oldest first; never a secret.
pub async fn list_clients<S: ClientStore>(store: &S) -> Result<Vec<ApiClientView>, ClientError> {
    Ok(store.clients().await?.iter().map(ApiClient::view).collect())
}

/// Deletes a client: once its item is gone its tokens are refused on their next call and no
/// new one is issued; then its user leaves the pool. A user that cannot be removed is logged,
/// not an error: without the item it can do nothing.
pub async fn delete_client<S: ClientStore, U: ClientUsers>(
    store: &S,
    users: &U,
    admin: &Principal,
    id: &ClientId,
) -> Result<(), ClientError> {
    let client = store.client(id).await?.ok_or(ClientError::NotFound)?;
    let entry = audit(admin, Timestamp::now(), "api_client.deleted", &client);
    if !store.delete_client(&client, &entry).await? {
        return Err(ClientError::NotFound);
    }
    if let Err(e) = users
        .delete_client_user(&ApiClient::user_email(&client.id))
        .await
    {
        tracing::error!(error = %e.chain(), client_id = %client.id, "could not remove a deleted client's user");
    }
    Ok(())
}
