//! The only module that knows every stage: CLI arguments → collect → evaluate → report.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::{Value, json};

use crate::checks::{self, Control, Severity, registry};
use crate::cli::*;
use crate::collect::{self, CollectOptions, RegionSpec, Shard};
use crate::compliance;
use crate::config::{self, Config};
use crate::model::{Meta, Snapshot, ToolInfo};
use crate::report::{self, Report, table::TableOptions};

/// An error the user caused or the environment did (exit 2), as opposed to findings.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

mod audit;
mod catalogue;
mod cris;
mod evidence;
mod history;
mod policy;
mod residency;

use audit::{audit, collect_cmd, evaluate_cmd, merge_cmd};
use catalogue::{checks_cmd, frameworks_cmd};
use cris::cris_cmd;
use evidence::evidence_cmd;
use history::{diff_cmd, history_cmd};
use policy::policy_cmd;
use residency::residency_cmd;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Audit(a) => audit(a, quiet),
        Command::Collect(a) => collect_cmd(a, quiet),
        Command::Evaluate(a) => evaluate_cmd(a),
        Command::Checks { command } => checks_cmd(command),
        Command::Frameworks { command } => frameworks_cmd(command),
        Command::Policy { command } => policy_cmd(command),
        Command::Cris { command } => cris_cmd(command, quiet),
        Command::Residency(a) => residency_cmd(a, quiet),
        Command::Diff(a) => diff_cmd(a),
        Command::Evidence { command } => evidence_cmd(command),
        Command::History { command } => history_cmd(command),
        Command::Merge { snapshots, output } => merge_cmd(&snapshots, &output),
        Command::Permissions => {
            emit(&collect::permissions::permissions_policy())?;
            if !quiet {
                eprintln!("perimeter: note: {}", collect::permissions::BILLING_NOTE);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

// ------------------------------------------------------------------ helpers

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| jiff::Timestamp::now().to_string())
}

/// Write to stdout; a closed pipe (e.g. `| head`) is not an error.
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("cannot write to stdout"),
    }
}

fn load_config(path: Option<&Path>) -> Result<Config> {
    let (name, config) = match path {
        Some(p) => {
            let name = p.to_string_lossy().into_owned();
            let c = Config::load(&name)?;
            (name, c)
        }
        None => {
            // A perimeter.toml in the working directory is used when present.
            let default = Path::new("perimeter.toml");
            if default.is_file() {
                (
                    "perimeter.toml".to_string(),
                    Config::load("perimeter.toml")?,
                )
            } else {
                return Ok(Config::default());
            }
        }
    };
    // The config reads codes (validated, any case); which codes exist is the registry's.
    for code in config.severity_overrides.keys() {
        if registry::find(code).is_none() {
            bail!("{name}: severity.{code}: no check has that code");
        }
    }
    Ok(config)
}

/// Where each format goes with `--output-dir` (the table always goes to stdout).
trait FileName {
    fn file_name(self) -> Option<&'static str>;
}

impl FileName for Format {
    fn file_name(self) -> Option<&'static str> {
        match self {
            Format::Table => None,
            Format::Json => Some("perimeter.json"),
            Format::Csv => Some("perimeter.csv"),
            Format::Html => Some("perimeter.html"),
            Format::Ocsf => Some("perimeter.ocsf.jsonl"),
            Format::Sarif => Some("perimeter.sarif"),
            Format::Junit => Some("perimeter.junit.xml"),
            Format::Asff => Some("perimeter.asff.json"),
        }
    }
}

/// The formats asked for, each once, in the order given (clap has parsed the names).
fn parse_formats(list: &[Format]) -> Result<Vec<Format>> {
    let mut out = Vec::new();
    for f in list {
        if !out.contains(f) {
            out.push(*f);
        }
    }
    if out.is_empty() {
        bail!("--format: no format given");
    }
    Ok(out)
}

