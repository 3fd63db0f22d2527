//! Who a customer route runs as: the signed-in login itself, or a login an admin acts as
//! (`X-Act-As`) to help it. The rules live here: a disabled login, a deleted one or a deleted
//! account is refused even while its token is valid, a token's hints must agree with what is
//! stored, and every request made acting as a login is in the audit log. Reading all of it in
//! one round trip is the edge's work (`http::customer_session`).

use crate::actor::{CreatedBy, Principal};
use crate::audit::{AuditEntry, AuditLog};
use crate::catalog::{CatalogError, CatalogStore, tier_name, tier_name_reads};
use crate::customers::{Customer, CustomerStatus, CustomerStore};
use crate::domain::{FieldError, Timestamp, Validator, bounded_text};
use crate::error::Unexpected;
use crate::ids::{CustomerId, LoginId, TierId};
use crate::logins::{Login, LoginStatus, LoginStore};
use crate::reads::{ItemRef, Reads};

/// A customer request's login and its account, resolved and checked.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub login: Login,
    pub customer: Customer,
}

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

/// The ids a customer request's reads are keyed by, known before anything is read when the
/// token carries them as hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionIds {
    pub login: LoginId,
    pub customer: CustomerId,
    /// The account's price tier, as far as it is known before the account is read.
    pub tier: Option<TierId>,
}

impl SessionIds {
    /// The ids a customer token's hints name, when it names a login and an account.
    pub fn hinted(principal: &Principal) -> Option<Self> {
        let h = &principal.hints;
        Some(Self {
            login: h.login_id.as_deref().and_then(LoginId::parse)?,
            customer: h.customer_id.as_deref().and_then(CustomerId::parse)?,
            tier: h.tier_id.as_deref().and_then(TierId::parse),
        })
    }

    /// What resolving `principal`'s session on these ids reads.
    pub fn session_reads(&self, principal: &Principal) -> Reads {
        Reads::of([
            ItemRef::SubLink(principal.sub.clone()),
            ItemRef::Login(self.login.clone()),
            ItemRef::Customer(self.customer.clone()),
        ])
    }
}

impl Session {
    /// The login's own session.
    pub fn own(me: SignedIn) -> Self {
        Self { me, acting: None }
    }

    /// The ids of the login and account the session runs as, as stored.
    pub fn ids(&self) -> SessionIds {
        SessionIds {
            login: self.me.login.login_id.clone(),
            customer: self.me.customer.customer_id.clone(),
            tier: self.me.customer.price_tier_id.clone(),
        }
    }

    /// Who an order created in this session is created by: the login, or the admin acting
    /// as it.
    pub fn created_by(&self) -> CreatedBy {
        let login = self.me.login.login_id.clone();
        match &self.acting {
            None => CreatedBy::Customer {
                id: login,
                name: Some(self.me.login.name.as_str().to_owned()),
            },
            Some(a) => CreatedBy::Admin {
                sub: a.admin.sub.clone(),
                acting_as: Some(login),
            },
        }
    }
}

/// Why a token does not make a customer session.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("this login is not known")]
    UnknownLogin,
    #[error("this login is disabled")]
    Disabled,
    #[error("this customer account is deleted")]
    CustomerDeleted,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// The login behind a customer token, refused if it is disabled or deleted or its customer is
/// deleted — even while the token itself is still valid.
pub async fn resolve_login<S: LoginStore>(
    store: &S,
    principal: &Principal,
) -> Result<SignedIn, ResolveError> {
    let link = store
        .sub_link(&principal.sub)
        .await?
        .ok_or(ResolveError::UnknownLogin)?;
    let (login, customer) = store
        .login_and_customer(&link.login_id, &link.customer_id)
        .await?;
    let (login, customer) = login.zip(customer).ok_or(ResolveError::UnknownLogin)?;
    // A closed account disables its logins too; the person is told the account is closed,
    // which is what they can act on.
    if customer.is_deleted() {
        return Err(ResolveError::CustomerDeleted);
    }
    if link.status != LoginStatus::Active || login.status != LoginStatus::Active {
        return Err(ResolveError::Disabled);
    }
    Ok(SignedIn { login, customer })
}

