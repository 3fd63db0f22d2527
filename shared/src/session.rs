//! Who a customer route runs as: the signed-in login itself, or a login an admin acts as
//! (`X-Act-As`) to help it. Every request made acting as a login is in the audit log.

use crate::actor::Principal;
use crate::audit::{AuditEntry, AuditLog};
use crate::customers::CustomerId;
use crate::domain::{FieldError, Timestamp, bounded_text};
use crate::dynamo::DynamoStore;
use crate::dynamo::read_ahead::{Key, ReadAhead};
use crate::logins::{LoginId, LoginStatus, LoginStore, ResolveError, SignedIn, resolve_login};
use crate::orders::order::{CreatedBy, OrderStore};
use crate::store::Unexpected;

/// The caller of a customer route, checked.
#[derive(Debug, Clone)]
pub struct Session {
    /// The login the request runs as, and its account.
    pub me: SignedIn,
    /// The admin behind the request when it acts as `me`.
    pub acting: Option<ActingAs>,
}

/// An admin acting as a customer login, and why.
#[derive(Debug, Clone)]
pub struct ActingAs {
    pub admin: Principal,
    pub reason: String,
}

impl Session {
    /// The login's own session.
    pub fn own(me: SignedIn) -> Self {
        Self { me, acting: None }
    }

    /// Who an order created in this session is created by: the login, or the admin acting
    /// as it.
    pub fn created_by(&self) -> CreatedBy {
        let login = self.me.login.login_id.as_str().to_owned();
        match &self.acting {
            None => CreatedBy::customer(login),
            Some(a) => CreatedBy {
                kind: "admin".into(),
                id: a.admin.sub.clone(),
                acting_as: Some(login),
            },
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("there is no such login")]
    LoginNotFound,
    #[error("{0}")]
    CannotActAs(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Header naming the login an admin acts as.
pub const ACT_AS: &str = "X-Act-As";
/// Header saying why; required with [`ACT_AS`].
pub const ACT_AS_REASON: &str = "X-Act-As-Reason";

/// The ids a route's reads are keyed by.
#[derive(Debug, Clone, Copy)]
pub struct Ids<'a> {
    pub login_id: &'a str,
    pub customer_id: &'a str,
    /// The account's price tier, as far as it is known before the account is read.
    pub tier_id: Option<&'a str>,
}

impl Ids<'_> {
    /// The key of the account's price tier, when it has one.
    pub fn tier_key(&self) -> Option<Key> {
        self.tier_id.map(|t| {
            (
                crate::catalog::item::PK.to_owned(),
                format!("{}{t}", crate::catalog::item::TIER_PREFIX),
            )
        })
    }

    /// The key of an item under the account's partition, e.g. its cart.
    pub fn customer_key(&self, sk: &str) -> Key {
        (format!("CUSTOMER#{}", self.customer_id), sk.to_owned())
    }
}

type KeysFn<'a> = Box<dyn Fn(&Ids<'_>) -> Vec<Key> + Send + Sync + 'a>;

/// What a customer route reads besides its caller, read in the same request as the caller's
/// login and account; and whether it takes an order number, taken beside that read.
pub struct Wants<'a> {
    keys: KeysFn<'a>,
    order_number: bool,
}

impl<'a> Wants<'a> {
    /// Only the caller.
    pub fn nothing() -> Self {
        Self::keys(|_| Vec::new())
    }