fn region_spec(regions: &[String]) -> Result<RegionSpec> {
    // Not given at all: the configured Region. Given but empty (`--regions ""` or a
    // list of blanks): an error, never a silent fallback.
    if regions.is_empty() {
        return Ok(RegionSpec::Default);
    }
    let regions: Vec<String> = regions.iter().map(|r| r.trim().to_string()).collect();
    if regions.iter().any(String::is_empty) {
        bail!(
            "--regions: an empty Region name was given; name Regions (e.g. eu-west-1,us-east-1) or `all`"
        );
    }
    if regions.len() == 1 && regions[0].eq_ignore_ascii_case("all") {
        return Ok(RegionSpec::All);
    }
    for r in &regions {
        if !config::is_region_name(r) {
            bail!("--regions: {r:?} is not an AWS Region name (e.g. eu-west-1)");
        }
        if !config::is_known_region(r) {
            bail!(
                "--regions: {r:?} is not an AWS Region (a Region newer than this perimeter is reached with --regions all)"
            );
        }
    }
    Ok(RegionSpec::List(regions))
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn collect_options(src: &SourceArgs, quiet: bool) -> Result<CollectOptions> {
    for a in src.accounts.iter().chain(&src.exclude_accounts) {
        if !is_account_id(a) {
            bail!("--accounts/--exclude-accounts: {a:?} is not a 12-digit account id");
        }
    }
    let shard = match &src.shard {
        None => None,
        Some(s) => {
            let (k, n) = s
                .split_once('/')
                .ok_or_else(|| anyhow!("--shard: {s:?} is not of the form K/N (e.g. 2/4)"))?;
            let (k, n): (u32, u32) = (
                k.parse()
                    .map_err(|_| anyhow!("--shard: {k:?} is not a number"))?,
                n.parse()
                    .map_err(|_| anyhow!("--shard: {n:?} is not a number"))?,
            );
            if n == 0 || k == 0 || k > n {
                bail!("--shard: {s:?} needs 1 <= K <= N");
            }
            Some(Shard {
                index: k - 1,
                count: n,
            })
        }
    };
    if src.concurrency == 0 || src.account_concurrency == 0 {
        bail!("--concurrency and --account-concurrency must be at least 1");
    }
    if let Some(p) = &src.profile {
        let (exists, looked) = crate::collect::clients::profile_exists(p);
        if !exists {
            bail!(
                "--profile {p:?}: no such profile in {} (environment credentials are not used when a profile is named)",
                looked.join(" or ")
            );
        }
    }
    if src.max_attempts == Some(0) {
        bail!("--max-attempts must be at least 1");
    }
    if !(1..=90).contains(&src.event_days) {
        bail!(
            "--event-days: {} is out of range (CloudTrail event history keeps 1 to 90 days)",
            src.event_days
        );
    }
    if src.event_pages == 0 {
        bail!("--event-pages: 0 pages would read no event history; give at least 1");
    }
    if src.call_timeout == 0 || src.account_timeout == 0 {
        bail!("--call-timeout and --account-timeout must be at least 1 second");
    }
    Ok(CollectOptions {
        profile: src.profile.clone(),
        endpoint_url: src.endpoint_url.clone(),
        regions: region_spec(&src.regions)?,
        org: src.org,
        role_name: src.role_name.clone(),
        external_id: src.external_id.clone(),
        accounts: src.accounts.clone(),
        exclude_accounts: src.exclude_accounts.clone(),
        ous: src.ous.clone(),
        shard,
        concurrency: src.concurrency,
        account_concurrency: src.account_concurrency,
        call_timeout: Duration::from_secs(src.call_timeout),
        account_timeout: Duration::from_secs(src.account_timeout),
        activity_days: src.event_days,
        event_pages: src.event_pages,
        max_attempts: src.max_attempts,
        retry_mode: src.retry_mode.clone(),
        progress: !quiet,
    })
}

fn write_snapshot(snapshot: &Snapshot, path: &Path) -> Result<()> {
    let text = serde_json::to_string_pretty(snapshot).context("cannot serialise the snapshot")?;
    if path == Path::new("-") {
        return emit(&(text + "\n"));
    }
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?;
    }
    std::fs::write(path, text + "\n")
        .with_context(|| format!("cannot write snapshot {}", path.display()))
}

