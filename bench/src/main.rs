//! `make bench`: one run against the local stack (`local/stack.py test` starts it and points
//! this process at it), printing one markdown table on stdout; progress goes to stderr.
//!
//! DynamoDB Local says nothing about AWS latency, so it is used for counting (calls, round
//! trips, capacity units) and every time is a ratio to a baseline measured in the same run: a
//! raw `PutItem` for handler latency, a hello-world `lambda_http` binary built with the same
//! profile for cold start.
//!
//! Settings (environment, defaults as the issue asks): `BENCH_REQUESTS` (10000, in-process
//! requests for CPU and latency, a quarter each to submit, confirm, catalogue, list orders),
//! `BENCH_ACCEPTS` (200), `BENCH_INVOCATIONS` (10000 per binary through the fake Runtime API),
//! `BENCH_COLD_STARTS` (15 per binary and setting), `BENCH_CLIENTS` (16),
//! `BENCH_THROUGHPUT_SECONDS` (30), `BENCH_BIN_DIR` (this binary's folder), `BENCH_ONLY`
//! (a comma-separated subset of calls, latency, coldstart, memory, throughput; sizes are always
//! reported). `--out FILE` also writes the table there.

mod apps;
mod coldstart;
mod cost;
mod events;
mod fixtures;
mod latency;
mod notifier;
mod operations;
mod report;
mod runtime_api;
mod throughput;

use apps::{Apps, Function, body_json};
use coldstart::{Life, Workload};
use events::{Event, SAMPLE_CUSTOMER, SAMPLE_ORDER, SAMPLE_OUTBOX, SAMPLE_TOKEN};
use fixtures::Fixtures;
use report::{Table, median, mib, ms, ratio, us};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

struct Settings {
    requests: usize,
    accepts: usize,
    invocations: usize,
    cold_starts: usize,
    clients: usize,
    throughput: Duration,
    bin_dir: PathBuf,
    /// `BENCH_ONLY`: a comma-separated subset of calls, latency, coldstart, memory, throughput.
    only: Vec<String>,
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

impl Settings {
    fn from_env() -> Self {
        let bin_dir = match std::env::var_os("BENCH_BIN_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(PathBuf::from))
                .unwrap_or_else(|| PathBuf::from("target/release")),
        };
        Self {
            requests: setting("BENCH_REQUESTS", 10_000).max(4),
            accepts: setting("BENCH_ACCEPTS", 200).max(1),
            invocations: setting("BENCH_INVOCATIONS", 10_000).max(10),
            cold_starts: setting("BENCH_COLD_STARTS", 15).max(1),
            clients: setting("BENCH_CLIENTS", 16).max(1),
            throughput: Duration::from_secs(setting("BENCH_THROUGHPUT_SECONDS", 30) as u64),
            bin_dir,
            only: std::env::var("BENCH_ONLY")
                .unwrap_or_default()
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
        }
    }

    fn wants(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == part)
    }
}

fn say(message: impl AsRef<str>) {
    eprintln!("[bench] {}", message.as_ref());
}

#[tokio::main]
async fn main() {
    let s = Settings::from_env();
    let run_started = Instant::now();
    let mut table = Table::default();

    say("fixtures: products, a price tier, customers with logins, invitations");
    let mut fx = fixtures::prepare(s.clients, s.accepts + 3).await;
    let preview_token = fx.invitations.pop().expect("an invitation to preview");
    let apps = Apps::from_env().await;

    let (counted, emails) = if s.wants("calls") {
        say("DynamoDB calls per operation");
        calls_section(&mut table, &apps, &mut fx).await
    } else {
        (Vec::new(), Vec::new())
    };
    if s.wants("latency") {
        say("latency and CPU in-process, with the raw PutItem baseline");
        let (submit, confirm) = latency_section(&mut table, &s, &apps, &mut fx).await;
        if !counted.is_empty() {
            cost_section(&mut table, &counted, &emails, &submit, &confirm);
        }
    }
    say("cold starts, sizes and memory of the release binaries");
    binaries_section(&mut table, &s, &fx, &preview_token).await;
    if s.wants("throughput") {
        say(format!(
            "throughput: {} clients for {} s through the gateway",
            s.clients,
            s.throughput.as_secs()
        ));
        throughput_section(&mut table, &s, &fx).await;
    }

    say(format!(
        "done in {:.0} s",
        run_started.elapsed().as_secs_f64()
    ));
    let markdown = table.markdown();
    if let Some(out) = std::env::args().skip_while(|a| a != "--out").nth(1) {
        if let Err(e) = std::fs::write(&out, &markdown) {
            say(format!("cannot write {out}: {e}"));
        }
    }
    print!("{markdown}");
}

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

