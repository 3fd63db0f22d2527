//! The order use cases on the in-memory ports: their rules, what they write, and that each
//! reads by key only what it declares.

use super::*;
use crate::actor::{CreatedBy, SeenByCustomer, Seller};
use crate::customers::{ClosedAccount, Customer};
use crate::idempotency::{IdempotencyKey, KeyedRequest, Written};
use crate::ids::{OrderId, Sku};
use crate::memory::Memory;
use crate::memory::fixtures::{admin, email, eur};
use crate::orders::QueueQuery;
use crate::outbox::{EmailMessage, Recipient};
use crate::portal::Portal;
use crate::reads::{ItemRef, Reads};
use crate::session::{ActingAs, Session};
use serde_json::json;

mod adding;
mod decisions;
mod delivery;
mod import;
mod search;
mod teams;

fn desk() -> SellerDesk {
    SellerDesk {
        inbox: email("seller@seller.example"),
        portal: Portal::new("https://portal.example", 3600),
        seller: seller(),
        clock: SellerClock::utc(),
    }
}

fn seller() -> Seller {
    Seller {
        name: "Acme Mills".into(),
    }
}

fn request(body: serde_json::Value, key: &str) -> OrderRequest {
    OrderRequest {
        body: serde_json::from_value(body.clone()).expect("a body"),
        keyed: KeyedRequest::new("POST /orders", IdempotencyKey::parse(key).unwrap(), &body),
    }
}

fn lines(v: serde_json::Value) -> Vec<LineBody> {
    serde_json::from_value(v).expect("lines")
}

/// Submits `body` to the seller's desk under the idempotency key `key`.
async fn try_submit(
    m: &Memory,
    session: &Session,
    body: serde_json::Value,
    key: &str,
) -> Result<Written<CustomerOrder>, SubmitError> {
    submit_order(m, session, request(body, key), &desk()).await
}

async fn submit(
    m: &Memory,
    session: &Session,
    body: serde_json::Value,
    key: &str,
) -> CustomerOrder {
    match try_submit(m, session, body, key).await {
        Ok(Written::New(o)) => o,
        other => panic!("not a new order: {other:?}"),
    }
}

/// A fresh store in which a buyer has requested one bag of flour, the product made for it:
/// the store, the buyer's account and session, and the order.
async fn one_bag_of_flour() -> (Memory, Customer, Session, CustomerOrder) {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    let body = json!({"lines": [{"sku": "FLOUR", "quantity": 1}]});
    let order = submit(&m, &session, body, "k1").await;
    (m, c, session, order)
}

