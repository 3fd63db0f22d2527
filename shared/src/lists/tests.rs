//! Saved lists on the in-memory ports.

use super::*;
use crate::customers::Customer;
use crate::ids::{ListId, Sku};
use crate::memory::Memory;
use crate::memory::fixtures::eur;
use crate::orders::{AddToCartError, Line, MAX_LINES, Quantity};
use crate::reads::ItemRef;
use crate::session::Session;
use serde_json::json;

fn body(v: serde_json::Value) -> ListBody {
    serde_json::from_value(v).expect("a list body")
}

fn edit(v: serde_json::Value) -> ListEdit {
    serde_json::from_value(v).expect("an edit")
}

fn line(sku: &str, q: i64) -> Line {
    Line {
        sku: Sku::parse(sku).unwrap(),
        quantity: Quantity::new(q).unwrap(),
    }
}

fn fields(e: ListError) -> Vec<String> {
    match e {
        ListError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("not a 400: {other:?}"),
    }
}

/// A buyer with flour and sugar for sale, and its list "Monday" of two flour and one sugar.
async fn monday() -> (Memory, Customer, Session, ListView) {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    m.product("SUGAR", 300);
    let list = create_list(
        &m,
        &session,
        body(json!({"name": " Monday ", "lines": [
            {"sku": "flour", "quantity": 2}, {"sku": "SUGAR", "quantity": 1}]})),
    )
    .await
    .unwrap();
    (m, c, session, list)
}

#[tokio::test]
async fn a_new_list_is_kept_under_its_account_by_its_login_and_shown_priced() {
    let (m, c, session, list) = monday().await;

    assert_eq!(list.list.name, "Monday");
    assert_eq!(list.list.lines, [line("FLOUR", 2), line("SUGAR", 1)]);
    assert_eq!(list.list.created_by, session.me.login.login_id);
    assert_eq!(list.priced.total, Some(eur(2 * 2500 + 300)));
    assert_eq!(list.priced.lines[0].name, "FLOUR name");
    let key = (c.customer_id.clone(), list.list.list_id.clone());
    assert!(m.state().lists.contains_key(&key));
}