async fn calls_section(
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
async fn latency_section(
    table: &mut Table,
    s: &Settings,
    apps: &Apps,
    fx: &mut Fixtures,
) -> (latency::Run, latency::Run) {
    let aws = orderdesk::config::aws().await;
    let raw = orderdesk::dynamo::client(&aws);
    let table_name = std::env::var("TABLE_NAME").expect("TABLE_NAME (set by local/stack.py)");
    let mut puts = latency::put_items(&raw, &table_name, 250).await;
    let quarter = s.requests / 4;
    let buyer = fx.buyer.claims.clone();

    let submits: Vec<_> = (0..quarter)
        .map(|_| operations::submit_event(fx, &buyer).request())
        .collect();
    let submit = latency::run("submit order (POST /orders)", submits, 201, |r| {
        apps.handle(Function::Submission, r)
    })
    .await;
    puts.extend(latency::put_items(&raw, &table_name, 250).await);
    let confirms: Vec<_> = submit
        .responses
        .iter()
        .filter_map(|r| body_json(r)["order_id"].as_str().map(str::to_owned))
        .map(|id| operations::confirm_event(fx, &id).request())
        .collect();
    let confirm = latency::run("confirm order", confirms, 200, |r| {
        apps.handle(Function::Confirmation, r)
    })
    .await;
    puts.extend(latency::put_items(&raw, &table_name, 250).await);
    let catalogue_event = Event::sample("catalog-customer.json").by(&buyer);
    let catalogue = latency::run(
        "catalogue (GET /catalog)",
        (0..quarter).map(|_| catalogue_event.request()).collect(),
        200,
        |r| apps.handle(Function::Catalog, r),
    )
    .await;
    puts.extend(latency::put_items(&raw, &table_name, 250).await);
    let list_event = Event::sample("orders-list.json").by(&buyer);
    let list = latency::run(
        "list orders (GET /orders)",
        (0..quarter).map(|_| list_event.request()).collect(),
        200,
        |r| apps.handle(Function::Orders, r),
    )
    .await;
    puts.extend(latency::put_items(&raw, &table_name, 250).await);
    let accepts: Vec<_> = fx
        .invitations
        .drain(..)
        .map(|t| operations::accept_event(&t).request())
        .collect();
    let accept = latency::run("accept invitation", accepts, 200, |r| {
        apps.handle(Function::Invitations, r)
    })
    .await;
    puts.extend(latency::put_items(&raw, &table_name, 250).await);
    let put_p50 = latency::percentile(&puts, 50.0);
    let put_p99 = latency::percentile(&puts, 99.0);

    let runs = [&submit, &confirm, &catalogue, &list, &accept];
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
    for r in runs {
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
    (submit, confirm)
}

fn cost_section(
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

async fn binaries_section(table: &mut Table, s: &Settings, fx: &Fixtures, preview_token: &str) {
    let binaries = binaries(fx, preview_token);
    let orders_made: Rc<RefCell<VecDeque<String>>> = Rc::default();
    if s.wants("coldstart") {
        cold_starts(table, s, &binaries, &orders_made).await;
    }

    let mut memory_rows = Vec::new();
    let mut size_rows = Vec::new();
    for b in &binaries {
        let path = s.bin_dir.join(b.name);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        size_rows.push((b.name, size));
        if !s.wants("memory") {
            continue;
        }
        let checkpoints = [s.invocations / 10, s.invocations];
        let mut work = b.workload(&orders_made);
        say(format!("{}: {} invocations", b.name, s.invocations));
        match coldstart::run(&path, b.name, &[], s.invocations, &checkpoints, &mut *work).await {
            Ok(life) => memory_rows.push((b.name, life)),
            Err(e) => {
                say(format!("memory run failed: {e}"));
                memory_rows.push((b.name, Life::default()));
            }
        }
    }

    table.section("Size of each stripped release binary (the Lambda `bootstrap`)");
    for (name, size) in &size_rows {
        table.row(
            *name,
            mib(*size),
            if *name == "hello" { "" } else { "≤ 10 MiB" },
            (*name != "hello").then_some(*size <= 10 * 1024 * 1024),
        );
    }

    if memory_rows.is_empty() {
        return;
    }
    table.section(&format!(
        "Memory through the fake Runtime API ({} invocations each; VmHWM and VmRSS from /proc)",
        s.invocations
    ));
    let (early, late) = (s.invocations / 10, s.invocations);
    for (name, life) in &memory_rows {
        let at = |n: usize| life.memory.iter().find(|m| m.0 == n).map(|m| (m.1, m.2));
        let (Some((rss_early, _)), Some((rss_late, hwm))) = (at(early), at(late)) else {
            table.row(*name, "not measured (the run failed)", "", Some(false));
            continue;
        };
        let growth = rss_late as i64 - rss_early as i64;
        let target = *name != "hello";
        table.row(
            *name,
            format!(
                "peak {:.2} MiB; RSS {:+.2} MiB from invocation {early} to {late}; warm p50 {}; {} errors",
                hwm as f64 / 1024.0,
                growth as f64 / 1024.0,
                ms(median(&life.warm)),
                life.errors
            ),
            if target { "peak ≤ 20 MiB, growth ≤ 1 MiB, 0 errors" } else { "" },
            target.then_some(hwm <= 20 * 1024 && growth <= 1024 && life.errors == 0),
        );
    }
}

async fn throughput_section(table: &mut Table, s: &Settings, fx: &Fixtures) {
    let t = throughput::run(&fx.clients, &fx.order_body(), s.throughput).await;
    table.section(
        "Sustained order submission through the local gateway (release build, DynamoDB Local, moto)",
    );
    table.row(
        format!(
            "POST /orders, {} concurrent clients for {} s",
            t.clients,
            s.throughput.as_secs()
        ),
        format!(
            "{:.0} orders/s ({} orders), p50 {}, p99 {}; {} errors",
            t.per_second(),
            t.orders,
            ms(latency::percentile(&t.latencies, 50.0)),
            ms(latency::percentile(&t.latencies, 99.0)),
            t.errors
        ),
        "0 errors",
        Some(t.errors == 0 && t.orders > 0),
    );
}

/// `BENCH_COLD_STARTS` rounds; each round starts every binary in every variant once, in turn,
/// so that the machine's load falls on all of them alike. Each start serves the same request 21
/// times: the first invocation, then 20 warm ones.
async fn cold_starts(
    table: &mut Table,
    s: &Settings,
    binaries: &[Binary],
    orders_made: &Rc<RefCell<VecDeque<String>>>,
) {
    let runs: Vec<(&Binary, Variant)> = binaries
        .iter()
        .flat_map(|b| b.variants().into_iter().map(move |v| (b, v)))
        .collect();
    let mut lives: Vec<Vec<Life>> = runs.iter().map(|_| Vec::new()).collect();
    for round in 0..s.cold_starts {
        say(format!(
            "cold starts, round {} of {}",
            round + 1,
            s.cold_starts
        ));
        for (i, (b, variant)) in runs.iter().enumerate() {
            let path = s.bin_dir.join(b.name);
            let mut work = b.workload(orders_made);
            match coldstart::run(&path, b.name, &variant.env(), 21, &[], &mut *work).await {
                Ok(life) => lives[i].push(life),
                Err(e) => say(format!("cold start failed: {e}")),
            }
        }
    }
    table.section(&format!(
        "Cold start (release binaries exec'd under a fake Lambda Runtime API on loopback; median of {} starts, interleaved; ratios to hello-world `lambda_http` and to a warm invocation of the same request)",
        s.cold_starts
    ));
    let mut hello_init = Duration::ZERO;
    for ((b, variant), lives) in runs.iter().zip(&lives) {
        let init = median(&lives.iter().map(|l| l.init).collect::<Vec<_>>());
        let first = median(&lives.iter().map(|l| l.first).collect::<Vec<_>>());
        let warm = median(
            &lives
                .iter()
                .flat_map(|l| l.warm.clone())
                .collect::<Vec<_>>(),
        );
        let errors: usize = lives.iter().map(|l| l.errors).sum();
        if b.name == "hello" {
            hello_init = init;
            table.row(
                "hello-world `lambda_http` (baseline)",
                format!(
                    "init {}, first invocation {}, warm {}",
                    ms(init),
                    ms(first),
                    ms(warm)
                ),
                "",
                None,
            );
            continue;
        }
        let init_ratio = ratio(init, hello_init);
        let first_ratio = ratio(first, warm);
        let complete = errors == 0 && lives.len() == s.cold_starts;
        let (target, met) = if variant.prewarm {
            // Opening the connection during init is the point of the setting: its read is
            // init's on purpose, and the first request must then cost no more than a warm one.
            (
                "first ≤ 2× (init makes one read by design)",
                first_ratio <= 2.0 && complete,
            )
        } else {
            (
                "init ≤ 1.5×, first ≤ 2×",
                init_ratio <= 1.5 && first_ratio <= 2.0 && complete,
            )
        };
        table.row(
            format!("{}{}", b.name, variant.label()),
            format!(
                "init {} = {init_ratio:.2}× hello; first invocation {} = {first_ratio:.2}× warm ({}){}",
                ms(init),
                ms(first),
                ms(warm),
                if complete {
                    String::new()
                } else {
                    format!("; {errors} errors, {} of {} starts", lives.len(), s.cold_starts)
                }
            ),
            target,
            Some(met),
        );
    }
}

/// A cold-start configuration. The deployed one (template.yaml) is Amazon roots and prewarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Variant {
    /// ORDERDESK_PREWARM_DYNAMODB=1: the DynamoDB connection is opened during init.
    prewarm: bool,
    /// ORDERDESK_TLS_ROOTS=system: the system's ~150 roots instead of the 5 Amazon roots the
    /// functions trust in Lambda.
    system_roots: bool,
}

impl Variant {
    fn label(&self) -> &'static str {
        match (self.prewarm, self.system_roots) {
            (false, false) => "",
            (true, false) => " + prewarm (as deployed)",
            (false, true) => " with the system's roots",
            (true, true) => " + prewarm with the system's roots",
        }
    }

    fn env(&self) -> Vec<(String, String)> {
        let mut env = Vec::new();
        if self.prewarm {
            env.push(("ORDERDESK_PREWARM_DYNAMODB".to_owned(), "1".to_owned()));
        }
        if self.system_roots {
            env.push(("ORDERDESK_TLS_ROOTS".to_owned(), "system".to_owned()));
        }
        env
    }
}

/// A release binary and the request it is measured with.
struct Binary {
    name: &'static str,
    kind: Kind,
}

enum Kind {
    /// The same API Gateway event every time, answered with this status.
    Http(String, u16),
    /// `POST /orders` with a fresh `Idempotency-Key` each time; the order ids are kept.
    Submit(String),
    /// Confirms the orders the submission binary made, one each time.
    Confirm(String),
    /// A DynamoDB stream or schedule event; any answer but an error will do.
    Other(String),
}

const KEY_MARKER: &str = "bench-idempotency-key";

fn binaries(fx: &Fixtures, preview_token: &str) -> Vec<Binary> {
    let buyer = &fx.buyer.claims;
    let http = |file: &str| Event::sample(file);
    vec![
        Binary {
            name: "hello",
            kind: Kind::Http(http("catalog-customer.json").by(buyer).json(), 200),
        },
        Binary {
            name: "customers",
            kind: Kind::Http(
                http("customers-get.json")
                    .by(&fx.admin)
                    .with(SAMPLE_CUSTOMER, &fx.buyer.customer_id)
                    .json(),
                200,
            ),
        },
        Binary {
            name: "logins",
            kind: Kind::Http(http("logins-me.json").by(buyer).json(), 200),
        },
        Binary {
            name: "invitations",
            kind: Kind::Http(
                http("invitations-preview.json")
                    .with(SAMPLE_TOKEN, preview_token)
                    .json(),
                200,
            ),
        },
        Binary {
            name: "catalog",
            kind: Kind::Http(http("catalog-customer.json").by(buyer).json(), 200),
        },
        Binary {
            name: "order-submission",
            kind: Kind::Submit(
                operations::submit_event(fx, buyer)
                    .header("idempotency-key", KEY_MARKER)
                    .json(),
            ),
        },
        Binary {
            name: "orders",
            kind: Kind::Http(http("orders-list.json").by(buyer).json(), 200),
        },
        Binary {
            name: "order-confirmation",
            kind: Kind::Confirm(operations::confirm_event(fx, SAMPLE_ORDER).json()),
        },
        Binary {
            name: "notifier",
            kind: Kind::Other(
                http("notifier-stream.json")
                    .with(SAMPLE_OUTBOX, &uuid::Uuid::now_v7().simple().to_string())
                    .json(),
            ),
        },
        Binary {
            name: "housekeeping",
            kind: Kind::Other(http("housekeeping-schedule.json").json()),
        },
    ]
}

impl Binary {
    /// As is (Amazon roots, connection opened by the first request); with the system's roots;
    /// with the connection opened at init (as deployed).
    fn variants(&self) -> Vec<Variant> {
        let v = |prewarm, system_roots| Variant {
            prewarm,
            system_roots,
        };
        match self.name {
            "hello" => vec![v(false, false)],
            _ => vec![v(false, false), v(false, true), v(true, false)],
        }
    }

    fn workload(&self, orders: &Rc<RefCell<VecDeque<String>>>) -> Box<dyn Workload> {
        match &self.kind {
            Kind::Http(event, status) => Box::new(HttpWork {
                event: event.clone(),
                status: *status,
            }),
            Kind::Submit(event) => Box::new(SubmitWork {
                event: event.clone(),
                orders: orders.clone(),
            }),
            Kind::Confirm(event) => Box::new(ConfirmWork {
                event: event.clone(),
                orders: orders.clone(),
            }),
            Kind::Other(event) => Box::new(OtherWork {
                event: event.clone(),
            }),
        }
    }
}

/// An API Gateway v2 response's status and body.
fn http_answer(answer: &[u8]) -> (u16, Value) {
    let v: Value = serde_json::from_slice(answer).unwrap_or(Value::Null);
    let status = v["statusCode"].as_u64().unwrap_or(0) as u16;
    let body = v["body"]
        .as_str()
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, body)
}

