//! The policy engine against the case corpus (`tests/fixtures/policy/*.json`), through the
//! library and through the `perimeter policy simulate` binary; plus malformed documents.
//!
//! A corpus case carries `expected` (`Allow`, `ExplicitDeny`, `ImplicitDeny`, or `Error`
//! for a case `policy simulate` must reject, with the texts its error must contain in
//! `error_contains`) and a `note` quoting the AWS documentation it follows.

use std::path::{Path, PathBuf};

use perimeter::policy::{
    Context, DecisionEffect, Labeled, OpenEffect, Policy, PolicyError, PolicySet, Request,
    UnknownKeys, evaluate, evaluate_open, scp_denied_regions, simulate,
};
use serde_json::{Value, json};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("fixture dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

#[test]
fn corpus_has_at_least_300_cases_with_unique_ids() {
    let mut ids = std::collections::BTreeSet::new();
    let mut n = 0;
    for f in corpus_files() {
        for c in load(&f).as_array().expect("array of cases") {
            n += 1;
            let id = c["id"].as_str().expect("id").to_string();
            assert!(ids.insert(id.clone()), "duplicate id {id}");
            assert!(
                c["note"].as_str().is_some_and(|s| !s.is_empty()),
                "{id}: note"
            );
            assert!(
                matches!(
                    c["expected"].as_str(),
                    Some("Allow" | "ExplicitDeny" | "ImplicitDeny" | "Error")
                ),
                "{id}: expected"
            );
            if c["expected"] == "Error" {
                assert!(
                    c["error_contains"]
                        .as_array()
                        .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string)),
                    "{id}: an Error case lists the texts its error must contain"
                );
            }
        }
    }
    assert!(n >= 300, "only {n} cases");
}

