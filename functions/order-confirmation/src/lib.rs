//! The `order-confirmation` Lambda: an admin confirms or rejects a requested order, exactly once.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Deps;
use orderdesk::http::{Problem, json, json_body, path_param, require_admin, route_key};
use orderdesk::orders::admin::{self, EditBody};
use orderdesk::orders::order::{self, Decision, OrderId};
use serde::Deserialize;

/// Body of `POST /admin/orders/{id}/confirm`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    #[serde(default)]
    version: Option<u64>,
}

/// Body of `POST /admin/orders/{id}/reject`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RejectBody {
    reason: String,
}

/// Everything the function builds once per cold start.
pub struct App {
    deps: Deps,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_http::Error> {
        Ok(Self {
            deps: Deps::from_env().await?,
        })
    }

    /// Serves one API Gateway request. Every failure leaves as `problem+json`.
    #[tracing::instrument(skip_all, fields(route = %route_key(&req)))]
    pub async fn handle(&self, req: Request) -> Response<Body> {
        self.route(req).await.unwrap_or_else(Problem::into_response)
    }

    async fn route(&self, req: Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(&req)?;
        let id = path_param(&req, "order_id")
            .and_then(|raw| OrderId::parse(&raw))
            .ok_or_else(|| Problem::not_found("There is no such order."))?;
        let decision = match route_key(&req).as_str() {
            "PATCH /admin/orders/{order_id}" => {
                let (body, _) = json_body::<EditBody>(&req)?;
                return Ok(json(
                    200,
                    &admin::edit_order(&self.deps.store, &admin, &id, body).await?,
                ));
            }
            "POST /admin/orders/{order_id}/confirm" => {
                let body = if req.body().is_empty() {
                    ConfirmBody::default()
                } else {
                    json_body::<ConfirmBody>(&req)?.0
                };
                Decision::Confirm {
                    expected_version: body.version,
                }
            }
            "POST /admin/orders/{order_id}/reject" => Decision::Reject {
                reason: json_body::<RejectBody>(&req)?.0.reason,
            },
            other => {
                return Err(Problem::not_found(format!(
                    "The order-confirmation function has no route {other}."
                )));
            }
        };
        let portal = self.deps.portal.url.trim_end_matches('/').to_owned();
        let url = |id: &str| format!("{portal}/#/orders/{id}");
        Ok(json(
            200,
            &order::decide_order(&self.deps.store, &admin, &id, decision, url).await?,
        ))
    }
}
