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
