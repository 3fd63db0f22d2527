//! The budgets of the team routes, and of assigning an order to a team: the binary `calls`.

use super::{call, functions, within};
use orderdesk_tests::*;
use serde_json::json;

#[tokio::test]
async fn the_team_routes_and_assigning_an_order_stay_within_their_budgets() {
    let f = functions().await;
    let s = Shop::open(None).await;
    let token = s.admin.token();
    let team = json!({"name": format!("Budget {}", unique_word())});
    let (body, status, c) = call("POST /admin/teams", "/admin/teams", token)
        .body(&team)
        .on(&f.customers)
        .await;
    within("POST /admin/teams", status, &c, 2, 2);
    let id = id_of(&body, "team_id");
    let (_, status, c) = call("GET /admin/teams", "/admin/teams", token)
        .on(&f.customers)
        .await;
    within("GET /admin/teams", status, &c, 1, 1);
    let path = format!("/admin/teams/{id}");
    let (_, status, c) = call("PATCH /admin/teams/{team_id}", path.clone(), token)
        .body(&json!({"respond_within_minutes": 30}))
        .on(&f.customers)
        .await;
    within("PATCH /admin/teams/{id}", status, &c, 2, 2);
    let joining = (
        format!("/admin/customers/{}", s.customer_id),
        json!({"fulfillment_team_id": id}),
    );
    let (_, status, c) = call(
        "PATCH /admin/customers/{customer_id}",
        joining.0.clone(),
        token,
    )
    .body(&joining.1)
    .on(&f.customers)
    .await;
    within(
        "PATCH /admin/customers/{id} (joining a team)",
        status,
        &c,
        3,
        3,
    );
    let order = id_of(&s.order(&s.flour, 1).await.ok(201), "order_id");
    let assign = format!("/admin/orders/{order}/assign");
    let (body, status, c) = call("POST /admin/orders/{order_id}/assign", assign, token)
        .body(&json!({"team_id": id}))
        .on(&f.confirmation)
        .await;
    within("POST /admin/orders/{id}/assign", status, &c, 2, 2);
    assert_eq!(body["assigned_team_id"], id.as_str());
    let leaving = json!({"fulfillment_team_id": null});
    s.admin
        .update_customer(&s.customer_id, &leaving)
        .await
        .ok(200);
    let (_, status, c) = call("DELETE /admin/teams/{team_id}", path, token)
        .on(&f.customers)
        .await;
    within("DELETE /admin/teams/{id}", status, &c, 3, 3);
}

#[tokio::test]
async fn the_rule_routes_and_the_overdue_queue_stay_within_their_budgets() {
    let f = functions().await;
    let admin = Api::admin().await;
    let token = admin.token();
    for path in ["/admin/routing-rules", "/admin/auto-confirm"] {
        let (_, status, c) = call(&format!("GET {path}"), path, token)
            .on(&f.customers)
            .await;
        within(&format!("GET {path}"), status, &c, 1, 1);
        let (_, status, c) = call(&format!("PUT {path}"), path, token)
            .body(&json!({"rules": []}))
            .on(&f.customers)
            .await;
        within(&format!("PUT {path}"), status, &c, 2, 2);
    }
    let queue = "/admin/orders?overdue=true";
    let (_, status, c) = call("GET /admin/orders", queue, token).on(&f.orders).await;
    within("GET /admin/orders?overdue=true", status, &c, 1, 1);
}
