//! The one list of checks. A code appears here and in its check's `code()`, nowhere else.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{Check, Metadata};
#[allow(unused_imports)]
use super::{cris, guardrails, iam, kms, logging, network, tenant};

pub static CHECKS: &[&dyn Check] = &[
    // C1 IAM
    // C2 Network
    // C3 KMS
    // C4 Logging
    // C5 Guardrails
    // TEN
    // CRI
];

fn table() -> &'static HashMap<&'static str, Metadata> {
    static TABLE: OnceLock<HashMap<&'static str, Metadata>> = OnceLock::new();
    TABLE.get_or_init(|| {
        CHECKS
            .iter()
            .map(|c| {
                let meta = Metadata::parse(c.metadata_source()).unwrap_or_else(|e| {
                    // Shipped metadata is validated by the registry tests; reaching this
                    // means the binary was built from a broken tree.
                    panic!("metadata of {} does not parse: {e}", c.code())
                });
                (c.code(), meta)
            })
            .collect()
    })
}

/// The metadata of a registered check.
pub fn metadata(code: &str) -> &'static Metadata {
    &table()[code]
}

/// The check with this code (case-insensitive), if registered.
pub fn find(code: &str) -> Option<&'static dyn Check> {
    CHECKS
        .iter()
        .copied()
        .find(|c| c.code().eq_ignore_ascii_case(code))
}

/// Every check's metadata, in registry order.
pub fn all() -> impl Iterator<Item = &'static Metadata> {
    CHECKS.iter().map(|c| metadata(c.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_parses_and_matches_code() {
        for c in CHECKS {
            let m = Metadata::parse(c.metadata_source())
                .unwrap_or_else(|e| panic!("{}: {e}", c.code()));
            assert_eq!(m.code, c.code(), "metadata code differs from the check's");
            assert!(!m.rationale.trim().is_empty(), "{}: empty rationale", c.code());
            assert!(
                !m.remediation.console.trim().is_empty(),
                "{}: empty remediation",
                c.code()
            );
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.code()), "duplicate code {}", c.code());
        }
    }
}
