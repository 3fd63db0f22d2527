//! The API-client rules on in-memory ports: what is stored, what is refused, what is audited.

use super::*;
use crate::actor::{ClientCaller, Principal};
use crate::audit::{AuditEntry, AuditError, AuditFilter, AuditLog};
use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::ids::ClientId;
use crate::page::{Page, PageRequest};
use crate::throttle::Charge;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Default)]
struct Fake {
    clients: Mutex<BTreeMap<ClientId, ApiClient>>,
    audit: Mutex<Vec<AuditEntry>>,
    counters: Mutex<BTreeMap<String, u32>>,
    users: Mutex<BTreeMap<String, (String, String)>>,
    fail_puts: bool,
}

#[async_trait::async_trait]
impl ClientStore for Fake {
    async fn clients(&self) -> Result<Vec<ApiClient>, Unexpected> {
        Ok(self.clients.lock().unwrap().values().cloned().collect())
    }
    async fn client(&self, id: &ClientId) -> Result<Option<ApiClient>, Unexpected> {
        Ok(self.clients.lock().unwrap().get(id).cloned())
    }
    async fn put_client(&self, c: &ApiClient, audit: &AuditEntry) -> Result<(), Unexpected> {
        if self.fail_puts {
            return Err(Unexpected::new("the table is down"));
        }
        self.clients.lock().unwrap().insert(c.id.clone(), c.clone());
        self.audit.lock().unwrap().push(audit.clone());
        Ok(())
    }
    async fn delete_client(&self, c: &ApiClient, audit: &AuditEntry) -> Result<bool, Unexpected> {
        let gone = self.clients.lock().unwrap().remove(&c.id).is_some();
        if gone {
            self.audit.lock().unwrap().push(audit.clone());
        }
        Ok(gone)
    }
    async fn charge_token(&self, c: &Charge) -> Result<bool, Unexpected> {
        let mut counters = self.counters.lock().unwrap();
        let n = counters.entry(c.counter.clone()).or_default();
        if *n >= c.limit {
            return Ok(false);
        }
        *n += 1;
        Ok(true)
    }
}

#[async_trait::async_trait]
impl AuditLog for Fake {
    async fn record(&self, entry: &AuditEntry) -> Result<(), Unexpected> {
        self.audit.lock().unwrap().push(entry.clone());
        Ok(())
    }
    async fn entries(
        &self,
        _: &AuditFilter,
        _: &PageRequest,
    ) -> Result<Page<AuditEntry>, AuditError> {
        unimplemented!("not listed here")
    }
}

#[async_trait::async_trait]
impl ClientUsers for Fake {
    async fn create_client_user(&self, user: ClientUser<'_>) -> Result<String, Unexpected> {
        let sub = format!("sub-{}", user.client_id);
        self.users.lock().unwrap().insert(
            user.email.as_str().to_owned(),
            (sub.clone(), user.secret.expose().to_owned()),
        );
        Ok(sub)
    }
    async fn delete_client_user(&self, email: &Email) -> Result<(), Unexpected> {
        self.users.lock().unwrap().remove(email.as_str());
        Ok(())
    }
    async fn client_token(
        &self,
        email: &Email,
        secret: &ClientSecret,
    ) -> Result<Option<PoolToken>, Unexpected> {
        let users = self.users.lock().unwrap();
        Ok(users
            .get(email.as_str())
            .filter(|(_, s)| s == secret.expose())
            .map(|(sub, _)| PoolToken {
                token: format!("token-of-{sub}"),
                expires_in: 3600,
            }))
    }
}

fn admin() -> Principal {
    Principal {
        sub: "admin-1".into(),
        email: Some("admin@example.com".into()),
        ..Principal::default()
    }
}

fn body(name: &str, scopes: &[&str]) -> CreateClientBody {
    CreateClientBody {
        name: name.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
    }
}

async fn created(fake: &Fake, scopes: &[&str]) -> CreatedClient {
    create_client(
        fake,
        fake,
        &admin(),
        body("ERP", scopes),
        "https://api/oauth2/token".into(),
    )
    .await
    .unwrap()
}

fn token_request(id: &str, secret: &str) -> TokenRequest {
    TokenRequest {
        credentials: Some((id.into(), secret.into())),
        grant_type: Some("client_credentials".into()),
        scope: None,
    }
}

