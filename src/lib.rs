//! perimeter: audits the security perimeter around Amazon Bedrock workloads.
//!
//! Data flows one way: `collect` (AWS APIs, read-only) → `model::Snapshot` → `checks`
//! (pure, deciding access with the `policy` engine) → findings → `report`.

pub mod app;
pub mod catalogue;
pub mod checks;
pub mod cli;
pub mod collect;
pub mod compliance;
pub mod config;
pub mod diff;
pub mod evidence;
pub mod gaad;
pub mod history;
pub mod model;
pub mod mutes;
pub mod policy;
pub mod report;
