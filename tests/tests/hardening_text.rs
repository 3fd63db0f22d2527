//! What a client sees when it sends an address the identity provider or the mail service would
//! refuse, or text that would render blank or misleading: a 400 problem naming the field, and
//! nothing written (no customer, login, invitation, Cognito user or email). An address the user
//! pool refuses after all is a 409, never a 500.

use orderdesk_tests::*;
use serde_json::{Value, json};

/// The addresses the outside review turned into 500s, each made unique to this call.
fn refused_addresses() -> Vec<String> {
    let w = unique_word();
    vec![
        format!("äbc{w}@x.example"),
        format!("o'brien{w}@x.example"),
        format!("a#{w}@x.example"),
        format!("a/{w}@x.example"),
        format!("a+{w}@bücher.example"),
    ]
}

/// Names that render blank, start with a lone accent, or read otherwise than they are stored.
const MISLEADING_NAMES: [&str; 9] = [
    "\u{200B}",
    "\u{FEFF}",
    "\u{301}\u{301}",
    "\u{3164}\u{3164}",
    "Acme\u{202E}gnp.exe",
    "Acme\u{2066}Ltd",
    "Acme\u{2028}Ltd",
    "Acme\u{7}Ltd",
    "Acme\u{E000}",
];

/// Characters that make a text misleading wherever they stand in it.
const MISLEADING_CHARS: [char; 5] = ['\u{200B}', '\u{202E}', '\u{2028}', '\u{7}', '\u{E000}'];

/// Whether an address is reserved for a login (its uniqueness guard exists).
async fn login_guard_exists(email: &str) -> bool {
    let pk = format!("LOGINEMAIL#{}", email.to_lowercase());
    item(&pk, "LOGINEMAIL").await.is_some()
}

/// Whether an address is reserved for a customer account.
async fn customer_guard_exists(email: &str) -> bool {
    let pk = format!("CUSTEMAIL#{}", email.to_lowercase());
    item(&pk, "CUSTEMAIL").await.is_some()
}

/// `GET /admin/customers/{customer_id}`.
async fn customer_page(api: &Api, customer_id: &str) -> Value {
    api.get(&format!("/admin/customers/{customer_id}"))
        .await
        .ok(200)
}

/// `body` with the fields of `more` added.
fn with(mut body: Value, more: &Value) -> Value {
    let fields = more.as_object().expect("an object").clone();
    body.as_object_mut().expect("an object").extend(fields);
    body
}

#[tokio::test]
async fn a_customer_with_an_address_the_pool_or_ses_would_refuse_is_400_naming_email_and_not_created()
 {
    let api = Api::admin().await;
    for address in refused_addresses() {
        let w = unique_word();
        let body = json!({"name": format!("Refused {w}"), "email": address});

        let r = api.post("/admin/customers", &body).await;

        assert_eq!(r.invalid(), ["email"], "{address}");
        let message = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains('@') || message.contains("domain"),
            "{address}: the message says which part to change: {message}"
        );
        assert_eq!(api.count(&format!("/admin/customers?q={w}")).await, 0);
        assert!(!customer_guard_exists(&address).await, "{address}");
    }
}

#[tokio::test]
async fn an_internationalised_domain_is_refused_with_its_ascii_form_suggested() {
    let api = Api::admin().await;
    let body = json!({"name": "Bücher GmbH", "email": "orders@bücher.example"});

    let r = api.post("/admin/customers", &body).await;

    assert_eq!(r.invalid(), ["email"]);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("xn--")
    );
    let ascii = json!({"name": format!("Bücher {}", unique_word()), "email": unique_email("orders").replace("test.orderdesk.example", "xn--bcher-kva.example")});
    api.post("/admin/customers", &ascii).await.ok(201);
}

#[tokio::test]
async fn a_customers_email_is_not_changed_to_an_address_the_pool_or_ses_would_refuse() {
    let api = Api::admin().await;
    let customer = api.new_customer().await;
    let id = id_of(&customer, "customer_id");

    for address in refused_addresses() {
        let r = api.update_customer(&id, &json!({"email": address})).await;
        assert_eq!(r.invalid(), ["email"], "{address}");
        assert!(!customer_guard_exists(&address).await, "{address}");
    }

    let after = customer_page(&api, &id).await;
    assert_eq!(after["email"], customer["email"]);
    assert_eq!(after["version"], customer["version"]);
}

