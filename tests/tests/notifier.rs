//! Email through the outbox, end to end: an outbox item written to DynamoDB Local reaches the
//! gateway's notifier through the stream pump and moto's SES; redelivery sends nothing more;
//! with SES down nothing is lost and housekeeping sends it once SES is back. Secrets are sealed
//! with moto's KMS, as the use cases seal them; an item from before sealing is still sent.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use aws_sdk_dynamodb::types::AttributeValue;
use orderdesk::app::{Shell, Vault};
use orderdesk::config::MailSettings;
use orderdesk::domain::{Email, Timestamp};
use orderdesk::dynamo::DynamoStore;
use orderdesk::dynamo::outbox as outbox_item;
use orderdesk::outbox::{EmailMessage, Mailroom, OutboxItem};
use orderdesk::portal::Portal;
use orderdesk::ses::SesMailer;
use orderdesk_tests::*;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SAMPLE_ID: &str = "0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_SEQUENCE: &str = "4421584500000000017450439091";

fn settings() -> MailSettings {
    stack();
    MailSettings::from_env().expect("the stack sets the mail settings")
}

async fn store() -> DynamoStore {
    DynamoStore::new(dynamodb().await, &stack().table_name)
}

/// The stack's sealer: moto's KMS key.
async fn vault() -> Vault {
    stack();
    Shell::from_env()
        .await
        .and_then(|shell| shell.vault())
        .expect("the stack sets SECRETS_KEY_ID")
}

/// Writes emails with secrets as the use cases do: sealed with the stack's key.
async fn mailroom() -> Mailroom<Vault> {
    Mailroom {
        portal: Portal::new(&settings().branding.portal_url, 7 * 86_400),
        sealer: vault().await,
    }
}

/// An invitation to a new address (`<prefix>-…`) with a unique link token, its link sealed:
/// the outbox item, the address and the token.
async fn new_invitation(prefix: &str) -> (OutboxItem, String, String) {
    let to = unique_email(prefix);
    let token = unique_word();
    let message = EmailMessage::Invitation {
        login_name: "Ann <Baker>".into(),
        customer_name: "Acme Bakery".into(),
        accept_url: format!("{}#/invite/{token}", settings().branding.portal_url).into(),
        expires_at: Timestamp::now().plus_seconds(7 * 86_400).to_string(),
    };
    let o = mailroom()
        .await
        .letter(Email::parse(&to).unwrap(), message, Timestamp::now())
        .await
        .expect("sealed by moto's KMS");
    (o, to, token)
}

fn temporary_password_message(password: &str) -> String {
    serde_json::json!({
        "template": "temporary_password",
        "login_name": "Ben",
        "customer_name": "Acme Bakery",
        "temporary_password": password,
        "sign_in_url": format!("{}#/sign-in", settings().branding.portal_url),
    })
    .to_string()
}

async fn temporary_password(to: &str, password: &str) -> OutboxItem {
    let message = EmailMessage::TemporaryPassword {
        login_name: "Ben".into(),
        customer_name: "Acme Bakery".into(),
        temporary_password: password.into(),
        sign_in_url: format!("{}#/sign-in", settings().branding.portal_url),
    };
    mailroom()
        .await
        .letter(Email::parse(to).unwrap(), message, Timestamp::now())
        .await
        .expect("sealed by moto's KMS")
}

/// Writes the item the way a state change does: in a transaction.
async fn write(o: &OutboxItem) {
    let store = store().await;
    store
        .client()
        .transact_write_items()
        .transact_items(store.put_outbox(o))
        .send()
        .await
        .expect("TransactWriteItems");
}

/// Writes the item so that the gateway's notifier never sees it: inserted without its `type`
/// (the stream filter wants `type = outbox` on an INSERT), then typed by an update (a MODIFY,
/// which the filter lets by).
async fn write_unseen_by_the_stream(o: &OutboxItem) {
    let mut item = outbox_item::to_item(o);
    item.remove("type");
    let db = dynamodb().await;
    db.put_item()
        .table_name(&stack().table_name)
        .set_item(Some(item))
        .send()
        .await
        .expect("PutItem");
    db.update_item()
        .table_name(&stack().table_name)
        .key("PK", AttributeValue::S(outbox_item::pk(&o.outbox_id)))
        .key("SK", AttributeValue::S(outbox_item::SK.into()))
        .update_expression("SET #type = :outbox")
        .expression_attribute_names("#type", "type")
        .expression_attribute_values(":outbox", AttributeValue::S("outbox".into()))
        .send()
        .await
        .expect("UpdateItem");
}

