//! The `customers` Lambda: admins keep customer accounts.

mod routes;

use lambda_http::{Body, Request, Response};
use orderdesk::config::{self, Config};
use orderdesk::dynamo::DynamoStore;
use orderdesk::http::{Problem, require_admin, route_key};
use orderdesk::identity::CognitoIdentity;

/// Everything the function builds once per cold start.
pub struct App {
    store: DynamoStore,
    identity: CognitoIdentity,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_http::Error> {
        let config = Config::from_env()?;
        let aws = config::aws().await;
        let dynamodb = orderdesk::dynamo::client(&aws);
        config::prewarm_dynamodb(&dynamodb, &config.table_name).await;
        Ok(Self {
            store: DynamoStore::new(dynamodb, config.table_name),
            identity: CognitoIdentity::new(
                aws_sdk_cognitoidentityprovider::Client::new(&aws),
                config.user_pool_id,
            ),
        })
    }

    /// Serves one API Gateway request. Every failure leaves as `problem+json`.
    #[tracing::instrument(skip_all, fields(route = %route_key(&req)))]
    pub async fn handle(&self, req: Request) -> Response<Body> {
        self.route(req).await.unwrap_or_else(Problem::into_response)
    }

    async fn route(&self, req: Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(&req)?;
        let store = &self.store;
        match route_key(&req).as_str() {
            "POST /admin/customers" => routes::create(store, &admin, &req).await,
            "GET /admin/customers" => routes::list(store, &req).await,
            "POST /admin/customers/tags" => routes::bulk_tag(store, &admin, &req).await,
            "GET /admin/customers/{customer_id}" => routes::get(store, &req).await,
            "GET /admin/audit" => routes::audit(store, &req).await,
            "PATCH /admin/customers/{customer_id}" => routes::update(store, &admin, &req).await,
            "DELETE /admin/customers/{customer_id}" => {
                routes::delete(store, &self.identity, &admin, &req).await
            }
            other => Err(Problem::not_found(format!(
                "The customers function has no route {other}."
            ))),
        }
    }
}
