//! Customer accounts, end to end: the local gateway, real moto tokens, DynamoDB Local.

use orderdesk_tests::*;
use serde_json::{Value, json};

async fn create(api: &Api, body: Value) -> Value {
    api.post("/admin/customers", &body).await.ok(201)
}

/// A new customer's body: `name`, and an email no other test uses.
fn customer_named(name: &str) -> Value {
    json!({ "name": name, "email": unique_email("cust") })
}

/// The admin path of customer `c`.
fn path_of(c: &Value) -> String {
    format!("/admin/customers/{}", s(&c["customer_id"]))
}

/// The guard item that reserves `email` for one customer.
async fn email_guard(email: &str) -> Option<Item> {
    item(&format!("CUSTEMAIL#{email}"), "CUSTEMAIL").await
}

/// The status of a `GET` of `path` with `token`.
async fn status_with(token: impl Into<String>, path: &str) -> u16 {
    Api::with_token(token).get(path).await.status
}

fn s(v: &Value) -> &str {
    v.as_str().expect("a string")
}

#[tokio::test]
async fn an_admin_creates_a_customer_and_reads_it_back_with_empty_logins() {
    let api = Api::admin().await;
    let email = unique_email("Acme.Orders");
    let created = create(
        &api,
        json!({
            "name": "  Acme Bakery Supplies ",
            "email": email.to_uppercase(),
            "phone": "+33 1 23 45 67 89",
            "address": {"line1": "1 Rue de la Paix", "city": "Paris", "postal_code": "75002", "country": "fr"},
            "tags": ["VIP", "bakery"],
            "fulfillment_team": "North",
        }),
    )
    .await;
    assert_eq!(created["name"], "Acme Bakery Supplies");
    assert_eq!(created["email"], email.to_lowercase());
    assert_eq!(created["status"], "pending");
    assert_eq!(created["ordering_enabled"], false);
    assert_eq!(created["price_tier_id"], Value::Null);
    assert_eq!(created["tags"], json!(["bakery", "vip"]));
    assert_eq!(created["address"]["country"], "FR");
    assert_eq!(created["version"], 1);
    assert!(s(&created["customer_id"]).starts_with("cus_"));

    let id = s(&created["customer_id"]);
    let got = api.get(&path_of(&created)).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["name"], created["name"]);
    assert_eq!(got.body["logins"], json!([]));
    assert_eq!(got.body["invitations"], json!([]));

    let stored = item(&format!("CUSTOMER#{id}"), "CUSTOMER")
        .await
        .expect("the customer item");
    assert_eq!(stored["GSI1PK"].as_s().unwrap(), "CUSTDIR");
    let guard = email_guard(&email.to_lowercase())
        .await
        .expect("the email guard");
    assert_eq!(guard["customer_id"].as_s().unwrap(), id);
}

#[tokio::test]
async fn creating_a_customer_writes_an_audit_entry_naming_the_admin() {
    let api = Api::admin().await;
    let c = create(&api, customer_named("Audited Ltd")).await;
    let audits = audit_entries(s(&c["customer_id"])).await;
    assert_eq!(audits.len(), 1);
    assert_eq!(audits[0]["action"].as_s().unwrap(), "customer.created");
    let admin_sub = id_of(&jwt_claims(&admin_token().await), "sub");
    assert_eq!(audits[0]["actor_id"].as_s().unwrap(), &admin_sub);
    assert_eq!(audits[0]["actor_kind"].as_s().unwrap(), "admin");
}

#[tokio::test]
async fn a_second_customer_with_the_same_email_is_409_and_nothing_is_written() {
    let api = Api::admin().await;
    let email = unique_email("dup");
    create(&api, json!({"name": "First", "email": email})).await;
    let word = unique_word();
    let r = api
        .post(
            "/admin/customers",
            &json!({"name": word, "email": email.to_uppercase()}),
        )
        .await;
    assert!(r.detail(409).contains("already uses this email"));
    let found = api.get(&format!("/admin/customers?q={word}")).await;
    assert_eq!(found.body["items"], json!([]));
}

