//! A webhook receiver on loopback, as a seller's system would run one: it keeps every request
//! it gets and answers with the status (after the delay) a test sets.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a delivery is JSON")
    }

    /// Whether `webhook-signature` holds a valid signature by `secret` (`whsec_…`), checked as
    /// a receiver following Standard Webhooks does.
    pub fn signed_by(&self, secret: &str) -> bool {
        let secret =
            orderdesk::webhooks::SigningSecret::parse(&orderdesk::seal::Secret::new(secret))
                .expect("a signing secret");
        let ts: i64 = self.header("webhook-timestamp").parse().unwrap_or_default();
        let expected = secret.sign(self.header("webhook-id"), ts, &self.body);
        self.header("webhook-signature")
            .split(' ')
            .any(|s| s == expected)
    }
}

#[derive(Default)]
struct Inner {
    got: Vec<Received>,
    status: u16,
    delay: Duration,
}

/// A receiver listening on `127.0.0.1`, stopped when dropped.
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    server: tokio::task::JoinHandle<()>,
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let (status, delay) = {
        let mut i = inner.lock().expect("the receiver's lock");
        i.got.push(Received {
            headers,
            body: body.to_vec(),
            at: Instant::now(),
        });
        (i.status, i.delay)
    };
    tokio::time::sleep(delay).await;
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
}

impl Receiver {
    /// A receiver answering `status` at once.
    pub async fn start(status: u16) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!(
            "http://{}/hooks",
            listener.local_addr().expect("its address")
        );
        let inner = Arc::new(Mutex::new(Inner {
            status,
            ..Inner::default()
        }));
        let app = axum::Router::new()
            .route("/hooks", axum::routing::post(receive))
            .with_state(inner.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, inner, server }
    }

    /// From now on, answers `status` after `delay`.
    pub fn answer(&self, status: u16, delay: Duration) {
        let mut i = self.inner.lock().expect("the receiver's lock");
        i.status = status;
        i.delay = delay;
    }

    /// Every request so far.
    pub fn got(&self) -> Vec<Received> {
        self.inner.lock().expect("the receiver's lock").got.clone()
    }

    /// The requests whose event passes `wanted`, waiting (up to `within`) until there are
    /// `want` of them.
    pub async fn wait_for(
        &self,
        wanted: impl Fn(&Value) -> bool,
        want: usize,
        within: Duration,
    ) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let found: Vec<Received> = self
                .got()
                .into_iter()
                .filter(|r| wanted(&r.json()))
                .collect();
            if found.len() >= want || started.elapsed() > within {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}
