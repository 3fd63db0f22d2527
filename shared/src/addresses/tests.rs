//! The address book use cases on the in-memory ports.

use super::*;
use crate::memory::Memory;
use crate::memory::fixtures::admin;
use serde_json::json;

fn place(v: serde_json::Value) -> ShipTo {
    ShipTo::try_from(serde_json::from_value::<AddressBody>(v).unwrap()).unwrap()
}

fn depot() -> ShipTo {
    place(json!({"label": "Depot", "line1": "1 Rue", "city": "Lyon",
                 "postal_code": "69001", "country": "fr"}))
}

fn fields(e: Vec<crate::domain::FieldError>) -> Vec<String> {
    e.into_iter().map(|f| f.field).collect()
}

#[tokio::test]
async fn a_login_adds_an_address_reading_only_its_book_and_the_write_is_audited_as_the_login() {
    let m = Memory::new();
    let (c, login, session) = m.buyer();
    m.forget_reads();

    let saved = add_address(&m, Editor::Session(&session), &c.customer_id, depot())
        .await
        .unwrap();

    assert!(m.undeclared(&address_book_reads(&c.customer_id)).is_empty());
    assert_eq!(saved.place.address.country, "FR");
    let listed = list_addresses(&m, &c.customer_id).await.unwrap();
    assert_eq!(listed.items, vec![saved.clone()]);
    let s = m.state();
    assert_eq!(s.address_books[&c.customer_id].version, 1);
    let audit = s.audit.last().unwrap();
    assert_eq!(audit.action, "address.created");
    assert_eq!(audit.actor.id, login.login_id.as_str());
    assert_eq!(audit.customer_id.as_ref(), Some(&c.customer_id));
}

#[tokio::test]
async fn the_hundred_and_first_address_is_refused_and_writes_nothing() {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    for _ in 0..MAX_ADDRESSES {
        add_address(&m, Editor::Session(&session), &c.customer_id, depot())
            .await
            .unwrap();
    }
    let audits = m.state().audit.len();

    let refused = add_address(&m, Editor::Session(&session), &c.customer_id, depot()).await;

    assert!(matches!(refused, Err(AddAddressError::Full)));
    let s = m.state();
    assert_eq!(
        s.address_books[&c.customer_id].addresses.len(),
        MAX_ADDRESSES
    );
    assert_eq!(s.audit.len(), audits);
}

#[tokio::test]
async fn another_accounts_address_is_not_found_for_a_change_or_a_delete() {
    let m = Memory::new();
    let (mine, _, me) = m.buyer();
    let (theirs, _, them) = m.buyer_at("Other Co", "Olga Other", |_| {});
    let saved = add_address(&m, Editor::Session(&them), &theirs.customer_id, depot())
        .await
        .unwrap();
    let rename = AddressChange {
        label: Some(AddressLabel::parse("Mine now").unwrap()),
        ..Default::default()
    };

    let changed = update_address(
        &m,
        Editor::Session(&me),
        &mine.customer_id,
        &saved.address_id,
        &rename,
    )
    .await;
    let deleted = delete_address(
        &m,
        Editor::Session(&me),
        &mine.customer_id,
        &saved.address_id,
    )
    .await;

    assert!(matches!(changed, Err(UpdateAddressError::NotFound)));
    assert!(matches!(deleted, Err(DeleteAddressError::NotFound)));
    let s = m.state();
    assert_eq!(s.address_books[&theirs.customer_id].addresses, vec![saved]);
    assert!(!s.address_books.contains_key(&mine.customer_id));
}

#[tokio::test]
async fn a_change_applies_only_the_given_fields_and_null_clears_an_optional_one() {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    let mut with_phone = depot();
    with_phone.phone = Some(crate::customers::Phone::parse("+33 1 23").unwrap());
    let saved = add_address(&m, Editor::Session(&session), &c.customer_id, with_phone)
        .await
        .unwrap();
    let body: AddressPatchBody =
        serde_json::from_value(json!({"city": " Paris ", "phone": null})).unwrap();
    let change = AddressChange::try_from(body).unwrap();

    let after = update_address(
        &m,
        Editor::Session(&session),
        &c.customer_id,
        &saved.address_id,
        &change,
    )
    .await
    .unwrap();

    assert_eq!(after.place.address.city, "Paris");
    assert_eq!(after.place.phone, None);
    assert_eq!(after.place.label, saved.place.label);
    assert_eq!(after.created_at, saved.created_at);
    assert_eq!(
        m.state().address_books[&c.customer_id].addresses,
        vec![after]
    );
}

#[tokio::test]
async fn a_write_that_meets_another_login_s_write_is_made_again_on_the_fresh_book() {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    let first = add_address(&m, Editor::Session(&session), &c.customer_id, depot())
        .await
        .unwrap();
    let book = m.state().address_books[&c.customer_id].clone();
    m.meanwhile(move |s| {
        let mut other = book.clone();
        other.version += 1;
        s.address_books.insert(other.customer_id.clone(), other);
    });

    let gone = delete_address(
        &m,
        Editor::Session(&session),
        &c.customer_id,
        &first.address_id,
    )
    .await;

    assert!(gone.is_ok());
    let s = m.state();
    assert!(s.address_books[&c.customer_id].addresses.is_empty());
    assert_eq!(s.address_books[&c.customer_id].version, 3);
}

#[tokio::test]
async fn an_admin_adds_to_an_open_account_only_and_reads_any_account_that_exists() {
    let m = Memory::new();
    let open = m.customer("Open Co", |_| {});
    let closed = m.customer("Closed Co", |c| {
        c.status = crate::customers::CustomerStatus::Deleted
    });
    let unknown = crate::ids::CustomerId::generate();

    let added = admin_add_address(&m, &admin(), &open.customer_id, depot()).await;
    let refused = admin_add_address(&m, &admin(), &closed.customer_id, depot()).await;
    let listed = admin_list_addresses(&m, &closed.customer_id).await.unwrap();
    let missing = admin_list_addresses(&m, &unknown).await;

    assert!(added.is_ok());
    assert_eq!(m.state().audit.last().unwrap().actor.kind, "admin");
    assert!(matches!(
        refused,
        Err(AddAddressError::Closed(
            crate::customers::ClosedAccount::Deleted
        ))
    ));
    assert!(listed.items.is_empty());
    assert!(matches!(missing, Err(ListAddressesError::NotFound)));
}

#[test]
fn bad_input_names_every_field_as_sent() {
    let body: AddressBody = serde_json::from_value(json!({
        "label": " ", "line1": "", "city": "Lyon", "postal_code": "69001",
        "country": "UK", "phone": "call me"
    }))
    .unwrap();
    let errors = fields(ShipTo::try_from(body).unwrap_err());
    assert_eq!(errors, ["label", "phone", "line1", "country"]);

    let patch: AddressPatchBody =
        serde_json::from_value(json!({"country": "XX", "postal_code": ""})).unwrap();
    let errors = fields(AddressChange::try_from(patch).unwrap_err());
    assert_eq!(errors, ["postal_code", "country"]);
}
