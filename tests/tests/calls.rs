//! DynamoDB calls per operation, counted by the SDK interceptor every client carries, so they
//! cannot creep up: each function is called in-process with a real token's claims against the
//! local stack, and the calls it made are checked against its budget. No operation scans.

use orderdesk::dynamo::calls::{self, Calls};
use orderdesk::http::HttpFunction;
use orderdesk_tests::*;
use serde_json::{Value, json};

#[path = "calls/clients.rs"]
mod client_budgets;
#[path = "calls/teams.rs"]
mod team_budgets;
#[path = "calls/webhooks.rs"]
mod webhook_budgets;

struct Functions {
    catalog: orderdesk_catalog::App,
    logins: orderdesk_logins::App,
    orders: orderdesk_orders::App,
    submission: orderdesk_order_submission::App,
    confirmation: orderdesk_order_confirmation::App,
    customers: orderdesk_customers::App,
    invitations: orderdesk_invitations::App,
    integrations: orderdesk_integrations::App,
}

async fn functions() -> Functions {
    stack();
    Functions {
        catalog: orderdesk_catalog::App::from_env().await.unwrap(),
        logins: orderdesk_logins::App::from_env().await.unwrap(),
        orders: orderdesk_orders::App::from_env().await.unwrap(),
        submission: orderdesk_order_submission::App::from_env().await.unwrap(),
        confirmation: orderdesk_order_confirmation::App::from_env().await.unwrap(),
        customers: orderdesk_customers::App::from_env().await.unwrap(),
        invitations: orderdesk_invitations::App::from_env().await.unwrap(),
        integrations: orderdesk_integrations::App::from_env().await.unwrap(),
    }
}

/// One request to a function in this process, as API Gateway would hand it over.
struct Call<'a> {
    route: &'a str,
    path: String,
    token: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: Option<Value>,
}

fn call<'a>(route: &'a str, path: impl Into<String>, token: &'a str) -> Call<'a> {
    Call {
        route,
        path: path.into(),
        token,
        headers: Vec::new(),
        body: None,
    }
}

impl<'a> Call<'a> {
    fn header(mut self, name: &'a str, value: &'a str) -> Self {
        self.headers.push((name, value));
        self
    }

    fn body(mut self, body: &Value) -> Self {
        self.body = Some(body.clone());
        self
    }

    /// The function's answer (body, status) and the DynamoDB calls it made.
    async fn on(self, function: &impl HttpFunction) -> (Value, u16, Calls) {
        let req = api_request(
            self.route,
            &self.path,
            self.token,
            &self.headers,
            self.body.as_ref(),
        );
        let (res, calls) = calls::record(function.handle(req)).await;
        let status = res.status().as_u16();
        let body = serde_json::from_slice(res.body().as_ref()).unwrap_or(Value::Null);
        (body, status, calls)
    }
}

#[track_caller]
fn within(what: &str, status: u16, calls: &Calls, max_calls: usize, max_trips: usize) {
    eprintln!(
        "{what}: {} calls, {} round trips, {:.1} RCU, {:.1} WCU: {:?}",
        calls.count(),
        calls.round_trips(),
        calls.read_units(),
        calls.write_units(),
        calls.operations()
    );
    assert!(status < 300, "{what} answered {status}");
    assert!(
        calls.count() <= max_calls,
        "{what} made {} DynamoDB calls ({:?}); its budget is {max_calls}",
        calls.count(),
        calls.operations()
    );
    assert!(
        calls.round_trips() <= max_trips,
        "{what} took {} sequential round trips ({:?}); its budget is {max_trips}",
        calls.round_trips(),
        calls.operations()
    );
    assert!(!calls.scanned(), "{what} scanned the table");
}

