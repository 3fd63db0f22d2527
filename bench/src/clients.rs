//! The API clients in the bench: one made in this process, its token from the token endpoint,
//! and its claims as the authorizer hands them on, so that the gate's cost is a row of its own.

use crate::apps::{Apps, Function, body_json};
use crate::events::{Claims, Event};
use orderdesk_tests::{CLIENT_NAME_PREFIX, jwt_claims, unique_word};
use serde_json::json;

/// The sample client id of `events/api-clients-*.json`.
pub const SAMPLE_CLIENT: &str = "cli_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";

/// A client made in this process (not counted): its id and secret.
pub async fn new_client(apps: &Apps, admin: &Claims, scopes: &[&str]) -> (String, String) {
    let name = format!("{CLIENT_NAME_PREFIX} bench {}", unique_word());
    let event = Event::sample("api-clients-create.json")
        .by(admin)
        .body(&json!({"name": name, "scopes": scopes}));
    let res = apps.handle(Function::Integrations, event.request()).await;
    let body = body_json(&res);
    assert_eq!(res.status(), 201, "creating an API client: {body}");
    let field = |k: &str| body[k].as_str().expect("a field").to_owned();
    (field("client_id"), field("client_secret"))
}

/// `POST /oauth2/token` with the client's credentials.
pub fn token_event(id: &str, secret: &str) -> Event {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    Event::sample("oauth2-token.json").header("authorization", &format!("Basic {basic}"))
}

/// The claims of a token the client got from the token endpoint (not counted).
pub async fn client_claims(apps: &Apps, id: &str, secret: &str) -> Claims {
    let res = apps
        .handle(Function::Integrations, token_event(id, secret).request())
        .await;
    let body = body_json(&res);
    assert_eq!(res.status(), 200, "a client's token: {body}");
    let claims = jwt_claims(body["access_token"].as_str().expect("a token"));
    Claims::of_token(&claims, "api-clients")
}

/// `DELETE /admin/api-clients/{id}` by the admin.
pub fn delete_event(admin: &Claims, id: &str) -> Event {
    Event::sample("api-clients-delete.json")
        .by(admin)
        .with(SAMPLE_CLIENT, id)
}