#[tokio::test]
async fn a_created_client_keeps_only_its_secrets_hash_and_its_user_signs_in_with_the_secret() {
    let fake = Fake::default();

    let c = created(&fake, &["orders:read", "customers:read", "orders:read"]).await;

    let stored = fake.clients.lock().unwrap()[&c.client.client_id].clone();
    assert_eq!(
        stored.secret_hash,
        ClientSecret::received(&c.client_secret).unwrap().hash()
    );
    assert_ne!(stored.secret_hash, c.client_secret);
    assert_eq!(
        stored.scopes.to_space_separated(),
        "orders:read customers:read"
    );
    assert_eq!(stored.sub, format!("sub-{}", c.client.client_id));
    assert_eq!(c.token_url, "https://api/oauth2/token");
    let audit = fake.audit.lock().unwrap();
    assert_eq!(audit[0].action, "api_client.created");
    assert!(!audit[0].details.to_string().contains(&c.client_secret));
}

#[tokio::test]
async fn a_bad_name_and_unknown_scopes_are_named_and_nothing_is_created() {
    let fake = Fake::default();
    let refused = create_client(
        &fake,
        &fake,
        &admin(),
        body(" ", &["orders:read", "admin"]),
        String::new(),
    )
    .await;
    let Err(ClientError::Invalid(errors)) = refused else {
        panic!("refused: {refused:?}")
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "scopes[1]"]);
    let none = create_client(&fake, &fake, &admin(), body("ERP", &[]), String::new()).await;
    assert!(matches!(none, Err(ClientError::Invalid(e)) if e[0].field == "scopes"));
    assert!(fake.clients.lock().unwrap().is_empty());
    assert!(fake.users.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_client_that_cannot_be_stored_leaves_no_user_in_the_pool() {
    let fake = Fake {
        fail_puts: true,
        ..Fake::default()
    };
    let refused = create_client(
        &fake,
        &fake,
        &admin(),
        body("ERP", &["orders:read"]),
        String::new(),
    )
    .await;
    assert!(matches!(refused, Err(ClientError::Unexpected(_))));
    assert!(fake.users.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_right_secret_gets_a_token_with_the_clients_scopes_and_a_wrong_one_is_an_invalid_client()
 {
    let fake = Fake::default();
    let c = created(&fake, &["orders:read", "orders:write"]).await;
    let id = c.client.client_id.as_str();

    let token = issue_token(
        &fake,
        &fake,
        token_request(id, &c.client_secret),
        Timestamp::now(),
    )
    .await
    .unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, 3600);
    assert_eq!(token.scope, "orders:read orders:write");

    let wrong = ClientSecret::generate();
    for request in [
        token_request(id, wrong.expose()),
        token_request("cli_nope", &c.client_secret),
        TokenRequest {
            credentials: None,
            ..token_request(id, &c.client_secret)
        },
    ] {
        let refused = issue_token(&fake, &fake, request, Timestamp::now()).await;
        assert!(
            matches!(refused, Err(TokenError::InvalidClient)),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn another_grant_a_missing_grant_and_a_scope_not_granted_are_refused_in_oauths_words() {
    let fake = Fake::default();
    let c = created(&fake, &["orders:read"]).await;
    let id = c.client.client_id.as_str();
    let with = |grant: Option<&str>, scope: Option<&str>| TokenRequest {
        grant_type: grant.map(str::to_owned),
        scope: scope.map(str::to_owned),
        ..token_request(id, &c.client_secret)
    };
    let now = Timestamp::now();
    assert!(matches!(
        issue_token(&fake, &fake, with(Some("password"), None), now).await,
        Err(TokenError::UnsupportedGrantType)
    ));
    assert!(matches!(
        issue_token(&fake, &fake, with(None, None), now).await,
        Err(TokenError::InvalidRequest(_))
    ));
    assert!(matches!(
        issue_token(
            &fake,
            &fake,
            with(Some("client_credentials"), Some("orders:write")),
            now
        )
        .await,
        Err(TokenError::InvalidScope)
    ));
    assert!(
        issue_token(
            &fake,
            &fake,
            with(Some("client_credentials"), Some("orders:read")),
            now
        )
        .await
        .is_ok()
    );
}

#[tokio::test]
async fn token_requests_past_the_quota_are_refused_until_the_window_ends_even_with_the_right_secret()
 {
    let fake = Fake::default();
    let c = created(&fake, &["orders:read"]).await;
    let id = c.client.client_id.as_str();
    let now = Timestamp::now();
    let wrong = ClientSecret::generate();
    for _ in 0..TOKEN_QUOTA.limit {
        let _ = issue_token(&fake, &fake, token_request(id, wrong.expose()), now).await;
    }
    let refused = issue_token(&fake, &fake, token_request(id, &c.client_secret), now).await;
    let Err(TokenError::Throttled { retry_after }) = refused else {
        panic!("throttled: {refused:?}")
    };
    assert!((1..=600).contains(&retry_after));
    let later = now.plus_seconds(600);
    assert!(
        issue_token(&fake, &fake, token_request(id, &c.client_secret), later)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn the_gate_lets_a_client_reach_only_its_scopes_routes_and_audits_every_call_by_name() {
    let fake = Fake::default();
    let c = created(&fake, &["orders:read"]).await;
    fake.audit.lock().unwrap().clear();
    let caller = ClientCaller {
        sub: format!("sub-{}", c.client.client_id),
        client_id: Some(c.client.client_id.as_str().to_owned()),
    };

    let admitted = admit(&fake, &caller, "GET /admin/orders", "/admin/orders")
        .await
        .unwrap();
    assert_eq!(admitted.principal().client.unwrap().name, "ERP");
    let missing = admit(
        &fake,
        &caller,
        "POST /admin/orders/{order_id}/confirm",
        "/admin/orders/x/confirm",
    )
    .await;
    assert!(matches!(
        missing,
        Err(GateError::MissingScope(Scope::OrdersWrite))
    ));
    let uncovered = admit(&fake, &caller, "GET /cart", "/cart").await;
    assert!(matches!(uncovered, Err(GateError::NotCovered(_))));

    let audit = fake.audit.lock().unwrap();
    assert_eq!(audit.len(), 3);
    assert!(audit.iter().all(|e| e.action == "api_client.call"
        && e.actor.kind == "client"
        && e.actor.id == c.client.client_id.as_str()
        && e.actor.name.as_deref() == Some("ERP")));
    let allowed: Vec<_> = audit.iter().map(|e| e.details["allowed"].clone()).collect();
    assert_eq!(allowed, [true, false, false]);
}

#[tokio::test]
async fn a_deleted_clients_token_is_refused_at_once_and_no_new_token_is_issued() {
    let fake = Fake::default();
    let c = created(&fake, &["orders:read"]).await;
    let caller = ClientCaller {
        sub: format!("sub-{}", c.client.client_id),
        client_id: Some(c.client.client_id.as_str().to_owned()),
    };

    delete_client(&fake, &fake, &admin(), &c.client.client_id)
        .await
        .unwrap();

    let refused = admit(&fake, &caller, "GET /admin/orders", "/admin/orders").await;
    assert!(matches!(refused, Err(GateError::Unknown)));
    let token = issue_token(
        &fake,
        &fake,
        token_request(c.client.client_id.as_str(), &c.client_secret),
        Timestamp::now(),
    )
    .await;
    assert!(matches!(token, Err(TokenError::InvalidClient)));
    assert!(fake.users.lock().unwrap().is_empty());
    let again = delete_client(&fake, &fake, &admin(), &c.client.client_id).await;
    assert!(matches!(again, Err(ClientError::NotFound)));
}

#[tokio::test]
async fn a_token_whose_user_is_not_the_clients_is_refused() {
    let fake = Fake::default();
    let c = created(&fake, &["orders:read"]).await;
    let forged = ClientCaller {
        sub: "someone-else".into(),
        client_id: Some(c.client.client_id.as_str().to_owned()),
    };
    let refused = admit(&fake, &forged, "GET /admin/orders", "/admin/orders").await;
    assert!(matches!(refused, Err(GateError::Unknown)));
    let no_id = ClientCaller {
        client_id: None,
        ..forged
    };
    assert!(matches!(
        admit(&fake, &no_id, "GET /admin/orders", "/admin/orders").await,
        Err(GateError::Unknown)
    ));
}
