//! The local AWS emulator for end-to-end tests: started once per test process with the
//! project's own scripts (localstack/start.sh), seeded with the demo organisation, and
//! stopped by a watchdog when the test process exits.
//!
//! If the emulator cannot start, the tests that need it fail with the reason; they are
//! never skipped.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

pub struct Emu {
    pub endpoint: String,
    /// The seed script's manifest: accounts, OUs, SCPs and named resources.
    pub demo: Value,
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Start and seed an emulator of its own (for tests that change AWS state).
pub fn start_private(name: &str) -> Emu {
    start_in(std::env::temp_dir().join(format!("perimeter-emu-{}-{name}", std::process::id())))
}

fn start() -> Emu {
    start_in(std::env::temp_dir().join(format!("perimeter-emu-{}", std::process::id())))
}

/// Run boto3 code against an emulator (the seed's virtualenv): `aws(endpoint, script)`.
pub fn boto3(endpoint: &str, script: &str) {
    let out = Command::new(root().join("localstack/.venv/bin/python"))
        .args(["-c", script, endpoint])
        .stdin(Stdio::null())
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "boto3 script failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn start_in(state_dir: std::path::PathBuf) -> Emu {
    std::fs::create_dir_all(&state_dir).expect("create the emulator state folder");
    let out = Command::new("bash")
        .arg(root().join("localstack/start.sh"))
        .env("PERIMETER_EMU_STATE_DIR", &state_dir)
        .stdin(Stdio::null())
        .output()
        .expect("run localstack/start.sh");
    assert!(
        out.status.success(),
        "the local AWS emulator could not start (localstack/start.sh exited with {}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let endpoint = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        endpoint.starts_with("http://127.0.0.1:"),
        "localstack/start.sh printed {endpoint:?} instead of the endpoint"
    );
    // Stop the emulator when this test process is gone, however it ends.
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; bash '{stop}' '{dir}' >/dev/null 2>&1",
        pid = std::process::id(),
        stop = root().join("localstack/stop.sh").display(),
        dir = state_dir.display()
    );
    // The watchdog outlives this process on purpose; it is never waited for.
    #[expect(
        clippy::zombie_processes,
        reason = "the watchdog outlives this process on purpose"
    )]
    let _watchdog = Command::new("setsid")
        .args(["sh", "-c", &watchdog])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .or_else(|_| {
            Command::new("sh")
                .args(["-c", &watchdog])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        })
        .expect("start the emulator watchdog");

    let manifest = state_dir.join("demo.json");
    let out = Command::new(root().join("localstack/.venv/bin/python"))
        .arg(root().join("localstack/seed_demo.py"))
        .args(["--endpoint", &endpoint, "--out"])
        .arg(&manifest)
        .stdin(Stdio::null())
        .output()
        .expect("run localstack/seed_demo.py");
    assert!(
        out.status.success(),
        "seeding the demo organisation failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let demo: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).expect("read the demo manifest"))
            .expect("the demo manifest is JSON");
    Emu { endpoint, demo }
}

/// The shared, seeded emulator (started on first use).
pub fn emu() -> &'static Emu {
    static EMU: OnceLock<Emu> = OnceLock::new();
    EMU.get_or_init(start)
}

/// A `perimeter` command with a clean AWS environment pointing at `endpoint`.
pub fn perimeter_at(endpoint: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_perimeter"));
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            c.env_remove(k);
        }
    }
    c.env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    c
}

/// A `perimeter` command against the shared emulator.
pub fn perimeter() -> Command {
    perimeter_at(&emu().endpoint)
}

pub fn run(mut c: Command) -> Output {
    c.output().expect("run the perimeter binary")
}

pub fn stdout_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); exit {:?}\nstderr: {}\nstdout: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
                .chars()
                .take(2000)
                .collect::<String>()
        )
    })
}

/// `perimeter audit --quiet --format json --snapshot-out ...` with `args` against the
/// shared emulator: (report, snapshot, exit code).
pub fn audit_with_snapshot(args: &[&str]) -> (Value, Value, i32) {
    let dir = tempfile::tempdir().unwrap().keep();
    let snap = dir.join("snapshot.json");
    let mut c = perimeter();
    c.args(["audit", "--quiet", "--format", "json"])
        .args(args)
        .arg("--snapshot-out")
        .arg(&snap);
    let o = run(c);
    let report = stdout_json(&o);
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&snap).expect("snapshot written"))
            .expect("the snapshot is JSON");
    (report, snapshot, o.status.code().unwrap_or(-1))
}
