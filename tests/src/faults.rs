//! Faults the tests inject into one function without disturbing the others: a service that
//! stalls, as a proxy on loopback in front of the real one.

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Where the proxy is between passing and stalling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Pass,
    /// Passing until a request containing this text goes by, then stalled.
    Armed(&'static str),
    Stalled,
}

/// A TCP proxy in front of a service that can make it stall: requests still reach the
/// service, so what it writes is written, but every answer is held back until
/// [`Stall::resume`]. A client that gives up meanwhile never hears what happened, which is
/// what a database that stalls mid-request looks like from a function.
pub struct Stall {
    url: String,
    mode: Arc<watch::Sender<Mode>>,
}

impl Stall {
    /// A proxy to the service at `upstream` (`http://host:port`), passing everything.
    pub async fn in_front_of(upstream: &str) -> Stall {
        let target: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|e| panic!("{upstream} is not http://<ip>:<port>: {e}"));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mode = Arc::new(watch::Sender::new(Mode::Pass));
        let relays = Arc::clone(&mode);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, target, Arc::clone(&relays)));
            }
        });
        Stall { url, mode }
    }

    /// The proxy's URL, for a client's `endpoint_url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The service stalls from the first request that contains `marker` on (e.g. an
    /// operation's name, which its `X-Amz-Target` header carries), that request included;
    /// `""` stalls it from the next request.
    pub fn stall_from(&self, marker: &'static str) {
        self.mode.send_replace(Mode::Armed(marker));
    }

    /// Passes every answer again, the held ones first (to clients still listening).
    pub fn resume(&self) {
        self.mode.send_replace(Mode::Pass);
    }
}

async fn relay(client: TcpStream, target: SocketAddr, mode: Arc<watch::Sender<Mode>>) {
    let Ok(service) = TcpStream::connect(target).await else {
        return;
    };
    let (from_client, to_client) = client.into_split();
    let (from_service, to_service) = service.into_split();
    tokio::join!(
        requests(from_client, to_service, &mode),
        answers(from_service, to_client, mode.subscribe()),
    );
}

/// Copies requests to the service, stalling it when an armed marker goes by.
async fn requests(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mode: &watch::Sender<Mode>) {
    let mut buf = vec![0; 64 * 1024];
    let mut tail: Vec<u8> = Vec::new();
    while let Ok(n @ 1..) = from.read(&mut buf).await {
        let armed = *mode.borrow();
        if let Mode::Armed(marker) = armed {
            tail.extend_from_slice(&buf[..n]);
            if contains(&tail, marker.as_bytes()) {
                mode.send_if_modified(|m| {
                    let trips = *m == armed;
                    if trips {
                        *m = Mode::Stalled;
                    }
                    trips
                });
            }
            let keep = tail.len().saturating_sub(marker.len());
            tail.drain(..keep);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
    let _ = to.shutdown().await;
}

/// Copies answers to the client, holding each back while the service is stalled.
async fn answers(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mut mode: watch::Receiver<Mode>) {
    let mut buf = vec![0; 64 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buf).await {
        if mode.wait_for(|m| *m != Mode::Stalled).await.is_err() {
            return;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
    let _ = to.shutdown().await;
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}
