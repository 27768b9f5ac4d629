//! Small conversions shared by the collectors: policy documents, times, tags.

use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::model::JsonText;

/// The JSON text of a policy document as AWS returns it: raw JSON, or URL-encoded JSON
/// (IAM). If the trimmed text starts with `{` or `[` it is taken as is; otherwise it is
/// percent-decoded first (a `+` is kept: IAM encodes spaces as `%20`, a `+` as `%2B`).
fn decoded(text: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Ok(trimmed.into());
    }
    percent_decode_str(trimmed)
        .decode_utf8()
        .map_err(|e| format!("URL-decoded text is not UTF-8: {e}"))
}

/// Decode a policy document as AWS returns it (see [`decoded`]) into a JSON value.
pub fn policy_document(text: &str) -> Result<Value, String> {
    serde_json::from_str(decoded(text)?.trim()).map_err(|e| format!("not valid JSON: {e}"))
}

/// Decode a policy document as AWS returns it (see [`decoded`]) into compact JSON text,
/// without building a tree.
pub fn policy_text(text: &str) -> Result<JsonText, String> {
    JsonText::parse(decoded(text)?.trim()).map_err(|e| format!("not valid JSON: {e}"))
}

/// RFC 3339 text of an SDK time.
pub fn time(t: &aws_smithy_types::DateTime) -> Option<String> {
    t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()
}

pub fn opt_time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(time)
}

/// The name of a log group from its ARN (`arn:aws:logs:r:a:log-group:NAME[:*]`).
pub fn log_group_from_arn(arn: &str) -> Option<(String, String)> {
    let parsed = crate::model::Arn::parse(arn).ok()?;
    let rest = parsed.resource.strip_prefix("log-group:")?;
    let name = rest.strip_suffix(":*").unwrap_or(rest);
    Some((parsed.region, name.to_string()))
}

/// A resource's policy from a Get/Describe answer reduced to its text: `Found` when there is
/// one, `Absent` when there is none (no text, or the service's `not_found` error code),
/// `Unknown` with a gap when it could not be read or parsed. `what` names it in the gap.
pub fn policy_probe(
    cx: &super::context::CallContext,
    (service, operation, resource): (&str, &str, &str),
    what: &str,
    not_found: &str,
    answer: Result<Option<&str>, &super::context::CallError>,
) -> crate::model::Probe<Value> {
    use crate::model::Probe;
    match answer {
        Ok(None) => Probe::Absent,
        Ok(Some(text)) => match policy_document(text) {
            Ok(v) => Probe::Found(v),
            Err(e) => {
                cx.gap(service, operation, format!("{what}: {e}"), Some(resource));
                Probe::Unknown
            }
        },
        Err(e) if e.code.as_deref() == Some(not_found) => Probe::Absent,
        Err(e) => {
            cx.gap(service, operation, e, Some(resource));
            Probe::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_and_encoded() {
        let raw = r#"{"Version":"2012-10-17","Statement":[]}"#;
        assert_eq!(policy_document(raw).unwrap()["Version"], "2012-10-17");
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(policy_document(enc).unwrap()["Version"], "2012-10-17");
        assert!(policy_document("%7Bnot").is_err());
        assert_eq!(policy_text(enc).unwrap().as_str(), raw);
        assert_eq!(
            policy_text("{ \"a\": \"x+y z\" }").unwrap().as_str(),
            r#"{"a":"x+y z"}"#
        );
        // A '+' in the encoded form stays a '+'; %2B is a '+' too.
        assert_eq!(
            policy_text("%7B%22a%22%3A%22x+y%2Bz%22%7D")
                .unwrap()
                .as_str(),
            r#"{"a":"x+y+z"}"#
        );
        let err = policy_text("%7Bnot").unwrap_err();
        assert!(err.starts_with("not valid JSON: "), "{err}");
    }

    #[test]
    fn log_group_arn() {
        assert_eq!(
            log_group_from_arn("arn:aws:logs:us-east-1:111122223333:log-group:trail-logs:*"),
            Some(("us-east-1".into(), "trail-logs".into()))
        );
    }
}
