//! The routes of the HTTP API as the end-to-end suites call them: for each, a path and a
//! minimal valid body, and the status each [`Actor`] gets. The authorisation matrix checks the
//! statuses; the bad-input corpus spoils the bodies and the ids.

use crate::authz::{ACTORS, Actor};

/// One route's row: who gets what. `expect` has one status per actor, in [`ACTORS`] order.
pub struct Row {
    /// API Gateway's route key, as `template.yaml` declares it.
    pub route: &'static str,
    expect: &'static str,
    /// The path to call, ids as placeholders (see [`Targets::fill`](crate::Targets::fill)).
    pub path: &'static str,
    /// A minimal valid body, placeholders too; empty for a route without one.
    pub body: &'static str,
}

const fn row(
    route: &'static str,
    expect: &'static str,
    path: &'static str,
    body: &'static str,
) -> Row {
    Row {
        route,
        expect,
        path,
        body,
    }
}

/// The expected status of every cell. Columns, as [`Actor`] describes them: no token (`no`),
/// a forged signature (`frg`), expired (`exp`), another pool's token (`pol`), another app
/// client's (`aud`) — the five the authorizer refuses —, customer A (`A`, owner of the ids in
/// the paths), customer B (`B`), a login disabled after it signed in (`dis`), a login of a
/// deleted account (`del`), a user in no group (`ngr`), the admin (`adm`), the admin acting
/// as A's login (`asA`), an API client with every scope (`cli`). Placeholders: see [`Targets::fill`](crate::Targets::fill).
#[rustfmt::skip]
pub const MATRIX: &[Row] = &[
    //                                                      no  frg exp pol aud  A   B  dis del ngr adm asA cli
    row("POST /admin/customers",                           "401 401 401 401 401 403 403 403 403 403 201 201 201", "/admin/customers", r#"{"name": "Matrix $word", "email": "$email"}"#),
    row("GET /admin/customers",                            "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/customers?limit=1", ""),
    row("GET /admin/customers/{customer_id}",              "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/customers/$customer", ""),
    row("GET /admin/audit",                                "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/audit?limit=1", ""),
    row("PATCH /admin/customers/{customer_id}",            "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/customers/$customer", r#"{"name": "Matrix $word"}"#),
    row("DELETE /admin/customers/{customer_id}",           "401 401 401 401 401 403 403 403 403 403 204 204 403", "/admin/customers/$customer", ""),
    row("POST /admin/customers/tags",                      "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/customers/tags", r#"{"tag": "matrix", "customer_ids": ["$customer"], "action": "add"}"#),
    row("POST /admin/customers/{customer_id}/logins",      "401 401 401 401 401 403 403 403 403 403 201 201 403", "/admin/customers/$customer/logins", r#"{"name": "Matrix", "email": "$email", "mode": "password", "password": "Chosen-passw0rd"}"#),
    row("GET /admin/customers/{customer_id}/logins",       "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/customers/$customer/logins", ""),
    row("GET /me",                                         "401 401 401 401 401 200 200 403 403 403 403 200 403", "/me", ""),
    row("PATCH /me",                                       "401 401 401 401 401 200 200 403 403 403 403 200 403", "/me", r#"{"name": "Matrix Buyer"}"#),
    row("POST /me/password",                               "401 401 401 401 401 204 204 403 403 403 403 403 403", "/me/password", r#"{"current_password": "Chosen-passw0rd", "new_password": "Matrix-passw0rd-2"}"#),
    row("POST /me/email",                                  "401 401 401 401 401 409 409 403 403 403 403 403 403", "/me/email", r#"{"email": "$taken_email"}"#),
    row("PATCH /admin/logins/{login_id}",                  "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/logins/$login", r#"{"name": "Matrix $word"}"#),
    row("DELETE /admin/logins/{login_id}",                 "401 401 401 401 401 403 403 403 403 403 204 204 403", "/admin/logins/$login", ""),
    row("POST /admin/logins/{login_id}/password-reset",    "401 401 401 401 401 403 403 403 403 403 202 202 403", "/admin/logins/$login/password-reset", r#"{"mode": "temporary_password"}"#),
    row("GET /invitations/{token}",                        "200 200 200 200 200 200 200 200 200 200 200 200 200", "/invitations/$link", ""),
    row("POST /invitations/{token}/accept",                "404 404 404 404 404 404 404 404 404 404 404 404 404", "/invitations/$unknown_link/accept", r#"{"password": "Chosen-passw0rd"}"#),
    row("POST /email-changes/{token}/confirm",             "404 404 404 404 404 404 404 404 404 404 404 404 404", "/email-changes/$unknown_link/confirm", ""),
    row("POST /password-resets",                           "202 202 202 202 202 202 202 202 202 202 202 202 202", "/password-resets", r#"{"email": "$email"}"#),
    row("GET /password-resets/{token}",                    "404 404 404 404 404 404 404 404 404 404 404 404 404", "/password-resets/$unknown_link", ""),
    row("POST /password-resets/{token}",                   "404 404 404 404 404 404 404 404 404 404 404 404 404", "/password-resets/$unknown_link", r#"{"password": "Chosen-passw0rd"}"#),
    row("POST /admin/invitations/{invitation_id}/resend",  "401 401 401 401 401 403 403 403 403 403 202 202 403", "/admin/invitations/$invitation/resend", ""),
    row("DELETE /admin/invitations/{invitation_id}",       "401 401 401 401 401 403 403 403 403 403 204 204 403", "/admin/invitations/$invitation", ""),
    row("POST /admin/products",                            "401 401 401 401 401 403 403 403 403 403 201 201 201", "/admin/products", r#"{"sku": "MX-$WORD", "name": "Matrix", "price": {"amount": 100, "currency": "EUR"}}"#),
    row("GET /admin/products",                             "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/products?limit=1", ""),
    row("PATCH /admin/products/{sku}",                     "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/products/$sku", r#"{"name": "Matrix $word"}"#),
    row("POST /admin/price-tiers",                         "401 401 401 401 401 403 403 403 403 403 201 201 201", "/admin/price-tiers", r#"{"name": "Matrix $word", "discount_percent": 5}"#),
    row("GET /admin/price-tiers",                          "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/price-tiers", ""),
    row("PATCH /admin/price-tiers/{tier_id}",              "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/price-tiers/$tier", r#"{"name": "Matrix $word"}"#),
    row("GET /catalog",                                    "401 401 401 401 401 200 200 403 403 403 403 200 403", "/catalog?limit=1", ""),
    row("PUT /admin/checkout-questions",                   "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/checkout-questions", r#"{"questions": $questions}"#),
    row("GET /admin/checkout-questions",                   "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/checkout-questions", ""),
    row("GET /checkout-questions",                         "401 401 401 401 401 200 200 403 403 403 403 200 403", "/checkout-questions", ""),
    row("GET /cart",                                       "401 401 401 401 401 200 200 403 403 403 403 200 403", "/cart", ""),
    row("PUT /cart",                                       "401 401 401 401 401 200 200 403 403 403 403 200 403", "/cart", r#"{"lines": [{"sku": "$sku", "quantity": 1}]}"#),
    row("POST /orders",                                    "401 401 401 401 401 201 201 403 403 403 403 201 403", "/orders", r#"{"lines": [{"sku": "$sku", "quantity": 1}], "answers": {"po_number": "PO-M"}}"#),
    row("POST /orders/{order_id}/cancel",                  "401 401 401 401 401 200 404 403 403 403 403 200 403", "/orders/$order/cancel", ""),
    row("PUT /admin/customers/{customer_id}/cart",         "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/customers/$customer/cart", r#"{"lines": [{"sku": "$sku", "quantity": 1}]}"#),
    row("POST /admin/customers/{customer_id}/orders",      "401 401 401 401 401 403 403 403 403 403 201 201 403", "/admin/customers/$customer/orders", r#"{"status": "requested", "lines": [{"sku": "$sku", "quantity": 1}]}"#),
    row("GET /orders",                                     "401 401 401 401 401 200 200 403 403 403 403 200 403", "/orders?limit=1", ""),
    row("GET /orders/{order_id}",                          "401 401 401 401 401 200 404 403 403 403 403 200 403", "/orders/$order", ""),
    row("GET /admin/orders",                               "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/orders?limit=1", ""),
    row("GET /admin/orders/{order_id}",                    "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/orders/$order", ""),
    row("PATCH /admin/orders/{order_id}",                  "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/orders/$order", r#"{"notes": "Matrix", "version": 1}"#),
    row("POST /admin/orders/{order_id}/confirm",           "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/orders/$order/confirm", "{}"),
    row("POST /admin/orders/{order_id}/reject",            "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/orders/$order/reject", r#"{"reason": "Matrix"}"#),
    row("POST /admin/orders/{order_id}/assign",            "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/orders/$order/assign", r#"{"team_id": "$team"}"#),
    row("POST /orders/{order_id}/reorder",                 "401 401 401 401 401 200 404 403 403 403 403 200 403", "/orders/$order/reorder", ""),
    row("POST /cart/import",                               "401 401 401 401 401 200 200 403 403 403 403 200 403", "/cart/import", r#"{"lines": [{"sku": "$sku", "quantity": 1}]}"#),
    row("GET /lists",                                      "401 401 401 401 401 200 200 403 403 403 403 200 403", "/lists", ""),
    row("POST /lists",                                     "401 401 401 401 401 201 201 403 403 403 403 201 403", "/lists", r#"{"name": "Matrix $word", "lines": [{"sku": "$sku", "quantity": 1}]}"#),
    row("GET /lists/{list_id}",                            "401 401 401 401 401 200 404 403 403 403 403 200 403", "/lists/$list", ""),
    row("PUT /lists/{list_id}",                            "401 401 401 401 401 200 404 403 403 403 403 200 403", "/lists/$list", r#"{"name": "Matrix $word"}"#),
    row("DELETE /lists/{list_id}",                         "401 401 401 401 401 204 404 403 403 403 403 204 403", "/lists/$list", ""),
    row("POST /lists/{list_id}/add-to-cart",               "401 401 401 401 401 200 404 403 403 403 403 200 403", "/lists/$list/add-to-cart", ""),
    row("GET /addresses",                                  "401 401 401 401 401 200 200 403 403 403 403 200 403", "/addresses", ""),
    row("POST /addresses",                                 "401 401 401 401 401 201 201 403 403 403 403 201 403", "/addresses", r#"{"label": "Matrix $word", "line1": "1 Rue", "city": "Lyon", "postal_code": "69001", "country": "FR"}"#),
    row("PATCH /addresses/{address_id}",                   "401 401 401 401 401 200 404 403 403 403 403 200 403", "/addresses/$address", r#"{"label": "Matrix $word"}"#),
    row("DELETE /addresses/{address_id}",                  "401 401 401 401 401 204 404 403 403 403 403 204 403", "/addresses/$address", ""),
    row("GET /admin/customers/{customer_id}/addresses",    "401 401 401 401 401 403 403 403 403 403 200 200 200", "/admin/customers/$customer/addresses", ""),
    row("POST /admin/customers/{customer_id}/addresses",   "401 401 401 401 401 403 403 403 403 403 201 201 403", "/admin/customers/$customer/addresses", r#"{"label": "Matrix $word", "line1": "1 Rue", "city": "Lyon", "postal_code": "69001", "country": "FR"}"#),
    row("POST /admin/teams",                               "401 401 401 401 401 403 403 403 403 403 201 201 403", "/admin/teams", r#"{"name": "Matrix $word", "notify_emails": ["$email"]}"#),
    row("GET /admin/teams",                                "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/teams", ""),
    row("PATCH /admin/teams/{team_id}",                    "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/teams/$team", r#"{"name": "Matrix $word"}"#),
    row("DELETE /admin/teams/{team_id}",                   "401 401 401 401 401 403 403 403 403 403 204 204 403", "/admin/teams/$team", ""),
    row("GET /admin/routing-rules",                        "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/routing-rules", ""),
    row("PUT /admin/routing-rules",                        "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/routing-rules", r#"{"rules": []}"#),
    row("GET /admin/auto-confirm",                         "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/auto-confirm", ""),
    row("PUT /admin/auto-confirm",                         "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/auto-confirm", r#"{"rules": []}"#),
    row("POST /admin/webhooks",                            "401 401 401 401 401 403 403 403 403 403 201 201 403", "/admin/webhooks", r#"{"url": "$hook", "events": ["login.disabled"]}"#),
    row("GET /admin/webhooks",                             "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/webhooks", ""),
    row("GET /admin/webhooks/{webhook_id}",                "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/webhooks/$webhook", ""),
    row("PATCH /admin/webhooks/{webhook_id}",              "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/webhooks/$webhook", r#"{"events": ["customer.deleted"]}"#),
    row("DELETE /admin/webhooks/{webhook_id}",             "401 401 401 401 401 403 403 403 403 403 204 204 403", "/admin/webhooks/$webhook", ""),
    row("POST /admin/webhooks/{webhook_id}/test",          "401 401 401 401 401 403 403 403 403 403 202 202 403", "/admin/webhooks/$webhook/test", ""),
    row("POST /admin/webhooks/{webhook_id}/secret/rotate", "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/webhooks/$webhook/secret/rotate", ""),
    row("GET /admin/webhooks/{webhook_id}/deliveries",     "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/webhooks/$webhook/deliveries?limit=1", ""),
    row("POST /admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
                                                           "401 401 401 401 401 403 403 403 403 403 202 202 403", "/admin/webhooks/$webhook/deliveries/$delivery/retry", ""),
    row("POST /admin/api-clients",                         "401 401 401 401 401 403 403 403 403 403 201 201 403", "/admin/api-clients", r#"{"name": "Test client $word", "scopes": ["orders:read"]}"#),
    row("GET /admin/api-clients",                          "401 401 401 401 401 403 403 403 403 403 200 200 403", "/admin/api-clients", ""),
    row("DELETE /admin/api-clients/{client_id}",           "401 401 401 401 401 403 403 403 403 403 204 204 403", "/admin/api-clients/$client", ""),
    row("POST /oauth2/token",                              "401 401 401 401 401 401 401 401 401 401 401 401 401", "/oauth2/token", ""),
];

impl Row {
    /// The statuses of the row, one per actor.
    pub fn statuses(&self) -> Vec<u16> {
        let s: Vec<u16> = self
            .expect
            .split_whitespace()
            .map(|s| {
                s.parse()
                    .unwrap_or_else(|_| panic!("{}: {s} is no status", self.route))
            })
            .collect();
        assert_eq!(
            s.len(),
            ACTORS.len(),
            "{}: one status per actor",
            self.route
        );
        s
    }

    /// The caller the route is for: the admin, else customer A, else anyone (a public route).
    /// A caller the route refuses for a conflict (409) is still the one it is for: its input is
    /// checked first.
    pub fn caller(&self) -> Actor {
        let statuses = self.statuses();
        let status = |actor: Actor| statuses[ACTORS.iter().position(|a| *a == actor).unwrap()];
        [Actor::Admin, Actor::CustomerA]
            .into_iter()
            .find(|a| status(*a) < 400 || status(*a) == 409)
            .unwrap_or(Actor::NoToken)
    }

    /// The route's HTTP method.
    pub fn method(&self) -> &'static str {
        self.route.split_once(' ').expect("METHOD /path").0
    }
}
