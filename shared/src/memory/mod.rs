//! In-memory ports, for unit tests of the use cases that run in milliseconds: every store over
//! one shared state, with the adapter's conditions (versions, guards, keys), a switch that
//! makes the next writes meet contention, and a record of every read by key so that a test
//! fails when a use case reads something it did not declare. Beside them, `MemorySealer`
//! stands in for the KMS key that seals secrets.

mod addresses;
mod catalog;
mod customers;
pub mod fixtures;
mod identity;
mod lists;
mod logins;
mod orders;
mod resets;
mod sealer;
mod teams;

pub use identity::{User, Users};
pub use sealer::MemorySealer;

/// An enabled user with a permanent password and this `sub`.
pub fn identity_user(sub: String) -> User {
    User {
        sub,
        enabled: true,
        temporary: false,
        password: "Chosen-passw0rd".into(),
        sign_outs: 0,
    }
}

use crate::audit::{AuditEntry, AuditError, AuditFilter, AuditLog};
use crate::catalog::{CheckoutQuestions, PriceTier, Product};
use crate::customers::Customer;
use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::idempotency::{IdempotencyRecord, IdempotencyStore};
use crate::ids::{CustomerId, InvitationId, ListId, LoginId, OrderId, Sku, TierId};
use crate::lists::SavedList;
use crate::logins::{EmailChange, Invitation, Login, SubLink};
use crate::orders::{Cart, Order};
use crate::outbox::OutboxItem;
use crate::page::{Page, PageRequest};
use crate::reads::{ItemRef, Prefetch, Reads};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Everything the table would hold.
#[derive(Debug, Default)]
pub struct State {
    pub customers: BTreeMap<CustomerId, Customer>,
    pub customer_emails: BTreeMap<Email, CustomerId>,
    pub products: BTreeMap<Sku, Product>,
    pub tiers: BTreeMap<TierId, PriceTier>,
    pub questions: CheckoutQuestions,
    pub carts: BTreeMap<CustomerId, Cart>,
    pub address_books: BTreeMap<CustomerId, crate::addresses::AddressBook>,
    pub orders: BTreeMap<OrderId, Order>,
    pub order_counter: u64,
    pub idempotency: BTreeMap<String, IdempotencyRecord>,
    pub logins: BTreeMap<LoginId, Login>,
    pub login_emails: BTreeMap<Email, LoginId>,
    pub sub_links: BTreeMap<String, SubLink>,
    pub invitations: BTreeMap<InvitationId, Invitation>,
    /// Invitation tokens by their hash.
    pub tokens: BTreeMap<String, InvitationId>,
    pub email_changes: BTreeMap<String, EmailChange>,
    /// Who holds an `accepting` invitation, and since when.
    pub claims: BTreeMap<InvitationId, (String, Timestamp)>,
    pub audit: Vec<AuditEntry>,
    pub outbox: Vec<OutboxItem>,
    /// Password reset requests by id, and whether each is handled.
    pub reset_requests: BTreeMap<String, (crate::logins::ResetRequest, bool)>,
    /// Reset links by their token's hash.
    pub resets: BTreeMap<String, crate::logins::PasswordReset>,
    /// Quota counters by name.
    pub quotas: BTreeMap<String, u32>,
    pub lists: BTreeMap<(CustomerId, ListId), SavedList>,
    pub teams: crate::teams::Teams,
    pub team_members: BTreeMap<crate::ids::TeamId, BTreeMap<CustomerId, String>>,
    /// Written events by id, and whether each was published.
    pub events: BTreeMap<String, (crate::events::Event, bool)>,
    /// Waiting reminders by order and threshold.
    pub reminders: BTreeMap<(OrderId, &'static str), crate::orders::Reminder>,
}

/// The in-memory store. Clones share the state; a prefetched one keeps its own read record.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    state: Arc<Mutex<State>>,
    reads: Arc<Mutex<Vec<ItemRef>>>,
    contended: Arc<AtomicU32>,
    numbers_taken_meanwhile: Arc<AtomicU32>,
    meanwhile: Meanwhile,
}

/// What another writer does between a use case's read and its next catalogue write.
#[derive(Clone, Default)]
struct Meanwhile(Arc<Mutex<Option<Change>>>);

type Change = Box<dyn FnOnce(&mut State) + Send>;

