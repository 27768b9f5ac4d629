//! Check metadata, read from the TOML files under the top-level `checks/` folder.

use serde::{Deserialize, Serialize};

use super::{Control, Severity};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    pub code: String,
    /// Kebab-case name of the bad state.
    pub slug: String,
    pub title: String,
    pub control: Control,
    pub severity: Severity,
    /// What kind of resource a finding points at (e.g. `AwsIamRole`).
    pub resource_type: String,
    /// Why it matters.
    pub rationale: String,
    pub remediation: Remediation,
    #[serde(default)]
    pub references: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// What to do, in prose (console steps).
    pub console: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation: Option<String>,
}

impl Metadata {
    /// Parse a metadata file; the registry's meta-test makes sure every shipped file parses.
    pub fn parse(source: &str) -> Result<Metadata, String> {
        toml::from_str(source).map_err(|e| e.to_string())
    }
}
