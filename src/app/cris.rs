//! `cris explain`: why an inference profile works or fails in an account.

use super::*;

pub(super) fn cris_cmd(c: CrisCommand, quiet: bool) -> Result<ExitCode> {
    let CrisCommand::Explain {
        account,
        mut inference_profile,
        snapshot,
        mut source,
        config,
        format,
    } = c;
    if !is_account_id(&account) {
        bail!("--account: {account:?} is not a 12-digit account id");
    }
    // Earlier versions named the inference profile `--profile`; a value that is no AWS
    // profile but looks like an inference profile (an id with a geography prefix, or an
    // ARN) is still read that way, with a note.
    if inference_profile.is_none()
        && let Some(p) = source.profile.clone()
        && (p.starts_with("arn:") || p.contains('.'))
        && !crate::collect::clients::profile_exists(&p).0
    {
        eprintln!(
            "perimeter: note: --profile {p} is read as --inference-profile {p} (--profile names the AWS profile, as in `audit`)"
        );
        inference_profile = Some(p);
        source.profile = None;
    }
    let config = load_config(config.as_deref())?;
    let snapshot = match snapshot {
        Some(p) => Snapshot::load(&p.to_string_lossy())?,
        None => {
            source.org = true;
            source.accounts = vec![account.clone()];
            run_collect(collect_options(&source, quiet)?, None)?
        }
    };
    let v =
        checks::cris::explain::explain(&snapshot, &config, &account, inference_profile.as_deref())
            .map_err(|e| anyhow!(e))?;
    if format == TextOrJson::Json {
        emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else {
        emit(&checks::cris::explain::explain_text(&v))?;
    }
    Ok(ExitCode::SUCCESS)
}
