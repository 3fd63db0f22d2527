//! The sample events in `events/` are real API Gateway v2 payloads: each one, pointed at fresh
//! data, goes through its function's entry point and gets the documented status.

use orderdesk::http::HttpFunction as _;
use orderdesk_tests::*;
use serde_json::json;

const SAMPLE_ID: &str = "cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_ID_2: &str = "cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5c";
const SAMPLE_EMAIL: &str = "orders@acme-bakery.example";
const SAMPLE_TIER: &str = "tier_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";

async fn fresh_customer(api: &Api) -> String {
    let r = api
        .post(
            "/admin/customers",
            &json!({"name": "Event Fixture", "email": unique_email("evt")}),
        )
        .await;
    assert_eq!(r.status, 201);
    r.body["customer_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_sample_event_is_served_by_the_customers_function_with_its_documented_status() {
    stack();
    let app = orderdesk_customers::App::from_env()
        .await
        .expect("configured by the stack");
    let api = Api::admin().await;
    let tier = api
        .post("/admin/price-tiers", &json!({"name": "Event tier"}))
        .await
        .body["tier_id"]
        .as_str()
        .expect("a tier")
        .to_owned();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let cases = [
        ("customers-create.json", 201),
        ("customers-list.json", 200),
        ("customers-get.json", 200),
        ("customers-update.json", 200),
        ("customers-bulk-tag.json", 200),
        ("customers-delete.json", 204),
        ("audit-list.json", 200),
    ];
    for (file, status) in cases {
        let text = std::fs::read_to_string(dir.join(file)).expect("the sample exists");
        let text = text
            .replace(SAMPLE_ID, &fresh_customer(&api).await)
            .replace(SAMPLE_ID_2, &fresh_customer(&api).await)
            .replace(SAMPLE_EMAIL, &unique_email("evt"))
            .replace(SAMPLE_TIER, &tier);
        let req = lambda_http::request::from_str(&text).expect("a valid API Gateway v2 event");
        let res = app.handle(req).await;
        assert_eq!(res.status().as_u16(), status, "{file}: {:?}", res.body());
    }
}

const SAMPLE_LOGIN: &str = "lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_INVITATION: &str = "inv_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_LOGIN_EMAIL: &str = "ann@acme-bakery.example";
const PASSWORD: &str = "Chosen-passw0rd";

/// A fresh customer with an active login (admin-set password) and an open invitation.
async fn fresh_members(api: &Api) -> (String, String, String, String) {
    let customer = fresh_customer(api).await;
    let email = unique_email("evt-login");
    let login = api
        .post(
            &format!("/admin/customers/{customer}/logins"),
            &json!({"name": "Evt", "email": email, "mode": "password", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status, 201, "{}", login.body);
    let invited = api
        .post(
            &format!("/admin/customers/{customer}/logins"),
            &json!({"name": "Inv", "email": unique_email("evt-inv")}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    let sub = jwt_claims(&sign_in(&email, PASSWORD).await)["sub"]
        .as_str()
        .unwrap()
        .to_owned();
    (
        customer,
        login.body["login_id"].as_str().unwrap().to_owned(),
        invited.body["invitation"]["invitation_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        sub,
    )
}

#[tokio::test]
async fn every_logins_and_invitations_sample_event_gets_its_documented_status() {
    stack();
    let logins = orderdesk_logins::App::from_env()
        .await
        .expect("configured by the stack");
    let invitations = orderdesk_invitations::App::from_env()
        .await
        .expect("configured by the stack");
    let api = Api::admin().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let cases = [
        ("logins-create.json", 201),
        ("logins-list.json", 200),
        ("logins-me.json", 200),
        ("logins-update.json", 200),
        ("logins-password-reset.json", 202),
        ("logins-delete.json", 204),
        ("invitations-resend.json", 202),
        ("invitations-revoke.json", 204),
        ("invitations-preview.json", 404),
        ("invitations-accept.json", 404),
    ];
    for (file, status) in cases {
        let (customer, login, invitation, sub) = fresh_members(&api).await;
        let mut event: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(file)).expect("the sample exists"),
        )
        .unwrap();
        if file == "logins-me.json" {
            event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = json!(sub);
        }
        let text = event
            .to_string()
            .replace(SAMPLE_ID, &customer)
            .replace(SAMPLE_LOGIN, &login)
            .replace(SAMPLE_INVITATION, &invitation)
            .replace(SAMPLE_LOGIN_EMAIL, &unique_email("evt"));
        let req = lambda_http::request::from_str(&text).expect("a valid API Gateway v2 event");
        let res = if file.starts_with("logins") {
            logins.handle(req).await
        } else {
            invitations.handle(req).await
        };
        assert_eq!(res.status().as_u16(), status, "{file}: {:?}", res.body());
    }
}

#[tokio::test]
async fn every_catalog_sample_event_gets_its_documented_status() {
    stack();
    let catalog = orderdesk_catalog::App::from_env()
        .await
        .expect("configured by the stack");
    let api = Api::admin().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let cases = [
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
    ];
    for (file, status) in cases {
        let fresh_sku = format!("EVT-{}", unique_word().to_uppercase());
        let existing_sku = format!("EVT-{}", unique_word().to_uppercase());
        api.new_product(&existing_sku, 2500).await;
        let tier = api
            .post("/admin/price-tiers", &json!({"name": "Evt"}))
            .await
            .body["tier_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, login) = api.customer_with_login(None).await;
        let sub = login_sub(&login).await;
        let mut event: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(file)).expect("the sample exists"),
        )
        .unwrap();
        if file == "catalog-questions-set.json" {
            event["body"] = json!(standard_questions().to_string());
        }
        if file == "catalog-customer.json" || file == "catalog-checkout-questions.json" {
            event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = json!(sub);
        }
        let sku = if file == "catalog-products-create.json" {
            &fresh_sku
        } else {
            &existing_sku
        };
        let text = event
            .to_string()
            .replace("flour-25", sku)
            .replace("FLOUR-25", sku)
            .replace(SAMPLE_TIER, &tier);
        let req = lambda_http::request::from_str(&text).expect("a valid API Gateway v2 event");
        let res = catalog.handle(req).await;
        assert_eq!(res.status().as_u16(), status, "{file}: {:?}", res.body());
    }
}

/// The Cognito `sub` behind a signed-in client.
async fn login_sub(api: &Api) -> String {
    let r = Api::send(api.request(reqwest::Method::GET, "/me")).await;
    assert_eq!(r.status, 200);
    api.token_claims()["sub"]
        .as_str()
        .expect("a sub")
        .to_owned()
}

const SAMPLE_ORDER: &str = "ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";

#[tokio::test]
async fn every_cart_and_order_sample_event_gets_its_documented_status() {
    ensure_standard_questions().await;
    let submission = orderdesk_order_submission::App::from_env()
        .await
        .expect("configured by the stack");
    let orders = orderdesk_orders::App::from_env()
        .await
        .expect("configured by the stack");
    let confirmation = orderdesk_order_confirmation::App::from_env()
        .await
        .expect("configured by the stack");
    let api = Api::admin().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let cases = [
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
        ("orders-edit.json", 200),
        ("orders-admin-create.json", 201),
        ("orders-list-acting-as.json", 200),
    ];
    for (file, status) in cases {
        let path = dir.join(file);
        if !path.exists() {
            panic!("{file} is missing from events/");
        }
        let sku = format!("EVT-{}", unique_word().to_uppercase());
        api.new_product(&sku, 2500).await;
        let (customer, login) = api.customer_with_login(None).await;
        let cid = customer["customer_id"].as_str().unwrap().to_owned();
        api.patch(
            &format!("/admin/customers/{cid}"),
            &json!({"ordering_enabled": true}),
        )
        .await;
        let order = Api::send(
            login
                .request(reqwest::Method::POST, "/orders")
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .json(
                    &json!({"lines": [{"sku": sku, "quantity": 1}], "answers": standard_answers()}),
                ),
        )
        .await;
        assert_eq!(order.status, 201, "{}", order.body);
        let order_id = order.body["order_id"].as_str().unwrap();
        let me = login.get("/me").await;
        assert_eq!(me.status, 200, "{}", me.body);
        let login_id = me.body["login"]["login_id"].as_str().unwrap();
        let mut event: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let claims = &mut event["requestContext"]["authorizer"]["jwt"]["claims"];
        if claims["cognito:groups"] == "[customers]" {
            claims["sub"] = json!(login.token_claims()["sub"]);
        }
        if let Some(headers) = event["headers"].as_object_mut() {
            headers.insert(
                "idempotency-key".into(),
                json!(uuid::Uuid::new_v4().to_string()),
            );
        }
        let mut text = event
            .to_string()
            .replace("FLOUR-25", &sku)
            .replace(SAMPLE_ID, &cid)
            .replace(SAMPLE_ORDER, order_id)
            .replace(SAMPLE_LOGIN, login_id);
        if file == "orders-submit.json" {
            let mut e: serde_json::Value = serde_json::from_str(&text).unwrap();
            let mut body: serde_json::Value =
                serde_json::from_str(e["body"].as_str().unwrap()).unwrap();
            body["answers"] = standard_answers();
            e["body"] = json!(body.to_string());
            text = e.to_string();
        }
        let req = lambda_http::request::from_str(&text).expect("a valid API Gateway v2 event");
        let res = if file.starts_with("cart")
            || matches!(
                file,
                "orders-submit.json" | "orders-cancel.json" | "orders-admin-create.json"
            ) {
            submission.handle(req).await
        } else if matches!(
            file,
            "orders-confirm.json" | "orders-reject.json" | "orders-edit.json"
        ) {
            confirmation.handle(req).await
        } else {
            orders.handle(req).await
        };
        assert_eq!(res.status().as_u16(), status, "{file}: {:?}", res.body());
        if file == "orders-list-acting-as.json" {
            let listed: serde_json::Value = serde_json::from_slice(res.body().as_ref()).unwrap();
            assert_eq!(
                listed["items"][0]["order_id"], order_id,
                "acting as the login lists its account's orders: {listed}"
            );
        }
    }
}
