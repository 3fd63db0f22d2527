//! Value types shared by every use case. Raw strings stop at the edge: each type here is
//! built once by `parse` and is valid from then on.

mod email;
mod money;
mod tag;
mod text;
mod time;

pub use email::{Email, EmailError};
pub use money::{Currency, Money, MoneyError};
pub use tag::Tag;
pub(crate) use text::bounded_text_type;
pub use text::{TextError, bounded_text, multiline_text};
pub use time::Timestamp;

/// A problem with one field of the input, named as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A page cursor from another listing (or forged): every listing refuses it alike.
    pub fn bad_cursor() -> Self {
        Self::new(
            "cursor",
            "does not belong to this listing; start again without it",
        )
    }
}

/// Collects field errors while an input is converted, so the client hears of all of them at once.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// Keeps the value, or records the error against `field`.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError::new(field, e.to_string()));
                None
            }
        }
    }

    /// Parses an optional field: absent stays `None`, invalid is recorded against `field`.
    pub fn optional<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        raw.and_then(|raw| self.check(field, parse(raw)))
    }

    /// Parses a `PATCH` field that `null` clears: absent stays `None`, `null` is `Some(None)`.
    pub fn nullable<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        raw: Option<Option<String>>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        raw.map(|raw| raw.and_then(|raw| self.check(field, parse(&raw))))
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// `Ok` with the value built by `f` when no error was recorded.
    pub fn finish<T>(self, f: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(f())
        } else {
            Err(self.errors)
        }
    }
}

/// For `PATCH` bodies: a field that was given replaces the stored value.
pub fn patch<T>(slot: &mut T, given: Option<T>) {
    if let Some(value) = given {
        *slot = value;
    }
}

/// For `PATCH` bodies: an absent field stays `None`, `null` becomes `Some(None)`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validator_reports_every_error_it_saw() {
        let mut v = Validator::default();
        let _ = v.check::<(), _>("name", Err("must not be empty"));
        let _ = v.check("email", Email::parse("nope"));
        let errors = v.finish(|| ()).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[1].field, "email");
    }
}
