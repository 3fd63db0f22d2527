//! Request bodies: the one parser every route with a body goes through. A body is a JSON
//! object of at most [`MAX_BODY_BYTES`]; every refusal is a 400 whose `errors[]` names the
//! field (`price.amount`, `lines[0].quantity`) or, for the body as a whole, `body`.

mod strict;

use super::Problem;
use crate::domain::FieldError;
use lambda_http::Request;
use serde::de::DeserializeOwned;
use serde_path_to_error::Path;
use strict::{Refusal, Strict};

/// Largest request body a function accepts.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The field name of the body as a whole: it is not valid JSON, not an object, or absent.
pub const WHOLE_BODY: &str = "body";

/// The body parsed as JSON into `T`, which should deny unknown fields. Also returns the body as
/// a JSON value, for idempotency hashing.
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<(T, serde_json::Value), Problem> {
    let bytes: &[u8] = req.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Problem::payload_too_large());
    }
    if let Some(ct) = req.headers().get(http::header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or_default().to_ascii_lowercase();
        if !(ct.starts_with("application/json") || ct.contains("+json")) {
            return Err(Problem::new(
                415,
                "Unsupported media type",
                "Send the body as application/json.",
            ));
        }
    }
    let whole = |message: String| Problem::invalid(vec![FieldError::new(WHOLE_BODY, message)]);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(whole("is required: send a JSON object".into()));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        whole(format!(
            "is not valid JSON: {}",
            strip_position(&e.to_string())
        ))
    })?;
    if !value.is_object() {
        return Err(whole("must be a JSON object".into()));
    }
    let typed = serde_path_to_error::deserialize(Strict(&value)).map_err(|e| {
        let field = field_of(e.path(), e.inner());
        let refusal = e.into_inner();
        let message = match refusal {
            Refusal::Unknown(_) => "is not a field of this request".to_owned(),
            Refusal::Missing(_) => "is required".to_owned(),
            Refusal::Value(message) => message,
        };
        Problem::invalid(vec![FieldError::new(field, message)])
    })?;
    Ok((typed, value))
}

/// The body parsed as JSON into `T`, for handlers that need no idempotency hash.
pub fn body<T: DeserializeOwned>(req: &Request) -> Result<T, Problem> {
    json_body(req).map(|(t, _)| t)
}

/// The field a refusal is about, as the client wrote it: the path to the value (an unknown
/// member's path ends with its name), and for a missing member its name under that path.
fn field_of(path: &Path, refusal: &Refusal) -> String {
    let at = (path.iter().len() > 0).then(|| path.to_string());
    match (at, refusal) {
        (Some(at), Refusal::Missing(name)) => format!("{at}.{name}"),
        (None, Refusal::Missing(name)) => (*name).to_owned(),
        (Some(at), _) => at,
        (None, Refusal::Unknown(name)) => name.clone(),
        (None, Refusal::Value(_)) => WHOLE_BODY.to_owned(),
    }
}

