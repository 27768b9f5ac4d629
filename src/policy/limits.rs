//! Document size limits: a document larger than AWS allows for its kind cannot exist in an
//! account, so evaluating it would answer a question AWS never asks. Callers check the size
//! first and report an error naming the limit.
//!
//! ```
//! use perimeter::policy::limits::{DocumentKind, check_value_size};
//! let doc = serde_json::json!({"Version": "2012-10-17", "Statement": []});
//! assert!(check_value_size(DocumentKind::ServiceControlPolicy, &doc).is_ok());
//! ```
//!
//! The limits and how AWS counts them (each cited where it is defined below):
//!
//! | kind | limit | counted |
//! | --- | --- | --- |
//! | identity-based managed policy, permissions boundary | 6,144 characters | whitespace not counted |
//! | inline policies of a role / user / group | 10,240 / 2,048 / 5,120 characters (aggregate per entity) | whitespace not counted |
//! | role trust policy | 2,048 characters by default, raisable to 8,192 | whitespace not counted |
//! | service control policy | 5,120 characters | whitespace counted when saved through the API |
//! | KMS key policy | 32 KB (32,768 bytes) | every byte |
//! | VPC endpoint policy | 20,480 characters | "including white space" |
//!
//! What is measured: for document text (as stored, or URL-encoded as IAM returns it), the
//! decoded text; for a document given as a JSON value (e.g. a `policy simulate` case), its
//! compact serialisation — the smallest text that document can be, so a limit that counts
//! whitespace is never applied to formatting the caller added.

use serde_json::Value;

use super::error::PolicyError;
use super::eval::ServiceSemantics;

/// The kind of a policy document, which decides its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// A customer managed (identity-based) policy.
    ManagedPolicy,
    /// A permissions boundary (always a managed policy).
    PermissionsBoundary,
    /// An inline policy of an IAM role (the limit is the aggregate of the role's inline
    /// policies, so one document can be at most that large).
    RoleInlinePolicy,
    /// An inline policy of an IAM user.
    UserInlinePolicy,
    /// An inline policy of an IAM group.
    GroupInlinePolicy,
    /// An identity-based policy that cannot be attributed to a managed policy or to the
    /// inline policies of a known entity type: the most permissive identity limit applies
    /// (a role's inline policies, 10,240 characters).
    IdentityPolicy,
    /// An identity-based policy of an IAM user (or of a federated-user session, which
    /// carries its user's policies): managed (6,144), user inline (2,048) or group inline
    /// (5,120) — the most permissive, 6,144, applies.
    UserIdentityPolicy,
    /// A service control policy.
    ServiceControlPolicy,
    /// A KMS key policy.
    KmsKeyPolicy,
    /// A role trust policy (`AssumeRolePolicyDocument`).
    RoleTrustPolicy,
    /// A VPC endpoint policy.
    VpcEndpointPolicy,
}

/// How a size is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SizeUnit {
    /// Characters, whitespace not counted (IAM).
    NonWhitespaceCharacters,
    /// Characters, whitespace counted.
    Characters,
    /// UTF-8 bytes.
    Bytes,
}

impl SizeUnit {
    fn as_str(self) -> &'static str {
        match self {
            SizeUnit::NonWhitespaceCharacters => "non-whitespace characters",
            SizeUnit::Characters => "characters",
            SizeUnit::Bytes => "bytes",
        }
    }
}

/// A size limit and where AWS documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SizeLimit {
    pub max: usize,
    pub unit: SizeUnit,
    /// What the limit is called in the AWS documentation.
    pub name: &'static str,
    /// The documentation page.
    pub source: &'static str,
}

const IAM_QUOTAS: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";