#[tokio::test]
async fn a_login_with_an_address_the_pool_would_refuse_is_400_in_every_mode_and_leaves_nothing_behind()
 {
    let api = Api::admin().await;
    let customer_id = api.new_customer_id().await;
    let audited = audit_entries(&customer_id).await.len();
    let modes = [
        json!({"mode": "invite"}),
        json!({"mode": "temporary_password"}),
        json!({"mode": "password", "password": PASSWORD}),
    ];
    let addresses = refused_addresses();

    for address in &addresses {
        for mode in &modes {
            let body = with(json!({"name": "Refused", "email": address}), mode);
            let r = api.create_login(&customer_id, &body).await;
            assert_eq!(r.invalid(), ["email"], "{address} {mode}");
        }
        assert!(!login_guard_exists(address).await, "{address}");
        assert!(!cognito_user_exists(address).await, "{address}");
    }

    let page = customer_page(&api, &customer_id).await;
    assert_eq!(page["logins"], json!([]));
    assert_eq!(page["invitations"], json!([]));
    assert_eq!(page["status"], "pending");
    assert_eq!(audit_entries(&customer_id).await.len(), audited);
    let good = unique_email("after-refusals");
    api.invite(&customer_id, "Good", &good).await;
    mailbox::wait_for(&good).await;
    for address in &addresses {
        assert!(mailbox::to(address).await.is_empty(), "{address}");
    }
}

#[tokio::test]
async fn a_logins_sign_in_email_is_not_changed_to_an_address_the_pool_would_refuse() {
    let api = Api::admin().await;
    let (customer_id, login_id, email) = api.active_login("Lee").await;

    for address in refused_addresses() {
        let r = api
            .update_login(&login_id, &json!({"email": address}))
            .await;
        assert_eq!(r.invalid(), ["email"], "{address}");
        assert!(!login_guard_exists(&address).await, "{address}");
    }

    let logins = api
        .get(&format!("/admin/customers/{customer_id}/logins"))
        .await
        .ok(200);
    assert_eq!(logins["items"][0]["email"], email.to_lowercase());
    assert_eq!(logins["items"][0]["pending_email"], Value::Null);
}

#[tokio::test]
async fn an_invitation_stored_with_an_address_the_pool_refuses_is_409_at_accept_and_stays_usable() {
    let api = Api::admin().await;
    let customer_id = api.new_customer_id().await;
    let email = unique_email("legacy");
    let login = api.invite(&customer_id, "Legacy", &email).await;
    let token = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    let legacy = format!("o'brien{}@x.example", unique_word());
    let pk = format!("LOGIN#{}", id_of(&login, "login_id"));
    update_item(&pk, "LOGIN", "SET email = :e", &[(":e", &legacy)]).await;

    let r = accept_link(&token, PASSWORD).await;

    assert_eq!(r.problem(409)["type"], "/problems/email-refused");
    assert!(!r.body.to_string().contains("Username should be"));
    assert!(!cognito_user_exists(&legacy).await);
    preview_link(&token).await.ok(200);
    let page = customer_page(&api, &customer_id).await;
    assert_eq!(page["logins"][0]["status"], "invited");
}

#[tokio::test]
async fn confirming_a_new_address_that_another_pool_user_signs_in_with_is_409_not_500() {
    let api = Api::admin().await;
    let (customer_id, login_id, email) = api.active_login("Lee").await;
    let taken = jwt_claims(&user_token("customers").await)["email"]
        .as_str()
        .expect("the pool user's email")
        .to_owned();
    api.update_login(&login_id, &json!({"email": taken}))
        .await
        .ok(200);
    let token = mailbox::link_token(&mailbox::wait_for(&taken).await, "/email-change/");

    let r = confirm_email_change(&token).await;

    assert_eq!(r.problem(409)["type"], "/problems/duplicate-email");
    sign_in(&email, PASSWORD).await;
    let logins = api
        .get(&format!("/admin/customers/{customer_id}/logins"))
        .await
        .ok(200);
    assert_eq!(logins["items"][0]["email"], email.to_lowercase());
}

#[tokio::test]
async fn a_customer_name_that_renders_blank_or_misleading_is_400_naming_name_and_nothing_is_written()
 {
    let api = Api::admin().await;
    let customer = api.new_customer().await;
    let id = id_of(&customer, "customer_id");

    for name in MISLEADING_NAMES {
        let email = unique_email("named");
        let r = api
            .post("/admin/customers", &json!({"name": name, "email": email}))
            .await;
        assert_eq!(r.invalid(), ["name"], "{name:?}");
        assert!(!customer_guard_exists(&email).await, "{name:?}");
        let r = api.update_customer(&id, &json!({"name": name})).await;
        assert_eq!(r.invalid(), ["name"], "{name:?}");
    }

    let after = customer_page(&api, &id).await;
    assert_eq!(after["name"], customer["name"]);
    assert_eq!(after["version"], customer["version"]);
}

