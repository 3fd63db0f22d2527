//! The sample events in `events/` are real API Gateway v2 payloads: each one, pointed at fresh
//! data, goes through its function's entry point and gets the documented status.

use orderdesk::http::HttpFunction;
use orderdesk_tests::*;
use serde_json::{Value, json};

const SAMPLE_ID: &str = "cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_ID_2: &str = "cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5c";
const SAMPLE_EMAIL: &str = "orders@acme-bakery.example";
const SAMPLE_TIER: &str = "tier_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_LOGIN: &str = "lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_INVITATION: &str = "inv_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_LOGIN_EMAIL: &str = "ann@acme-bakery.example";
const SAMPLE_ORDER: &str = "ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_LIST: &str = "lst_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_ADDRESS: &str = "adr_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_TEAM: &str = "team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_TEAM_NAME: &str = r#"\"name\":\"North\""#;
const SAMPLE_WEBHOOK: &str = "whk_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_DELIVERY: &str = "dlv_0196b7a0c1d27e3f8a9b0c1d2e3f4a5c";
const SAMPLE_CLIENT: &str = "cli_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_HOOK_URL: &str = "https://erp.acme-bakery.example/orderdesk/events";

/// Every sample event a function serves, with its documented status.
const SAMPLES: &[(&str, u16)] = &[
    ("customers-create.json", 201),
    ("customers-list.json", 200),
    ("customers-get.json", 200),
    ("customers-update.json", 200),
    ("customers-bulk-tag.json", 200),
    ("customers-delete.json", 204),
    ("audit-list.json", 200),
    ("logins-create.json", 201),
    ("logins-list.json", 200),
    ("logins-me.json", 200),
    ("logins-me-update.json", 200),
    ("logins-me-password.json", 204),
    ("logins-me-email.json", 202),
    ("logins-update.json", 200),
    ("logins-password-reset.json", 202),
    ("logins-delete.json", 204),
    ("invitations-resend.json", 202),
    ("invitations-revoke.json", 204),
    ("invitations-preview.json", 404),
    ("invitations-accept.json", 404),
    ("invitations-reset-request.json", 202),
    ("invitations-reset-preview.json", 404),
    ("invitations-reset-complete.json", 404),
    ("catalog-products-create.json", 201),
    ("catalog-products-list.json", 200),
    ("catalog-products-update.json", 200),
    ("catalog-tiers-create.json", 201),
    ("catalog-tiers-list.json", 200),
    ("catalog-tiers-update.json", 200),
    ("catalog-customer.json", 200),
    ("catalog-questions-set.json", 200),
    ("catalog-questions-admin.json", 200),
    ("catalog-checkout-questions.json", 200),
    ("cart-get.json", 200),
    ("cart-put.json", 200),
    ("cart-prefill.json", 200),
    ("orders-submit.json", 201),
    ("orders-list.json", 200),
    ("orders-get.json", 200),
    ("orders-cancel.json", 200),
    ("orders-admin-list.json", 200),
    ("orders-admin-get.json", 200),
    ("orders-confirm.json", 200),
    ("orders-reject.json", 200),
    ("orders-assign.json", 200),
    ("orders-edit.json", 200),
    ("orders-admin-create.json", 201),
    ("orders-list-acting-as.json", 200),
    ("orders-reorder.json", 200),
    ("cart-import.json", 200),
    ("lists-list.json", 200),
    ("lists-create.json", 201),
    ("lists-get.json", 200),
    ("lists-edit.json", 200),
    ("lists-add-to-cart.json", 200),
    ("lists-delete.json", 204),
    ("addresses-list.json", 200),
    ("addresses-create.json", 201),
    ("addresses-update.json", 200),
    ("addresses-delete.json", 204),
    ("addresses-admin-list.json", 200),
    ("addresses-admin-create.json", 201),
    ("teams-create.json", 201),
    ("teams-list.json", 200),
    ("teams-update.json", 200),
    ("teams-delete.json", 204),
    ("routing-rules-get.json", 200),
    ("routing-rules-put.json", 200),
    ("auto-confirm-get.json", 200),
    ("auto-confirm-put.json", 200),
    ("webhooks-create.json", 201),
    ("webhooks-list.json", 200),
    ("webhooks-get.json", 200),
    ("webhooks-update.json", 200),
    ("webhooks-test.json", 202),
    ("webhooks-rotate-secret.json", 200),
    ("webhooks-deliveries.json", 200),
    ("webhooks-retry.json", 202),
    ("webhooks-delete.json", 204),
    ("api-clients-create.json", 201),
    ("api-clients-list.json", 200),
    ("api-clients-delete.json", 204),
    ("oauth2-token.json", 401),
];

