//! Builds a synthetic organisation-sized report and writes its HTML, for
//! `scripts/bench-html.sh` (a benchmark, not a test).
//!
//! ```sh
//! cargo run --locked --example html_at_scale -- BASE.json OUT.html [ACCOUNTS] [PER_ACCOUNT] [UNIQUE_PERCENT]
//! ```
//!
//! BASE.json is any JSON report (the bench script evaluates the demo snapshot fixture). Every
//! synthetic account gets PER_ACCOUNT findings picked in turn from the base report's
//! findings, with the base account id replaced by its own in every string (resource, message,
//! evidence). UNIQUE_PERCENT of the findings also get a resource name of their own (the
//! name's last path segment with an account suffix, replaced everywhere in the finding); the
//! rest keep the base names, as a landing zone stamps the same roles and keys into every
//! account. Every account has a name; the last one is not collected (`AssumeRole:
//! AccessDenied`). Summary, scores and compliance are recomputed from the new findings.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use perimeter::report::{NotCollected, Report};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, out, rest @ ..] = args.as_slice() else {
        bail!("usage: html_at_scale BASE.json OUT.html [ACCOUNTS] [PER_ACCOUNT] [UNIQUE_PERCENT]");
    };
    let num = |i: usize, default: usize| -> Result<usize> {
        rest.get(i)
            .map_or(Ok(default), |s| s.parse().context("a number"))
    };
    let (accounts, per_account, unique) = (num(0, 1000)?, num(1, 60)?, num(2, 30)?);
    let base: Report = serde_json::from_str(
        &std::fs::read_to_string(base).with_context(|| format!("read {base}"))?,
    )
    .context("a JSON report")?;
    let report = synthesize(&base, accounts, per_account, unique)?;
    let t = Instant::now();
    let html = perimeter::report::html::render(&report);
    let took = t.elapsed();
    std::fs::write(out, &html).with_context(|| format!("write {out}"))?;
    println!(
        "{} accounts, {} findings ({} fail, {} unknown, {} pass, {} muted): {} bytes of HTML, rendered in {:.2} s",
        accounts,
        report.findings.len(),
        report.summary.fail,
        report.summary.unknown,
        report.summary.pass,
        report.summary.muted,
        html.len(),
        took.as_secs_f64()
    );
    Ok(())
}

fn synthesize(base: &Report, accounts: usize, per_account: usize, unique: usize) -> Result<Report> {
    if base.findings.is_empty() {
        bail!("the base report has no findings");
    }
    let base_account = base.findings[0].account.clone();
    let mut findings = Vec::with_capacity(accounts * per_account);
    let mut names = BTreeMap::new();
    let mut ids = Vec::with_capacity(accounts);
    for a in 0..accounts {
        let id = format!("{:012}", 100_000_000_000u64 + a as u64 * 7_919);
        names.insert(id.clone(), format!("workload-{a:04}"));
        ids.push(id.clone());
        if a + 1 == accounts && accounts > 1 {
            continue; // not collected: no findings of its own
        }
        for j in 0..per_account {
            let n = a * per_account + j;
            let f = &base.findings[(a * 37 + j) % base.findings.len()];
            let mut text = serde_json::to_string(f)?.replace(&base_account, &id);
            if n % 100 < unique {
                let name = f.resource.rsplit(['/', ':']).next().unwrap_or_default();
                if name.len() >= 3 {
                    // Replace the name inside JSON strings only where it stands as a name.
                    text = text.replace(name, &format!("{name}-a{a:04}"));
                }
            }
            let mut f: perimeter::checks::Finding = serde_json::from_str(&text)?;
            f.id = perimeter::checks::finding_id(
                &f.check,
                &f.account,
                f.region.as_deref(),
                &f.resource,
            );
            findings.push(f);
        }
    }
    let mut r = base.clone();
    r.run.accounts = ids.clone();
    r.run.account_names = names;
    r.run.not_collected = match ids.last() {
        Some(last) if accounts > 1 => vec![NotCollected {
            account: last.clone(),
            region: None,
            reason: "AssumeRole: AccessDenied".into(),
        }],
        _ => Vec::new(),
    };
    r.summary = perimeter::report::summarize(&findings);
    r.scores = perimeter::report::score(&findings);
    r.compliance = perimeter::compliance::evaluate(&findings);
    r.gaps.clear();
    r.findings = findings;
    Ok(r)
}
