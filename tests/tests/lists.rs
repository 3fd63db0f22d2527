//! Saved lists end to end: any login of the account keeps them; another account's list is
//! 404; at most 50 lists of 200 lines; a list goes into the cart by the reorder rule.

use orderdesk_tests::*;
use serde_json::{Value, json};

fn list_of(lines: &[(&str, u32)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(sku, q)| json!({"sku": sku, "quantity": q}))
        .collect();
    json!({"name": "Monday bread", "lines": lines})
}

#[tokio::test]
async fn a_login_saves_a_list_that_another_login_of_the_account_reads_edits_and_deletes() {
    let s = Shop::open(Some(10.0)).await;
    let (buyer, flour, sugar) = (&s.buyer, &s.flour, &s.sugar);
    let created = buyer
        .post(
            "/lists",
            &list_of(&[(&flour.to_lowercase(), 2), (sugar, 1)]),
        )
        .await
        .ok(201);
    let id = id_of(&created, "list_id");
    assert!(id.starts_with("lst_"));
    assert_eq!(created["name"], "Monday bread");
    assert_eq!(
        created["lines"],
        json!([{"sku": flour, "quantity": 2}, {"sku": sugar, "quantity": 1}])
    );
    assert_eq!(
        created["priced"]["lines"][0]["name"],
        format!("Product {flour}")
    );
    assert_eq!(created["priced"]["lines"][0]["unit_price"], eur(2250));
    assert_eq!(created["priced"]["total"], eur(2 * 2250 + 899));
    assert_eq!(created["created_by"], s.login_id.as_str());

    let email = unique_email("colleague");
    s.admin
        .password_login(&s.customer_id, "Bob Baker", &email)
        .await;
    let colleague = Api::with_token(sign_in(&email, PASSWORD).await);
    let listed = colleague.get("/lists").await.ok(200);
    assert_eq!(pluck(&listed["items"], "list_id"), [id.as_str()]);
    assert_eq!(listed["items"][0]["line_count"], 2);
    assert_eq!(listed["next_cursor"], Value::Null);

    let path = format!("/lists/{id}");
    let renamed = colleague
        .put(&path, &json!({"name": "Tuesday"}))
        .await
        .ok(200);
    assert_eq!(renamed["name"], "Tuesday");
    assert_eq!(renamed["lines"], created["lines"]);
    let edited = buyer
        .put(&path, &json!({"lines": [{"sku": sugar, "quantity": 5}]}))
        .await
        .ok(200);
    assert_eq!(edited["name"], "Tuesday");
    assert_eq!(edited["lines"], json!([{"sku": sugar, "quantity": 5}]));
    assert_eq!(edited["version"], 3);
    assert_eq!(
        buyer.get(&path).await.ok(200)["priced"]["total"],
        eur(5 * 899)
    );

    colleague.delete(&path).await.ok(204);
    buyer.get(&path).await.problem(404);
    buyer.delete(&path).await.problem(404);
    assert_eq!(buyer.get("/lists").await.ok(200)["items"], json!([]));
}

