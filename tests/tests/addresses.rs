//! The address book, end to end: a login keeps its account's book through the local gateway,
//! an admin reads and adds to it, another account's addresses are 404, and the book holds at
//! most 100 addresses.

use orderdesk_tests::*;
use serde_json::{Value, json};

fn depot(label: &str) -> Value {
    json!({"label": label, "recipient": "Goods in", "line1": "12 Rue des Fleurs",
           "city": "Lyon", "postal_code": "69001", "country": "fr"})
}

/// A buyer of a fresh account: (the account's id, the login's client).
async fn buyer(admin: &Api) -> (String, Api) {
    let (customer, login) = admin.customer_with_login(None).await;
    (id_of(&customer, "customer_id"), login)
}

/// The action of every audit entry of `customer`, oldest first.
async fn audited(admin: &Api, customer: &str) -> Vec<String> {
    let page = admin
        .get(&format!("/admin/audit?customer_id={customer}"))
        .await
        .ok(200);
    let mut actions: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .filter(|a| a.starts_with("address."))
        .collect();
    actions.reverse();
    actions
}

#[tokio::test]
async fn a_login_adds_changes_lists_and_deletes_its_accounts_addresses_and_each_write_is_audited() {
    let admin = Api::admin().await;
    let (customer, login) = buyer(&admin).await;

    let added = login
        .post("/addresses", &depot("Main bakery"))
        .await
        .ok(201);
    let id = id_of(&added, "address_id");
    assert!(id.starts_with("adr_"));
    assert_eq!(added["country"], "FR");
    assert_eq!(added["recipient"], "Goods in");
    let second = login
        .post(
            "/addresses",
            &json!({"label": "Shop", "line1": "1 Main St",
                                    "city": "Oslo", "postal_code": "0150", "country": "NO"}),
        )
        .await
        .ok(201);

    let path = format!("/addresses/{id}");
    let changed = login
        .patch(
            &path,
            &json!({"city": " Paris ", "recipient": null, "line2": "Door B"}),
        )
        .await
        .ok(200);
    assert_eq!(changed["city"], "Paris");
    assert_eq!(changed["line2"], "Door B");
    assert!(
        changed.get("recipient").is_none(),
        "null clears it: {changed}"
    );
    assert_eq!(changed["label"], "Main bakery");
    assert_eq!(changed["created_at"], added["created_at"]);

    let listed = login.get("/addresses").await.ok(200);
    assert_eq!(
        pluck(&listed["items"], "address_id"),
        [id.as_str(), id_of(&second, "address_id").as_str()]
    );
    assert_eq!(listed["next_cursor"], Value::Null);
    assert_eq!(listed["items"][0], changed);

    login.delete(&path).await.ok(204);
    login.delete(&path).await.problem(404);
    login
        .patch(&path, &json!({"label": "Gone"}))
        .await
        .problem(404);
    let listed = login.get("/addresses").await.ok(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    assert_eq!(
        audited(&admin, &customer).await,
        [
            "address.created",
            "address.created",
            "address.updated",
            "address.deleted"
        ]
    );
}

#[tokio::test]
async fn another_accounts_address_is_not_found_and_stays_as_it_was() {
    let admin = Api::admin().await;
    let ((_, owner), (_, other)) = tokio::join!(buyer(&admin), buyer(&admin));
    let theirs = owner.post("/addresses", &depot("Theirs")).await.ok(201);
    let path = format!("/addresses/{}", id_of(&theirs, "address_id"));

    other
        .patch(&path, &json!({"label": "Mine"}))
        .await
        .problem(404);
    other.delete(&path).await.problem(404);
    other
        .patch("/addresses/adr_not-an-id", &json!({"label": "Mine"}))
        .await
        .problem(404);

    let own = other.get("/addresses").await.ok(200);
    assert_eq!(own["items"], json!([]));
    let kept = owner.get("/addresses").await.ok(200);
    assert_eq!(kept["items"][0], theirs);
}

#[tokio::test]
async fn bad_input_is_a_400_naming_each_field_and_writes_nothing() {
    let admin = Api::admin().await;
    let (_, login) = buyer(&admin).await;

    let bad = json!({"label": " ", "line1": "", "city": "Lyon", "postal_code": "69001",
                     "country": "UK", "phone": "call me"});
    let reply = login.post("/addresses", &bad).await;
    assert_eq!(
        reply.invalid_sorted(),
        ["country", "label", "line1", "phone"]
    );
    let reply = login
        .post("/addresses", &json!({"label": "No country"}))
        .await;
    reply.problem(400);
    let mut unknown = depot("Extra");
    unknown["floor"] = json!(3);
    assert_eq!(
        login.post("/addresses", &unknown).await.invalid(),
        ["floor"]
    );
    assert_eq!(login.get("/addresses").await.ok(200)["items"], json!([]));

    let saved = login.post("/addresses", &depot("Depot")).await.ok(201);
    let path = format!("/addresses/{}", id_of(&saved, "address_id"));
    let reply = login
        .patch(
            &path,
            &json!({"country": "XX", "postal_code": "", "label": 7}),
        )
        .await;
    reply.problem(400);
    let reply = login
        .patch(&path, &json!({"country": "XX", "postal_code": ""}))
        .await;
    assert_eq!(reply.invalid_sorted(), ["country", "postal_code"]);
    assert_eq!(login.get("/addresses").await.ok(200)["items"][0], saved);
}

#[tokio::test]
async fn the_book_holds_a_hundred_addresses_and_the_hundred_and_first_is_a_409() {
    let admin = Api::admin().await;
    let (customer, login) = buyer(&admin).await;
    let path = format!("/admin/customers/{customer}/addresses");
    for n in 0..100 {
        let by = if n % 2 == 0 { &login } else { &admin };
        let to = if n % 2 == 0 {
            "/addresses"
        } else {
            path.as_str()
        };
        by.post(to, &depot(&format!("Depot {n}"))).await.ok(201);
    }

    let full = login.post("/addresses", &depot("One more")).await;
    assert_eq!(full.problem(409)["type"], "/problems/address-book-full");
    admin.post(&path, &depot("One more")).await.problem(409);

    let book = admin.get(&path).await.ok(200);
    assert_eq!(book["items"].as_array().unwrap().len(), 100);
    let first = id_of(&book["items"][0], "address_id");
    login.delete(&format!("/addresses/{first}")).await.ok(204);
    login.post("/addresses", &depot("One more")).await.ok(201);
}

#[tokio::test]
async fn an_admin_reads_and_adds_to_an_accounts_book_but_not_a_deleted_or_unknown_one() {
    let admin = Api::admin().await;
    let (customer, login) = buyer(&admin).await;
    let path = format!("/admin/customers/{customer}/addresses");

    let added = admin.post(&path, &depot("From the seller")).await.ok(201);
    let seen = login.get("/addresses").await.ok(200);
    assert_eq!(seen["items"][0], added);
    assert_eq!(admin.get(&path).await.ok(200)["items"][0], added);
    let audit = admin
        .get(&format!("/admin/audit?customer_id={customer}"))
        .await
        .ok(200);
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "address.created");
    assert_eq!(entry["actor"]["kind"], "admin");

    let unknown = "/admin/customers/cus_0196b7a0c1d27e3f8a9b0c1d2e3f4aff/addresses";
    admin.get(unknown).await.problem(404);
    admin.post(unknown, &depot("Nowhere")).await.problem(404);
    let bad = admin.post(&path, &json!({"label": "x"})).await;
    bad.problem(400);

    admin
        .delete(&format!("/admin/customers/{customer}"))
        .await
        .ok(204);
    let closed = admin.post(&path, &depot("Too late")).await;
    assert_eq!(closed.problem(409)["type"], "/problems/customer-deleted");
    assert_eq!(admin.get(&path).await.ok(200)["items"][0], added);
}

#[tokio::test]
async fn an_admin_acting_as_a_login_keeps_its_book_and_the_audit_names_both() {
    let admin = Api::admin().await;
    let (customer, login) = buyer(&admin).await;
    let login_id = id_of(&login.get("/me").await.ok(200)["login"], "login_id");

    let rb = admin
        .request(reqwest::Method::POST, "/addresses")
        .header("X-Act-As", &login_id)
        .header("X-Act-As-Reason", "Customer called")
        .json(&depot("Phoned in"));
    let added = Api::send(rb).await.ok(201);

    assert_eq!(login.get("/addresses").await.ok(200)["items"][0], added);
    let audit = admin
        .get(&format!("/admin/audit?customer_id={customer}"))
        .await
        .ok(200);
    let entry = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "address.created")
        .expect("the write is audited");
    assert_eq!(entry["actor"]["kind"], "admin");
    assert_eq!(entry["acting_as"], login_id.as_str());
}
