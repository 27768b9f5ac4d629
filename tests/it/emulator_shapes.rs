//! The emulator extension (localstack/emulator/) answers as AWS does: every route it
//! serves is called by `localstack/validate_shapes.py`, and each response, success or
//! error, is validated against botocore's service model (the pinned botocore) -- parsed
//! and on the wire. A private emulator, seeded with the demo, so the probe's scratch
//! resources and its reset check never touch the shared one.

use std::process::{Command, Stdio};

use super::emu::{root, start_private};

#[test]
fn every_extension_response_matches_the_botocore_model() {
    let emu = start_private("shapes");
    let out = Command::new(root().join("localstack/.venv/bin/python"))
        .arg(root().join("localstack/validate_shapes.py"))
        .args(["--endpoint", &emu.endpoint, "--check-reset"])
        .stdin(Stdio::null())
        .output()
        .expect("run localstack/validate_shapes.py");
    assert!(
        out.status.success(),
        "the emulator's responses do not match botocore's model (validate_shapes.py exited with {}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
