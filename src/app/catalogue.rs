//! `checks list|explain` and `frameworks list|show`: the catalogue and its mappings.

use super::*;

pub(super) fn checks_cmd(c: ChecksCommand) -> Result<ExitCode> {
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
            match format {
                TableOrJson::Json => {
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
                TableOrJson::Table => {
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
            }
            Ok(ExitCode::SUCCESS)
        }
        ChecksCommand::Explain { code, format } => {
            let check = registry::find(&code).ok_or_else(|| {
                anyhow!("no check has the code {code:?} (see `perimeter checks list`)")
            })?;
            let m = registry::metadata(check.code());
            match format {
                TextOrJson::Json => {
                    let mut v = serde_json::to_value(m)?;
                    v["frameworks"] = json!(frameworks_of(&m.code));
                    emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
                }
                TextOrJson::Text => emit(&explain_text(m))?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// (framework id, requirement ids) for every framework that maps the check.
pub(super) fn frameworks_of(code: &str) -> Vec<(String, Vec<String>)> {
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

pub(super) fn explain_text(m: &checks::Metadata) -> String {
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

pub(super) fn frameworks_cmd(c: FrameworksCommand) -> Result<ExitCode> {
    match c {
        FrameworksCommand::List { format } => {
            let fws = compliance::frameworks();
            match format {
                TableOrJson::Json => {
                    let v: Vec<Value> = fws
                        .iter()
                        .map(|f| json!({"id": f.id, "name": f.name, "version": f.version, "title": f.title, "requirements": f.requirements.len()}))
                        .collect();
                    emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
                }
                TableOrJson::Table => {
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
            }
        }
        FrameworksCommand::Show { name, format } => {
            let f = compliance::find(&name).ok_or_else(|| {
                anyhow!("no framework called {name:?} (see `perimeter frameworks list`)")
            })?;
            match format {
                TableOrJson::Json => emit(&(serde_json::to_string_pretty(f)? + "\n"))?,
                TableOrJson::Table => {
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
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