#[tokio::test]
async fn a_login_name_that_renders_blank_or_misleading_is_400_naming_name_and_nothing_is_written() {
    let api = Api::admin().await;
    let (customer_id, login_id, _) = api.active_login("Lee").await;
    let invited = unique_email("invited");
    api.invite(&customer_id, "Ivy", &invited).await;
    let token = mailbox::invitation_token(&mailbox::wait_for(&invited).await);

    for name in MISLEADING_NAMES {
        let email = unique_email("named");
        let body = json!({"name": name, "email": email, "mode": "password", "password": PASSWORD});
        let r = api.create_login(&customer_id, &body).await;
        assert_eq!(r.invalid(), ["name"], "{name:?}");
        assert!(!login_guard_exists(&email).await, "{name:?}");
        assert!(!cognito_user_exists(&email).await, "{name:?}");
        let r = api.update_login(&login_id, &json!({"name": name})).await;
        assert_eq!(r.invalid(), ["name"], "{name:?}");
        let accept = json!({"password": PASSWORD, "name": name});
        let r = Api::anonymous()
            .post(&format!("/invitations/{token}/accept"), &accept)
            .await;
        assert_eq!(r.invalid(), ["name"], "{name:?}");
    }

    let page = customer_page(&api, &customer_id).await;
    let names: Vec<&str> = pluck(&page["logins"], "name");
    assert_eq!(names, ["Lee", "Ivy"]);
    assert!(
        !cognito_user_exists(&invited).await,
        "the invitation was not accepted"
    );
    preview_link(&token).await.ok(200);
}

#[tokio::test]
async fn product_tier_and_question_texts_that_mislead_are_400_naming_the_field_and_not_stored() {
    ensure_standard_questions().await;
    let api = Api::admin().await;
    let questions = api.get("/admin/checkout-questions").await.ok(200);

    for c in MISLEADING_CHARS {
        let w = unique_word();
        let sku = format!("SKU-{}", w.to_uppercase());
        let bad = format!("Flour {w}{c}x");
        let product = json!({"sku": sku, "name": bad, "unit": format!("b{c}ag"), "description": bad, "price": eur(100)});
        let r = api.post("/admin/products", &product).await;
        assert_eq!(r.invalid_sorted(), ["description", "name", "unit"], "{c:?}");
        assert_eq!(api.count(&format!("/admin/products?q={w}")).await, 0);

        let r = api.post("/admin/price-tiers", &json!({"name": bad})).await;
        assert_eq!(r.invalid(), ["name"], "{c:?}");
        let tiers = api.get("/admin/price-tiers").await.ok(200);
        assert!(!tiers.to_string().contains(&w), "{c:?}");

        let question = json!({"question_id": "po_number", "label": bad, "required": true, "kind": "choice", "choices": ["Morning", bad]});
        let r = api
            .put(
                "/admin/checkout-questions",
                &json!({"questions": [question]}),
            )
            .await;
        let fields = r.invalid();
        assert_eq!(fields, ["questions[0].label", "questions[0].choices[1]"]);
    }

    assert_eq!(
        api.get("/admin/checkout-questions").await.ok(200),
        questions
    );
}

#[tokio::test]
async fn order_notes_and_a_rejection_reason_that_mislead_are_400_naming_the_field_and_not_stored() {
    let s = Shop::open(None).await;
    let order = s.order(&s.flour, 1).await.ok(201);
    let path = format!("/admin/orders/{}", id_of(&order, "order_id"));
    let line = json!([{"sku": s.flour, "quantity": 1}]);

    for c in MISLEADING_CHARS {
        let notes = format!("Back door{c}please");
        let r = s
            .buyer
            .put("/cart", &json!({"lines": line, "notes": notes}))
            .await;
        assert_eq!(r.invalid(), ["notes"], "{c:?}");
        let body = json!({"lines": line, "notes": notes, "answers": standard_answers()});
        let r = s.buyer.submit(&body).await;
        assert_eq!(r.invalid(), ["notes"], "{c:?}");
        let r = s
            .admin
            .patch(&path, &json!({"notes": notes, "version": 1}))
            .await;
        assert_eq!(r.invalid(), ["notes"], "{c:?}");
        let reason = json!({"reason": format!("Out of{c}stock")});
        let r = s.admin.post(&format!("{path}/reject"), &reason).await;
        assert_eq!(r.invalid(), ["reason"], "{c:?}");
    }

    assert_eq!(s.buyer.count("/orders").await, 1, "no order but the first");
    let cart = s.buyer.get("/cart").await.ok(200);
    assert_eq!(cart["lines"], json!([]));
    let after = s.admin.get(&path).await.ok(200);
    assert_eq!(
        (&after["status"], &after["version"]),
        (&json!("requested"), &json!(1))
    );
    assert_eq!(after["notes"], order["notes"]);
}
