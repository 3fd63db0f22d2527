//! What an outside review found a careless client or an attacker could send (issue 11), end to
//! end: an `Idempotency-Key` reused for another customer, a JSON array where an object
//! belongs, messages that named Rust types or no field, a bad key, and group claims read
//! loosely. Each refusal is checked as a client sees it and for what it did not write.

use orderdesk_tests::*;
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde_json::{Value, json};

/// Asserts a 400 whose one error names `field`, with a message free of internals; the message.
fn refused_naming(r: &Reply, field: &str) -> String {
    assert_eq!(r.invalid(), [field], "{}", r.body);
    assert_eq!(r.internals(), None, "{}", r.body);
    r.body["errors"][0]["message"].as_str().unwrap().to_owned()
}

/// `method path` with the raw JSON text `body`.
async fn send_raw(api: &Api, method: Method, path: &str, body: &str) -> Reply {
    let rb = api
        .request(method, path)
        .header("content-type", "application/json")
        .body(body.to_owned());
    Api::send(rb).await
}

/// How many customers the directory finds for `word`.
async fn customers_named(admin: &Api, word: &str) -> usize {
    admin.count(&format!("/admin/customers?q={word}")).await
}

#[tokio::test]
async fn one_idempotency_key_and_body_for_two_customers_places_an_order_in_each() {
    let admin = Api::admin().await;
    let sku = admin.fresh_product("KEYED", 700).await;
    let (c1, c2) = (admin.new_customer_id().await, admin.new_customer_id().await);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"status": "requested", "lines": [{"sku": sku, "quantity": 2}]});
    let place = |cid: &str| format!("/admin/customers/{cid}/orders");

    let first = admin.post_keyed(&place(&c1), &key, &body).await.ok(201);
    let second = admin.post_keyed(&place(&c2), &key, &body).await;
    assert_eq!(second.headers.get("idempotent-replayed"), None);
    let second = second.ok(201);
    assert_eq!(second["customer_id"], c2);
    assert_ne!(second["order_id"], first["order_id"]);

    let again = admin.post_keyed(&place(&c1), &key, &body).await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.ok(200)["order_id"], first["order_id"]);
    for cid in [&c1, &c2] {
        let orders = admin.get(&format!("/admin/orders?customer_id={cid}")).await;
        assert_eq!(
            orders.ok(200)["items"].as_array().unwrap().len(),
            1,
            "{cid}"
        );
    }
}

#[tokio::test]
async fn one_idempotency_key_and_body_for_two_customers_logins_is_judged_for_each() {
    let admin = Api::admin().await;
    let (c1, c2) = (admin.new_customer_id().await, admin.new_customer_id().await);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"name": "Pat", "email": unique_email("twice"), "mode": "password",
                      "password": PASSWORD});
    let provision = |cid: &str| format!("/admin/customers/{cid}/logins");

    let first = admin.post_keyed(&provision(&c1), &key, &body).await.ok(201);
    let second = admin.post_keyed(&provision(&c2), &key, &body).await;
    assert_eq!(second.headers.get("idempotent-replayed"), None);
    assert_eq!(second.problem(409)["type"], "/problems/duplicate-email");
    let c2_logins = admin.get(&provision(&c2)).await.ok(200);
    assert_eq!(c2_logins["items"], json!([]), "{c2_logins}");

    let again = admin.post_keyed(&provision(&c1), &key, &body).await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.ok(200)["login_id"], first["login_id"]);
}