/// True if the case expects an error, and then every `error_contains` text is in `error`.
fn error_matches(case: &Value, answer: &Value) -> Option<bool> {
    if case["expected"] != "Error" {
        return None;
    }
    let Some(msg) = answer["error"].as_str() else {
        return Some(false);
    };
    Some(
        case["error_contains"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .all(|t| msg.contains(t)),
    )
}

fn expected_errors(cases: &Value) -> usize {
    cases
        .as_array()
        .map_or(0, |a| a.iter().filter(|c| c["expected"] == "Error").count())
}

#[test]
fn corpus_decisions_through_the_library() {
    let mut failures = Vec::new();
    let mut total = 0;
    for f in corpus_files() {
        let cases = load(&f);
        let out = simulate(&cases);
        assert_eq!(
            out.malformed,
            expected_errors(&cases),
            "{}: {}",
            f.display(),
            out.text
        );
        let answers = out.json.as_array().expect("array answer");
        for (c, a) in cases.as_array().expect("array").iter().zip(answers) {
            total += 1;
            assert_eq!(a["id"], c["id"]);
            if let Some(ok) = error_matches(c, a) {
                if !ok {
                    failures.push(format!(
                        "{}: {} expected an error containing {} got {}",
                        f.file_name().unwrap().to_string_lossy(),
                        c["id"],
                        c["error_contains"],
                        a
                    ));
                }
                continue;
            }
            if a["decision"] != c["expected"] {
                failures.push(format!(
                    "{}: {} expected {} got {} — {}",
                    f.file_name().unwrap().to_string_lossy(),
                    c["id"],
                    c["expected"],
                    a["decision"],
                    a["reasons"]
                ));
            }
            // every decision carries at least one reason
            assert!(
                a["reasons"].as_array().is_some_and(|r| !r.is_empty()),
                "{}: no reasons",
                c["id"]
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_decisions_through_the_cli() {
    let bin = env!("CARGO_BIN_EXE_perimeter");
    for f in corpus_files() {
        let cases = load(&f);
        let out = std::process::Command::new(bin)
            .args(["policy", "simulate"])
            .arg(&f)
            .output()
            .expect("run perimeter");
        // a file with error cases still answers every other case, and exits 2
        let code = if expected_errors(&cases) > 0 { 2 } else { 0 };
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}: stderr {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let answers: Value = serde_json::from_slice(&out.stdout).expect("CLI prints JSON");
        let answers = answers.as_array().expect("array answer");
        assert_eq!(answers.len(), cases.as_array().unwrap().len());
        for (c, a) in cases.as_array().unwrap().iter().zip(answers) {
            assert_eq!(a["id"], c["id"]);
            match error_matches(c, a) {
                Some(ok) => assert!(ok, "{} via CLI: {a}", c["id"]),
                None => assert_eq!(a["decision"], c["expected"], "{} via CLI", c["id"]),
            }
        }
    }
}

#[test]
fn cli_reports_malformed_cases_and_exits_2() {
    let bin = env!("CARGO_BIN_EXE_perimeter");
    let dir = std::env::temp_dir().join(format!("perimeter-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cases.json");
    let cases = json!([
        {"id": "ok", "policies": {"identity": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}]},
         "request": {"principal": "arn:aws:iam::111122223333:role/a", "action": "s3:GetObject", "resource": "*"}},
        {"id": "bad", "request": {"principal": "arn:aws:iam::111122223333:role/a", "action": 5, "resource": "*"}}
    ]);
    std::fs::write(&file, cases.to_string()).unwrap();
    let out = std::process::Command::new(bin)
        .args(["policy", "simulate"])
        .arg(&file)
        .output()
        .expect("run perimeter");
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v[0]["decision"], "Allow");
    assert!(v[1]["error"].as_str().unwrap().contains("request.action"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn simulate_single_case_and_malformed_cases() {
    let one = json!({"id": "x", "policies": {}, "request": {"principal": "p", "action": "s3:GetObject", "resource": "*"}});
    let out = simulate(&one);
    assert!(out.json.is_object());
    assert_eq!(out.json["decision"], "ImplicitDeny");
    assert_eq!(out.malformed, 0);
    assert!(out.text.contains("ImplicitDeny"));

    let many = json!([
        one,
        {"id": "my-id", "request": {"principal": "p", "action": ["a"], "resource": "*"}},
        {"request": {"principal": "p", "action": "a:b", "resource": "*"}, "policies": {"identity": [{"Statement": {"Effect": "Permit", "Action": "*"}}]}},
        {"id": "no-request"},
        {"id": "scp", "policies": {"scp": [{"Statement": []}]}, "request": {"principal": "p", "action": "a:b", "resource": "*"}},
        {"id": "ctx", "request": {"principal": "p", "action": "a:b", "resource": "*", "context": {"k": {"x": 1}}}},
        {"id": "sem", "service_semantics": "s3", "request": {"principal": "p", "action": "a:b", "resource": "*"}},
        "not an object"
    ]);
    let out = simulate(&many);
    assert_eq!(out.malformed, 7, "{}", out.text);
    let a = out.json.as_array().unwrap();
    assert_eq!(a[0]["decision"], "ImplicitDeny");
    assert_eq!(
        a[1]["error"],
        "case 1 (\"my-id\"): request.action: expected a string, found an array"
    );
    assert!(
        a[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("case 2: policies.identity[0]: Statement[0].Effect")
    );
    assert!(a[3]["error"].as_str().unwrap().contains("request: missing"));
    assert!(a[4]["error"].as_str().unwrap().contains("policies.scp[0]"));
    assert!(
        a[5]["error"]
            .as_str()
            .unwrap()
            .contains("request.context: k")
    );
    assert!(
        a[6]["error"]
            .as_str()
            .unwrap()
            .contains("service_semantics")
    );
    assert!(a[7]["error"].as_str().unwrap().starts_with("case 7:"));
}

#[test]
fn reasons_name_layer_policy_statement_and_sid() {
    let cases = json!({
        "policies": {"identity": [
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"},
                {"Sid": "NoClaude", "Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": "*"}]}
        ]},
        "request": {"principal": "arn:aws:iam::111122223333:role/app", "action": "bedrock:InvokeModel", "resource": "*"}
    });
    let out = simulate(&cases);
    assert_eq!(out.json["decision"], "ExplicitDeny");
    let r = &out.json["reasons"][0];
    assert_eq!(r["layer"], "identity");
    assert_eq!(r["policy"], "identity[0]");
    assert_eq!(r["statement"], 1);
    assert_eq!(r["sid"], "NoClaude");
    assert_eq!(r["effect"], "Deny");
    assert!(out.text.contains("Sid NoClaude"));

    let scp = json!({
        "policies": {"identity": [{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}],
                     "scp": [[{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}], []]},
        "request": {"principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject", "resource": "*"}
    });
    let out = simulate(&scp);
    assert_eq!(out.json["decision"], "ImplicitDeny");
    assert_eq!(out.json["reasons"][0]["layer"], "scp level 1");
    assert_eq!(
        out.json["reasons"][0]["detail"],
        "no statement in scp level 1 allows the request"
    );
}

fn parse_err(text: &str) -> PolicyError {
    Policy::parse(text).expect_err("should not parse")
}

#[test]
fn malformed_documents_are_errors() {
    let cases = [
        ("[]", "expected a JSON object"),
        ("{}", "Statement"),
        (r#"{"Statement": 5}"#, "Statement"),
        (r#"{"Version": "2013-01-01", "Statement": []}"#, "Version"),
        (r#"{"Version": 2012, "Statement": []}"#, "Version"),
        (r#"{"Statement": [{"Effect": "Allow"}]}"#, "Statement[0]"),
        (
            r#"{"Statement": [{"Effect": "allow", "Action": "*"}]}"#,
            "Statement[0].Effect",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": {"a": 1}}]}"#,
            "Statement[0].Action",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": [1]}]}"#,
            "Statement[0].Action[0]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*"}]}"#,
            "Statement[0]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": true}]}"#,
            "Statement[0].Resource",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "arn:aws:iam::1:root"}]}"#,
            "Statement[0].Principal",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"Amazon": "x"}}]}"#,
            "Statement[0].Principal.Amazon",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Actions": "*"}]}"#,
            "Statement[0]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEqualz": {"a": "b"}}}]}"#,
            "Statement[0].Condition.StringEqualz",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": "b"}}]}"#,
            "Statement[0].Condition.StringEquals",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"k": {"x": 1}}}}]}"#,
            "Statement[0].Condition.StringEquals.k",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"ArnLike": {"aws:SourceArn": "not-an-arn"}}}]}"#,
            "Statement[0].Condition.ArnLike.aws:SourceArn[0]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"ArnEquals": {"aws:SourceArn": ["arn:aws:s3:::b", "arn:aws"]}}}]}"#,
            "Statement[0].Condition.ArnEquals.aws:SourceArn[1]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"NumericLessThan": {"n": "ten"}}}]}"#,
            "NumericLessThan.n[0]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"DateLessThan": {"d": "tomorrow"}}}]}"#,
            "DateLessThan.d[0]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}]}"#,
            "IpAddress.aws:SourceIp[0]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"Bool": {"b": "yes"}}}]}"#,
            "Bool.b[0]",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"NullIfExists": {"b": "true"}}}]}"#,
            "NullIfExists",
        ),
        // IAM: "You cannot use a wildcard to match part of a principal name or ARN."
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"AWS": "arn:aws:iam::111122223333:role/*"}}]}"#,
            "Statement[0].Principal.AWS",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"AWS": ["111122223333", "arn:aws:iam::1:user/a?"]}}]}"#,
            "Statement[0].Principal.AWS[1]",
        ),
        (
            r#"{"Statement": [{"Effect": "Deny", "Action": "*", "NotPrincipal": {"Service": "*.amazonaws.com"}}]}"#,
            "Statement[0].NotPrincipal.Service",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"AWS": ""}}]}"#,
            "empty principal",
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {}}]}"#,
            "empty principal object",
        ),
    ];
    for (text, path) in cases {
        let e = parse_err(text);
        assert!(e.to_string().contains(path), "{text}: {e}");
    }
    let e = Policy::from_value(&json!([1])).unwrap_err();
    assert!(e.to_string().contains("(document)"), "{e}");
    let e =
        Policy::from_value(&json!({"Statement": {"Effect": "Allow", "Action": "*"}, "Extra": 1}))
            .unwrap_err();
    assert!(e.to_string().contains("Extra"), "{e}");
    assert!(matches!(
        parse_err("{\"Statement\": "),
        PolicyError::Json(_)
    ));
    assert!(matches!(parse_err("%7B%22Statement"), PolicyError::Json(_)));
    assert!(matches!(parse_err("%FF%FE"), PolicyError::Encoding(_)));
    assert!(matches!(parse_err(""), PolicyError::Json(_)));
}