#[tokio::test]
async fn an_order_request_reads_only_what_it_declares_and_is_emailed_to_the_seller() {
    let m = Memory::new();
    let tier = m.tier("Wholesale", 10.0);
    let (_, l, session) = m.buyer_on(&tier);
    m.product("FLOUR", 2500);
    m.po_question();
    let body = json!({"lines": [{"sku": "flour", "quantity": 2}], "answers": {"po": "PO-7"}});
    let req = request(body.clone(), "k1");
    let declared = submit_reads(&session.ids(), &req);
    m.forget_reads();

    let Written::New(order) = submit_order(&m, &session, req, &desk()).await.unwrap() else {
        panic!("a new order")
    };

    assert_eq!(m.undeclared(&declared), vec![], "every read was declared");
    assert!(declared.items.contains(&ItemRef::OrderCounter));
    assert_eq!(
        m.state().order_counter,
        1,
        "the order's own write took its number"
    );
    assert_eq!(order.total, eur(4500));
    assert_eq!(order.status, OrderStatus::Requested);
    assert_eq!(
        order.created_by,
        SeenByCustomer::Customer {
            id: l.login_id.clone(),
            name: Some(l.name.as_str().to_owned()),
        }
    );
    assert_eq!(order.answers["po"], "PO-7");
    let s = m.state();
    assert_eq!(s.orders.len(), 1);
    let mail = &s.outbox[0];
    assert_eq!(mail.to, Recipient::Address(email("seller@seller.example")));
    match &mail.message {
        EmailMessage::OrderRequested {
            total, order_url, ..
        } => {
            assert_eq!(total, "EUR 45.00");
            assert_eq!(
                order_url,
                &format!("https://portal.example/#/admin/orders/{}", order.order_id)
            );
        }
        other => panic!("{other:?}"),
    }
    let acknowledgement = &s.outbox[1];
    assert_eq!(acknowledgement.to, Recipient::Address(l.email.clone()));
    match &acknowledgement.message {
        EmailMessage::OrderAcknowledged {
            by_seller, summary, ..
        } => {
            assert!(!by_seller);
            assert_eq!(summary.lines[0].quantity, 2);
            assert_eq!(
                summary.answers,
                [("PO number".to_owned(), "PO-7".to_owned())]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_order_from_the_cart_reads_its_cart_and_empties_it() {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    put_cart(
        &m,
        &c,
        CartBody {
            lines: lines(json!([{"sku": "FLOUR", "quantity": 3}])),
            notes: Some("Back door".into()),
        },
        None,
    )
    .await
    .unwrap();
    let req = request(json!({"from_cart": true}), "k1");
    let declared =
        submit_reads(&session.ids(), &req).merged(Reads::of([crate::reads::ItemRef::Product(
            Sku::parse("FLOUR").unwrap(),
        )]));
    m.forget_reads();

    let Written::New(order) = submit_order(&m, &session, req, &desk()).await.unwrap() else {
        panic!("a new order")
    };

    assert_eq!(m.undeclared(&declared), vec![]);
    assert_eq!(order.lines[0].quantity.get(), 3);
    assert_eq!(order.notes.as_deref(), Some("Back door"));
    assert!(m.state().carts.is_empty(), "the cart was emptied");
}

#[tokio::test]
async fn an_order_from_a_cart_another_login_changed_meanwhile_is_not_placed_and_the_cart_kept() {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    let three = CartBody {
        lines: lines(json!([{"sku": "FLOUR", "quantity": 3}])),
        notes: None,
    };
    put_cart(&m, &c, three, None).await.unwrap();
    let customer = c.customer_id.clone();
    m.meanwhile(move |s| {
        let cart = s.carts.get_mut(&customer).unwrap();
        cart.lines[0].quantity = Quantity::new(5).unwrap();
        cart.version += 1;
    });

    let refused = try_submit(&m, &session, json!({"from_cart": true}), "k1").await;

    assert!(
        matches!(refused, Err(SubmitError::CartChanged(_))),
        "{refused:?}"
    );
    let s = m.state();
    assert!(s.orders.is_empty() && s.outbox.is_empty());
    assert_eq!(s.carts[&c.customer_id].lines[0].quantity.get(), 5);
}

#[tokio::test]
async fn the_same_key_replays_the_first_order_and_another_body_is_refused() {
    let m = Memory::new();
    let (_, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    let body = json!({"lines": [{"sku": "FLOUR", "quantity": 1}]});
    let first = submit(&m, &session, body.clone(), "k1").await;

    let again = try_submit(&m, &session, body, "k1").await.unwrap();
    let other_body = json!({"lines": [{"sku": "FLOUR", "quantity": 2}]});
    let other = try_submit(&m, &session, other_body, "k1").await;

    match again {
        Written::Replayed(r) => assert!(r.body.contains(first.order_id.as_str())),
        Written::New(_) => panic!("a second order"),
    }
    assert!(matches!(other, Err(SubmitError::KeyReused(_))));
    assert_eq!(m.state().orders.len(), 1);
}

#[tokio::test]
async fn a_submission_that_meets_contention_is_tried_again() {
    let m = Memory::new();
    let (_, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    m.contend_next_writes(2);

    submit(
        &m,
        &session,
        json!({"lines": [{"sku": "FLOUR", "quantity": 1}]}),
        "k1",
    )
    .await;

    assert_eq!(m.state().orders.len(), 1);
}

#[tokio::test]
async fn an_account_that_may_not_order_and_bad_lines_write_nothing() {
    let m = Memory::new();
    let (_, _, closed) = m.buyer_at("Closed Shop", "Ann", |c| c.ordering_enabled = false);
    let (_, _, open) = m.buyer();
    m.product("FLOUR", 2500);
    m.po_question();
    let body = json!({"lines": [{"sku": "FLOUR", "quantity": 1}], "answers": {"po": "1"}});
    let unknown_sku = json!({"lines": [{"sku": "NOPE", "quantity": 1}], "answers": {"po": "1"}});
    let unanswered_po = json!({"lines": [{"sku": "FLOUR", "quantity": 1}]});

    let refused = try_submit(&m, &closed, body, "k1").await;
    let unknown = try_submit(&m, &open, unknown_sku, "k2").await;
    let unanswered = try_submit(&m, &open, unanswered_po, "k3").await;

    assert!(matches!(refused, Err(SubmitError::OrderingDisabled)));
    assert!(matches!(unknown, Err(SubmitError::Invalid(e)) if e[0].field == "lines[0].sku"));
    assert!(matches!(unanswered, Err(SubmitError::Invalid(e)) if e[0].field == "answers.po"));
    assert!(m.state().orders.is_empty());
    assert!(m.state().outbox.is_empty());
    assert_eq!(
        m.state().order_counter,
        0,
        "a refused request takes no number"
    );
}

#[tokio::test]
async fn an_order_whose_number_another_order_took_meanwhile_gets_the_next_one() {
    let m = Memory::new();
    let (_, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    m.take_numbers_meanwhile(1);

    let order = submit(
        &m,
        &session,
        json!({"lines": [{"sku": "FLOUR", "quantity": 1}]}),
        "k1",
    )
    .await;

    assert_eq!(order.order_number, OrderNumber(2));
    assert_eq!(m.state().order_counter, 2);
}

#[tokio::test]
async fn the_cart_is_priced_at_the_tier_and_reads_only_what_it_declares() {
    let m = Memory::new();
    let tier = m.tier("Wholesale", 20.0);
    let (c, _, session) = m.buyer_on(&tier);
    let ids = session.ids();
    m.product("FLOUR", 1000);
    let body = CartBody {
        lines: lines(json!([{"sku": "FLOUR", "quantity": 2}])),
        notes: None,
    };
    let declared = put_cart_reads(&ids, &body);
    m.forget_reads();

    let put = put_cart(&m, &c, body, None).await.unwrap();
    let read_declared = cart_reads(&ids, []);
    assert_eq!(m.undeclared(&declared), vec![]);
    m.forget_reads();
    let got = get_cart(&m, &c).await.unwrap();

    assert_eq!(put.priced.total, Some(eur(1600)));
    assert_eq!(got.priced.lines[0].unit_price, eur(800));
    assert_eq!(got.version, 1);
    let undeclared = m.undeclared(&read_declared);
    assert!(
        undeclared
            .iter()
            .all(|r| matches!(r, crate::reads::ItemRef::Product(_))),
        "only the cart's products, unknown before the cart is read: {undeclared:?}"
    );
}

#[tokio::test]
async fn an_admin_cannot_prefill_a_deleted_accounts_cart() {
    let m = Memory::new();
    let gone = m.customer("Gone Ltd", |c| {
        c.status = crate::customers::CustomerStatus::Deleted
    });
    let body = CartBody {
        lines: Vec::new(),
        notes: None,
    };

    let r = prefill_cart(&m, &admin(), &gone.customer_id, body).await;

    assert!(matches!(r, Err(CartError::Account(ClosedAccount::Deleted))));
    assert!(m.state().carts.is_empty());
}

#[tokio::test]
async fn a_customer_reads_its_own_orders_only() {
    let (m, c, _, order) = one_bag_of_flour().await;
    let other = m.customer("Other Co", |_| {});
    m.forget_reads();

    let mine = customer_order(&m, &c.customer_id, &order.order_id, &seller())
        .await
        .unwrap();
    assert!(m.undeclared(&order_reads(&order.order_id)).is_empty());
    let theirs = customer_order(&m, &other.customer_id, &order.order_id, &seller()).await;
    let missing = customer_order(&m, &c.customer_id, &OrderId::generate(), &seller()).await;
    let requested = customer_listing(&c.customer_id, Some("requested"), None).unwrap();
    let page = Default::default();
    let listed = customer_orders(&m, &c.customer_id, &requested, &page, &seller())
        .await
        .unwrap();
    let bad = customer_listing(&c.customer_id, Some("shipped"), None);

    assert_eq!(mine.order_id, order.order_id);
    assert!(matches!(theirs, Err(ReadOrderError::NotFound)));
    assert!(matches!(missing, Err(ReadOrderError::NotFound)));
    assert_eq!(listed.items.len(), 1);
    assert_eq!(bad.unwrap_err()[0].field, "status");
}

#[tokio::test]
async fn an_admin_places_a_confirmed_order_and_tells_the_customer_in_its_own_words() {
    let m = Memory::new();
    let c = m.customer("Acme Bakery", |_| {});
    m.product("FLOUR", 2500);
    let body: AdminOrderBody = serde_json::from_value(json!({
        "lines": [{"sku": "FLOUR", "quantity": 4}],
        "status": "confirmed",
        "notify": {"subject": "Your standing order", "message": "As agreed on the phone."}
    }))
    .unwrap();

    let Written::New(order) = create_order_for_customer(
        &m,
        &admin(),
        &c.customer_id,
        body,
        None,
        (&Portal::default(), &SellerClock::utc()),
    )
    .await
    .unwrap() else {
        panic!("a new order")
    };

    assert_eq!(order.status, OrderStatus::Confirmed);
    assert!(order.decided_at.is_some());
    let events: Vec<_> = order.history.iter().map(|e| e.event).collect();
    assert_eq!(events, [OrderEventKind::Created, OrderEventKind::Confirmed]);
    let s = m.state();
    assert_eq!(s.outbox[0].to, Recipient::Address(c.email.clone()));
    assert_eq!(s.outbox[0].message.template(), "order_placed_for_you");
    assert_eq!(s.audit[0].action, "order.created");
}

#[tokio::test]
async fn the_sellers_queue_lists_requested_orders_and_one_accounts_orders() {
    let (m, c, _, order) = one_bag_of_flour().await;
    let page = Default::default();

    let (store, page) = (&m, &page);
    let list = |status, customer| {
        let listing = OrderListing::queue(&QueueQuery {
            status,
            customer_id: customer,
            ..QueueQuery::default()
        })
        .unwrap();
        async move { admin_orders(store, &listing, page).await.unwrap() }
    };
    let queue = list(None, None).await;
    let confirmed = list(Some("confirmed"), None).await;
    let theirs = list(None, Some(c.customer_id.as_str())).await;
    let bad = OrderListing::queue(&QueueQuery {
        status: Some("shipped"),
        customer_id: Some("acme"),
        ..QueueQuery::default()
    });
    let one = admin_order(&m, &order.order_id).await.unwrap();

    assert_eq!(queue.items.len(), 1);
    assert!(confirmed.items.is_empty());
    assert_eq!(theirs.items[0].order_id, order.order_id);
    let fields: Vec<_> = bad.unwrap_err().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["status", "customer_id"]);
    assert_eq!(one.seen_by_customer(&seller()), order);
}

#[tokio::test]
async fn the_customer_sees_the_seller_by_name_where_the_seller_keeps_the_admins_sub() {
    let m = Memory::new();
    let (c, l, own) = m.buyer();
    m.product("FLOUR", 2500);
    let acting = Session {
        acting: Some(ActingAs {
            admin: admin(),
            reason: "Phoned in".into(),
        }),
        ..own.clone()
    };
    let body = json!({"lines": [{"sku": "FLOUR", "quantity": 1}]});

    let placed = submit(&m, &acting, body.clone(), "k1").await;
    let replayed = try_submit(&m, &own, body, "k1").await.unwrap();
    let portal = Portal::default();
    let confirm = Decision::Confirm {
        expected_version: None,
    };
    decide_order(&m, &admin(), &placed.order_id, confirm, &portal)
        .await
        .unwrap();
    let read = customer_order(&m, &c.customer_id, &placed.order_id, &seller())
        .await
        .unwrap();
    let kept = admin_order(&m, &placed.order_id).await.unwrap();

    let seen = SeenByCustomer::Admin {
        id: "seller",
        name: "Acme Mills".into(),
        acting_as: Some(l.login_id.clone()),
    };
    assert_eq!(placed.created_by, seen);
    assert_eq!(read.history.last().unwrap().by, seller_in_own_name());
    let Written::Replayed(first) = replayed else {
        panic!("the login's own retry replays the first answer")
    };
    for shown in [
        serde_json::to_string(&placed).unwrap(),
        serde_json::to_string(&read).unwrap(),
        first.body,
    ] {
        assert!(!shown.contains("admin-sub"), "{shown}");
        assert!(shown.contains("Acme Mills"), "{shown}");
    }
    assert_eq!(
        kept.created_by,
        CreatedBy::Admin {
            sub: "admin-sub".into(),
            acting_as: Some(l.login_id)
        }
    );
    assert_eq!(kept.history.last().unwrap().by, CreatedBy::admin(&admin()));
}

fn seller_in_own_name() -> SeenByCustomer {
    SeenByCustomer::Admin {
        id: "seller",
        name: "Acme Mills".into(),
        acting_as: None,
    }
}
