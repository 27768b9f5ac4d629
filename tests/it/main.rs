//! The single integration-test crate (one binary, so the AWS SDK is linked once).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly on broken fixtures"
)]

mod asff;
mod build;
mod checks_cris;
mod checks_guardrails;
mod checks_iam;
mod checks_kms;
mod checks_logging;
mod checks_network;
mod checks_tenant;
mod cli;
mod collect;
mod deploy;
mod e2e;
mod emu;
mod emulator_shapes;
mod faults;
mod fixtures;
mod history;
mod html;
mod org;
mod policy;
mod policy_props;
mod readonly;
mod report_schemas;
mod reports;
