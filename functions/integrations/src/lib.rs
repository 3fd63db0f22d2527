//! The `integrations` Lambda: the seller's admins keep the webhooks that receive its events
//! (rotate their secrets, read their deliveries, retry or test them) and the API clients its
//! other systems call in with; the clients trade their credentials for tokens here.

use lambda_http::{Body, Request, Response};
use orderdesk::app::{Queue, Store, UserPool, Vault};
use orderdesk::clients::{self, CreateClientBody};
use orderdesk::domain::Timestamp;
use orderdesk::http::{
    Function, Problem, Routes, body, json, listing, no_content, path_id, require_admin, route_key,
    token_answer, token_request, token_url,
};
use orderdesk::webhooks::{self, CreateWebhookBody, Reachability, UpdateWebhookBody};
use serde_json::json;

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<Integrations>;

/// The routes of the `integrations` function.
pub struct Integrations;

impl Routes for Integrations {
    type Needs = ((Store, UserPool), Vault, Queue, Reachability);

    async fn route(
        ((store, pool), vault, queue, reach): &Self::Needs,
        req: Request,
    ) -> Result<Response<Body>, Problem> {
        if route_key(&req) == "POST /oauth2/token" {
            let request = token_request(&req);
            return token_answer(
                clients::issue_token(store, pool, request, Timestamp::now()).await,
            );
        }
        let admin = require_admin(&req)?;
        match route_key(&req).as_str() {
            "POST /admin/api-clients" => {
                let input = body::<CreateClientBody>(&req)?;
                let url = token_url(&req);
                let created = clients::create_client(store, pool, &admin, input, url).await?;
                Ok(json(201, &created))
            }
            "GET /admin/api-clients" => {
                let items = clients::list_clients(store).await?;
                Ok(json(200, &json!({ "items": items, "next_cursor": null })))
            }
            "DELETE /admin/api-clients/{client_id}" => {
                let id = path_id(&req)?;
                clients::delete_client(store, pool, &admin, &id).await?;
                Ok(no_content())
            }
            "POST /admin/webhooks" => {
                let input = body::<CreateWebhookBody>(&req)?;
                let created = webhooks::create_webhook(store, vault, reach, &admin, input).await?;
                Ok(json(201, &created))
            }
            "GET /admin/webhooks" => {
                let items = webhooks::list_webhooks(store).await?;
                Ok(json(200, &json!({ "items": items, "next_cursor": null })))
            }
            "GET /admin/webhooks/{webhook_id}" => {
                let id = path_id(&req)?;
                Ok(json(200, &webhooks::get_webhook(store, &id).await?))
            }
            "PATCH /admin/webhooks/{webhook_id}" => {
                let (id, input) = (path_id(&req)?, body::<UpdateWebhookBody>(&req)?);
                let updated = webhooks::update_webhook(store, reach, &admin, &id, input).await?;
                Ok(json(200, &updated))
            }
            "DELETE /admin/webhooks/{webhook_id}" => {
                let id = path_id(&req)?;
                webhooks::delete_webhook(store, &admin, &id).await?;
                Ok(no_content())
            }
            "POST /admin/webhooks/{webhook_id}/secret/rotate" => {
                let id = path_id(&req)?;
                let rotated = webhooks::rotate_secret(store, vault, &admin, &id).await?;
                Ok(json(200, &rotated))
            }
            "POST /admin/webhooks/{webhook_id}/test" => {
                let id = path_id(&req)?;
                Ok(json(202, &webhooks::send_test(store, queue, &id).await?))
            }
            "GET /admin/webhooks/{webhook_id}/deliveries" => {
                let id = path_id(&req)?;
                let ((), page) = listing(&req, |_| Ok(()))?;
                let deliveries = webhooks::list_deliveries(store, &id, &page).await?;
                Ok(json(200, &deliveries))
            }
            "POST /admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry" => {
                let (id, delivery) = (path_id(&req)?, path_id(&req)?);
                let queued = webhooks::retry_delivery(store, queue, &id, &delivery).await?;
                Ok(json(202, &queued))
            }
            other => Err(Problem::not_found(format!("No route {other}."))),
        }
    }
}
