//! Who a customer route runs as: the signed-in login itself, or a login an admin acts as
//! (`X-Act-As`) to help it. Every request made acting as a login is in the audit log.

use crate::actor::Principal;
use crate::audit::{AuditEntry, AuditLog};
use crate::domain::{FieldError, Timestamp, bounded_text};
use crate::logins::{LoginId, LoginStatus, LoginStore, ResolveError, SignedIn, resolve_login};
use crate::orders::order::CreatedBy;
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

/// The session of a customer login's own token.
pub async fn own_session<S: LoginStore>(
    store: &S,
    principal: &Principal,
) -> Result<Session, SessionError> {
    Ok(Session::own(resolve_login(store, principal).await?))
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
