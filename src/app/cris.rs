//! `cris explain`: why an inference profile works or fails in an account.

use super::*;

pub(super) fn cris_cmd(c: CrisCommand, quiet: bool) -> Result<ExitCode> {
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
    if format == TextOrJson::Json {
        emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else {
        emit(&checks::cris::explain::explain_text(&v))?;
    }
    Ok(ExitCode::SUCCESS)
}
