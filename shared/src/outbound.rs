//! Requests out to the seller's webhooks ([`Endpoint`]) and the DNS that checks where a
//! webhook's host leads ([`Resolver`]). The client resolves each host itself and refuses to
//! connect when any address is outside the [`Reach`], so a host that passed when it was saved
//! and now points inside is stopped at the connection; an address literal is checked before
//! the request. It follows no redirect, goes through no proxy, waits at most
//! [`DELIVERY_TIMEOUT`] and reads at most [`MAX_ANSWER_BYTES`] of an answer.

use crate::webhooks::{
    Answer, DELIVERY_TIMEOUT, Endpoint, Host, MAX_ANSWER_BYTES, Outgoing, Reach, Resolver, Scheme,
};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A resolved address outside the reach: the connection is not made.
#[derive(Debug, thiserror::Error)]
#[error("{0} is not a public address")]
struct NotReachable(IpAddr);

/// Resolves names for the client, refusing any answer with an address outside the reach.
struct GuardedDns {
    reach: Reach,
}

impl Resolve for GuardedDns {
    fn resolve(&self, name: Name) -> Resolving {
        let reach = self.reach;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs
                .iter()
                .find(|a| reach.allows(Scheme::Https, a.ip()).is_err())
            {
                return Err(Box::new(NotReachable(bad.ip())) as _);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The address a failed request was refused for, if that is why it failed.
fn refused_address(error: &reqwest::Error) -> Option<IpAddr> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(NotReachable(ip)) = e.downcast_ref::<NotReachable>() {
            return Some(*ip);
        }
        cause = e.source();
    }
    None
}

fn failure(error: &reqwest::Error) -> Answer {
    if let Some(ip) = refused_address(error) {
        return Answer::Refused(ip);
    }
    let why = if error.is_timeout() {
        format!("no answer within {} s", DELIVERY_TIMEOUT.as_secs())
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut detail = String::new();
    let mut cause = std::error::Error::source(error);
    while let Some(e) = cause {
        detail = e.to_string();
        cause = e.source();
    }
    if detail.is_empty() {
        Answer::Failed(why)
    } else {
        Answer::Failed(format!("{why}: {detail}"))
    }
}

/// [`Endpoint`] on `reqwest` with rustls on aws-lc-rs and the system's root certificates.
#[derive(Clone)]
pub struct HttpEndpoint {
    client: reqwest::Client,
    reach: Reach,
}

impl HttpEndpoint {
    pub fn new(reach: Reach) -> Result<Self, String> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        if roots.is_empty() {
            return Err("no root certificates found on this system".into());
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .dns_resolver(Arc::new(GuardedDns { reach }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(DELIVERY_TIMEOUT)
            .connect_timeout(DELIVERY_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { client, reach })
    }
}

#[async_trait::async_trait]
impl Endpoint for HttpEndpoint {
    async fn post(&self, request: Outgoing<'_>) -> (Answer, Duration) {
        let started = Instant::now();
        if let Some(Host::Ip(ip)) = request.url.host()
            && self.reach.allows(request.url.scheme(), ip).is_err()
        {
            return (Answer::Refused(ip), started.elapsed());
        }
        let mut builder = self
            .client
            .post(request.url.as_str())
            .body(request.body.to_vec());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let mut response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return (failure(&e), started.elapsed()),
        };
        let status = response.status().as_u16();
        let mut read = 0usize;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if read + chunk.len() < MAX_ANSWER_BYTES => read += chunk.len(),
                Ok(_) => break,
                Err(e) => return (failure(&e), started.elapsed()),
            }
        }
        (Answer::Status(status), started.elapsed())
    }
}

/// [`Resolver`] on the system's DNS.
#[derive(Debug, Clone, Default)]
pub struct SystemDns;

#[async_trait::async_trait]
impl Resolver for SystemDns {
    async fn resolve(&self, host: &str, port: u16) -> Vec<IpAddr> {
        let lookup = tokio::time::timeout(DELIVERY_TIMEOUT, tokio::net::lookup_host((host, port)));
        match lookup.await {
            Ok(Ok(addrs)) => addrs.map(|a| a.ip()).collect(),
            _ => Vec::new(),
        }
    }
}

/// Installs aws-lc-rs (the AWS SDK's, and [`HttpEndpoint`]'s) as rustls' process default, for
/// the workspace's other reqwest clients (the local gateway's, the tests'): the workspace
/// builds reqwest on rustls without a crypto provider, and a client built without one panics.
pub fn install_tls_provider() {
    // An error only says that a provider is installed already, which serves as well.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::WebhookUrl;

    fn outgoing(url: &WebhookUrl) -> Outgoing<'_> {
        Outgoing {
            url,
            headers: vec![("content-type", "application/json".into())],
            body: b"{}",
        }
    }

    #[tokio::test]
    async fn a_host_that_resolves_to_loopback_is_not_connected_to_in_aws_and_an_address_literal_neither()
     {
        install_tls_provider();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let endpoint = HttpEndpoint::new(Reach::PublicOnly).unwrap();
        // Saved while "localhost" led elsewhere: the shape passes, the resolver refuses.
        let by_name = WebhookUrl::stored(&format!("https://localhost:{port}/hooks"));
        let by_address = WebhookUrl::stored(&format!("https://127.0.0.1:{port}/hooks"));

        let (named, _) = endpoint.post(outgoing(&by_name)).await;
        let (literal, _) = endpoint.post(outgoing(&by_address)).await;

        assert!(
            matches!(named, Answer::Refused(ip) if ip.is_loopback()),
            "{named:?}"
        );
        assert_eq!(literal, Answer::Refused("127.0.0.1".parse().unwrap()));
        let nothing = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(nothing.is_err(), "a connection reached the listener");
    }

    #[tokio::test]
    async fn on_the_local_stack_loopback_is_reached_no_redirect_is_followed_and_the_answer_counts()
    {
        install_tls_provider();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let _ = socket.read(&mut buf).await.unwrap();
            let answer =
                "HTTP/1.1 302 Found\r\nlocation: http://10.0.0.1/\r\ncontent-length: 0\r\n\r\n";
            socket.write_all(answer.as_bytes()).await.unwrap();
        });
        let endpoint = HttpEndpoint::new(Reach::AlsoLoopback).unwrap();
        let url = WebhookUrl::stored(&format!("http://localhost:{port}/hooks"));

        let (answer, _) = endpoint.post(outgoing(&url)).await;

        assert_eq!(answer, Answer::Status(302));
        server.await.unwrap();
    }
}
