//! The table's keys: every partition and sort key format in one place, and where a declared
//! read's item lives (the one place an [`ItemRef`] becomes a key). The item modules map
//! attributes; they take their keys from here.
//!
//! | item | PK | SK | GSI1PK / GSI1SK | GSI2PK / GSI2SK |
//! |---|---|---|---|---|
//! | customer | `CUSTOMER#<id>` | `CUSTOMER` | `CUSTDIR` (`CUSTDIR#DELETED` once deleted) / `<folded name>#<id>` | |
//! | customer email guard | `CUSTEMAIL#<email>` | `CUSTEMAIL` | | |
//! | cart | `CUSTOMER#<id>` | `CART` | | |
//! | address book | `CUSTOMER#<id>` | `ADDRESSES` | | |
//! | login | `LOGIN#<id>` | `LOGIN` | `CUSTOMER#<customer id>` / `LOGIN#<created>#<id>` | |
//! | login email guard | `LOGINEMAIL#<email>` | `LOGINEMAIL` | | |
//! | sub → login | `LOGINSUB#<cognito sub>` | `LOGINSUB` | | |
//! | invitation | `INVITATION#<id>` | `INVITATION` | `CUSTOMER#<customer id>` / `INVITATION#<created>#<id>` | `INVITATION#PENDING` / `<expires>#<id>` while pending |
//! | invitation token | `INVTOKEN#<sha256 of token>` | `INVTOKEN` | | |
//! | email change | `EMAILCHANGE#<sha256 of token>` | `EMAILCHANGE` | | |
//! | password reset request | `RESETREQ#<request id>` | `RESETREQ` | | |
//! | password reset link | `PWRESET#<sha256 of token>` | `PWRESET` | | |
//! | quota counter | `QUOTA#<scope>#<sha256 of subject>#<window start>` | `QUOTA` | | |
//! | product | `CATALOG` | `PRODUCT#<sku>` | | |
//! | price tier | `CATALOG` | `TIER#<tier id>` | | |
//! | checkout questions | `CATALOG` | `QUESTIONS` | | |
//! | every team (and each team's count of customers) | `CATALOG` | `TEAMS` | | |
//! | a customer of a team | `TEAM#<team id>` | `MEMBER#<customer id>` | | |
//! | order | `ORDER#<id>` | `ORDER` | `CUSTORDERS#<customer id>` / `<created>#<id>` | `ORDERSTATUS#<status>` / `<submitted>#<id>` |
//! | response reminder | `ORDER#<id>` | `REMINDER#half` or `REMINDER#overdue` | `REMINDERS` / `<due>#<order id>#<threshold>` | |
//! | order search term | `ORDERFIND#<customer id>` | `<term>#<order id>` | `ORDERFIND` / `<term>#<order id>` | |
//! | order-number counter | `COUNTER#ORDER` | `COUNTER` | | |
//! | idempotency record | `IDEMPOTENCY#<caller>#<operation>#<key>` | `IDEMPOTENCY` | | |
//! | audit entry | `CUSTOMER#<id>` (or `AUDIT#<audit id>`) | `AUDIT#<at>#<audit id>` | `AUDITACTOR#<actor id>` / `<at>#<audit id>` | `AUDITLOG` / `<at>#<audit id>` |
//! | outbox email | see [`super::outbox`] | | | |
//! | event | `EVENT#<event id>` | `EVENT` | | `EVENT#UNPUBLISHED` / `<occurred>#<event id>` until published |
//! | webhook | `WEBHOOK#<webhook id>` | `WEBHOOK` | `WEBHOOKS` / `<created>#<webhook id>` | |
//! | webhook delivery | `WEBHOOK#<webhook id>` | `DELIVERY#<event id>` | `WEBHOOK#DUE` / `<next attempt>#<webhook id>#<event id>` while its next attempt waits | |
//! | API client | `APICLIENT#<client id>` | `APICLIENT` | `APICLIENTS` / `<created>#<client id>` | |
//! | saved list | `CUSTOMER#<id>` | `LIST#<list id>` | | |
//! | saved lists' count | `CUSTOMER#<id>` | `LISTCOUNT` | | |

use crate::customers::{Customer, CustomerStatus};
use crate::domain::Email;
use crate::ids::{
    ClientId, CustomerId, InvitationId, ListId, LoginId, OrderId, Sku, TeamId, TierId, WebhookId,
};
use crate::orders::{OrderStatus, Threshold};
use crate::reads::ItemRef;

/// An item's key: partition and sort key.
pub type Key = (String, String);

