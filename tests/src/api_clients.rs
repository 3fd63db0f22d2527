//! API clients as the seller's systems use them: made by the admin, tokens from the stack's
//! `token_url` by the client-credentials grant.

use crate::{Api, Reply, id_of, stack, unique_word};
use serde_json::{Value, json};

/// A client made by the admin: its id and its secret, shown once.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub id: String,
    pub secret: String,
    pub created: Value,
}

/// Where the matrix's and the suites' clients are named from, so that [`forget_clients`] finds
/// them: a seller keeps at most 50.
pub const CLIENT_NAME_PREFIX: &str = "Test client";

/// A new API client with `scopes`, made by `admin`.
pub async fn new_api_client(admin: &Api, scopes: &[&str]) -> NewClient {
    let name = format!("{CLIENT_NAME_PREFIX} {}", unique_word());
    let created = admin
        .post(
            "/admin/api-clients",
            &json!({"name": name, "scopes": scopes}),
        )
        .await
        .ok(201);
    NewClient {
        id: id_of(&created, "client_id"),
        secret: created["client_secret"].as_str().unwrap().to_owned(),
        created,
    }
}

/// The token endpoint's answer to `client_id:secret` with this form body.
pub async fn token_request(client_id: &str, secret: &str, form: &[(&str, &str)]) -> Reply {
    let rb = crate::http()
        .post(&stack().token_url)
        .basic_auth(client_id, Some(secret))
        .form(form);
    Api::send(rb).await
}

impl NewClient {
    /// A token for the client, as the token endpoint issues it.
    pub async fn token(&self) -> String {
        let reply = token_request(
            &self.id,
            &self.secret,
            &[("grant_type", "client_credentials")],
        )
        .await
        .ok(200);
        reply["access_token"].as_str().unwrap().to_owned()
    }

    /// The client, calling with a fresh token.
    pub async fn api(&self) -> Api {
        Api::with_token(self.token().await)
    }
}

/// Deletes every client named from [`CLIENT_NAME_PREFIX`].
pub async fn forget_clients(admin: &Api) {
    let all = admin.get("/admin/api-clients").await.ok(200);
    for client in all["items"].as_array().into_iter().flatten() {
        if client["name"]
            .as_str()
            .is_some_and(|n| n.starts_with(CLIENT_NAME_PREFIX))
        {
            let path = format!("/admin/api-clients/{}", id_of(client, "client_id"));
            let gone = admin.delete(&path).await;
            assert!(matches!(gone.status, 204 | 404), "{path}: {}", gone.status);
        }
    }
}
