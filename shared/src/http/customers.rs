//! Every customer use-case error, mapped to its HTTP problem in one place.

use super::Problem;
use crate::customers::{
    BulkTagError, ClosedAccount, CreateCustomerError, DeleteCustomerError, GetCustomerError,
    ListCustomersError, UpdateCustomerError,
};
use crate::domain::FieldError;

const NO_SUCH_CUSTOMER: &str = "There is no customer with this id.";

impl From<CreateCustomerError> for Problem {
    fn from(e: CreateCustomerError) -> Self {
        match e {
            CreateCustomerError::DuplicateEmail => duplicate_email(),
            CreateCustomerError::UnknownTier => unknown_tier(),
            CreateCustomerError::UnknownTeam => unknown_team(),
            CreateCustomerError::KeyReused(e) => e.into(),
            CreateCustomerError::Unexpected(e) => e.into(),
        }
    }
}

impl From<GetCustomerError> for Problem {
    fn from(e: GetCustomerError) -> Self {
        match e {
            GetCustomerError::NotFound => Problem::not_found(NO_SUCH_CUSTOMER),
            GetCustomerError::Unexpected(e) => e.into(),
        }
    }
}

impl From<ClosedAccount> for Problem {
    fn from(e: ClosedAccount) -> Self {
        match e {
            ClosedAccount::NotFound => Problem::not_found(NO_SUCH_CUSTOMER),
            ClosedAccount::Deleted => Problem::conflict(
                "This customer is deleted: no logins, cart or orders can be added to its account.",
            )
            .typed("customer-deleted"),
        }
    }
}

impl From<ListCustomersError> for Problem {
    fn from(e: ListCustomersError) -> Self {
        match e {
            ListCustomersError::BadCursor => Problem::bad_cursor(),
            ListCustomersError::Unexpected(e) => e.into(),
        }
    }
}

impl From<UpdateCustomerError> for Problem {
    fn from(e: UpdateCustomerError) -> Self {
        match e {
            UpdateCustomerError::NotFound => Problem::not_found(NO_SUCH_CUSTOMER),
            UpdateCustomerError::UnknownTier => unknown_tier(),
            UpdateCustomerError::UnknownTeam => unknown_team(),
            UpdateCustomerError::Deleted => {
                Problem::conflict("This customer is deleted and can no longer be changed.").typed("customer-deleted")
            }
            UpdateCustomerError::Stale { current } => Problem::conflict(format!(
                "The customer was changed by someone else; it is now at version {current}. Reload it and try again."
            ))
            .typed("version-mismatch"),
            UpdateCustomerError::DuplicateEmail => duplicate_email(),
            UpdateCustomerError::Unexpected(e) => e.into(),
        }
    }
}

impl From<DeleteCustomerError> for Problem {
    fn from(e: DeleteCustomerError) -> Self {
        match e {
            DeleteCustomerError::NotFound => Problem::not_found(NO_SUCH_CUSTOMER),
            DeleteCustomerError::Unexpected(e) => e.into(),
        }
    }
}

impl From<BulkTagError> for Problem {
    fn from(e: BulkTagError) -> Self {
        match e {
            BulkTagError::NotFound(ids) => Problem::not_found(format!(
                "Nothing was tagged: these customers do not exist or are deleted: {}.",
                ids.iter()
                    .map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            BulkTagError::Unexpected(e) => e.into(),
        }
    }
}

fn duplicate_email() -> Problem {
    Problem::conflict("Another customer account already uses this email address.")
        .typed("duplicate-email")
}

fn unknown_tier() -> Problem {
    Problem::invalid(vec![FieldError::new(
        "price_tier_id",
        "is not a price tier in the catalogue",
    )])
}

fn unknown_team() -> Problem {
    Problem::invalid(vec![FieldError::new(
        "fulfillment_team_id",
        "is not one of the teams",
    )])
}
