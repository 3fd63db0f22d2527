//! A JSON value read into a body type strictly, with refusals a client can act on.
//!
//! `serde_json` lets a struct be read from an array, field by field in declaration order, so
//! `["Renamed"]` would be a product's new name. [`Strict`] reads a struct only from an object.
//! Its error, [`Refusal`], keeps what serde's visitors say about Rust types (`i64`,
//! `struct CreateCustomerBody`) out of the message: the message says what the value must be.

use serde::de::value::{MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Expected, IntoDeserializer, Unexpected,
    VariantAccess, Visitor,
};
use serde_json::{Map, Value};
use std::fmt;

/// Why a value did not fit its place in the body type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// An object has a member the type does not know (`deny_unknown_fields`).
    Unknown(String),
    /// An object lacks a member the type requires.
    Missing(&'static str),
    /// The value is of the wrong kind or not allowed: what it must be instead.
    Value(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(name) => write!(f, "{name} is not a field of this request"),
            Self::Missing(name) => write!(f, "{name} is required"),
            Self::Value(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Refusal {}

impl de::Error for Refusal {
    /// Messages of the project's own `Deserialize` impls (money, quantities), which are
    /// written for clients.
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::Value(msg.to_string())
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        if unexpected == Unexpected::Unit {
            return Self::Value("must not be null".into());
        }
        Self::Value(must_be(&expected.to_string()).into())
    }

    fn invalid_value(_: Unexpected<'_>, expected: &dyn Expected) -> Self {
        let expected = expected.to_string();
        Self::Value(match must_be(&expected) {
            WHOLE_NUMBER => "must be a whole number in range".into(),
            _ => "is not an allowed value".into(),
        })
    }

    fn invalid_length(_: usize, _: &dyn Expected) -> Self {
        Self::Value("has the wrong number of items".into())
    }

    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        Self::Value(format!("must be one of: {}", expected.join(", ")))
    }

    fn unknown_field(field: &str, _: &'static [&'static str]) -> Self {
        Self::Unknown(field.to_owned())
    }

    fn missing_field(field: &'static str) -> Self {
        Self::Missing(field)
    }

    fn duplicate_field(_: &'static str) -> Self {
        Self::Value("is given twice".into())
    }
}

const WHOLE_NUMBER: &str = "must be a whole number";

/// What a value must be, from what serde's visitor expected (`i64`, `a string`, `struct X`).
fn must_be(expected: &str) -> &'static str {
    let integer = [
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    match expected {
        e if integer.contains(&e) => WHOLE_NUMBER,
        "f32" | "f64" => "must be a number",
        "a string" | "a borrowed string" | "a character" => "must be a string",
        "a boolean" => "must be true or false",
        "a sequence" | "an array" => "must be an array",
        "a map" | "an object" => "must be an object",
        e if e.starts_with("struct ") => "must be an object",
        e if e.starts_with("tuple") || e.starts_with("a tuple") => "must be an array",
        e if e.starts_with("enum ") || e == "variant identifier" => {
            "must be one of the allowed values"
        }
        _ => "has the wrong type",
    }
}

/// What `value` is, as serde names a value it did not expect.
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// A JSON value as a deserializer that reads a struct only from an object.
#[derive(Clone, Copy)]
pub struct Strict<'de>(pub &'de Value);

impl<'de> IntoDeserializer<'de, Refusal> for Strict<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Strict<'de> {
    fn object<V: Visitor<'de>>(
        map: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        let mut members = MapDeserializer::new(map.iter().map(|(k, v)| (k.as_str(), Strict(v))));
        let value = visitor.visit_map(&mut members)?;
        members.end()?;
        Ok(value)
    }
}

/// The integer methods of [`Strict`]'s `Deserializer`, each reading through
/// [`Strict::whole_number`], as `forward_to_deserialize_any!` writes the others.
macro_rules! read_integers_as_whole_numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
                self.whole_number(visitor)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Strict<'de> {
    type Error = Refusal;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (None, Some(i), _) => visitor.visit_i64(i),
                (None, None, Some(f)) => visitor.visit_f64(f),
                (None, None, None) => Err(de::Error::invalid_type(unexpected(self.0), &visitor)),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => {
                let mut items = SeqDeserializer::new(items.iter().map(Strict));
                let value = visitor.visit_seq(&mut items)?;
                items.end()?;
                Ok(value)
            }
            Value::Object(map) => Self::object(map, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::Object(map) => Self::object(map, visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(StrDeserializer::<Refusal>::new(s)),
            Value::Object(map) if map.len() == 1 => {
                let (variant, value) = map.iter().next().expect("one member");
                visitor.visit_enum(Tagged { variant, value })
            }
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        visitor.visit_unit()
    }

    read_integers_as_whole_numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
    }

    serde::forward_to_deserialize_any! {
        bool i128 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

/// Below 2^64 and at or above -2^63: the whole numbers an integer field can hold.
const U64_END: f64 = 18_446_744_073_709_551_616.0;
const I64_START: f64 = -9_223_372_036_854_775_808.0;

impl<'de> Strict<'de> {
    /// An integer field: JSON has one kind of number and JSON Schema's `integer` admits `2.0`,
    /// so a number written with a zero fraction is read as the whole number it is. Any other
    /// value is read as it is, and the field's type refuses what does not fit.
    fn whole_number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        let float = match self.0 {
            Value::Number(n) if n.as_u64().is_none() && n.as_i64().is_none() => n.as_f64(),
            _ => None,
        };
        match float {
            Some(f) if f.fract() == 0.0 && (0.0..U64_END).contains(&f) => {
                visitor.visit_u64(f as u64)
            }
            Some(f) if f.fract() == 0.0 && (I64_START..0.0).contains(&f) => {
                visitor.visit_i64(f as i64)
            }
            _ => self.deserialize_any(visitor),
        }
    }
}

/// An enum value written `{"variant": value}`.
struct Tagged<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> EnumAccess<'de> for Tagged<'de> {
    type Error = Refusal;
    type Variant = Strict<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Strict<'de>), Refusal> {
        let variant = seed.deserialize(StrDeserializer::<Refusal>::new(self.variant))?;
        Ok((variant, Strict(self.value)))
    }
}

impl<'de> VariantAccess<'de> for Strict<'de> {
    type Error = Refusal;

    fn unit_variant(self) -> Result<(), Refusal> {
        match self.0 {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(other), &"unit")),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Refusal> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Refusal> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        self.deserialize_struct("", fields, visitor)
    }
}
