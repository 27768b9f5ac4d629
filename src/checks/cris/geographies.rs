//! The shipped table: cross-Region inference geography (the profile-id prefix) →
//! destination Regions.
//!
//! As of 2025-10-01, from the AWS documentation "Supported Regions and models for
//! inference profiles" (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html):
//! each row is the union of the destination Regions the documented system-defined
//! profiles of that geography route to. A given model's profile may use fewer Regions;
//! the per-profile `models[].modelArn` list the API returns is added to these.
//! `global.` profiles route to every commercial Region, which no table can enumerate:
//! a global call is authorised with `aws:RequestedRegion = "unspecified"` instead.
//! `perimeter.toml` can replace any row (`[cris.geographies]`).

use std::collections::BTreeMap;

use crate::config::Config;

/// The date the shipped table was last checked against the AWS documentation.
pub const TABLE_DATE: &str = "2025-10-01";

/// The geography of global profiles.
pub const GLOBAL: &str = "global";

/// The shipped table, in a stable order.
pub const SHIPPED: &[(&str, &[&str])] = &[
    ("us", &["us-east-1", "us-east-2", "us-west-1", "us-west-2"]),
    ("us-gov", &["us-gov-east-1", "us-gov-west-1"]),
    ("ca", &["ca-central-1", "ca-west-1"]),
    (
        "eu",
        &[
            "eu-central-1",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-3",
        ],
    ),
    (
        "apac",
        &[
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-4",
        ],
    ),
    ("au", &["ap-southeast-2", "ap-southeast-4"]),
    ("jp", &["ap-northeast-1", "ap-northeast-3"]),
    (GLOBAL, &[]),
];

/// The table in effect: the shipped rows, with the config's rows replacing (or adding to)
/// them.
#[derive(Debug, Clone, PartialEq)]
pub struct Geographies {
    pub rows: BTreeMap<String, Vec<String>>,
    /// Geographies whose row came from the config.
    pub overridden: Vec<String>,
}

impl Geographies {
    pub fn new(config: &Config) -> Geographies {
        let mut rows: BTreeMap<String, Vec<String>> = SHIPPED
            .iter()
            .map(|(g, rs)| (g.to_string(), rs.iter().map(|r| r.to_string()).collect()))
            .collect();
        let mut overridden = Vec::new();
        for (g, rs) in &config.cris_geographies {
            rows.insert(g.to_lowercase(), rs.clone());
            overridden.push(g.to_lowercase());
        }
        Geographies { rows, overridden }
    }

    /// Destination Regions of a geography (`None` for an unknown prefix).
    pub fn regions(&self, geo: &str) -> Option<&[String]> {
        self.rows.get(geo).map(Vec::as_slice)
    }

    /// The geography a system-defined profile id belongs to (`us.anthropic...` → `us`),
    /// if its prefix is a known geography. `us-gov.` is tried before `us.`.
    pub fn of_profile_id<'a>(&self, profile_id: &'a str) -> Option<&'a str> {
        let (prefix, rest) = profile_id.split_once('.')?;
        if rest.is_empty() {
            return None;
        }
        self.rows.contains_key(prefix).then_some(prefix)
    }

    /// Where a table row came from, for evidence.
    pub fn source(&self, geo: &str) -> String {
        if self.overridden.iter().any(|g| g == geo) {
            "perimeter.toml [cris.geographies]".to_string()
        } else {
            format!("shipped geography table as of {TABLE_DATE}")
        }
    }

    /// True when `region` lies inside geography `geo`: listed in its row, or (for the
    /// broad geographies whose row is not overridden) named with the geography's Region
    /// prefix (`eu-*` for `eu`, `ap-*` for `apac`, ...).
    pub fn contains(&self, geo: &str, region: &str) -> bool {
        if geo == GLOBAL {
            return true;
        }
        if self
            .rows
            .get(geo)
            .is_some_and(|rs| rs.iter().any(|r| r == region))
        {
            return true;
        }
        if self.overridden.iter().any(|g| g == geo) {
            return false;
        }
        match geo {
            "us" => region.starts_with("us-") && !region.starts_with("us-gov-"),
            "us-gov" => region.starts_with("us-gov-"),
            "eu" => region.starts_with("eu-"),
            "ca" => region.starts_with("ca-"),
            "apac" => region.starts_with("ap-"),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rows_and_overrides() {
        let g = Geographies::new(&Config::default());
        assert_eq!(
            g.of_profile_id("us.anthropic.claude-3-haiku-20240307-v1:0"),
            Some("us")
        );
        assert_eq!(
            g.of_profile_id("global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            Some("global")
        );
        assert_eq!(g.of_profile_id("us-gov.x.y"), Some("us-gov"));
        assert_eq!(g.of_profile_id("my-app-profile"), None);
        assert!(g.contains("eu", "eu-west-2"));
        assert!(!g.contains("eu", "us-east-1"));
        assert!(g.contains("au", "ap-southeast-2"));
        assert!(!g.contains("au", "ap-northeast-1"));
        assert!(g.source("eu").contains(TABLE_DATE));

        let mut c = Config::default();
        c.cris_geographies
            .insert("eu".into(), vec!["eu-west-1".into()]);
        let g = Geographies::new(&c);
        assert_eq!(g.regions("eu").unwrap(), ["eu-west-1".to_string()]);
        assert!(!g.contains("eu", "eu-west-3"));
        assert!(g.source("eu").contains("perimeter.toml"));
    }
}
