//! `POST /cart/import`'s body: a spreadsheet's CSV (`text/csv`) or JSON lines, and `?mode=`.
//! API Gateway hands a CSV body over as text or base64-encoded; `lambda_http` decodes the
//! latter, so both arrive here as the same bytes.

use super::body::{MAX_BODY_BYTES, json_body};
use super::{Problem, query_param};
use crate::orders::{CartImport, ImportLines, ImportMode};
use lambda_http::Request;

/// The import a request sends: 413 over the body limit, 415 for a media type that is neither
/// CSV nor JSON, 400 naming `mode`, `body` or `lines` for what cannot be read as rows.
pub fn import_request(req: &Request) -> Result<CartImport, Problem> {
    let bytes: &[u8] = req.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Problem::payload_too_large());
    }
    let mode = ImportMode::parse(query_param(req, "mode").as_deref())
        .map_err(|e| Problem::invalid(vec![e]))?;
    let media = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or_default().to_ascii_lowercase());
    match media.as_deref() {
        Some(m) if m.starts_with("text/csv") => {
            CartImport::from_csv(bytes, mode).map_err(Problem::invalid)
        }
        None => json(req, mode),
        Some(m) if m.starts_with("application/json") || m.contains("+json") => json(req, mode),
        Some(_) => Err(Problem::new(
            415,
            "Unsupported media type",
            "Send the rows as text/csv, or as application/json {\"lines\": [...]}.",
        )),
    }
}

fn json(req: &Request, mode: ImportMode) -> Result<CartImport, Problem> {
    let (lines, _) = json_body::<ImportLines>(req)?;
    CartImport::from_json(lines, mode).map_err(Problem::invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use serde_json::json;

    /// `body` as API Gateway hands it to the function, base64-encoded or not.
    fn event(content_type: &str, body: &str, base64: bool, query: &str) -> Request {
        let body = if base64 {
            base64::engine::general_purpose::STANDARD.encode(body)
        } else {
            body.to_owned()
        };
        let event = json!({
            "version": "2.0", "routeKey": "POST /cart/import", "rawPath": "/cart/import",
            "rawQueryString": query,
            "queryStringParameters": (!query.is_empty()).then(|| {
                let (k, v) = query.split_once('=').unwrap();
                json!({ k: v })
            }),
            "headers": {"content-type": content_type},
            "requestContext": {"routeKey": "POST /cart/import", "stage": "$default",
                "http": {"method": "POST", "path": "/cart/import"}},
            "body": body, "isBase64Encoded": base64,
        });
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    fn skus(import: &CartImport) -> Vec<&str> {
        import.rows().iter().map(|r| r.sku.as_str()).collect()
    }

    #[test]
    fn a_csv_body_reads_the_same_as_text_and_base64_encoded() {
        let csv = "\u{FEFF}sku;quantity\r\nFLOUR-25;3\r\n";
        let text = import_request(&event("text/csv", csv, false, "")).unwrap();
        let encoded = import_request(&event("text/csv; charset=utf-8", csv, true, "")).unwrap();
        assert_eq!(skus(&text), ["FLOUR-25"]);
        assert_eq!(text.rows(), encoded.rows());
        assert_eq!(text.mode, ImportMode::Merge);
    }

    #[test]
    fn json_lines_and_the_mode_are_read_and_other_media_types_are_415() {
        let body = r#"{"lines": [{"sku": "A", "quantity": 1}]}"#;
        let import = import_request(&event("application/json", body, false, "mode=replace"));
        assert_eq!(import.unwrap().mode, ImportMode::Replace);
        let bad_mode = import_request(&event("application/json", body, false, "mode=all"));
        assert_eq!(bad_mode.unwrap_err().errors[0].field, "mode");
        let plain = import_request(&event("text/plain", "A,1", false, ""));
        assert_eq!(plain.unwrap_err().status, 415);
        let big = "A,1\n".repeat(MAX_BODY_BYTES / 4 + 1);
        assert_eq!(
            import_request(&event("text/csv", &big, false, ""))
                .unwrap_err()
                .status,
            413
        );
    }
}