fn strip_position(msg: &str) -> &str {
    msg.split(" at line ").next().unwrap_or(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use lambda_http::Body;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body1 {
        name: String,
        inner: Option<Inner>,
        price: Option<Money>,
        count: Option<u32>,
        lines: Option<Vec<Line>>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        city: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        sku: String,
        quantity: i64,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Text,
        Choice,
    }

    fn req(body: &str) -> Request {
        http::Request::builder()
            .header("content-type", "application/json")
            .body(Body::Text(body.to_owned()))
            .unwrap()
    }

    fn problem_json(p: Problem) -> serde_json::Value {
        let res = p.into_response();
        serde_json::from_slice(res.body().as_ref()).unwrap()
    }

    /// The one field error of the 400 that `body` gets: (field, message).
    fn refused(body: &str) -> (String, String) {
        let v = problem_json(json_body::<Body1>(&req(body)).unwrap_err());
        assert_eq!(v["status"], 400, "{v}");
        assert_eq!(v["errors"].as_array().map(Vec::len), Some(1), "{v}");
        let field = v["errors"][0]["field"].as_str().unwrap().to_owned();
        let message = v["errors"][0]["message"].as_str().unwrap().to_owned();
        (field, message)
    }

    fn pair(field: &str, message: &str) -> (String, String) {
        (field.to_owned(), message.to_owned())
    }

    #[test]
    fn an_unknown_field_is_named_with_its_path() {
        let message = "is not a field of this request";
        assert_eq!(refused(r#"{"name":"a","zip":1}"#), pair("zip", message));
        assert_eq!(
            refused(r#"{"name":"a","inner":{"city":"x","zip":1}}"#),
            pair("inner.zip", message)
        );
        assert_eq!(
            refused(r#"{"name":"a","lines":[{"sku":"A","quantity":1,"colour":"red"}]}"#),
            pair("lines[0].colour", message)
        );
    }

    #[test]
    fn a_missing_required_field_is_named_with_its_path() {
        assert_eq!(refused("{}"), pair("name", "is required"));
        assert_eq!(
            refused(r#"{"name":"a","inner":{}}"#),
            pair("inner.city", "is required")
        );
        assert_eq!(
            refused(r#"{"name":"a","price":{"amount":1}}"#),
            pair("price.currency", "is required")
        );
    }

    #[test]
    fn a_wrongly_typed_field_is_named_and_told_what_it_must_be() {
        assert_eq!(refused(r#"{"name":5}"#), pair("name", "must be a string"));
        assert_eq!(
            refused(r#"{"name":null}"#),
            pair("name", "must not be null")
        );
        assert_eq!(
            refused(r#"{"name":"a","price":{"amount":"12","currency":"EUR"}}"#),
            pair("price.amount", "must be a whole number")
        );
        assert_eq!(
            refused(r#"{"name":"a","price":{"amount":1.5,"currency":"EUR"}}"#),
            pair("price.amount", "must be a whole number")
        );
        assert_eq!(
            refused(r#"{"name":"a","count":-1}"#),
            pair("count", "must be a whole number in range")
        );
        assert_eq!(
            refused(r#"{"name":"a","lines":[{"sku":"A","quantity":"2"}]}"#),
            pair("lines[0].quantity", "must be a whole number")
        );
        assert_eq!(
            refused(r#"{"name":"a","lines":{"sku":"A"}}"#),
            pair("lines", "must be an array")
        );
        assert_eq!(
            refused(r#"{"name":"a","kind":"essay"}"#),
            pair("kind", "must be one of: text, choice")
        );
        assert_eq!(
            refused(r#"{"name":"a","price":{"amount":1,"currency":"euro"}}"#),
            pair("price.currency", "must be an ISO 4217 code such as EUR")
        );
    }

    #[test]
    fn a_whole_number_with_a_zero_fraction_is_read_as_an_integer() {
        let (typed, _) = json_body::<Body1>(&req(
            r#"{"name":"a","count":3.0,"lines":[{"sku":"A","quantity":-2.0}],"price":{"amount":1250.0,"currency":"EUR"}}"#,
        ))
        .unwrap();
        assert_eq!(typed.count, Some(3));
        assert_eq!(typed.lines.unwrap()[0].quantity, -2);
        assert_eq!(typed.price.unwrap().amount(), 1250);
        assert_eq!(
            refused(r#"{"name":"a","count":3.5}"#),
            pair("count", "must be a whole number")
        );
        assert_eq!(
            refused(r#"{"name":"a","count":-1.0}"#),
            pair("count", "must be a whole number in range")
        );
        assert_eq!(
            refused(r#"{"name":"a","count":1e300}"#),
            pair("count", "must be a whole number")
        );
    }

    #[test]
    fn an_array_is_never_read_as_an_object() {
        assert_eq!(
            refused(r#"["Renamed"]"#),
            pair("body", "must be a JSON object")
        );
        assert_eq!(
            refused(r#"{"name":"a","inner":["Oslo"]}"#),
            pair("inner", "must be an object")
        );
        assert_eq!(
            refused(r#"{"name":"a","price":[100,"EUR"]}"#),
            pair("price", "must be an object")
        );
        assert_eq!(
            refused(r#"{"name":"a","lines":[["A",1]]}"#),
            pair("lines[0]", "must be an object")
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused_as_a_whole() {
        for body in ["null", "[]", "7", r#""text""#, "true"] {
            assert_eq!(
                refused(body),
                pair("body", "must be a JSON object"),
                "{body}"
            );
        }
        assert_eq!(
            refused("  "),
            pair("body", "is required: send a JSON object")
        );
        let (field, message) = refused("{");
        assert_eq!(field, "body");
        assert!(message.starts_with("is not valid JSON: "), "{message}");
    }

    #[test]
    fn no_message_names_a_rust_type() {
        let bodies = [
            "[]",
            r#"{"name":[]}"#,
            r#"{"name":"a","count":"x"}"#,
            r#"{"name":"a","count":1e40}"#,
            r#"{"name":"a","inner":"x"}"#,
            r#"{"name":"a","lines":[1]}"#,
            r#"{"name":"a","kind":3}"#,
            r#"{"name":"a","kind":{"text":1}}"#,
            r#"{"name":"a","price":{"amount":18446744073709551615,"currency":"EUR"}}"#,
        ];
        let rust = [
            "i64",
            "u32",
            "u64",
            "struct",
            "Body1",
            "Inner",
            "Line",
            "Kind",
            "Money",
            "expected",
            "invalid type",
            "sequence",
        ];
        for body in bodies {
            let (field, message) = refused(body);
            assert!(!field.is_empty() && field != ".", "{body}: {field}");
            for word in rust {
                assert!(!message.contains(word), "{body}: {message}");
            }
        }
    }

    #[test]
    fn a_well_formed_body_is_read_with_its_value() {
        let (typed, raw) = json_body::<Body1>(&req(
            r#"{"name":"a","kind":"choice","lines":[{"sku":"A","quantity":2}],"count":3}"#,
        ))
        .unwrap();
        assert_eq!(typed.name, "a");
        assert_eq!(typed.kind, Some(Kind::Choice));
        assert_eq!(typed.count, Some(3));
        assert_eq!(raw["lines"][0]["quantity"], 2);
    }

    #[test]
    fn other_media_types_are_415_and_a_body_over_256_kib_is_413() {
        let r = http::Request::builder()
            .header("content-type", "text/plain")
            .body(Body::Text("{}".into()))
            .unwrap();
        assert_eq!(json_body::<Body1>(&r).unwrap_err().status, 415);
        let big = format!(r#"{{"name":"{}"}}"#, "a".repeat(MAX_BODY_BYTES));
        assert_eq!(json_body::<Body1>(&req(&big)).unwrap_err().status, 413);
    }
}
