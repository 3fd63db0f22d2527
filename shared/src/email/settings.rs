//! What a function that sends email needs ([`crate::config::Settings::mail`]).

use super::Branding;
use crate::config::{ConfigError, Settings};

/// The sender and the branding of every email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub sender_email: String,
    pub branding: Branding,
}

impl MailSettings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Settings::from_env().mail()
    }
}
