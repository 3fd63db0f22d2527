//! The sections measured in this process, on each function's own `App::handle`: DynamoDB calls
//! per operation, handler latency and CPU against the raw `PutItem` baseline, and what an order
//! costs by those measures.

use crate::apps::{Apps, Function, body_json};
use crate::events::Event;
use crate::fixtures::Fixtures;
use crate::report::{Table, ms, ratio, us};
use crate::{Settings, cost, latency, notifier, operations};
use lambda_http::Request;
use std::time::Duration;

fn calls_text(calls: &orderdesk::dynamo::calls::Calls) -> String {
    format!(
        "{} calls, {} round trips: {}; {} RRU, {} WRU",
        calls.count(),
        calls.round_trips(),
        operations::shape(calls),
        calls.read_units(),
        calls.write_units()
    )
}

pub async fn calls_section(
    table: &mut Table,
    apps: &Apps,
    fx: &mut Fixtures,
) -> (Vec<operations::Counted>, Vec<notifier::Delivery>) {
    let counted = operations::count_all(apps, fx).await;
    let emails = notifier::per_email(50).await;
    table.section(
        "DynamoDB calls per operation (in-process `App::handle`, counted by the SDK interceptor; units from DynamoDB's `ConsumedCapacity`)",
    );
    for c in &counted {
        let status = if c.status == c.expected {
            String::new()
        } else {
            format!("HTTP {} (expected {})! ", c.status, c.expected)
        };
        let met = c.target.met(&c.calls).map(|m| m && c.status == c.expected);
        table.row(
            c.label.clone(),
            format!("{status}{}", calls_text(&c.calls)),
            c.target.text(),
            met,
        );
    }
    for e in &emails {
        table.row(
            format!("notifier, one email: {}", e.label),
            calls_text(&e.calls),
            "",
            None,
        );
    }
    let scans: Vec<&str> = counted
        .iter()
        .filter(|c| c.calls.scanned())
        .map(|c| c.label.as_str())
        .chain(emails.iter().filter(|e| e.calls.scanned()).map(|e| e.label))
        .collect();
    table.row(
        format!(
            "`Scan` in any of the {} operations above",
            counted.len() + emails.len()
        ),
        if scans.is_empty() {
            "none".to_owned()
        } else {
            scans.join(", ")
        },
        "never",
        Some(scans.is_empty()),
    );
    (counted, emails)
}

/// Submit, confirm, catalogue, list orders (a quarter of `BENCH_REQUESTS` each) and accept
/// invitation, one request after the other, with raw `PutItem`s between the runs. Returns the
/// submit and confirm runs, for the cost.
pub async fn latency_section(
    table: &mut Table,
    s: &Settings,
    apps: &Apps,
    fx: &mut Fixtures,
) -> (latency::Run, latency::Run) {
    let mut timer = Timer::start(apps).await;
    let quarter = s.requests / 4;
    let buyer = fx.buyer.claims.clone();

    let submits = (0..quarter)
        .map(|_| operations::submit_event(fx, &buyer).request())
        .collect();
    let submit = timer
        .run(
            "submit order (POST /orders)",
            Function::Submission,
            submits,
            201,
        )
        .await;
    let confirms = submit
        .responses
        .iter()
        .filter_map(|r| body_json(r)["order_id"].as_str().map(str::to_owned))
        .map(|id| operations::confirm_event(fx, &id).request())
        .collect();
    let confirm = timer
        .run("confirm order", Function::Confirmation, confirms, 200)
        .await;
    let mut runs = vec![submit, confirm];
    // The same request each time, as a buyer browses.
    for (label, function, sample) in [
        (
            "catalogue (GET /catalog)",
            Function::Catalog,
            "catalog-customer.json",
        ),
        (
            "list orders (GET /orders)",
            Function::Orders,
            "orders-list.json",
        ),
    ] {
        let event = Event::sample(sample).by(&buyer);
        let requests = (0..quarter).map(|_| event.request()).collect();
        runs.push(timer.run(label, function, requests, 200).await);
    }
    let accepts = fx
        .invitations
        .drain(..)
        .map(|t| operations::accept_event(&t).request())
        .collect();
    runs.push(
        timer
            .run("accept invitation", Function::Invitations, accepts, 200)
            .await,
    );
    let puts = timer.puts;
    let put_p50 = latency::percentile(&puts, 50.0);
    let put_p99 = latency::percentile(&puts, 99.0);

    let total: usize = runs.iter().map(|r| r.wall.len()).sum();
    table.section(&format!(
        "Handler latency and CPU, in-process against DynamoDB Local ({total} requests, one at a time; times as ratios to a raw `PutItem` in the same run)"
    ));
    table.row(
        "raw `PutItem` to the same DynamoDB Local (baseline)",
        format!(
            "p50 {}, p99 {} ({} puts, between the runs below)",
            ms(put_p50),
            ms(put_p99),
            puts.len()
        ),
        "",
        None,
    );
    for r in &runs {
        table.row(
            format!("{} ×{}", r.label, r.wall.len()),
            format!(
                "p50 {} = {:.1}× PutItem, p99 {} = {:.1}×; CPU {} per request; {} errors",
                ms(r.p50()),
                ratio(r.p50(), put_p50),
                ms(r.p99()),
                ratio(r.p99(), put_p50),
                us(r.cpu_per_request),
                r.errors
            ),
            "0 errors",
            Some(r.errors == 0),
        );
    }
    let mut runs = runs.into_iter();
    let submit = runs.next().expect("the submit run");
    (submit, runs.next().expect("the confirm run"))
}

