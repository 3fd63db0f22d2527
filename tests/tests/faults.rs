//! Faults a user meets, injected into the running stack: DynamoDB stalling past a call's
//! timeout, SES failing for a while, Cognito unreachable while a login is made. Each test asserts
//! what the user sees (a 503 that says a keyed retry is safe, then exactly one order, login or
//! email) and what the table holds.
//!
//! A stalled service is a proxy in front of the real one, used by one function built in this
//! process, so no other test meets it. Failing SES is the stack's own SES refusing the sender,
//! so it holds every email of this binary while it lasts: the tests that wait for an email take
//! [`EMAIL`] to read, the one that breaks SES takes it to write.

use lambda_http::{Body, Response};
use orderdesk::app::Shell;
use orderdesk::cognito::CognitoIdentity;
use orderdesk::config::Settings;
use orderdesk::domain::Timestamp;
use orderdesk::dynamo::DynamoStore;
use orderdesk::http::{HttpFunction, REQUEST_DEADLINE};
use orderdesk::orders::SellerDesk;
use orderdesk::outbox::Mailroom;
use orderdesk_tests::faults::Stall;
use orderdesk_tests::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// Held to read while a test waits for an email, to write while SES refuses every email.
static EMAIL: RwLock<()> = RwLock::const_new(());

