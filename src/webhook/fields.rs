//! A JSON object read as its keys and the raw text of their values, borrowed
//! from the body: a webhook message is read field by field without building a
//! `serde_json::Value` tree (dozens of allocations per delivery, freed on
//! another thread). The reading stays as tolerant as a `Value`: a field of an
//! unexpected type reads as absent, the last of duplicate keys wins, unknown
//! keys are ignored.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The members of one JSON object, in order.
#[derive(Debug, Default)]
pub struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> Fields<'a> {
    /// `text` as an object; `None` when it is not one.
    pub fn of(text: &'a str) -> Option<Fields<'a>> {
        serde_json::from_str(text).ok()
    }

    /// The raw value of `key` (the last one when repeated).
    pub fn raw(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// `key`'s value as a string; `None` when absent or not a string.
    pub fn str(&self, key: &str) -> Option<String> {
        self.raw(key).and_then(as_string)
    }

    /// Like [`Self::str`], then any spelling of `key` in another ASCII case.
    pub fn str_any_case(&self, key: &str) -> Option<String> {
        self.str(key).or_else(|| {
            let (_, v) = self.0.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(key))?;
            as_string(v)
        })
    }

    /// `key`'s value as an object (empty when absent or not an object).
    pub fn object(&self, key: &str) -> Fields<'a> {
        self.raw(key).and_then(|v| Fields::of(v.get())).unwrap_or_default()
    }

    /// `key`'s value as an array of objects (items that are not objects are skipped).
    pub fn objects(&self, key: &str) -> Vec<Fields<'a>> {
        let items = self.raw(key).and_then(|v| serde_json::from_str::<Vec<&RawValue>>(v.get()).ok());
        items.unwrap_or_default().into_iter().filter_map(|item| Fields::of(item.get())).collect()
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        self.raw(key).and_then(|v| serde_json::from_str(v.get()).ok())
    }

    pub fn u64(&self, key: &str) -> Option<u64> {
        self.raw(key).and_then(|v| serde_json::from_str(v.get()).ok())
    }
}

fn as_string(value: &RawValue) -> Option<String> {
    serde_json::from_str(value.get()).ok()
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Fields(members))
    }
}

/// A key, borrowed unless it holds escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_as_a_value_would() {
        let f = Fields::of(
            r#"{"id":"a","id":"b","n":5,"t":true,"o":{"k":"v"},"l":[{"x":"1"},2,{"x":"2"}],"e\u0073c":"s"}"#,
        )
        .unwrap();
        assert_eq!(f.str("id").as_deref(), Some("b"), "the last duplicate wins");
        assert_eq!(f.str("n"), None, "a number is not a string");
        assert_eq!(f.u64("n"), Some(5));
        assert_eq!(f.bool("t"), Some(true));
        assert_eq!(f.object("o").str("k").as_deref(), Some("v"));
        assert_eq!(f.object("n").str("k"), None, "not an object reads as empty");
        let xs: Vec<Option<String>> = f.objects("l").iter().map(|o| o.str("x")).collect();
        assert_eq!(xs, [Some("1".to_string()), Some("2".to_string())]);
        assert_eq!(f.str("esc").as_deref(), Some("s"), "an escaped key is unescaped");
        assert_eq!(f.str_any_case("ID").as_deref(), Some("b"));
        assert!(Fields::of("[1]").is_none() && Fields::of("\"s\"").is_none());
    }
}
