//! The release binaries, each exec'd as Lambda runs it (see [`crate::coldstart`]) and fed one
//! request of its own: cold starts in every variant, sizes, and memory over many invocations.

use crate::coldstart::{self, Life, Workload};
use crate::events::{Event, SAMPLE_CUSTOMER, SAMPLE_ORDER, SAMPLE_OUTBOX, SAMPLE_TOKEN};
use crate::fixtures::Fixtures;
use crate::report::{Table, median, mib, ms, ratio};
use crate::{Settings, operations, say};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

pub async fn binaries_section(table: &mut Table, s: &Settings, fx: &Fixtures, preview_token: &str) {
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
            name: "publisher",
            kind: Kind::Other(http("publisher-stream.json").json()),
        },
        Binary {
            name: "integrations",
            kind: Kind::Http(http("webhooks-list.json").by(&fx.admin).json(), 200),
        },
        // The sample's webhook does not exist: the attempt is skipped after its one read, and
        // no endpoint's time is measured.
        Binary {
            name: "deliverer",
            kind: Kind::Other(http("deliverer-queue.json").json()),
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
