//! JSON held as its compact text: policy documents in the snapshot and findings' evidence.
//!
//! A JSON tree (`serde_json::Value`, with ordered maps) takes several times the memory of
//! its text. Snapshots of large accounts hold tens of thousands of policy documents and
//! reports tens of thousands of evidence objects, most of which are only ever written out
//! again; so they are kept as text, parsed on demand ([`JsonText::value`]), and serialised
//! by streaming the text into the writer (as the JSON it holds, never as a string).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonText(Box<str>);

impl JsonText {
    /// `null`: nothing (an unread document, no evidence).
    pub fn null() -> JsonText {
        JsonText("null".into())
    }

    pub fn is_null(&self) -> bool {
        &*self.0 == "null"
    }

    /// The JSON as a value (parsed on each call).
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// The compact JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text of a JSON string (without its quotes), if the JSON is one.
    pub fn as_json_string(&self) -> Option<String> {
        if self.0.starts_with('"') {
            serde_json::from_str(&self.0).ok()
        } else {
            None
        }
    }

    /// Compact JSON text from JSON text that may be pretty-printed, without building a tree.
    pub fn parse(text: &str) -> Result<JsonText, serde_json::Error> {
        let mut out = Vec::with_capacity(text.len());
        let mut de = serde_json::Deserializer::from_str(text);
        serde_transcode::transcode(&mut de, &mut serde_json::Serializer::new(&mut out))?;
        de.end()?;
        // The serializer writes UTF-8 only.
        Ok(JsonText(String::from_utf8_lossy(&out).into()))
    }

    /// The compact JSON text, owned.
    pub fn into_text(self) -> Box<str> {
        self.0
    }
}

impl Default for JsonText {
    fn default() -> Self {
        JsonText::null()
    }
}

impl From<Value> for JsonText {
    fn from(v: Value) -> JsonText {
        JsonText::from(&v)
    }
}

impl From<&Value> for JsonText {
    fn from(v: &Value) -> JsonText {
        JsonText(v.to_string().into_boxed_str())
    }
}

impl fmt::Display for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for JsonText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Straight from the text into the writer (pretty or not), without a tree.
        let mut de = serde_json::Deserializer::from_str(&self.0);
        serde_transcode::transcode(&mut de, s)
    }
}

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<JsonText, D::Error> {
        // Whatever the input format, straight into compact text, without a tree.
        let mut out = Vec::new();
        serde_transcode::transcode(d, &mut serde_json::Serializer::new(&mut out))
            .map_err(serde::de::Error::custom)?;
        String::from_utf8(out)
            .map(|s| JsonText(s.into_boxed_str()))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_through_text_and_values() {
        let v = json!({"b": [1, 2.5, "x\"<y>"], "a": null, "c": {"d": true}});
        let t = JsonText::from(&v);
        assert_eq!(t.value(), v);
        // Key order is kept (the project's serde_json preserves it).
        assert!(t.as_str().starts_with(r#"{"b":"#));
        let back: JsonText =
            serde_json::from_str(&serde_json::to_string_pretty(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        let from_value: JsonText = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(from_value, t);
        assert_eq!(serde_json::to_value(&t).unwrap(), v);
    }

    #[test]
    fn null_strings_and_bad_text() {
        assert!(JsonText::null().is_null());
        assert!(JsonText::default().is_null());
        assert!(!JsonText::from(json!("null")).is_null());
        assert_eq!(
            JsonText::from(json!("a%20b")).as_json_string().as_deref(),
            Some("a%20b")
        );
        assert_eq!(JsonText::from(json!({})).as_json_string(), None);
        assert_eq!(
            JsonText::parse("{ \"a\" :\n 1 }").unwrap().as_str(),
            r#"{"a":1}"#
        );
        assert!(JsonText::parse("{\"a\":").is_err());
        assert!(JsonText::parse("{} trailing").is_err());
    }
}
