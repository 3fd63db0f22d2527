//! A shop to order from: the state most ordering tests start in.

use crate::{Api, Reply, ensure_standard_questions, unique_word};
use serde_json::{Value, json};

/// An amount in euro cents, as the API writes money.
pub fn eur(amount: i64) -> Value {
    json!({"amount": amount, "currency": "EUR"})
}

/// A customer account that may order (team "North"), one signed-in login of it, and two fresh
/// products: flour at 25.00 and sugar at 9.99; the account is on a new price tier when one is
/// asked for. The standard checkout questions are set.
pub struct Shop {
    pub admin: Api,
    pub buyer: Api,
    pub customer: Value,
    pub customer_id: String,
    pub login_id: String,
    pub tier_id: Option<String>,
    pub tier_name: Option<String>,
    pub flour: String,
    pub sugar: String,
}

impl Shop {
    /// Opens a shop; with `tier_discount`, its account is on a tier of that many percent off.
    pub async fn open(tier_discount: Option<f64>) -> Shop {
        ensure_standard_questions().await;
        let admin = Api::admin().await;
        let w = unique_word().to_uppercase();
        let (flour, sugar) = (format!("FLOUR-{w}"), format!("SUGAR-{w}"));
        admin.new_product(&flour, 2500).await;
        admin.new_product(&sugar, 999).await;
        let tier_name = tier_discount.map(|_| format!("T {w}"));
        let tier_id = match (&tier_name, tier_discount) {
            (Some(name), Some(d)) => Some(admin.new_tier(name, d).await),
            _ => None,
        };
        let (customer, buyer) = admin.customer_with_login(tier_id.as_deref()).await;
        let customer_id = customer["customer_id"].as_str().unwrap().to_owned();
        let r = admin
            .patch(
                &format!("/admin/customers/{customer_id}"),
                &json!({"ordering_enabled": true, "fulfillment_team": "North"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let me = buyer.get("/me").await;
        assert_eq!(me.status, 200, "{}", me.body);
        let login_id = me.body["login"]["login_id"].as_str().unwrap().to_owned();
        Shop {
            admin,
            buyer,
            customer,
            customer_id,
            login_id,
            tier_id,
            tier_name,
            flour,
            sugar,
        }
    }
}

impl Shop {
    /// The buyer orders `quantity` of `sku`, answering the standard questions.
    pub async fn order(&self, sku: &str, quantity: u32) -> Reply {
        let body = json!({
            "lines": [{"sku": sku, "quantity": quantity}],
            "answers": crate::standard_answers(),
        });
        self.buyer.submit(&body).await
    }
}

impl Api {
    /// A new price tier of `discount` percent off; its id.
    pub async fn new_tier(&self, name: &str, discount: f64) -> String {
        let r = self
            .post(
                "/admin/price-tiers",
                &json!({"name": name, "discount_percent": discount}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.body["tier_id"].as_str().unwrap().to_owned()
    }

    /// `POST /orders` with a fresh `Idempotency-Key`.
    pub async fn submit(&self, body: &Value) -> Reply {
        self.submit_keyed(&uuid::Uuid::new_v4().to_string(), body)
            .await
    }

    /// `POST /orders` with the `Idempotency-Key` `key`.
    pub async fn submit_keyed(&self, key: &str, body: &Value) -> Reply {
        Api::send(
            self.request(reqwest::Method::POST, "/orders")
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }

    /// How many items the first page of the listing at `path` holds.
    pub async fn count(&self, path: &str) -> usize {
        let r = self.get(path).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["items"].as_array().expect("a listing").len()
    }

    /// `PUT` of a cart, the login's own or (as an admin) an account's.
    pub async fn put_cart(&self, path: &str, body: &Value) -> Reply {
        Api::send(self.request(reqwest::Method::PUT, path).json(body)).await
    }
}

/// Changes an invitation's item behind the API's back (`#s` names `status`), for what only
/// time or a crash would do.
pub async fn update_invitation(invitation_id: &str, expression: &str, values: &[(&str, &str)]) {
    use aws_sdk_dynamodb::types::AttributeValue;
    let mut update = crate::dynamodb()
        .await
        .update_item()
        .table_name(&crate::stack().table_name)
        .key(
            "PK",
            AttributeValue::S(format!("INVITATION#{invitation_id}")),
        )
        .key("SK", AttributeValue::S("INVITATION".into()))
        .update_expression(expression);
    if expression.contains("#s") {
        update = update.expression_attribute_names("#s", "status");
    }
    for (k, v) in values {
        update = update.expression_attribute_values(*k, AttributeValue::S((*v).to_owned()));
    }
    update.send().await.expect("UpdateItem");
}

/// `GET /me` as the login that signs in with `email` and `password`.
pub async fn me_of(email: &str, password: &str) -> Reply {
    Api::with_token(crate::sign_in(email, password).await)
        .get("/me")
        .await
}

/// Accepts the invitation of link `token`, choosing `password`.
pub async fn accept_link(token: &str, password: &str) -> Reply {
    Api::anonymous()
        .post(
            &format!("/invitations/{token}/accept"),
            &json!({"password": password}),
        )
        .await
}

/// The statuses of concurrent replies to one request, checked: exactly one is `won`, every
/// other `lost`.
pub fn exactly_one(replies: &[Reply], won: u16, lost: u16) -> Vec<u16> {
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == won).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == won || *s == lost),
        "{statuses:?}"
    );
    statuses
}
