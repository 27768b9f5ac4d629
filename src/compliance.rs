//! Compliance mappings: which checks evidence which requirement of which framework, and the
//! roll-up of findings into a status per requirement.
//!
//! One TOML file per framework lives under the top-level `checks/compliance/` folder and is
//! embedded at build time. A requirement is `met` when it has mapped findings and none fails,
//! `not_met` when any mapped finding fails, and `unknown` otherwise (see [`evaluate`]).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::checks::{Finding, Status};

/// The shipped framework files: (file name, contents).
const SOURCES: &[(&str, &str)] = &[
    (
        "ndpa-2023.toml",
        include_str!("../checks/compliance/ndpa-2023.toml"),
    ),
    ("gdpr.toml", include_str!("../checks/compliance/gdpr.toml")),
    (
        "cbn-rbcf-2024.toml",
        include_str!("../checks/compliance/cbn-rbcf-2024.toml"),
    ),
    (
        "pci-dss-4.0.1.toml",
        include_str!("../checks/compliance/pci-dss-4.0.1.toml"),
    ),
    (
        "iso-27001-2022.toml",
        include_str!("../checks/compliance/iso-27001-2022.toml"),
    ),
    (
        "iso-42001-2023.toml",
        include_str!("../checks/compliance/iso-42001-2023.toml"),
    ),
    (
        "owasp-llm-2025.toml",
        include_str!("../checks/compliance/owasp-llm-2025.toml"),
    ),
    (
        "nist-ai-rmf-1.0.toml",
        include_str!("../checks/compliance/nist-ai-rmf-1.0.toml"),
    ),
];

/// Short names accepted by [`find`] besides a framework's id and name. Matching ignores case
/// and every character that is not a letter or a digit, so `iso-27001` equals `ISO 27001`.
const ALIASES: &[(&str, &[&str])] = &[
    ("ndpa-2023", &["ndpa", "nigeria-dpa"]),
    ("gdpr", &["gdpr", "eu-gdpr"]),
    (
        "cbn-rbcf-2024",
        &["cbn", "csat", "cbn-csat", "cbn-rbcf", "rbcf"],
    ),
    ("pci-dss-4.0.1", &["pci", "pci-dss", "pcidss", "pci-dss-4"]),
    (
        "iso-27001-2022",
        &["iso27001", "iso-27001", "27001", "iso27001:2022"],
    ),
    (
        "iso-42001-2023",
        &["iso42001", "iso-42001", "42001", "iso42001:2023"],
    ),
    (
        "owasp-llm-2025",
        &[
            "owasp-llm",
            "owasp",
            "llm-top-10",
            "owasp-llm-top-10",
            "owasp-top-10-llm",
        ],
    ),
    (
        "nist-ai-rmf-1.0",
        &[
            "nist-ai-rmf",
            "ai-rmf",
            "nist-ai-600-1",
            "nist-600-1",
            "ai-600-1",
        ],
    ),
];

/// A compliance framework and the checks that evidence each of its requirements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Stable id, used as the key of the report's `compliance` object and on the CLI.
    pub id: String,
    pub name: String,
    pub version: String,
    pub title: String,
    /// Where the requirement text can be read.
    pub source: String,
    /// Caveats, confidence, and what perimeter can and cannot evidence.
    pub notes: String,
    pub requirements: Vec<Requirement>,
}

/// One requirement (article, section, control, domain) of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub title: String,
    /// Check codes whose findings evidence this requirement.
    pub checks: Vec<String>,
}

impl Framework {
    /// Parse one framework file.
    pub fn parse(source: &str) -> Result<Framework, String> {
        toml::from_str(source).map_err(|e| e.to_string())
    }

    /// The requirement with this id (exact match), if any.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// `"PCI DSS 4.0.1"`: name and version, for display.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.name, self.version)
    }
}