impl DocumentKind {
    /// A human name for messages.
    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::ManagedPolicy => "managed policy",
            DocumentKind::PermissionsBoundary => "permissions boundary (managed policy)",
            DocumentKind::RoleInlinePolicy => "role inline policy",
            DocumentKind::UserInlinePolicy => "user inline policy",
            DocumentKind::GroupInlinePolicy => "group inline policy",
            DocumentKind::IdentityPolicy => "identity-based policy",
            DocumentKind::UserIdentityPolicy => "identity-based policy of an IAM user",
            DocumentKind::ServiceControlPolicy => "service control policy",
            DocumentKind::KmsKeyPolicy => "KMS key policy",
            DocumentKind::RoleTrustPolicy => "role trust policy",
            DocumentKind::VpcEndpointPolicy => "VPC endpoint policy",
        }
    }

    /// The documented size limit of this kind of document.
    pub fn limit(self) -> SizeLimit {
        use SizeUnit::*;
        let iam = |max, name| SizeLimit {
            max,
            unit: NonWhitespaceCharacters,
            name,
            source: IAM_QUOTAS,
        };
        match self {
            // IAM and STS quotas (managed policies) and the IAM FAQ: "The size of each
            // managed policy cannot exceed 6,144 characters"; "IAM does not count white
            // space when calculating the size of a policy against this quota" (IAM rejects
            // a larger one with "Cannot exceed quota for PolicySize: 6144"). A permissions boundary is a managed policy ("you use a managed
            // policy to set the boundary", access_policies_boundaries.html).
            DocumentKind::ManagedPolicy | DocumentKind::PermissionsBoundary => {
                iam(6_144, "managed policy size")
            }
            // An IAM user's policies are managed policies (6,144), the user's inline
            // policies (2,048) or its groups' inline policies (5,120): the largest applies.
            DocumentKind::UserIdentityPolicy => iam(6_144, "managed policy size"),
            // IAM and STS quotas, inline policies: "the total aggregate policy size (the sum
            // size of all inline policies) per entity cannot exceed the following quotas:
            // User policy size cannot exceed 2,048 characters. Role policy size cannot
            // exceed 10,240 characters. Group policy size cannot exceed 5,120 characters.
            // IAM does not count white space when calculating the size of a policy".
            DocumentKind::RoleInlinePolicy | DocumentKind::IdentityPolicy => {
                iam(10_240, "role policy size (inline policies of a role)")
            }
            DocumentKind::UserInlinePolicy => iam(2_048, "user policy size (inline policies)"),
            DocumentKind::GroupInlinePolicy => iam(5_120, "group policy size (inline policies)"),
            // IAM and STS quotas, "Role trust policy length": 2,048 characters by default,
            // adjustable through Service Quotas up to 8,192 (older editions of the page said
            // 4,096); GetAccountSummary's AssumeRolePolicySizeQuota is "The maximum allowed
            // size for assume role policy documents (trust policies), in non-whitespace
            // characters". The account's quota is not known here, so the largest value an
            // account can have applies.
            DocumentKind::RoleTrustPolicy => iam(8_192, "role trust policy length (maximum quota)"),
            // AWS Organizations quotas: "Maximum size of a policy document: Service control
            // policies: 5,120 characters", with the note that the console removes extra
            // white space outside quotation marks while the API saves the policy "exactly
            // as provided".
            DocumentKind::ServiceControlPolicy => SizeLimit {
                max: 5_120,
                unit: Characters,
                name: "maximum size of a service control policy",
                source: "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html",
            },
            // AWS KMS Developer Guide, key policy format: "Up to 32 kilobytes (32,768
            // bytes)"; PutKeyPolicy: "The policy size limit is 32 KiB (32768 bytes)."
            DocumentKind::KmsKeyPolicy => SizeLimit {
                max: 32_768,
                unit: Bytes,
                name: "key policy document size",
                source: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
            },
            // Amazon VPC, endpoint policies: "The size of an endpoint policy cannot exceed
            // 20,480 characters, including white space."
            DocumentKind::VpcEndpointPolicy => SizeLimit {
                max: 20_480,
                unit: Characters,
                name: "endpoint policy size",
                source: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
            },
        }
    }

    /// The kind of an identity-based policy of `principal` whose origin (managed or inline)
    /// is not known: an IAM user's (or a federated-user session's) policies are at most
    /// 6,144 characters; anything else (a role or role session, or an unknown principal)
    /// gets the most permissive identity limit, a role's 10,240.
    pub fn identity_for_principal(principal: &str) -> DocumentKind {
        match super::arn::split_arn(principal) {
            Some(p)
                if (p[2] == "iam" && p[5].starts_with("user/"))
                    || (p[2] == "sts" && p[5].starts_with("federated-user/")) =>
            {
                DocumentKind::UserIdentityPolicy
            }
            _ => DocumentKind::IdentityPolicy,
        }
    }

    /// The kind of a resource-based policy with the given semantics, if its size limit is
    /// known (KMS key policies and role trust policies; other services' resource policies
    /// have service-specific limits that are not checked).
    pub fn for_resource(semantics: Option<ServiceSemantics>) -> Option<DocumentKind> {
        match semantics? {
            ServiceSemantics::KmsKeyPolicy => Some(DocumentKind::KmsKeyPolicy),
            ServiceSemantics::IamRoleTrustPolicy => Some(DocumentKind::RoleTrustPolicy),
        }
    }
}

fn measure(unit: SizeUnit, text: &str) -> usize {
    match unit {
        SizeUnit::NonWhitespaceCharacters => text.chars().filter(|c| !c.is_whitespace()).count(),
        SizeUnit::Characters => text.chars().count(),
        SizeUnit::Bytes => text.len(),
    }
}

