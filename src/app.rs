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
        Command::Diff(a) => diff_cmd(a),
        Command::Evidence { command } => evidence_cmd(command),
        Command::History { command } => history_cmd(command),
        Command::Merge { snapshots, output } => merge_cmd(&snapshots, &output),
        Command::Permissions => {
            emit(&permissions_policy())?;
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Json,
    Csv,
    Html,
    Ocsf,
    Sarif,
    Junit,
}

impl Format {
    fn file_name(self) -> Option<&'static str> {
        match self {
            Format::Table => None,
            Format::Json => Some("perimeter.json"),
            Format::Csv => Some("perimeter.csv"),
            Format::Html => Some("perimeter.html"),
            Format::Ocsf => Some("perimeter.ocsf.jsonl"),
            Format::Sarif => Some("perimeter.sarif"),
            Format::Junit => Some("perimeter.junit.xml"),
        }
    }
}

fn parse_formats(list: &[String]) -> Result<Vec<Format>> {
    let mut out = Vec::new();
    for f in list {
        let f = match f.trim().to_ascii_lowercase().as_str() {
            "table" => Format::Table,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "html" => Format::Html,
            "ocsf" => Format::Ocsf,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            other => bail!(
                "--format: unknown format {other:?} (expected table, json, csv, html, ocsf, sarif or junit)"
            ),
        };
        if !out.contains(&f) {
            out.push(f);
        }
    }
    if out.is_empty() {
        bail!("--format: no format given");
    }
    Ok(out)
}

fn parse_severity(s: &str) -> Result<Severity> {
    s.parse::<Severity>().map_err(|e| anyhow!("--fail-on: {e}"))
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
        max_attempts: src.max_attempts,
        retry_mode: src.retry_mode.clone(),
        progress: !quiet,
        ..CollectOptions::default()
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
        let text = match f {
            Format::Table => report::table::render(report, &out.table),
            Format::Json => report::json::render(report),
            Format::Csv => report::csv::render(report),
            Format::Html => report::html::render(report),
            Format::Ocsf => report::ocsf::render(report),
            Format::Sarif => report::sarif::render(report),
            Format::Junit => report::junit::render(report),
        };
        match (out.output_dir, f.file_name()) {
            (Some(dir), Some(name)) => {
                let path = dir.join(name);
                std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                if !out.formats.contains(&Format::Table) {
                    continue;
                }
                eprintln!("wrote {}", path.display());
            }
            _ => emit(&text)?,
        }
    }
    Ok(())
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

fn audit(a: AuditArgs, quiet: bool) -> Result<ExitCode> {
    let config = load_config(a.output.config.as_deref())?;
    let out = outputs(&a.output)?;
    let fail_on = parse_severity(&a.output.fail_on)?;
    let opts = collect_options(&a.source, quiet)?;
    let keep = a.snapshot_out.clone().or_else(|| {
        a.output
            .output_dir
            .as_ref()
            .map(|d| d.join("perimeter-partial.json"))
    });
    let snapshot = run_collect(opts, keep.as_deref())?;
    if let Some(p) = &a.snapshot_out {
        write_snapshot(&snapshot, p)?;
    }
    let report = build_report(&snapshot, &config, a.output.mutes.as_deref())?;
    conclude(&report, &a.output, &out, fail_on)
}