#[test]
fn deeply_nested_json_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = format!(r#"{{"Statement": {deep}}}"#);
    assert!(matches!(parse_err(&text), PolicyError::Json(_)));
    let deep_obj = format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Action": "*", "Condition": {}1{}}}]}}"#,
        "{\"a\":".repeat(5000),
        "}".repeat(5000)
    );
    assert!(Policy::parse(&deep_obj).is_err());
}

#[test]
fn ten_megabyte_document_parses_or_errors_without_panic() {
    // ~10 MB of statements: valid, so it parses
    let stmt = r#"{"Sid":"S","Effect":"Allow","Action":["s3:GetObject","bedrock:Invoke*"],"Resource":"arn:aws:s3:::bucket/prefix/*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#;
    let n = 10 * 1024 * 1024 / stmt.len();
    let body = vec![stmt; n].join(",");
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{body}]}}"#);
    assert!(text.len() >= 10 * 1024 * 1024);
    let p = Policy::parse(&text).expect("large valid document parses");
    assert_eq!(p.statements().len(), n);
    // and a 10 MB string where a statement should be is an error
    let junk = format!(r#"{{"Statement":"{}"}}"#, "x".repeat(10 * 1024 * 1024));
    assert!(Policy::parse(&junk).is_err());
    // 10 MB of garbage
    let garbage = "%".repeat(10 * 1024 * 1024);
    assert!(Policy::parse(&garbage).is_err());
}

