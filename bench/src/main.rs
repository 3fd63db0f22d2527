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
//! (a comma-separated subset of calls, latency, coldstart, memory, webhooks, throughput; sizes are always
//! reported). `--out FILE` also writes the table there.

mod apps;
mod binaries;
mod clients;
mod coldstart;
mod cost;
mod events;
mod fixtures;
mod in_process;
mod latency;
mod notifier;
mod operations;
mod report;
mod runtime_api;
mod throughput;
mod webhooks;

use apps::Apps;
use binaries::binaries_section;
use fixtures::Fixtures;
use in_process::{calls_section, cost_section, latency_section};
use report::{Table, ms};
use std::path::PathBuf;
use std::time::{Duration, Instant};

struct Settings {
    requests: usize,
    accepts: usize,
    invocations: usize,
    cold_starts: usize,
    clients: usize,
    throughput: Duration,
    bin_dir: PathBuf,
    /// `BENCH_ONLY`: a comma-separated subset of calls, latency, coldstart, memory, webhooks,
    /// throughput.
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
    if s.wants("webhooks") {
        say("webhooks under load: 1,000 events to 3 webhooks (200, 500, 5 s)");
        webhooks::webhooks_section(&mut table, &fx).await;
    }
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
