//! The Kubernetes deployment in `deploy/`: the scripts of the collect and report Jobs run
//! as written in the manifests — one "pod" per completion index, the volume replaced by
//! a temporary folder, `perimeter` on PATH being the binary under test — against the
//! emulator, and the report they produce must hold the findings of one unsharded audit.
//! The manifests are read with a few lines of parsing (no YAML crate): the container's
//! `command:` is a flow list (JSON) and its `args:` a single `- |` block.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use super::emu::{emu, perimeter, perimeter_at, root, run, stdout_json};

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// The value of the first `key: value` line, without a trailing ` # comment` (quotes are
/// not handled: the manifests keep these fields plain).
fn field<'a>(yaml: &'a str, key: &str) -> &'a str {
    yaml.lines()
        .find_map(|l| l.trim().strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.split(" #").next().unwrap_or(v).trim())
        .unwrap_or_else(|| panic!("no `{key}:` in the manifest"))
}

/// The one container of a Job: its command (a flow list) and its script (the block after
/// `args:` / `- |`, dedented, as Kubernetes passes it).
struct Container {
    command: Vec<String>,
    script: String,
    mount: String,
    working_dir: String,
}

fn container(yaml: &str) -> Container {
    let command: Vec<String> = serde_json::from_str(field(yaml, "command"))
        .expect("`command:` is a flow list of quoted strings");
    let mut lines = yaml.lines();
    lines
        .by_ref()
        .find(|l| l.trim() == "args:")
        .expect("an `args:` line");
    let dash = lines.next().expect("a line after `args:`");
    assert_eq!(dash.trim(), "- |", "`args:` holds one `- |` block");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut body: Vec<&str> = Vec::new();
    let mut base = None;
    for l in lines {
        if l.trim().is_empty() {
            body.push("");
            continue;
        }
        if indent(l) <= indent(dash) {
            break;
        }
        let b = *base.get_or_insert(indent(l));
        assert!(indent(l) >= b, "the block is indented consistently: {l:?}");
        body.push(&l[b..]);
    }
    while body.last() == Some(&"") {
        body.pop();
    }
    assert!(!body.is_empty(), "the `args:` block is empty");
    Container {
        command,
        script: body.join("\n") + "\n",
        mount: field(yaml, "mountPath").to_string(),
        working_dir: field(yaml, "workingDir").to_string(),
    }
}

/// A folder holding `perimeter`, a link to the binary under test, to put first on PATH.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_perimeter"),
        dir.path().join("perimeter"),
    )
    .expect("link the perimeter binary");
    dir
}

/// One pod: the container's command and script with the volume at `volume`, the
/// emulator's clean AWS environment (as `perimeter_at` sets it), and `env`.
fn pod(c: &Container, volume: &Path, bin: &Path, env: &[(&str, String)]) -> Output {
    let vol = volume.to_str().expect("a UTF-8 temp path");
    let mount = c.mount.trim_end_matches('/');
    assert_eq!(
        c.script.matches(mount).count(),
        c.script.matches(&format!("{mount}/")).count(),
        "the script names the volume only as {mount}/...: {}",
        c.script
    );
    let script = c.script.replace(&format!("{mount}/"), &format!("{vol}/"));
    let workdir = volume.join(
        c.working_dir
            .strip_prefix(mount)
            .unwrap_or_else(|| panic!("workingDir {} is on the volume", c.working_dir))
            .trim_start_matches('/'),
    );
    let mut cmd = Command::new(&c.command[0]);
    cmd.args(&c.command[1..]).arg(&script);
    for (k, v) in perimeter_at(&emu().endpoint).get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).unwrap())
        .envs(env.iter().map(|(k, v)| (*k, v)))
        .current_dir(workdir)
        .stdin(Stdio::null());
    cmd.output().expect("run the pod's command")
}

fn verdicts(report: &Value) -> BTreeSet<[String; 5]> {
    let s = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            [
                s(&f["check"]),
                s(&f["account"]),
                s(&f["region"]),
                s(&f["resource"]),
                s(&f["status"]),
            ]
        })
        .collect()
}

