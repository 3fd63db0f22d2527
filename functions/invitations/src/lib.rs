//! The `invitations` Lambda: the public, token-guarded routes of an invitation link.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Deps;
use orderdesk::dynamo::read_ahead::ReadAhead;
use orderdesk::http::{Problem, json, json_body, path_param, require_admin, route_key};
use orderdesk::identity::CognitoIdentity;
use orderdesk::logins::secret::LinkToken;
use orderdesk::logins::{self, AcceptBody};

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
        let d = &self.deps;
        match route_key(&req).as_str() {
            "GET /invitations/{token}" => {
                let token = token(&req)?;
                let preview = ReadAhead::default()
                    .scope(logins::preview_invitation(&d.store, &token))
                    .await?;
                Ok(json(200, &preview))
            }
            "POST /invitations/{token}/accept" => {
                let token = token(&req)?;
                let (body, _) = json_body::<AcceptBody>(&req)?;
                let accepted = ReadAhead::default()
                    .scope(logins::accept_invitation(
                        &d.store,
                        &self.identity,
                        &token,
                        body,
                    ))
                    .await?;
                Ok(json(200, &accepted))
            }
            "POST /email-changes/{token}/confirm" => {
                let confirmed =
                    logins::confirm_email_change(&d.store, &self.identity, &token(&req)?).await?;
                Ok(json(200, &confirmed))
            }
            "POST /admin/invitations/{invitation_id}/resend" => {
                let admin = require_admin(&req)?;
                logins::resend_invitation(&d.store, &d.portal, &admin, &invitation_id(&req)?)
                    .await?;
                Ok(json(202, &serde_json::json!({ "status": "sent" })))
            }
            "DELETE /admin/invitations/{invitation_id}" => {
                let admin = require_admin(&req)?;
                logins::revoke_invitation(&d.store, &admin, &invitation_id(&req)?).await?;
                Ok(orderdesk::http::no_content())
            }
            other => Err(Problem::not_found(format!(
                "The invitations function has no route {other}."
            ))),
        }
    }
}

fn invitation_id(req: &Request) -> Result<logins::InvitationId, Problem> {
    path_param(req, "invitation_id")
        .and_then(|raw| logins::InvitationId::parse(&raw))
        .ok_or_else(|| Problem::not_found("There is no such invitation."))
}

/// A malformed token cannot be a known one: 404, like any unknown token.
fn token(req: &Request) -> Result<LinkToken, Problem> {
    path_param(req, "token")
        .and_then(|raw| LinkToken::parse(&raw))
        .ok_or_else(|| Problem::not_found("This link is not known."))
}
