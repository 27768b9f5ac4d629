//! `residency`: where the Bedrock calls of accounts with a residency requirement were
//! served, with the events as evidence and the limits of event history stated.

use super::*;

pub(super) fn residency_cmd(a: ResidencyArgs, quiet: bool) -> Result<ExitCode> {
    let ResidencyArgs {
        account,
        snapshot,
        mut source,
        config,
        format,
    } = a;
    if let Some(id) = &account
        && !is_account_id(id)
    {
        bail!("--account: {id:?} is not a 12-digit account id");
    }
    let config = load_config(config.as_deref())?;
    let snapshot = match snapshot {
        Some(p) => Snapshot::load(&p.to_string_lossy())?,
        None => {
            if let Some(id) = &account
                && source.org
            {
                source.accounts = vec![id.clone()];
            }
            run_collect(collect_options(&source, quiet)?, None)?
        }
    };
    let findings = checks::run_checks(&snapshot, &config, &|m| {
        m.code.as_str() == "RES-001" || m.code.as_str() == "RES-002"
    });
    let mut section = report::residency::section(&findings);
    if let (Some(s), Some(id)) = (section.as_mut(), &account) {
        s.accounts.retain(|x| &x.account == id);
    }
    let breach = section
        .as_ref()
        .is_some_and(|s| s.accounts.iter().any(|x| x.verdict == "outside"));
    // Accounts whose requirement could not be read are unknown RES findings without
    // residency evidence: say so rather than print nothing about them.
    let undecided: Vec<&checks::Finding> = findings
        .iter()
        .filter(|f| {
            f.check == "RES-001" && f.status == checks::Status::Unknown && f.region.is_none()
        })
        .filter(|f| account.as_ref().is_none_or(|id| &f.account == id))
        .collect();
    if format == TextOrJson::Json {
        let v = json!({
            "schema": "perimeter.residency/1",
            "accounts_with_requirement": section.as_ref().map_or(0, |s| s.accounts.len()),
            "residency": section,
            "undecided_accounts": undecided.iter().map(|f| json!({"account": f.account, "message": f.message})).collect::<Vec<_>>(),
        });
        emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else {
        let mut out = match &section {
            Some(s) if !s.accounts.is_empty() => report::residency::text(s),
            _ => format!(
                "No {} has a residency requirement: set one under [residency] in perimeter.toml (account id, OU id or OU name) or with the {} account tag.\n",
                account
                    .as_deref()
                    .map_or("account".to_string(), |id| format!("account {id}")),
                config.tags.data_residency
            ),
        };
        for f in &undecided {
            out.push_str(&format!(
                "  {}: {}\n",
                f.account,
                report::table::term_safe(&f.message)
            ));
        }
        emit(&out)?;
    }
    Ok(if breach {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