/// The samples whose file names start with one of `prefixes`.
fn samples(prefixes: &[&str]) -> Vec<(&'static str, u16)> {
    let found: Vec<_> = SAMPLES
        .iter()
        .copied()
        .filter(|(file, _)| prefixes.iter().any(|p| file.starts_with(p)))
        .collect();
    assert!(!found.is_empty(), "no sample starts with {prefixes:?}");
    found
}

/// A function as its cold start builds it, configured by the stack.
async fn function<F: HttpFunction>() -> F {
    stack();
    F::from_env().await.expect("configured by the stack")
}

/// The claims of the user an event's authorizer let in.
fn claims(event: &mut Value) -> &mut Value {
    &mut event["requestContext"]["authorizer"]["jwt"]["claims"]
}

/// Serves the sample event of `file`, each of its sample values replaced by the fresh one
/// `fresh` pairs it with, through `function`; asserts the documented `status` and returns the
/// answer's body.
async fn serve(
    function: &impl HttpFunction,
    file: &str,
    event: &Value,
    fresh: &[(&str, impl AsRef<str>)],
    status: u16,
) -> Value {
    let text = fresh
        .iter()
        .fold(event.to_string(), |text, (sample, value)| {
            text.replace(sample, value.as_ref())
        });
    let req = lambda_http::request::from_str(&text).expect("a valid API Gateway v2 event");
    let res = function.handle(req).await;
    assert_eq!(res.status().as_u16(), status, "{file}: {:?}", res.body());
    serde_json::from_slice(res.body().as_ref()).unwrap_or(Value::Null)
}

#[tokio::test]
async fn every_sample_event_is_served_by_the_customers_function_with_its_documented_status() {
    let app: orderdesk_customers::App = function().await;
    let api = Api::admin().await;
    let tier = api.new_tier(&json!({"name": "Event tier"})).await;
    for (file, status) in samples(&["customers-", "audit-"]) {
        let fresh = [
            (SAMPLE_ID, api.new_customer_id().await),
            (SAMPLE_ID_2, api.new_customer_id().await),
            (SAMPLE_EMAIL, unique_email("evt")),
            (SAMPLE_TIER, tier.clone()),
        ];
        serve(&app, file, &sample_event(file), &fresh, status).await;
    }
}

#[tokio::test]
async fn every_teams_sample_event_is_served_by_the_customers_function_with_its_documented_status() {
    let app: orderdesk_customers::App = function().await;
    let api = Api::admin().await;
    for (file, status) in samples(&["teams-", "routing-rules-", "auto-confirm-"]) {
        let team = api
            .post(
                "/admin/teams",
                &json!({"name": format!("Event {}", unique_word())}),
            )
            .await
            .ok(201);
        let fresh = [
            (SAMPLE_TEAM, id_of(&team, "team_id")),
            (
                SAMPLE_TEAM_NAME,
                format!(r#"\"name\":\"Event {}\""#, unique_word()),
            ),
        ];
        serve(&app, file, &sample_event(file), &fresh, status).await;
    }
}

#[tokio::test]
async fn every_webhooks_sample_event_is_served_by_the_integrations_function_with_its_documented_status()
 {
    let app: orderdesk_integrations::App = function().await;
    let api = Api::admin().await;
    // The sample's ERP host does not resolve here: the samples' webhooks go to a closed
    // loopback port instead, which the local stack allows, and are deleted afterwards.
    let hook = format!("{}/event-samples", closed_port_url());
    let ours = json!({"url": hook, "events": ["login.disabled"]});
    for (file, status) in samples(&["webhooks-"]) {
        let created = api.post("/admin/webhooks", &ours).await.ok(201);
        let webhook = id_of(&created, "webhook_id");
        let delivery = match file {
            "webhooks-retry.json" => new_delivery(&api, &webhook).await,
            _ => SAMPLE_DELIVERY.to_owned(),
        };
        let fresh = [
            (SAMPLE_WEBHOOK, webhook),
            (SAMPLE_DELIVERY, delivery),
            (SAMPLE_HOOK_URL, hook.clone()),
        ];
        serve(&app, file, &sample_event(file), &fresh, status).await;
    }
    let all = api.get("/admin/webhooks").await.ok(200);
    for webhook in all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["url"] == hook)
    {
        let path = format!("/admin/webhooks/{}", id_of(webhook, "webhook_id"));
        api.delete(&path).await.ok(204);
    }
}

