//! The address book use cases: list, add, change and delete an entry, for a login of the
//! account or for an admin.

use super::{AddressBook, AddressChange, AddressStore, AddressStoreError, SavedAddress, ShipTo};
use crate::actor::Principal;
use crate::audit::{AuditActor, AuditEntry, Audited};
use crate::customers::{ClosedAccount, CustomerStore, open_account};
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::ids::{AddressId, CustomerId};
use crate::page::Page;
use crate::reads::{ItemRef, Reads};
use crate::retry::{self, Attempt};
use crate::session::Session;
use serde_json::json;

/// Who changes an address book, as its audit entry names them.
#[derive(Debug, Clone, Copy)]
pub enum Editor<'a> {
    /// A login in its own session, or an admin acting as it.
    Session(&'a Session),
    /// An admin on the customer's page.
    Admin(&'a Principal),
}

impl Editor<'_> {
    fn audit(
        &self,
        at: Timestamp,
        action: &str,
        customer: &CustomerId,
        details: serde_json::Value,
    ) -> AuditEntry {
        match self {
            Editor::Admin(admin) => {
                AuditEntry::by_admin(admin, at, action, Some(customer), details)
            }
            Editor::Session(s) => {
                let login = &s.me.login;
                match &s.acting {
                    None => AuditEntry::new(
                        AuditActor::login(&login.login_id, login.email.as_str()),
                        at,
                        action,
                        Some(customer),
                        details,
                    ),
                    Some(acting) => {
                        let mut e = AuditEntry::by_admin(
                            &acting.admin,
                            at,
                            action,
                            Some(customer),
                            details,
                        );
                        e.acting_as = Some(login.login_id.clone());
                        e
                    }
                }
            }
        }
    }
}

/// What the address book routes of a customer session read: the account's book.
pub fn address_book_reads(customer: &CustomerId) -> Reads {
    Reads::of([ItemRef::AddressBook(customer.clone())])
}

#[derive(Debug, thiserror::Error)]
pub enum ListAddressesError {
    #[error("no such customer")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// The account's whole book (at most [`super::MAX_ADDRESSES`]), oldest first, as one page.
pub async fn list_addresses<S: AddressStore>(
    store: &S,
    customer: &CustomerId,
) -> Result<Page<SavedAddress>, ListAddressesError> {
    let book = store.address_book(customer).await?;
    Ok(Page {
        items: book.addresses,
        next_cursor: None,
    })
}

/// An admin's view of an account's book; a deleted account's book stays readable, like its
/// orders.
pub async fn admin_list_addresses<S: AddressStore + CustomerStore>(
    store: &S,
    customer: &CustomerId,
) -> Result<Page<SavedAddress>, ListAddressesError> {
    let (account, book) = futures::join!(store.customer(customer), store.address_book(customer));
    if account?.is_none() {
        return Err(ListAddressesError::NotFound);
    }
    Ok(Page {
        items: book?.addresses,
        next_cursor: None,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum AddAddressError {
    #[error("the address book holds {} addresses already", super::MAX_ADDRESSES)]
    Full,
    #[error(transparent)]
    Closed(#[from] ClosedAccount),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Adds an entry to the account's book, unless it is full.
#[tracing::instrument(skip_all, fields(customer_id = %customer))]
pub async fn add_address<S: AddressStore>(
    store: &S,
    editor: Editor<'_>,
    customer: &CustomerId,
    place: ShipTo,
) -> Result<SavedAddress, AddAddressError> {
    let place = &place;
    edit(
        store,
        editor,
        customer,
        "address.created",
        move |book, now| {
            if book.is_full() {
                return Err(AddAddressError::Full);
            }
            let saved = SavedAddress {
                address_id: AddressId::generate(),
                place: place.clone(),
                created_at: now,
                updated_at: now,
            };
            let mut after = book.clone();
            after.addresses.push(saved.clone());
            let details = json!({ "address": saved });
            Ok((after, saved, details))
        },
    )
    .await
}

/// An admin adds an entry to an open account's book.
pub async fn admin_add_address<S: AddressStore + CustomerStore>(
    store: &S,
    admin: &Principal,
    customer: &CustomerId,
    place: ShipTo,
) -> Result<SavedAddress, AddAddressError> {
    open_account::<_, AddAddressError>(store, customer).await?;
    add_address(store, Editor::Admin(admin), customer, place).await
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateAddressError {
    #[error("no such address in this account's book")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Changes one entry of the account's book. Orders that shipped to it keep their copy.
#[tracing::instrument(skip_all, fields(customer_id = %customer, address_id = %id))]
pub async fn update_address<S: AddressStore>(
    store: &S,
    editor: Editor<'_>,
    customer: &CustomerId,
    id: &AddressId,
    change: &AddressChange,
) -> Result<SavedAddress, UpdateAddressError> {
    edit(
        store,
        editor,
        customer,
        "address.updated",
        move |book, now| {
            let before = book.find(id).ok_or(UpdateAddressError::NotFound)?;
            let mut after = before.clone();
            after.place = change.apply(&before.place);
            after.updated_at = now;
            let details = json!({ "address_id": id, "from": before.place, "to": after.place });
            let mut next = book.clone();
            next.addresses = book
                .addresses
                .iter()
                .map(|a| {
                    if &a.address_id == id {
                        after.clone()
                    } else {
                        a.clone()
                    }
                })
                .collect();
            Ok((next, after, details))
        },
    )
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteAddressError {
    #[error("no such address in this account's book")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Removes one entry of the account's book.
#[tracing::instrument(skip_all, fields(customer_id = %customer, address_id = %id))]
pub async fn delete_address<S: AddressStore>(
    store: &S,
    editor: Editor<'_>,
    customer: &CustomerId,
    id: &AddressId,
) -> Result<(), DeleteAddressError> {
    edit(
        store,
        editor,
        customer,
        "address.deleted",
        move |book, _| {
            let gone = book.find(id).ok_or(DeleteAddressError::NotFound)?;
            let details = json!({ "address": gone });
            let mut after = book.clone();
            after.addresses.retain(|a| &a.address_id != id);
            Ok((after, (), details))
        },
    )
    .await
}

/// Reads the book, lets `change` make the next one (or refuse), and writes it on the condition
/// that nobody wrote it meanwhile, with its audit entry; a concurrent write is retried on the
/// fresh book.
async fn edit<S, T, E>(
    store: &S,
    editor: Editor<'_>,
    customer: &CustomerId,
    action: &'static str,
    change: impl Fn(&AddressBook, Timestamp) -> Result<(AddressBook, T, serde_json::Value), E>,
) -> Result<T, E>
where
    S: AddressStore,
    E: From<Unexpected>,
{
    let change = &change;
    retry::on_contention("the address book write", |_| async move {
        let before = match store.address_book(customer).await {
            Ok(b) => b,
            Err(e) => return Attempt::Failed(e.into()),
        };
        let now = Timestamp::now();
        let (mut after, answer, details) = match change(&before, now) {
            Ok(c) => c,
            Err(e) => return Attempt::Failed(e),
        };
        after.version = before.version + 1;
        let audit = editor.audit(now, action, customer, details);
        let w = Audited {
            before: (before.version > 0).then_some(&before),
            after: &after,
            audit: &audit,
        };
        match store.put_address_book(w).await {
            Ok(()) => Attempt::Done(answer),
            Err(AddressStoreError::Stale | AddressStoreError::Contention) => Attempt::Contended,
            Err(AddressStoreError::Unexpected(u)) => Attempt::Failed(u.into()),
        }
    })
    .await
}
