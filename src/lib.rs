//! perimeter: audits the security perimeter around Amazon Bedrock workloads.
//!
//! Data flows one way: `collect` (AWS APIs, read-only) → `model::Snapshot` → `checks`
//! (pure, deciding access with the `policy` engine) → findings → `report`.

pub mod checks;
pub mod collect;
pub mod config;
pub mod model;
pub mod policy;