pub fn key_of(r: &ItemRef) -> Key {
    let key = |pk: String, sk: &str| (pk, sk.to_owned());
    match r {
        ItemRef::SubLink(sub) => key(sub_pk(sub), SUB_SK),
        ItemRef::Login(id) => key(login_pk(id), LOGIN_SK),
        ItemRef::Customer(id) => key(customer_pk(id), CUSTOMER_SK),
        ItemRef::Tier(id) => (CATALOG_PK.to_owned(), tier_sk(id)),
        ItemRef::Product(sku) => (CATALOG_PK.to_owned(), product_sk(sku)),
        ItemRef::Questions => key(CATALOG_PK.to_owned(), QUESTIONS_SK),
        ItemRef::Teams => key(CATALOG_PK.to_owned(), TEAMS_SK),
        ItemRef::Cart(id) => key(customer_pk(id), CART_SK),
        ItemRef::AddressBook(id) => key(customer_pk(id), ADDRESS_BOOK_SK),
        ItemRef::Order(id) => key(order_pk(id), ORDER_SK),
        ItemRef::Idempotency(scope) => key(idempotency_pk(scope), IDEMPOTENCY_SK),
        ItemRef::OrderCounter => key(ORDER_COUNTER_PK.to_owned(), ORDER_COUNTER_SK),
        ItemRef::List(customer, id) => (customer_pk(customer), list_sk(id)),
    }
}

// Customers and their carts.

pub const CUSTOMER_SK: &str = "CUSTOMER";
pub const CUSTOMER_EMAIL_GUARD_SK: &str = "CUSTEMAIL";
/// The directory partition of GSI1 that listing and search read.
pub const DIRECTORY: &str = "CUSTDIR";
/// Deleted customers move here, so they never slow the live directory down.
pub const DIRECTORY_DELETED: &str = "CUSTDIR#DELETED";
pub const CART_SK: &str = "CART";
/// An account's whole address book, one item beside the account.
pub const ADDRESS_BOOK_SK: &str = "ADDRESSES";

pub fn customer_pk(id: &CustomerId) -> String {
    format!("CUSTOMER#{id}")
}

pub fn customer_email_guard_pk(email: &Email) -> String {
    format!("CUSTEMAIL#{email}")
}

pub fn directory_pk(status: CustomerStatus) -> &'static str {
    if status == CustomerStatus::Deleted {
        DIRECTORY_DELETED
    } else {
        DIRECTORY
    }
}

pub fn directory_sk(c: &Customer) -> String {
    format!("{}#{}", c.name.folded(), c.customer_id)
}

// Logins, invitations and email changes.

pub const LOGIN_SK: &str = "LOGIN";
pub const LOGIN_EMAIL_GUARD_SK: &str = "LOGINEMAIL";
pub const SUB_SK: &str = "LOGINSUB";
pub const INVITATION_SK: &str = "INVITATION";
pub const TOKEN_SK: &str = "INVTOKEN";
pub const PENDING_INVITATIONS: &str = "INVITATION#PENDING";
pub const EMAIL_CHANGE_SK: &str = "EMAILCHANGE";

pub fn login_pk(id: &LoginId) -> String {
    format!("LOGIN#{id}")
}

pub fn login_email_guard_pk(email: &Email) -> String {
    format!("LOGINEMAIL#{email}")
}

pub fn sub_pk(sub: &str) -> String {
    format!("LOGINSUB#{sub}")
}

pub fn invitation_pk(id: &InvitationId) -> String {
    format!("INVITATION#{id}")
}

pub fn token_pk(token_hash: &str) -> String {
    format!("INVTOKEN#{token_hash}")
}

pub fn email_change_pk(token_hash: &str) -> String {
    format!("EMAILCHANGE#{token_hash}")
}

pub const RESET_REQUEST_SK: &str = "RESETREQ";
pub const RESET_SK: &str = "PWRESET";
pub const QUOTA_SK: &str = "QUOTA";

pub fn reset_request_pk(request_id: &str) -> String {
    format!("RESETREQ#{request_id}")
}

pub fn reset_pk(token_hash: &str) -> String {
    format!("PWRESET#{token_hash}")
}

/// A quota's counter, as [`crate::throttle::Charge::counter`] names it.
pub fn quota_pk(counter: &str) -> String {
    format!("QUOTA#{counter}")
}

/// The GSI1 partition that lists a customer's logins and invitations.
pub fn customer_members_pk(id: &CustomerId) -> String {
    format!("CUSTOMER#{id}")
}

// The catalogue: one partition, so a customer's catalogue is one `Query`.

pub const CATALOG_PK: &str = "CATALOG";
pub const PRODUCT_PREFIX: &str = "PRODUCT#";
pub const TIER_PREFIX: &str = "TIER#";
pub const QUESTIONS_SK: &str = "QUESTIONS";
pub const TEAMS_SK: &str = "TEAMS";

/// A team's partition: one item per customer that names it.
pub fn team_pk(id: &TeamId) -> String {
    format!("TEAM#{id}")
}

pub const MEMBER_PREFIX: &str = "MEMBER#";

pub fn member_sk(id: &CustomerId) -> String {
    format!("{MEMBER_PREFIX}{id}")
}

pub fn product_sk(sku: &Sku) -> String {
    format!("{PRODUCT_PREFIX}{sku}")
}

