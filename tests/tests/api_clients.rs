//! API clients end to end, through the local gateway: the seller's admin makes a client, the
//! client trades its id and secret for a token at `token_url`, and the token reaches exactly
//! the admin routes its scopes cover. The matrix (`authz_matrix.rs`) calls every route of the
//! template as a client with every scope; this suite checks the rest of what a client sees.

use orderdesk_tests::*;
use serde_json::{Value, json};

/// The audit entries of `client_id`, newest first.
async fn audit_of(admin: &Api, client_id: &str) -> Vec<Value> {
    let page = admin
        .get(&format!("/admin/audit?actor={client_id}&limit=50"))
        .await
        .ok(200);
    page["items"].as_array().cloned().unwrap_or_default()
}

fn grant() -> [(&'static str, &'static str); 1] {
    [("grant_type", "client_credentials")]
}

#[tokio::test]
async fn a_client_gets_a_short_lived_token_with_its_scopes_and_calls_only_the_routes_they_cover() {
    let admin = Api::admin().await;
    let erp = new_api_client(&admin, &["orders:read"]).await;
    assert_eq!(erp.created["token_url"], stack().token_url);
    assert_eq!(erp.created["scopes"], json!(["orders:read"]));

    let reply = token_request(&erp.id, &erp.secret, &grant()).await;
    assert_eq!(reply.headers["cache-control"], "no-store");
    let token = reply.ok(200);
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "orders:read");
    let lifetime = token["expires_in"].as_u64().unwrap();
    assert!((60..=3600).contains(&lifetime), "{lifetime}");
    let client = Api::with_token(token["access_token"].as_str().unwrap());
    let claims = client.token_claims();
    assert_eq!(claims["custom:scopes"], "orders:read");
    assert_eq!(claims["custom:client_id"], erp.id.as_str());

    client.get("/admin/orders?limit=1").await.ok(200);
    let confirm = client
        .post(
            "/admin/orders/ord_00000000000000000000000000000000/confirm",
            &json!({}),
        )
        .await;
    assert_eq!(confirm.status, 403, "{}", confirm.body);
    assert_eq!(confirm.body["required_scope"], "orders:write");
    let customers = client.get("/admin/customers?limit=1").await;
    assert_eq!(customers.body["required_scope"], "customers:read");
    for (path, what) in [
        ("/admin/webhooks", "an admin route no scope covers"),
        ("/cart", "a customer's route"),
    ] {
        let refused = client.get(path).await;
        assert_eq!(refused.status, 403, "{what}: {}", refused.body);
        assert_eq!(refused.content_type(), "application/problem+json");
    }

    let audit = audit_of(&admin, &erp.id).await;
    let calls: Vec<(&str, bool)> = audit
        .iter()
        .filter(|e| e["action"] == "api_client.call")
        .map(|e| {
            (
                e["details"]["route"].as_str().unwrap(),
                e["details"]["allowed"] == true,
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("GET /cart", false),
            ("GET /admin/webhooks", false),
            ("GET /admin/customers", false),
            ("POST /admin/orders/{order_id}/confirm", false),
            ("GET /admin/orders", true),
        ]
    );
    let name = erp.created["name"].as_str().unwrap();
    assert!(
        audit
            .iter()
            .all(|e| e["actor"]["kind"] == "client" && e["actor"]["name"] == name)
    );
}

#[tokio::test]
async fn a_change_made_by_a_client_is_in_the_audit_log_under_its_name() {
    let admin = Api::admin().await;
    let sync = new_api_client(&admin, &["customers:write", "customers:read"]).await;
    let client = sync.api().await;

    let made = client
        .post(
            "/admin/customers",
            &json!({"name": format!("Synced {}", unique_word()), "email": unique_email("synced")}),
        )
        .await
        .ok(201);
    let customer = id_of(&made, "customer_id");
    client
        .get(&format!("/admin/customers/{customer}"))
        .await
        .ok(200);

    let audit = audit_of(&admin, &sync.id).await;
    let created = audit
        .iter()
        .find(|e| e["action"] == "customer.created")
        .expect("the customer's creation is audited");
    assert_eq!(created["customer_id"], customer.as_str());
    assert_eq!(created["actor"]["kind"], "client");
    assert_eq!(created["actor"]["name"], sync.created["name"]);
}

