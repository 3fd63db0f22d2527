//! The budgets of the API-client routes, of the token endpoint, and of the gate a client's
//! call passes: the binary `calls`.

use super::{call, functions, within};
use base64::Engine as _;
use orderdesk::dynamo::calls;
use orderdesk::http::HttpFunction as _;
use orderdesk_tests::*;
use serde_json::json;

#[tokio::test]
async fn the_api_client_routes_the_token_endpoint_and_a_clients_call_stay_within_their_budgets() {
    let f = functions().await;
    let admin = Api::admin().await;
    let token = admin.token();
    let made = json!({"name": format!("{CLIENT_NAME_PREFIX} budget"), "scopes": ["orders:read"]});
    let (body, status, c) = call("POST /admin/api-clients", "/admin/api-clients", token)
        .body(&made)
        .on(&f.integrations)
        .await;
    within("POST /admin/api-clients", status, &c, 2, 2);
    let (id, secret) = (
        id_of(&body, "client_id"),
        body["client_secret"].as_str().unwrap().to_owned(),
    );
    let (_, status, c) = call("GET /admin/api-clients", "/admin/api-clients", token)
        .on(&f.integrations)
        .await;
    within("GET /admin/api-clients", status, &c, 1, 1);

    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let basic = format!("Basic {basic}");
    let headers = [
        ("authorization", basic.as_str()),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let mut req = api_request("POST /oauth2/token", "/oauth2/token", "", &headers, None);
    *req.body_mut() = lambda_http::Body::Text("grant_type=client_credentials".into());
    let (res, c) = calls::record(f.integrations.handle(req)).await;
    within("POST /oauth2/token", res.status().as_u16(), &c, 2, 2);
    let issued: serde_json::Value = serde_json::from_slice(res.body().as_ref()).unwrap();
    let client_token = issued["access_token"].as_str().unwrap();

    let (_, status, c) = call("GET /admin/orders", "/admin/orders?limit=1", client_token)
        .on(&f.orders)
        .await;
    within("GET /admin/orders by an API client", status, &c, 3, 3);

    let (_, status, c) = call(
        "DELETE /admin/api-clients/{client_id}",
        format!("/admin/api-clients/{id}"),
        token,
    )
    .on(&f.integrations)
    .await;
    within("DELETE /admin/api-clients/{id}", status, &c, 2, 2);
}
