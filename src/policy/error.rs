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
}

impl PolicyError {
    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}
