//! The customer use cases on the in-memory ports.

use super::*;
use crate::idempotency::{Idempotency, IdempotencyKey, Written};
use crate::ids::{CustomerId, TierId};
use crate::memory::Memory;
use crate::memory::fixtures::admin;
use crate::page::{Page, PageRequest};
use serde_json::json;

fn new_customer(v: serde_json::Value) -> NewCustomer {
    NewCustomer::try_from(serde_json::from_value::<CreateCustomerBody>(v).unwrap()).unwrap()
}

fn key(body: &serde_json::Value, k: &str) -> Idempotency {
    Idempotency::new(
        "admin-sub",
        "POST /admin/customers",
        &IdempotencyKey::parse(k).unwrap(),
        body,
    )
}

#[tokio::test]
async fn a_new_account_is_pending_audited_and_guards_its_email() {
    let m = Memory::new();
    let body = json!({"name": "Acme", "email": "Orders@Acme.example"});

    let Written::New(c) = create_customer(&m, &admin(), new_customer(body.clone()), None)
        .await
        .unwrap()
    else {
        panic!("a new customer")
    };
    let twin = create_customer(&m, &admin(), new_customer(body), None).await;

    assert_eq!(c.status, CustomerStatus::Pending);
    assert!(matches!(twin, Err(CreateCustomerError::DuplicateEmail)));
    let s = m.state();
    assert_eq!(s.customers.len(), 1);
    assert_eq!(s.audit[0].action, "customer.created");
}

#[tokio::test]
async fn a_retry_with_the_key_replays_even_where_the_email_now_looks_taken() {
    let m = Memory::new();
    let body = json!({"name": "Acme", "email": "orders@acme.example"});
    let idem = key(&body, "k1");

    let first = create_customer(&m, &admin(), new_customer(body.clone()), Some(&idem))
        .await
        .unwrap();
    let again = create_customer(&m, &admin(), new_customer(body), Some(&idem))
        .await
        .unwrap();
    let other_body = json!({"name": "Other", "email": "o@other.example"});
    let reused = create_customer(
        &m,
        &admin(),
        new_customer(other_body.clone()),
        Some(&key(&other_body, "k1")),
    )
    .await;

    assert!(matches!(first, Written::New(_)));
    assert!(matches!(again, Written::Replayed(r) if r.status == 201));
    assert!(matches!(reused, Err(CreateCustomerError::KeyReused(_))));
    assert_eq!(m.state().customers.len(), 1);
}

#[tokio::test]
async fn an_unknown_tier_is_refused_before_anything_is_written() {
    let m = Memory::new();
    let body = json!({"name": "Acme", "email": "a@acme.example", "price_tier_id": TierId::generate().as_str()});

    let r = create_customer(&m, &admin(), new_customer(body), None).await;

    assert!(matches!(r, Err(CreateCustomerError::UnknownTier)));
    assert!(m.state().customers.is_empty());
}

#[tokio::test]
async fn a_change_without_a_version_is_retried_on_contention_and_one_with_a_stale_version_is_refused()
 {
    let m = Memory::new();
    let c = m.customer("Acme", |_| {});
    let rename = CustomerChange {
        name: Some(CustomerName::parse("Acme Ltd").unwrap()),
        ..Default::default()
    };
    m.contend_next_writes(2);

    let renamed = update_customer(&m, &admin(), &c.customer_id, &rename)
        .await
        .unwrap();
    let stale = CustomerChange {
        expected_version: Some(1),
        ..rename.clone()
    };
    let refused = update_customer(&m, &admin(), &c.customer_id, &stale).await;

    assert_eq!(renamed.name.as_str(), "Acme Ltd");
    assert_eq!(renamed.version, 2);
    assert!(matches!(
        refused,
        Err(UpdateCustomerError::Stale { current: 2 })
    ));
    let diff = &m.state().audit[0].details;
    assert_eq!(diff["name"]["to"], "Acme Ltd");
}

#[tokio::test]
async fn a_deleted_account_frees_its_email_and_can_no_longer_change() {
    let m = Memory::new();
    let c = m.customer("Acme", |_| {});

    delete_customer(&m, &admin(), &c.customer_id).await.unwrap();
    delete_customer(&m, &admin(), &c.customer_id).await.unwrap();
    let change = update_customer(&m, &admin(), &c.customer_id, &CustomerChange::default()).await;
    let reuse = create_customer(
        &m,
        &admin(),
        new_customer(json!({"name": "New Acme", "email": c.email.as_str()})),
        None,
    )
    .await;

    assert!(matches!(change, Err(UpdateCustomerError::Deleted)));
    assert!(reuse.is_ok(), "{reuse:?}");
    assert_eq!(
        m.state()
            .audit
            .iter()
            .filter(|a| a.action == "customer.deleted")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_bulk_tag_names_every_account_it_cannot_tag_and_tags_none() {
    let m = Memory::new();
    let a = m.customer("Acme", |_| {});
    let missing = CustomerId::generate();
    let change = TagChange::try_from(BulkTagBody {
        tag: "VIP".into(),
        customer_ids: vec![a.customer_id.to_string(), missing.to_string()],
        action: "add".into(),
    })
    .unwrap();

    let r = bulk_tag(&m, &admin(), &change).await;

    assert!(matches!(r, Err(BulkTagError::NotFound(ids)) if ids == vec![missing]));
    assert!(m.state().customers[&a.customer_id].tags.is_empty());
}

#[tokio::test]
async fn one_customer_is_read_by_its_declared_key() {
    let m = Memory::new();
    let c = m.customer("Acme", |_| {});
    m.forget_reads();

    let got = get_customer(&m, &c.customer_id).await.unwrap();
    let none = get_customer(&m, &CustomerId::generate()).await;

    assert_eq!(got, c);
    assert!(matches!(none, Err(GetCustomerError::NotFound)));
    assert_eq!(
        m.undeclared(&customer_reads(&c.customer_id)).len(),
        1,
        "only the unknown one"
    );
}

#[tokio::test]
async fn the_directory_lists_open_accounts_in_name_order_filtered() {
    let m = Memory::new();
    m.customer("Zeta Foods", |c| {
        c.tags.insert(Tag::parse("vip").unwrap());
    });
    m.customer("Acme Bakery", |_| {});
    m.customer("Gone Ltd", |c| c.status = CustomerStatus::Deleted);
    let page = PageRequest::default();
    let list = |q: Option<&str>, tag: Option<&str>, status: Option<&str>| {
        CustomerFilter::parse(q, tag, status).unwrap()
    };

    let open = list_customers(&m, &list(None, None, None), &page)
        .await
        .unwrap();
    let vip = list_customers(&m, &list(None, Some("VIP"), None), &page)
        .await
        .unwrap();
    let found = list_customers(&m, &list(Some("ACME"), None, None), &page)
        .await
        .unwrap();
    let deleted = list_customers(&m, &list(None, None, Some("deleted")), &page)
        .await
        .unwrap();

    let names = |p: &Page<Customer>| {
        p.items
            .iter()
            .map(|c| c.name.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&open), ["Acme Bakery", "Zeta Foods"]);
    assert_eq!(names(&vip), ["Zeta Foods"]);
    assert_eq!(names(&found), ["Acme Bakery"]);
    assert_eq!(names(&deleted), ["Gone Ltd"]);
}