#[tokio::test]
async fn the_same_idempotency_key_and_body_return_the_first_customer() {
    let api = Api::admin().await;
    let key = uuid::Uuid::new_v4().to_string();
    let body = customer_named("Once Only GmbH");
    let first = api.post_keyed("/admin/customers", &key, &body).await;
    assert_eq!(first.status, 201);
    let again = api.post_keyed("/admin/customers", &key, &body).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.body, first.body);

    let other = customer_named("Someone Else");
    let other = api.post_keyed("/admin/customers", &key, &other).await;
    assert!(other.detail(409).contains("different request"));
}

#[tokio::test]
async fn concurrent_creates_with_one_idempotency_key_make_one_customer() {
    let api = Api::admin().await;
    let key = uuid::Uuid::new_v4().to_string();
    let word = unique_word();
    let body = json!({"name": format!("Racer {word}"), "email": unique_email("race")});
    let replies =
        futures::future::join_all((0..10).map(|_| api.post_keyed("/admin/customers", &key, &body)))
            .await;
    let statuses = exactly_one(&replies, 201, 200);
    let ids: std::collections::BTreeSet<String> = replies
        .iter()
        .map(|r| s(&r.body["customer_id"]).to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "{statuses:?}");
    assert_eq!(api.count(&format!("/admin/customers?q={word}")).await, 1);
}

#[tokio::test]
async fn search_finds_customers_by_partial_name_or_email_ignoring_case() {
    let api = Api::admin().await;
    let word = unique_word();
    let a = create(&api, customer_named(&format!("Blue Harbor {word} Cafe"))).await;
    let b = create(
        &api,
        json!({"name": "Northwind Traders", "email": format!("buyer-{word}@northwind.example")}),
    )
    .await;
    create(&api, customer_named("Unrelated Co")).await;

    let by_name = api
        .get(&format!("/admin/customers?q={}", word.to_uppercase()))
        .await;
    assert_eq!(by_name.status, 200);
    let ids = pluck(&by_name.body["items"], "customer_id");
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&s(&a["customer_id"])) && ids.contains(&s(&b["customer_id"])));

    let partial = api
        .get(&format!("/admin/customers?q=HARBOR%20{}%20ca", &word))
        .await;
    assert_eq!(partial.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(partial.body["items"][0]["customer_id"], a["customer_id"]);
}

#[tokio::test]
async fn listing_pages_through_every_match_with_its_cursor_in_name_order() {
    let api = Api::admin().await;
    let word = unique_word();
    for name in ["Delta", "alpha", "Charlie", "bravo", "Echo"] {
        create(&api, customer_named(&format!("{name} {word}"))).await;
    }
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            None => format!("/admin/customers?q={word}&limit=2"),
            Some(c) => format!("/admin/customers?q={word}&limit=2&cursor={c}"),
        };
        let page = api.get(&path).await.ok(200);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        names.extend(
            items
                .iter()
                .map(|c| s(&c["name"]).split(' ').next().unwrap().to_owned()),
        );
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(pages < 10, "the cursor never ends");
    }
    assert_eq!(names, ["alpha", "bravo", "Charlie", "Delta", "Echo"]);
}

