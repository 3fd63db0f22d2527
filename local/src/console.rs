//! The static console, served beside the API as CloudFront serves it in AWS.

use std::path::{Path, PathBuf};

use axum::{
    body::Body,
    http::{HeaderValue, Response, header},
};
use percent_encoding::percent_decode_str;

/// The file under `root` that the request path names (`/` and folders →
/// `index.html`), if it exists and stays inside `root`.
pub async fn file(root: &Path, request_path: &str) -> Option<Response<Body>> {
    let path = resolve(root, request_path)?;
    let path = match tokio::fs::metadata(&path).await {
        Ok(meta) if meta.is_dir() => path.join("index.html"),
        Ok(_) => path,
        Err(_) => return None,
    };
    let bytes = tokio::fs::read(&path).await.ok()?;
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(response)
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
