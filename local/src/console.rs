//! The static console, served beside the API as CloudFront serves it in AWS.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::{
    body::Body,
    http::{HeaderValue, Response, header},
};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

/// The file under `root` that the request path names (`/` and folders →
/// `index.html`), if it exists and stays inside `root`; `/config.json` is the console's
/// settings for this gateway (see [`local_config`]).
pub async fn file(root: &Path, request_path: &str) -> Option<Response<Body>> {
    if request_path == "/config.json" {
        static CONFIG: OnceLock<String> = OnceLock::new();
        let body = CONFIG.get_or_init(|| local_config(|name| std::env::var(name).ok()).to_string());
        return Some(respond(body.clone().into_bytes(), "application/json"));
    }
    let path = resolve(root, request_path)?;
    let path = match tokio::fs::metadata(&path).await {
        Ok(meta) if meta.is_dir() => path.join("index.html"),
        Ok(_) => path,
        Err(_) => return None,
    };
    let bytes = tokio::fs::read(&path).await.ok()?;
    Some(respond(bytes, content_type(&path)))
}

fn respond(bytes: Vec<u8>, content_type: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The console's `config.json` for the local stack, from the gateway's environment: the API is
/// this origin (`api_url` empty), Cognito is moto (`cognito_endpoint`), which has no
/// `RevokeToken`, and the development mailbox is linked when it is on. In AWS,
/// `make deploy-console` writes the file from the stack's outputs instead.
fn local_config(env: impl Fn(&str) -> Option<String>) -> Value {
    let var = |name| env(name).filter(|v| !v.trim().is_empty());
    let mailbox = matches!(var("ORDERDESK_DEV_MAILBOX").as_deref(), Some("1" | "true"));
    json!({
        "api_url": "",
        "region": var("AWS_REGION"),
        "user_pool_id": var("USER_POOL_ID"),
        "user_pool_client_id": var("USER_POOL_CLIENT_ID"),
        "cognito_endpoint": var("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"),
        "token_revocation": false,
        "mailbox_url": mailbox.then_some("/dev/mailbox"),
        "seller_name": var("SELLER_NAME"),
        "environment": "local",
    })
}

fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(request_path).decode_utf8().ok()?;
    let mut path = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains('\\') || segment.contains('\0') {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        let root = Path::new("/srv/console");

        assert_eq!(resolve(root, "/"), Some(root.to_path_buf()));
        assert_eq!(resolve(root, "/js/app.js"), Some(root.join("js/app.js")));
        assert_eq!(resolve(root, "/../secret"), None);
        assert_eq!(resolve(root, "/%2e%2e/secret"), None);
        assert_eq!(resolve(root, "/a/..%2f..%2fsecret"), None);
        assert_eq!(resolve(root, "/a%5c..%5csecret"), None);
    }

    #[test]
    fn the_local_config_points_the_console_at_this_stack() {
        let env = |name: &str| {
            match name {
                "AWS_REGION" => Some("us-east-1"),
                "USER_POOL_ID" => Some("us-east-1_abc"),
                "USER_POOL_CLIENT_ID" => Some("client"),
                "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER" => Some("http://127.0.0.1:5000"),
                "ORDERDESK_DEV_MAILBOX" => Some("1"),
                _ => None,
            }
            .map(str::to_owned)
        };

        let config = local_config(env);

        assert_eq!(
            config,
            json!({
                "api_url": "",
                "region": "us-east-1",
                "user_pool_id": "us-east-1_abc",
                "user_pool_client_id": "client",
                "cognito_endpoint": "http://127.0.0.1:5000",
                "token_revocation": false,
                "mailbox_url": "/dev/mailbox",
                "seller_name": null,
                "environment": "local",
            })
        );
        assert_eq!(local_config(|_| None)["mailbox_url"], Value::Null);
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(
            content_type(Path::new("index.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("app.mjs")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("blob")), "application/octet-stream");
    }
}