#[test]
fn round_trip_of_corpus_documents() {
    for f in corpus_files() {
        for c in load(&f).as_array().unwrap() {
            let Some(pols) = c["policies"].as_object() else {
                continue;
            };
            if c["expected"] == "Error" {
                // malformed or oversize on purpose
                continue;
            }
            let mut docs: Vec<&Value> = Vec::new();
            for (k, v) in pols {
                match (k.as_str(), v) {
                    ("scp", Value::Array(levels)) => {
                        for l in levels {
                            docs.extend(l.as_array().unwrap());
                        }
                    }
                    (_, Value::Array(items)) => docs.extend(items),
                    _ => {}
                }
            }
            for d in docs {
                let p = Policy::from_value(d).expect("corpus documents parse");
                let again = Policy::from_value(&p.to_value()).expect("printed form parses");
                assert_eq!(p, again, "{}", c["id"]);
            }
        }
    }
}

#[test]
fn round_trip_keeps_operator_spelling_and_order() {
    // found by the fuzzer: operator names are case-insensitive, and printing them in
    // canonical case reordered the condition block
    let text = r#"{"Version":"2008-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*",
        "NotResource":["arn:aws:iamX*/x"],"Principal":{"AWS":["05556CCCCCCC1111665","arn:aws;iam::1:role/a"]},
        "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"dateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},
        "Bool":{"aws:SecureTransport":false},"stringequals":{"a":"1"},"StringEquals":{"A":"2"}}}}"#;
    let p = Policy::parse(text).unwrap();
    assert_eq!(p.statements()[0].condition.len(), 5);
    assert_eq!(Policy::from_value(&p.to_value()).unwrap(), p);
}

fn p(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}

#[test]
fn principal_forms_iam_accepts_parse() {
    for principal in [
        r#""*""#,
        r#"{"AWS": "*"}"#,
        r#"{"AWS": "111122223333"}"#,
        r#"{"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/path/app",
            "arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:assumed-role/app/s",
            "arn:aws:sts::111122223333:federated-user/bob", "AROAEXAMPLEUNIQUEID123"]}"#,
        r#"{"Service": "bedrock.amazonaws.com"}"#,
        r#"{"Service": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"]}"#,
        r#"{"Federated": "cognito-identity.amazonaws.com"}"#,
        r#"{"Federated": "arn:aws:iam::111122223333:saml-provider/corp"}"#,
        r#"{"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
        r#"{"AWS": "111122223333", "Service": "s3.amazonaws.com", "CanonicalUser": "79a59df9"}"#,
    ] {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{principal}}}}}"#
        );
        let pol = Policy::parse(&text).unwrap_or_else(|e| panic!("{principal}: {e}"));
        assert_eq!(Policy::from_value(&pol.to_value()).unwrap(), pol);
    }
}

