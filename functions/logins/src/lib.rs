//! The `logins` Lambda: admins provision and manage a customer's logins; a login reads and
//! changes itself (`/me`).

use lambda_http::{Body, Request, Response};
use orderdesk::app::{Store, UserPool, Vault};
use orderdesk::http::{
    Function, Problem, Routes, body, created, customer_session, json, keyed_body, no_content,
    own_credentials_session, path_id, require_admin, route_key,
};
use orderdesk::logins::{self, CreateLoginBody, NewLogin, PasswordResetBody, UpdateLoginBody};
use orderdesk::me::{self, ChangeEmailBody, ChangePasswordBody, UpdateMeBody};
use orderdesk::outbox::Mailroom;
use orderdesk::session;
use serde_json::json;

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<Logins>;

/// The routes of the `logins` function.
pub struct Logins;

impl Routes for Logins {
    type Needs = (Store, UserPool, Mailroom<Vault>);

    async fn route(
        (store, users, mailroom): &Self::Needs,
        req: Request,
    ) -> Result<Response<Body>, Problem> {
        match route_key(&req).as_str() {
            "GET /me" => {
                let (session, store) = customer_session(store, &req, session::me_reads).await?;
                return Ok(json(200, &session::me(&store, &session).await?));
            }
            "PATCH /me" => {
                let (session, store) = customer_session(store, &req, session::me_reads).await?;
                let input = body::<UpdateMeBody>(&req)?;
                let me = me::update_me(&store, users, &session, input).await?;
                return Ok(json(200, &me));
            }
            "POST /me/password" => {
                let (session, store) = own_credentials_session(store, &req).await?;
                let input = body::<ChangePasswordBody>(&req)?;
                me::change_my_password(&store, users, &session, input).await?;
                return Ok(no_content());
            }
            "POST /me/email" => {
                let (session, store) = own_credentials_session(store, &req).await?;
                let input = body::<ChangeEmailBody>(&req)?;
                let login = me::change_my_email(&store, users, mailroom, &session, input).await?;
                return Ok(json(202, &login));
            }
            _ => {}
        }
        let admin = require_admin(&req)?;
        match route_key(&req).as_str() {
            "POST /admin/customers/{customer_id}/logins" => {
                let customer = path_id(&req)?;
                let (input, keyed) = keyed_body::<CreateLoginBody>(&req)?;
                let input = NewLogin::try_from(input).map_err(Problem::invalid)?;
                let idempotency = keyed.map(|k| k.by(&admin.sub));
                let written = logins::provision_login(
                    store,
                    users,
                    mailroom,
                    &admin,
                    &customer,
                    input,
                    idempotency.as_ref(),
                )
                .await?;
                Ok(created(written))
            }
            "GET /admin/customers/{customer_id}/logins" => {
                let customer = path_id(&req)?;
                Ok(json(200, &logins::list_logins(store, &customer).await?))
            }
            "PATCH /admin/logins/{login_id}" => {
                let (id, input) = (path_id(&req)?, body::<UpdateLoginBody>(&req)?);
                let login =
                    logins::update_login(store, users, mailroom, &admin, &id, input).await?;
                Ok(json(200, &login))
            }
            "DELETE /admin/logins/{login_id}" => {
                logins::delete_login(store, users, &admin, &path_id(&req)?).await?;
                Ok(no_content())
            }
            "POST /admin/logins/{login_id}/password-reset" => {
                let (id, input) = (path_id(&req)?, body::<PasswordResetBody>(&req)?);
                logins::reset_password(store, users, mailroom, &admin, &id, input).await?;
                Ok(json(202, &json!({ "status": "sent" })))
            }
            other => Err(Problem::not_found(format!(
                "The logins function has no route {other}."
            ))),
        }
    }
}
