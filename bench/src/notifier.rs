//! The notifier's share of an order: its DynamoDB calls and capacity for one email, measured
//! on a real outbox item. The item lives in a side table with the same keys and indexes but no
//! stream, so that the local gateway's stream pump cannot deliver it first.

use crate::events::{Event, SAMPLE_OUTBOX};
use aws_sdk_dynamodb::types::{BillingMode, GlobalSecondaryIndex};
use orderdesk::config::Settings;
use orderdesk::domain::{Email, Timestamp};
use orderdesk::dynamo::DynamoStore;
use orderdesk::dynamo::calls::{self, Calls};
use orderdesk::outbox::{EmailMessage, OrderSummary, OutboxItem, SummaryLine};
use orderdesk::ses::SesMailer;
use std::sync::Arc;

/// A copy of `table`'s key schema and indexes, without a stream. Its name.
async fn side_table(client: &aws_sdk_dynamodb::Client, table: &str) -> String {
    let name = format!("{table}-bench-notifier");
    let described = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .expect("DescribeTable")
        .table
        .expect("a table");
    let indexes: Vec<GlobalSecondaryIndex> = described
        .global_secondary_indexes()
        .iter()
        .map(|g| {
            GlobalSecondaryIndex::builder()
                .set_index_name(g.index_name.clone())
                .set_key_schema(g.key_schema.clone())
                .set_projection(g.projection.clone())
                .build()
                .expect("an index")
        })
        .collect();
    let created = client
        .create_table()
        .table_name(&name)
        .set_attribute_definitions(described.attribute_definitions.clone())
        .set_key_schema(described.key_schema.clone())
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await;
    if let Err(e) = created {
        let text = aws_sdk_dynamodb::error::DisplayErrorContext(&e).to_string();
        assert!(text.contains("ResourceInUse"), "CreateTable: {text}");
    }
    name
}

/// One kind of email through the notifier: its calls (the last delivery's) and the handler CPU
/// per delivery, averaged over `n`.
pub struct Delivery {
    pub label: &'static str,
    pub calls: Calls,
    pub cpu: std::time::Duration,
}

/// The notifier's calls for `OrderRequested` and `OrderDecided` emails, each delivered `n` times.
pub async fn per_email(n: usize) -> Vec<Delivery> {
    let aws = orderdesk::config::aws().await;
    let client = orderdesk::dynamo::client(&aws);
    let env = Settings::from_env();
    let settings = env.mail().expect("the stack sets the mail settings");
    let table = side_table(&client, env.table_name().expect("TABLE_NAME")).await;
    let shell = orderdesk::app::Shell::from_env()
        .await
        .expect("the stack sets TABLE_NAME");
    let app = orderdesk_notifier::App::new(
        DynamoStore::new(client.clone(), &table),
        Arc::new(SesMailer::new(
            aws_sdk_sesv2::Client::new(&aws),
            &settings.sender_email,
            &settings.branding.seller_name,
        )),
        orderdesk::outbox::Mailroom {
            portal: env.portal().expect("the stack sets PORTAL_URL"),
            sealer: shell.vault().expect("the stack sets SECRETS_KEY_ID"),
        },
        settings.branding.clone(),
    );
    let seller = std::env::var("SELLER_NOTIFY_EMAIL").expect("SELLER_NOTIFY_EMAIL");
    let seller = Email::parse(&seller).expect("an email");
    let buyer = Email::parse("buyer@acme-bakery.example").expect("an email");
    let url = "https://d111111abcdef8.cloudfront.net/#/orders/ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
    let emails = [
        (
            "order requested (to the seller)",
            seller,
            EmailMessage::OrderRequested {
                customer_name: "Acme Bakery Supplies Ltd".into(),
                login_name: "Ann Baker".into(),
                order_number: "SO-004217".into(),
                total: "EUR 1,234.50".into(),
                line_count: 5,
                order_url: url.into(),
                summary: five_lines(),
                confirmed_by_rule: None,
            },
        ),
        (
            "order confirmed (to each login)",
            buyer,
            EmailMessage::OrderDecided {
                login_name: "Ann Baker".into(),
                order_number: "SO-004217".into(),
                confirmed: true,
                reason: None,
                order_url: url.into(),
                summary: five_lines(),
            },
        ),
    ];
    let mut out = Vec::new();
    for (label, to, message) in emails {
        let mut events = Vec::new();
        for _ in 0..n.max(1) {
            let item = OutboxItem::new(to.clone(), message.clone(), Timestamp::now());
            client
                .put_item()
                .table_name(&table)
                .set_item(Some(orderdesk::dynamo::outbox::to_item(&item)))
                .send()
                .await
                .expect("PutItem of an outbox item");
            let event = Event::sample("notifier-stream.json").with(SAMPLE_OUTBOX, &item.outbox_id);
            let event: aws_lambda_events::event::dynamodb::Event =
                serde_json::from_str(&event.json()).expect("a DynamoDB stream event");
            events.push(event);
        }
        let count = events.len();
        let mut last = Calls::default();
        let cpu = crate::latency::cpu_time();
        for event in events {
            let (res, calls) = calls::record(app.handle(event)).await;
            if !res.batch_item_failures.is_empty() {
                eprintln!("[bench] notifier: {label} was not delivered");
            }
            last = calls;
        }
        out.push(Delivery {
            label,
            calls: last,
            cpu: (crate::latency::cpu_time() - cpu) / count as u32,
        });
    }
    out
}

/// An order of five lines with a PO number and an edit, as a busy seller's emails show one.
fn five_lines() -> OrderSummary {
    OrderSummary {
        lines: (1..=5)
            .map(|i| SummaryLine {
                name: format!("Wheat flour type {i}, 25 kg"),
                sku: format!("FLOUR-{i}"),
                quantity: i * 3,
                unit_price: "EUR 24.50".into(),
                line_total: format!("EUR {}.50", 24 * i * 3),
            })
            .collect(),
        total: "EUR 1,234.50".into(),
        answers: vec![("PO number".into(), "PO-2026-0042".into())],
        notes: Some("Deliver to the back door.".into()),
        changes: vec!["Wheat flour type 2, 25 kg: 8 → 6; total EUR 1,283.50 → EUR 1,234.50".into()],
        ship_to: vec![
            "Main bakery".into(),
            "Goods in".into(),
            "12 Rue des Fleurs".into(),
            "69001 Lyon".into(),
            "FR".into(),
        ],
        requested_delivery_date: Some("2026-12-24".into()),
    }
}
