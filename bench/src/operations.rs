//! DynamoDB calls, sequential round trips and consumed capacity of every route, read off the
//! SDK interceptor every DynamoDB client carries (`orderdesk::dynamo::calls`), with each
//! function's `App::handle` called in this process on a real API Gateway v2 event.

use crate::apps::{Apps, Function, body_json};
use crate::events::{Claims, Event, SAMPLE_CUSTOMER, SAMPLE_ORDER, SAMPLE_TOKEN};
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
    let preview = fx.invitations.pop().expect("an invitation to preview");
    let accept = fx.invitations.pop().expect("an invitation to accept");

    let cases: Vec<(&str, Function, Event, u16, Target)> = vec![
        ("POST /orders (submit)", Submission, submit_event(fx, &buyer), 201, T::Submit),
        ("POST /admin/orders/{id}/confirm", Confirmation, confirm_event(fx, &to_confirm), 200, T::Confirm),
        (
            "POST /admin/orders/{id}/reject",
            Confirmation,
            Event::sample("orders-reject.json").by(&admin).with(SAMPLE_ORDER, &to_reject),
            200,
            T::Confirm,
        ),
        ("GET /me", Logins, Event::sample("logins-me.json").by(&buyer), 200, T::Read),
        ("GET /catalog", Catalog, Event::sample("catalog-customer.json").by(&buyer), 200, T::Read),
        (
            "GET /checkout-questions",
            Catalog,
            Event::sample("catalog-checkout-questions.json").by(&buyer),
            200,
            T::Read,
        ),
        ("GET /cart", Submission, Event::sample("cart-get.json").by(&buyer), 200, T::Read),
        ("GET /orders", Orders, Event::sample("orders-list.json").by(&buyer), 200, T::Read),
        (
            "GET /orders/{id}",
            Orders,
            Event::sample("orders-get.json").by(&buyer).with(SAMPLE_ORDER, &order),
            200,
            T::Read,
        ),
        (
            "GET /invitations/{token} (public)",
            Invitations,
            Event::sample("invitations-preview.json").with(SAMPLE_TOKEN, &preview),
            200,
            T::Read,
        ),
        ("GET /admin/customers", Customers, Event::sample("customers-list.json").by(&admin), 200, T::Read),
        (
            "GET /admin/customers/{id}",
            Customers,
            Event::sample("customers-get.json").by(&admin).with(SAMPLE_CUSTOMER, &customer),
            200,
            T::Read,
        ),
        (
            "GET /admin/customers/{id}/logins",
            Logins,
            Event::sample("logins-list.json").by(&admin).with(SAMPLE_CUSTOMER, &customer),
            200,
            T::Read,
        ),
        ("GET /admin/orders", Orders, Event::sample("orders-admin-list.json").by(&admin), 200, T::Read),
        (
            "GET /admin/orders/{id}",
            Orders,
            Event::sample("orders-admin-get.json").by(&admin).with(SAMPLE_ORDER, &order),
            200,
            T::Read,
        ),
        ("GET /admin/products", Catalog, Event::sample("catalog-products-list.json").by(&admin), 200, T::Read),
        ("GET /admin/price-tiers", Catalog, Event::sample("catalog-tiers-list.json").by(&admin), 200, T::Read),
        (
            "GET /admin/checkout-questions",
            Catalog,
            Event::sample("catalog-questions-admin.json").by(&admin),
            200,
            T::Read,
        ),
        (
            "PUT /cart",
            Submission,
            Event::sample("cart-put.json").by(&buyer).with("FLOUR-25", &sku),
            200,
            T::None,
        ),
        (
            "POST /orders/{id}/cancel",
            Submission,
            Event::sample("orders-cancel.json").by(&buyer).with(SAMPLE_ORDER, &to_cancel),
            200,
            T::None,
        ),
        ("POST /invitations/{token}/accept", Invitations, accept_event(&accept), 200, T::None),
        (
            "POST /admin/customers",
            Customers,
            Event::sample("customers-create.json")
                .by(&admin)
                .body(&json!({"name": "Bench Bakery", "email": unique_email("bench-co")})),
            201,
            T::None,
        ),
        (
            "POST /admin/customers/{id}/logins (invite)",
            Logins,
            Event::sample("logins-create.json")
                .by(&admin)
                .with(SAMPLE_CUSTOMER, &customer)
                .body(&json!({"name": "Bench Invitee", "email": unique_email("bench-login"), "mode": "invite"})),
            201,
            T::None,
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
    rows
}