#[tokio::test]
async fn a_forged_or_foreign_cursor_is_400() {
    let api = Api::admin().await;
    let r = api.get("/admin/customers?cursor=not-a-cursor").await;
    assert_eq!(r.invalid()[0], "cursor");
    use base64::Engine;
    let foreign = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(br#"{"PK":"ORDER#1","SK":"ORDER","GSI1PK":"CUSTDIR","GSI1SK":"a"}"#);
    let r = api.get(&format!("/admin/customers?cursor={foreign}")).await;
    assert_eq!(r.invalid()[0], "cursor");
}

#[tokio::test]
async fn bad_list_parameters_are_named() {
    let api = Api::admin().await;
    let r = api.get("/admin/customers?limit=0&status=gone").await;
    assert_eq!(r.invalid_sorted(), ["limit", "status"]);
}

#[tokio::test]
async fn tags_filter_the_listing_and_bulk_tagging_adds_and_removes() {
    let api = Api::admin().await;
    let word = unique_word();
    let tag = format!("promo-{word}");
    let a = create(&api, customer_named(&format!("A {word}"))).await;
    let b = create(&api, customer_named(&format!("B {word}"))).await;
    create(&api, customer_named(&format!("C {word}"))).await;

    let r = api
        .post("/admin/customers/tags", &json!({"tag": tag.to_uppercase(), "action": "add", "customer_ids": [a["customer_id"], b["customer_id"]]}))
        .await;
    assert_eq!(r.ok(200), json!({"updated": 2}));

    let tagged = api.get(&format!("/admin/customers?tag={tag}")).await;
    let names = pluck(&tagged.body["items"], "name");
    assert_eq!(names, [format!("A {word}"), format!("B {word}")]);

    let got = api.get(&path_of(&a)).await;
    assert_eq!(got.body["tags"], json!([tag]));
    assert_eq!(got.body["version"], 2);

    api.post(
        "/admin/customers/tags",
        &json!({"tag": tag, "action": "remove", "customer_ids": [a["customer_id"]]}),
    )
    .await;
    let tagged = api
        .get(&format!("/admin/customers?tag={tag}&q={word}"))
        .await;
    assert_eq!(pluck(&tagged.body["items"], "name"), [format!("B {word}")]);
}

#[tokio::test]
async fn bulk_tagging_with_one_unknown_customer_tags_nobody() {
    let api = Api::admin().await;
    let a = create(&api, customer_named(&format!("Known {}", unique_word()))).await;
    let ghost = "cus_0000000000007000800000000000dead";
    let r = api
        .post(
            "/admin/customers/tags",
            &json!({"tag": "ghosted", "action": "add", "customer_ids": [a["customer_id"], ghost]}),
        )
        .await;
    assert!(r.detail(404).contains(ghost));
    let got = api.get(&path_of(&a)).await;
    assert_eq!(got.body["tags"], json!([]));
    assert_eq!(got.body["version"], 1);
}

#[tokio::test]
async fn an_admin_updates_fields_and_clears_optional_ones_with_null() {
    let api = Api::admin().await;
    let c = create(&api, json!({"name": "Old Name", "email": unique_email("u"), "phone": "0123", "fulfillment_team": "East"})).await;
    let path = path_of(&c);
    let tier = api.new_tier(&json!({"name": "Gold"})).await;
    for unknown in ["tier_gold", "tier_0000000000007000800000000000beef"] {
        let r = api.patch(&path, &json!({"price_tier_id": unknown})).await;
        assert_eq!(r.invalid()[0], "price_tier_id");
    }
    let r = api
        .patch(&path, &json!({"name": "New Name", "ordering_enabled": true, "phone": null, "price_tier_id": tier}))
        .await
        .ok(200);
    assert_eq!(r["name"], "New Name");
    assert_eq!(r["ordering_enabled"], true);
    assert_eq!(r["phone"], Value::Null);
    assert_eq!(r["price_tier_id"], tier.as_str());
    assert_eq!(r["fulfillment_team"], "East");
    assert_eq!(r["version"], 2);
    let audits = audit_entries(s(&c["customer_id"])).await;
    let update = audits
        .iter()
        .find(|a| a["action"].as_s().unwrap() == "customer.updated")
        .expect("an update audit");
    let details: Value = serde_json::from_str(update["details"].as_s().unwrap()).unwrap();
    assert_eq!(
        details["name"],
        json!({"from": "Old Name", "to": "New Name"})
    );
}

#[tokio::test]
async fn changing_the_email_moves_the_guard_and_frees_the_old_address() {
    let api = Api::admin().await;
    let old = unique_email("old");
    let new = unique_email("new");
    let c = create(&api, json!({"name": "Mover", "email": old})).await;
    api.patch(&path_of(&c), &json!({"email": new}))
        .await
        .ok(200);
    assert!(email_guard(&old).await.is_none());
    assert!(email_guard(&new).await.is_some());
    create(&api, json!({"name": "Taker", "email": old})).await;
}

#[tokio::test]
async fn changing_the_email_to_one_in_use_is_409_and_changes_nothing() {
    let api = Api::admin().await;
    let taken = unique_email("taken");
    create(&api, json!({"name": "Holder", "email": taken})).await;
    let path = path_of(&create(&api, customer_named("Wants It")).await);
    let r = api
        .patch(&path, &json!({"email": taken, "name": "Renamed"}))
        .await;
    r.problem(409);
    let got = api.get(&path).await;
    assert_eq!(got.body["name"], "Wants It");
    assert_eq!(got.body["version"], 1);
}

#[tokio::test]
async fn a_stale_version_is_409_and_the_current_version_succeeds() {
    let api = Api::admin().await;
    let path = path_of(&create(&api, customer_named("Versioned")).await);
    let rename = |name: &str, version: u32| json!({"name": name, "version": version});
    api.patch(&path, &rename("V2", 1)).await.ok(200);
    let stale = api.patch(&path, &rename("V3", 1)).await;
    assert!(stale.detail(409).contains("version 2"));
    api.patch(&path, &rename("V3", 2)).await.ok(200);
}

#[tokio::test]
async fn deleting_a_customer_keeps_it_readable_hides_it_from_the_list_and_frees_its_email() {
    let api = Api::admin().await;
    let word = unique_word();
    let email = unique_email("gone");
    let c = create(
        &api,
        json!({"name": format!("Gone {word}"), "email": email}),
    )
    .await;
    let path = path_of(&c);
    let r = api.delete(&path).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.body, Value::Null);

    let got = api.get(&path).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["status"], "deleted");
    assert_eq!(
        api.get(&format!("/admin/customers?q={word}")).await.body["items"],
        json!([])
    );
    let deleted = api
        .get(&format!("/admin/customers?q={word}&status=deleted"))
        .await;
    assert_eq!(deleted.body["items"][0]["customer_id"], c["customer_id"]);

    assert_eq!(api.delete(&path).await.status, 204);
    api.patch(&path, &json!({"name": "Zombie"}))
        .await
        .problem(409);
    create(&api, json!({"name": "Reuses The Address", "email": email})).await;
}