#[test]
fn not_principal_deny_applies_to_any_principal_with_a_boundary() {
    // "deny everyone except role X" key policy; X has a permissions boundary
    let key = "arn:aws:kms:us-east-1:111122223333:key/k1";
    let x = "arn:aws:iam::111122223333:role/x";
    let key_policy = p(r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/x"},"Action":"kms:*","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/x","arn:aws:iam::111122223333:root"]},"Action":"kms:*","Resource":"*"}]}"#);
    let boundary = p(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let req = Request::new(x, "kms:Decrypt", key);
    let mut set = PolicySet {
        resource: vec![Labeled::new("key", &key_policy)],
        ..Default::default()
    };
    assert_eq!(evaluate(&set, &req).effect, DecisionEffect::Allow);
    set.permissions_boundary = Some(vec![Labeled::new("boundary", &boundary)]);
    let d = evaluate(&set, &req);
    assert_eq!(d.effect, DecisionEffect::ExplicitDeny);
    assert!(
        d.reasons[0].detail.contains("permissions boundary"),
        "{d:?}"
    );
    // a service-linked role cannot have a boundary: the one given is ignored
    let mut slr = req.clone();
    slr.principal_is_service_linked_role = true;
    assert_eq!(evaluate(&set, &slr).effect, DecisionEffect::Allow);
    // open-world analysis agrees
    assert_eq!(
        evaluate_open(&set, &req, &UnknownKeys::AllMissing).effect,
        OpenEffect::ExplicitDeny
    );
}

#[test]
fn size_limits_for_library_callers() {
    use perimeter::policy::limits::{DocumentKind, check_text_size, check_value_size};
    let stmt =
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/prefix/*"}"#;
    let doc = |n: usize| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            vec![stmt; n].join(",")
        )
    };
    // 85 characters a statement (with its comma): 71 fit in a managed policy, 72 do not
    assert!(check_text_size(DocumentKind::ManagedPolicy, &doc(71)).is_ok());
    let e = check_text_size(DocumentKind::ManagedPolicy, &doc(72)).unwrap_err();
    assert!(matches!(e, PolicyError::TooLarge { max: 6144, .. }), "{e}");
    assert!(e.to_string().contains("6144"), "{e}");
    // the same text is fine as a role's inline policy, and URL-encoded text is decoded
    let encoded: String = doc(72).bytes().map(|b| format!("%{b:02X}")).collect();
    assert!(check_text_size(DocumentKind::RoleInlinePolicy, &encoded).is_ok());
    assert!(check_text_size(DocumentKind::ManagedPolicy, &encoded).is_err());
    let v: Value = serde_json::from_str(&doc(72)).unwrap();
    assert!(check_value_size(DocumentKind::ServiceControlPolicy, &v).is_err());
    assert!(check_value_size(DocumentKind::KmsKeyPolicy, &v).is_ok());
}

#[test]
fn simulate_oversize_case_is_an_error_and_others_are_answered() {
    let big = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "X".repeat(6000), "Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let ok = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let r = json!({"principal": "arn:aws:iam::111122223333:role/a", "action": "s3:GetObject", "resource": "*"});
    let out = simulate(&json!([
        {"id": "fine", "policies": {"identity": [ok], "scp": [[ok]]}, "request": r},
        {"id": "big-scp", "policies": {"identity": [ok], "scp": [[ok, big]]}, "request": r},
        {"id": "big-identity-ok-for-role", "policies": {"identity": [big]}, "request": r},
    ]));
    assert_eq!(out.malformed, 1, "{}", out.text);
    let a = out.json.as_array().unwrap();
    assert_eq!(a[0]["decision"], "Allow");
    let e = a[1]["error"].as_str().unwrap();
    assert!(
        e.contains("big-scp") && e.contains("policies.scp[0][1]") && e.contains("5120"),
        "{e}"
    );
    assert_eq!(a[2]["decision"], "Allow");
}

#[test]
fn open_world_guardrail_and_vpce() {
    let gated = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*",
        "Condition":{"StringEquals":{"bedrock:GuardrailIdentifier":"arn:aws:bedrock:eu-west-1:111122223333:guardrail/g:1"}}}]}"#,
    );
    let open = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}"#,
    );
    let req = Request::new(
        "arn:aws:iam::111122223333:role/app",
        "bedrock:InvokeModel",
        "arn:aws:bedrock:eu-west-1::foundation-model/m",
    );
    let set = PolicySet {
        identity: vec![Labeled::new("identity[0]", &gated)],
        ..Default::default()
    };
    let d = evaluate_open(&set, &req, &UnknownKeys::AllMissing);
    assert_eq!(
        d.effect,
        OpenEffect::ConditionalAllow {
            keys: vec!["bedrock:guardrailidentifier".into()]
        }
    );
    assert!(d.may_allow() && !d.is_allowed_unconditionally());
    // closed world: the key is absent, so denied
    assert_eq!(evaluate(&set, &req).effect, DecisionEffect::ImplicitDeny);

    let set = PolicySet {
        identity: vec![Labeled::new("identity[0]", &open)],
        ..Default::default()
    };
    let d = evaluate_open(&set, &req, &UnknownKeys::AllMissing);
    assert_eq!(d.effect, OpenEffect::Allow);

    // a deny depending on an unknown key makes an otherwise open grant conditional
    let deny_vpce = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
        "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#,
    );
    let set = PolicySet {
        identity: vec![
            Labeled::new("identity[0]", &open),
            Labeled::new("identity[1]", &deny_vpce),
        ],
        ..Default::default()
    };
    let d = evaluate_open(
        &set,
        &req,
        &UnknownKeys::Listed(vec!["aws:SourceVpce".into()]),
    );
    assert_eq!(d.conditional_keys(), ["aws:sourcevpce".to_string()]);
    // with the key listed as known (absent), the deny applies
    let d = evaluate_open(&set, &req, &UnknownKeys::Listed(vec![]));
    assert_eq!(d.effect, OpenEffect::ExplicitDeny);
}

#[test]
fn open_world_region_pin() {
    let pinned = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*",
        "Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}"#,
    );
    let set = PolicySet {
        identity: vec![Labeled::new("identity[0]", &pinned)],
        ..Default::default()
    };
    let req = Request::new("arn:aws:iam::1:role/a", "bedrock:InvokeModel", "*");
    let d = evaluate_open(&set, &req, &UnknownKeys::AllMissing);
    assert_eq!(d.conditional_keys(), ["aws:requestedregion".to_string()]);
    // an unrelated action is denied whatever the keys
    let req = Request::new("arn:aws:iam::1:role/a", "bedrock:CreateGuardrail", "*");
    assert_eq!(
        evaluate_open(&set, &req, &UnknownKeys::AllMissing).effect,
        OpenEffect::ImplicitDeny
    );
}

#[test]
fn scp_region_verdicts_for_cris() {
    let full =
        p(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let region_deny = p(
        r#"{"Version":"2012-10-17","Statement":{"Sid":"DenyOutsideEU","Effect":"Deny",
        "NotAction":["iam:*","sts:*"],"Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}}"#,
    );
    let kb_fix = p(
        r#"{"Version":"2012-10-17","Statement":{"Sid":"DenyOutsideEU","Effect":"Deny",
        "NotAction":["iam:*","sts:*"],"Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]},
                     "ArnNotLike":{"bedrock:InferenceProfileArn":"arn:aws:bedrock:*:*:inference-profile/eu.*"}}}}"#,
    );
    let regions = ["eu-west-1", "eu-central-1", "eu-west-3", "eu-north-1"];
    let mut ctx = Context::new();
    ctx.insert(
        "bedrock:InferenceProfileArn",
        "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
    );
    let fm = |r: &str| {
        format!("arn:aws:bedrock:{r}::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0")
    };
    let scp = vec![vec![
        Labeled::new("root", &full),
        Labeled::new("region-deny", &region_deny),
    ]];
    let v = scp_denied_regions(&scp, "bedrock:InvokeModel", fm, &regions, &ctx);
    let denied: Vec<&str> = v
        .iter()
        .filter(|r| r.denied)
        .map(|r| r.region.as_str())
        .collect();
    assert_eq!(denied, ["eu-west-3", "eu-north-1"]);
    let r = v.iter().find(|r| r.region == "eu-west-3").unwrap();
    assert_eq!(r.effect, DecisionEffect::ExplicitDeny);
    assert_eq!(r.level, Some(0));
    assert_eq!(r.reasons[0].policy, "region-deny");
    assert_eq!(r.reasons[0].sid.as_deref(), Some("DenyOutsideEU"));

    let scp = vec![vec![
        Labeled::new("root", &full),
        Labeled::new("kb-fix", &kb_fix),
    ]];
    let v = scp_denied_regions(&scp, "bedrock:InvokeModel", fm, &regions, &ctx);
    assert!(v.iter().all(|r| !r.denied));

    // global profile: the destination Region is "unspecified"
    let global = |_: &str| {
        "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0".to_string()
    };
    let scp = vec![vec![
        Labeled::new("root", &full),
        Labeled::new("region-deny", &region_deny),
    ]];
    let v = scp_denied_regions(
        &scp,
        "bedrock:InvokeModel",
        global,
        &["unspecified"],
        &Context::new(),
    );
    assert!(v[0].denied);

    // a level without an allow is an implicit deny at that level
    let s3_only = p(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
    let scp = vec![
        vec![Labeled::new("root", &full)],
        vec![Labeled::new("ou", &s3_only)],
    ];
    let v = scp_denied_regions(
        &scp,
        "bedrock:InvokeModel",
        fm,
        &["eu-west-1"],
        &Context::new(),
    );
    assert_eq!(v[0].effect, DecisionEffect::ImplicitDeny);
    assert_eq!(v[0].level, Some(1));
}

#[test]
fn statement_helpers() {
    let pol = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:Invoke*","Resource":"arn:aws:bedrock:*::foundation-model/*",
        "Condition":{"StringEquals":{"aws:ResourceTag/x":"${aws:PrincipalTag/x}"}}}]}"#,
    );
    let s = &pol.statements()[0];
    assert!(s.matches_action("BEDROCK:InvokeModelWithResponseStream"));
    assert!(!s.matches_action("bedrock:Converse"));
    assert!(s.matches_resource_static("arn:aws:bedrock:us-east-1::foundation-model/m"));
    assert!(s.mentions_condition_key("AWS:PrincipalTag/X"));
    assert!(pol.mentions_condition_key("aws:resourcetag/x"));
    assert!(!pol.mentions_condition_key("aws:SourceVpce"));
}

/// An implicit deny explains itself: the statement that would have allowed the request
/// and the condition that did not hold, with what the request carried.
#[test]
fn an_implicit_deny_names_the_statement_and_the_condition_that_failed() {
    let case = serde_json::json!({
        "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
            {"Sid": "PinRegion", "Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
            {"Sid": "Other", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
        ]}]},
        "request": {"principal": "arn:aws:iam::111122223333:role/app",
                    "action": "bedrock:InvokeModel",
                    "resource": "arn:aws:bedrock:us-east-1::foundation-model/x",
                    "context": {"aws:RequestedRegion": "us-east-1"}}
    });
    let out = perimeter::policy::simulate::simulate(&case);
    let v = &out.json;
    assert_eq!(v["decision"], "ImplicitDeny");
    let misses: Vec<&serde_json::Value> = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["effect"] == "ConditionNotMet")
        .collect();
    assert_eq!(
        misses.len(),
        1,
        "only the statement whose action matches: {v}"
    );
    assert_eq!(misses[0]["sid"], "PinRegion");
    let detail = misses[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("StringEquals")
            && detail.contains("eu-west-1")
            && detail.contains("us-east-1"),
        "{detail}"
    );
}
