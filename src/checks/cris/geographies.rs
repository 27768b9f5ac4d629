//! The shipped table: cross-Region inference geography (the profile-id prefix) →
//! destination Regions.
//!
//! Source: the AWS Bedrock User Guide, "Supported Regions and models for inference
//! profiles" (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
//! Checked on 2026-12-02 against the last version of that page that still carried the
//! per-profile source → destination tables (it lists profiles up to about January 2026;
//! the live page now sends readers to each model's own page). Each row is the union, over
//! that geography's system-defined profiles and over their source Regions, of the
//! destination Regions the page lists. Two facts from the page shape how the table is used:
//! * "Don't rely on the geographic prefix in an inference profile ID alone to determine
//!   where requests can be routed": a profile's own `models[]` list (from
//!   `GetInferenceProfile`/`ListInferenceProfiles`) decides its destinations whenever the
//!   API gives one; this table only fills in for a profile the API does not describe
//!   (e.g. one named in a policy but not listed), and findings say when it did.
//! * A geographic profile's destination list never changes; new Regions come with new
//!   profiles. Rows can grow with newer profiles than the page above covers.
//!
//! Rows that differ from a naive reading of the prefix: `us` reaches Canada (ca-central-1,
//! ca-west-1) for calls made from there; `eu` reaches eu-central-2, eu-west-2 and Israel
//! (il-central-1); `apac` reaches ap-east-2, ap-southeast-3/5/7 and the UAE (me-central-1).
//! `global.` profiles route to every commercial Region, which no table can enumerate: a
//! global call is authorised with `aws:RequestedRegion = "unspecified"` instead.
//! `perimeter.toml` can replace any row (`[cris.geographies]`).

use std::collections::BTreeMap;

use crate::config::Config;

/// The date the shipped table was last checked against the AWS documentation.
pub const TABLE_DATE: &str = "2026-12-02";

/// The geography of global profiles.
pub const GLOBAL: &str = "global";

/// The shipped table, in a stable order.
pub const SHIPPED: &[(&str, &[&str])] = &[
    (
        "us",
        &[
            "ca-central-1",
            "ca-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
    ),
    ("us-gov", &["us-gov-east-1", "us-gov-west-1"]),
    ("ca", &["ca-central-1", "ca-west-1"]),
    (
        "eu",
        &[
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
        ],
    ),
    (
        "apac",
        &[
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
            "ap-southeast-7",
            "me-central-1",
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

    /// True when `region` lies inside geography `geo` as a data-residency boundary. For
    /// the broad geographies (not overridden in the config) that is the Region's own name
    /// (`eu-*` for `eu`, `ap-*` for `apac`, ...), not the CRIS row: the `us` row reaches
    /// Canada and the `eu` row Israel, which is exactly what a residency check must see.
    /// Other geographies (`au`, `jp`, overridden rows) are their rows.
    pub fn contains(&self, geo: &str, region: &str) -> bool {
        if geo == GLOBAL {
            return true;
        }
        let overridden = self.overridden.iter().any(|g| g == geo);
        let by_name = match geo {
            "us" => Some(region.starts_with("us-") && !region.starts_with("us-gov-")),
            "us-gov" => Some(region.starts_with("us-gov-")),
            "eu" => Some(region.starts_with("eu-")),
            "ca" => Some(region.starts_with("ca-")),
            "apac" => Some(region.starts_with("ap-")),
            _ => None,
        };
        match by_name {
            Some(inside) if !overridden => inside,
            _ => self
                .rows
                .get(geo)
                .is_some_and(|rs| rs.iter().any(|r| r == region)),
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
