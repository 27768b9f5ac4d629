//! `policy simulate`: the policy engine on cases from a file.

use super::*;

pub(super) fn policy_cmd(c: PolicyCommand) -> Result<ExitCode> {
    let PolicyCommand::Simulate { cases, format } = c;
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
    if format == TextOrJson::Json {
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
