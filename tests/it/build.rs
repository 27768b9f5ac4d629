//! The README's two commands share one build: `cargo build` (the demo) and `cargo test`
//! (the test suite) must resolve the same features for every dependency, or the AWS SDK
//! is compiled twice (about 9 minutes each on 2 cores). Cargo.toml pins the features the
//! dev-dependencies turn on; this test fails when a new dependency breaks that.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

fn features(edges: &str) -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "--offline",
            "--prefix",
            "none",
            "--no-dedupe",
            "-f",
            "{p} [{f}]",
            "-e",
            edges,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((pkg, rest)) = line.split_once(" [") else {
            continue;
        };
        let feats = rest.trim_end_matches([']', ' ', '*', '(', ')']);
        map.entry(pkg.trim().to_string()).or_default().extend(
            feats
                .split(',')
                .filter(|f| !f.is_empty())
                .map(str::to_string),
        );
    }
    map
}

#[test]
fn build_and_test_resolve_the_same_features() {
    let normal = features("normal,build");
    let with_dev = features("normal,build,dev");
    let differ: Vec<String> = normal
        .iter()
        .filter_map(|(pkg, f)| {
            let d = with_dev.get(pkg)?;
            (d != f).then(|| format!("{pkg}: test adds {:?}", d.difference(f).collect::<Vec<_>>()))
        })
        .collect();
    assert!(
        differ.is_empty(),
        "`cargo test` turns on features `cargo build` does not, so the SDK would be built twice; pin them in Cargo.toml:\n{}",
        differ.join("\n")
    );
}
