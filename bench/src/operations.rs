//! DynamoDB calls, sequential round trips and consumed capacity of every route, read off the
//! SDK interceptor every DynamoDB client carries (`orderdesk::dynamo::calls`), with each
//! function's `App::handle` called in this process on a real API Gateway v2 event.

use crate::apps::{Apps, Function, body_json};
use crate::clients;
use crate::events::{
    Claims, Event, SAMPLE_CUSTOMER, SAMPLE_HOOK_URL, SAMPLE_LIST, SAMPLE_ORDER, SAMPLE_TOKEN,
    SAMPLE_WEBHOOK,
};
use crate::fixtures::Fixtures;
use orderdesk::dynamo::calls::{self, Calls};
use orderdesk_tests::unique_email;
use serde_json::json;

/// What the issue asks of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A read endpoint: ≤ 2 calls, the identity check included.
    Read,
    /// Submitting an order: ≤ 4 calls and ≤ 2 sequential round trips.
    Submit,
    /// Confirming an order: ≤ 2 calls.
    Confirm,
    /// No target; reported for the record.
    None,
}

impl Target {
    pub fn text(self) -> &'static str {
        match self {
            Target::Read => "≤ 2 calls",
            Target::Submit => "≤ 4 calls, ≤ 2 round trips",
            Target::Confirm => "≤ 2 calls",
            Target::None => "",
        }
    }

    pub fn met(self, calls: &Calls) -> Option<bool> {
        match self {
            Target::Read | Target::Confirm => Some(calls.count() <= 2),
            Target::Submit => Some(calls.count() <= 4 && calls.round_trips() <= 2),
            Target::None => None,
        }
    }
}

/// One route, measured once.
pub struct Counted {
    pub label: String,
    pub status: u16,
    pub expected: u16,
    pub target: Target,
    pub calls: Calls,
}

