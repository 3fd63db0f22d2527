//! How catalogue, cart and order errors read over HTTP.

use super::Problem;

impl From<crate::catalog::CatalogError> for Problem {
    fn from(e: crate::catalog::CatalogError) -> Self {
        use crate::catalog::CatalogError as E;
        match e {
            E::Invalid(errors) => Problem::invalid(errors),
            E::NotFound(why) => Problem::not_found(why),
            E::Conflict(why) => Problem::conflict(why),
            E::Unexpected(e) => Problem::internal(&e),
        }
    }
}

impl From<crate::orders::cart::CartError> for Problem {
    fn from(e: crate::orders::cart::CartError) -> Self {
        use crate::orders::cart::CartError as E;
        match e {
            E::Invalid(errors) => Problem::invalid(errors),
            E::Unexpected(e) => Problem::internal(&e),
        }
    }
}

impl From<crate::orders::order::SubmitError> for Problem {
    fn from(e: crate::orders::order::SubmitError) -> Self {
        use crate::orders::order::SubmitError as E;
        match e {
            E::OrderingDisabled => Problem::forbidden(
                "Ordering is not enabled for your account. Please contact the seller.",
            )
            .typed("ordering-disabled"),
            E::Invalid(errors) => Problem::invalid(errors),
            E::KeyReused(e) => Problem::conflict(format!(
                "{e}: send a new Idempotency-Key for a new order, or the same body to get the first answer again."
            ))
            .typed("idempotency-key-reused"),
            E::Unexpected(e) => Problem::internal(&e),
        }
    }
}

impl From<crate::orders::order::ReadOrderError> for Problem {
    fn from(e: crate::orders::order::ReadOrderError) -> Self {
        use crate::orders::order::ReadOrderError as E;
        match e {
            E::NotFound => Problem::not_found("There is no such order."),
            E::Invalid(errors) => Problem::invalid(errors),
            E::Unexpected(e) => Problem::internal(&e),
        }
    }
}

impl From<crate::orders::order::DecideError> for Problem {
    fn from(e: crate::orders::order::DecideError) -> Self {
        use crate::orders::order::DecideError as E;
        match e {
            E::NotFound => Problem::not_found("There is no such order."),
            E::Conflict(why) => Problem::conflict(why).typed("order-state"),
            E::Invalid(errors) => Problem::invalid(errors),
            E::Unexpected(e) => Problem::internal(&e),
        }
    }
}

impl From<crate::orders::admin::AdminOrderError> for Problem {
    fn from(e: crate::orders::admin::AdminOrderError) -> Self {
        use crate::orders::admin::AdminOrderError as E;
        match e {
            E::CustomerNotFound => Problem::not_found("There is no customer with this id."),
            E::CustomerDeleted => Problem::conflict(
                "This customer is deleted: no new orders can be placed into its account.",
            )
            .typed("customer-deleted"),
            E::Invalid(errors) => Problem::invalid(errors),
            E::KeyReused(e) => Problem::conflict(format!(
                "{e}: send a new Idempotency-Key for a new order, or the same body to get the first answer again."
            ))
            .typed("idempotency-key-reused"),
            E::Unexpected(e) => Problem::internal(&e),
        }
    }
}