/// Every shipped framework, in a fixed order.
pub fn frameworks() -> &'static [Framework] {
    static FRAMEWORKS: OnceLock<Vec<Framework>> = OnceLock::new();
    FRAMEWORKS.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(file, src)| {
                Framework::parse(src).unwrap_or_else(|e| {
                    // Shipped files are validated by the tests below; reaching this means the
                    // binary was built from a broken tree.
                    panic!("compliance file {file} does not parse: {e}")
                })
            })
            .collect()
    })
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The framework named `name`: its id, its name (`"PCI DSS"`), its name with version, or a
/// short alias (`pci`, `ndpa`, `gdpr`, `cbn`, `csat`, `iso27001`, `iso-42001`, `owasp-llm`,
/// `ai-rmf`…), ignoring case and punctuation.
pub fn find(name: &str) -> Option<&'static Framework> {
    let all = frameworks();
    if let Some(f) = all.iter().find(|f| f.id == name) {
        return Some(f);
    }
    let wanted = normalise(name);
    if wanted.is_empty() {
        return None;
    }
    all.iter().find(|f| {
        normalise(&f.id) == wanted
            || normalise(&f.name) == wanted
            || normalise(&f.display_name()) == wanted
            || ALIASES
                .iter()
                .filter(|(id, _)| *id == f.id)
                .flat_map(|(_, aliases)| aliases.iter())
                .any(|a| normalise(a) == wanted)
    })
}

/// Every requirement, across frameworks, that a check code evidences.
pub fn mappings_for(code: &str) -> Vec<(&'static Framework, &'static Requirement)> {
    frameworks()
        .iter()
        .flat_map(|f| f.requirements.iter().map(move |r| (f, r)))
        .filter(|(_, r)| r.checks.iter().any(|c| c.eq_ignore_ascii_case(code)))
        .collect()
}

/// Status of one requirement in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReqStatus {
    Met,
    NotMet,
    Unknown,
}

impl ReqStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReqStatus::Met => "met",
            ReqStatus::NotMet => "not_met",
            ReqStatus::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ReqStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One requirement's status and the findings behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementStatus {
    pub requirement: String,
    pub title: String,
    pub status: ReqStatus,
    /// Ids of the findings that decided the status (the failing ones for `not_met`, the
    /// unknown ones for `unknown`, the passing ones for `met`), followed by any muted ones.
    pub findings: Vec<String>,
}

/// Counts of requirement statuses, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub met: usize,
    pub not_met: usize,
    pub unknown: usize,
}

/// Count the statuses of one framework's requirements.
pub fn tally(statuses: &[RequirementStatus]) -> Tally {
    let mut t = Tally::default();
    for s in statuses {
        match s.status {
            ReqStatus::Met => t.met += 1,
            ReqStatus::NotMet => t.not_met += 1,
            ReqStatus::Unknown => t.unknown += 1,
        }
    }
    t
}

/// Roll findings up into a status per requirement of every framework, keyed by framework id.
///
/// For each requirement, the findings of its mapped checks decide:
/// * any `fail` → `not_met`;
/// * otherwise any `unknown` → `unknown`;
/// * otherwise any `pass` → `met`;
/// * otherwise (no mapped findings, or only muted ones) → `unknown`.
///
/// Muted findings never fail a requirement and never prove it met — a mute records an
/// accepted exception, not a passing control — but they are listed after the deciding findings.
pub fn evaluate(findings: &[Finding]) -> BTreeMap<String, Vec<RequirementStatus>> {
    evaluate_frameworks(frameworks(), findings)
}

fn evaluate_frameworks(
    frameworks: &[Framework],
    findings: &[Finding],
) -> BTreeMap<String, Vec<RequirementStatus>> {
    let mut by_check: HashMap<String, Vec<&Finding>> = HashMap::new();
    for f in findings {
        by_check
            .entry(f.check.to_ascii_uppercase())
            .or_default()
            .push(f);
    }
    frameworks
        .iter()
        .map(|fw| {
            let statuses = fw
                .requirements
                .iter()
                .map(|r| requirement_status(r, &by_check))
                .collect();
            (fw.id.clone(), statuses)
        })
        .collect()
}