fn collect_cmd(a: CollectArgs, quiet: bool) -> Result<ExitCode> {
    let opts = collect_options(&a.source, quiet)?;
    let keep = (a.output != Path::new("-")).then_some(a.output.as_path());
    let snapshot = run_collect(opts, keep)?;
    write_snapshot(&snapshot, &a.output)?;
    if a.output != Path::new("-") && !quiet {
        eprintln!(
            "wrote {} ({} account(s), {} gap(s))",
            a.output.display(),
            snapshot.accounts.len(),
            snapshot.gaps.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn evaluate_cmd(a: EvaluateArgs) -> Result<ExitCode> {
    let config = load_config(a.output.config.as_deref())?;
    let out = outputs(&a.output)?;
    let fail_on = parse_severity(&a.output.fail_on)?;
    let snapshot = match (&a.snapshot, &a.gaad) {
        (_, Some(dump)) => {
            if let Some(id) = &a.account_id
                && !is_account_id(id)
            {
                bail!("--account-id: {id:?} is not a 12-digit account id");
            }
            let name = dump.to_string_lossy();
            let text = std::fs::read_to_string(dump)
                .with_context(|| format!("cannot read IAM dump {name}"))?;
            crate::gaad::snapshot_from_gaad(&name, &text, a.account_id.as_deref(), &now())?
        }
        (Some(path), None) => Snapshot::load(&path.to_string_lossy())?,
        (None, None) => bail!("evaluate needs a snapshot file or --gaad FILE"),
    };
    if snapshot.accounts.is_empty() {
        let what = a
            .snapshot
            .as_ref()
            .or(a.gaad.as_ref())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        bail!(
            "{what} holds no account{}; there is nothing to evaluate",
            if snapshot.meta.partial {
                " (it is a partial snapshot from an interrupted collection)"
            } else {
                ""
            }
        );
    }
    let report = build_report(&snapshot, &config, a.output.mutes.as_deref())?;
    conclude(&report, &a.output, &out, fail_on)
}

fn checks_cmd(c: ChecksCommand) -> Result<ExitCode> {
    match c {
        ChecksCommand::List {
            control,
            framework,
            format,
        } => {
            let control: Option<Control> = control
                .map(|c| c.parse().map_err(|e: String| anyhow!("--control: {e}")))
                .transpose()?;
            let fw = match framework {
                Some(name) => Some(compliance::find(&name).ok_or_else(|| {
                    anyhow!("--framework: no framework called {name:?} (see `perimeter frameworks list`)")
                })?),
                None => None,
            };
            let rows: Vec<_> = registry::all()
                .filter(|m| control.is_none_or(|c| m.control == c))
                .filter(|m| {
                    fw.is_none_or(|f| {
                        f.requirements
                            .iter()
                            .any(|r| r.checks.iter().any(|c| *c == m.code))
                    })
                })
                .collect();
            match format.as_str() {
                "json" => {
                    let v: Vec<Value> = rows
                        .iter()
                        .map(|m| {
                            json!({
                                "code": m.code, "slug": m.slug, "title": m.title,
                                "control": m.control, "severity": m.severity,
                                "resource_type": m.resource_type,
                                "frameworks": frameworks_of(&m.code),
                            })
                        })
                        .collect();
                    emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
                }
                "table" => {
                    let mut t = comfy_table::Table::new();
                    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                        .set_header(vec!["Code", "Slug", "Control", "Severity", "Frameworks"]);
                    for m in &rows {
                        let fws: Vec<String> = frameworks_of(&m.code)
                            .into_iter()
                            .map(|(id, _)| id)
                            .collect();
                        t.add_row(vec![
                            m.code.to_string(),
                            m.slug.clone(),
                            m.control.to_string(),
                            m.severity.to_string(),
                            fws.join(", "),
                        ]);
                    }
                    emit(&format!("{t}\n{} check(s)\n", rows.len()))?;
                }
                other => bail!("--format: unknown format {other:?} (expected table or json)"),
            }
            Ok(ExitCode::SUCCESS)
        }
        ChecksCommand::Explain { code, format } => {
            let check = registry::find(&code).ok_or_else(|| {
                anyhow!("no check has the code {code:?} (see `perimeter checks list`)")
            })?;
            let m = registry::metadata(check.code());
            match format.as_str() {
                "json" => {
                    let mut v = serde_json::to_value(m)?;
                    v["frameworks"] = json!(frameworks_of(&m.code));
                    emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
                }
                "text" => emit(&explain_text(m))?,
                other => bail!("--format: unknown format {other:?} (expected text or json)"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// (framework id, requirement ids) for every framework that maps the check.
fn frameworks_of(code: &str) -> Vec<(String, Vec<String>)> {
    compliance::frameworks()
        .iter()
        .filter_map(|f| {
            let reqs: Vec<String> = f
                .requirements
                .iter()
                .filter(|r| r.checks.iter().any(|c| c == code))
                .map(|r| r.id.clone())
                .collect();
            (!reqs.is_empty()).then(|| (f.id.clone(), reqs))
        })
        .collect()
}

fn explain_text(m: &checks::Metadata) -> String {
    let mut s = format!(
        "{} {} — {}\ncontrol: {}   severity: {}   resource: {}\n\nWhy it matters\n{}\n\nHow to fix it\n{}\n",
        m.code,
        m.slug,
        m.title,
        m.control.title(),
        m.severity,
        m.resource_type,
        m.rationale.trim(),
        m.remediation.console.trim()
    );
    for (label, snippet) in [
        ("AWS CLI", &m.remediation.cli),
        ("Terraform", &m.remediation.terraform),
        ("CloudFormation", &m.remediation.cloudformation),
    ] {
        if let Some(x) = snippet {
            s.push_str(&format!("\n{label}\n{}\n", x.trim()));
        }
    }
    let fws = frameworks_of(&m.code);
    if !fws.is_empty() {
        s.push_str("\nCompliance\n");
        for (id, reqs) in fws {
            s.push_str(&format!("  {id}: {}\n", reqs.join(", ")));
        }
    }
    if !m.references.is_empty() {
        s.push_str("\nReferences\n");
        for r in &m.references {
            s.push_str(&format!("  {r}\n"));
        }
    }
    s
}

fn frameworks_cmd(c: FrameworksCommand) -> Result<ExitCode> {
    match c {
        FrameworksCommand::List { format } => {
            let fws = compliance::frameworks();
            match format.as_str() {
                "json" => {
                    let v: Vec<Value> = fws
                        .iter()
                        .map(|f| json!({"id": f.id, "name": f.name, "version": f.version, "title": f.title, "requirements": f.requirements.len()}))
                        .collect();
                    emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
                }
                "table" => {
                    let mut t = comfy_table::Table::new();
                    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                        .set_header(vec!["Id", "Framework", "Version", "Requirements"]);
                    for f in fws {
                        t.add_row(vec![
                            f.id.clone(),
                            f.title.clone(),
                            f.version.clone(),
                            f.requirements.len().to_string(),
                        ]);
                    }
                    emit(&format!("{t}\n"))?;
                }
                other => bail!("--format: unknown format {other:?} (expected table or json)"),
            }
        }
        FrameworksCommand::Show { name, format } => {
            let f = compliance::find(&name).ok_or_else(|| {
                anyhow!("no framework called {name:?} (see `perimeter frameworks list`)")
            })?;
            match format.as_str() {
                "json" => emit(&(serde_json::to_string_pretty(f)? + "\n"))?,
                "table" => {
                    let mut t = comfy_table::Table::new();
                    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                        .set_header(vec!["Requirement", "Title", "Checks"]);
                    for r in &f.requirements {
                        t.add_row(vec![r.id.clone(), r.title.clone(), r.checks.join(", ")]);
                    }
                    emit(&format!(
                        "{} ({})\nsource: {}\n{}\n{}\n",
                        f.title,
                        f.id,
                        f.source,
                        f.notes.trim(),
                        t
                    ))?;
                }
                other => bail!("--format: unknown format {other:?} (expected table or json)"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn policy_cmd(c: PolicyCommand) -> Result<ExitCode> {
    let PolicyCommand::Simulate { cases, format } = c;
    if !matches!(format.as_str(), "json" | "text") {
        bail!("--format: unknown format {format:?} (expected json or text)");
    }
    let text = if cases == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read cases from stdin")?;
        s
    } else {
        std::fs::read_to_string(&cases)
            .with_context(|| format!("cannot read cases file {}", cases.display()))?
    };
    let input: Value = serde_json::from_str(&text)
        .map_err(|e| anyhow!("cases file {} is not valid JSON: {e}", cases.display()))?;
    let out = crate::policy::simulate::simulate(&input);
    if format == "json" {
        emit(&(serde_json::to_string_pretty(&out.json)? + "\n"))?;
    } else {
        emit(&out.text)?;
    }
    if out.malformed > 0 {
        eprintln!(
            "{} malformed case(s); see the `error` fields",
            out.malformed
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    Ok(ExitCode::SUCCESS)
}

fn cris_cmd(c: CrisCommand, quiet: bool) -> Result<ExitCode> {
    let CrisCommand::Explain {
        account,
        profile,
        snapshot,
        aws_profile,
        regions,
        endpoint_url,
        role_name,
        config,
        format,
    } = c;
    if !is_account_id(&account) {
        bail!("--account: {account:?} is not a 12-digit account id");
    }
    if !matches!(format.as_str(), "json" | "text") {
        bail!("--format: unknown format {format:?} (expected text or json)");
    }
    let config = load_config(config.as_deref())?;
    let snapshot = match snapshot {
        Some(p) => Snapshot::load(&p.to_string_lossy())?,
        None => {
            let src = SourceArgs {
                profile: aws_profile,
                regions,
                endpoint_url,
                org: true,
                role_name,
                external_id: None,
                accounts: vec![account.clone()],
                exclude_accounts: Vec::new(),
                ous: Vec::new(),
                shard: None,
                concurrency: 32,
                account_concurrency: 8,
                call_timeout: 30,
                account_timeout: 900,
                max_attempts: None,
                retry_mode: None,
            };
            run_collect(collect_options(&src, quiet)?, None)?
        }
    };
    let v = checks::cris::explain::explain(&snapshot, &config, &account, profile.as_deref())
        .map_err(|e| anyhow!(e))?;
    if format == "json" {
        emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else {
        emit(&checks::cris::explain::explain_text(&v))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The read-only permissions perimeter needs: every operation the collectors call.
pub const READ_ACTIONS: &[&str] = &[
    "sts:GetCallerIdentity",
    "sts:AssumeRole",
    "organizations:DescribeOrganization",
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListTagsForResource",
    "organizations:ListPolicies",
    "organizations:DescribePolicy",
    "organizations:ListTargetsForPolicy",
    "organizations:ListParents",
    "organizations:ListPoliciesForTarget",
    "iam:GetAccountAuthorizationDetails",
    "iam:ListUsers",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListServiceSpecificCredentials",
    "kms:ListKeys",
    "kms:ListAliases",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "bedrock:GetModelInvocationLoggingConfiguration",
    "bedrock:ListGuardrails",
    "bedrock:GetGuardrail",
    "bedrock:ListInferenceProfiles",
    "bedrock:GetInferenceProfile",
    "bedrock:ListCustomModels",
    "bedrock:GetCustomModel",
    "bedrock:ListFoundationModels",
    "bedrock:ListTagsForResource",
    "bedrock:ListEnforcedGuardrailsConfiguration",
    "ec2:DescribeRegions",
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:LookupEvents",
    "s3:GetBucketLocation",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketPolicy",
    "s3:GetBucketObjectLockConfiguration",
    "logs:DescribeLogGroups",
];

fn permissions_policy() -> String {
    let v = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PerimeterReadOnly",
            "Effect": "Allow",
            "Action": READ_ACTIONS,
            "Resource": "*"
        }]
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

// ------------------------------------------------------------------ issue 6 commands

/// A run named on the command line: a run id (with --history), a JSON report or a snapshot.
fn load_run(spec: &str, history: Option<&Path>, config: &Config) -> Result<Report> {
    if let Ok(id) = spec.parse::<i64>() {
        let db = history.ok_or_else(|| {
            anyhow!("{spec:?} looks like a run id; pass --history DB to read it (or give a file)")
        })?;
        let h = crate::history::History::open_existing(&db.to_string_lossy())?;
        return h
            .report(id)?
            .ok_or_else(|| anyhow!("run {id} is not in {}", db.display()));
    }
    let text = std::fs::read_to_string(spec).with_context(|| format!("cannot read {spec}"))?;
    let v: Value =
        serde_json::from_str(&text).map_err(|e| anyhow!("{spec} is not valid JSON ({e})"))?;
    if v.get("findings").is_some() && v.get("run").is_some() {
        return serde_json::from_value(v)
            .map_err(|e| anyhow!("{spec} is not a perimeter JSON report ({e})"));
    }
    let snapshot = Snapshot::from_json(spec, &text)?;
    build_report(&snapshot, config, None)
}

fn diff_cmd(a: DiffArgs) -> Result<ExitCode> {
    if !matches!(a.format.as_str(), "table" | "json") {
        bail!(
            "--format: unknown format {:?} (expected table or json)",
            a.format
        );
    }
    let config = load_config(a.config.as_deref())?;
    let old = load_run(&a.old, a.history.as_deref(), &config)?;
    let new = load_run(&a.new, a.history.as_deref(), &config)?;
    let d = crate::diff::diff(&old, &new);
    if a.format == "json" {
        emit(&(serde_json::to_string_pretty(&d)? + "\n"))?;
    } else {
        emit(&crate::diff::render_table(&d))?;
    }
    if a.fail_on_new && d.newly_failing().next().is_some() {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::SUCCESS)
}

fn evidence_cmd(c: EvidenceCommand) -> Result<ExitCode> {
    match c {
        EvidenceCommand::Pack {
            snapshot,
            output,
            sign,
            config,
            mutes,
        } => {
            let config = load_config(config.as_deref())?;
            let name = snapshot.to_string_lossy().into_owned();
            let bytes =
                std::fs::read(&snapshot).with_context(|| format!("cannot read snapshot {name}"))?;
            let text = String::from_utf8(bytes.clone())
                .map_err(|_| anyhow!("snapshot {name} is not UTF-8 text"))?;
            let snap = Snapshot::from_json(&name, &text)?;
            let key = sign
                .map(|k| crate::evidence::load_signing_key(&k.to_string_lossy()))
                .transpose()?;
            let report = build_report(&snap, &config, mutes.as_deref())?;
            let html = report::html::render(&report);
            let pack = crate::evidence::build_pack(&bytes, &report, &html, key.as_ref());
            std::fs::write(&output, &pack)
                .with_context(|| format!("cannot write {}", output.display()))?;
            eprintln!(
                "wrote {} ({} bytes{})",
                output.display(),
                pack.len(),
                if key.is_some() { ", signed" } else { "" }
            );
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Verify {
            pack,
            verify_key,
            format,
        } => {
            if !matches!(format.as_str(), "text" | "json") {
                bail!("--format: unknown format {format:?} (expected text or json)");
            }
            let name = pack.to_string_lossy().into_owned();
            let bytes = std::fs::read(&pack).with_context(|| format!("cannot read {name}"))?;
            let key = verify_key
                .map(|k| crate::evidence::load_verifying_key(&k.to_string_lossy()))
                .transpose()?;
            let v = crate::evidence::verify(&name, &bytes, key.as_ref())?;
            if format == "json" {
                let mut j = serde_json::to_value(&v)?;
                j["intact"] = json!(v.intact());
                emit(&(serde_json::to_string_pretty(&j)? + "\n"))?;
            } else {
                let mut t = String::new();
                t.push_str(if v.intact() { "INTACT" } else { "NOT INTACT" });
                t.push_str(&format!(": {name}\n"));
                if let Some(why) = &v.damaged {
                    t.push_str(&format!("  the archive is damaged: {why}\n"));
                } else if !v.digest_ok {
                    t.push_str("  manifest.json does not match its digest (edited)\n");
                }
                for p in &v.changed {
                    t.push_str(&format!("  changed: {p}\n"));
                }
                for p in &v.removed {
                    t.push_str(&format!("  removed: {p}\n"));
                }
                for p in &v.added {
                    t.push_str(&format!("  added:   {p}\n"));
                }
                match (v.signature_ok, v.signed) {
                    (Some(true), _) => t.push_str("  signature: valid for the given key\n"),
                    (Some(false), _) => {
                        t.push_str("  signature: MISSING OR INVALID for the given key\n")
                    }
                    (None, true) => {
                        t.push_str("  signature: present, not checked (pass --verify-key)\n")
                    }
                    (None, false) => t.push_str("  signature: none\n"),
                }
                t.push_str(&format!("  run: {}\n", v.run));
                emit(&t)?;
            }
            Ok(if v.intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_FINDINGS)
            })
        }
        EvidenceCommand::Keygen { out_dir } => {
            let (secret, public) = crate::evidence::generate_keypair().map_err(|e| anyhow!(e))?;
            std::fs::create_dir_all(&out_dir)
                .with_context(|| format!("cannot create {}", out_dir.display()))?;
            let k = out_dir.join("perimeter.key");
            let p = out_dir.join("perimeter.pub");
            if k.exists() {
                bail!("{} exists; not overwriting a key", k.display());
            }
            std::fs::write(&k, secret + "\n")
                .with_context(|| format!("cannot write {}", k.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&k, std::fs::Permissions::from_mode(0o600));
            }
            std::fs::write(&p, public + "\n")
                .with_context(|| format!("cannot write {}", p.display()))?;
            eprintln!("wrote {} (keep secret) and {}", k.display(), p.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn history_cmd(c: HistoryCommand) -> Result<ExitCode> {
    match c {
        HistoryCommand::List { history, format } => {
            let h = crate::history::History::open_existing(&history.to_string_lossy())?;
            let rows = h.list()?;
            match format.as_str() {
                "json" => emit(&(serde_json::to_string_pretty(&rows)? + "\n"))?,
                "table" => {
                    let mut t = comfy_table::Table::new();
                    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                        .set_header(vec![
                            "Run", "Started", "Finished", "Accounts", "Score", "Fail", "Unknown",
                            "Pass",
                        ]);
                    for r in &rows {
                        t.add_row(vec![
                            r.id.to_string(),
                            r.started.clone(),
                            r.finished.clone(),
                            r.accounts.to_string(),
                            r.score
                                .map(|s| s.to_string())
                                .unwrap_or_else(|| "n/a".into()),
                            r.fail.to_string(),
                            r.unknown.to_string(),
                            r.pass.to_string(),
                        ]);
                    }
                    emit(&format!("{t}\n"))?;
                }
                other => bail!("--format: unknown format {other:?} (expected table or json)"),
            }
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::Show {
            run,
            history,
            format,
        } => {
            let h = crate::history::History::open_existing(&history.to_string_lossy())?;
            let r = h
                .report(run)?
                .ok_or_else(|| anyhow!("run {run} is not in {}", history.display()))?;
            match format.as_str() {
                "json" => emit(&report::json::render(&r))?,
                "table" => emit(&report::table::render(
                    &r,
                    &TableOptions {
                        show_pass: false,
                        framework: None,
                        width: None,
                    },
                ))?,
                other => bail!("--format: unknown format {other:?} (expected table or json)"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn merge_cmd(inputs: &[PathBuf], output: &Path) -> Result<ExitCode> {
    let mut snaps = Vec::new();
    for p in inputs {
        snaps.push(Snapshot::load(&p.to_string_lossy())?);
    }
    let merged = crate::model::merge(snaps).map_err(|e| anyhow!(e))?;
    write_snapshot(&merged, output)?;
    eprintln!(
        "wrote {} ({} account(s) from {} snapshot(s))",
        output.display(),
        merged.accounts.len(),
        inputs.len()
    );
    Ok(ExitCode::SUCCESS)
}
