//! Mutes: accepted risks, each with a reason, an owner and an expiry date.
//!
//! ```toml
//! [[mute]]
//! check = "NET-001"                 # required
//! account = "111122223333"          # optional
//! region = "us-west-2"              # optional
//! resource = "arn:aws:ec2:*:*:vpc/vpc-legacy*"   # optional, `*` and `?` wildcards
//! reason = "legacy VPC, decommissioned in Q1"    # required
//! owner = "platform-team@example.com"            # required
//! expires = "2027-03-31"                         # required (YYYY-MM-DD)
//! ```
//!
//! A muted finding keeps its data and gets status `muted` with the mute attached. An
//! expired mute mutes nothing and is listed as expired; a mute that matches no finding is
//! listed as stale.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::catalogue::CheckCode;
use crate::checks::{Finding, Status, registry};
use crate::policy::wildcard_match;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mute {
    /// Validated on read, any case (`net-001` is NET-001).
    pub check: CheckCode,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub resource: Option<String>,
    pub reason: String,
    pub owner: String,
    pub expires: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MuteFile {
    #[serde(default)]
    mute: Vec<Mute>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MuteOutcome {
    /// Mutes past their expiry date (they mute nothing).
    pub expired: Vec<Mute>,
    /// Mutes that matched no finding.
    pub stale: Vec<Mute>,
    /// Number of findings muted.
    pub muted: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum MuteError {
    #[error("cannot read mutes file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("mutes file {path}{where_}: {message}")]
    Invalid {
        path: String,
        where_: String,
        message: String,
    },
}

pub fn load(path: &str) -> Result<Vec<Mute>, MuteError> {
    let text = std::fs::read_to_string(path).map_err(|source| MuteError::Read {
        path: path.into(),
        source,
    })?;
    parse(path, &text)
}

pub fn parse(path: &str, text: &str) -> Result<Vec<Mute>, MuteError> {
    let invalid = |where_: String, message: String| MuteError::Invalid {
        path: path.into(),
        where_,
        message,
    };
    let file: MuteFile = toml::from_str(text).map_err(|e| {
        let where_ = e
            .span()
            .map(|s| {
                format!(
                    " line {}",
                    text[..s.start.min(text.len())].matches('\n').count() + 1
                )
            })
            .unwrap_or_default();
        invalid(where_, e.message().to_string())
    })?;
    for (i, m) in file.mute.iter().enumerate() {
        let at = format!(" mute #{}", i + 1);
        if registry::find(&m.check).is_none() {
            return Err(invalid(at, format!("check {} does not exist", m.check)));
        }
        if m.reason.trim().is_empty() || m.owner.trim().is_empty() {
            return Err(invalid(at, "reason and owner must not be empty".into()));
        }
        if m.expires.parse::<jiff::civil::Date>().is_err() {
            return Err(invalid(
                at,
                format!("expires {:?} is not a date (YYYY-MM-DD)", m.expires),
            ));
        }
    }
    Ok(file.mute)
}

fn matches(m: &Mute, f: &Finding) -> bool {
    m.check == f.check
        && m.account.as_ref().is_none_or(|a| a == &f.account)
        && m.region
            .as_ref()
            .is_none_or(|r| f.region.as_deref() == Some(r.as_str()))
        && m.resource
            .as_ref()
            .is_none_or(|p| wildcard_match(p, &f.resource))
}

/// Apply mutes as of `today` (YYYY-MM-DD; a mute is valid through its expiry day).
pub fn apply(findings: &mut [Finding], mutes: &[Mute], today: jiff::civil::Date) -> MuteOutcome {
    let mut out = MuteOutcome::default();
    for m in mutes {
        let expires: jiff::civil::Date = match m.expires.parse() {
            Ok(d) => d,
            Err(_) => continue,
        };
        if expires < today {
            out.expired.push(m.clone());
            continue;
        }
        let mut hit = false;
        for f in findings.iter_mut().filter(|f| matches(m, f)) {
            hit = true;
            if f.status == Status::Pass {
                continue;
            }
            if f.status != Status::Muted {
                out.muted += 1;
            }
            f.mute = Some(json!({
                "reason": m.reason, "owner": m.owner, "expires": m.expires,
                "original_status": f.status
            }));
            f.status = Status::Muted;
        }
        if !hit {
            out.stale.push(m.clone());
        }
    }
    out
}