/// Collect into a snapshot. On Ctrl-C or a fatal error after collection started, what was
/// collected is written as a partial snapshot (to `keep` — the snapshot path, or
/// `perimeter-partial.json` in the output folder — else `perimeter-partial.json` here)
/// before the error is returned.
fn run_collect(opts: CollectOptions, keep: Option<&Path>) -> Result<Snapshot> {
    let shared = Arc::new(Mutex::new(Snapshot::new(Meta {
        tool: ToolInfo::current(),
        started: now(),
        source: "live".into(),
        ..Meta::default()
    })));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let worker = shared.clone();
    // (message, whether anything was collected that is worth keeping)
    let outcome: Result<(), (String, bool)> = rt.block_on(async move {
        tokio::select! {
            r = collect::collect(&opts, worker) => r.map_err(|e| {
                let keep = !matches!(e, collect::CollectError::EmptyScope { .. });
                (e.to_string(), keep)
            }),
            _ = tokio::signal::ctrl_c() => Err(("interrupted".to_string(), true)),
        }
    });
    // Collection tasks may still hold the lock briefly; shut the runtime down first.
    rt.shutdown_timeout(Duration::from_secs(2));
    let mut snapshot = match Arc::try_unwrap(shared) {
        Ok(m) => m.into_inner().unwrap_or_else(|p| p.into_inner()),
        Err(arc) => arc.lock().unwrap_or_else(|p| p.into_inner()).clone(),
    };
    snapshot.meta.finished = now();
    match outcome {
        Ok(()) => Ok(snapshot),
        Err((e, worth_keeping)) => {
            // Once collection has started (the caller is known), whatever was read is
            // kept, even if no account was complete yet. A scope that matched nothing
            // never started collecting.
            if worth_keeping
                && (!snapshot.meta.caller.arn.is_empty()
                    || !snapshot.accounts.is_empty()
                    || !snapshot.gaps.is_empty())
            {
                snapshot.meta.partial = true;
                let path = keep
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("perimeter-partial.json"));
                write_snapshot(&snapshot, &path)?;
                bail!(
                    "{e}; the partial snapshot was written to {}",
                    path.display()
                );
            }
            bail!("{e}")
        }
    }
}

struct Outputs<'a> {
    formats: Vec<Format>,
    output_dir: Option<&'a Path>,
    table: TableOptions,
}

fn outputs<'a>(o: &'a OutputArgs) -> Result<Outputs<'a>> {
    let formats = parse_formats(&o.format)?;
    if o.output_dir.is_none() && formats.len() > 1 {
        bail!("--format: several formats need --output-dir (only one format can go to stdout)");
    }
    if let Some(fw) = &o.framework
        && compliance::find(fw).is_none()
    {
        bail!("--framework: no framework called {fw:?} (see `perimeter frameworks list`)");
    }
    Ok(Outputs {
        formats,
        output_dir: o.output_dir.as_deref(),
        table: TableOptions {
            show_pass: o.show_pass || o.verbose > 0,
            framework: o
                .framework
                .as_deref()
                .and_then(compliance::find)
                .map(|f| f.id.clone()),
            width: None,
        },
    })
}