async fn stored(o: &OutboxItem) -> Item {
    item(&outbox_item::pk(&o.outbox_id), outbox_item::SK)
        .await
        .expect("the outbox item")
}

fn s(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn n(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// Waits (up to 20 s) until the item is marked sent.
async fn wait_until_sent(o: &OutboxItem) -> Item {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let item = stored(o).await;
        if s(&item, "status").as_deref() == Some("sent") {
            return item;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox item was not sent within 20 s: {item:?}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// The sample stream event, pointed at `o`.
fn stream_event(o: &OutboxItem) -> Event {
    let text = sample_event("notifier-stream.json")
        .to_string()
        .replace(SAMPLE_ID, &o.outbox_id);
    serde_json::from_str(&text).expect("a DynamoDB stream event")
}

#[tokio::test]
async fn an_outbox_item_is_emailed_with_its_link_and_marked_sent() {
    let (o, to, token) = new_invitation("invite").await;
    write(&o).await;
    assert!(!format!("{:?}", stored(&o).await).contains(&token));

    let mail = mailbox::wait_for(&to).await;
    assert_eq!(mail.subject, "Orderdesk: your invitation to order online");
    let link = format!("{}#/invite/{token}", settings().branding.portal_url);
    assert!(
        mail.body.contains(&format!("href=\"{link}\"")),
        "{}",
        mail.body
    );
    assert!(mail.body.contains("Hello Ann &lt;Baker&gt;,"));
    let sent = wait_until_sent(&o).await;
    assert!(!sent.contains_key("GSI2PK") && !sent.contains_key("GSI2SK"));
    assert!(!sent.contains_key("claimed_until"));
    assert!(s(&sent, "ses_message_id").is_some_and(|id| !id.is_empty()));
    assert!(s(&sent, "sent_at").is_some());
    assert!(n(&sent, "ttl").unwrap() > Timestamp::now().unix_seconds() + 29 * 86_400);
    assert!(
        s(&sent, "message").is_some_and(|m| m.contains("sealed") && !m.contains(&token)),
        "an invitation keeps its message, sealed"
    );
    assert_eq!(mailbox::to(&to).await.len(), 1);
}

#[tokio::test]
async fn a_password_email_leaves_no_password_at_rest() {
    let to = unique_email("temp");
    let password = format!("Tmp-{}", unique_word());

    let o = temporary_password(&to, &password).await;
    write(&o).await;
    let pending = format!("{:?}", stored(&o).await);

    let mail = mailbox::wait_for(&to).await;
    assert_eq!(mail.subject, "Orderdesk: your login to the ordering portal");
    assert!(mail.body.contains(&password));
    assert!(!pending.contains(&password), "{pending}");
    let sent = wait_until_sent(&o).await;
    assert!(!sent.contains_key("message"), "{sent:?}");
    assert!(!format!("{sent:?}").contains(&password));
}

#[tokio::test]
async fn an_item_written_before_secrets_were_sealed_is_still_sent_and_its_password_dropped() {
    let to = unique_email("legacy");
    let password = format!("Old-{}", unique_word());
    let o = OutboxItem::new(
        Email::parse(&to).unwrap(),
        EmailMessage::OrderRequested {
            customer_name: String::new(),
            login_name: String::new(),
            order_number: String::new(),
            total: String::new(),
            line_count: 0,
            order_url: String::new(),
            summary: Default::default(),
            confirmed_by_rule: None,
        },
        Timestamp::now(),
    );
    let mut old = outbox_item::to_item(&o);
    old.insert(
        "template".into(),
        AttributeValue::S("temporary_password".into()),
    );
    old.insert(
        "message".into(),
        AttributeValue::S(temporary_password_message(&password)),
    );
    dynamodb()
        .await
        .put_item()
        .table_name(&stack().table_name)
        .set_item(Some(old))
        .send()
        .await
        .expect("PutItem");

    let mail = mailbox::wait_for(&to).await;

    assert!(mail.body.contains(&password));
    let sent = wait_until_sent(&o).await;
    assert!(!format!("{sent:?}").contains(&password));
}

#[tokio::test]
async fn a_redelivered_record_of_a_sent_item_sends_nothing_more() {
    let (o, to, _) = new_invitation("again").await;
    write(&o).await;
    mailbox::wait_for(&to).await;
    wait_until_sent(&o).await;
    let notifier = orderdesk_notifier::App::from_env()
        .await
        .expect("configured by the stack");

    let response = notifier.handle(stream_event(&o)).await;
    let again = notifier.handle(stream_event(&o)).await;

    assert!(response.batch_item_failures.is_empty());
    assert!(again.batch_item_failures.is_empty());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mailbox::to(&to).await.len(), 1);
}

/// A notifier whose SES is a loopback port nobody listens on.
async fn notifier_with_ses_down() -> orderdesk_notifier::App {
    let aws = orderdesk::config::aws().await;
    let ses = aws_sdk_sesv2::config::Builder::from(&aws)
        .endpoint_url(closed_port_url())
        .retry_config(aws_sdk_sesv2::config::retry::RetryConfig::disabled())
        .build();
    let settings = settings();
    let mailer = SesMailer::new(
        aws_sdk_sesv2::Client::from_conf(ses),
        &settings.sender_email,
        &settings.branding.seller_name,
    );
    orderdesk_notifier::App::new(
        store().await,
        Arc::new(mailer),
        orderdesk::outbox::Mailroom {
            portal: orderdesk::config::Settings::from_env()
                .portal()
                .expect("the stack sets PORTAL_URL"),
            sealer: vault().await,
        },
        settings.branding,
    )
}

#[tokio::test]
async fn with_ses_down_nothing_is_lost_and_housekeeping_sends_it_exactly_once() {
    let (o, to, token) = new_invitation("down").await;
    write_unseen_by_the_stream(&o).await;

    let response = notifier_with_ses_down()
        .await
        .handle(stream_event(&o))
        .await;

    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_deref())
        .collect();
    assert_eq!(failed, [Some(SAMPLE_SEQUENCE)]);
    let pending = stored(&o).await;
    assert_eq!(s(&pending, "status").as_deref(), Some("pending"));
    assert_eq!(n(&pending, "attempts"), Some(1));
    assert_eq!(s(&pending, "GSI2PK").as_deref(), Some(outbox_item::PENDING));
    assert!(s(&pending, "last_error").is_some_and(|e| !e.is_empty()));
    assert!(!pending.contains_key("claimed_until"));
    assert!(mailbox::to(&to).await.is_empty());

    let housekeeping =
        orderdesk_housekeeping::App::from_env_with(orderdesk_housekeeping::Options {
            redrive_after: Duration::ZERO,
        })
        .await
        .expect("configured by the stack");
    let summary = housekeeping.run(Timestamp::now()).await;
    let again = housekeeping.run(Timestamp::now()).await;

    assert!(summary.failed().is_empty(), "{summary:?}");
    let redrive = &summary.jobs[0];
    assert_eq!(redrive.job, "redrive_outbox");
    assert!(redrive.counts.as_ref().unwrap()["sent"].as_u64() >= Some(1));
    assert!(again.failed().is_empty(), "{again:?}");
    let sent = stored(&o).await;
    assert_eq!(s(&sent, "status").as_deref(), Some("sent"));
    assert!(!sent.contains_key("GSI2PK"));
    let mail = mailbox::to(&to).await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].body.contains(&token));
}