#[tokio::test]
async fn every_customer_operation_stays_within_its_dynamodb_call_budget() {
    let f = functions().await;
    let s = Shop::open(Some(10.0)).await;
    let (admin, buyer, flour, sugar) = (&s.admin, &s.buyer, &s.flour, &s.sugar);
    let token = buyer.token();
    assert!(
        jwt_claims(token)["custom:login_id"].is_string(),
        "a login's token carries its hints"
    );

    let (body, status, c) = call(
        "GET /catalog",
        format!("/catalog?q={}", flour.to_lowercase()),
        token,
    )
    .on(&f.catalog)
    .await;
    within("GET /catalog", status, &c, 2, 2);
    assert_eq!(body["items"][0]["price"]["amount"], 2250);

    let (_, status, c) = call("GET /checkout-questions", "/checkout-questions", token)
        .on(&f.catalog)
        .await;
    within("GET /checkout-questions", status, &c, 1, 1);

    let (body, status, c) = call("GET /me", "/me", token).on(&f.logins).await;
    within("GET /me", status, &c, 1, 1);
    assert_eq!(body["customer"]["tier_name"], s.tier_name.clone().unwrap());

    let cart = json!({"lines": [{"sku": flour, "quantity": 2}]});
    let (_, status, c) = call("PUT /cart", "/cart", token)
        .body(&cart)
        .on(&f.submission)
        .await;
    within("PUT /cart", status, &c, 2, 2);
    let (body, status, c) = call("GET /cart", "/cart", token).on(&f.submission).await;
    within("GET /cart", status, &c, 2, 2);
    assert_eq!(body["lines"][0]["unit_price"]["amount"], 2250);

    let order = json!({
        "lines": [{"sku": flour, "quantity": 2}, {"sku": sugar, "quantity": 1}],
        "answers": standard_answers(),
    });
    let key = uuid::Uuid::new_v4().to_string();
    let submit = || {
        call("POST /orders", "/orders", token)
            .header("Idempotency-Key", &key)
            .body(&order)
            .on(&f.submission)
    };
    let (body, status, c) = submit().await;
    within("POST /orders", status, &c, 2, 2);
    assert_eq!(status, 201);
    assert!(c.write_units() > 0.0, "DynamoDB reported the write units");
    let id = body["order_id"].as_str().unwrap().to_owned();

    let (_, status, c) = submit().await;
    within("POST /orders (replayed)", status, &c, 1, 1);

    let (_, status, c) = call("GET /orders/{order_id}", format!("/orders/{id}"), token)
        .on(&f.orders)
        .await;
    within("GET /orders/{id}", status, &c, 1, 1);

    let (body, status, c) = call("GET /orders", "/orders", token).on(&f.orders).await;
    within("GET /orders", status, &c, 2, 2);
    assert_eq!(body["items"][0]["order_id"], id.as_str());

    let (_, status, c) = call(
        "POST /admin/orders/{order_id}/confirm",
        format!("/admin/orders/{id}/confirm"),
        admin.token(),
    )
    .body(&json!({"version": 1}))
    .on(&f.confirmation)
    .await;
    within("POST /admin/orders/{id}/confirm", status, &c, 2, 2);
}

#[tokio::test]
async fn acting_as_a_login_reads_it_and_writes_only_its_audit_entry_allowed_or_refused() {
    let f = functions().await;
    let s = Shop::open(None).await;
    let token = s.admin.token();
    let order = json!({"lines": [{"sku": s.flour, "quantity": 1}], "answers": standard_answers()});
    let key = uuid::Uuid::new_v4().to_string();

    let (_, status, c) = call("GET /orders", "/orders", token)
        .header("X-Act-As", &s.login_id)
        .header("X-Act-As-Reason", "Budget check")
        .on(&f.orders)
        .await;
    within("GET /orders acting as a login", status, &c, 4, 4);
    assert_eq!(c.operations()[..3], ["GetItem", "GetItem", "PutItem"]);

    s.admin
        .update_login(&s.login_id, &json!({"enabled": false}))
        .await
        .ok(200);
    let (_, status, c) = call("POST /orders", "/orders", token)
        .header("X-Act-As", &s.login_id)
        .header("X-Act-As-Reason", "Budget check")
        .header("Idempotency-Key", &key)
        .body(&order)
        .on(&f.submission)
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        c.operations(),
        ["GetItem", "PutItem"],
        "the login, then the refusal's audit entry: no order, no number"
    );
}

