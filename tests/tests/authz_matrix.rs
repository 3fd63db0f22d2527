//! The authorisation matrix (issue 11): every route of `template.yaml` called by every actor,
//! each answer checked against one table, and every refused call checked for what it wrote.
//!
//! A cell is one route called by one actor through the local gateway, with A's ids in the
//! path and a minimal valid body, so that its status says who may, not what is valid. The
//! statuses are in [`MATRIX`], one row per route; a route of the template without a row fails
//! [`every_route_of_the_template_has_a_row_and_every_row_a_route`]. A call that may succeed
//! and change something (not a `GET`, a 2xx in the table) aims at targets made for it alone,
//! so no cell changes what another reads. A refused call that reaches a function is made once
//! more in this process, where the DynamoDB calls are counted: it must answer the same and
//! write nothing. After the run, the items the refused calls aimed at are as they were.

use futures::{StreamExt, stream};
use orderdesk::dynamo::calls;
use orderdesk::http::HttpFunction;
use orderdesk_tests::*;
use serde_json::{Value, json};
use std::time::Instant;

/// The write operations of DynamoDB: a refused call makes none.
const WRITES: [&str; 5] = [
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "TransactWriteItems",
    "BatchWriteItem",
];

/// The HTTP functions, built in this process as their cold start builds them.
struct Functions {
    customers: orderdesk_customers::App,
    logins: orderdesk_logins::App,
    invitations: orderdesk_invitations::App,
    catalog: orderdesk_catalog::App,
    submission: orderdesk_order_submission::App,
    orders: orderdesk_orders::App,
    confirmation: orderdesk_order_confirmation::App,
    integrations: orderdesk_integrations::App,
}

impl Functions {
    async fn build() -> Self {
        stack();
        Self {
            customers: orderdesk_customers::App::from_env().await.unwrap(),
            logins: orderdesk_logins::App::from_env().await.unwrap(),
            invitations: orderdesk_invitations::App::from_env().await.unwrap(),
            catalog: orderdesk_catalog::App::from_env().await.unwrap(),
            submission: orderdesk_order_submission::App::from_env().await.unwrap(),
            orders: orderdesk_orders::App::from_env().await.unwrap(),
            confirmation: orderdesk_order_confirmation::App::from_env().await.unwrap(),
            integrations: orderdesk_integrations::App::from_env().await.unwrap(),
        }
    }

    /// The answer of the function `binary` (as `template.yaml` names it) to `req`.
    async fn handle(&self, binary: &str, req: lambda_http::Request) -> u16 {
        let res = match binary {
            "customers" => self.customers.handle(req).await,
            "logins" => self.logins.handle(req).await,
            "invitations" => self.invitations.handle(req).await,
            "catalog" => self.catalog.handle(req).await,
            "order-submission" => self.submission.handle(req).await,
            "orders" => self.orders.handle(req).await,
            "order-confirmation" => self.confirmation.handle(req).await,
            "integrations" => self.integrations.handle(req).await,
            other => panic!("the function {other} is new: add it to Functions"),
        };
        res.status().as_u16()
    }
}

/// What one cell found: a difference from the table, if any.
#[derive(Default)]
struct Outcome {
    mismatch: Option<String>,
    fresh: bool,
    replayed: bool,
}

/// The headers of `actor`'s call of the row's route: acting as A for the admin acting as A,
/// and a fresh `Idempotency-Key` on every `POST` (`POST /orders` needs one).
fn headers(world: &World, actor: Actor, row: &Row) -> Vec<(&'static str, String)> {
    let mut headers = world.headers(actor);
    if row.method() == "POST" {
        headers.push(("Idempotency-Key", uuid::Uuid::new_v4().to_string()));
    }
    headers
}

/// Whether `reply` is the table's `expected`: a 401 from the authorizer (its own body, no
/// function ran) on a route behind it, the token endpoint's OAuth error on its public route,
/// any other refusal problem+json from a function.
fn judged(reply: &Reply, expected: u16, public: bool) -> Result<(), String> {
    if reply.status != expected {
        return Err(format!(
            "expected {expected}, got {}: {}",
            reply.status, reply.body
        ));
    }
    if expected == 401 && public {
        return match reply.body["error"].as_str() {
            Some("invalid_client") => Ok(()),
            _ => Err(format!("a 401 that is not OAuth's: {}", reply.body)),
        };
    }
    if expected == 401 && reply.body != json!({"message": "Unauthorized"}) {
        return Err(format!(
            "a 401 that is not the authorizer's: {}",
            reply.body
        ));
    }
    if expected >= 400 && expected != 401 && reply.content_type() != "application/problem+json" {
        return Err(format!(
            "a {expected} that is not problem+json: {}",
            reply.body
        ));
    }
    Ok(())
}

