//! The development mailbox (`ORDERDESK_DEV_MAILBOX=1`): the emails the local SES (moto)
//! accepted, newest first, at `GET /dev/mailbox` (a page), `GET /dev/mailbox.json` and
//! `GET /dev/mailbox/{id}` (one email's body). Links in the emails point at `PORTAL_URL`, so
//! an invitation can be followed from here.
//!
//! moto keeps no send time, so each email shows when the mailbox first saw it; the pumps tell
//! the mailbox to look after every invocation, so that is within a second of the send.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use axum::{
    body::Body,
    http::{HeaderValue, Response, StatusCode, header},
};
use orderdesk::email::escape_html;
use serde::Serialize;
use serde_json::{Value, json};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// How long the mailbox waits after being told to look, so a burst of sends costs one read.
const OBSERVE_DELAY: Duration = Duration::from_millis(500);

/// What an email's body may do when shown: nothing but open its links in a new tab.
const BODY_POLICY: &str = "sandbox allow-popups allow-popups-to-escape-sandbox; \
                           default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// One email moto's SES accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mail {
    pub id: String,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    /// The HTML part when there is one (moto keeps only that), else the text.
    pub body: String,
    /// When the mailbox first saw it (RFC 3339).
    pub seen_at: String,
}

/// The mailbox: reads moto's store at `<endpoint>/moto-api/data.json`.
#[derive(Clone)]
pub struct Mailbox {
    inner: Arc<Inner>,
}

struct Inner {
    data_url: String,
    http: reqwest::Client,
    seen: Mutex<HashMap<String, OffsetDateTime>>,
    observing: AtomicBool,
}

impl Mailbox {
    /// The mailbox of the moto server at `endpoint` (the SES endpoint of the local stack).
    pub fn new(endpoint: &str) -> Self {
        Self {
            inner: Arc::new(Inner {
                data_url: format!("{}/moto-api/data.json", endpoint.trim_end_matches('/')),
                http: crate::http_client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap_or_default(),
                seen: Mutex::new(HashMap::new()),
                observing: AtomicBool::new(false),
            }),
        }
    }

    /// Looks at the store shortly, noting when new emails first appear; returns at once.
    pub async fn observe(&self) {
        if self.inner.observing.swap(true, Ordering::SeqCst) {
            return;
        }
        let mailbox = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(OBSERVE_DELAY).await;
            mailbox.inner.observing.store(false, Ordering::SeqCst);
            if let Err(error) = mailbox.mail().await {
                tracing::debug!(%error, "the mailbox could not read moto's store");
            }
        });
    }

    /// Every email, newest first.
    pub async fn mail(&self) -> Result<Vec<Mail>, String> {
        let data: Value = self
            .inner
            .http
            .get(&self.inner.data_url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("cannot read {}: {e}", self.inner.data_url))?
            .json()
            .await
            .map_err(|e| format!("{} is not JSON: {e}", self.inner.data_url))?;
        let now = OffsetDateTime::now_utc();
        let mut seen = self.inner.seen.lock().unwrap_or_else(|p| p.into_inner());
        let mut mail: Vec<Mail> = data["ses"]["Message"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                let id = text(&m["id"]);
                let seen_at = *seen.entry(id.clone()).or_insert(now);
                Mail {
                    from: text(&m["source"]),
                    to: addresses(&m["destinations"]["ToAddresses"]),
                    cc: addresses(&m["destinations"]["CcAddresses"]),
                    bcc: addresses(&m["destinations"]["BccAddresses"]),
                    subject: text(&m["subject"]),
                    body: text(&m["body"]),
                    seen_at: seen_at.format(&Rfc3339).unwrap_or_default(),
                    id,
                }
            })
            .collect();
        mail.reverse();
        Ok(mail)
    }

    /// Answers a `GET` under `/dev/mailbox`, or `None` when `path` is not one of its pages.
    pub async fn respond(&self, path: &str) -> Option<Response<Body>> {
        let page = match path.trim_end_matches('/') {
            "/dev/mailbox" => Page::List,
            "/dev/mailbox.json" => Page::Json,
            other => Page::One(other.strip_prefix("/dev/mailbox/")?.to_owned()),
        };
        let mail = match self.mail().await {
            Ok(mail) => mail,
            Err(error) => {
                return Some(response(
                    StatusCode::BAD_GATEWAY,
                    "text/plain; charset=utf-8",
                    None,
                    error,
                ));
            }
        };
        Some(match page {
            Page::Json => response(
                StatusCode::OK,
                "application/json",
                None,
                json!({ "items": mail }).to_string(),
            ),
            Page::List => response(
                StatusCode::OK,
                "text/html; charset=utf-8",
                Some(PAGE_POLICY),
                list_page(&mail),
            ),
            Page::One(id) => match mail.into_iter().find(|m| m.id == id) {
                Some(m) if is_html(&m.body) => response(
                    StatusCode::OK,
                    "text/html; charset=utf-8",
                    Some(BODY_POLICY),
                    m.body,
                ),
                Some(m) => response(StatusCode::OK, "text/plain; charset=utf-8", None, m.body),
                None => response(
                    StatusCode::NOT_FOUND,
                    "text/plain; charset=utf-8",
                    None,
                    "no such email".to_owned(),
                ),
            },
        })
    }
}