pub fn tier_sk(id: &TierId) -> String {
    format!("{TIER_PREFIX}{}", id.as_str())
}

// Orders.

pub const ORDER_SK: &str = "ORDER";
pub const ORDER_COUNTER_PK: &str = "COUNTER#ORDER";
pub const ORDER_COUNTER_SK: &str = "COUNTER";

pub fn order_pk(id: &OrderId) -> String {
    format!("ORDER#{id}")
}

pub fn customer_orders_pk(c: &CustomerId) -> String {
    format!("CUSTORDERS#{c}")
}

pub fn order_status_pk(s: OrderStatus) -> String {
    format!("ORDERSTATUS#{}", s.as_str())
}

// Events.

pub const EVENT_SK: &str = "EVENT";
/// The GSI2 partition of the events not yet published, oldest first.
pub const UNPUBLISHED_EVENTS: &str = "EVENT#UNPUBLISHED";

pub fn event_pk(id: &str) -> String {
    format!("EVENT#{id}")
}

/// A reminder's sort key, beside its order.
pub fn reminder_sk(t: Threshold) -> String {
    format!("REMINDER#{}", t.as_str())
}

/// The GSI1 partition of every waiting reminder, sorted by when it is due.
pub const REMINDERS_DUE: &str = "REMINDERS";

/// Every order search term's partition starts so; every account's terms are listed on GSI1
/// under this too.
pub const ORDER_TERMS: &str = "ORDERFIND";

/// The partition of one account's order search terms.
pub fn order_terms_pk(c: &CustomerId) -> String {
    format!("{ORDER_TERMS}#{c}")
}

/// A search term's sort key: the term, then the order (so one term's orders sort by id).
pub fn order_term_sk(term: &str, o: &OrderId) -> String {
    format!("{term}#{o}")
}

// Saved lists, beside their account: an account's lists are one `Query` on its partition.

pub const LIST_PREFIX: &str = "LIST#";
/// The account's count of lists, which a new list's write raises only below the limit.
pub const LIST_COUNT_SK: &str = "LISTCOUNT";

pub fn list_sk(id: &ListId) -> String {
    format!("{LIST_PREFIX}{id}")
}

// Idempotency records and the audit log.

pub const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";
pub const AUDIT_LOG: &str = "AUDITLOG";
pub const AUDIT_SK_PREFIX: &str = "AUDIT#";

pub fn idempotency_pk(scope: &str) -> String {
    format!("IDEMPOTENCY#{scope}")
}

pub fn audit_actor_pk(actor_id: &str) -> String {
    format!("AUDITACTOR#{actor_id}")
}

// ---------------------------------------------------------------- API clients

pub const API_CLIENT_SK: &str = "APICLIENT";
/// GSI1 partition of every API client, oldest first.
pub const API_CLIENTS: &str = "APICLIENTS";

pub fn api_client_pk(id: &ClientId) -> String {
    format!("APICLIENT#{id}")
}

// ---------------------------------------------------------------- webhooks

pub const WEBHOOK_SK: &str = "WEBHOOK";
/// GSI1 partition of every webhook, oldest first.
pub const WEBHOOKS: &str = "WEBHOOKS";
pub const DELIVERY_PREFIX: &str = "DELIVERY#";
/// GSI1 partition of the deliveries waiting for their next attempt, soonest first.
pub const DELIVERIES_DUE: &str = "WEBHOOK#DUE";

pub fn webhook_pk(id: &WebhookId) -> String {
    format!("WEBHOOK#{id}")
}

pub fn delivery_sk(event_id: &str) -> String {
    format!("{DELIVERY_PREFIX}{event_id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CustomerId, Sku};

    #[test]
    fn declared_reads_name_the_keys_their_items_are_written_under() {
        let c = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        assert_eq!(
            key_of(&ItemRef::Cart(c.clone())),
            (
                "CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b".into(),
                "CART".into()
            )
        );
        assert_eq!(
            key_of(&ItemRef::Customer(c)),
            (
                "CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b".into(),
                "CUSTOMER".into()
            )
        );
        assert_eq!(
            key_of(&ItemRef::Product(Sku::parse("flour").unwrap())),
            ("CATALOG".into(), "PRODUCT#FLOUR".into())
        );
        assert_eq!(
            key_of(&ItemRef::Questions),
            ("CATALOG".into(), "QUESTIONS".into())
        );
        assert_eq!(key_of(&ItemRef::Teams), ("CATALOG".into(), "TEAMS".into()));
        assert_eq!(
            key_of(&ItemRef::Idempotency("u1#POST /x#k".into())),
            ("IDEMPOTENCY#u1#POST /x#k".into(), "IDEMPOTENCY".into())
        );
        assert_eq!(
            key_of(&ItemRef::SubLink("abc".into())),
            ("LOGINSUB#abc".into(), "LOGINSUB".into())
        );
    }
}
