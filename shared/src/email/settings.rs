use super::Branding;
use crate::config::ConfigError;

/// The seller's name when `SELLER_NAME` is not set.
pub const DEFAULT_SELLER_NAME: &str = "Orderdesk";

/// What a function that sends email needs: `TABLE_NAME`, `SENDER_EMAIL`, `PORTAL_URL` (all
/// required) and `SELLER_NAME` (default "Orderdesk").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub table_name: String,
    pub sender_email: String,
    pub branding: Branding,
}

impl MailSettings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads through `get`; names every missing variable at once.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let value = |k: &str| {
            get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut missing = Vec::new();
        let mut required = |k: &'static str| {
            value(k).unwrap_or_else(|| {
                missing.push(k);
                String::new()
            })
        };
        let settings = Self {
            table_name: required("TABLE_NAME"),
            sender_email: required("SENDER_EMAIL"),
            branding: Branding {
                portal_url: required("PORTAL_URL"),
                seller_name: value("SELLER_NAME").unwrap_or_else(|| DEFAULT_SELLER_NAME.into()),
            },
        };
        if missing.is_empty() {
            Ok(settings)
        } else {
            Err(ConfigError(missing))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seller_name_defaults_and_every_missing_variable_is_named() {
        let err =
            MailSettings::from_lookup(|k| (k == "PORTAL_URL").then(|| "p".into())).unwrap_err();
        assert_eq!(err.0, ["TABLE_NAME", "SENDER_EMAIL"]);

        let s =
            MailSettings::from_lookup(|k| (k != "SELLER_NAME").then(|| format!(" {k} "))).unwrap();
        assert_eq!(s.branding.seller_name, "Orderdesk");
        assert_eq!(s.sender_email, "SENDER_EMAIL");
    }
}