#[tokio::test]
async fn an_invitation_link_and_the_admins_customer_page_stay_within_their_budgets() {
    let f = functions().await;
    let admin = Api::admin().await;
    let customer = admin.new_customer().await;
    let cid = customer["customer_id"].as_str().unwrap();
    let email = unique_email("budget");
    admin.invite(cid, "Ivy Invitee", &email).await;
    let token = mailbox::invitation_token(&mailbox::wait_for(&email).await);

    let (body, status, c) = call(
        "GET /admin/customers/{customer_id}",
        format!("/admin/customers/{cid}"),
        admin.token(),
    )
    .on(&f.customers)
    .await;
    within("GET /admin/customers/{id}", status, &c, 2, 1);
    assert_eq!(body["logins"][0]["email"], email.to_lowercase());

    let (body, status, c) = call(
        "GET /invitations/{token}",
        format!("/invitations/{token}"),
        "",
    )
    .on(&f.invitations)
    .await;
    within("GET /invitations/{token}", status, &c, 2, 2);
    assert_eq!(body["login_name"], "Ivy Invitee");
    assert_eq!(body["customer_name"], customer["name"]);

    let (body, status, c) = call(
        "POST /invitations/{token}/accept",
        format!("/invitations/{token}/accept"),
        "",
    )
    .body(&json!({"password": PASSWORD}))
    .on(&f.invitations)
    .await;
    within("POST /invitations/{token}/accept", status, &c, 4, 4);
    assert!(body["login_id"].is_string());
    sign_in(&email, PASSWORD).await;
}

#[tokio::test]
async fn an_email_change_link_stays_within_its_budget() {
    let f = functions().await;
    let admin = Api::admin().await;
    let (_, login_id, _) = admin.active_login("Budget Lee").await;
    let new = unique_email("budget-moved");
    admin
        .update_login(&login_id, &json!({"email": new}))
        .await
        .ok(200);
    let token = mailbox::link_token(&mailbox::wait_for(&new).await, "/email-change/");

    let (body, status, c) = call(
        "POST /email-changes/{token}/confirm",
        format!("/email-changes/{token}/confirm"),
        "",
    )
    .on(&f.invitations)
    .await;
    within("POST /email-changes/{token}/confirm", status, &c, 4, 4);
    assert_eq!(body["email"], new.to_lowercase());
}

#[tokio::test]
async fn asking_for_a_reset_link_does_the_same_work_for_every_address_and_the_link_is_cheap() {
    let f = functions().await;
    let admin = Api::admin().await;
    let (_, _, known) = admin.active_login("Budget Reset").await;
    let invitations = &f.invitations;
    let ask = |email: String| async move {
        call("POST /password-resets", "/password-resets", "")
            .body(&json!({"email": email}))
            .on(invitations)
            .await
    };
    let (_, status, for_login) = ask(known.clone()).await;
    within(
        "POST /password-resets (a login's address)",
        status,
        &for_login,
        1,
        1,
    );
    let (_, status, for_nobody) = ask(unique_email("budget-nobody")).await;
    within(
        "POST /password-resets (no login's address)",
        status,
        &for_nobody,
        1,
        1,
    );
    assert_eq!(
        for_login.operations(),
        for_nobody.operations(),
        "the answer does the same work whether or not a login has the address"
    );

    let token = mailbox::link_token(&mailbox::wait_for(&known).await, "/reset/");
    let path = format!("/password-resets/{token}");
    let (_, status, c) = call("GET /password-resets/{token}", path.clone(), "")
        .on(&f.invitations)
        .await;
    within("GET /password-resets/{token}", status, &c, 1, 1);
    let (_, status, c) = call("POST /password-resets/{token}", path, "")
        .body(&json!({"password": "Brand-new-passw0rd"}))
        .on(&f.invitations)
        .await;
    within("POST /password-resets/{token}", status, &c, 4, 4);
}

