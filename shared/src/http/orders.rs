//! How catalogue, cart and order errors read over HTTP.

use super::Problem;

impl From<crate::catalog::CatalogError> for Problem {
    fn from(e: crate::catalog::CatalogError) -> Self {
        use crate::catalog::CatalogError as E;
        match e {
            E::Invalid(errors) => Problem::invalid(errors),
            E::NotFound(why) => Problem::not_found(why),
            E::Conflict(why) => Problem::conflict(why),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::orders::CartError> for Problem {
    fn from(e: crate::orders::CartError) -> Self {
        use crate::orders::CartError as E;
        match e {
            E::Invalid(errors) => Problem::invalid(errors),
            E::Account(e) => e.into(),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::orders::SubmitError> for Problem {
    fn from(e: crate::orders::SubmitError) -> Self {
        use crate::orders::SubmitError as E;
        match e {
            E::OrderingDisabled => Problem::forbidden(
                "Ordering is not enabled for your account. Please contact the seller.",
            )
            .typed("ordering-disabled"),
            E::Invalid(errors) => Problem::invalid(errors),
            E::KeyReused(e) => e.into(),
            E::CartChanged(_) => Problem::conflict(
                "Your cart changed while the order was being placed (another login of your \
                 account changed it). Nothing was ordered: check the cart and submit again.",
            )
            .typed("cart-changed"),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::orders::ReadOrderError> for Problem {
    fn from(e: crate::orders::ReadOrderError) -> Self {
        use crate::orders::ReadOrderError as E;
        match e {
            E::NotFound => Problem::not_found("There is no such order."),
            E::BadCursor => Problem::bad_cursor(),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::orders::DecideError> for Problem {
    fn from(e: crate::orders::DecideError) -> Self {
        use crate::orders::DecideError as E;
        match e {
            E::NotFound => Problem::not_found("There is no such order."),
            E::Conflict(why) => Problem::conflict(why).typed("order-state"),
            E::Invalid(errors) => Problem::invalid(errors),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::orders::AdminOrderError> for Problem {
    fn from(e: crate::orders::AdminOrderError) -> Self {
        use crate::orders::AdminOrderError as E;
        match e {
            E::Account(e) => e.into(),
            E::Invalid(errors) => Problem::invalid(errors),
            E::KeyReused(e) => e.into(),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::orders::AddToCartError> for Problem {
    fn from(e: crate::orders::AddToCartError) -> Self {
        use crate::orders::{AddToCartError as E, MAX_LINES};
        match e {
            E::NotFound => Problem::not_found("There is no such order or list."),
            E::CartFull { would_have } => Problem::conflict(format!(
                "Your cart would have {would_have} lines; a cart may have at most {MAX_LINES}. \
                 Nothing was added: remove lines from the cart first."
            ))
            .typed("cart-full"),
            E::CartChanged => cart_changed(),
            E::Unpriceable(errors) => Problem::invalid(errors),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::orders::ImportError> for Problem {
    fn from(e: crate::orders::ImportError) -> Self {
        use crate::orders::ImportError as E;
        match e {
            E::Invalid(errors) => Problem::invalid(errors),
            E::CartChanged => cart_changed(),
            E::Unexpected(e) => e.into(),
        }
    }
}

/// Another login of the account changed the cart while lines were being added to it.
fn cart_changed() -> Problem {
    Problem::conflict(
        "Your cart changed while lines were being added (another login of your account changed \
         it). Nothing was added: look at the cart and try again.",
    )
    .typed("cart-changed")
}

impl From<crate::orders::AssignError> for Problem {
    fn from(e: crate::orders::AssignError) -> Self {
        use crate::orders::AssignError as E;
        match e {
            E::UnknownTeam => Problem::invalid(vec![crate::domain::FieldError::new(
                "team_id",
                "is not one of the teams",
            )]),
            E::NotFound => Problem::not_found("There is no such order."),
            E::NotRequested(o) => Problem::conflict(format!(
                "Order {} is {} already; only a requested order can be assigned.",
                o.order_number,
                o.status.as_str()
            ))
            .typed("order-state"),
            E::Changed(o) => Problem::conflict(format!(
                "Order {} was changed by someone else just now. Reload it and try again.",
                o.order_number
            ))
            .typed("order-state"),
            E::Unexpected(e) => e.into(),
        }
    }
}
