//! Which scope each route needs, in one table: the one place an API client's reach is decided,
//! checked before any route runs. A route not named here is no client's to call.

use super::model::Scope;

/// The scope a route key (`METHOD /path/{param}`, as the API's route keys are written) needs,
/// or `None` when no scope covers it: the customers' routes, the public ones, and the admin
/// routes that manage people, money rules or integrations (logins, invitations, teams,
/// routing, webhooks, API clients, the audit log).
pub fn scope_for(route_key: &str) -> Option<Scope> {
    let (method, path) = route_key.split_once(' ')?;
    let under = |prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    match method {
        // API.md: `orders:read` is `GET /admin/orders…`, `customers:read` `GET /admin/customers…`.
        "GET" if under("/admin/orders") => Some(Scope::OrdersRead),
        "GET" if under("/admin/customers") => Some(Scope::CustomersRead),
        _ if under("/admin/products") || under("/admin/price-tiers") => Some(Scope::CatalogWrite),
        "POST" => match path {
            "/admin/orders/{order_id}/confirm"
            | "/admin/orders/{order_id}/reject"
            | "/admin/orders/{order_id}/assign" => Some(Scope::OrdersWrite),
            "/admin/customers" => Some(Scope::CustomersWrite),
            _ => None,
        },
        "PATCH" if path == "/admin/customers/{customer_id}" => Some(Scope::CustomersWrite),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route of `template.yaml` as `(method, path)`.
    fn template_routes() -> Vec<String> {
        let template =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
                .unwrap();
        let lines: Vec<&str> = template.lines().map(str::trim).collect();
        lines
            .windows(2)
            .filter_map(|w| {
                let path = w[0].strip_prefix("Path: ")?;
                let method = w[1].strip_prefix("Method: ")?;
                Some(format!("{method} {path}"))
            })
            .collect()
    }

    /// What every route of the template needs. A new route fails this test until it is
    /// written here, so that no route reaches API clients by accident.
    const EXPECTED: &[(&str, Option<&str>)] = &[
        ("GET /admin/orders", Some("orders:read")),
        ("GET /admin/orders/{order_id}", Some("orders:read")),
        (
            "POST /admin/orders/{order_id}/confirm",
            Some("orders:write"),
        ),
        ("POST /admin/orders/{order_id}/reject", Some("orders:write")),
        ("POST /admin/orders/{order_id}/assign", Some("orders:write")),
        ("PATCH /admin/orders/{order_id}", None),
        ("POST /admin/products", Some("catalog:write")),
        ("GET /admin/products", Some("catalog:write")),
        ("PATCH /admin/products/{sku}", Some("catalog:write")),
        ("POST /admin/price-tiers", Some("catalog:write")),
        ("GET /admin/price-tiers", Some("catalog:write")),
        ("PATCH /admin/price-tiers/{tier_id}", Some("catalog:write")),
        ("GET /admin/customers", Some("customers:read")),
        ("GET /admin/customers/{customer_id}", Some("customers:read")),
        (
            "GET /admin/customers/{customer_id}/addresses",
            Some("customers:read"),
        ),
        (
            "GET /admin/customers/{customer_id}/logins",
            Some("customers:read"),
        ),
        ("POST /admin/customers", Some("customers:write")),
        (
            "PATCH /admin/customers/{customer_id}",
            Some("customers:write"),
        ),
        ("DELETE /admin/customers/{customer_id}", None),
        ("POST /admin/customers/tags", None),
        ("POST /admin/customers/{customer_id}/addresses", None),
        ("POST /admin/customers/{customer_id}/logins", None),
        ("PUT /admin/customers/{customer_id}/cart", None),
        ("POST /admin/customers/{customer_id}/orders", None),
        ("GET /admin/audit", None),
        ("POST /admin/teams", None),
        ("GET /admin/teams", None),
        ("PATCH /admin/teams/{team_id}", None),
        ("DELETE /admin/teams/{team_id}", None),
        ("GET /admin/routing-rules", None),
        ("PUT /admin/routing-rules", None),
        ("GET /admin/auto-confirm", None),
        ("PUT /admin/auto-confirm", None),
        ("PATCH /admin/logins/{login_id}", None),
        ("DELETE /admin/logins/{login_id}", None),
        ("POST /admin/logins/{login_id}/password-reset", None),
        ("POST /admin/invitations/{invitation_id}/resend", None),
        ("DELETE /admin/invitations/{invitation_id}", None),
        ("PUT /admin/checkout-questions", None),
        ("GET /admin/checkout-questions", None),
        ("POST /admin/webhooks", None),
        ("GET /admin/webhooks", None),
        ("GET /admin/webhooks/{webhook_id}", None),
        ("PATCH /admin/webhooks/{webhook_id}", None),
        ("DELETE /admin/webhooks/{webhook_id}", None),
        ("POST /admin/webhooks/{webhook_id}/test", None),
        ("POST /admin/webhooks/{webhook_id}/secret/rotate", None),
        ("GET /admin/webhooks/{webhook_id}/deliveries", None),
        (
            "POST /admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
            None,
        ),
        ("POST /admin/api-clients", None),
        ("GET /admin/api-clients", None),
        ("DELETE /admin/api-clients/{client_id}", None),
    ];

    #[test]
    fn every_admin_route_of_the_template_needs_the_scope_written_here_and_no_other_route_any() {
        let routes = template_routes();
        assert!(routes.len() > 80, "{} routes read", routes.len());
        for route in &routes {
            let needed = scope_for(route).map(Scope::as_str);
            if route.split(' ').nth(1).unwrap().starts_with("/admin/") {
                let expected = EXPECTED
                    .iter()
                    .find(|(r, _)| r == route)
                    .unwrap_or_else(|| panic!("{route} is not in EXPECTED: decide its scope"));
                assert_eq!(needed, expected.1, "{route}");
            } else {
                assert_eq!(needed, None, "{route} is not an admin route");
            }
        }
        for (route, _) in EXPECTED {
            assert!(
                routes.iter().any(|r| r == route),
                "{route} is not in the template"
            );
        }
    }

    #[test]
    fn a_prefix_covers_only_whole_path_segments() {
        assert_eq!(scope_for("GET /admin/ordersx"), None);
        assert_eq!(scope_for("GET /admin/customers-export"), None);
        assert_eq!(scope_for("GET /orders"), None);
        assert_eq!(scope_for("nonsense"), None);
    }
}