#[test]
fn the_kubernetes_jobs_report_the_unsharded_findings() {
    let collect_yaml = read("deploy/k8s/collect-job.yaml");
    let report_yaml = read("deploy/k8s/report-job.yaml");
    assert_eq!(field(&collect_yaml, "completionMode"), "Indexed");
    let n: u32 = field(&collect_yaml, "completions")
        .parse()
        .expect("completions");
    let parallelism: usize = field(&collect_yaml, "parallelism")
        .parse()
        .expect("parallelism");
    assert!(n >= 2 && parallelism >= 1, "a sharded Job");
    let collect = container(&collect_yaml);
    let report = container(&report_yaml);
    assert_eq!(
        collect.mount, report.mount,
        "both Jobs mount the volume at the same path"
    );

    let volume = tempfile::tempdir().unwrap();
    let bin = bin_dir();

    // The collect Job: every completion index, `parallelism` pods at a time.
    let indices: Vec<u32> = (0..n).collect();
    for wave in indices.chunks(parallelism) {
        let outputs: Vec<(u32, Output)> = std::thread::scope(|s| {
            let pods: Vec<_> = wave
                .iter()
                .map(|&i| {
                    let (c, v, b) = (&collect, volume.path(), bin.path());
                    s.spawn(move || (i, pod(c, v, b, &[("JOB_COMPLETION_INDEX", i.to_string())])))
                })
                .collect();
            pods.into_iter().map(|p| p.join().unwrap()).collect()
        });
        for (i, o) in outputs {
            assert!(
                o.status.success(),
                "collect pod {i} exited {:?}:\n{}",
                o.status.code(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
    let shards = std::fs::read_dir(volume.path()).unwrap().count();
    assert_eq!(
        shards, n as usize,
        "one shard file per completion index on the volume"
    );

    // The report Job: merge and evaluate on the same volume.
    let o = pod(&report, volume.path(), bin.path(), &[]);
    assert!(
        o.status.success(),
        "report pod exited {:?}:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    let out = volume.path().join("report");
    assert!(out.join("perimeter.html").is_file(), "the HTML report");
    let sharded: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("perimeter.json")).expect("the JSON report"),
    )
    .expect("the JSON report is JSON");

    // One unsharded audit of the same Regions.
    let words: Vec<&str> = collect.script.split_whitespace().collect();
    assert!(
        words.contains(&"--org"),
        "the collect Job audits the organisation"
    );
    let regions = words
        .iter()
        .position(|w| *w == "--regions")
        .and_then(|i| words.get(i + 1))
        .map(|r| r.trim_matches(|c| c == '"' || c == '\''))
        .expect("the collect script names --regions");
    let mut c = perimeter();
    c.args([
        "audit",
        "--quiet",
        "--org",
        "--regions",
        regions,
        "--format",
        "json",
    ]);
    let whole = stdout_json(&run(c));

    assert_eq!(
        sharded["run"]["accounts"], whole["run"]["accounts"],
        "the shards cover the organisation"
    );
    let (a, b) = (verdicts(&sharded), verdicts(&whole));
    assert!(
        b.iter().any(|v| v[4] == "fail") && b.iter().any(|v| v[4] == "pass"),
        "the demo organisation has passing and failing findings"
    );
    let only_sharded: Vec<_> = a.difference(&b).take(20).collect();
    let only_whole: Vec<_> = b.difference(&a).take(20).collect();
    assert!(
        only_sharded.is_empty() && only_whole.is_empty(),
        "the Jobs' report differs from one unsharded audit \
         ([check, account, region, resource, status]):\n\
         only in the Jobs' report: {only_sharded:#?}\nonly in the unsharded audit: {only_whole:#?}"
    );
}

#[test]
fn the_image_and_the_jobs_run_locked_down() {
    let image = read("deploy/Containerfile");
    let user = image
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("USER "))
        .expect("the runtime stage sets USER");
    let uid = user.split(':').next().unwrap().trim();
    assert!(
        !uid.is_empty() && uid != "0" && uid.chars().all(|c| c.is_ascii_digit()),
        "the image runs as a numeric, non-root UID: USER {user}"
    );
    assert!(
        image
            .lines()
            .any(|l| l.starts_with("ENTRYPOINT") && l.contains("perimeter")),
        "the image's entrypoint is perimeter"
    );
    for name in ["collect-job.yaml", "report-job.yaml"] {
        let yaml = read(&format!("deploy/k8s/{name}"));
        let lines: BTreeSet<&str> = yaml.lines().map(str::trim).collect();
        for want in [
            "runAsNonRoot: true",
            "readOnlyRootFilesystem: true",
            "allowPrivilegeEscalation: false",
            "drop: [\"ALL\"]",
            "type: RuntimeDefault",
            "claimName: perimeter-work",
            "restartPolicy: Never",
        ] {
            assert!(lines.contains(want), "{name} lacks `{want}`");
        }
        assert_eq!(field(&yaml, "runAsUser"), uid, "{name}: the image's UID");
        assert_eq!(
            field(&yaml, "image"),
            "registry.example.com/perimeter:0.1.0",
            "{name}"
        );
    }
    let sa = read("deploy/k8s/serviceaccount.yaml");
    assert_eq!(
        field(&read("deploy/k8s/collect-job.yaml"), "serviceAccountName"),
        field(&sa, "name")
    );
    assert!(
        sa.contains("eks.amazonaws.com/role-arn:"),
        "the IRSA annotation"
    );
}