fn requirement_status(
    req: &Requirement,
    by_check: &HashMap<String, Vec<&Finding>>,
) -> RequirementStatus {
    let mut failed = Vec::new();
    let mut unknown = Vec::new();
    let mut passed = Vec::new();
    let mut muted = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mapped = req
        .checks
        .iter()
        .filter_map(|c| by_check.get(&c.to_ascii_uppercase()))
        .flatten();
    for f in mapped {
        if !seen.insert(f.id.as_str()) {
            continue;
        }
        let bucket = match f.status {
            Status::Fail => &mut failed,
            Status::Unknown => &mut unknown,
            Status::Pass => &mut passed,
            Status::Muted => &mut muted,
        };
        bucket.push(f.id.clone());
    }
    let (status, mut ids) = if !failed.is_empty() {
        (ReqStatus::NotMet, failed)
    } else if !unknown.is_empty() {
        (ReqStatus::Unknown, unknown)
    } else if !passed.is_empty() {
        (ReqStatus::Met, passed)
    } else {
        (ReqStatus::Unknown, Vec::new())
    };
    ids.extend(muted);
    RequirementStatus {
        requirement: req.id.clone(),
        title: req.title.clone(),
        status,
        findings: ids,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use super::*;

    /// The catalogue of DESIGN.md ("The baseline and the check catalogue"), 46 codes, and
    /// the codes of CATALOGUE-2.md implemented so far.
    const CATALOGUE: [&str; 87] = [
        "IAM-001", "IAM-002", "IAM-003", "IAM-004", "IAM-005", "IAM-006", "IAM-007", "IAM-008",
        "NET-001", "NET-002", "NET-003", "NET-004", "NET-005", "NET-006", //
        "KMS-001", "KMS-002", "KMS-003", "KMS-004", "KMS-005", "KMS-006", "KMS-007", //
        "LOG-001", "LOG-002", "LOG-003", "LOG-004", "LOG-005", "LOG-006", "LOG-007", "LOG-008",
        "LOG-009", "LOG-010", //
        "GRD-001", "GRD-002", "GRD-003", "GRD-004", "GRD-005", "GRD-006", "GRD-007", //
        "TEN-001", "TEN-002", "TEN-003", //
        "CRI-001", "CRI-002", "CRI-003", "CRI-004", "CRI-005", //
        "IAM-009", "IAM-010", "IAM-011", "IAM-012", "IAM-013", "IAM-014", //
        "KMS-008", "KMS-009", "KMS-010", "KMS-011", "KMS-012", "KMS-013", //
        "GRD-008", "GRD-009", "GRD-010", "GRD-011", "GRD-012", "GRD-013", "GRD-014", "GRD-015",
        "LOG-011", //
        "AGT-001", "AGT-002", "AGT-003", "AGT-004", "AGT-005", "AGT-006", //
        "USE-001", "USE-002", "USE-003", "USE-004", "USE-005", "USE-006", //
        "THR-001", "THR-002", "THR-003", "THR-004", "THR-005", "THR-006", //
        "RES-001", "RES-002",
    ];

    fn registered_codes() -> BTreeSet<&'static str> {
        crate::checks::registry::CHECKS
            .iter()
            .map(|c| c.code())
            .collect()
    }

    fn all_mapped_codes() -> BTreeSet<&'static str> {
        frameworks()
            .iter()
            .flat_map(|f| &f.requirements)
            .flat_map(|r| &r.checks)
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn every_file_parses() {
        for (file, src) in SOURCES {
            let f = Framework::parse(src).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(format!("{}.toml", f.id), *file, "file name must be the id");
        }
        assert_eq!(frameworks().len(), SOURCES.len());
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let src = "id='x'\nname='X'\nversion='1'\ntitle='t'\nsource='https://e'\nnotes='n'\n\
                   extra=1\nrequirements=[]\n";
        assert!(Framework::parse(src).is_err());
        let src = "id='x'\nname='X'\nversion='1'\ntitle='t'\nsource='https://e'\nnotes='n'\n\
                   [[requirements]]\nid='1'\ntitle='t'\nchecks=[]\ncontrol='c'\n";
        assert!(Framework::parse(src).is_err());
    }

    #[test]
    fn fields_are_filled_and_ids_unique() {
        let mut framework_ids = HashSet::new();
        for f in frameworks() {
            assert!(
                framework_ids.insert(&f.id),
                "duplicate framework id {}",
                f.id
            );
            for (what, v) in [
                ("name", &f.name),
                ("version", &f.version),
                ("title", &f.title),
                ("notes", &f.notes),
            ] {
                assert!(!v.trim().is_empty(), "{}: empty {what}", f.id);
            }
            assert!(
                f.source.starts_with("http"),
                "{}: source is not a URL",
                f.id
            );
            assert!(!f.requirements.is_empty(), "{}: no requirements", f.id);
            let mut ids = HashSet::new();
            for r in &f.requirements {
                assert!(
                    ids.insert(&r.id),
                    "{}: duplicate requirement {}",
                    f.id,
                    r.id
                );
                assert!(!r.title.trim().is_empty(), "{} {}: empty title", f.id, r.id);
                assert!(!r.checks.is_empty(), "{} {}: no checks", f.id, r.id);
                let unique: HashSet<_> = r.checks.iter().collect();
                assert_eq!(
                    unique.len(),
                    r.checks.len(),
                    "{} {}: repeated check",
                    f.id,
                    r.id
                );
            }
        }
    }

    #[test]
    fn catalogue_is_well_formed() {
        let set: HashSet<_> = CATALOGUE.iter().collect();
        assert_eq!(set.len(), CATALOGUE.len());
    }

    #[test]
    fn referenced_codes_exist() {
        let registered = registered_codes();
        for f in frameworks() {
            for r in &f.requirements {
                for c in &r.checks {
                    assert!(
                        CATALOGUE.contains(&c.as_str()),
                        "{} {} names {c}, which is not in the catalogue",
                        f.id,
                        r.id
                    );
                    if !registered.is_empty() {
                        assert!(
                            registered.contains(c.as_str()),
                            "{} {} names {c}, which is not registered",
                            f.id,
                            r.id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_code_is_mapped() {
        let mapped = all_mapped_codes();
        for c in CATALOGUE {
            assert!(mapped.contains(c), "{c} is mapped to no framework");
        }
        for c in registered_codes() {
            assert!(
                mapped.contains(c),
                "registered check {c} is mapped to no framework"
            );
        }
    }

    #[test]
    fn registry_matches_catalogue_once_populated() {
        let registered = registered_codes();
        if registered.is_empty() {
            return;
        }
        let catalogue: BTreeSet<&str> = CATALOGUE.into_iter().collect();
        let missing: Vec<_> = catalogue.difference(&registered).collect();
        assert!(
            missing.is_empty(),
            "catalogue codes not registered: {missing:?}"
        );
    }

    #[test]
    fn find_by_id_name_and_alias() {
        let cases = [
            ("pci-dss-4.0.1", "pci-dss-4.0.1"),
            ("pci", "pci-dss-4.0.1"),
            ("PCI DSS", "pci-dss-4.0.1"),
            ("PCI-DSS", "pci-dss-4.0.1"),
            ("ndpa", "ndpa-2023"),
            ("NDPA", "ndpa-2023"),
            ("gdpr", "gdpr"),
            ("GDPR", "gdpr"),
            ("cbn", "cbn-rbcf-2024"),
            ("CSAT", "cbn-rbcf-2024"),
            ("iso27001", "iso-27001-2022"),
            ("iso-27001", "iso-27001-2022"),
            ("ISO/IEC 27001", "iso-27001-2022"),
            ("iso42001", "iso-42001-2023"),
            ("iso-42001-2023", "iso-42001-2023"),
            ("owasp-llm-2025", "owasp-llm-2025"),
            ("owasp", "owasp-llm-2025"),
            ("OWASP LLM", "owasp-llm-2025"),
            ("llm-top-10", "owasp-llm-2025"),
            ("OWASP Top 10 for LLM Applications", "owasp-llm-2025"),
            ("nist-ai-rmf-1.0", "nist-ai-rmf-1.0"),
            ("NIST AI RMF", "nist-ai-rmf-1.0"),
            ("NIST AI RMF 1.0", "nist-ai-rmf-1.0"),
            ("ai-rmf", "nist-ai-rmf-1.0"),
            ("nist-600-1", "nist-ai-rmf-1.0"),
            ("NIST AI 600-1", "nist-ai-rmf-1.0"),
        ];
        for (name, id) in cases {
            assert_eq!(
                find(name).map(|f| f.id.as_str()),
                Some(id),
                "find({name:?})"
            );
        }
        assert!(find("hipaa").is_none());
        assert!(find("").is_none());
        assert!(find("--").is_none());
    }

    #[test]
    fn aliases_name_real_frameworks_and_do_not_collide() {
        let mut owner: HashMap<String, &str> = HashMap::new();
        for f in frameworks() {
            for key in [normalise(&f.id), normalise(&f.name)] {
                let prev = owner.insert(key.clone(), &f.id);
                assert!(prev.is_none_or(|p| p == f.id), "{key} is ambiguous");
            }
        }
        for (id, aliases) in ALIASES {
            assert!(
                frameworks().iter().any(|f| f.id == *id),
                "alias for unknown {id}"
            );
            for a in *aliases {
                let prev = owner.insert(normalise(a), id);
                assert!(prev.is_none_or(|p| p == *id), "alias {a} is ambiguous");
            }
        }
    }

    #[test]
    fn mappings_for_a_code() {
        let m = mappings_for("LOG-007");
        assert!(
            m.iter()
                .any(|(f, r)| f.id == "pci-dss-4.0.1" && r.id == "10.5.1")
        );
        assert!(mappings_for("NOPE-001").is_empty());
    }

    // ---- roll-up ----

    fn finding(id: &str, check: &str, status: Status) -> Finding {
        let mut f: Finding = serde_json::from_value(serde_json::json!({
            "id": id, "check": check, "slug": "s", "control": "iam", "status": "pass",
            "severity": "high", "account": "111122223333", "region": null,
            "resource": "arn:aws:iam::111122223333:role/app", "message": "m", "evidence": {}
        }))
        .expect("test finding");
        f.status = status;
        f
    }

    fn test_framework() -> Vec<Framework> {
        vec![
            Framework::parse(
                r#"
id = "t"
name = "T"
version = "1"
title = "Test"
source = "https://example.invalid"
notes = "n"
[[requirements]]
id = "r1"
title = "two checks"
checks = ["IAM-001", "IAM-002"]
[[requirements]]
id = "r2"
title = "unmapped data"
checks = ["NET-001"]
"#,
            )
            .expect("test framework"),
        ]
    }

    fn r1(findings: &[Finding]) -> RequirementStatus {
        evaluate_frameworks(&test_framework(), findings)["t"][0].clone()
    }

    #[test]
    fn failing_mapped_finding_is_not_met() {
        let s = r1(&[
            finding("a", "IAM-001", Status::Pass),
            finding("b", "IAM-002", Status::Fail),
            finding("c", "IAM-002", Status::Unknown),
            finding("d", "IAM-001", Status::Muted),
        ]);
        assert_eq!(s.status, ReqStatus::NotMet);
        assert_eq!(s.findings, ["b", "d"]);
    }

    #[test]
    fn only_unknown_is_unknown() {
        let s = r1(&[finding("a", "IAM-001", Status::Unknown)]);
        assert_eq!(s.status, ReqStatus::Unknown);
        assert_eq!(s.findings, ["a"]);
        // Unknown outweighs pass when nothing fails.
        let s = r1(&[
            finding("a", "IAM-001", Status::Pass),
            finding("b", "IAM-002", Status::Unknown),
        ]);
        assert_eq!(s.status, ReqStatus::Unknown);
        assert_eq!(s.findings, ["b"]);
    }

    #[test]
    fn all_pass_is_met() {
        let s = r1(&[
            finding("a", "IAM-001", Status::Pass),
            finding("b", "IAM-002", Status::Pass),
            finding("x", "KMS-001", Status::Fail), // not mapped to r1
        ]);
        assert_eq!(s.status, ReqStatus::Met);
        assert_eq!(s.findings, ["a", "b"]);
        assert_eq!(s.requirement, "r1");
        assert_eq!(s.title, "two checks");
    }

    #[test]
    fn no_findings_is_unknown() {
        let out = evaluate_frameworks(&test_framework(), &[finding("a", "IAM-001", Status::Pass)]);
        let r2 = &out["t"][1];
        assert_eq!(r2.status, ReqStatus::Unknown);
        assert!(r2.findings.is_empty());
        assert_eq!(r1(&[]).status, ReqStatus::Unknown);
    }

    #[test]
    fn muted_neither_fails_nor_proves() {
        let s = r1(&[finding("m", "IAM-001", Status::Muted)]);
        assert_eq!(s.status, ReqStatus::Unknown);
        assert_eq!(s.findings, ["m"]);
        let s = r1(&[
            finding("a", "IAM-002", Status::Pass),
            finding("m", "IAM-001", Status::Muted),
        ]);
        assert_eq!(s.status, ReqStatus::Met);
        assert_eq!(s.findings, ["a", "m"]);
    }

    #[test]
    fn shipped_frameworks_all_appear_in_the_roll_up() {
        let out = evaluate(&[finding("a", "LOG-007", Status::Fail)]);
        assert_eq!(out.len(), frameworks().len());
        for f in frameworks() {
            assert_eq!(out[&f.id].len(), f.requirements.len());
        }
        let pci = &out["pci-dss-4.0.1"];
        let r = pci.iter().find(|r| r.requirement == "10.5.1").unwrap();
        assert_eq!(r.status, ReqStatus::NotMet);
        assert_eq!(r.findings, ["a"]);
    }

    #[test]
    fn status_serialises_snake_case() {
        assert_eq!(
            serde_json::to_string(&ReqStatus::NotMet).unwrap(),
            "\"not_met\""
        );
        let s = RequirementStatus {
            requirement: "7.2.2".into(),
            title: "t".into(),
            status: ReqStatus::Met,
            findings: vec!["x".into()],
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["status"], "met");
        assert_eq!(v["requirement"], "7.2.2");
    }
}
