//! `perimeter.toml`: the user's settings, validated before use.
//!
//! Raw TOML is read into [`RawConfig`] (serde, unknown keys rejected, so a typo is an
//! error naming the line) and then checked into [`Config`].

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::catalogue::{CheckCode, Severity};

/// Validated configuration. `Config::default()` is what perimeter uses without a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub tags: TagKeys,
    /// PII entity types a guardrail must block or anonymise (GRD-002).
    pub required_pii_types: Vec<String>,
    /// The weakest acceptable content-filter strength (GRD-010): LOW, MEDIUM or HIGH.
    pub content_filter_floor: String,
    /// A guardrail in use must filter words (profanity list or custom words) (GRD-010).
    pub require_word_filter: bool,
    /// Guardrails (names, ids or ARNs) on trial, allowed to detect without blocking
    /// (GRD-011).
    pub guardrails_on_trial: Vec<String>,
    /// Accounts (ids, or `*`) whose guardrails must check answers with automated
    /// reasoning (GRD-012).
    pub require_automated_reasoning: Vec<String>,
    /// Bedrock-active accounts from which an organisation should set guardrails through a
    /// Bedrock policy (GRD-014).
    pub org_policy_min_accounts: usize,
    /// Minimum retention, in days, for invocation and trail logs (LOG-007).
    pub log_retention_days: u32,
    /// A principal unused for longer than this is stale (IAM-007).
    pub stale_days: u32,
    /// Regions treated as Bedrock-active whatever the account shows.
    pub bedrock_regions: Vec<String>,
    /// Residency requirement (a CRIS geography such as `eu`) per account id or OU id/name.
    pub residency: BTreeMap<String, String>,
    /// Check code → severity, replacing the catalogue's.
    pub severity_overrides: BTreeMap<CheckCode, Severity>,
    /// CRIS geography → destination Regions, replacing entries of the shipped table.
    pub cris_geographies: BTreeMap<String, Vec<String>>,
    /// Extra role names treated as the auditing role (reported at most as info).
    pub audit_role_names: Vec<String>,
    /// Agents and AgentCore settings (`[agents]`).
    pub agents: AgentSettings,
    /// Cost and abuse settings (`[usage]`).
    pub usage: UsageSettings,
    /// Threat-signal settings (`[threat]`).
    pub threat: ThreatSettings,
}

/// `[usage]`: what the USE checks hold budgets, alarms and quotas to.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageSettings {
    /// A budget must also carry an action that applies an IAM policy or SCP (USE-001).
    pub require_budget_action: bool,
    /// Bedrock metrics a usage alarm may watch (USE-003).
    pub alarm_metrics: Vec<String>,
    /// Quota code → highest acceptable applied value (USE-006 is `low` above it).
    pub quota_ceilings: BTreeMap<String, f64>,
}

impl Default for UsageSettings {
    fn default() -> Self {
        UsageSettings {
            require_budget_action: false,
            alarm_metrics: [
                "InputTokenCount",
                "OutputTokenCount",
                "Invocations",
                "InvocationThrottles",
                "InvocationClientErrors",
            ]
            .map(String::from)
            .to_vec(),
            quota_ceilings: BTreeMap::new(),
        }
    }
}

/// `[threat]`: what the THR checks read in event history.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreatSettings {
    /// Principals (ARNs, `*` wildcards allowed) that may enable model access (THR-001),
    /// besides administrators.
    pub model_access_admins: Vec<String>,
    /// Model-discovery calls by one principal within an hour that make a burst (THR-002).
    pub recon_per_hour: usize,
}

impl Default for ThreatSettings {
    fn default() -> Self {
        ThreatSettings {
            model_access_admins: Vec::new(),
            recon_per_hour: 20,
        }
    }
}