/// What a function built in this process answered, as the gateway would have passed it on.
async fn call(
    function: &impl HttpFunction,
    route: &str,
    path: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> Reply {
    let req = api_request(route, path, token, &[("Idempotency-Key", key)], Some(body));
    reply(function.handle(req).await)
}

fn reply(res: Response<Body>) -> Reply {
    let body = serde_json::from_slice(res.body().as_ref()).unwrap_or(Value::Null);
    Reply {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        body,
    }
}

/// Asserts the answer to a request that ran out of time: a 503 problem with `Retry-After` whose
/// detail says that sending it again with the same key is safe.
fn assert_try_again(r: &Reply) {
    let detail = r.detail(503);
    assert!(detail.contains("same Idempotency-Key"), "{detail}");
    let wait: u32 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
}

/// The SDK configuration the functions use (timeouts and retries included).
async fn aws() -> aws_config::SdkConfig {
    stack();
    orderdesk::config::aws().await
}

/// The store on DynamoDB at `url`, with the functions' own client settings.
async fn store_at(url: &str) -> DynamoStore {
    let client = orderdesk::dynamo::client(&aws().await);
    let config = client.config().to_builder().endpoint_url(url).build();
    DynamoStore::new(
        aws_sdk_dynamodb::Client::from_conf(config),
        &stack().table_name,
    )
}

/// The `order-submission` function, its DynamoDB behind `stall`.
async fn submission_behind(stall: &Stall) -> orderdesk_order_submission::App {
    let settings = Settings::from_env();
    let desk = SellerDesk {
        inbox: settings.seller_inbox().unwrap(),
        portal: settings.portal().unwrap(),
        seller: settings.seller(),
        clock: settings.seller_clock().unwrap(),
    };
    orderdesk_order_submission::App::new((store_at(stall.url()).await, desk))
}

/// The stored order `id`.
async fn order_item(id: &str) -> Option<Item> {
    item(&format!("ORDER#{id}"), "ORDER").await
}

/// The ids of the buyer's orders, as `GET /orders` lists them.
async fn order_ids(shop: &Shop) -> Vec<String> {
    let orders = shop.buyer.get("/orders").await.ok(200);
    pluck(&orders["items"], "order_id")
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Waits for the seller's email about `order_number`, then a moment for a second one, and
/// returns how many came.
async fn seller_emails_about(order_number: &str) -> usize {
    let seller = &stack().seller_notify_email;
    mailbox::wait_for_subject(seller, order_number).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mail = mailbox::to(seller).await;
    mail.iter()
        .filter(|m| m.subject.contains(order_number))
        .count()
}

fn an_order(shop: &Shop) -> Value {
    json!({"lines": [{"sku": shop.flour, "quantity": 2}], "answers": standard_answers()})
}

/// A shop whose order submission reaches DynamoDB through a stall, and one keyed order to
/// submit (again) through it.
struct StalledOrder {
    shop: Shop,
    stall: Stall,
    submission: orderdesk_order_submission::App,
    key: String,
    body: Value,
}

impl StalledOrder {
    async fn new() -> Self {
        let shop = Shop::open(None).await;
        let stall = Stall::in_front_of(&stack().dynamodb_endpoint).await;
        let submission = submission_behind(&stall).await;
        let body = an_order(&shop);
        Self {
            shop,
            stall,
            submission,
            key: uuid::Uuid::new_v4().to_string(),
            body,
        }
    }

    async fn submit(&self) -> Reply {
        let token = self.shop.buyer.token();
        call(
            &self.submission,
            "POST /orders",
            "/orders",
            token,
            &self.key,
            &self.body,
        )
        .await
    }

    /// The submission's answer, and how long it took.
    async fn timed(&self) -> (Reply, Duration) {
        let started = Instant::now();
        let first = self.submit().await;
        let took = started.elapsed();
        eprintln!(
            "the stalled submission was answered {} after {took:?}",
            first.status
        );
        (first, took)
    }
}

#[tokio::test]
async fn an_order_whose_database_stalls_is_a_503_in_time_and_the_keyed_retry_places_it_once() {
    let _email = EMAIL.read().await;
    let o = StalledOrder::new().await;
    let (shop, stall) = (&o.shop, &o.stall);
    let submit = || o.submit();

    stall.stall_from("");
    let (first, took) = o.timed().await;

    assert_try_again(&first);
    assert!(took < REQUEST_DEADLINE, "answered after {took:?}");
    assert_eq!(order_ids(shop).await, Vec::<String>::new());

    stall.resume();
    let order = submit().await.ok(201);
    let again = submit().await;

    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.ok(200)["order_id"], order["order_id"]);
    let id = id_of(&order, "order_id");
    assert_eq!(order_ids(shop).await, std::slice::from_ref(&id));
    assert!(order_item(&id).await.is_some());
    let number = id_of(&order, "order_number");
    assert_eq!(seller_emails_about(&number).await, 1);
}

#[tokio::test]
async fn an_order_written_as_the_database_stalls_is_a_503_and_the_keyed_retry_returns_that_order() {
    let _email = EMAIL.read().await;
    let o = StalledOrder::new().await;
    let (shop, stall) = (&o.shop, &o.stall);
    let submit = || o.submit();

    stall.stall_from("TransactWriteItems");
    let (first, took) = o.timed().await;

    assert_try_again(&first);
    assert!(
        took < REQUEST_DEADLINE + Duration::from_millis(500),
        "answered after {took:?}"
    );
    let written = order_ids(shop).await;
    assert_eq!(written.len(), 1, "the order was written: {written:?}");

    stall.resume();
    let retry = submit().await;

    assert_eq!(retry.headers["idempotent-replayed"], "true");
    let order = retry.ok(200);
    assert_eq!(order["order_id"], written[0].as_str());
    assert_eq!(order["status"], "requested");
    assert_eq!(order_ids(shop).await, written);
    let number = id_of(&order, "order_number");
    assert_eq!(seller_emails_about(&number).await, 1);
}

/// The `logins` function, its Cognito a port nobody listens on.
async fn logins_without_cognito() -> orderdesk_logins::App {
    let aws = aws().await;
    let config = aws_sdk_cognitoidentityprovider::config::Builder::from(&aws)
        .endpoint_url(closed_port_url())
        .build();
    let users = CognitoIdentity::new(
        aws_sdk_cognitoidentityprovider::Client::from_conf(config),
        &stack().user_pool_id,
    );
    let store = store_at(&stack().dynamodb_endpoint).await;
    let mailroom = Mailroom {
        portal: Settings::from_env().portal().unwrap(),
        sealer: Shell::from_env()
            .await
            .and_then(|shell| shell.vault())
            .expect("the stack sets SECRETS_KEY_ID"),
    };
    orderdesk_logins::App::new((store, users, mailroom))
}

fn text(item: &Item, name: &str) -> String {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

fn number(item: &Item, name: &str) -> i64 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_login_made_while_cognito_is_unreachable_is_a_503_leaves_nothing_and_the_keyed_retry_makes_it_once()
 {
    let _email = EMAIL.read().await;
    let admin = Api::admin().await;
    let logins = logins_without_cognito().await;
    let sub = id_of(&admin.token_claims(), "sub");
    for mode in ["password", "temporary_password"] {
        let cid = admin.new_customer_id().await;
        let email = unique_email("nocognito");
        let mut body = json!({"name": "Half Way", "email": email, "mode": mode});
        if mode == "password" {
            body["password"] = json!(PASSWORD);
        }
        let key = uuid::Uuid::new_v4().to_string();
        let path = format!("/admin/customers/{cid}/logins");
        let route = "POST /admin/customers/{customer_id}/logins";

        let first = call(&logins, route, &path, admin.token(), &key, &body).await;

        assert_try_again(&first);
        let listed = admin.get(&path).await.ok(200);
        assert_eq!(listed["items"], json!([]), "{mode}: no login");
        let guard = item(&format!("LOGINEMAIL#{email}"), "LOGINEMAIL").await;
        assert!(guard.is_none(), "{mode}: the address is free");
        let record = format!("IDEMPOTENCY#{sub}#POST {path}#{key}");
        assert!(item(&record, "IDEMPOTENCY").await.is_none(), "{mode}");
        let outbox = pending_outbox().await;
        assert!(
            !outbox.iter().any(|o| text(o, "to") == email),
            "{mode}: no email"
        );
        assert!(!cognito_user_exists(&email).await, "{mode}: no user");
        let customer = admin.get(&format!("/admin/customers/{cid}")).await.ok(200);
        assert_eq!(customer["status"], "pending", "{mode}");

        let made = admin.post_keyed(&path, &key, &body).await.ok(201);
        let replayed = admin.post_keyed(&path, &key, &body).await.ok(200);

        assert_eq!(replayed["login_id"], made["login_id"], "{mode}");
        let listed = admin.get(&path).await.ok(200);
        assert_eq!(pluck(&listed["items"], "email"), [email.as_str()], "{mode}");
        if mode == "password" {
            sign_in(&email, PASSWORD).await;
        } else {
            mailbox::wait_for(&email).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert_eq!(mailbox::to(&email).await.len(), 1, "one temporary password");
        }
    }
}

/// The stack's SES refusing every email while this lives: its sender identity is deleted, so
/// SES rejects what the notifier sends; dropped, the identity is made again, even when the test
/// fails, so no later test finds SES refusing.
struct SesRefusing;

impl SesRefusing {
    async fn ses() -> aws_sdk_sesv2::Client {
        let conf = aws_sdk_sesv2::config::Builder::from(&aws().await)
            .endpoint_url(&stack().aws_endpoint)
            .build();
        aws_sdk_sesv2::Client::from_conf(conf)
    }

    async fn start() -> SesRefusing {
        Self::ses()
            .await
            .delete_email_identity()
            .email_identity(&stack().sender_email)
            .send()
            .await
            .expect("DeleteEmailIdentity");
        SesRefusing
    }
}

impl Drop for SesRefusing {
    fn drop(&mut self) {
        let restore = std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let made = Self::ses()
                    .await
                    .create_email_identity()
                    .email_identity(&stack().sender_email)
                    .send()
                    .await;
                if let Err(e) = made {
                    let exists = e
                        .as_service_error()
                        .is_some_and(|e| e.is_already_exists_exception());
                    assert!(exists, "CreateEmailIdentity: {e:?}");
                }
            });
        });
        restore.join().expect("the sender identity is made again");
    }
}

