//! The webhook load check: 1,000 events to three webhooks on loopback, one answering 200, one
//! 500 and one after 5 s, while buyers keep ordering. The healthy webhook gets every event and
//! the orders' emails keep arriving whatever the other two do; the failing one has every
//! delivery recorded for its retries; the slow one gets its events one at a time, in order, and
//! what it has not yet got waits in its queue. No change arrives under two ids.

use crate::fixtures::Fixtures;
use crate::report::Table;
use orderdesk_tests::receiver::Receiver;
use orderdesk_tests::{Api, id_of, mailbox, stack};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Events the check makes: customer updates, ten accounts changed a hundred times each.
const EVENTS: usize = 1000;
const ACCOUNTS: usize = 10;
/// Orders placed meanwhile, whose emails must keep flowing.
const ORDERS: usize = 20;
/// How long the healthy webhook may take to get everything.
const WITHIN: Duration = Duration::from_secs(240);

async fn register(admin: &Api, url: &str) -> String {
    let body = json!({"url": url, "events": ["customer.updated"], "description": "bench"});
    id_of(
        &admin.post("/admin/webhooks", &body).await.ok(201),
        "webhook_id",
    )
}

/// The updates' events a receiver got: event id → the name the update set.
fn updates(receiver: &Receiver, accounts: &BTreeSet<String>) -> Vec<(String, String)> {
    receiver
        .got()
        .iter()
        .map(|r| r.json())
        .filter(|e| e["type"] == "customer.updated")
        .filter(|e| accounts.contains(e["data"]["customer_id"].as_str().unwrap_or_default()))
        .map(|e| {
            (
                e["id"].as_str().unwrap_or_default().to_owned(),
                e["data"]["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn waiting_messages() -> usize {
    let url = &stack().webhook_queue_url;
    let attributes = orderdesk_tests::sqs()
        .await
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
        .send()
        .await;
    let count = |name| {
        attributes
            .as_ref()
            .ok()
            .and_then(|a| a.attributes())
            .and_then(|a| a.get(&name))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
    };
    use aws_sdk_sqs::types::QueueAttributeName as Q;
    count(Q::ApproximateNumberOfMessages) + count(Q::ApproximateNumberOfMessagesNotVisible)
}

pub async fn webhooks_section(table: &mut Table, fx: &Fixtures) {
    let admin = Api::admin().await;
    let (healthy, failing, slow) = (
        Receiver::start(200).await,
        Receiver::start(500).await,
        Receiver::start(200).await,
    );
    slow.answer(200, Duration::from_secs(5));
    let hooks = [
        register(&admin, &healthy.url).await,
        register(&admin, &failing.url).await,
        register(&admin, &slow.url).await,
    ];
    let mut accounts = BTreeSet::new();
    for _ in 0..ACCOUNTS {
        accounts.insert(admin.new_customer_id().await);
    }
    let started = Instant::now();

    let changes = futures::future::join_all(accounts.iter().map(|id| {
        let admin = &admin;
        async move {
            for i in 0..EVENTS / ACCOUNTS {
                let name = format!("Load {id} {i}");
                admin
                    .update_customer(id, &json!({"name": name}))
                    .await
                    .ok(200);
            }
        }
    }));
    let orders = async {
        let mut numbers = Vec::new();
        for i in 0..ORDERS {
            let buyer = &fx.clients[i % fx.clients.len()];
            let placed = buyer.api.submit(&fx.order_body()).await.ok(201);
            numbers.push(
                placed["order_number"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        numbers
    };
    let (_, numbers) = tokio::join!(changes, orders);
    let written = started.elapsed();

    let inbox = &stack().seller_notify_email;
    let (mut healthy_done, mut failing_done, mut mail_done) = (None, None, None);
    while started.elapsed() < WITHIN
        && (healthy_done.is_none() || failing_done.is_none() || mail_done.is_none())
    {
        let distinct = |r: &Receiver| {
            updates(r, &accounts)
                .into_iter()
                .map(|(id, _)| id)
                .collect::<BTreeSet<_>>()
                .len()
        };
        if healthy_done.is_none() && distinct(&healthy) >= EVENTS {
            healthy_done = Some(started.elapsed());
        }
        if failing_done.is_none() && distinct(&failing) >= EVENTS {
            failing_done = Some(started.elapsed());
        }
        if mail_done.is_none() {
            let mails = mailbox::to(inbox).await;
            if numbers
                .iter()
                .all(|n| mails.iter().any(|m| m.subject.contains(n.as_str())))
            {
                mail_done = Some(started.elapsed());
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let slow_got = updates(&slow, &accounts);
    let backlog = waiting_messages().await;
    let mut ids_of_change: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for receiver in [&healthy, &failing, &slow] {
        for (id, name) in updates(receiver, &accounts) {
            ids_of_change.entry(name).or_default().insert(id);
        }
    }
    let two_ids = ids_of_change.values().filter(|ids| ids.len() > 1).count();
    let got = |r: &Receiver| updates(r, &accounts).len();
    let slow_in_order = slow
        .got()
        .windows(2)
        .all(|w| w[1].at - w[0].at >= Duration::from_millis(4500));
    for hook in &hooks {
        admin
            .delete(&format!("/admin/webhooks/{hook}"))
            .await
            .ok(204);
    }

    let secs = |d: Option<Duration>| {
        d.map_or("not within 240 s".to_owned(), |d| {
            format!("{:.1} s", d.as_secs_f64())
        })
    };
    table.section("Webhooks under load: 1,000 customer.updated events to 3 webhooks (200, 500, 5 s), 20 orders meanwhile, local gateway");
    table.row(
        "events written (1,000 PATCHes by 10 admins at once) and 20 orders",
        format!("{:.1} s", written.as_secs_f64()),
        "",
        None,
    );
    table.row(
        "the healthy webhook has every event",
        format!(
            "{} ({} requests for {} events)",
            secs(healthy_done),
            got(&healthy),
            EVENTS
        ),
        "all 1,000 within 240 s",
        Some(healthy_done.is_some()),
    );
    table.row(
        "the failing webhook has every first attempt (each then waits for its retry)",
        format!("{} ({} requests)", secs(failing_done), got(&failing)),
        "all 1,000 within 240 s",
        Some(failing_done.is_some()),
    );
    table.row(
        "the 20 orders' emails to the seller",
        secs(mail_done),
        "all within 240 s",
        Some(mail_done.is_some()),
    );
    table.row(
        "the slow webhook: delivered one at a time, the rest waiting in its queue",
        format!(
            "{} delivered, {} messages waiting; 5 s apart: {}",
            slow_got.len(),
            backlog,
            slow_in_order
        ),
        "delivered + waiting ≥ 1,000, 5 s apart",
        Some(slow_got.len() + backlog >= EVENTS && slow_in_order),
    );
    table.row(
        "changes that arrived under two event ids",
        two_ids.to_string(),
        "0",
        Some(two_ids == 0),
    );
}
