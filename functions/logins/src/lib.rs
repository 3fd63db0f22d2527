//! The `logins` Lambda: admins provision and list a customer's logins; a login reads `/me`.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Deps;
use orderdesk::catalog;
use orderdesk::customers::{Created, CustomerId};
use orderdesk::http::{self, Problem, json, json_body, path_param, require_admin, route_key};
use orderdesk::idempotency::Idempotency;
use orderdesk::identity::CognitoIdentity;
use orderdesk::logins::{self, CreateLoginBody, NewLogin};
use orderdesk::session::Wants;
use serde_json::json;

/// Everything the function builds once per cold start.
pub struct App {
    deps: Deps,
    identity: CognitoIdentity,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_http::Error> {
        let deps = Deps::from_env().await?;
        Ok(Self {
            identity: deps.cognito(),
            deps,
        })
    }

    /// Serves one API Gateway request. Every failure leaves as `problem+json`.
    #[tracing::instrument(skip_all, fields(route = %route_key(&req)))]
    pub async fn handle(&self, req: Request) -> Response<Body> {
        self.route(req).await.unwrap_or_else(Problem::into_response)
    }

    async fn route(&self, req: Request) -> Result<Response<Body>, Problem> {
        match route_key(&req).as_str() {
            "POST /admin/customers/{customer_id}/logins" => self.create(&req).await,
            "GET /admin/customers/{customer_id}/logins" => self.list(&req).await,
            "GET /me" => self.me(&req).await,
            "PATCH /admin/logins/{login_id}" => self.update(&req).await,
            "DELETE /admin/logins/{login_id}" => self.delete(&req).await,
            "POST /admin/logins/{login_id}/password-reset" => self.reset(&req).await,
            other => Err(Problem::not_found(format!(
                "The logins function has no route {other}."
            ))),
        }
    }

    async fn create(&self, req: &Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(req)?;
        let customer_id = customer_id(req)?;
        let key = http::idempotency_key(req)?;
        let (body, raw) = json_body::<CreateLoginBody>(req)?;
        let input = NewLogin::try_from(body).map_err(Problem::invalid)?;
        let idempotency = key.map(|k| Idempotency::new(&admin.sub, &route_key(req), &k, &raw));
        let d = &self.deps;
        match logins::provision_login(
            &d.store,
            &self.identity,
            &d.portal,
            &admin,
            &customer_id,
            input,
            idempotency.as_ref(),
        )
        .await?
        {
            Created::New(p) => Ok(json(201, &p)),
            Created::Replayed(first) => Ok(http::replayed(first.body)),
        }
    }

    async fn list(&self, req: &Request) -> Result<Response<Body>, Problem> {
        require_admin(req)?;
        let (items, _) = logins::list_logins(&self.deps.store, &customer_id(req)?).await?;
        Ok(json(200, &json!({ "items": items, "next_cursor": null })))
    }

    async fn update(&self, req: &Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(req)?;
        let id = login_id(req)?;
        let (body, _) = json_body::<logins::UpdateLoginBody>(req)?;
        let d = &self.deps;
        Ok(json(
            200,
            &logins::update_login(&d.store, &self.identity, &d.portal, &admin, &id, body).await?,
        ))
    }

    async fn delete(&self, req: &Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(req)?;
        let d = &self.deps;
        logins::delete_login(&d.store, &self.identity, &admin, &login_id(req)?).await?;
        Ok(http::no_content())
    }

    async fn reset(&self, req: &Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(req)?;
        let id = login_id(req)?;
        let (body, _) = json_body::<logins::PasswordResetBody>(req)?;
        let d = &self.deps;
        logins::reset_password(&d.store, &self.identity, &d.portal, &admin, &id, body).await?;
        Ok(json(202, &json!({ "status": "sent" })))
    }

    async fn me(&self, req: &Request) -> Result<Response<Body>, Problem> {
        let wants = Wants::keys(|ids| ids.tier_key().into_iter().collect());
        let (session, ahead) = http::customer_session(&self.deps.store, req, &wants).await?;
        ahead.scope(self.me_of(session.me)).await
    }

    async fn me_of(&self, signed_in: logins::SignedIn) -> Result<Response<Body>, Problem> {
        let c = &signed_in.customer;
        let tier_name = match c
            .price_tier_id
            .as_ref()
            .and_then(|t| catalog::TierId::parse(t.as_str()))
        {
            Some(id) => {
                use orderdesk::catalog::CatalogStore;
                let tier = self
                    .deps
                    .store
                    .tier(&id)
                    .await
                    .map_err(|e| Problem::internal(&e))?;
                tier.map(|t| t.name)
            }
            None => None,
        };
        Ok(json(
            200,
            &json!({
                "login": signed_in.login,
                "customer": {
                    "customer_id": c.customer_id,
                    "name": c.name,
                    "status": c.status,
                    "ordering_enabled": c.ordering_enabled,
                    "price_tier_id": c.price_tier_id,
                    "tier_name": tier_name,
                },
            }),
        ))
    }
}

fn login_id(req: &Request) -> Result<logins::LoginId, Problem> {
    path_param(req, "login_id")
        .and_then(|raw| logins::LoginId::parse(&raw))
        .ok_or_else(|| Problem::not_found("There is no such login."))
}

fn customer_id(req: &Request) -> Result<CustomerId, Problem> {
    path_param(req, "customer_id")
        .and_then(|raw| CustomerId::parse(&raw))
        .ok_or_else(|| Problem::not_found("There is no customer with this id."))
}
