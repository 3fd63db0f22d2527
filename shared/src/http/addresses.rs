//! Every address book use-case error, mapped to its HTTP problem in one place.

use super::Problem;
use crate::addresses::{
    AddAddressError, DeleteAddressError, ListAddressesError, MAX_ADDRESSES, UpdateAddressError,
};

const NO_SUCH_ADDRESS: &str = "There is no such address in this account's address book.";

impl From<ListAddressesError> for Problem {
    fn from(e: ListAddressesError) -> Self {
        match e {
            ListAddressesError::NotFound => {
                Problem::not_found("There is no customer with this id.")
            }
            ListAddressesError::Unexpected(e) => e.into(),
        }
    }
}

impl From<AddAddressError> for Problem {
    fn from(e: AddAddressError) -> Self {
        match e {
            AddAddressError::Full => Problem::conflict(format!(
                "The address book is full: it holds {MAX_ADDRESSES} addresses. Delete one you \
                 no longer ship to, or change it, to make room."
            ))
            .typed("address-book-full"),
            AddAddressError::Closed(e) => e.into(),
            AddAddressError::Unexpected(e) => e.into(),
        }
    }
}

impl From<UpdateAddressError> for Problem {
    fn from(e: UpdateAddressError) -> Self {
        match e {
            UpdateAddressError::NotFound => Problem::not_found(NO_SUCH_ADDRESS),
            UpdateAddressError::Unexpected(e) => e.into(),
        }
    }
}

impl From<DeleteAddressError> for Problem {
    fn from(e: DeleteAddressError) -> Self {
        match e {
            DeleteAddressError::NotFound => Problem::not_found(NO_SUCH_ADDRESS),
            DeleteAddressError::Unexpected(e) => e.into(),
        }
    }
}