impl std::fmt::Debug for Meanwhile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Meanwhile")
    }
}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    /// The state, to arrange a test or to look at what a use case wrote.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("not poisoned")
    }

    /// The next `n` writes meet another write in flight, as a cancelled transaction would.
    pub fn contend_next_writes(&self, n: u32) {
        self.contended.store(n, Ordering::SeqCst);
    }

    /// The next `n` new orders find their number taken by another order between reading the
    /// counter and writing, as concurrent submissions do.
    pub fn take_numbers_meanwhile(&self, n: u32) {
        self.numbers_taken_meanwhile.store(n, Ordering::SeqCst);
    }

    /// Another user's change, made once, just before the next catalogue or order write: the
    /// write then meets a record that moved on since the use case read it.
    pub fn meanwhile(&self, change: impl FnOnce(&mut State) + Send + 'static) {
        *self.meanwhile.0.lock().expect("not poisoned") = Some(Box::new(change));
    }

    /// Makes the change arranged by [`Memory::meanwhile`], if one is waiting.
    pub(super) fn another_writer(&self) {
        let change = self.meanwhile.0.lock().expect("not poisoned").take();
        if let Some(change) = change {
            change(&mut self.state());
        }
    }

    /// Every read by key so far, in order.
    pub fn reads(&self) -> Vec<ItemRef> {
        self.reads.lock().expect("not poisoned").clone()
    }

    /// The reads by key so far that `declared` does not name.
    pub fn undeclared(&self, declared: &Reads) -> Vec<ItemRef> {
        self.reads()
            .into_iter()
            .filter(|r| !declared.items.contains(r))
            .collect()
    }

    /// Forgets the reads so far, e.g. after arranging a test.
    pub fn forget_reads(&self) {
        self.reads.lock().expect("not poisoned").clear();
    }

    fn read(&self, r: ItemRef) {
        self.reads.lock().expect("not poisoned").push(r);
    }

    /// Reads one item by key, as `r`.
    fn get<T: Clone>(&self, r: ItemRef, pick: impl FnOnce(&State) -> Option<&T>) -> Option<T> {
        self.read(r);
        pick(&self.state()).cloned()
    }

    /// Whether this write meets contention (and counts it).
    fn contended(&self) -> bool {
        counted_down(&self.contended)
    }

    /// Whether another order takes this order's number first (and counts it).
    fn number_taken_meanwhile(&self) -> bool {
        counted_down(&self.numbers_taken_meanwhile)
    }
}

/// Takes one from `n` unless it is zero: whether there was one to take.
fn counted_down(n: &AtomicU32) -> bool {
    n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

#[async_trait::async_trait]
impl Prefetch for Memory {
    async fn prefetch(&self, _: &Reads) -> Result<Self, Unexpected> {
        Ok(self.clone())
    }
}

#[async_trait::async_trait]
impl IdempotencyStore for Memory {
    async fn find_idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, Unexpected> {
        self.read(ItemRef::Idempotency(scope.to_owned()));
        let now = Timestamp::now().unix_seconds();
        Ok(self
            .state()
            .idempotency
            .get(scope)
            .filter(|r| r.expires_at >= now)
            .cloned())
    }
}

#[async_trait::async_trait]
impl AuditLog for Memory {
    async fn record(&self, entry: &AuditEntry) -> Result<(), Unexpected> {
        self.state().audit.push(entry.clone());
        Ok(())
    }

    async fn entries(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>, AuditError> {
        let state = self.state();
        let items = state
            .audit
            .iter()
            .rev()
            .filter(|e| match filter {
                AuditFilter::All => true,
                AuditFilter::Actor(a) => &e.actor.id == a,
                AuditFilter::Customer(c, actor) => {
                    e.customer_id.as_ref() == Some(c)
                        && actor.as_ref().is_none_or(|a| &e.actor.id == a)
                }
            })
            .cloned()
            .collect();
        Ok(first_page(items, page))
    }
}

/// The first page of a listing: the in-memory store never holds enough to page further.
fn first_page<T>(mut items: Vec<T>, page: &PageRequest) -> Page<T> {
    items.truncate(page.limit);
    Page {
        items,
        next_cursor: None,
    }
}

/// What a listing on an index returns: the records it holds, in the order of its sort key.
fn sorted<'a, T: Clone + 'a, K: Ord>(
    records: impl Iterator<Item = &'a T>,
    sort_key: impl FnMut(&T) -> K,
) -> Vec<T> {
    let mut items: Vec<T> = records.cloned().collect();
    items.sort_by_key(sort_key);
    items
}

/// Whether the idempotency record may be written: its scope is free or its record expired.
fn key_free(state: &State, record: Option<&IdempotencyRecord>) -> bool {
    record.is_none_or(|r| {
        state
            .idempotency
            .get(&r.scope)
            .is_none_or(|old| old.expires_at < Timestamp::now().unix_seconds())
    })
}

fn keep_record(state: &mut State, record: Option<&IdempotencyRecord>) {
    if let Some(r) = record {
        state.idempotency.insert(r.scope.clone(), r.clone());
    }
}