/// A fresh customer with an active login (admin-set password) and an open invitation:
/// (customer, login, invitation, the login's Cognito `sub`).
async fn fresh_members(api: &Api) -> (String, String, String, String) {
    let customer = api.new_customer_id().await;
    let email = unique_email("evt-login");
    let login = api.password_login(&customer, "Evt", &email).await;
    let invited = api.invite(&customer, "Inv", &unique_email("evt-inv")).await;
    let sub = id_of(&jwt_claims(&sign_in(&email, PASSWORD).await), "sub");
    (
        customer,
        id_of(&login, "login_id"),
        id_of(&invited["invitation"], "invitation_id"),
        sub,
    )
}

#[tokio::test]
async fn every_logins_and_invitations_sample_event_gets_its_documented_status() {
    let logins: orderdesk_logins::App = function().await;
    let invitations: orderdesk_invitations::App = function().await;
    let api = Api::admin().await;
    for (file, status) in samples(&["logins-", "invitations-"]) {
        let (customer, login, invitation, sub) = fresh_members(&api).await;
        let mut event = sample_event(file);
        if file.starts_with("logins-me") {
            claims(&mut event)["sub"] = json!(sub);
        }
        let fresh = [
            (SAMPLE_ID, customer),
            (SAMPLE_LOGIN, login),
            (SAMPLE_INVITATION, invitation),
            (SAMPLE_LOGIN_EMAIL, unique_email("evt")),
        ];
        if file.starts_with("logins") {
            serve(&logins, file, &event, &fresh, status).await;
        } else {
            serve(&invitations, file, &event, &fresh, status).await;
        }
    }
}

/// The Cognito `sub` behind a signed-in client.
async fn login_sub(api: &Api) -> String {
    api.get("/me").await.ok(200);
    id_of(&api.token_claims(), "sub")
}

#[tokio::test]
async fn every_catalog_sample_event_gets_its_documented_status() {
    let catalog: orderdesk_catalog::App = function().await;
    let api = Api::admin().await;
    for (file, status) in samples(&["catalog-"]) {
        let existing_sku = api.fresh_product("EVT", 2500).await;
        let sku = match file {
            "catalog-products-create.json" => format!("EVT-{}", unique_word().to_uppercase()),
            _ => existing_sku,
        };
        let tier = api.new_tier(&json!({"name": "Evt"})).await;
        let (_, login) = api.customer_with_login(None).await;
        let sub = login_sub(&login).await;
        let mut event = sample_event(file);
        if file == "catalog-questions-set.json" {
            event["body"] = json!(standard_questions().to_string());
        }
        if file == "catalog-customer.json" || file == "catalog-checkout-questions.json" {
            claims(&mut event)["sub"] = json!(sub);
        }
        let fresh = [
            ("flour-25", sku.as_str()),
            ("FLOUR-25", &sku),
            (SAMPLE_TIER, &tier),
        ];
        serve(&catalog, file, &event, &fresh, status).await;
    }
}

