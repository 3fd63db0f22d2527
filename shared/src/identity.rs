//! The identity provider's port (a Cognito user pool in AWS), used to provision and control
//! customer logins.

use crate::actor::Hints;
use crate::domain::Email;
use crate::error::Unexpected;

/// How a new user's first password is set.
#[derive(Clone)]
pub enum InitialPassword {
    /// Must be changed at first sign-in (`FORCE_CHANGE_PASSWORD`).
    Temporary(String),
    /// Final: the user signs in with it as it is.
    Permanent(String),
}

impl std::fmt::Debug for InitialPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Temporary(_) => "Temporary(..)",
            Self::Permanent(_) => "Permanent(..)",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("a user with this email already exists")]
    UserExists,
    #[error("the password does not meet the policy: {0}")]
    InvalidPassword(String),
    /// The pool refused the address it was given (Cognito's `InvalidParameterException`). The
    /// address passed [`Email::parse`] first, so this is the provider being stricter than our
    /// rule: the input's fault, which a use case answers with a 4xx, never a 500.
    #[error("the user pool refused the address: {0}")]
    EmailRefused(String),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// A customer login's new user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub name: &'a str,
    pub password: InitialPassword,
    /// What the user's tokens will say about its login, for one-read requests.
    pub hints: &'a Hints,
}

/// The user pool, as Orderdesk uses it.
#[async_trait::async_trait]
pub trait Identity: Send + Sync {
    /// Creates a verified user in the group `customers` and returns its `sub`. Sends no email:
    /// Orderdesk sends its own. Either the user exists with its password and group afterwards,
    /// or it does not exist at all.
    async fn create_customer_user(&self, user: NewUser<'_>) -> Result<String, IdentityError>;

    /// Removes a user: the undo of `create_customer_user`, and deleting a login.
    async fn delete_user(&self, email: &Email) -> Result<(), Unexpected>;

    /// Stops a user signing in and ends every session it has (refresh tokens revoked). A user
    /// that does not exist cannot sign in: that is success.
    async fn disable_user(&self, email: &Email) -> Result<(), Unexpected>;

    /// Lets a disabled user sign in again.
    async fn enable_user(&self, email: &Email) -> Result<(), Unexpected>;

    /// Makes `new` the user's verified email, and so its sign-in address.
    async fn change_email(&self, current: &Email, new: &Email) -> Result<(), IdentityError>;

    /// Replaces a user's password: a temporary one forces a change at the next sign-in.
    async fn set_password(
        &self,
        email: &Email,
        password: InitialPassword,
    ) -> Result<(), IdentityError>;

    /// Whether `password` is the user's password now, asked of the pool itself so that its
    /// lockout after repeated failures applies. A user that does not exist or is disabled has
    /// no password that works: `false`.
    async fn password_matches(&self, email: &Email, password: &str) -> Result<bool, Unexpected>;

    /// Ends every session of the user: its refresh tokens stop working. Tokens already issued
    /// live out their hour. A user that does not exist has no sessions: that is success.
    async fn sign_out_everywhere(&self, email: &Email) -> Result<(), Unexpected>;
}