/// Attempts the local stream pump makes per outbox item before it drops the record (its first
/// and 3 retries), as Lambda would after its retries: from then on only housekeeping sends it.
const PUMP_ATTEMPTS: i64 = 4;

/// Waits (up to 30 s) until every pending outbox item `mine` picks has been tried by the
/// notifier as often as the stream pump will, and returns them.
async fn given_up_by_the_pump(expected: usize, mine: impl Fn(&Item) -> bool) -> Vec<Item> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let items: Vec<Item> = pending_outbox().await.into_iter().filter(&mine).collect();
        if items.len() == expected && items.iter().all(|i| number(i, "attempts") >= PUMP_ATTEMPTS) {
            return items;
        }
        assert!(
            Instant::now() < deadline,
            "not all tried {PUMP_ATTEMPTS} times: {items:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn while_ses_fails_no_email_is_lost_and_housekeeping_sends_each_exactly_once() {
    let _email = EMAIL.write().await;
    let shop = Shop::open(None).await;
    let admin = &shop.admin;
    let buyer_email = id_of(&shop.buyer.get("/me").await.ok(200)["login"], "email");
    let seller = stack().seller_notify_email.to_lowercase();
    let started = Timestamp::now().to_string();
    let refusing = SesRefusing::start().await;

    let other = admin.new_customer_id().await;
    let (invited, temporary) = (unique_email("invited"), unique_email("temporary"));
    admin.invite(&other, "Ivy", &invited).await;
    let temp = json!({"name": "Tim", "email": temporary, "mode": "temporary_password"});
    admin.create_login(&other, &temp).await.ok(201);
    let order = shop.order(&shop.flour, 1).await.ok(201);
    let confirm = format!("/admin/orders/{}/confirm", id_of(&order, "order_id"));
    admin.post(&confirm, &json!({})).await.ok(200);
    let order_number = id_of(&order, "order_number");

    let ours = [
        invited.clone(),
        temporary.clone(),
        buyer_email.clone(),
        format!("logins-of:{}", shop.customer_id),
    ];
    let failed = given_up_by_the_pump(5, |o| {
        let to = text(o, "to");
        ours.contains(&to) || (to == seller && text(o, "created_at") >= started)
    })
    .await;
    assert!(failed.iter().all(|o| !text(o, "last_error").is_empty()));
    let about_the_order = |m: &mailbox::Mail| m.subject.contains(&order_number);
    for to in [&invited, &temporary, &buyer_email] {
        assert!(mailbox::to(to).await.is_empty(), "nothing reached {to} yet");
    }
    assert!(!mailbox::to(&seller).await.iter().any(about_the_order));

    drop(refusing);
    let housekeeping =
        orderdesk_housekeeping::App::from_env_with(orderdesk_housekeeping::Options {
            redrive_after: Duration::ZERO,
        })
        .await
        .expect("configured by the stack");
    let summary = housekeeping.run(Timestamp::now()).await;
    let again = housekeeping.run(Timestamp::now()).await;

    assert!(summary.failed().is_empty(), "{summary:?}");
    assert!(again.failed().is_empty(), "{again:?}");
    let redrive = &summary.jobs[0];
    assert_eq!(redrive.job, "redrive_outbox");
    assert!(
        redrive.counts.as_ref().unwrap()["sent"].as_u64() >= Some(5),
        "{redrive:?}"
    );
    for o in &failed {
        let key = (text(o, "PK"), text(o, "SK"));
        let now = item(&key.0, &key.1).await.expect("the outbox item");
        assert_eq!(text(&now, "status"), "sent", "{now:?}");
    }
    for to in [&invited, &temporary] {
        assert_eq!(mailbox::to(to).await.len(), 1, "one email to {to}");
    }
    let to_seller = mailbox::to(&seller).await;
    assert_eq!(to_seller.iter().filter(|m| about_the_order(m)).count(), 1);
    let to_buyer: Vec<String> = mailbox::to(&buyer_email)
        .await
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert_eq!(
        to_buyer.len(),
        2,
        "received and confirmed, once each: {to_buyer:?}"
    );
    for what in ["received", "is confirmed"] {
        let about = |s: &&String| s.contains(&order_number) && s.contains(what);
        assert_eq!(
            to_buyer.iter().filter(about).count(),
            1,
            "{what}: {to_buyer:?}"
        );
    }
}