#[tokio::test]
async fn the_scheduled_event_sample_runs_housekeeping() {
    stack();
    let event: EventBridgeEvent =
        serde_json::from_value(sample_event("housekeeping-schedule.json"))
            .expect("an EventBridge event");
    let housekeeping = orderdesk_housekeeping::App::from_env()
        .await
        .expect("configured by the stack");

    let summary = housekeeping
        .handle(event)
        .await
        .expect("every job succeeds");

    let jobs: Vec<_> = summary.jobs.iter().map(|j| j.job).collect();
    assert!(jobs.contains(&"redrive_outbox"), "{jobs:?}");
}

/// A page's `Content-Security-Policy`.
fn csp(page: &reqwest::Response) -> &str {
    page.headers()["content-security-policy"].to_str().unwrap()
}

#[tokio::test]
async fn the_mailbox_page_lists_a_sent_email() {
    let (o, to, token) = new_invitation("page").await;
    write(&o).await;
    mailbox::wait_for(&to).await;
    let http = http();
    let get = |path: &str| http.get(format!("{}{path}", stack().api_url)).send();

    let page = get("/dev/mailbox").await.expect("the gateway answers");
    assert_eq!(page.status(), 200);
    assert!(csp(&page).contains("default-src 'none'"));
    let html = page.text().await.unwrap();
    assert!(html.contains(&to), "the page lists the email to {to}");

    let json: Value = get("/dev/mailbox.json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mail = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["to"][0] == to.as_str())
        .expect("the email is listed");
    assert!(mail["body"].as_str().unwrap().contains(&token));
    assert!(mail["seen_at"].as_str().is_some());

    let one = get(&format!("/dev/mailbox/{}", mail["id"].as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(one.status(), 200);
    assert!(csp(&one).starts_with("sandbox"));
    assert!(one.text().await.unwrap().contains(&token));
}