fn render(report: &Report, out: &Outputs<'_>) -> Result<()> {
    if let Some(dir) = out.output_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))?;
    }
    for f in &out.formats {
        if *f == Format::Json {
            // Streamed: a large report is never held as one string.
            stream(out, f.file_name(), |w| report::json::write(report, w))?;
            continue;
        }
        let text = match f {
            Format::Table => report::table::render(report, &out.table),
            Format::Json => report::json::render(report),
            Format::Csv => report::csv::render(report),
            Format::Html => report::html::render(report),
            Format::Ocsf => report::ocsf::render(report),
            Format::Sarif => report::sarif::render(report),
            Format::Junit => report::junit::render(report),
            Format::Asff => report::asff::render(report),
        };
        match (out.output_dir, f.file_name()) {
            (Some(dir), Some(name)) => {
                let path = dir.join(name);
                std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
            _ => emit(&text)?,
        }
    }
    Ok(())
}

/// Write one output through `write`, to its file in the output folder or to stdout.
fn stream(
    out: &Outputs<'_>,
    name: Option<&str>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match (out.output_dir, name) {
        (Some(dir), Some(name)) => {
            let path = dir.join(name);
            let file = std::fs::File::create(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            write(&mut w)
                .and_then(|_| w.flush())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
        _ => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut w).and_then(|_| w.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.context("cannot write to stdout"),
            }
        }
    }
}

fn finish(report: &Report, fail_on: Severity) -> ExitCode {
    if report.fails_at(fail_on) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The day mutes are judged on: the snapshot's own date, so re-evaluating a snapshot later
/// mutes exactly what the live run muted.
fn snapshot_day(snapshot: &Snapshot) -> jiff::civil::Date {
    snapshot
        .meta
        .finished
        .parse::<jiff::Timestamp>()
        .or_else(|_| snapshot.meta.started.parse::<jiff::Timestamp>())
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Evaluate a snapshot into a report: checks, then mutes.
fn build_report(snapshot: &Snapshot, config: &Config, mutes: Option<&Path>) -> Result<Report> {
    let mut findings = checks::run_checks(snapshot, config, &|_| true);
    let outcome = match mutes {
        Some(p) => {
            let list = crate::mutes::load(&p.to_string_lossy())?;
            Some(crate::mutes::apply(
                &mut findings,
                &list,
                snapshot_day(snapshot),
            ))
        }
        None => None,
    };
    let mut report = Report::build(snapshot, findings);
    if let Some(o) = outcome {
        for m in &o.expired {
            eprintln!(
                "perimeter: mute for {} ({}) expired on {}; it no longer mutes",
                m.check, m.reason, m.expires
            );
        }
        for m in &o.stale {
            eprintln!(
                "perimeter: mute for {} ({}) matches no finding; it is stale",
                m.check, m.reason
            );
        }
        report.mutes = Some(o);
    }
    Ok(report)
}

/// Render, record in history if asked, and decide the exit code.
fn conclude(
    report: &Report,
    o: &OutputArgs,
    out: &Outputs<'_>,
    fail_on: Severity,
) -> Result<ExitCode> {
    render(report, out)?;
    let Some(db) = &o.history else {
        return Ok(finish(report, fail_on));
    };
    let mut h = crate::history::History::open(&db.to_string_lossy())?;
    let previous = h.previous(None)?;
    let id = h.record(report)?;
    eprintln!("recorded as run {id} in {}", db.display());
    if !o.fail_on_new {
        return Ok(finish(report, fail_on));
    }
    let Some(prev) = previous.and_then(|p| h.report(p).transpose()).transpose()? else {
        // No earlier run: everything failing is new.
        return Ok(finish(report, fail_on));
    };
    let d = crate::diff::diff(&prev, report);
    let new_failing: Vec<_> = d
        .newly_failing()
        .filter(|c| {
            report
                .findings
                .iter()
                .any(|f| f.id == c.id && f.severity >= fail_on)
        })
        .collect();
    if new_failing.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} finding(s) fail that did not fail in the previous run",
            new_failing.len()
        );
        Ok(ExitCode::from(EXIT_FINDINGS))
    }
}

// ------------------------------------------------------------------ commands

// ------------------------------------------------------------------ issue 6 commands
