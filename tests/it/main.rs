//! The single integration-test crate (one binary, so the AWS SDK is linked once).