/// The calls of one operation as sequential round trips: `A → (B + C) → D`.
pub fn shape(calls: &Calls) -> String {
    let mut list: Vec<&calls::Call> = calls.0.iter().collect();
    list.sort_by_key(|c| c.started);
    let mut trips: Vec<(Vec<&str>, std::time::Instant)> = Vec::new();
    for c in list {
        let end = c.finished.unwrap_or(c.started);
        match trips.last_mut() {
            Some((ops, busy)) if c.started < *busy => {
                ops.push(&c.operation);
                *busy = (*busy).max(end);
            }
            _ => trips.push((vec![&c.operation], end)),
        }
    }
    trips
        .iter()
        .map(|(ops, _)| match ops.as_slice() {
            [one] => (*one).to_owned(),
            many => format!("({})", many.join(" + ")),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// An order submitted in this process (not counted); its id.
pub async fn new_order(apps: &Apps, fx: &Fixtures, buyer: &Claims) -> String {
    let res = apps
        .handle(Function::Submission, submit_event(fx, buyer).request())
        .await;
    let body = body_json(&res);
    assert_eq!(res.status(), 201, "submitting an order: {body}");
    body["order_id"].as_str().expect("an order id").to_owned()
}

/// A saved list of one line of `sku`, made in this process (not counted); its id.
pub async fn new_list(apps: &Apps, buyer: &Claims, sku: &str) -> String {
    let event = Event::sample("lists-create.json")
        .by(buyer)
        .with("FLOUR-25", sku);
    let res = apps.handle(Function::Submission, event.request()).await;
    let body = body_json(&res);
    assert_eq!(res.status(), 201, "saving a list: {body}");
    body["list_id"].as_str().expect("a list id").to_owned()
}

/// A team made in this process (not counted); its id.
pub async fn new_team(apps: &Apps, admin: &Claims) -> String {
    let name = format!("Bench {}", orderdesk_tests::unique_word());
    let event = Event::sample("teams-create.json")
        .by(admin)
        .body(&json!({ "name": name }));
    let res = apps.handle(Function::Customers, event.request()).await;
    let body = body_json(&res);
    assert_eq!(res.status(), 201, "creating a team: {body}");
    body["team_id"].as_str().expect("a team id").to_owned()
}

/// Where the bench's webhooks point: a loopback port where nothing listens (the local stack
/// allows loopback), so that no endpoint's time is in a row.
const BENCH_HOOK: &str = "http://127.0.0.1:9/bench";

/// `events/<file>` of the webhook routes, by the admin, for `webhook` and to [`BENCH_HOOK`].
fn webhook_event(admin: &Claims, file: &str, webhook: &str) -> Event {
    Event::sample(file)
        .by(admin)
        .with(SAMPLE_WEBHOOK, webhook)
        .with(SAMPLE_HOOK_URL, BENCH_HOOK)
}

/// A webhook's events in the bench: one the bench does not cause, so that no delivery follows
/// its orders.
fn quiet() -> serde_json::Value {
    json!({"url": BENCH_HOOK, "events": ["login.disabled"]})
}

/// A webhook made in this process (not counted); its id.
pub async fn new_webhook(apps: &Apps, admin: &Claims) -> String {
    let event = webhook_event(admin, "webhooks-create.json", SAMPLE_WEBHOOK).body(&quiet());
    let res = apps.handle(Function::Integrations, event.request()).await;
    let body = body_json(&res);
    assert_eq!(res.status(), 201, "creating a webhook: {body}");
    body["webhook_id"]
        .as_str()
        .expect("a webhook id")
        .to_owned()
}

/// Deletes every webhook to [`BENCH_HOOK`] (not counted): a seller keeps at most 20, and each
/// gets the events it subscribes to.
async fn forget_webhooks(apps: &Apps, admin: &Claims) {
    let list = Event::sample("webhooks-list.json").by(admin);
    let all = body_json(&apps.handle(Function::Integrations, list.request()).await);
    for w in all.as_array().into_iter().flatten() {
        if w["url"] == BENCH_HOOK {
            let id = w["webhook_id"].as_str().unwrap_or_default();
            let delete = webhook_event(admin, "webhooks-delete.json", id);
            apps.handle(Function::Integrations, delete.request()).await;
        }
    }
}

/// `POST /orders` of [`Fixtures::order_body`] with a fresh `Idempotency-Key`.
pub fn submit_event(fx: &Fixtures, buyer: &Claims) -> Event {
    Event::sample("orders-submit.json")
        .by(buyer)
        .header("idempotency-key", &uuid::Uuid::new_v4().to_string())
        .body(&fx.order_body())
}

/// `POST /admin/orders/{id}/confirm` of this order.
pub fn confirm_event(fx: &Fixtures, order_id: &str) -> Event {
    Event::sample("orders-confirm.json")
        .by(&fx.admin)
        .with(SAMPLE_ORDER, order_id)
}

/// `POST /invitations/{token}/accept`.
pub fn accept_event(token: &str) -> Event {
    Event::sample("invitations-accept.json").with(SAMPLE_TOKEN, token)
}

/// Every route worth a row, each called once. Uses two of the fixtures' invitations.
pub async fn count_all(apps: &Apps, fx: &mut Fixtures) -> Vec<Counted> {
    use Function::*;
    use Target as T;
    let buyer = fx.buyer.claims.clone();
    let admin = fx.admin.clone();
    let customer = fx.buyer.customer_id.clone();
    let sku = fx.skus[0].clone();
    // Warm every client and connection pool first: counts do not depend on it, times do.
    apps.handle(Logins, Event::sample("logins-me.json").by(&buyer).request())
        .await;
    let order = new_order(apps, fx, &buyer).await;
    let to_confirm = new_order(apps, fx, &buyer).await;
    let to_reject = new_order(apps, fx, &buyer).await;
    let to_cancel = new_order(apps, fx, &buyer).await;
    let to_reorder = new_order(apps, fx, &buyer).await;
    let to_assign = new_order(apps, fx, &buyer).await;
    let team = new_team(apps, &admin).await;
    let webhook = new_webhook(apps, &admin).await;
    let hook = |file: &str| webhook_event(&admin, file, &webhook);
    let (client, secret) = clients::new_client(apps, &admin, &["orders:read"]).await;
    let (to_forget, _) = clients::new_client(apps, &admin, &["orders:read"]).await;
    let erp = clients::client_claims(apps, &client, &secret).await;
    let list = new_list(apps, &buyer, &sku).await;
    let to_delete = new_list(apps, &buyer, &sku).await;
    let preview = fx.invitations.pop().expect("an invitation to preview");
    let accept = fx.invitations.pop().expect("an invitation to accept");

    let as_buyer = |file: &str| Event::sample(file).by(&buyer);
    let as_admin = |file: &str| Event::sample(file).by(&admin);
    let of_customer = |file: &str| as_admin(file).with(SAMPLE_CUSTOMER, &customer);
    // A read answers 200 and is held to the read target; the writes off an order's path have
    // no target.
    let read = |label, function, event| (label, function, event, 200, T::Read);
    let other = |label, function, event, status| (label, function, event, status, T::None);
    let new_customer = json!({"name": "Bench Bakery", "email": unique_email("bench-co")});
    let invitee =
        json!({"name": "Bench Invitee", "email": unique_email("bench-login"), "mode": "invite"});
    let cases: Vec<(&str, Function, Event, u16, Target)> = vec![
        (
            "POST /orders (submit)",
            Submission,
            submit_event(fx, &buyer),
            201,
            T::Submit,
        ),
        (
            "POST /admin/orders/{id}/confirm",
            Confirmation,
            confirm_event(fx, &to_confirm),
            200,
            T::Confirm,
        ),
        (
            "POST /admin/orders/{id}/reject",
            Confirmation,
            as_admin("orders-reject.json").with(SAMPLE_ORDER, &to_reject),
            200,
            T::Confirm,
        ),
        other(
            "POST /admin/orders/{id}/assign",
            Confirmation,
            as_admin("orders-assign.json")
                .with(SAMPLE_ORDER, &to_assign)
                .with("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b", &team),
            200,
        ),
        read("GET /me", Logins, as_buyer("logins-me.json")),
        read("GET /catalog", Catalog, as_buyer("catalog-customer.json")),
        read(
            "GET /checkout-questions",
            Catalog,
            as_buyer("catalog-checkout-questions.json"),
        ),
        read("GET /cart", Submission, as_buyer("cart-get.json")),
        read("GET /orders", Orders, as_buyer("orders-list.json")),
        read(
            "GET /orders/{id}",
            Orders,
            as_buyer("orders-get.json").with(SAMPLE_ORDER, &order),
        ),
        read(
            "GET /invitations/{token} (public)",
            Invitations,
            Event::sample("invitations-preview.json").with(SAMPLE_TOKEN, &preview),
        ),
        read(
            "GET /admin/customers",
            Customers,
            as_admin("customers-list.json"),
        ),
        read(
            "GET /admin/customers/{id}",
            Customers,
            of_customer("customers-get.json"),
        ),
        read(
            "GET /admin/customers/{id}/logins",
            Logins,
            of_customer("logins-list.json"),
        ),
        read(
            "GET /admin/orders",
            Orders,
            as_admin("orders-admin-list.json"),
        ),
        read(
            "GET /orders?q= (search)",
            Orders,
            as_buyer("orders-list.json")
                .with("\"status\":\"requested\"", "\"q\":\"1\"")
                .with("status=requested", "q=1"),
        ),
        read(
            "GET /admin/orders?q= (search)",
            Orders,
            as_admin("orders-admin-list.json")
                .with("\"status\":\"requested\"", "\"q\":\"1\"")
                .with("status=requested", "q=1"),
        ),
        read(
            "GET /admin/orders/{id}",
            Orders,
            as_admin("orders-admin-get.json").with(SAMPLE_ORDER, &order),
        ),
        read(
            "GET /admin/products",
            Catalog,
            as_admin("catalog-products-list.json"),
        ),
        read(
            "GET /admin/price-tiers",
            Catalog,
            as_admin("catalog-tiers-list.json"),
        ),
        read(
            "GET /admin/checkout-questions",
            Catalog,
            as_admin("catalog-questions-admin.json"),
        ),
        read("GET /admin/teams", Customers, as_admin("teams-list.json")),
        other(
            "POST /admin/teams",
            Customers,
            as_admin("teams-create.json")
                .body(&json!({"name": format!("Bench {}", orderdesk_tests::unique_word())})),
            201,
        ),
        read(
            "GET /admin/routing-rules",
            Customers,
            as_admin("routing-rules-get.json"),
        ),
        other(
            "PUT /admin/routing-rules",
            Customers,
            as_admin("routing-rules-put.json").with("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b", &team),
            200,
        ),
        read(
            "GET /admin/auto-confirm",
            Customers,
            as_admin("auto-confirm-get.json"),
        ),
        other(
            "PUT /admin/auto-confirm",
            Customers,
            as_admin("auto-confirm-put.json"),
            200,
        ),
        other(
            "POST /admin/webhooks",
            Integrations,
            hook("webhooks-create.json").body(&quiet()),
            201,
        ),
        read(
            "GET /admin/webhooks",
            Integrations,
            hook("webhooks-list.json"),
        ),
        read(
            "GET /admin/webhooks/{id}",
            Integrations,
            hook("webhooks-get.json"),
        ),
        other(
            "PATCH /admin/webhooks/{id}",
            Integrations,
            hook("webhooks-update.json")
                .body(&json!({"events": ["login.disabled", "customer.deleted"]})),
            200,
        ),
        other(
            "POST /admin/webhooks/{id}/secret/rotate",
            Integrations,
            hook("webhooks-rotate-secret.json"),
            200,
        ),
        other(
            "POST /admin/webhooks/{id}/test",
            Integrations,
            hook("webhooks-test.json"),
            202,
        ),
        read(
            "GET /admin/webhooks/{id}/deliveries",
            Integrations,
            hook("webhooks-deliveries.json"),
        ),
        other(
            "DELETE /admin/webhooks/{id}",
            Integrations,
            hook("webhooks-delete.json"),
            204,
        ),
        other(
            "POST /admin/api-clients",
            Integrations,
            as_admin("api-clients-create.json").body(&json!({
                "name": format!("{} bench", orderdesk_tests::CLIENT_NAME_PREFIX),
                "scopes": ["orders:read"],
            })),
            201,
        ),
        read(
            "GET /admin/api-clients",
            Integrations,
            as_admin("api-clients-list.json"),
        ),
        other(
            "POST /oauth2/token (public)",
            Integrations,
            clients::token_event(&client, &secret),
            200,
        ),
        other(
            "GET /admin/orders (API client)",
            Orders,
            Event::sample("orders-admin-list.json").by(&erp),
            200,
        ),
        other(
            "DELETE /admin/api-clients/{id}",
            Integrations,
            clients::delete_event(&admin, &to_forget),
            204,
        ),
        other(
            "PUT /cart",
            Submission,
            as_buyer("cart-put.json").with("FLOUR-25", &sku),
            200,
        ),
        other(
            "POST /orders/{id}/cancel",
            Submission,
            as_buyer("orders-cancel.json").with(SAMPLE_ORDER, &to_cancel),
            200,
        ),
        other(
            "POST /cart/import (CSV)",
            Submission,
            as_buyer("cart-import.json").with("FLOUR-25", &sku),
            200,
        ),
        read("GET /lists", Submission, as_buyer("lists-list.json")),
        read(
            "GET /lists/{id}",
            Submission,
            as_buyer("lists-get.json").with(SAMPLE_LIST, &list),
        ),
        other(
            "POST /orders/{id}/reorder",
            Submission,
            as_buyer("orders-reorder.json").with(SAMPLE_ORDER, &to_reorder),
            200,
        ),
        other(
            "POST /lists",
            Submission,
            as_buyer("lists-create.json").with("FLOUR-25", &sku),
            201,
        ),
        other(
            "PUT /lists/{id}",
            Submission,
            as_buyer("lists-edit.json").with(SAMPLE_LIST, &list),
            200,
        ),
        other(
            "POST /lists/{id}/add-to-cart",
            Submission,
            as_buyer("lists-add-to-cart.json").with(SAMPLE_LIST, &list),
            200,
        ),
        other(
            "DELETE /lists/{id}",
            Submission,
            as_buyer("lists-delete.json").with(SAMPLE_LIST, &to_delete),
            204,
        ),
        other(
            "POST /invitations/{token}/accept",
            Invitations,
            accept_event(&accept),
            200,
        ),
        other(
            "POST /password-resets (public)",
            Invitations,
            Event::sample("invitations-reset-request.json")
                .body(&json!({"email": unique_email("bench-reset")})),
            202,
        ),
        other(
            "GET /password-resets/{token} (public, unknown)",
            Invitations,
            Event::sample("invitations-reset-preview.json"),
            404,
        ),
        other("PATCH /me", Logins, as_buyer("logins-me-update.json"), 200),
        other(
            "POST /me/email",
            Logins,
            as_buyer("logins-me-email.json").body(&json!({"email": unique_email("bench-moved")})),
            202,
        ),
        other(
            "POST /admin/customers",
            Customers,
            as_admin("customers-create.json").body(&new_customer),
            201,
        ),
        other(
            "POST /admin/customers/{id}/logins (invite)",
            Logins,
            of_customer("logins-create.json").body(&invitee),
            201,
        ),
        read("GET /addresses", Customers, as_buyer("addresses-list.json")),
        read(
            "GET /admin/customers/{id}/addresses",
            Customers,
            of_customer("addresses-admin-list.json"),
        ),
        other(
            "POST /addresses",
            Customers,
            as_buyer("addresses-create.json"),
            201,
        ),
    ];
    let mut rows = Vec::new();
    for (label, function, event, expected, target) in cases {
        let (res, calls) = calls::record(apps.handle(function, event.request())).await;
        if res.status() != expected {
            eprintln!("[bench] {label}: HTTP {} {}", res.status(), body_json(&res));
        }
        rows.push(Counted {
            label: label.to_owned(),
            status: res.status().as_u16(),
            expected,
            target,
            calls,
        });
    }
    forget_webhooks(apps, &admin).await;
    apps.handle(
        Integrations,
        clients::delete_event(&admin, &client).request(),
    )
    .await;
    rows
}
