//! The bad-input corpus (issue 11): every write route of `template.yaml` called with what a
//! careless client or an attacker sends, built from the route's minimal valid body in
//! [`MATRIX`]: bodies that are not an object, not JSON, too deep or too large; each value of
//! the body replaced by one of another kind, by text that renders blank or misleading, by an
//! address the identity provider refuses; a bad `Idempotency-Key`; separators and control
//! characters in the ids of the path.
//!
//! Each case must be a problem+json 4xx that names the field (the path's ids are 404, a body
//! too large 413), in words free of the server's internals, and must write nothing: the table
//! (its outbox aside, which earlier suites' emails still move) is read whole before and after
//! each route's cases, and no Cognito user exists for an address a case sent.

use futures::{StreamExt, stream};
use orderdesk_tests::*;
use reqwest::header::HeaderValue;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tokio::sync::Mutex;

/// The routes that honour an `Idempotency-Key`, so that a malformed one is refused.
const KEYED: [&str; 4] = [
    "POST /admin/customers",
    "POST /admin/customers/{customer_id}/logins",
    "POST /admin/customers/{customer_id}/orders",
    "POST /orders",
];

/// Cases of the corpus that are not bad input for one route, and why: they are not sent.
const NOT_BAD: [(&str, &str, &str); 3] = [
    (
        "POST /admin/orders/{order_id}/confirm",
        "no body",
        "a confirmation has nothing to say but an optional note",
    ),
    (
        "PATCH /admin/orders/{order_id}",
        "notes = empty",
        "empty notes clear the notes",
    ),
    (
        "PATCH /admin/orders/{order_id}",
        "notes = blank",
        "blank notes clear the notes, trimmed like every text",
    ),
];

/// Values of a text field that render blank or misleading, or are far too long.
fn spoilt_texts() -> Vec<(&'static str, Value)> {
    vec![
        ("empty", json!("")),
        ("blank", json!("   ")),
        ("invisible", json!("\u{200B}\u{FEFF}")),
        ("right-to-left override", json!("\u{202E}evil")),
        ("NUL", json!("a\u{0}b")),
        ("bell", json!("a\u{7}b")),
        ("line separator", json!("one\u{2028}two")),
        ("100,000 characters", json!("x".repeat(100_000))),
    ]
}

/// Addresses that Cognito or SES refuse (issue 11, finding 2), and ones that are no address.
const SPOILT_EMAILS: [&str; 7] = [
    "äbc@x.example",
    "o'brien@x.example",
    "a#x@x.example",
    "a/x@x.example",
    "a+tag@bücher.example",
    "no-at-sign.example",
    "two@@x.example",
];

/// What goes in the place of an id in the path: separators of keys and paths, and what no id
/// can hold.
const SPOILT_IDS: [&str; 10] = [
    "%23",
    "x%23y",
    "x..y",
    "%2F",
    "x%2Fy",
    "%00",
    "x%20y",
    "%E2%80%AE",
    "%FF",
    "CUSTOMER%23x",
];

/// What a spoilt request must get.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// A 400 whose one error names this field.
    Naming(String),
    /// A problem+json of this status.
    Status(u16),
}

/// One spoilt request.
struct Case {
    what: String,
    path: String,
    /// The content type and bytes of the body, if any.
    body: Option<(&'static str, Vec<u8>)>,
    key: Option<HeaderValue>,
    expect: Expect,
}

/// Every value of `value` below the root with its field as the server names it
/// (`lines[0].quantity`, `price.amount`).
fn fields(value: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let field = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                (field, v)
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{at}[{i}]"), v))
            .collect(),
        _ => Vec::new(),
    };
    for (field, child) in children {
        out.push((field.clone(), child.clone()));
        fields(child, &field, out);
    }
}

