//! The `invitations` Lambda: the public, token-guarded routes of an invitation, confirmation
//! or password reset link, asking for a reset link, and an admin's resend and revoke.

use lambda_http::{Body, Request, Response};
use orderdesk::app::{Store, UserPool, Vault};
use orderdesk::http::{
    Function, Problem, Routes, body, json, no_content, path_id, require_admin, route_key, source_ip,
};
use orderdesk::logins::{self, AcceptBody, NewPasswordBody, ResetRequestBody};
use orderdesk::outbox::Mailroom;

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<Invitations>;

/// The routes of the `invitations` function.
pub struct Invitations;

impl Routes for Invitations {
    type Needs = (Store, UserPool, Mailroom<Vault>);

    async fn route(
        (store, users, mailroom): &Self::Needs,
        req: Request,
    ) -> Result<Response<Body>, Problem> {
        match route_key(&req).as_str() {
            "GET /invitations/{token}" => {
                let token = path_id(&req)?;
                Ok(json(200, &logins::preview_invitation(store, &token).await?))
            }
            "POST /invitations/{token}/accept" => {
                let (token, input) = (path_id(&req)?, body::<AcceptBody>(&req)?);
                let accepted = logins::accept_invitation(store, users, &token, input).await?;
                Ok(json(200, &accepted))
            }
            "POST /email-changes/{token}/confirm" => {
                let token = path_id(&req)?;
                let confirmed = logins::confirm_email_change(store, users, &token).await?;
                Ok(json(200, &confirmed))
            }
            "POST /password-resets" => {
                let input = body::<ResetRequestBody>(&req)?;
                logins::request_password_reset(store, input, source_ip(&req)).await?;
                Ok(json(202, &serde_json::json!({ "status": "requested" })))
            }
            "GET /password-resets/{token}" => {
                let token = path_id(&req)?;
                Ok(json(
                    200,
                    &logins::preview_password_reset(store, &token).await?,
                ))
            }
            "POST /password-resets/{token}" => {
                let (token, input) = (path_id(&req)?, body::<NewPasswordBody>(&req)?);
                let done = logins::complete_password_reset(store, users, &token, input).await?;
                Ok(json(200, &done))
            }
            "POST /admin/invitations/{invitation_id}/resend" => {
                let admin = require_admin(&req)?;
                let id = path_id(&req)?;
                logins::resend_invitation(store, mailroom, &admin, &id).await?;
                Ok(json(202, &serde_json::json!({ "status": "sent" })))
            }
            "DELETE /admin/invitations/{invitation_id}" => {
                let admin = require_admin(&req)?;
                logins::revoke_invitation(store, &admin, &path_id(&req)?).await?;
                Ok(no_content())
            }
            other => Err(Problem::not_found(format!(
                "The invitations function has no route {other}."
            ))),
        }
    }
}