/// The session of a customer login's own token. When the token carried hints, they must name
/// the login and account the stored pointer names: a token whose hints disagree is refused.
pub async fn own_session<S: LoginStore>(
    store: &S,
    principal: &Principal,
    hinted: Option<&SessionIds>,
) -> Result<Session, ResolveError> {
    let me = resolve_login(store, principal).await?;
    if let Some(ids) = hinted
        && (me.login.login_id != ids.login || me.customer.customer_id != ids.customer)
    {
        return Err(ResolveError::UnknownLogin);
    }
    Ok(Session::own(me))
}

/// Why an admin may not act as a login.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("there is no such login")]
    LoginNotFound,
    #[error("{0}")]
    CannotActAs(String),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Header naming the login an admin acts as.
pub const ACT_AS: &str = "X-Act-As";
/// Header saying why; required with [`ACT_AS`].
pub const ACT_AS_REASON: &str = "X-Act-As-Reason";

/// An admin's request to act as a login, from its two headers.
#[derive(Debug, Clone)]
pub struct ActAsRequest {
    /// The login, as sent: an id of another shape names no login (404, not 400).
    pub login: String,
    /// Why, for the audit log.
    pub reason: String,
}

impl ActAsRequest {
    /// [`ACT_AS`] and [`ACT_AS_REASON`]: a reason is required.
    pub fn parse(login: &str, reason: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let reason = reason.ok_or(
            "is required when acting as a login: say why (it goes in the audit log)".to_owned(),
        );
        let mut v = Validator::default();
        let reason = v.check(
            ACT_AS_REASON,
            reason.and_then(|r| bounded_text(r, 1, 500).map_err(|e| e.to_string())),
        );
        v.finish(|| ActAsRequest {
            login: login.trim().to_owned(),
            reason: reason.expect("checked"),
        })
    }
}

/// An admin's session as the requested login, only if that login is enabled and has
/// activated (signed in at least once) and its account is open. The use is audited before
/// the request runs: a request whose audit entry cannot be written does not run. A refused
/// attempt is audited too (`login.act_as_refused`: the login as sent, the reason given and why
/// it was refused), and writes nothing else.
#[tracing::instrument(skip_all, fields(login_id = %request.login))]
pub async fn act_as<S: LoginStore + CustomerStore + AuditLog>(
    store: &S,
    admin: &Principal,
    request: &ActAsRequest,
    route: &str,
) -> Result<Session, SessionError> {
    let attempt = Attempt {
        admin,
        request,
        route,
    };
    let Some(id) = LoginId::parse(&request.login) else {
        return Err(attempt
            .refused(store, None, SessionError::LoginNotFound)
            .await);
    };
    let Some(login) = store.login(&id).await? else {
        return Err(attempt
            .refused(store, None, SessionError::LoginNotFound)
            .await);
    };
    let account = Some(&login.customer_id);
    match login.status {
        LoginStatus::Active => {}
        LoginStatus::Deleted => {
            return Err(attempt
                .refused(store, account, SessionError::LoginNotFound)
                .await);
        }
        other => {
            let why = SessionError::CannotActAs(format!(
                "Login {} is {}: an admin can act only as an enabled login that has signed in.",
                login.email,
                other.as_str()
            ));
            return Err(attempt.refused(store, account, why).await);
        }
    }
    let Some(customer) = store.customer(&login.customer_id).await? else {
        return Err(attempt
            .refused(store, account, SessionError::LoginNotFound)
            .await);
    };
    if customer.is_deleted() {
        let why = SessionError::CannotActAs("This login's customer account is deleted.".into());
        return Err(attempt.refused(store, account, why).await);
    }
    let mut entry = AuditEntry::by_admin(
        admin,
        Timestamp::now(),
        "login.acted_as",
        Some(&customer.customer_id),
        serde_json::json!({ "route": route, "reason": request.reason, "login_email": login.email }),
    );
    entry.acting_as = Some(login.login_id.clone());
    store.record(&entry).await?;
    Ok(Session {
        me: SignedIn { login, customer },
        acting: Some(ActingAs {
            admin: admin.clone(),
            reason: request.reason.clone(),
        }),
    })
}

/// Most characters of an `X-Act-As` value kept in the audit log: a login id is 36, and a
/// header of any other shape is kept only as far as it helps to recognise it.
const AUDITED_TARGET_CHARS: usize = 64;

/// One admin's request to act as a login, as the audit log records it.
struct Attempt<'a> {
    admin: &'a Principal,
    request: &'a ActAsRequest,
    route: &'a str,
}