#[tokio::test]
async fn a_login_changing_its_own_name_password_or_address_stays_within_its_budget() {
    let f = functions().await;
    let admin = Api::admin().await;
    let (_, _, email) = admin.active_login("Budget Self").await;
    let token = sign_in(&email, PASSWORD).await;

    let (body, status, c) = call("PATCH /me", "/me", &token)
        .body(&json!({"name": "Budget Self-Renamed"}))
        .on(&f.logins)
        .await;
    within("PATCH /me", status, &c, 3, 3);
    assert_eq!(body["login"]["name"], "Budget Self-Renamed");

    let (_, status, c) = call("POST /me/email", "/me/email", &token)
        .body(&json!({"email": unique_email("budget-self-moved")}))
        .on(&f.logins)
        .await;
    within("POST /me/email", status, &c, 4, 4);

    let (_, status, c) = call("POST /me/password", "/me/password", &token)
        .body(&json!({"current_password": PASSWORD, "new_password": "Brand-new-passw0rd"}))
        .on(&f.logins)
        .await;
    within("POST /me/password", status, &c, 2, 2);
}

#[tokio::test]
async fn a_search_for_orders_is_one_query_beside_the_callers_identity() {
    let f = functions().await;
    let s = Shop::open(None).await;
    s.order(&s.flour, 1).await.ok(201);
    let token = s.buyer.token();

    let (body, status, c) = call("GET /orders", "/orders?q=po-42", token)
        .on(&f.orders)
        .await;
    within("GET /orders?q=", status, &c, 2, 2);
    assert_eq!(body["items"][0]["answers"]["po_number"], "PO-42");
    let (body, status, c) = call(
        "GET /admin/orders",
        "/admin/orders?q=po-42",
        s.admin.token(),
    )
    .on(&f.orders)
    .await;
    within("GET /admin/orders?q=", status, &c, 1, 1);
    assert!(!body["items"].as_array().unwrap().is_empty());
}

#[test]
fn no_code_path_can_scan_the_table_and_no_function_may() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut stack = vec![root.join("shared/src"), root.join("functions")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(!text.contains(".scan()"), "{} calls Scan", path.display());
            }
        }
    }
    let template = std::fs::read_to_string(root.join("template.yaml")).unwrap();
    assert!(!template.contains("dynamodb:Scan"));
}

#[tokio::test]
async fn reorder_and_saved_lists_stay_within_their_budgets() {
    let f = functions().await;
    let s = Shop::open(Some(10.0)).await;
    let token = s.buyer.token();
    let order = s.order(&s.flour, 2).await.ok(201);
    let order_id = id_of(&order, "order_id");

    // Reads: the caller with the order, the cart and the tier; then the products of both.
    // Write: the cart, conditional on its version.
    let path = format!("/orders/{order_id}/reorder");
    let (_, status, c) = call("POST /orders/{order_id}/reorder", path, token)
        .on(&f.submission)
        .await;
    within("POST /orders/{id}/reorder", status, &c, 3, 3);

    // Reads: the caller with the cart, the tier and the rows' products; then the products of
    // the cart's own lines (none here: the rows name them). Write: the cart, conditional.
    let rows = json!({"lines": [{"sku": s.flour, "quantity": 1}, {"sku": s.sugar, "quantity": 2}]});
    let (body, status, c) = call("POST /cart/import", "/cart/import", token)
        .body(&rows)
        .on(&f.submission)
        .await;
    within("POST /cart/import", status, &c, 3, 3);
    assert_eq!(body["rejected"], json!([]));

    // One read of the caller, the tier and the lines' products; one write of the list with
    // the account's count of lists.
    let list = json!({"name": "Budget", "lines": [{"sku": s.flour, "quantity": 2}, {"sku": s.sugar, "quantity": 1}]});
    let (body, status, c) = call("POST /lists", "/lists", token)
        .body(&list)
        .on(&f.submission)
        .await;
    within("POST /lists", status, &c, 2, 2);
    let id = id_of(&body, "list_id");
    let path = format!("/lists/{id}");

    let (body, status, c) = call("GET /lists", "/lists", token).on(&f.submission).await;
    within("GET /lists", status, &c, 2, 2);
    assert_eq!(body["items"][0]["list_id"], id.as_str());
    let (body, status, c) = call("GET /lists/{list_id}", path.clone(), token)
        .on(&f.submission)
        .await;
    within("GET /lists/{id}", status, &c, 2, 2);
    assert_eq!(body["priced"]["lines"][0]["unit_price"], eur(2250));

    let edit = json!({"lines": [{"sku": s.sugar, "quantity": 4}]});
    let (_, status, c) = call("PUT /lists/{list_id}", path.clone(), token)
        .body(&edit)
        .on(&f.submission)
        .await;
    within("PUT /lists/{id} (lines)", status, &c, 2, 2);
    let (_, status, c) = call("PUT /lists/{list_id}", path.clone(), token)
        .body(&json!({"name": "Renamed"}))
        .on(&f.submission)
        .await;
    within("PUT /lists/{id} (name)", status, &c, 3, 3);

    let add = format!("{path}/add-to-cart");
    let (_, status, c) = call("POST /lists/{list_id}/add-to-cart", add, token)
        .on(&f.submission)
        .await;
    within("POST /lists/{id}/add-to-cart", status, &c, 3, 3);

    let (_, status, c) = call("DELETE /lists/{list_id}", path, token)
        .on(&f.submission)
        .await;
    within("DELETE /lists/{id}", status, &c, 2, 2);
}