enum Page {
    List,
    Json,
    One(String),
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn addresses(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect()
}

fn is_html(body: &str) -> bool {
    let head = body.trim_start().get(..15).unwrap_or_default();
    head.to_ascii_lowercase().starts_with("<!doctype html") || head.starts_with("<html")
}

fn response(
    status: StatusCode,
    content_type: &'static str,
    policy: Option<&'static str>,
    body: String,
) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(policy) = policy {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    response
}

/// The page: one card per email, its body in a sandboxed frame.
fn list_page(mail: &[Mail]) -> String {
    let mut cards = String::new();
    for m in mail {
        let frame = if is_html(&m.body) {
            m.body
                .replacen("<head>", "<head><base target=\"_blank\">", 1)
        } else {
            format!(
                "<pre style=\"white-space:pre-wrap;font-family:monospace\">{}</pre>",
                escape_html(&m.body)
            )
        };
        let id = escape_html(&m.id);
        cards.push_str(&format!(
            "<article><header><h2>{subject}</h2><p>to <b>{to}</b> · from {from} · seen {seen} · \
             <a href=\"/dev/mailbox/{id}\" target=\"_blank\">open</a></p></header>\
             <iframe title=\"{subject}\" sandbox=\"allow-popups allow-popups-to-escape-sandbox\" \
             srcdoc=\"{frame}\"></iframe></article>\n",
            subject = escape_html(&m.subject),
            to = escape_html(&m.to.join(", ")),
            from = escape_html(&m.from),
            seen = escape_html(&m.seen_at),
            frame = escape_html(&frame),
        ));
    }
    if mail.is_empty() {
        cards.push_str("<p>No email has been sent yet.</p>\n");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Mailbox · Orderdesk local</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222}}\
         article{{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:0 1rem 1rem}}\
         h2{{font-size:1.1rem;margin:.8rem 0 .2rem}}header p{{margin:0 0 .6rem;color:#555}}\
         iframe{{width:100%;height:420px;border:1px solid #eee}}\
         </style></head><body><h1>Mailbox</h1><p>{count} email(s) sent through the local SES, \
         newest first · <a href=\"/dev/mailbox.json\">JSON</a></p>\n{cards}</body></html>\n",
        count = mail.len(),
    )
}

#[cfg(test)]
mod tests {
    use axum::{Json, Router, body::to_bytes, routing::get};

    use super::*;

    async fn moto(messages: Value) -> (String, tokio::task::JoinHandle<()>) {
        let app = Router::new().route(
            "/moto-api/data.json",
            get(move || {
                let data = json!({ "ses": { "Message": messages.clone() } });
                async move { Json(data) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        (url, server)
    }

    fn messages() -> Value {
        json!([
            {"id": "m1", "source": "\"Acme\" <o@acme.example>", "subject": "First",
             "body": "plain <text>", "destinations": {"ToAddresses": ["a@x.example"]}},
            {"id": "m2", "source": "o@acme.example", "subject": "Second <b>",
             "body": "<!doctype html>\n<html><head><title>t</title></head><body><a href=\"http://p/#/invite/t\">go</a></body></html>",
             "destinations": {"ToAddresses": ["b@x.example"], "CcAddresses": []}}
        ])
    }

    async fn body(response: Response<Body>) -> String {
        String::from_utf8(
            to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn the_json_lists_every_email_newest_first() {
        let (url, server) = moto(messages()).await;
        let mailbox = Mailbox::new(&url);

        let response = mailbox.respond("/dev/mailbox.json").await.unwrap();
        let json: Value = serde_json::from_str(&body(response).await).unwrap();
        server.abort();

        let items = json["items"].as_array().unwrap();
        assert_eq!(items[0]["id"], "m2");
        assert_eq!(items[0]["to"], json!(["b@x.example"]));
        assert_eq!(items[1]["subject"], "First");
        assert!(items[1]["seen_at"].as_str().unwrap().ends_with('Z'));
    }

    #[tokio::test]
    async fn the_page_shows_each_body_escaped_in_a_sandboxed_frame() {
        let (url, server) = moto(messages()).await;
        let mailbox = Mailbox::new(&url);

        let response = mailbox.respond("/dev/mailbox").await.unwrap();
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY].clone();
        let page = body(response).await;
        server.abort();

        assert!(policy.to_str().unwrap().contains("default-src 'none'"));
        assert!(page.contains("Second &lt;b&gt;"));
        assert!(page.contains("sandbox=\"allow-popups allow-popups-to-escape-sandbox\""));
        assert!(page.contains("srcdoc=\"&lt;!doctype html&gt;"));
        assert!(page.contains("&lt;base target=&quot;_blank&quot;&gt;"));
        assert!(page.contains("plain &amp;lt;text&amp;gt;"));
        assert!(!page.contains("<a href=\"http://p/"));
    }

    #[tokio::test]
    async fn one_email_is_served_sandboxed_and_an_unknown_one_is_404() {
        let (url, server) = moto(messages()).await;
        let mailbox = Mailbox::new(&url);

        let html = mailbox.respond("/dev/mailbox/m2").await.unwrap();
        let text = mailbox.respond("/dev/mailbox/m1").await.unwrap();
        let missing = mailbox.respond("/dev/mailbox/nope").await.unwrap();
        let elsewhere = mailbox.respond("/dev/other").await;
        server.abort();

        assert!(
            html.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .starts_with("sandbox")
        );
        assert_eq!(
            text.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert!(elsewhere.is_none());
    }
}
