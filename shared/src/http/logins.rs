//! Every login and invitation use-case error, mapped to its HTTP problem in one place.

use super::Problem;
use crate::domain::FieldError;
use crate::logins::{InvitationError, ListLoginsError, ProvisionError};
use crate::secret::POLICY;
use crate::session::ResolveError;

/// An address passed our rule and the pool refused it: our rule is looser than the pool's, a
/// gap to close in `Email::parse`, so the log says so (the client hears a 4xx).
fn refused_by_the_pool(why: &str) {
    tracing::warn!(
        reason = why,
        "the user pool refused an address that passed Email::parse"
    );
}

impl From<ProvisionError> for Problem {
    fn from(e: ProvisionError) -> Self {
        match e {
            ProvisionError::Account(e) => e.into(),
            ProvisionError::DuplicateEmail => {
                Problem::conflict("Another login already uses this email address.")
                    .typed("duplicate-email")
            }
            ProvisionError::InvalidPassword(_) => {
                Problem::invalid(vec![FieldError::new("password", POLICY.describe())])
            }
            ProvisionError::EmailRefused(why) => {
                refused_by_the_pool(&why);
                Problem::invalid(vec![FieldError::new(
                    "email",
                    "is not accepted by the sign-in service; use another address",
                )])
            }
            ProvisionError::KeyReused(e) => e.into(),
            ProvisionError::Unexpected(e) => e.into(),
        }
    }
}

impl From<InvitationError> for Problem {
    fn from(e: InvitationError) -> Self {
        match e {
            InvitationError::NotFound => Problem::not_found("This invitation link is not known."),
            InvitationError::Gone => Problem::new(
                410,
                "Gone",
                "This invitation link was already used, was replaced or revoked, or has expired. Ask for a new one.",
            )
            .typed("invitation-gone"),
            InvitationError::InvalidPassword(_) => {
                Problem::invalid(vec![FieldError::new("password", POLICY.describe())])
            }
            InvitationError::Invalid(errors) => Problem::invalid(errors),
            InvitationError::UserExists => Problem::conflict("A login with this email address already exists."),
            InvitationError::EmailRefused(why) => {
                refused_by_the_pool(&why);
                Problem::conflict(
                    "The sign-in service does not accept this login's email address. Ask the seller to invite another address; nothing was changed.",
                )
                .typed("email-refused")
            }
            InvitationError::Unexpected(e) => e.into(),
        }
    }
}

impl From<ResolveError> for Problem {
    fn from(e: ResolveError) -> Self {
        match e {
            ResolveError::UnknownLogin => {
                Problem::forbidden("This sign-in does not belong to a customer login.")
            }
            ResolveError::Disabled => {
                Problem::forbidden("This login is disabled.").typed("login-disabled")
            }
            ResolveError::CustomerDeleted => {
                Problem::forbidden("This customer account is closed.").typed("customer-deleted")
            }
            ResolveError::Unexpected(e) => e.into(),
        }
    }
}

impl From<ListLoginsError> for Problem {
    fn from(e: ListLoginsError) -> Self {
        match e {
            ListLoginsError::CustomerNotFound => {
                Problem::not_found("There is no customer with this id.")
            }
            ListLoginsError::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::logins::ManageLoginError> for Problem {
    fn from(e: crate::logins::ManageLoginError) -> Self {
        use crate::logins::ManageLoginError as E;
        match e {
            E::NotFound => Problem::not_found("There is no such login or invitation."),
            E::Conflict(why) => Problem::conflict(why),
            E::Invalid(errors) => Problem::invalid(errors),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::logins::EmailChangeError> for Problem {
    fn from(e: crate::logins::EmailChangeError) -> Self {
        use crate::logins::EmailChangeError as E;
        match e {
            E::NotFound => Problem::not_found("This confirmation link is not known."),
            E::Gone => Problem::new(
                410,
                "Gone",
                "This confirmation link was already used, was replaced by a newer one, or has expired.",
            )
            .typed("email-change-gone"),
            E::AddressTaken => Problem::conflict(
                "Another login already signs in with this address; the email was not changed.",
            )
            .typed("duplicate-email"),
            E::EmailRefused(why) => {
                refused_by_the_pool(&why);
                Problem::conflict(
                    "The sign-in service does not accept this address; the email was not changed. Ask for a change to another address.",
                )
                .typed("email-refused")
            }
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::session::SessionError> for Problem {
    fn from(e: crate::session::SessionError) -> Self {
        use crate::session::SessionError as E;
        match e {
            E::LoginNotFound => Problem::not_found("There is no such login to act as."),
            E::CannotActAs(why) => Problem::forbidden(why).typed("cannot-act-as"),
            E::Resolve(e) => e.into(),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::audit::AuditError> for Problem {
    fn from(e: crate::audit::AuditError) -> Self {
        use crate::audit::AuditError as E;
        match e {
            E::BadCursor => Problem::bad_cursor(),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::logins::CloseAccountError> for Problem {
    fn from(e: crate::logins::CloseAccountError) -> Self {
        use crate::logins::CloseAccountError as E;
        match e {
            E::Delete(e) => e.into(),
            E::Logins(e) => e.into(),
        }
    }
}

impl From<crate::logins::ResetRequestError> for Problem {
    fn from(e: crate::logins::ResetRequestError) -> Self {
        use crate::logins::ResetRequestError as E;
        match e {
            E::Invalid(errors) => Problem::invalid(errors),
            E::Throttled { retry_after } => {
                let mut p = Problem::new(
                    429,
                    "Too Many Requests",
                    "Too many password resets were asked for this address or from this network. Try again later.",
                )
                .typed("too-many-requests");
                p.retry_after = Some(retry_after);
                p
            }
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::logins::PasswordResetError> for Problem {
    fn from(e: crate::logins::PasswordResetError) -> Self {
        use crate::logins::PasswordResetError as E;
        match e {
            E::NotFound => Problem::not_found("This password reset link is not known."),
            E::Gone => Problem::new(
                410,
                "Gone",
                "This password reset link was already used or has expired. Ask for a new one.",
            )
            .typed("reset-gone"),
            E::Invalid(errors) => Problem::invalid(errors),
            E::Unexpected(e) => e.into(),
        }
    }
}

impl From<crate::me::OwnLoginError> for Problem {
    fn from(e: crate::me::OwnLoginError) -> Self {
        use crate::me::OwnLoginError as E;
        match e {
            E::Invalid(errors) => Problem::invalid(errors),
            E::ActingAs => Problem::forbidden(
                "An admin acting as a login cannot change its password or sign-in address; use the login's admin routes.",
            )
            .typed("acting-as-credentials"),
            E::Conflict(why) => Problem::conflict(why),
            E::Unexpected(e) => e.into(),
        }
    }
}