#[tokio::test]
async fn a_list_names_each_bad_field_and_is_not_saved() {
    let m = Memory::new();
    let (_, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    let refused = create_list(
        &m,
        &session,
        body(json!({"name": "  ", "lines": [
            {"sku": "FLOUR", "quantity": 0}, {"sku": "NOPE", "quantity": 1}]})),
    )
    .await
    .unwrap_err();
    assert_eq!(fields(refused), ["name", "lines[0].quantity"]);

    let unknown = create_list(
        &m,
        &session,
        body(json!({"name": "Rye", "lines": [{"sku": "NOPE", "quantity": 1}]})),
    )
    .await
    .unwrap_err();
    assert_eq!(fields(unknown), ["lines[0].sku"]);

    let too_long: Vec<serde_json::Value> = (0..=MAX_LINES)
        .map(|i| json!({"sku": format!("P{i}"), "quantity": 1}))
        .collect();
    let over = create_list(
        &m,
        &session,
        body(json!({"name": "Big", "lines": too_long})),
    )
    .await
    .unwrap_err();
    assert!(fields(over).contains(&"lines".to_owned()));
    assert!(m.state().lists.is_empty());
}

#[tokio::test]
async fn the_fifty_first_list_of_an_account_is_refused_and_deleting_one_makes_room() {
    let (m, c, session, first) = monday().await;
    for i in 1..MAX_LISTS {
        let b =
            body(json!({"name": format!("List {i}"), "lines": [{"sku": "FLOUR", "quantity": 1}]}));
        create_list(&m, &session, b).await.unwrap();
    }
    let again = || body(json!({"name": "One more", "lines": [{"sku": "FLOUR", "quantity": 1}]}));

    let refused = create_list(&m, &session, again()).await;
    delete_list(&m, &c, &first.list.list_id).await.unwrap();
    let after_delete = create_list(&m, &session, again()).await;

    assert!(matches!(refused, Err(ListError::TooMany)));
    assert!(after_delete.is_ok());
    assert_eq!(lists(&m, &c).await.unwrap().items.len(), MAX_LISTS);
}

#[tokio::test]
async fn any_login_of_the_account_renames_and_edits_a_list_and_another_account_finds_none() {
    let (m, c, _, list) = monday().await;
    let id = list.list.list_id.clone();
    let colleague = m.login(&c, "Bob Baker");
    let colleague = m.session(&c, &colleague);
    let (stranger, _, _) = m.buyer_at("Other Co", "Otto", |_| {});
    m.forget_reads();

    let renamed = edit_list(
        &m,
        &colleague.me.customer,
        (id.clone(), edit(json!({"name": "Tuesday"}))),
    )
    .await
    .unwrap();
    let edited = edit_list(
        &m,
        &c,
        (
            id.clone(),
            edit(json!({"lines": [{"sku": "SUGAR", "quantity": 4}]})),
        ),
    )
    .await
    .unwrap();
    let foreign_read = get_list(&m, &stranger, &id).await;
    let foreign_edit = edit_list(&m, &stranger, (id.clone(), edit(json!({"name": "Mine"})))).await;
    let foreign_delete = delete_list(&m, &stranger, &id).await;
    let empty = edit_list(&m, &c, (id.clone(), edit(json!({}))))
        .await
        .unwrap_err();

    assert_eq!(renamed.list.name, "Tuesday");
    assert_eq!(renamed.list.lines.len(), 2, "a rename keeps the lines");
    assert_eq!(edited.list.name, "Tuesday");
    assert_eq!(edited.list.lines, [line("SUGAR", 4)]);
    assert_eq!(edited.list.version, 3);
    assert!(matches!(foreign_read, Err(ListError::NotFound)));
    assert!(matches!(foreign_edit, Err(ListError::NotFound)));
    assert!(matches!(foreign_delete, Err(ListError::NotFound)));
    assert_eq!(fields(empty), ["body"]);
    assert_eq!(get_list(&m, &c, &id).await.unwrap().list.name, "Tuesday");
}

#[tokio::test]
async fn reading_a_list_reads_only_what_it_declares_besides_its_products() {
    let (m, c, session, list) = monday().await;
    let id = list.list.list_id.clone();
    let declared = list_reads(&session.ids(), &id);
    m.forget_reads();

    let read = get_list(&m, &c, &id).await.unwrap();

    let undeclared = m.undeclared(&declared);
    assert!(
        undeclared.iter().all(|r| matches!(r, ItemRef::Product(_))),
        "{undeclared:?}"
    );
    assert_eq!(read.list.list_id, id);
}

#[tokio::test]
async fn an_edit_that_meets_another_logins_edit_is_refused() {
    let (m, c, _, list) = monday().await;
    let key = (c.customer_id.clone(), list.list.list_id.clone());
    m.meanwhile(move |s| s.lists.get_mut(&key).unwrap().version += 1);

    let refused = edit_list(
        &m,
        &c,
        (list.list.list_id.clone(), edit(json!({"name": "Late"}))),
    )
    .await;

    assert!(matches!(refused, Err(ListError::Changed)));
}

#[tokio::test]
async fn adding_a_list_to_the_cart_merges_it_and_names_what_is_no_longer_sold() {
    let (m, c, _, list) = monday().await;
    let id = list.list.list_id.clone();
    m.state()
        .products
        .get_mut(&Sku::parse("SUGAR").unwrap())
        .unwrap()
        .active = false;
    let (stranger, _, _) = m.buyer_at("Other Co", "Otto", |_| {});

    add_list_to_cart(&m, &c, &id).await.unwrap();
    let cart = add_list_to_cart(&m, &c, &id).await.unwrap();
    let foreign = add_list_to_cart(&m, &stranger, &id).await;

    assert_eq!(cart.priced.lines.len(), 1);
    assert_eq!(cart.priced.lines[0].quantity.get(), 4, "two and two");
    assert_eq!(cart.unavailable, [line("SUGAR", 1)]);
    assert!(matches!(foreign, Err(AddToCartError::NotFound)));
    assert!(!m.state().carts.contains_key(&stranger.customer_id));
}

#[test]
fn a_list_id_parses_only_its_own_shape() {
    let id = ListId::generate();
    assert_eq!(ListId::parse(id.as_str()), Some(id));
    assert_eq!(ListId::parse("lst_x"), None);
    assert_eq!(ListId::parse("LIST#lst_1"), None);
}