#[tokio::test]
async fn every_cart_and_order_sample_event_gets_its_documented_status() {
    ensure_standard_questions().await;
    let submission: orderdesk_order_submission::App = function().await;
    let orders: orderdesk_orders::App = function().await;
    let confirmation: orderdesk_order_confirmation::App = function().await;
    let api = Api::admin().await;
    for (file, status) in samples(&["cart-", "orders-"]) {
        let mut event = sample_event(file);
        let sku = api.fresh_product("EVT", 2500).await;
        let (customer, login) = api.customer_with_login(None).await;
        let cid = id_of(&customer, "customer_id");
        api.update_customer(&cid, &json!({"ordering_enabled": true}))
            .await;
        let order = json!({"lines": [{"sku": sku, "quantity": 1}], "answers": standard_answers()});
        let order_id = id_of(&login.submit(&order).await.ok(201), "order_id");
        let login_id = id_of(&login.get("/me").await.ok(200)["login"], "login_id");
        let team = api
            .post(
                "/admin/teams",
                &json!({"name": format!("Event {}", unique_word())}),
            )
            .await
            .ok(201);
        let team = id_of(&team, "team_id");
        if claims(&mut event)["cognito:groups"] == "[customers]" {
            claims(&mut event)["sub"] = json!(login.token_claims()["sub"]);
        }
        if let Some(headers) = event["headers"].as_object_mut() {
            headers.insert(
                "idempotency-key".into(),
                json!(uuid::Uuid::new_v4().to_string()),
            );
        }
        if file == "orders-submit.json" {
            let mut body: Value = serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
            body["answers"] = standard_answers();
            event["body"] = json!(body.to_string());
        }
        let fresh = [
            ("FLOUR-25", sku.as_str()),
            (SAMPLE_ID, &cid),
            (SAMPLE_ORDER, &order_id),
            (SAMPLE_LOGIN, &login_id),
            (SAMPLE_TEAM, &team),
        ];
        let answer = if file.starts_with("cart")
            || matches!(
                file,
                "orders-submit.json"
                    | "orders-cancel.json"
                    | "orders-admin-create.json"
                    | "orders-reorder.json"
            ) {
            serve(&submission, file, &event, &fresh, status).await
        } else if matches!(
            file,
            "orders-confirm.json"
                | "orders-reject.json"
                | "orders-edit.json"
                | "orders-assign.json"
        ) {
            serve(&confirmation, file, &event, &fresh, status).await
        } else {
            serve(&orders, file, &event, &fresh, status).await
        };
        if file == "orders-list-acting-as.json" {
            assert_eq!(
                answer["items"][0]["order_id"], order_id,
                "acting as the login lists its account's orders: {answer}"
            );
        }
    }
}

#[tokio::test]
async fn every_saved_list_sample_event_gets_its_documented_status() {
    let submission: orderdesk_order_submission::App = function().await;
    let api = Api::admin().await;
    for (file, status) in samples(&["lists-"]) {
        let mut event = sample_event(file);
        let sku = api.fresh_product("EVT", 2500).await;
        let (_, login) = api.customer_with_login(None).await;
        let list = json!({"name": "Event list", "lines": [{"sku": sku, "quantity": 1}]});
        let list_id = id_of(&login.post("/lists", &list).await.ok(201), "list_id");
        claims(&mut event)["sub"] = json!(login.token_claims()["sub"]);
        let fresh = [("FLOUR-25", sku.as_str()), (SAMPLE_LIST, &list_id)];
        serve(&submission, file, &event, &fresh, status).await;
    }
}

#[tokio::test]
async fn every_address_book_sample_event_gets_its_documented_status() {
    let app: orderdesk_customers::App = function().await;
    let api = Api::admin().await;
    for (file, status) in samples(&["addresses-"]) {
        let (customer, login) = api.customer_with_login(None).await;
        let place = json!({"label": "Evt", "line1": "1 Rue", "city": "Lyon",
                           "postal_code": "69001", "country": "FR"});
        let address = id_of(
            &login.post("/addresses", &place).await.ok(201),
            "address_id",
        );
        let mut event = sample_event(file);
        if claims(&mut event)["cognito:groups"] == "[customers]" {
            claims(&mut event)["sub"] = json!(login.token_claims()["sub"]);
        }
        let fresh = [
            (SAMPLE_ID, id_of(&customer, "customer_id")),
            (SAMPLE_ADDRESS, address),
        ];
        serve(&app, file, &event, &fresh, status).await;
    }
}

#[tokio::test]
async fn every_api_client_sample_event_is_served_by_the_integrations_function_with_its_documented_status()
 {
    let app: orderdesk_integrations::App = function().await;
    let api = Api::admin().await;
    for (file, status) in samples(&["api-clients-", "oauth2-"]) {
        let client = new_api_client(&api, &["orders:read"]).await;
        let fresh = [
            (SAMPLE_CLIENT, client.id.clone()),
            (
                "ERP order import",
                format!("{CLIENT_NAME_PREFIX} {}", unique_word()),
            ),
        ];
        let body = serve(&app, file, &sample_event(file), &fresh, status).await;
        if file == "oauth2-token.json" {
            assert_eq!(
                body["error"], "invalid_client",
                "the sample's secret is not the client's"
            );
        }
    }
    forget_clients(&api).await;
}