/// One cell: `actor` calls the row's route through the gateway; a refusal that reached a
/// function is made again in this process and must answer the same and write nothing.
async fn cell(
    world: &World,
    functions: &Functions,
    route: &TemplateRoute,
    row: &Row,
    actor: Actor,
    expected: u16,
) -> Outcome {
    let fresh = expected < 300 && row.method() != "GET";
    let targets = if fresh {
        world.fresh(&format!("{} {}", row.path, row.body)).await
    } else {
        world.shared.clone()
    };
    let path = targets.fill(row.path);
    let body: Option<Value> = (!row.body.is_empty())
        .then(|| serde_json::from_str(&targets.fill(row.body)).expect("the row's body is JSON"));
    let mut rb = world
        .api(actor)
        .request(row.method().parse().expect("a method"), &path);
    for (name, value) in headers(world, actor, row) {
        rb = rb.header(name, value);
    }
    if let Some(b) = &body {
        rb = rb.json(b);
    }
    let reply = Api::send(rb).await;
    let who = format!("{actor:?} {} {path}", row.method());
    let mut outcome = Outcome {
        fresh,
        ..Outcome::default()
    };
    if let Err(why) = judged(&reply, expected, route.public) {
        outcome.mismatch = Some(format!("{who}: {why}"));
        return outcome;
    }
    if expected < 400 || !(actor.passes_the_authorizer() || route.public) {
        return outcome;
    }
    outcome.replayed = true;
    let token = if route.public {
        ""
    } else {
        world.api(actor).token()
    };
    let headers = headers(world, actor, row);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let req = api_request(row.route, &path, token, &headers, body.as_ref());
    let (status, made) = calls::record(functions.handle(&route.function, req)).await;
    let writes: Vec<&str> = made
        .operations()
        .into_iter()
        .filter(|op| WRITES.contains(op))
        .collect();
    // An API client's every call behind the authorizer is in the audit log, a refused one too:
    // that one put alone.
    let audited = actor == Actor::Client && !route.public;
    let allowed: &[&str] = if audited { &["PutItem"] } else { &[] };
    if status != expected || writes != allowed {
        outcome.mismatch = Some(format!(
            "{who}: in-process the refusal answered {status} and wrote {writes:?}"
        ));
    }
    outcome
}

#[test]
fn every_route_of_the_template_has_a_row_and_every_row_a_route() {
    let routes = http_routes();
    let missing: Vec<&str> = routes
        .iter()
        .map(|r| r.key.as_str())
        .filter(|key| !MATRIX.iter().any(|row| row.route == *key))
        .collect();
    assert!(
        missing.is_empty(),
        "add a row to MATRIX for each new route: {missing:?}"
    );
    for row in MATRIX {
        let route = routes
            .iter()
            .find(|r| r.key == row.route)
            .unwrap_or_else(|| panic!("{} is not a route of template.yaml", row.route));
        let statuses = row.statuses();
        if route.public {
            assert!(
                statuses.iter().all(|s| *s == statuses[0]),
                "{}: a public route answers every caller alike, token or not",
                row.route
            );
        } else {
            for (actor, status) in ACTORS.iter().zip(&statuses) {
                assert_eq!(
                    actor.passes_the_authorizer(),
                    *status != 401,
                    "{}: only the authorizer refuses with 401, and it refuses every bad token ({actor:?})",
                    row.route
                );
            }
        }
        assert!(
            !row.path.contains('{'),
            "{}: the path names its ids by placeholder",
            row.route
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_answers_every_actor_as_the_matrix_says_and_a_refused_call_writes_nothing() {
    let started = Instant::now();
    let routes = http_routes();
    let (world, functions) = tokio::join!(World::make(), Functions::build());
    let made = started.elapsed();
    let cells = MATRIX.iter().flat_map(|row| {
        let route = routes
            .iter()
            .find(|r| r.key == row.route)
            .expect("a route of the template");
        ACTORS
            .iter()
            .zip(row.statuses())
            .map(move |(actor, expected)| (route, row, *actor, expected))
    });
    let outcomes: Vec<Outcome> = stream::iter(cells)
        .map(|(route, row, actor, expected)| cell(&world, &functions, route, row, actor, expected))
        .buffer_unordered(12)
        .collect()
        .await;

    let mismatches: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| o.mismatch.as_deref())
        .collect();
    let changed = world.changed_items().await;
    forget_webhooks(&world.admin).await;
    forget_clients(&world.admin).await;
    let mut orders_of_idle_accounts = 0;
    for account in &world.idle_accounts {
        orders_of_idle_accounts += world
            .admin
            .count(&format!("/admin/orders?customer_id={account}"))
            .await;
    }
    eprintln!(
        "authorisation matrix: {} routes x {} actors = {} cells ({} on targets of their own, {} \
         refusals made again in-process), world made in {:.1} s, all in {:.1} s; {} mismatches",
        MATRIX.len(),
        ACTORS.len(),
        outcomes.len(),
        outcomes.iter().filter(|o| o.fresh).count(),
        outcomes.iter().filter(|o| o.replayed).count(),
        made.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        mismatches.len(),
    );
    assert!(
        mismatches.is_empty(),
        "{} cells differ from the matrix:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(changed.is_empty(), "refused calls changed {changed:?}");
    assert_eq!(
        orders_of_idle_accounts, 0,
        "a refused login placed an order"
    );
}
