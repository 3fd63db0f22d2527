//! A user pool in memory.

use crate::domain::Email;
use crate::error::Unexpected;
use crate::identity::{Identity, IdentityError, InitialPassword, NewUser};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// One user as the pool keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub sub: String,
    pub enabled: bool,
    pub temporary: bool,
    pub password: String,
    /// How many times every session of the user was ended.
    pub sign_outs: u32,
}

/// The users by their email, whether the pool is up, and the addresses it refuses (Cognito's
/// check of an address may be stricter than ours).
#[derive(Debug, Default)]
pub struct Users {
    pub users: Mutex<BTreeMap<Email, User>>,
    pub down: bool,
    pub refuses: BTreeSet<Email>,
}

impl Users {
    pub fn user(&self, email: &Email) -> Option<User> {
        self.users.lock().expect("not poisoned").get(email).cloned()
    }

    fn up(&self) -> Result<(), Unexpected> {
        if self.down {
            Err(Unexpected::new("the user pool is down"))
        } else {
            Ok(())
        }
    }
}

fn secret(p: &InitialPassword) -> (String, bool) {
    match p {
        InitialPassword::Temporary(p) => (p.clone(), true),
        InitialPassword::Permanent(p) => (p.clone(), false),
    }
}

#[async_trait::async_trait]
impl Identity for Users {
    async fn create_customer_user(&self, user: NewUser<'_>) -> Result<String, IdentityError> {
        let (email, password) = (user.email, user.password);
        self.up()?;
        if self.refuses.contains(email) {
            return Err(IdentityError::EmailRefused(
                "Invalid email address format.".into(),
            ));
        }
        let mut users = self.users.lock().expect("not poisoned");
        if users.contains_key(email) {
            return Err(IdentityError::UserExists);
        }
        let sub = uuid::Uuid::new_v4().to_string();
        let (password, temporary) = secret(&password);
        users.insert(
            email.clone(),
            User {
                sub: sub.clone(),
                enabled: true,
                temporary,
                password,
                sign_outs: 0,
            },
        );
        Ok(sub)
    }

    async fn delete_user(&self, email: &Email) -> Result<(), Unexpected> {
        self.up()?;
        self.users.lock().expect("not poisoned").remove(email);
        Ok(())
    }

    async fn disable_user(&self, email: &Email) -> Result<(), Unexpected> {
        self.up()?;
        if let Some(u) = self.users.lock().expect("not poisoned").get_mut(email) {
            u.enabled = false;
        }
        Ok(())
    }

    async fn enable_user(&self, email: &Email) -> Result<(), Unexpected> {
        self.up()?;
        match self.users.lock().expect("not poisoned").get_mut(email) {
            Some(u) => {
                u.enabled = true;
                Ok(())
            }
            None => Err(Unexpected::new("no such user")),
        }
    }

    async fn change_email(&self, current: &Email, new: &Email) -> Result<(), IdentityError> {
        self.up()?;
        if self.refuses.contains(new) {
            return Err(IdentityError::EmailRefused(
                "Invalid email address format.".into(),
            ));
        }
        let mut users = self.users.lock().expect("not poisoned");
        let user = users
            .remove(current)
            .ok_or_else(|| Unexpected::new("no such user"))?;
        users.insert(new.clone(), user);
        Ok(())
    }

    async fn set_password(
        &self,
        email: &Email,
        password: InitialPassword,
    ) -> Result<(), IdentityError> {
        self.up()?;
        let mut users = self.users.lock().expect("not poisoned");
        let user = users
            .get_mut(email)
            .ok_or_else(|| Unexpected::new("no such user"))?;
        (user.password, user.temporary) = secret(&password);
        Ok(())
    }

    async fn password_matches(&self, email: &Email, password: &str) -> Result<bool, Unexpected> {
        self.up()?;
        Ok(self
            .user(email)
            .is_some_and(|u| u.enabled && u.password == password))
    }

    async fn sign_out_everywhere(&self, email: &Email) -> Result<(), Unexpected> {
        self.up()?;
        if let Some(u) = self.users.lock().expect("not poisoned").get_mut(email) {
            u.sign_outs += 1;
        }
        Ok(())
    }
}