/// `[agents]` in the config: what the AGT checks hold agents and AgentCore to.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSettings {
    /// Longest acceptable idle session, in seconds (AGT-001; AWS allows 60–5400).
    pub max_idle_session_seconds: i64,
    /// AgentCore runtimes (names or ARNs) allowed the PUBLIC network mode (AGT-002).
    pub public_runtimes: Vec<String>,
    /// A gateway without a policy engine fails AGT-005 instead of being reported as info.
    pub require_gateway_policy_engine: bool,
}

impl Default for AgentSettings {
    fn default() -> Self {
        AgentSettings {
            max_idle_session_seconds: 3600,
            public_runtimes: Vec::new(),
            require_gateway_policy_engine: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TagKeys {
    pub workload: String,
    pub environment: String,
    pub tenant: String,
    pub data_residency: String,
}

impl Default for TagKeys {
    fn default() -> Self {
        TagKeys {
            workload: "workload".into(),
            environment: "environment".into(),
            tenant: "tenant".into(),
            data_residency: "data-residency".into(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tags: TagKeys::default(),
            required_pii_types: vec![
                "EMAIL".into(),
                "PHONE".into(),
                "US_BANK_ACCOUNT_NUMBER".into(),
            ],
            content_filter_floor: "MEDIUM".into(),
            require_word_filter: true,
            guardrails_on_trial: Vec::new(),
            require_automated_reasoning: Vec::new(),
            org_policy_min_accounts: 2,
            log_retention_days: 365,
            stale_days: 90,
            bedrock_regions: Vec::new(),
            residency: BTreeMap::new(),
            severity_overrides: BTreeMap::new(),
            cris_geographies: BTreeMap::new(),
            audit_role_names: vec!["OrganizationAccountAccessRole".into()],
            agents: AgentSettings::default(),
            usage: UsageSettings::default(),
            threat: ThreatSettings::default(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    tags: Option<RawTags>,
    guardrails: Option<RawGuardrails>,
    logging: Option<RawLogging>,
    iam: Option<RawIam>,
    bedrock_regions: Option<Vec<String>>,
    residency: Option<BTreeMap<String, String>>,
    severity: Option<BTreeMap<String, String>>,
    cris: Option<RawCris>,
    agents: Option<RawAgents>,
    usage: Option<RawUsage>,
    threat: Option<RawThreat>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUsage {
    require_budget_action: Option<bool>,
    alarm_metrics: Option<Vec<String>>,
    quota_ceilings: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreat {
    model_access_admins: Option<Vec<String>>,
    recon_per_hour: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgents {
    max_idle_session_seconds: Option<i64>,
    public_runtimes: Option<Vec<String>>,
    require_gateway_policy_engine: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTags {
    workload: Option<String>,
    environment: Option<String>,
    tenant: Option<String>,
    data_residency: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuardrails {
    required_pii_types: Option<Vec<String>>,
    content_filter_floor: Option<String>,
    require_word_filter: Option<bool>,
    on_trial: Option<Vec<String>>,
    require_automated_reasoning: Option<Vec<String>>,
    org_policy_min_accounts: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogging {
    retention_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIam {
    stale_days: Option<u32>,
    audit_role_names: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCris {
    geographies: Option<BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("config {path}{where_}: {message}")]
    Invalid {
        path: String,
        where_: String,
        message: String,
    },
}

/// True for names shaped like an AWS Region (`eu-west-1`, `us-gov-west-1`).
/// The Regions AWS has opened, in every partition perimeter can audit (checked
/// 2026-12-02). A well-formed name outside this list (`eu-west-9`) is a typo, caught before
/// any call is made; a Region newer than this list is reached with `--regions all`.
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

/// The Region where CloudTrail records a partition's global services (IAM,
/// Organizations, Marketplace) and where their billing APIs answer.
pub fn global_region(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "cn-northwest-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    }
}

/// The partition a Region name belongs to.
pub fn region_partition(region: &str) -> Option<&'static str> {
    if !is_region_name(region) {
        return None;
    }
    Some(if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else {
        "aws"
    })
}

/// True for a Region AWS has opened (see [`KNOWN_REGIONS`]).
pub fn is_known_region(s: &str) -> bool {
    KNOWN_REGIONS.contains(&s)
}

/// True for a string shaped like a Region name (`xx-word-N`), known or not.
pub fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && {
            let last = parts[parts.len() - 1];
            !last.is_empty() && last.len() <= 2 && last.bytes().all(|b| b.is_ascii_digit())
        }
}

impl Config {
    pub fn load(path: &str) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &str, text: &str) -> Result<Config, ConfigError> {
        let invalid = |where_: String, message: String| ConfigError::Invalid {
            path: path.into(),
            where_,
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let where_ = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!(" line {line}")
                })
                .unwrap_or_default();
            invalid(where_, e.message().to_string())
        })?;
        let mut c = Config::default();
        if let Some(t) = raw.tags {
            let set = |slot: &mut String, v: Option<String>, name: &str| {
                if let Some(v) = v {
                    if v.trim().is_empty() {
                        return Err(invalid(
                            String::new(),
                            format!("tags.{name} must not be empty"),
                        ));
                    }
                    *slot = v;
                }
                Ok(())
            };
            set(&mut c.tags.workload, t.workload, "workload")?;
            set(&mut c.tags.environment, t.environment, "environment")?;
            set(&mut c.tags.tenant, t.tenant, "tenant")?;
            set(
                &mut c.tags.data_residency,
                t.data_residency,
                "data_residency",
            )?;
        }
        if let Some(g) = raw.guardrails {
            if let Some(types) = g.required_pii_types {
                c.required_pii_types = types.into_iter().map(|t| t.to_uppercase()).collect();
            }
            if let Some(f) = g.content_filter_floor {
                let f = f.to_uppercase();
                if !["LOW", "MEDIUM", "HIGH"].contains(&f.as_str()) {
                    return Err(invalid(
                        String::new(),
                        format!(
                            "guardrails.content_filter_floor: {f:?} is not LOW, MEDIUM or HIGH"
                        ),
                    ));
                }
                c.content_filter_floor = f;
            }
            if let Some(b) = g.require_word_filter {
                c.require_word_filter = b;
            }
            if let Some(t) = g.on_trial {
                c.guardrails_on_trial = t;
            }
            if let Some(a) = g.require_automated_reasoning {
                c.require_automated_reasoning = a;
            }
            if let Some(n) = g.org_policy_min_accounts {
                c.org_policy_min_accounts = n;
            }
        }
        if let Some(l) = raw.logging
            && let Some(d) = l.retention_days
        {
            c.log_retention_days = d;
        }
        if let Some(i) = raw.iam {
            if let Some(d) = i.stale_days {
                if d == 0 {
                    return Err(invalid(
                        String::new(),
                        "iam.stale_days must be at least 1".into(),
                    ));
                }
                c.stale_days = d;
            }
            if let Some(names) = i.audit_role_names {
                c.audit_role_names.extend(names);
            }
        }
        if let Some(a) = raw.agents {
            if let Some(secs) = a.max_idle_session_seconds {
                if !(60..=5400).contains(&secs) {
                    return Err(invalid(
                        String::new(),
                        format!(
                            "agents.max_idle_session_seconds: {secs} is outside 60..5400, the range AWS allows"
                        ),
                    ));
                }
                c.agents.max_idle_session_seconds = secs;
            }
            if let Some(r) = a.public_runtimes {
                c.agents.public_runtimes = r;
            }
            if let Some(b) = a.require_gateway_policy_engine {
                c.agents.require_gateway_policy_engine = b;
            }
        }
        if let Some(u) = raw.usage {
            if let Some(b) = u.require_budget_action {
                c.usage.require_budget_action = b;
            }
            if let Some(m) = u.alarm_metrics {
                if m.is_empty() {
                    return Err(invalid(
                        String::new(),
                        "usage.alarm_metrics: an empty list would accept no alarm; leave it out for the default".into(),
                    ));
                }
                c.usage.alarm_metrics = m;
            }
            if let Some(q) = u.quota_ceilings {
                if let Some((k, v)) = q.iter().find(|(_, v)| !v.is_finite() || **v < 0.0) {
                    return Err(invalid(
                        String::new(),
                        format!("usage.quota_ceilings.{k}: {v} is not a quota value"),
                    ));
                }
                c.usage.quota_ceilings = q;
            }
        }
        if let Some(t) = raw.threat {
            if let Some(a) = t.model_access_admins {
                c.threat.model_access_admins = a;
            }
            if let Some(n) = t.recon_per_hour {
                if n < 2 {
                    return Err(invalid(
                        String::new(),
                        format!(
                            "threat.recon_per_hour: {n} would call every model listing a burst; give at least 2"
                        ),
                    ));
                }
                c.threat.recon_per_hour = n;
            }
        }
        if let Some(regions) = raw.bedrock_regions {
            for r in &regions {
                if !is_known_region(r) {
                    return Err(invalid(
                        String::new(),
                        format!("bedrock_regions: {r:?} is not an AWS Region"),
                    ));
                }
            }
            c.bedrock_regions = regions;
        }
        if let Some(res) = raw.residency {
            for (k, v) in res {
                c.residency.insert(k, v.to_lowercase());
            }
        }
        if let Some(sev) = raw.severity {
            for (code, s) in sev {
                let parsed: Severity = s.parse().map_err(|_| {
                    invalid(
                        String::new(),
                        format!(
                            "severity.{code}: {s:?} is not one of critical, high, medium, low, info"
                        ),
                    )
                })?;
                // Whether a check has the code is the registry's to say (the caller
                // checks it: config does not depend on the catalogue of checks).
                let code = CheckCode::parse(&code)
                    .map_err(|e| invalid(String::new(), format!("severity.{code}: {e}")))?;
                c.severity_overrides.insert(code, parsed);
            }
        }
        if let Some(cris) = raw.cris
            && let Some(g) = cris.geographies
        {
            for (geo, regions) in g {
                for r in &regions {
                    if !is_region_name(r) {
                        return Err(invalid(
                            String::new(),
                            format!("cris.geographies.{geo}: {r:?} is not a Region name"),
                        ));
                    }
                }
                c.cris_geographies.insert(geo.to_lowercase(), regions);
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses_and_sets_what_it_says() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/perimeter.example.toml");
        let c = Config::load(path).unwrap();
        assert_eq!(c.agents.max_idle_session_seconds, 3600);
        assert!(!c.agents.require_gateway_policy_engine);
        let bad = Config::parse("x.toml", "[agents]\nmax_idle_session_seconds = 10\n");
        assert!(bad.unwrap_err().to_string().contains("60..5400"));
        assert!(Config::parse("x.toml", "[agents]\nidle = 1\n").is_err());
    }

    #[test]
    fn region_names() {
        assert!(is_region_name("eu-west-1"));
        assert!(is_region_name("us-gov-west-1"));
        assert!(is_region_name("ap-southeast-7"));
        assert!(!is_region_name("eu-west"));
        assert!(!is_region_name("EU-WEST-1"));
        assert!(!is_region_name("narnia"));
    }

    #[test]
    fn unknown_key_names_the_line() {
        let err = Config::parse("p.toml", "[tags]\nworkload = \"w\"\nbogus = 1\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("bogus"), "{msg}");
    }

    #[test]
    fn values_are_applied() {
        let c = Config::parse(
            "p.toml",
            "[logging]\nretention_days = 400\n[residency]\n\"111122223333\" = \"EU\"\n",
        )
        .unwrap();
        assert_eq!(c.log_retention_days, 400);
        assert_eq!(c.residency["111122223333"], "eu");
    }

    #[test]
    fn bad_region_is_rejected() {
        assert!(Config::parse("p.toml", "bedrock_regions = [\"mars-1\"]\n").is_err());
    }
}
