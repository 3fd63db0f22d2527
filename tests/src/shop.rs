//! A shop to order from: the state most ordering tests start in.

use crate::{Api, Reply, ensure_standard_questions, id_of, standard_answers, unique_word};
use serde_json::{Value, json};

/// An amount in euro cents, as the API writes money.
pub fn eur(amount: i64) -> Value {
    json!({"amount": amount, "currency": "EUR"})
}

/// A customer account that may order (team "North"), one signed-in login of it, and two fresh
/// products: flour at 25.00 and sugar at 9.99; the account is on a new price tier (named
/// `tier_name`) when one is asked for. The standard checkout questions are set.
pub struct Shop {
    pub admin: Api,
    pub buyer: Api,
    pub customer: Value,
    pub customer_id: String,
    pub login_id: String,
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
            (Some(name), Some(d)) => Some(
                admin
                    .new_tier(&json!({"name": name, "discount_percent": d}))
                    .await,
            ),
            _ => None,
        };
        let (customer, buyer) = admin.customer_with_login(tier_id.as_deref()).await;
        let customer_id = id_of(&customer, "customer_id");
        let open = json!({"ordering_enabled": true, "fulfillment_team": "North"});
        admin.update_customer(&customer_id, &open).await.ok(200);
        let login_id = id_of(&buyer.get("/me").await.ok(200)["login"], "login_id");
        Shop {
            admin,
            buyer,
            customer,
            customer_id,
            login_id,
            tier_name,
            flour,
            sugar,
        }
    }

    /// A shop whose account is on a new team with one address and that response time; (the
    /// shop, the team, its address).
    pub async fn on_team(minutes: Option<u32>) -> (Shop, Value, String) {
        let s = Shop::open(None).await;
        let (team, address) = s.admin.new_team(minutes).await;
        let joining = json!({"fulfillment_team_id": team["team_id"]});
        s.admin
            .update_customer(&s.customer_id, &joining)
            .await
            .ok(200);
        (s, team, address)
    }

    /// The buyer orders `quantity` of `sku`, answering the standard questions.
    pub async fn order(&self, sku: &str, quantity: u32) -> Reply {
        let body = json!({
            "lines": [{"sku": sku, "quantity": quantity}],
            "answers": standard_answers(),
        });
        self.buyer.submit(&body).await
    }

    /// The buyer orders what is in its cart, answering the standard questions.
    pub async fn order_the_cart(&self) -> Reply {
        let body = json!({"from_cart": true, "answers": standard_answers()});
        self.buyer.submit(&body).await
    }
}

impl Api {
    /// A new team with one address and that response time; (the team, its address).
    pub async fn new_team(&self, minutes: Option<u32>) -> (Value, String) {
        let address = crate::unique_email("team-desk");
        let team = self
            .post(
                "/admin/teams",
                &json!({"name": format!("Team {}", unique_word()), "notify_emails": [address],
                        "respond_within_minutes": minutes}),
            )
            .await
            .ok(201);
        (team, address)
    }

    /// Adds a product to the catalogue and returns it.
    pub async fn new_product(&self, sku: &str, amount: i64) -> Value {
        let body = json!({
            "sku": sku, "name": format!("Product {sku}"), "unit": "bag",
            "price": eur(amount),
        });
        self.post("/admin/products", &body).await.ok(201)
    }

    /// Adds a product whose SKU, `<prefix>-<a unique word>`, no other test uses; its SKU.
    pub async fn fresh_product(&self, prefix: &str, amount: i64) -> String {
        let sku = format!("{prefix}-{}", unique_word().to_uppercase());
        self.new_product(&sku, amount).await;
        sku
    }

    /// `PATCH /admin/products/{sku}`.
    pub async fn update_product(&self, sku: &str, changes: &Value) -> Reply {
        self.patch(&format!("/admin/products/{sku}"), changes).await
    }

    /// A new price tier (`name`, `discount_percent`, …); its id.
    pub async fn new_tier(&self, tier: &Value) -> String {
        let r = self.post("/admin/price-tiers", tier).await;
        id_of(&r.ok(201), "tier_id")
    }

    /// `POST /orders` with a fresh `Idempotency-Key`.
    pub async fn submit(&self, body: &Value) -> Reply {
        self.submit_keyed(&uuid::Uuid::new_v4().to_string(), body)
            .await
    }

    /// `POST /orders` with the `Idempotency-Key` `key`.
    pub async fn submit_keyed(&self, key: &str, body: &Value) -> Reply {
        self.post_keyed("/orders", key, body).await
    }

    /// How many items the first page of the listing at `path` holds.
    pub async fn count(&self, path: &str) -> usize {
        let r = self.get(path).await.ok(200);
        r["items"].as_array().expect("a listing").len()
    }
}

/// The events of an order's history, oldest first.
pub fn history(order: &Value) -> Vec<&str> {
    crate::pluck(&order["history"], "event")
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
