//! The use cases of saved lists: list, read, create, edit, delete, and put one in the cart.

use super::{
    ListStore, ListStoreError, ListSummary, ListView, ListWrite, MAX_LIST_NAME, SavedList,
};
use crate::catalog::CatalogStore;
use crate::customers::Customer;
use crate::domain::{FieldError, Timestamp, Validator, bounded_text};
use crate::error::Unexpected;
use crate::ids::{ListId, Sku};
use crate::orders::{
    AddToCartError, CartStore, CartView, Line, LineBody, Pricing, add_to_cart, cart_reads,
    catalogue_for, parse_lines, price_at, skus_of,
};
use crate::page::Page;
use crate::reads::{ItemRef, Reads};
use crate::session::{Session, SessionIds};
use serde::Deserialize;

/// Body of `POST /lists`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListBody {
    pub name: String,
    pub lines: Vec<LineBody>,
}

/// Body of `PUT /lists/{list_id}`: a new name, new lines, or both.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListEdit {
    pub name: Option<String>,
    pub lines: Option<Vec<LineBody>>,
}

/// Why a list could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("invalid list")]
    Invalid(Vec<FieldError>),
    /// No such list in the caller's account.
    #[error("no such list")]
    NotFound,
    /// The account holds [`MAX_LISTS`] lists already.
    #[error("too many lists")]
    TooMany,
    /// Another login changed or deleted the list after it was read.
    #[error("the list changed meanwhile")]
    Changed,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<ListStoreError> for ListError {
    fn from(e: ListStoreError) -> Self {
        match e {
            ListStoreError::Full => Self::TooMany,
            ListStoreError::Stale => Self::Changed,
            ListStoreError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

/// What reading list `id` reads by key: the list and the tier; its products follow.
pub fn list_reads(ids: &SessionIds, id: &ListId) -> Reads {
    Reads::of([ItemRef::List(ids.customer.clone(), id.clone())]).and_all(tier_of(ids))
}

/// What [`create_list`] reads by key: the tier and the products of the body's lines.
pub fn create_list_reads(ids: &SessionIds, body: &ListBody) -> Reads {
    Reads::of(tier_of(ids)).and_all(skus_of(&body.lines).map(ItemRef::Product))
}

/// What [`edit_list`] reads by key: the list, the tier and the products of the new lines.
pub fn edit_list_reads(ids: &SessionIds, (id, edit): &(ListId, ListEdit)) -> Reads {
    let skus = edit.lines.as_deref().map(skus_of).into_iter().flatten();
    list_reads(ids, id).and_all(skus.map(ItemRef::Product))
}

/// What [`add_list_to_cart`] reads by key: the list, the cart and the tier; the products of
/// both follow.
pub fn add_list_reads(ids: &SessionIds, id: &ListId) -> Reads {
    cart_reads(ids, []).and(ItemRef::List(ids.customer.clone(), id.clone()))
}

fn tier_of(ids: &SessionIds) -> Option<ItemRef> {
    ids.tier.clone().map(ItemRef::Tier)
}

/// The account's lists by name, all on one page: an account has at most [`super::MAX_LISTS`].
pub async fn lists<S: ListStore>(
    store: &S,
    customer: &Customer,
) -> Result<Page<ListSummary>, ListError> {
    let mut lists = store.lists(&customer.customer_id).await?;
    lists.sort_by_cached_key(|l| (l.name.to_lowercase(), l.list_id.clone()));
    Ok(Page {
        items: lists.into_iter().map(ListSummary::from).collect(),
        next_cursor: None,
    })
}

/// One of the account's lists, priced today.
pub async fn get_list<S: ListStore + CatalogStore>(
    store: &S,
    customer: &Customer,
    id: &ListId,
) -> Result<ListView, ListError> {
    let list = own_list(store, customer, id).await?;
    view(store, customer, list).await
}

/// A new list of the account. Its lines must be products the account can order now.
#[tracing::instrument(skip_all)]
pub async fn create_list<S: ListStore + CatalogStore>(
    store: &S,
    session: &Session,
    body: ListBody,
) -> Result<ListView, ListError> {
    let customer = &session.me.customer;
    let mut v = Validator::default();
    let name = v.check("name", bounded_text(&body.name, 1, MAX_LIST_NAME));
    let lines = parse_lines(&mut v, &body.lines, false);
    let name = v.finish(|| name).map_err(ListError::Invalid)?;
    let priced = pricing(store, customer, &lines).await?;
    orderable(&priced)?;
    let now = Timestamp::now();
    let list = SavedList {
        list_id: ListId::generate(),
        customer_id: customer.customer_id.clone(),
        name: name.expect("checked"),
        lines,
        created_by: session.me.login.login_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    store.put_list(ListWrite::New(&list)).await?;
    Ok(view_of(list, priced))
}

/// Renames a list, replaces its lines, or both.
#[tracing::instrument(skip_all, fields(list_id = %id))]
pub async fn edit_list<S: ListStore + CatalogStore>(
    store: &S,
    customer: &Customer,
    (id, edit): (ListId, ListEdit),
) -> Result<ListView, ListError> {
    let mut v = Validator::default();
    let name = v.optional("name", edit.name.as_deref(), |n| {
        bounded_text(n, 1, MAX_LIST_NAME)
    });
    let lines = edit.lines.as_ref().map(|l| parse_lines(&mut v, l, false));
    if edit.name.is_none() && edit.lines.is_none() {
        v.push("body", "must have a name or lines to change");
    }
    v.finish(|| ()).map_err(ListError::Invalid)?;
    let before = own_list(store, customer, &id).await?;
    let lines = lines.unwrap_or_else(|| before.lines.clone());
    let priced = pricing(store, customer, &lines).await?;
    if edit.lines.is_some() {
        orderable(&priced)?;
    }
    let after = SavedList {
        name: name.unwrap_or_else(|| before.name.clone()),
        lines,
        updated_at: Timestamp::now(),
        version: before.version + 1,
        ..before.clone()
    };
    store
        .put_list(ListWrite::Change {
            before: &before,
            after: &after,
        })
        .await?;
    Ok(view_of(after, priced))
}

/// Deletes one of the account's lists.
#[tracing::instrument(skip_all, fields(list_id = %id))]
pub async fn delete_list<S: ListStore>(
    store: &S,
    customer: &Customer,
    id: &ListId,
) -> Result<(), ListError> {
    let list = own_list(store, customer, id).await?;
    Ok(store.delete_list(&list).await?)
}

/// Adds a list's lines to the cart by the rule of [`add_to_cart`].
#[tracing::instrument(skip_all, fields(list_id = %id))]
pub async fn add_list_to_cart<S: ListStore + CatalogStore + CartStore>(
    store: &S,
    customer: &Customer,
    id: &ListId,
) -> Result<CartView, AddToCartError> {
    let list = store
        .list(&customer.customer_id, id)
        .await?
        .ok_or(AddToCartError::NotFound)?;
    add_to_cart(store, customer, &list.lines).await
}

async fn own_list<S: ListStore>(
    store: &S,
    customer: &Customer,
    id: &ListId,
) -> Result<SavedList, ListError> {
    store
        .list(&customer.customer_id, id)
        .await?
        .ok_or(ListError::NotFound)
}

/// `lines` priced at the account's tier today, in one read of their products.
async fn pricing<S: CatalogStore>(
    store: &S,
    customer: &Customer,
    lines: &[Line],
) -> Result<Pricing, ListError> {
    let skus: Vec<Sku> = lines.iter().map(|l| l.sku.clone()).collect();
    let (tier, products) = catalogue_for(store, customer.price_tier_id.as_ref(), &skus).await?;
    Ok(price_at(tier.as_ref(), &products, lines))
}

/// The errors naming the lines that are not products the account can order now.
fn orderable(pricing: &Pricing) -> Result<(), ListError> {
    let mut errors = pricing.unavailable_errors();
    errors.extend(pricing.errors.iter().cloned());
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ListError::Invalid(errors))
    }
}

/// `list` with its lines priced today.
async fn view<S: CatalogStore>(
    store: &S,
    customer: &Customer,
    list: SavedList,
) -> Result<ListView, ListError> {
    let pricing = pricing(store, customer, &list.lines).await?;
    Ok(view_of(list, pricing))
}

fn view_of(list: SavedList, pricing: Pricing) -> ListView {
    ListView {
        list: list.into(),
        priced: pricing.priced,
        unavailable: pricing.unavailable.into_iter().map(|(_, l)| l).collect(),
    }
}