/// The size of document text as AWS counts it for `kind` (URL-encoded text, as IAM APIs
/// return it, is decoded first).
pub fn text_size(kind: DocumentKind, text: &str) -> usize {
    let unit = kind.limit().unit;
    if text.trim_start().starts_with('{') {
        measure(unit, text)
    } else {
        match percent_encoding::percent_decode_str(text.trim()).decode_utf8() {
            Ok(decoded) => measure(unit, &decoded),
            Err(_) => measure(unit, text),
        }
    }
}

/// The size of a document given as a JSON value: a string is document text; anything else
/// is measured by its compact serialisation.
pub fn value_size(kind: DocumentKind, doc: &Value) -> usize {
    match doc {
        Value::String(s) => text_size(kind, s),
        other => measure(kind.limit().unit, &other.to_string()),
    }
}

fn check(kind: DocumentKind, size: usize) -> Result<(), PolicyError> {
    let l = kind.limit();
    if size > l.max {
        return Err(PolicyError::TooLarge {
            kind: kind.name(),
            size,
            max: l.max,
            unit: l.unit.as_str(),
            limit: l.name,
            reference: l.source,
        });
    }
    Ok(())
}

/// Checks document text against the limit of its kind.
pub fn check_text_size(kind: DocumentKind, text: &str) -> Result<(), PolicyError> {
    check(kind, text_size(kind, text))
}

/// Checks a document given as a JSON value against the limit of its kind.
pub fn check_value_size(kind: DocumentKind, doc: &Value) -> Result<(), PolicyError> {
    check(kind, value_size(kind, doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc_of(len: usize) -> Value {
        // {"Statement":[],"Id":"xxx"} — 24 characters of framing
        json!({"Statement": [], "Id": "x".repeat(len - 24)})
    }

    #[test]
    fn limits_at_the_boundary() {
        for (kind, max) in [
            (DocumentKind::ManagedPolicy, 6_144),
            (DocumentKind::PermissionsBoundary, 6_144),
            (DocumentKind::RoleInlinePolicy, 10_240),
            (DocumentKind::UserInlinePolicy, 2_048),
            (DocumentKind::GroupInlinePolicy, 5_120),
            (DocumentKind::IdentityPolicy, 10_240),
            (DocumentKind::UserIdentityPolicy, 6_144),
            (DocumentKind::ServiceControlPolicy, 5_120),
            (DocumentKind::KmsKeyPolicy, 32_768),
            (DocumentKind::RoleTrustPolicy, 8_192),
            (DocumentKind::VpcEndpointPolicy, 20_480),
        ] {
            assert_eq!(value_size(kind, &doc_of(max)), max);
            assert!(check_value_size(kind, &doc_of(max)).is_ok(), "{kind:?}");
            let e = check_value_size(kind, &doc_of(max + 1)).unwrap_err();
            let msg = e.to_string();
            assert!(msg.contains(&format!("{}", max + 1)), "{msg}");
            assert!(msg.contains(kind.name()), "{msg}");
        }
    }

    #[test]
    fn whitespace_rules() {
        let text = "{ \"Statement\" : [ ] }";
        assert_eq!(text_size(DocumentKind::ManagedPolicy, text), 16);
        assert_eq!(text_size(DocumentKind::VpcEndpointPolicy, text), 21);
        assert_eq!(text_size(DocumentKind::KmsKeyPolicy, "{\"é\"}"), 6);
        assert_eq!(text_size(DocumentKind::ServiceControlPolicy, "{\"é\"}"), 5);
        // URL-encoded text is decoded first
        assert_eq!(
            text_size(DocumentKind::ManagedPolicy, "%7B%20%22a%22%7D"),
            text_size(DocumentKind::ManagedPolicy, "{ \"a\"}")
        );
        // a JSON string is document text
        assert_eq!(value_size(DocumentKind::ManagedPolicy, &json!(text)), 16);
        // a JSON value is measured compactly
        assert_eq!(
            value_size(DocumentKind::VpcEndpointPolicy, &json!({"Statement": []})),
            16
        );
    }

    #[test]
    fn attribution() {
        use DocumentKind as K;
        assert_eq!(
            K::identity_for_principal("arn:aws:iam::1:user/a"),
            K::UserIdentityPolicy
        );
        assert_eq!(
            K::identity_for_principal("arn:aws:sts::1:federated-user/a"),
            K::UserIdentityPolicy
        );
        assert_eq!(
            K::identity_for_principal("arn:aws:iam::1:role/a"),
            K::IdentityPolicy
        );
        assert_eq!(
            K::identity_for_principal("arn:aws:sts::1:assumed-role/a/s"),
            K::IdentityPolicy
        );
        assert_eq!(K::identity_for_principal("x"), K::IdentityPolicy);
        assert_eq!(
            K::for_resource(Some(ServiceSemantics::KmsKeyPolicy)),
            Some(K::KmsKeyPolicy)
        );
        assert_eq!(K::for_resource(None), None);
    }
}
