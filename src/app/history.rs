//! `history list|show` and `diff`: runs over time.

use super::*;

/// A run named on the command line: a run id (with --history), a JSON report or a snapshot.
pub(super) fn load_run(spec: &str, history: Option<&Path>, config: &Config) -> Result<Report> {
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

pub(super) fn diff_cmd(a: DiffArgs) -> Result<ExitCode> {
    let config = load_config(a.config.as_deref())?;
    let old = load_run(&a.old, a.history.as_deref(), &config)?;
    let new = load_run(&a.new, a.history.as_deref(), &config)?;
    let d = crate::diff::diff(&old, &new);
    if a.format == TableOrJson::Json {
        emit(&(serde_json::to_string_pretty(&d)? + "\n"))?;
    } else {
        emit(&crate::diff::render_table(&d))?;
    }
    if a.fail_on_new && d.newly_failing().next().is_some() {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn history_cmd(c: HistoryCommand) -> Result<ExitCode> {
    match c {
        HistoryCommand::List { history, format } => {
            let h = crate::history::History::open_existing(&history.to_string_lossy())?;
            let rows = h.list()?;
            match format {
                TableOrJson::Json => emit(&(serde_json::to_string_pretty(&rows)? + "\n"))?,
                TableOrJson::Table => {
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
            match format {
                TableOrJson::Json => emit(&report::json::render(&r))?,
                TableOrJson::Table => emit(&report::table::render(
                    &r,
                    &TableOptions {
                        show_pass: false,
                        framework: None,
                        width: None,
                    },
                ))?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