/// `text` nested `depth` arrays deep.
fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Values of another kind than `value`'s.
fn other_kinds(value: &Value) -> Vec<(&'static str, Value)> {
    let deep: Value = serde_json::from_str(&nested(100, "1")).expect("100 deep is JSON");
    match value {
        Value::String(_) => vec![
            ("a number", json!(42)),
            ("true", json!(true)),
            ("an object", json!({})),
            ("an array", json!([])),
            ("arrays 100 deep", deep),
        ],
        Value::Number(_) => vec![
            ("a string", json!("1")),
            ("true", json!(true)),
            ("an object", json!({})),
            ("an array", json!([])),
            ("1e300", json!(1e300)),
            ("-1", json!(-1)),
        ],
        Value::Bool(_) => vec![
            ("a string", json!("true")),
            ("a number", json!(1)),
            ("an array", json!([])),
        ],
        Value::Object(_) | Value::Array(_) => vec![
            ("a string", json!("x")),
            ("a number", json!(1)),
            (
                if value.is_object() {
                    "an array"
                } else {
                    "an object"
                },
                if value.is_object() {
                    json!([])
                } else {
                    json!({})
                },
            ),
        ],
        Value::Null => Vec::new(),
    }
}

/// `valid` with the value at `field` replaced by `with`.
fn replaced(valid: &Value, field: &str, with: Value) -> Value {
    let mut v = valid.clone();
    let pointer = format!(
        "/{}",
        field
            .replace("].", "/")
            .replace(['[', '.'], "/")
            .replace(']', "")
    );
    *v.pointer_mut(&pointer)
        .unwrap_or_else(|| panic!("{pointer} is in {valid}")) = with;
    v
}

fn json_bytes(v: &Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", v.to_string().into_bytes()))
}

