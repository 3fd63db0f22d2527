//! A label admins group customers by, and route and confirm their orders by.

/// A label admins group customers by. Tags are case-insensitive, so they are kept lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Tag(String);

impl Tag {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let t = raw.trim().to_lowercase();
        let n = t.chars().count();
        if n == 0 {
            return Err("must not be empty".into());
        }
        if n > 40 {
            return Err("must be at most 40 characters".into());
        }
        if !t
            .chars()
            .all(|c| c.is_alphanumeric() || " -_.:/".contains(c))
        {
            return Err("may contain letters, digits, spaces and - _ . : /".into());
        }
        Ok(Self(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Tag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Tag::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