/// Runs of in-process requests with a block of raw `PutItem`s after each, and one before the
/// first: the baseline is measured between the runs, as the machine is then.
struct Timer<'a> {
    apps: &'a Apps,
    raw: aws_sdk_dynamodb::Client,
    table_name: String,
    puts: Vec<Duration>,
}

impl<'a> Timer<'a> {
    async fn start(apps: &'a Apps) -> Timer<'a> {
        let aws = orderdesk::config::aws().await;
        let raw = orderdesk::dynamo::client(&aws);
        let table_name = std::env::var("TABLE_NAME").expect("TABLE_NAME (set by local/stack.py)");
        let puts = latency::put_items(&raw, &table_name, 250).await;
        Timer {
            apps,
            raw,
            table_name,
            puts,
        }
    }

    /// Sends `requests` to `function` one after the other, timing each (see [`latency::run`]),
    /// then the next block of the baseline.
    async fn run(
        &mut self,
        label: &'static str,
        function: Function,
        requests: Vec<Request>,
        expected: u16,
    ) -> latency::Run {
        let apps = self.apps;
        let run = latency::run(label, requests, expected, |r| apps.handle(function, r)).await;
        self.puts
            .extend(latency::put_items(&self.raw, &self.table_name, 250).await);
        run
    }
}

pub fn cost_section(
    table: &mut Table,
    counted: &[operations::Counted],
    emails: &[notifier::Delivery],
    submit: &latency::Run,
    confirm: &latency::Run,
) {
    let by_label = |l: &str| {
        counted
            .iter()
            .find(|c| c.label.starts_with(l))
            .map(|c| c.calls.clone())
            .unwrap_or_default()
    };
    let submit_calls = by_label("POST /orders (submit)");
    let confirm_calls = by_label("POST /admin/orders/{id}/confirm");
    let ms_of = |d: Duration| d.as_secs_f64() * 1000.0;
    let invocation =
        |cpu: Duration, calls: &orderdesk::dynamo::calls::Calls, ses_calls| cost::Invocation {
            cpu_ms: ms_of(cpu),
            round_trips: calls.round_trips(),
            ses_calls,
            read_units: calls.read_units(),
            write_units: calls.write_units(),
        };
    let mut path = vec![
        invocation(submit.cpu_per_request, &submit_calls, 0),
        invocation(confirm.cpu_per_request, &confirm_calls, 0),
    ];
    path.extend(emails.iter().map(|e| invocation(e.cpu, &e.calls, 1)));
    let (dynamodb_usd, lambda_usd) = cost::per_million(&path);
    let wru: f64 = path.iter().map(|i| i.write_units).sum();
    let rru: f64 = path.iter().map(|i| i.read_units).sum();
    table.section(
        "Cost per 1,000,000 orders (submit + confirm + the two emails; on-demand, us-east-1, arm64, 256 MB)",
    );
    table.row(
        "capacity units per order",
        format!(
            "{wru} WRU + {rru} RRU (submit {} + {}, confirm {} + {}, notifier {} + {})",
            submit_calls.write_units(),
            submit_calls.read_units(),
            confirm_calls.write_units(),
            confirm_calls.read_units(),
            path[2..].iter().map(|i| i.write_units).sum::<f64>(),
            path[2..].iter().map(|i| i.read_units).sum::<f64>(),
        ),
        "",
        None,
    );
    table.row(
        "DynamoDB",
        format!(
            "${dynamodb_usd:.2} (${} per million WRU, ${} per million RRU)",
            cost::USD_PER_MILLION_WRITE_UNITS,
            cost::USD_PER_MILLION_READ_UNITS
        ),
        "",
        None,
    );
    table.row(
        "Lambda",
        format!(
            "${lambda_usd:.2} ({} invocations per order, billed {} ms: measured CPU + assumed {} ms per DynamoDB round trip and {} ms per SES call; ${} per GB-s, ${:.2} per million requests)",
            path.len(),
            path.iter()
                .map(|i| format!("{}", i.billed_ms()))
                .collect::<Vec<_>>()
                .join(" + "),
            cost::ASSUMED.dynamodb_round_trip_ms,
            cost::ASSUMED.ses_call_ms,
            cost::USD_PER_GB_SECOND_ARM64,
            cost::USD_PER_MILLION_REQUESTS,
        ),
        "",
        None,
    );
    table.row(
        "DynamoDB + Lambda per 1,000,000 orders",
        format!("${:.2}", dynamodb_usd + lambda_usd),
        "",
        None,
    );
}
