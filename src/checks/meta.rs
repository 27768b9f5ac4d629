//! Check metadata, read from the TOML files under the top-level `checks/` folder (the
//! types live in the leaf [`crate::catalogue`] module).

pub use crate::catalogue::{Metadata, Remediation};