#[tokio::test]
async fn the_token_endpoint_refuses_a_wrong_secret_another_grant_and_a_scope_not_granted_in_oauths_words()
 {
    let admin = Api::admin().await;
    let erp = new_api_client(&admin, &["orders:read"]).await;

    let wrong = token_request(&erp.id, "ods_not-the-secret", &grant()).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body["error"], "invalid_client");
    assert_eq!(
        wrong.headers["www-authenticate"],
        "Basic realm=\"orderdesk\""
    );
    let unknown = token_request(
        "cli_00000000000000000000000000000000",
        &erp.secret,
        &grant(),
    )
    .await;
    assert_eq!(unknown.body["error"], "invalid_client");
    let bare = Api::send(http().post(&stack().token_url).form(&grant())).await;
    assert_eq!(
        (bare.status, bare.body["error"].as_str()),
        (401, Some("invalid_client"))
    );

    let password = token_request(&erp.id, &erp.secret, &[("grant_type", "password")]).await;
    assert_eq!(
        (password.status, password.body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let none = token_request(&erp.id, &erp.secret, &[]).await;
    assert_eq!(
        (none.status, none.body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let wider = [
        ("grant_type", "client_credentials"),
        ("scope", "orders:read orders:write"),
    ];
    let wider = token_request(&erp.id, &erp.secret, &wider).await;
    assert_eq!(
        (wider.status, wider.body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let own = [
        ("grant_type", "client_credentials"),
        ("scope", "orders:read"),
    ];
    token_request(&erp.id, &erp.secret, &own).await.ok(200);
}

#[tokio::test]
async fn a_deleted_clients_token_is_refused_at_once_and_it_gets_no_new_one() {
    let admin = Api::admin().await;
    let erp = new_api_client(&admin, &["orders:read"]).await;
    let client = erp.api().await;
    client.get("/admin/orders?limit=1").await.ok(200);

    admin
        .delete(&format!("/admin/api-clients/{}", erp.id))
        .await
        .ok(204);

    let refused = client.get("/admin/orders?limit=1").await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    let again = token_request(&erp.id, &erp.secret, &grant()).await;
    assert_eq!(
        (again.status, again.body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let listed = admin.get("/admin/api-clients").await.ok(200);
    assert!(!pluck(&listed["items"], "client_id").contains(&erp.id.as_str()));
    assert!(
        item(&format!("APICLIENT#{}", erp.id), "APICLIENT")
            .await
            .is_none()
    );
    let twice = admin
        .delete(&format!("/admin/api-clients/{}", erp.id))
        .await;
    assert_eq!(twice.status, 404);
}

#[tokio::test]
async fn only_the_secrets_hash_is_stored_and_the_secret_is_never_shown_again() {
    let admin = Api::admin().await;
    let erp = new_api_client(&admin, &["catalog:write"]).await;

    let stored = item(&format!("APICLIENT#{}", erp.id), "APICLIENT")
        .await
        .expect("the client's item");
    let text = format!("{stored:?}");
    assert!(!text.contains(&erp.secret));
    assert!(text.contains("secret_hash"));
    let listed = admin.get("/admin/api-clients").await.ok(200);
    assert!(!listed.to_string().contains(&erp.secret));
    let mine = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == erp.id.as_str())
        .expect("listed");
    assert_eq!(mine["scopes"], json!(["catalog:write"]));
    assert!(mine.get("client_secret").is_none());
}

#[tokio::test]
async fn a_bad_name_or_scope_is_named_and_no_client_is_made() {
    let admin = Api::admin().await;
    let before = admin.get("/admin/api-clients").await.ok(200)["items"]
        .as_array()
        .unwrap()
        .len();

    let refused = admin
        .post(
            "/admin/api-clients",
            &json!({"name": "  ", "scopes": ["orders:read", "orders:delete"]}),
        )
        .await;
    assert_eq!(refused.status, 400);
    let fields: Vec<&str> = pluck(&refused.body["errors"], "field");
    assert_eq!(fields, ["name", "scopes[1]"]);
    let empty = admin
        .post("/admin/api-clients", &json!({"name": "ERP", "scopes": []}))
        .await;
    assert_eq!(pluck(&empty.body["errors"], "field"), ["scopes"]);

    let after = admin.get("/admin/api-clients").await.ok(200)["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before);
}

#[tokio::test]
async fn token_requests_past_twenty_in_ten_minutes_are_refused_with_retry_after_even_with_the_secret()
 {
    let admin = Api::admin().await;
    let erp = new_api_client(&admin, &["orders:read"]).await;
    for _ in 0..20 {
        let wrong = token_request(&erp.id, "ods_guess", &grant()).await;
        assert_eq!(wrong.status, 401);
    }

    let refused = token_request(&erp.id, &erp.secret, &grant()).await;

    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.body["error"], "slow_down");
    let retry: u32 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    admin
        .delete(&format!("/admin/api-clients/{}", erp.id))
        .await
        .ok(204);
}