impl Attempt<'_> {
    /// Records that the attempt was refused, and why, with the account when the login is
    /// known; the refusal to answer with, or the failure to record it.
    async fn refused<S: AuditLog>(
        &self,
        store: &S,
        account: Option<&CustomerId>,
        why: SessionError,
    ) -> SessionError {
        let target: String = self
            .request
            .login
            .chars()
            .take(AUDITED_TARGET_CHARS)
            .collect();
        let entry = AuditEntry::by_admin(
            self.admin,
            Timestamp::now(),
            "login.act_as_refused",
            account,
            serde_json::json!({
                "route": self.route,
                "reason": self.request.reason,
                "login_id": target,
                "refused": why.to_string(),
            }),
        );
        match store.record(&entry).await {
            Ok(()) => why,
            Err(e) => e.into(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Hints;
    use crate::customers::CustomerStatus;
    use crate::memory::Memory;
    use crate::memory::fixtures::admin;

    fn principal_of(login: &Login, hinted: bool) -> Principal {
        Principal {
            sub: login.cognito_sub.clone().unwrap(),
            email: Some(login.email.to_string()),
            hints: if hinted {
                Hints {
                    login_id: Some(login.login_id.to_string()),
                    customer_id: Some(login.customer_id.to_string()),
                    tier_id: None,
                }
            } else {
                Hints::default()
            },
            client: None,
        }
    }

    #[tokio::test]
    async fn a_hinted_session_reads_only_the_pointer_the_login_and_its_account() {
        let m = Memory::new();
        let (_, l, _) = m.buyer();
        let p = principal_of(&l, true);
        let ids = SessionIds::hinted(&p).expect("hints");

        let session = own_session(&m, &p, Some(&ids)).await.unwrap();

        assert_eq!(session.me.login.login_id, l.login_id);
        assert!(m.undeclared(&ids.session_reads(&p)).is_empty());
        assert_eq!(
            session.created_by(),
            CreatedBy::Customer {
                id: l.login_id.clone(),
                name: Some(l.name.as_str().to_owned())
            }
        );
    }

    #[tokio::test]
    async fn hints_that_disagree_with_the_stored_pointer_are_refused() {
        let m = Memory::new();
        let (_, l, _) = m.buyer();
        let (_, other, _) = m.buyer_at("Other Co", "Otto", |_| {});
        let mut p = principal_of(&l, true);
        p.hints.login_id = Some(other.login_id.to_string());
        let ids = SessionIds::hinted(&p).unwrap();

        let r = own_session(&m, &p, Some(&ids)).await;

        assert!(matches!(r, Err(ResolveError::UnknownLogin)));
    }

    #[tokio::test]
    async fn a_valid_token_of_a_disabled_login_or_a_closed_account_is_refused() {
        let m = Memory::new();
        let (c, l, _) = m.buyer();
        let p = principal_of(&l, false);
        m.state()
            .sub_links
            .get_mut(l.cognito_sub.as_ref().unwrap())
            .unwrap()
            .status = LoginStatus::Disabled;
        let disabled = resolve_login(&m, &p).await;
        m.state()
            .sub_links
            .get_mut(l.cognito_sub.as_ref().unwrap())
            .unwrap()
            .status = LoginStatus::Active;
        m.state().customers.get_mut(&c.customer_id).unwrap().status = CustomerStatus::Deleted;
        let closed = resolve_login(&m, &p).await;
        m.state()
            .sub_links
            .get_mut(l.cognito_sub.as_ref().unwrap())
            .unwrap()
            .status = LoginStatus::Disabled;
        let closed_and_disabled = resolve_login(&m, &p).await;
        let unknown = resolve_login(
            &m,
            &Principal {
                sub: "nobody".into(),
                ..Default::default()
            },
        )
        .await;

        assert!(matches!(disabled, Err(ResolveError::Disabled)));
        assert!(matches!(closed, Err(ResolveError::CustomerDeleted)));
        assert!(
            matches!(closed_and_disabled, Err(ResolveError::CustomerDeleted)),
            "closing an account disables its logins; the account's closing is what is said"
        );
        assert!(matches!(unknown, Err(ResolveError::UnknownLogin)));
    }

    #[tokio::test]
    async fn acting_as_a_login_needs_a_reason_an_active_login_and_leaves_an_audit_entry() {
        let m = Memory::new();
        let (c, l, _) = m.buyer();
        let invited = m.login(&c, "Ivy");
        m.state().logins.get_mut(&invited.login_id).unwrap().status = LoginStatus::Invited;
        let id = l.login_id.to_string();

        let no_reason = ActAsRequest::parse(&id, None);
        let blank_reason = ActAsRequest::parse(&id, Some("  "));
        let phoned = ActAsRequest::parse(&id, Some("Phoned in")).unwrap();
        let session = act_as(&m, &admin(), &phoned, "GET /cart").await.unwrap();

        assert_eq!(no_reason.unwrap_err()[0].field, ACT_AS_REASON);
        assert_eq!(blank_reason.unwrap_err()[0].field, ACT_AS_REASON);
        assert_eq!(
            session.created_by(),
            CreatedBy::Admin {
                sub: "admin-sub".into(),
                acting_as: Some(l.login_id.clone())
            }
        );
        let s = m.state();
        assert_eq!(s.audit.len(), 1);
        assert_eq!(s.audit[0].action, "login.acted_as");
        assert_eq!(s.audit[0].acting_as, Some(l.login_id.clone()));
        assert_eq!(s.audit[0].details["reason"], "Phoned in");
    }

    #[tokio::test]
    async fn a_refused_act_as_is_audited_with_the_reason_given_and_why_it_was_refused() {
        let m = Memory::new();
        let (c, _, _) = m.buyer();
        let invited = m.login(&c, "Ivy");
        m.state().logins.get_mut(&invited.login_id).unwrap().status = LoginStatus::Invited;
        let (closed, gone, _) = m.buyer_at("Closed Co", "Cleo", |_| {});
        m.state()
            .customers
            .get_mut(&closed.customer_id)
            .unwrap()
            .status = CustomerStatus::Deleted;
        let try_as = |login: &str| {
            let request = ActAsRequest::parse(login, Some("Phoned in")).unwrap();
            let m = &m;
            async move { act_as(m, &admin(), &request, "GET /orders").await }
        };

        let not_active = try_as(invited.login_id.as_str()).await;
        let unknown = try_as("lgn_nope").await;
        let account_deleted = try_as(gone.login_id.as_str()).await;

        assert!(matches!(not_active, Err(SessionError::CannotActAs(_))));
        assert!(matches!(unknown, Err(SessionError::LoginNotFound)));
        assert!(matches!(account_deleted, Err(SessionError::CannotActAs(_))));
        let s = m.state();
        let refused: Vec<_> = s.audit.iter().collect();
        assert_eq!(refused.len(), 3, "each refusal once, and nothing acted");
        for (entry, (login, account)) in refused.iter().zip([
            (invited.login_id.as_str(), Some(&c.customer_id)),
            ("lgn_nope", None),
            (gone.login_id.as_str(), Some(&closed.customer_id)),
        ]) {
            assert_eq!(entry.action, "login.act_as_refused");
            assert_eq!(entry.actor.id, "admin-sub");
            assert_eq!(entry.acting_as, None, "nothing was done as the login");
            assert_eq!(entry.customer_id.as_ref(), account);
            assert_eq!(entry.details["login_id"], login);
            assert_eq!(entry.details["reason"], "Phoned in");
            assert_eq!(entry.details["route"], "GET /orders");
        }
        assert!(
            refused[0].details["refused"]
                .as_str()
                .unwrap()
                .contains("is invited"),
            "{}",
            refused[0].details
        );
        assert_eq!(refused[1].details["refused"], "there is no such login");
        assert_eq!(
            refused[2].details["refused"],
            "This login's customer account is deleted."
        );
    }

    #[tokio::test]
    async fn an_act_as_target_of_any_length_is_audited_in_its_first_64_characters() {
        let m = Memory::new();
        let long = "x".repeat(10_000);
        let request = ActAsRequest::parse(&long, Some("Phoned in")).unwrap();

        let r = act_as(&m, &admin(), &request, "GET /me").await;

        assert!(matches!(r, Err(SessionError::LoginNotFound)));
        assert_eq!(m.state().audit[0].details["login_id"], "x".repeat(64));
    }

    #[tokio::test]
    async fn me_reads_only_what_it_declares() {
        let m = Memory::new();
        let tier = m.tier("Wholesale", 5.0);
        let (_, _, session) = m.buyer_on(&tier);
        m.forget_reads();

        let me = me(&m, &session).await.unwrap();

        assert_eq!(me.customer.tier_name.as_deref(), Some("Wholesale"));
        assert!(m.undeclared(&me_reads(&session.ids())).is_empty());
    }
}
