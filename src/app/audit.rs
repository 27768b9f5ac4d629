//! `audit`, `collect`, `evaluate` and `merge`: the main job.

use super::*;

pub(super) fn audit(a: AuditArgs, quiet: bool) -> Result<ExitCode> {
    let config = load_config(a.output.config.as_deref())?;
    let out = outputs(&a.output)?;
    let fail_on = a.output.fail_on;
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

pub(super) fn collect_cmd(a: CollectArgs, quiet: bool) -> Result<ExitCode> {
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

pub(super) fn evaluate_cmd(a: EvaluateArgs) -> Result<ExitCode> {
    let config = load_config(a.output.config.as_deref())?;
    let out = outputs(&a.output)?;
    let fail_on = a.output.fail_on;
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
    let mut report = build_report(&snapshot, &config, a.output.mutes.as_deref())?;
    // Say that these verdicts were drawn from a saved snapshot, not from AWS just now
    // (an IAM dump is offline by its nature and says `gaad` already).
    if a.gaad.is_none() && !report.run.source.starts_with("offline") {
        report.run.source = format!("offline:{}", report.run.source);
    }
    conclude(&report, &a.output, &out, fail_on)
}

pub(super) fn merge_cmd(inputs: &[PathBuf], output: &Path) -> Result<ExitCode> {
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
