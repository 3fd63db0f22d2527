//! A fake Lambda Runtime API on loopback: what a function binary talks to in Lambda
//! (`GET …/invocation/next`, `POST …/{id}/response`, `…/{id}/error`, `…/init/error`).
//! It records when the binary first asks for work and when each answer arrives.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

struct Invocation {
    id: String,
    event: String,
}

/// What the binary posted back.
#[derive(Debug)]
pub struct Answer {
    pub id: String,
    pub at: Instant,
    /// `false` for `…/error` and `…/init/error`.
    pub ok: bool,
    pub body: Bytes,
}

struct Inner {
    queue: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    asked: mpsc::UnboundedSender<Instant>,
    handed: Mutex<HashMap<String, Instant>>,
    answers: mpsc::UnboundedSender<Answer>,
    function: String,
}

pub struct RuntimeApi {
    pub addr: SocketAddr,
    queue: mpsc::Sender<Invocation>,
    asked: mpsc::UnboundedReceiver<Instant>,
    answers: mpsc::UnboundedReceiver<Answer>,
    inner: Arc<Inner>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

const BASE: &str = "/2018-06-01/runtime";

impl RuntimeApi {
    pub async fn start(function: &str) -> std::io::Result<Self> {
        let (queue_tx, queue_rx) = mpsc::channel(1);
        let (asked_tx, asked_rx) = mpsc::unbounded_channel();
        let (answers_tx, answers_rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            queue: tokio::sync::Mutex::new(queue_rx),
            asked: asked_tx,
            handed: Mutex::new(HashMap::new()),
            answers: answers_tx,
            function: function.to_owned(),
        });
        let app = Router::new()
            .route(&format!("{BASE}/invocation/next"), get(next))
            .route(
                &format!("{BASE}/invocation/{{id}}/response"),
                post(response),
            )
            .route(&format!("{BASE}/invocation/{{id}}/error"), post(error))
            .route(&format!("{BASE}/init/error"), post(init_error))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            queue: queue_tx,
            asked: asked_rx,
            answers: answers_rx,
            inner,
            server,
        })
    }

    /// When the binary first asks for work, which ends its init; or the init error it posted.
    pub async fn first_ask(&mut self) -> Result<Instant, String> {
        tokio::select! {
            Some(at) = self.asked.recv() => Ok(at),
            Some(answer) = self.answers.recv() => Err(format!(
                "init error: {}",
                String::from_utf8_lossy(&answer.body)
            )),
        }
    }

    /// Hands `event` to the binary and waits for its answer: how long it took, and the answer.
    pub async fn invoke(&mut self, event: String, limit: Duration) -> Option<(Duration, Answer)> {
        let id = uuid::Uuid::new_v4().to_string();
        self.queue
            .send(Invocation {
                id: id.clone(),
                event,
            })
            .await
            .ok()?;
        let answer = tokio::time::timeout(limit, self.answers.recv())
            .await
            .ok()
            .flatten()?;
        let handed = self.inner.handed.lock().ok()?.remove(&answer.id)?;
        Some((answer.at.saturating_duration_since(handed), answer))
    }
}

async fn next(State(inner): State<Arc<Inner>>) -> impl IntoResponse {
    let _ = inner.asked.send(Instant::now());
    let Some(inv) = inner.queue.lock().await.recv().await else {
        return (StatusCode::GONE, HeaderMap::new(), String::new());
    };
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        + 10_000;
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    set("content-type", "application/json".into());
    set("lambda-runtime-aws-request-id", inv.id.clone());
    set("lambda-runtime-deadline-ms", deadline.to_string());
    set(
        "lambda-runtime-invoked-function-arn",
        format!(
            "arn:aws:lambda:us-east-1:123456789012:function:{}",
            inner.function
        ),
    );
    set(
        "lambda-runtime-trace-id",
        "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=0".into(),
    );
    if let Ok(mut handed) = inner.handed.lock() {
        handed.insert(inv.id, Instant::now());
    }
    (StatusCode::OK, headers, inv.event)
}

fn answered(inner: &Inner, id: String, ok: bool, body: Bytes) -> StatusCode {
    let _ = inner.answers.send(Answer {
        id,
        at: Instant::now(),
        ok,
        body,
    });
    StatusCode::ACCEPTED
}

async fn response(
    State(inner): State<Arc<Inner>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    answered(&inner, id, true, body)
}

async fn error(State(inner): State<Arc<Inner>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    answered(&inner, id, false, body)
}

async fn init_error(State(inner): State<Arc<Inner>>, body: Bytes) -> StatusCode {
    answered(&inner, "init".into(), false, body)
}