    /// The items `keys` names for the caller's ids.
    pub fn keys(keys: impl Fn(&Ids<'_>) -> Vec<Key> + Send + Sync + 'a) -> Self {
        Self {
            keys: Box::new(keys),
            order_number: false,
        }
    }

    /// Also takes the next order number, concurrently.
    pub fn with_order_number(mut self) -> Self {
        self.order_number = true;
        self
    }
}

/// The session of a customer login's own token, with what the route wants read ahead.
///
/// When the token carries its login's hints, the login's sub link, login and account and the
/// route's items are one `BatchGetItem` (beside the order counter when one is wanted); the
/// hints are then checked against the stored sub link, so a token whose hints disagree with
/// it is refused. Without hints the login is resolved first and the route's items read after.
pub async fn own_session(
    store: &DynamoStore,
    principal: &Principal,
    wants: &Wants<'_>,
) -> Result<(Session, ReadAhead), SessionError> {
    let h = &principal.hints;
    let hinted = h
        .login_id
        .as_deref()
        .filter(|l| LoginId::parse(l).is_some())
        .zip(
            h.customer_id
                .as_deref()
                .filter(|c| CustomerId::parse(c).is_some()),
        );
    let Some((login_id, customer_id)) = hinted else {
        let me = resolve_login(store, principal).await?;
        let ahead = read_for(store, &me, wants).await?;
        return Ok((Session::own(me), ahead));
    };
    let ids = Ids {
        login_id,
        customer_id,
        tier_id: h.tier_id.as_deref(),
    };
    let mut keys = vec![
        (
            crate::logins::item::sub_pk(&principal.sub),
            crate::logins::item::SUB_SK.to_owned(),
        ),
        (
            format!("LOGIN#{login_id}"),
            crate::logins::item::LOGIN_SK.to_owned(),
        ),
        ids.customer_key(crate::customers::item::SK),
    ];
    keys.extend((wants.keys)(&ids));
    let ahead = read_with_number(store, &keys, wants.order_number).await?;
    let me = ahead.clone().scope(resolve_login(store, principal)).await?;
    if me.login.login_id.as_str() != login_id || me.customer.customer_id.as_str() != customer_id {
        return Err(ResolveError::UnknownLogin.into());
    }
    Ok((Session::own(me), ahead))
}

async fn read_with_number(
    store: &DynamoStore,
    keys: &[Key],
    order_number: bool,
) -> Result<ReadAhead, Unexpected> {
    let (ahead, number) = futures::future::join(store.read_ahead(keys), async {
        if order_number {
            store.next_order_number().await.map(|n| Some(n.0))
        } else {
            Ok(None)
        }
    })
    .await;
    Ok(ahead?.with_order_number(number?))
}

/// What `wants` names for a session already resolved (acting as a login, or a token without
/// hints), read in one request.
pub async fn read_for(
    store: &DynamoStore,
    me: &SignedIn,
    wants: &Wants<'_>,
) -> Result<ReadAhead, Unexpected> {
    let ids = Ids {
        login_id: me.login.login_id.as_str(),
        customer_id: me.customer.customer_id.as_str(),
        tier_id: me.customer.price_tier_id.as_ref().map(|t| t.as_str()),
    };
    read_with_number(store, &(wants.keys)(&ids), wants.order_number).await
}

/// An admin's session as the login `raw_login_id`, only if that login is enabled and has
/// activated (signed in at least once) and its account is open. The use is audited before
/// the request runs: a request whose audit entry cannot be written does not run.
#[tracing::instrument(skip_all, fields(login_id = %raw_login_id))]
pub async fn act_as<S: LoginStore + AuditLog>(
    store: &S,
    admin: &Principal,
    raw_login_id: &str,
    reason: Option<&str>,
    route: &str,
) -> Result<Session, SessionError> {
    let reason = match reason.map(|r| bounded_text(r, 1, 500)) {
        Some(Ok(r)) => r,
        Some(Err(m)) => {
            return Err(SessionError::Invalid(vec![FieldError::new(
                ACT_AS_REASON,
                m,
            )]));
        }
        None => {
            return Err(SessionError::Invalid(vec![FieldError::new(
                ACT_AS_REASON,
                "is required when acting as a login: say why (it goes in the audit log)",
            )]));
        }
    };
    let id = LoginId::parse(raw_login_id.trim()).ok_or(SessionError::LoginNotFound)?;
    let login = store.login(&id).await?.ok_or(SessionError::LoginNotFound)?;
    match login.status {
        LoginStatus::Active => {}
        LoginStatus::Deleted => return Err(SessionError::LoginNotFound),
        other => {
            return Err(SessionError::CannotActAs(format!(
                "Login {} is {}: an admin can act only as an enabled login that has signed in.",
                login.email,
                other.as_str()
            )));
        }
    }
    let customer = store
        .customer(&login.customer_id)
        .await?
        .ok_or(SessionError::LoginNotFound)?;
    if customer.is_deleted() {
        return Err(SessionError::CannotActAs(
            "This login's customer account is deleted.".into(),
        ));
    }
    let mut entry = AuditEntry::by_admin(
        admin,
        Timestamp::now(),
        "login.acted_as",
        Some(&customer.customer_id),
        serde_json::json!({ "route": route, "reason": reason, "login_email": login.email }),
    );
    entry.acting_as = Some(login.login_id.as_str().to_owned());
    store.record(&entry).await?;
    Ok(Session {
        me: SignedIn { login, customer },
        acting: Some(ActingAs {
            admin: admin.clone(),
            reason,
        }),
    })
}
