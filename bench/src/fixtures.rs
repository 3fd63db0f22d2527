//! The data every measurement runs on, created through the local gateway exactly as a seller
//! and its customers would: products, a price tier, checkout questions, customers with
//! password logins (real Cognito users in moto, signed in for their claims), and invitations
//! whose links are read from the emails the notifier sent.

use crate::events::Claims;
use orderdesk_tests::{
    Api, Reply, ensure_standard_questions, mailbox, standard_answers, unique_email,
};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A customer account with ordering on and one signed-in login.
pub struct Buyer {
    pub customer_id: String,
    pub claims: Claims,
    pub api: Api,
}

pub struct Fixtures {
    pub admin: Claims,
    /// The login the in-process measurements act as.
    pub buyer: Buyer,
    /// One login per concurrent client of the throughput run.
    pub clients: Vec<Buyer>,
    pub skus: Vec<String>,
    /// Open invitation links (tokens), one per accept to measure.
    pub invitations: Vec<String>,
}

/// Products on an order.
const LINES: usize = 5;

impl Fixtures {
    /// The body of an order of [`LINES`] products, with the checkout answers.
    pub fn order_body(&self) -> Value {
        let lines: Vec<Value> = self
            .skus
            .iter()
            .take(LINES)
            .enumerate()
            .map(|(i, sku)| json!({"sku": sku, "quantity": i + 1}))
            .collect();
        json!({"lines": lines, "answers": standard_answers(), "notes": "Deliver to the back door"})
    }
}

pub async fn prepare(clients: usize, invitations: usize) -> Fixtures {
    ensure_standard_questions().await;
    let admin_api = Api::admin().await;
    let admin = Claims::of_token(&admin_api.token_claims(), "admins");
    let word = orderdesk_tests::unique_word().to_uppercase();

    let mut skus = Vec::new();
    for i in 0..10 {
        let sku = format!("BENCH-{word}-{i:02}");
        admin_api.new_product(&sku, 1250 + 175 * i).await;
        skus.push(sku);
    }
    let tier = json!({"name": format!("Bench {word}"), "discount_percent": 10});
    let r = expect(
        admin_api.post("/admin/price-tiers", &tier).await,
        201,
        "creating a price tier",
    );
    let tier = r.body["tier_id"].as_str().expect("a tier id").to_owned();

    let buyers = futures::future::join_all((0..=clients).map(|_| buyer(&admin_api, &tier))).await;
    let mut buyers = buyers.into_iter();
    let buyer = buyers.next().expect("one buyer at least");

    let tokens = invite(&admin_api, invitations).await;
    Fixtures {
        admin,
        buyer,
        clients: buyers.collect(),
        skus,
        invitations: tokens,
    }
}

/// `reply`, once it has `status`; `what` says what it was for when it has not.
fn expect(reply: Reply, status: u16, what: &str) -> Reply {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    reply
}

async fn buyer(admin: &Api, tier: &str) -> Buyer {
    let (customer, api) = admin.customer_with_login(Some(tier)).await;
    let customer_id = customer["customer_id"].as_str().expect("an id").to_owned();
    let path = format!("/admin/customers/{customer_id}");
    let ordering = json!({"ordering_enabled": true});
    expect(
        admin.patch(&path, &ordering).await,
        200,
        "enabling ordering",
    );
    Buyer {
        customer_id,
        claims: Claims::of_token(&api.token_claims(), "customers"),
        api,
    }
}

/// `n` invitations to one customer; their tokens are read from the emails sent.
async fn invite(admin: &Api, n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let customer = admin.new_customer().await;
    let id = customer["customer_id"].as_str().expect("an id").to_owned();
    // One after the other: provisioning logins of one customer at once conflicts on the
    // customer's status (HTTP 500 "something changed meanwhile").
    let mut emails = Vec::new();
    for i in 0..n {
        let email = unique_email("bench-invitee");
        let login = json!({"name": format!("Invitee {i}"), "email": email});
        let path = format!("/admin/customers/{id}/logins");
        expect(admin.post(&path, &login).await, 201, "inviting a login");
        emails.push(email);
    }
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let mail = mailbox::all().await;
        let tokens: Vec<String> = emails
            .iter()
            .filter_map(|e| {
                mail.iter()
                    .find(|m| m.to.contains(e))
                    .map(mailbox::invitation_token)
            })
            .collect();
        if tokens.len() == emails.len() {
            return tokens;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {} invitation emails arrived",
            tokens.len(),
            emails.len()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