#[tokio::test]
async fn an_unknown_or_malformed_customer_id_is_404() {
    let api = Api::admin().await;
    for id in [
        "cus_0000000000007000800000000000beef",
        "nonsense",
        "CUSTOMER%23x",
    ] {
        let path = format!("/admin/customers/{id}");
        api.get(&path).await.problem(404);
        api.patch(&path, &json!({"name": "x"})).await.problem(404);
        api.delete(&path).await.problem(404);
    }
}

#[tokio::test]
async fn invalid_input_is_400_problem_json_naming_each_field() {
    let api = Api::admin().await;
    let cases = [
        (
            json!({"name": "  ", "email": "not-an-email"}),
            vec!["name", "email"],
        ),
        (
            json!({"name": "X", "email": unique_email("x"), "colour": "red"}),
            vec!["colour"],
        ),
        (json!({"name": 7, "email": unique_email("x")}), vec!["name"]),
    ];
    for (body, fields) in cases {
        let r = api.post("/admin/customers", &body).await;
        assert_eq!(r.invalid(), fields, "{body}");
    }
    let r = api.post("/admin/customers", &json!({"name": "X"})).await;
    assert_eq!(r.invalid()[0], "email");
    assert_eq!(r.body["errors"][0]["message"], "is required");
}

#[tokio::test]
async fn malformed_json_is_400_and_writes_nothing() {
    let api = Api::admin().await;
    let email = unique_email("broken");
    let r = api
        .post_raw(
            "/admin/customers",
            format!(r#"{{"name": "Broken", "email": "{email}""#),
        )
        .await;
    assert!(r.detail(400).contains("not valid JSON"));
    assert!(email_guard(&email).await.is_none());
}

#[tokio::test]
async fn a_body_over_256_kib_is_413() {
    let api = Api::admin().await;
    let big = format!(
        r#"{{"name": "{}", "email": "big@example.com"}}"#,
        "a".repeat(300 * 1024)
    );
    api.post_raw("/admin/customers", big).await.problem(413);
}

#[tokio::test]
async fn without_a_token_every_customers_route_is_401() {
    let api = Api::anonymous();
    assert_eq!(api.get("/admin/customers").await.status, 401);
    assert_eq!(
        api.post("/admin/customers", &customer_named("x"))
            .await
            .status,
        401
    );
    assert_eq!(
        api.get("/admin/customers/cus_0000000000007000800000000000beef")
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn a_token_with_a_forged_payload_is_401() {
    let customer = user_token("customers").await;
    let mut parts: Vec<String> = customer.split('.').map(str::to_owned).collect();
    let mut claims = jwt_claims(&customer);
    claims["cognito:groups"] = json!(["admins"]);
    use base64::Engine;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&claims).unwrap());
    let forged = parts.join(".");
    assert_eq!(
        Api::with_token(forged).get("/admin/customers").await.status,
        401
    );

    let unsigned = format!(
        "{}.{}.",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    assert_eq!(status_with(unsigned, "/admin/customers").await, 401);
    assert_eq!(status_with("garbage", "/admin/customers").await, 401);
}

#[tokio::test]
async fn an_expired_token_signed_by_the_pool_is_401_while_a_fresh_one_passes() {
    let admin = admin_token().await;
    let mut claims = jwt_claims(&admin);
    let fresh = token_signed_by_the_pool(&claims).await;
    assert_eq!(status_with(fresh, "/admin/customers?limit=1").await, 200);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    claims["iat"] = json!(now - 7200);
    claims["auth_time"] = json!(now - 7200);
    claims["exp"] = json!(now - 3600);
    let expired = token_signed_by_the_pool(&claims).await;
    assert_eq!(status_with(expired, "/admin/customers").await, 401);
}

#[tokio::test]
async fn a_token_for_another_audience_or_issuer_is_401() {
    let admin = admin_token().await;
    let mut claims = jwt_claims(&admin);
    claims["aud"] = json!("some-other-client");
    let other_aud = token_signed_by_the_pool(&claims).await;
    assert_eq!(status_with(other_aud, "/admin/customers").await, 401);
    let mut claims = jwt_claims(&admin);
    claims["iss"] = json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other");
    let other_iss = token_signed_by_the_pool(&claims).await;
    assert_eq!(status_with(other_iss, "/admin/customers").await, 401);
}

#[tokio::test]
async fn a_customer_token_is_403_on_every_admin_customers_route() {
    let api = Api::with_token(user_token("customers").await);
    let id = "cus_0000000000007000800000000000beef";
    let one = format!("/admin/customers/{id}");
    let tag = json!({"tag": "x", "action": "add", "customer_ids": [id]});
    api.refused(
        403,
        &[
            ("GET /admin/customers".into(), Value::Null),
            ("POST /admin/customers".into(), customer_named("x")),
            (format!("GET {one}"), Value::Null),
            (format!("PATCH {one}"), json!({"name": "x"})),
            (format!("DELETE {one}"), Value::Null),
            ("POST /admin/customers/tags".into(), tag),
        ],
    )
    .await;
}