#[tokio::test]
async fn a_json_array_never_renames_a_product() {
    let admin = Api::admin().await;
    let sku = admin.fresh_product("ARRAY", 1200).await;
    let path = format!("/admin/products/{sku}");
    let r = send_raw(&admin, Method::PATCH, &path, r#"["Renamed"]"#).await;
    let message = refused_naming(&r, "body");
    assert_eq!(message, "must be a JSON object");
    let listed = admin.get(&format!("/admin/products?q={sku}")).await.ok(200);
    assert_eq!(listed["items"][0]["name"], format!("Product {sku}"));
    assert_eq!(listed["items"][0]["version"], 1, "{listed}");
}

#[tokio::test]
async fn a_json_array_never_creates_a_customer() {
    let admin = Api::admin().await;
    let word = unique_word();
    let array = json!([format!("Array {word}"), unique_email("array")]).to_string();
    let r = send_raw(&admin, Method::POST, "/admin/customers", &array).await;
    refused_naming(&r, "body");
    let nested = json!({"name": format!("Nested {word}"), "email": unique_email("nested"),
                        "address": ["1 Main St", null, "Oslo", "0150", null, "NO"]});
    let r = admin.post("/admin/customers", &nested).await;
    assert_eq!(refused_naming(&r, "address"), "must be an object");
    assert_eq!(customers_named(&admin, &word).await, 0);
}

#[tokio::test]
async fn a_json_array_never_fills_a_cart() {
    let s = Shop::open(None).await;
    let lines = json!([[{"sku": s.flour, "quantity": 1}]]).to_string();
    let r = send_raw(&s.buyer, Method::PUT, "/cart", &lines).await;
    refused_naming(&r, "body");
    let positional = json!({"lines": [[s.flour, 3]]});
    let r = s.buyer.put("/cart", &positional).await;
    assert_eq!(refused_naming(&r, "lines[0]"), "must be an object");
    let cart = s.buyer.get("/cart").await.ok(200);
    assert_eq!(cart["lines"], json!([]), "{cart}");
}

#[tokio::test]
async fn every_route_that_takes_a_body_refuses_one_that_is_not_an_object() {
    let admin = Api::admin().await;
    let s = Shop::open(None).await;
    let ghost = |prefix: &str| format!("{prefix}{}", uuid::Uuid::now_v7().simple());
    let (cus, lgn, ord, tier) = (ghost("cus_"), ghost("lgn_"), ghost("ord_"), ghost("tier_"));
    let token = "A".repeat(43);
    let admin_routes = [
        "POST /admin/customers".to_owned(),
        format!("PATCH /admin/customers/{cus}"),
        "POST /admin/customers/tags".to_owned(),
        format!("POST /admin/customers/{cus}/logins"),
        format!("PATCH /admin/logins/{lgn}"),
        format!("POST /admin/logins/{lgn}/password-reset"),
        "POST /admin/products".to_owned(),
        format!("PATCH /admin/products/{}", s.flour),
        "POST /admin/price-tiers".to_owned(),
        format!("PATCH /admin/price-tiers/{tier}"),
        "PUT /admin/checkout-questions".to_owned(),
        format!("PUT /admin/customers/{cus}/cart"),
        format!("POST /admin/customers/{cus}/orders"),
        format!("PATCH /admin/orders/{ord}"),
        format!("POST /admin/orders/{ord}/confirm"),
        format!("POST /admin/orders/{ord}/reject"),
    ];
    let public_routes = [format!("POST /invitations/{token}/accept")];
    let customer_routes = ["PUT /cart".to_owned(), "POST /orders".to_owned()];
    let cases = admin_routes
        .iter()
        .map(|r| (&admin, r))
        .chain(public_routes.iter().map(|r| (&admin, r)))
        .chain(customer_routes.iter().map(|r| (&s.buyer, r)));
    for (api, route) in cases {
        let (method, path) = route.split_once(' ').unwrap();
        for body in ["[]", "null", r#"["x", 1]"#, "7"] {
            let rb = api
                .request(method.parse().unwrap(), path)
                .header("content-type", "application/json")
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .body(body);
            let r = Api::send(rb).await;
            assert_eq!(r.status, 400, "{route} {body}: {}", r.body);
            assert_eq!(
                refused_naming(&r, "body"),
                "must be a JSON object",
                "{route}"
            );
        }
    }
    assert_eq!(s.buyer.count("/orders").await, 0);
}

#[tokio::test]
async fn a_wrongly_typed_missing_or_unknown_field_is_named_in_plain_words() {
    let admin = Api::admin().await;
    let sku = format!("PLAIN-{}", unique_word().to_uppercase());
    let product =
        json!({"sku": sku, "name": "Plain", "price": {"amount": "12", "currency": "EUR"}});
    let r = admin.post("/admin/products", &product).await;
    assert_eq!(refused_naming(&r, "price.amount"), "must be a whole number");
    let product = json!({"sku": sku, "name": "Plain", "price": {"amount": 12}});
    let r = admin.post("/admin/products", &product).await;
    assert_eq!(refused_naming(&r, "price.currency"), "is required");
    assert_eq!(admin.count(&format!("/admin/products?q={sku}")).await, 0);

    let word = unique_word();
    let customer = json!({"name": format!("Plain {word}"), "email": unique_email("plain"),
                          "ordering_enabled": "yes"});
    let r = admin.post("/admin/customers", &customer).await;
    assert_eq!(
        refused_naming(&r, "ordering_enabled"),
        "must be true or false"
    );
    let customer = json!({"name": format!("Plain {word}"), "email": unique_email("plain"),
                          "address": {"line1": "1 Main St", "city": "Oslo", "country": "NO",
                                      "postal_code": "0150", "floor": 2}});
    let r = admin.post("/admin/customers", &customer).await;
    assert_eq!(
        refused_naming(&r, "address.floor"),
        "is not a field of this request"
    );
    let r = send_raw(&admin, Method::POST, "/admin/customers", "[]").await;
    assert_eq!(refused_naming(&r, "body"), "must be a JSON object");
    assert_eq!(customers_named(&admin, &word).await, 0);

    let s = Shop::open(None).await;
    let cart = json!({"lines": [{"sku": s.flour, "quantity": "2"}]});
    let r = s.buyer.put("/cart", &cart).await;
    assert_eq!(
        refused_naming(&r, "lines[0].quantity"),
        "must be a whole number"
    );
    let order = json!({"lines": [{"sku": s.flour, "quantity": 1}], "answers": {"po_number": 42}});
    let r = s.buyer.submit(&order).await;
    assert_eq!(refused_naming(&r, "answers.po_number"), "must be a string");
    assert_eq!(s.buyer.get("/cart").await.ok(200)["lines"], json!([]));
    assert_eq!(s.buyer.count("/orders").await, 0);
}

#[tokio::test]
async fn a_bad_idempotency_key_is_400_naming_the_header_and_writes_nothing() {
    let admin = Api::admin().await;
    let word = unique_word();
    let body = json!({"name": format!("Keyed {word}"), "email": unique_email("keyed")});
    let keys = [
        HeaderValue::from_bytes("schlüssel-ключ".as_bytes()).unwrap(),
        HeaderValue::from_str(&"k".repeat(256)).unwrap(),
        HeaderValue::from_static("two words"),
    ];
    for key in &keys {
        let rb = admin
            .request(Method::POST, "/admin/customers")
            .header("Idempotency-Key", key.clone())
            .json(&body);
        let r = Api::send(rb).await;
        let message = refused_naming(&r, "Idempotency-Key");
        assert!(message.contains("visible ASCII"), "{message}");
    }
    assert_eq!(customers_named(&admin, &word).await, 0);

    let s = Shop::open(None).await;
    let order = json!({"lines": [{"sku": s.flour, "quantity": 1}], "answers": standard_answers()});
    let rb = s
        .buyer
        .request(Method::POST, "/orders")
        .header("Idempotency-Key", keys[0].clone())
        .json(&order);
    refused_naming(&Api::send(rb).await, "Idempotency-Key");
    assert_eq!(s.buyer.count("/orders").await, 0);
}

#[tokio::test]
async fn a_signed_in_user_in_no_group_is_403_not_401() {
    let api = Api::with_token(user_token_in(&[]).await);
    let groups = api.token_claims()["cognito:groups"].clone();
    assert!(groups.is_null() || groups == json!([]), "{groups}");
    for route in [
        "GET /admin/customers",
        "GET /me",
        "GET /cart",
        "GET /orders",
    ] {
        let (method, path) = route.split_once(' ').unwrap();
        let r = Api::send(api.request(method.parse().unwrap(), path)).await;
        r.problem(403);
    }
    let word = unique_word();
    let body = json!({"name": format!("Ungrouped {word}"), "email": unique_email("ungrouped")});
    api.post("/admin/customers", &body).await.problem(403);
    assert_eq!(customers_named(&Api::admin().await, &word).await, 0);
}

#[tokio::test]
async fn a_group_whose_name_contains_admins_after_a_comma_is_not_admins() {
    let api = Api::with_token(user_token_in(&["support,admins"]).await);
    assert_eq!(
        api.token_claims()["cognito:groups"],
        json!(["support,admins"])
    );
    api.get("/admin/customers").await.problem(403);
    let word = unique_word();
    let body = json!({"name": format!("Comma {word}"), "email": unique_email("comma")});
    api.post("/admin/customers", &body).await.problem(403);
    assert_eq!(customers_named(&Api::admin().await, &word).await, 0);

    let both = Api::with_token(user_token_in(&["support,admins", "customers"]).await);
    both.get("/admin/customers").await.problem(403);
}

#[tokio::test]
async fn an_admin_in_other_groups_too_is_still_an_admin() {
    let api = Api::with_token(user_token_in(&["support,admins", "admins"]).await);
    let groups = api.token_claims()["cognito:groups"].clone();
    assert_eq!(groups.as_array().map(Vec::len), Some(2), "{groups}");
    let listed: Value = api.get("/admin/customers?limit=1").await.ok(200);
    assert!(listed["items"].is_array());
}

#[tokio::test]
async fn a_misspelt_listing_parameter_is_400_naming_it_not_an_unfiltered_list() {
    let admin = Api::admin().await;
    for path in [
        "/admin/orders?stauts=confirmed",
        "/admin/customers?tags=vip&limit=1",
        "/admin/products?query=flour",
        "/admin/audit?customer=cus_1",
    ] {
        let r = admin.get(path).await;
        let name = path.split(['?', '=']).nth(1).unwrap();
        assert_eq!(
            refused_naming(&r, name),
            "is not a parameter of this listing"
        );
    }
    let (_, buyer) = admin.customer_with_login(None).await;
    assert_eq!(
        refused_naming(&buyer.get("/catalog?sku=A").await, "sku"),
        "is not a parameter of this listing"
    );
    let known: Value = buyer.get("/orders?status=requested&limit=5").await.ok(200);
    assert!(known["items"].is_array());
}
