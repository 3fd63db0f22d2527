//! Sustained order submission through the local gateway (JWT check, v2 event, the function,
//! DynamoDB Local; the stream pump sending each order's email meanwhile): concurrent clients,
//! each its own customer login, each submitting one order after the other.

use crate::fixtures::Buyer;
use serde_json::Value;
use std::time::{Duration, Instant};

pub struct Throughput {
    pub clients: usize,
    pub orders: usize,
    pub errors: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

impl Throughput {
    pub fn per_second(&self) -> f64 {
        self.orders as f64 / self.elapsed.as_secs_f64()
    }
}

pub async fn run(clients: &[Buyer], body: &Value, duration: Duration) -> Throughput {
    let started = Instant::now();
    let deadline = started + duration;
    let results = futures::future::join_all(clients.iter().map(|c| async move {
        let mut ok = 0;
        let mut errors = 0;
        let mut latencies = Vec::new();
        while Instant::now() < deadline {
            let t = Instant::now();
            let sent = c
                .api
                .request(reqwest::Method::POST, "/orders")
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .json(body)
                .send()
                .await;
            match sent {
                Ok(res) if res.status().as_u16() == 201 => {
                    let _ = res.bytes().await;
                    ok += 1;
                    latencies.push(t.elapsed());
                }
                Ok(res) => {
                    errors += 1;
                    let status = res.status();
                    let text = res.text().await.unwrap_or_default();
                    if errors == 1 {
                        eprintln!("[bench] throughput: HTTP {status} {text}");
                    }
                }
                Err(e) => {
                    errors += 1;
                    if errors == 1 {
                        eprintln!("[bench] throughput: {e}");
                    }
                }
            }
        }
        (ok, errors, latencies)
    }))
    .await;
    let elapsed = started.elapsed();
    let mut t = Throughput {
        clients: clients.len(),
        orders: 0,
        errors: 0,
        elapsed,
        latencies: Vec::new(),
    };
    for (ok, errors, latencies) in results {
        t.orders += ok;
        t.errors += errors;
        t.latencies.extend(latencies);
    }
    t
}
