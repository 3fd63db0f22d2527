//! Every HTTP function, in this process, built by its own `App::from_env` as its `main` does.

use lambda_http::{Body, Request, Response};
use orderdesk::http::HttpFunction as _;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Customers,
    Logins,
    Invitations,
    Catalog,
    Submission,
    Orders,
    Confirmation,
    Integrations,
}

pub struct Apps {
    customers: orderdesk_customers::App,
    logins: orderdesk_logins::App,
    invitations: orderdesk_invitations::App,
    catalog: orderdesk_catalog::App,
    submission: orderdesk_order_submission::App,
    orders: orderdesk_orders::App,
    confirmation: orderdesk_order_confirmation::App,
    integrations: orderdesk_integrations::App,
}

fn built<T>(r: Result<T, lambda_http::Error>, name: &str) -> T {
    r.unwrap_or_else(|e| panic!("{name}: App::from_env failed: {e}"))
}

impl Apps {
    pub async fn from_env() -> Self {
        Self {
            customers: built(orderdesk_customers::App::from_env().await, "customers"),
            logins: built(orderdesk_logins::App::from_env().await, "logins"),
            invitations: built(orderdesk_invitations::App::from_env().await, "invitations"),
            catalog: built(orderdesk_catalog::App::from_env().await, "catalog"),
            submission: built(
                orderdesk_order_submission::App::from_env().await,
                "order-submission",
            ),
            orders: built(orderdesk_orders::App::from_env().await, "orders"),
            confirmation: built(
                orderdesk_order_confirmation::App::from_env().await,
                "order-confirmation",
            ),
            integrations: built(
                orderdesk_integrations::App::from_env().await,
                "integrations",
            ),
        }
    }

    pub async fn handle(&self, function: Function, req: Request) -> Response<Body> {
        match function {
            Function::Customers => self.customers.handle(req).await,
            Function::Logins => self.logins.handle(req).await,
            Function::Invitations => self.invitations.handle(req).await,
            Function::Catalog => self.catalog.handle(req).await,
            Function::Submission => self.submission.handle(req).await,
            Function::Orders => self.orders.handle(req).await,
            Function::Confirmation => self.confirmation.handle(req).await,
            Function::Integrations => self.integrations.handle(req).await,
        }
    }
}

/// A response's body as JSON (`Null` when empty or not JSON).
pub fn body_json(res: &Response<Body>) -> Value {
    serde_json::from_slice(res.body().as_ref()).unwrap_or(Value::Null)
}
