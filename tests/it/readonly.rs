//! perimeter is read-only: every AWS SDK operation called anywhere under src/ must be a
//! List*/Get*/Describe* call, CloudTrail LookupEvents, IAM GenerateCredentialReport or
//! STS AssumeRole/GetCallerIdentity.
//!
//! The operation names come from the AWS SDK crates themselves (each has one folder per
//! operation under `src/operation/`), so a new SDK operation cannot slip past a list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::emu::root;

const EXTRA_ALLOWED: &[&str] = &[
    "lookup_events",
    "generate_credential_report",
    "assume_role",
    "get_caller_identity",
];

fn is_read_only(op: &str) -> bool {
    op.starts_with("list_")
        || op.starts_with("get_")
        || op.starts_with("describe_")
        || EXTRA_ALLOWED.contains(&op)
}

/// Every operation name (snake_case) of the aws-sdk-* crates in Cargo.lock, read from the
/// crates' sources in the cargo registry (no network needed).
fn sdk_operations() -> BTreeSet<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("read Cargo.lock");
    let mut crates = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let Some(v) = line.strip_prefix("version = ")
            && let Some(n) = name.take()
            && n.starts_with("aws-sdk-")
        {
            crates.push(format!("{n}-{}", v.trim_matches('"')));
        }
    }
    assert!(
        crates.len() >= 9,
        "only {} aws-sdk crates in Cargo.lock",
        crates.len()
    );
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cargo"));
    let registries: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src"))
        .expect("cargo registry sources")
        .flatten()
        .map(|e| e.path())
        .collect();
    let mut ops = BTreeSet::new();
    for c in &crates {
        let dir = registries
            .iter()
            .map(|r| r.join(c).join("src/operation"))
            .find(|d| d.is_dir())
            .unwrap_or_else(|| panic!("sources of {c} not found in the cargo registry"));
        for e in std::fs::read_dir(&dir).expect("operation folder").flatten() {
            if e.path().is_dir() {
                ops.insert(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    ops
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `(line, operation)` for each `.operation()` call in `text` that is not read-only.
fn violations(text: &str, ops: &BTreeSet<String>) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let bytes = code.as_bytes();
        let mut i = 0;
        while let Some(pos) = code[i..].find('.') {
            let start = i + pos + 1;
            let end = start
                + code[start..]
                    .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                    .unwrap_or(code.len() - start);
            // SDK operations are fluent builders called with no arguments: `client.list_keys()`.
            if end > start && bytes.get(end) == Some(&b'(') && bytes.get(end + 1) == Some(&b')') {
                let name = &code[start..end];
                if ops.contains(name) && !is_read_only(name) {
                    found.push((n + 1, name.to_string()));
                }
            }
            i = start;
        }
    }
    found
}

#[test]
fn only_read_only_aws_operations_are_called() {
    let ops = sdk_operations();
    assert!(
        ops.contains("put_key_policy") && ops.contains("list_keys"),
        "unexpected SDK layout"
    );
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read source");
        for (line, op) in violations(&text, &ops) {
            bad.push(format!("{}:{line}: {op}", f.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "non-read-only AWS operations called:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_scanner_catches_a_write_call() {
    let ops = sdk_operations();
    let sample = "let r = kms.put_key_policy().key_id(k).send().await?;\nlet k = kms.list_keys().send().await?; // kms.delete_alias()\nlet s = key.sign(&bytes);\n";
    let v = violations(sample, &ops);
    assert_eq!(v, vec![(1, "put_key_policy".to_string())]);
}

#[test]
fn permissions_cover_every_operation_called() {
    // Every read-only operation called in src/collect has an IAM action in the policy
    // printed by `perimeter permissions`.
    let ops = sdk_operations();
    let actions: BTreeSet<String> = perimeter::collect::permissions::READ_ACTIONS
        .iter()
        .map(|a| a.split(':').nth(1).unwrap().to_ascii_lowercase())
        .collect();
    let mut files = Vec::new();
    rust_files(&root().join("src/collect"), &mut files);
    let mut missing = BTreeSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for name in ops.iter() {
                if code.contains(&format!(".{name}()")) {
                    let action: String = name.split('_').collect::<String>();
                    if !actions.contains(&action) && !actions.iter().any(|a| special(name, a)) {
                        missing.insert(format!("{name} ({}:{})", f.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations without an IAM action in READ_ACTIONS: {missing:?}"
    );
}

/// S3 operations whose IAM action name differs from the operation name.
fn special(op: &str, action: &str) -> bool {
    matches!(
        (op, action),
        ("get_bucket_encryption", "getencryptionconfiguration")
            | ("get_public_access_block", "getbucketpublicaccessblock")
            | (
                "get_object_lock_configuration",
                "getbucketobjectlockconfiguration"
            )
            // AWS Budgets authorises its reads with one action.
            | ("describe_budgets", "viewbudget")
            | ("describe_notifications_for_budget", "viewbudget")
            | ("describe_subscribers_for_notification", "viewbudget")
    )
}
