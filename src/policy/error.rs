//! Errors from parsing policy documents.

/// Why a policy document could not be parsed. Messages name the field (with the statement
/// index) that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not JSON (or nests too deeply, or is truncated).
    #[error("policy document is not valid JSON: {0}")]
    Json(String),
    /// The text looked URL-encoded but did not decode to UTF-8.
    #[error("policy document is neither JSON nor URL-encoded JSON: {0}")]
    Encoding(String),
    /// The JSON is well-formed but not a valid policy.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// The document is larger than AWS allows for its kind (see [`super::limits`]).
    #[error(
        "{kind} too large: {size} {unit}, AWS allows at most {max} {unit} ({limit}, {reference})"
    )]
    TooLarge {
        kind: &'static str,
        size: usize,
        max: usize,
        unit: &'static str,
        limit: &'static str,
        reference: &'static str,
    },
}

impl PolicyError {
    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}