#[tokio::test]
async fn the_address_book_routes_stay_within_their_budgets() {
    let f = functions().await;
    let admin = Api::admin().await;
    let (customer, login) = admin.customer_with_login(None).await;
    let cid = id_of(&customer, "customer_id");
    let token = login.token();
    let place = json!({"label": "Budget depot", "line1": "1 Rue", "city": "Lyon",
                       "postal_code": "69001", "country": "FR"});

    let (body, status, c) = call("POST /addresses", "/addresses", token)
        .body(&place)
        .on(&f.customers)
        .await;
    within("POST /addresses", status, &c, 2, 2);
    let id = id_of(&body, "address_id");

    let (body, status, c) = call("GET /addresses", "/addresses", token)
        .on(&f.customers)
        .await;
    within("GET /addresses", status, &c, 1, 1);
    assert_eq!(body["items"][0]["address_id"], id.as_str());

    let path = format!("/addresses/{id}");
    let (_, status, c) = call("PATCH /addresses/{address_id}", path.clone(), token)
        .body(&json!({"label": "Renamed"}))
        .on(&f.customers)
        .await;
    within("PATCH /addresses/{id}", status, &c, 2, 2);

    let admin_path = format!("/admin/customers/{cid}/addresses");
    let (body, status, c) = call(
        "GET /admin/customers/{customer_id}/addresses",
        admin_path.clone(),
        admin.token(),
    )
    .on(&f.customers)
    .await;
    within("GET /admin/customers/{id}/addresses", status, &c, 2, 1);
    assert_eq!(body["items"][0]["label"], "Renamed");

    let (_, status, c) = call(
        "POST /admin/customers/{customer_id}/addresses",
        admin_path,
        admin.token(),
    )
    .body(&place)
    .on(&f.customers)
    .await;
    within("POST /admin/customers/{id}/addresses", status, &c, 3, 3);

    let (_, status, c) = call("DELETE /addresses/{address_id}", path, token)
        .on(&f.customers)
        .await;
    within("DELETE /addresses/{id}", status, &c, 2, 2);
}

#[tokio::test]
async fn an_order_to_a_saved_address_reads_the_book_in_the_same_batch() {
    let f = functions().await;
    let s = Shop::open(None).await;
    let place = json!({"label": "Budget depot", "line1": "1 Rue", "city": "Lyon",
                       "postal_code": "69001", "country": "FR"});
    let address = s.buyer.post("/addresses", &place).await.ok(201);
    let order = json!({
        "lines": [{"sku": s.flour, "quantity": 1}],
        "answers": standard_answers(),
        "ship_to_address_id": address["address_id"],
        "requested_delivery_date": "2999-12-31",
    });
    let key = uuid::Uuid::new_v4().to_string();

    let (body, status, c) = call("POST /orders", "/orders", s.buyer.token())
        .header("Idempotency-Key", &key)
        .body(&order)
        .on(&f.submission)
        .await;

    within("POST /orders (to a saved address)", status, &c, 2, 2);
    assert_eq!(body["ship_to"]["label"], "Budget depot");
}
