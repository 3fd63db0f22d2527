//! The HTTP front: API Gateway's behaviour (CORS, route selection, JWT authorizer, payload
//! limit, its own error bodies) in front of the in-process functions, plus the console's
//! static files and the development mailbox, both same-origin pages with CloudFront's
//! security headers.

mod cors;
mod responses;

use std::{
    future::Future,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::PathBuf,
    sync::Arc,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use axum::{
    Router,
    body::{Body, to_bytes},
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header},
    middleware::{self, Next},
};
use time::OffsetDateTime;
use tokio::net::TcpListener;

use crate::{
    auth::JwtAuthorizer,
    event::{ApiEvent, Incoming, Stamp},
    invoke::{Invocation, Registry, invoke_http},
    mailbox::Mailbox,
    routes::RouteTable,
};
pub use cors::Cors;
use responses::{message, not_registered, text, too_large, unauthorized};

/// API Gateway's request payload limit.
pub const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Everything a request needs, built once at start-up.
pub struct Gateway {
    /// The API's routes, from the template.
    pub routes: RouteTable,
    /// The functions this build can run.
    pub registry: Registry,
    /// The JWT authorizer of non-public routes.
    pub authorizer: JwtAuthorizer,
    /// The console's folder, when it exists.
    pub console: Option<PathBuf>,
    /// The region function ARNs name.
    pub region: String,
    /// The port the gateway listens on.
    pub port: u16,
    /// The development mailbox, when it is on.
    pub mailbox: Option<Mailbox>,
    /// Who may call the API from another origin.
    pub cors: Cors,
}

/// What answered a request: the API (CORS applies), or one of the gateway's own pages.
enum Answered {
    Api,
    Page,
}

/// Serves `gateway` on `listener` until `shutdown` completes, then lets the
/// requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    gateway: Gateway,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let unregistered: Vec<String> = gateway
        .routes
        .targets()
        .filter(|t| gateway.registry.http(&t.function.binary).is_none())
        .map(|t| format!("{} ({})", t.route_key, t.function.binary))
        .collect();
    if !unregistered.is_empty() {
        tracing::warn!(routes = ?unregistered, "these routes answer 501: their binaries are not in this build");
    }
    tracing::info!(
        address = %listener.local_addr()?,
        routes = gateway.routes.targets().count(),
        jwks = gateway.authorizer.jwks_url(),
        functions = ?gateway.registry.binaries(),
        console = ?gateway.console,
        "orderdesk-local gateway listening"
    );
    axum::serve(
        listener,
        router(Arc::new(gateway)).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// The gateway as an axum router.
pub fn router(gateway: Arc<Gateway>) -> Router {
    Router::new()
        .fallback(handle)
        .layer(middleware::from_fn(log_request))
        .with_state(gateway)
}

async fn log_request(request: Request, next: Next) -> Response<Body> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        %path,
        status = response.status().as_u16(),
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

async fn handle(State(gateway): State<Arc<Gateway>>, request: Request) -> Response<Body> {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let (mut response, answered) = match page(&gateway, &method, &path, request.headers()).await {
        Some(page) => (page, Answered::Page),
        None => (dispatch(&gateway, request).await, Answered::Api),
    };
    match answered {
        Answered::Api => gateway.cors.decorate(&mut response, origin.as_ref()),
        Answered::Page => cors::security_headers(response.headers_mut()),
    }
    response
}

/// The gateway's own pages: the development mailbox (same-origin only: it shows passwords and
/// links) and the console's files, for paths the API has no route for.
async fn page(
    gateway: &Gateway,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Option<Response<Body>> {
    if path.starts_with("/dev/") && gateway.mailbox.is_some() {
        if !cors::same_origin(headers, gateway.port) {
            return Some(message(StatusCode::FORBIDDEN, "Forbidden"));
        }
        if method == Method::GET {
            return gateway.mailbox.as_ref()?.respond(path).await;
        }
    }
    let readable = method == Method::GET || method == Method::HEAD;
    if !readable || gateway.routes.find(method.as_str(), path).is_some() {
        return None;
    }
    crate::console::file(gateway.console.as_ref()?, path).await
}

async fn dispatch(gateway: &Gateway, request: Request) -> Response<Body> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if method == Method::OPTIONS {
        return gateway.cors.preflight(request.headers());
    }
    if method == Method::GET && path == "/healthz" {
        return text(StatusCode::OK, "text/plain; charset=utf-8", "ok");
    }
    if content_length(request.headers()).is_some_and(|length| length > MAX_PAYLOAD_BYTES) {
        return too_large();
    }
    let Some(route) = gateway.routes.find(method.as_str(), &path) else {
        return message(StatusCode::NOT_FOUND, "Not Found");
    };

    let claims = if route.target.public {
        None
    } else {
        let authorization = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        match gateway.authorizer.authorize(authorization).await {
            Ok(claims) => Some(claims),
            Err(rejection) => {
                tracing::debug!(
                    reason = rejection.description().unwrap_or("no token"),
                    "unauthorized"
                );
                return unauthorized(&rejection);
            }
        }
    };
    let Some(handler) = gateway.registry.http(&route.target.function.binary) else {
        return not_registered(&route);
    };

    let source_ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_PAYLOAD_BYTES).await else {
        return too_large();
    };
    let stamp = stamp(gateway.port);
    let incoming = Incoming {
        method: &parts.method,
        uri: &parts.uri,
        version: parts.version,
        headers: &parts.headers,
        body: &body,
        source_ip,
    };
    let event = ApiEvent::new(&incoming, &route, claims.as_ref(), &stamp);
    let invocation = Invocation {
        function: &route.target.function,
        region: &gateway.region,
        trace_id: &stamp.trace_id,
    };
    let response = match serde_json::to_vec(&event) {
        Ok(event) => invoke_http(handler, &event, &invocation).await,
        Err(error) => Err(crate::invoke::InvokeError::Event(error.to_string())),
    };
    let mut response = match response {
        Ok(response) => response.map(Body::from),
        Err(error) => {
            tracing::error!(
                route = %route.target.route_key,
                function = %route.target.function.logical_id,
                error = %error,
                "invocation failed"
            );
            message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
    };
    if let Ok(id) = HeaderValue::from_str(&stamp.request_id) {
        response.headers_mut().insert("apigw-requestid", id);
    }
    response
}

fn stamp(port: u16) -> Stamp {
    let id = uuid::Uuid::new_v4();
    let epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    Stamp {
        request_id: id.to_string(),
        time: OffsetDateTime::now_utc(),
        trace_id: format!("Root=1-{epoch:08x}-{}", &id.simple().to_string()[..24]),
        port,
    }
}

fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests;