struct HttpWork {
    event: String,
    status: u16,
}

impl Workload for HttpWork {
    fn event(&mut self, _: usize) -> String {
        self.event.clone()
    }
    fn check(&mut self, answer: &[u8]) -> bool {
        http_answer(answer).0 == self.status
    }
}

struct SubmitWork {
    event: String,
    orders: Rc<RefCell<VecDeque<String>>>,
}

impl Workload for SubmitWork {
    fn event(&mut self, _: usize) -> String {
        self.event
            .replace(KEY_MARKER, &uuid::Uuid::new_v4().to_string())
    }
    fn check(&mut self, answer: &[u8]) -> bool {
        let (status, body) = http_answer(answer);
        if let Some(id) = body["order_id"].as_str() {
            self.orders.borrow_mut().push_back(id.to_owned());
        }
        status == 201
    }
}

struct ConfirmWork {
    event: String,
    orders: Rc<RefCell<VecDeque<String>>>,
}

impl Workload for ConfirmWork {
    fn event(&mut self, _: usize) -> String {
        let id = self.orders.borrow_mut().pop_front().unwrap_or_default();
        self.event.replace(SAMPLE_ORDER, &id)
    }
    fn check(&mut self, answer: &[u8]) -> bool {
        http_answer(answer).0 == 200
    }
}

struct OtherWork {
    event: String,
}

impl Workload for OtherWork {
    fn event(&mut self, _: usize) -> String {
        self.event.clone()
    }
    fn check(&mut self, answer: &[u8]) -> bool {
        let v: Value = serde_json::from_slice(answer).unwrap_or(Value::Null);
        v.get("batchItemFailures")
            .and_then(Value::as_array)
            .is_none_or(|f| f.is_empty())
    }
}