#[tokio::test]
async fn another_accounts_list_is_404_to_every_route_and_stays_as_it_was() {
    let s = Shop::open(None).await;
    let id = id_of(
        &s.buyer
            .post("/lists", &list_of(&[(&s.flour, 1)]))
            .await
            .ok(201),
        "list_id",
    );
    let (_, stranger) = s.admin.customer_with_login(None).await;
    let path = format!("/lists/{id}");

    stranger.get(&path).await.problem(404);
    stranger
        .put(&path, &json!({"name": "Mine"}))
        .await
        .problem(404);
    stranger.delete(&path).await.problem(404);
    stranger
        .post(&format!("{path}/add-to-cart"), &json!({}))
        .await
        .problem(404);

    assert_eq!(stranger.get("/lists").await.ok(200)["items"], json!([]));
    assert_eq!(stranger.get("/cart").await.ok(200)["lines"], json!([]));
    let mine = s.buyer.get(&path).await.ok(200);
    assert_eq!(mine["name"], "Monday bread");
    assert_eq!(mine["version"], 1);
    s.buyer
        .get("/lists/lst_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        .await
        .problem(404);
    s.buyer.get("/lists/LIST%23x").await.problem(404);
}

#[tokio::test]
async fn bad_lists_are_400_naming_each_field_and_save_nothing() {
    let s = Shop::open(None).await;
    let gone = s.admin.fresh_product("GONE", 100).await;
    s.admin
        .update_product(&gone, &json!({"active": false}))
        .await
        .ok(200);

    let r = s
        .buyer
        .post(
            "/lists",
            &json!({"name": " ", "lines": [
            {"sku": s.flour, "quantity": 0}, {"sku": "bad sku", "quantity": 1},
            {"sku": s.sugar, "quantity": 1}, {"sku": s.sugar, "quantity": 2}]}),
        )
        .await;
    assert_eq!(
        r.invalid(),
        ["name", "lines[0].quantity", "lines[1].sku", "lines[3].sku"]
    );
    let r = s
        .buyer
        .post("/lists", &list_of(&[(&gone, 1), ("NO-SUCH-SKU-X", 1)]))
        .await;
    assert_eq!(r.invalid(), ["lines[0].sku", "lines[1].sku"]);
    let r = s
        .buyer
        .post("/lists", &json!({"name": "Empty", "lines": []}))
        .await;
    assert_eq!(r.invalid(), ["lines"]);
    let r = s
        .buyer
        .post(
            "/lists",
            &json!({"name": "x".repeat(101), "lines": [{"sku": s.flour, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.invalid(), ["name"]);
    let many: Vec<Value> = (0..201)
        .map(|i| json!({"sku": format!("MANY-{i}"), "quantity": 1}))
        .collect();
    let r = s
        .buyer
        .post("/lists", &json!({"name": "Many", "lines": many}))
        .await;
    assert_eq!(r.invalid()[0], "lines", "over 200 lines names the lines");
    let r = s.buyer.post("/lists", &json!({"name": "No lines"})).await;
    assert_eq!(r.invalid(), ["lines"]);

    let id = id_of(
        &s.buyer
            .post("/lists", &list_of(&[(&s.flour, 1)]))
            .await
            .ok(201),
        "list_id",
    );
    let path = format!("/lists/{id}");
    assert_eq!(s.buyer.put(&path, &json!({})).await.invalid(), ["body"]);
    assert_eq!(
        s.buyer.put(&path, &json!({"lines": []})).await.invalid(),
        ["lines"]
    );
    assert_eq!(
        s.buyer
            .put(&path, &json!({"colour": "red"}))
            .await
            .invalid(),
        ["colour"]
    );
    let after = s.buyer.get(&path).await.ok(200);
    assert_eq!(after["version"], 1);
    assert_eq!(
        s.buyer.get("/lists").await.ok(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn the_fifty_first_list_is_409_until_one_is_deleted() {
    let s = Shop::open(None).await;
    let mut ids = Vec::new();
    for i in 0..50 {
        let mut body = list_of(&[(&s.flour, 1)]);
        body["name"] = json!(format!("List {i:02}"));
        ids.push(id_of(
            &s.buyer.post("/lists", &body).await.ok(201),
            "list_id",
        ));
    }

    let refused = s.buyer.post("/lists", &list_of(&[(&s.flour, 1)])).await;
    assert_eq!(refused.problem(409)["type"], "/problems/list-limit");
    s.buyer.delete(&format!("/lists/{}", ids[0])).await.ok(204);
    s.buyer
        .post("/lists", &list_of(&[(&s.flour, 1)]))
        .await
        .ok(201);

    let listed = s.buyer.get("/lists").await.ok(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 50);
    assert_eq!(listed["items"][0]["name"], "List 01", "by name");
}

#[tokio::test]
async fn a_list_goes_into_the_cart_merged_and_a_product_no_longer_sold_is_named() {
    let s = Shop::open(None).await;
    let id = id_of(
        &s.buyer
            .post("/lists", &list_of(&[(&s.flour, 2), (&s.sugar, 1)]))
            .await
            .ok(201),
        "list_id",
    );
    s.buyer
        .put(
            "/cart",
            &json!({"lines": [{"sku": s.flour, "quantity": 1}]}),
        )
        .await
        .ok(200);
    s.admin
        .update_product(&s.sugar, &json!({"active": false}))
        .await
        .ok(200);

    let cart = s
        .buyer
        .post(&format!("/lists/{id}/add-to-cart"), &json!({}))
        .await
        .ok(200);

    assert_eq!(
        cart["lines"],
        json!([{"sku": s.flour, "name": format!("Product {}", s.flour),
        "unit": "bag", "quantity": 3, "unit_price": eur(2500), "line_total": eur(7500)}])
    );
    assert_eq!(
        cart["unavailable"],
        json!([{"sku": s.sugar, "quantity": 1}])
    );
    let list = s.buyer.get(&format!("/lists/{id}")).await.ok(200);
    assert_eq!(
        list["unavailable"],
        json!([{"sku": s.sugar, "quantity": 1}]),
        "the list keeps it"
    );
    assert_eq!(list["lines"].as_array().unwrap().len(), 2);
}