/// The cases of a route whose valid body is `valid`: the body as a whole, then each field.
fn body_cases(path: &str, valid: &Value) -> Vec<Case> {
    let case = |what: String, body: Option<(&'static str, Vec<u8>)>, expect: Expect| Case {
        what,
        path: path.to_owned(),
        body,
        key: None,
        expect,
    };
    let raw = |text: String| Some(("application/json", text.into_bytes()));
    let whole = || Expect::Naming("body".into());
    let mut with_unknown = valid.clone();
    with_unknown["zz_unknown"] = json!(1);
    let values: Vec<Value> = valid
        .as_object()
        .expect("an object")
        .values()
        .cloned()
        .collect();
    let mut cases = vec![
        case("no body".into(), raw(String::new()), whole()),
        case("an empty array".into(), json_bytes(&json!([])), whole()),
        case(
            "its values as an array".into(),
            json_bytes(&Value::Array(values)),
            whole(),
        ),
        case("null".into(), json_bytes(&Value::Null), whole()),
        case("a string".into(), json_bytes(&json!("text")), whole()),
        case("a number".into(), json_bytes(&json!(42)), whole()),
        case("unfinished JSON".into(), raw("{".into()), whole()),
        case(
            "two objects".into(),
            raw(format!("{valid}{valid}")),
            whole(),
        ),
        case(
            "arrays 200 deep".into(),
            raw(format!(r#"{{"zz_deep": {}}}"#, nested(200, ""))),
            whole(),
        ),
        case(
            "an unknown field".into(),
            json_bytes(&with_unknown),
            Expect::Naming("zz_unknown".into()),
        ),
        case(
            "300 KiB".into(),
            raw(format!(r#"{{"zz_pad": "{}"}}"#, "a".repeat(300 * 1024))),
            Expect::Status(413),
        ),
        case(
            "plain text".into(),
            Some(("text/plain", valid.to_string().into_bytes())),
            Expect::Status(415),
        ),
    ];
    let mut all = Vec::new();
    fields(valid, "", &mut all);
    for (field, value) in all {
        let mut spoilers = other_kinds(&value);
        if value.is_string() {
            spoilers.extend(spoilt_texts());
        }
        if field.ends_with("email") {
            spoilers.extend(
                SPOILT_EMAILS
                    .iter()
                    .map(|e| ("a refused address", json!(e))),
            );
        }
        for (what, with) in spoilers {
            cases.push(case(
                format!("{field} = {what}"),
                json_bytes(&replaced(valid, &field, with)),
                Expect::Naming(field.clone()),
            ));
        }
    }
    cases
}

/// Malformed `Idempotency-Key`s sent with the valid body.
fn key_cases(path: &str, valid: &Value) -> Vec<Case> {
    let keys = [
        (
            "non-ASCII",
            HeaderValue::from_bytes("ключ".as_bytes()).unwrap(),
        ),
        ("empty", HeaderValue::from_static("")),
        (
            "256 characters",
            HeaderValue::from_str(&"k".repeat(256)).unwrap(),
        ),
        ("a tab", HeaderValue::from_static("a\tb")),
    ];
    keys.into_iter()
        .map(|(what, key)| Case {
            what: format!("Idempotency-Key {what}"),
            path: path.to_owned(),
            body: json_bytes(valid),
            key: Some(key),
            expect: Expect::Naming("Idempotency-Key".into()),
        })
        .collect()
}

/// Each id of the row's path spoilt, with the valid body.
fn id_cases(row: &Row, targets: &Targets) -> Vec<Case> {
    let placeholders = [
        "$customer",
        "$login",
        "$invitation",
        "$order",
        "$sku",
        "$tier",
        "$list",
        "$webhook",
        "$delivery",
    ];
    let placeholders = placeholders.iter().chain(["$unknown_link", "$link"].iter());
    let mut cases = Vec::new();
    for placeholder in placeholders.filter(|p| row.path.contains(*p)) {
        for id in SPOILT_IDS {
            let body = (!row.body.is_empty()).then(|| targets.fill(row.body));
            cases.push(Case {
                what: format!("{placeholder} = {id}"),
                path: targets.fill(&row.path.replacen(placeholder, id, 1)),
                body: body.map(|b| ("application/json", b.into_bytes())),
                key: None,
                expect: Expect::Status(404),
            });
        }
    }
    cases
}

/// What `case` got, if it is not what it must get.
async fn wrong(api: &Api, method: &str, case: Case) -> Option<String> {
    let mut rb = api.request(method.parse().expect("a method"), &case.path);
    let key = case
        .key
        .unwrap_or_else(|| HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).unwrap());
    rb = rb.header("Idempotency-Key", key);
    if let Some((content_type, bytes)) = case.body {
        rb = rb.header("content-type", content_type).body(bytes);
    }
    let reply = Api::send(rb).await;
    let status = match &case.expect {
        Expect::Naming(_) => 400,
        Expect::Status(s) => *s,
    };
    let naming = match &case.expect {
        Expect::Naming(field) => vec![field.clone()],
        Expect::Status(_) => reply.error_fields(),
    };
    let fine = reply.status == status
        && reply.content_type() == "application/problem+json"
        && reply.error_fields() == naming
        && reply.internals().is_none();
    let body = reply.body.to_string();
    let body: String = body.chars().take(300).collect();
    (!fine).then(|| {
        format!(
            "{method} {} [{}]: expected {:?}, got {} {body}",
            case.path.chars().take(120).collect::<String>(),
            case.what,
            case.expect,
            reply.status
        )
    })
}

/// The table as a map from key to item, its outbox aside.
async fn table() -> BTreeMap<String, String> {
    let text = |item: &Item, name: &str| match item.get(name) {
        Some(aws_sdk_dynamodb::types::AttributeValue::S(s)) => s.clone(),
        _ => String::new(),
    };
    every_item()
        .await
        .into_iter()
        // The notifier and the publisher mark emails sent and events published after earlier,
        // valid writes; an email or event of a refused request would come with its change.
        // Likewise the deliverer records attempts, and housekeeping queues their retries, of
        // deliveries that earlier suites' events and the world's test event started.
        .filter(|item| {
            let pk = text(item, "PK");
            let sk = text(item, "SK");
            !pk.starts_with("OUTBOX#") && !pk.starts_with("EVENT#") && !sk.starts_with("DELIVERY#")
        })
        .map(|item| {
            let key = format!("{} / {}", text(&item, "PK"), text(&item, "SK"));
            let mut attrs: Vec<String> = item
                .iter()
                .map(|(k, v)| format!("{k}={}", canonical(v)))
                .collect();
            attrs.sort();
            (key, attrs.join(", "))
        })
        .collect()
}

/// `v` written the same way at every reading: a map's entries in key order (a `HashMap`'s
/// debug form follows its random iteration order).
fn canonical(v: &aws_sdk_dynamodb::types::AttributeValue) -> String {
    use aws_sdk_dynamodb::types::AttributeValue;
    match v {
        AttributeValue::M(m) => {
            let sorted: BTreeMap<&String, String> =
                m.iter().map(|(k, v)| (k, canonical(v))).collect();
            format!("M({sorted:?})")
        }
        AttributeValue::L(l) => format!("L({:?})", l.iter().map(canonical).collect::<Vec<_>>()),
        other => format!("{other:?}"),
    }
}

/// The keys of the items that differ between two readings of the table.
fn changed(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// The addresses the cases sent as an `email`.
fn emails(cases: &[Case]) -> Vec<String> {
    cases
        .iter()
        .filter_map(|c| c.body.as_ref())
        .filter_map(|(_, bytes)| serde_json::from_slice::<Value>(bytes).ok())
        .filter_map(|v| v.get("email").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// Only one of this binary's tests reads the table at a time, so that one's world is not
/// another's write.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Runs the cases `make` builds for every write route; returns what went wrong.
async fn run(make: impl Fn(&Row, &Targets) -> Vec<Case>) -> (usize, Vec<String>) {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::make().await;
    let (mut count, mut wrongs) = (0, Vec::new());
    for row in MATRIX.iter().filter(|r| r.method() != "GET") {
        let mut cases = make(row, &world.shared);
        cases.retain(|c| {
            !NOT_BAD
                .iter()
                .any(|(r, w, _)| *r == row.route && *w == c.what)
        });
        if cases.is_empty() {
            continue;
        }
        count += cases.len();
        let mut addresses = Vec::new();
        for address in emails(&cases) {
            // A row may name a login's address on purpose (one that is taken): only a user
            // that the cases made counts.
            if !cognito_user_exists(&address).await {
                addresses.push(address);
            }
        }
        let api = world.api(row.caller());
        let before = table().await;
        let found: Vec<String> = stream::iter(cases)
            .map(|case| wrong(api, row.method(), case))
            .buffer_unordered(8)
            .filter_map(|w| async move { w })
            .collect()
            .await;
        wrongs.extend(found);
        let after = table().await;
        for key in changed(&before, &after) {
            wrongs.push(format!("{}: the table changed at {key}", row.route));
        }
        for address in addresses {
            if cognito_user_exists(&address).await {
                wrongs.push(format!("{}: a Cognito user for {address}", row.route));
            }
        }
    }
    forget_webhooks(&world.admin).await;
    (count, wrongs)
}

fn report(what: &str, (count, wrongs): (usize, Vec<String>)) {
    eprintln!(
        "bad-input corpus, {what}: {count} cases, {} wrong",
        wrongs.len()
    );
    assert!(
        wrongs.is_empty(),
        "{} of {count} cases were not refused as they must be:\n{}",
        wrongs.len(),
        wrongs.join("\n")
    );
}

#[tokio::test]
async fn every_write_route_refuses_each_spoilt_body_naming_the_field_and_writes_nothing() {
    let outcome = run(|row, targets| {
        if row.body.is_empty() {
            return Vec::new();
        }
        let path = targets.fill(row.path);
        let valid: Value = serde_json::from_str(&targets.fill(row.body)).expect("JSON");
        let mut cases = body_cases(&path, &valid);
        if KEYED.contains(&row.route) {
            cases.extend(key_cases(&path, &valid));
        }
        cases
    })
    .await;
    report("bodies and keys", outcome);
}

#[tokio::test]
async fn every_write_route_answers_404_to_a_spoilt_id_in_its_path_and_writes_nothing() {
    report("ids", run(id_cases).await);
}

#[test]
fn the_corpus_names_each_field_of_a_body_as_the_server_does() {
    let mut all = Vec::new();
    fields(
        &json!({"lines": [{"sku": "A", "quantity": 1}], "price": {"amount": 1}}),
        "",
        &mut all,
    );
    let names: Vec<&str> = all.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "lines",
            "lines[0]",
            "lines[0].quantity",
            "lines[0].sku",
            "price",
            "price.amount"
        ]
    );
    let v = replaced(
        &json!({"lines": [{"quantity": 1}]}),
        "lines[0].quantity",
        json!(2),
    );
    assert_eq!(v, json!({"lines": [{"quantity": 2}]}));
}
