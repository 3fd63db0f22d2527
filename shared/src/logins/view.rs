//! Reading logins: an account's logins and invitations, for the seller.

use super::{Invitation, Login, LoginStore};
use crate::customers::{Customer, CustomerStore};
use crate::error::Unexpected;
use crate::ids::CustomerId;
use crate::page::Page;

#[derive(Debug, thiserror::Error)]
pub enum ListLoginsError {
    #[error("no such customer")]
    CustomerNotFound,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// An account as the seller's customer page shows it: with its logins and invitations.
#[derive(Debug, serde::Serialize)]
pub struct CustomerPage {
    #[serde(flatten)]
    pub customer: Customer,
    pub logins: Vec<Login>,
    pub invitations: Vec<Invitation>,
}

/// A customer with its logins and invitations (oldest first), read at the same time.
pub async fn customer_page<S: LoginStore + CustomerStore>(
    store: &S,
    customer_id: &CustomerId,
) -> Result<CustomerPage, ListLoginsError> {
    let (customer, members) =
        futures::future::join(store.customer(customer_id), store.members(customer_id)).await;
    let customer = customer?.ok_or(ListLoginsError::CustomerNotFound)?;
    let (logins, invitations) = members?;
    Ok(CustomerPage {
        customer,
        logins,
        invitations,
    })
}

/// A customer's logins, oldest first.
pub async fn list_logins<S: LoginStore + CustomerStore>(
    store: &S,
    customer_id: &CustomerId,
) -> Result<Page<Login>, ListLoginsError> {
    let page = customer_page(store, customer_id).await?;
    Ok(Page {
        items: page.logins,
        next_cursor: None,
    })
}
