//! Reading logins: an account's logins and invitations for the seller, and a login's own view
//! of itself.

use super::{Invitation, Login, LoginStore};
use crate::catalog::{CatalogError, CatalogStore, tier_name, tier_name_reads};
use crate::customers::{Customer, CustomerStatus, CustomerStore};
use crate::error::Unexpected;
use crate::ids::{CustomerId, TierId};
use crate::page::Page;
use crate::reads::Reads;
use crate::session::{Session, SessionIds};

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

/// The signed-in login and what it may know of its account.
#[derive(Debug, serde::Serialize)]
pub struct Me {
    pub login: Login,
    pub customer: MyAccount,
}

/// The account as its own logins see it.
#[derive(Debug, serde::Serialize)]
pub struct MyAccount {
    pub customer_id: CustomerId,
    pub name: String,
    pub status: CustomerStatus,
    pub ordering_enabled: bool,
    pub price_tier_id: Option<TierId>,
    pub tier_name: Option<String>,
}

/// What [`me`] reads by key: the account's tier, for its name.
pub fn me_reads(ids: &SessionIds) -> Reads {
    tier_name_reads(ids.tier.as_ref())
}

/// `GET /me`: the session's login and account, with the name of the account's price tier.
pub async fn me<S: CatalogStore>(store: &S, session: &Session) -> Result<Me, CatalogError> {
    let c = &session.me.customer;
    Ok(Me {
        login: session.me.login.clone(),
        customer: MyAccount {
            customer_id: c.customer_id.clone(),
            name: c.name.as_str().to_owned(),
            status: c.status,
            ordering_enabled: c.ordering_enabled,
            price_tier_id: c.price_tier_id.clone(),
            tier_name: tier_name(store, c.price_tier_id.as_ref()).await?,
        },
    })
}
