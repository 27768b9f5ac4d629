//! Property tests for the policy engine: monotonicity of Deny/Allow, the wildcard matcher
//! against a reference, and parse → print → parse round-trips.

use perimeter::policy::arn::ResourceArnPattern;
use perimeter::policy::{
    Context, DecisionEffect, Labeled, Pattern, Policy, PolicySet, Request, evaluate,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const ACCT: &str = "111122223333";
const OTHER: &str = "444455556666";

fn action() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("*")),
        Just(json!("bedrock:*")),
        Just(json!("bedrock:InvokeModel")),
        Just(json!("bedrock:Invoke*")),
        Just(json!("BEDROCK:invokemodel")),
        Just(json!(["s3:GetObject", "kms:?ecrypt"])),
        Just(json!("sts:AssumeRole")),
    ]
}

fn resource() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("*")),
        Just(json!("arn:aws:bedrock:*::foundation-model/*")),
        Just(json!("arn:aws:bedrock:us-east-1::foundation-model/a*")),
        Just(json!(["arn:aws:s3:::b/*", "arn:aws:kms:*:*:key/*"])),
        Just(json!(
            "arn:aws:bedrock:${aws:RequestedRegion}::foundation-model/*"
        )),
        Just(json!("arn:aws:iam::*:role/target")),
    ]
}

fn principal() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!("*"))),
        Just(Some(
            json!({"AWS": format!("arn:aws:iam::{ACCT}:role/app")})
        )),
        Just(Some(json!({"AWS": ACCT}))),
        Just(Some(
            json!({"AWS": [format!("arn:aws:iam::{OTHER}:root"), format!("arn:aws:iam::{ACCT}:user/alice")]})
        )),
        Just(Some(json!({"Service": "bedrock.amazonaws.com"}))),
    ]
}

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(
            json!({"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}})
        )),
        Just(Some(
            json!({"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}})
        )),
        Just(Some(
            json!({"Null": {"bedrock:GuardrailIdentifier": "true"}})
        )),
        Just(Some(
            json!({"ForAllValues:StringLike": {"aws:TagKeys": ["a*", "b"]}})
        )),
        Just(Some(
            json!({"ForAnyValue:StringEquals": {"aws:TagKeys": "b"}})
        )),
        Just(Some(json!({"NumericLessThanIfExists": {"n": 5}}))),
        Just(Some(
            json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}})
        )),
        Just(Some(
            json!({"ArnNotLike": {"bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/eu.*"}})
        )),
        Just(Some(
            json!({"Bool": {"aws:SecureTransport": true}, "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})
        )),
        Just(Some(
            json!({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "${aws:username, 'ML'}"}})
        )),
    ]
}

fn statement_with(effect: &'static str) -> impl Strategy<Value = Value> {
    (
        action(),
        resource(),
        principal(),
        condition(),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of("[A-Za-z0-9]{1,6}"),
        any::<bool>(),
    )
        .prop_map(
            move |(a, r, p, c, not_action, not_resource, sid, not_principal)| {
                let mut m = serde_json::Map::new();
                if let Some(sid) = sid {
                    m.insert("Sid".into(), json!(sid));
                }
                m.insert("Effect".into(), json!(effect));
                m.insert(if not_action { "NotAction" } else { "Action" }.into(), a);
                m.insert(
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    r,
                );
                if let Some(p) = p {
                    // NotPrincipal is only meaningful (and only recommended) with Deny
                    let key = if not_principal && effect == "Deny" && p.is_object() {
                        "NotPrincipal"
                    } else {
                        "Principal"
                    };
                    m.insert(key.into(), p);
                }
                if let Some(c) = c {
                    m.insert("Condition".into(), c);
                }
                Value::Object(m)
            },
        )
}

fn statement() -> impl Strategy<Value = Value> {
    prop_oneof![3 => statement_with("Allow"), 1 => statement_with("Deny")]
}

fn document() -> impl Strategy<Value = Value> {
    (proptest::collection::vec(statement(), 1..4), any::<bool>()).prop_map(|(s, v2012)| {
        if v2012 {
            json!({"Version": "2012-10-17", "Statement": s})
        } else {
            json!({"Version": "2008-10-17", "Statement": s})
        }
    })
}

/// A policy set as JSON documents, so a statement can be added before parsing.
#[derive(Debug, Clone)]
struct Docs {
    identity: Vec<Value>,
    boundary: Option<Vec<Value>>,
    scp: Option<Vec<Vec<Value>>>,
    resource: Vec<Value>,
    endpoint: Option<Vec<Value>>,
}

fn docs() -> impl Strategy<Value = Docs> {
    (
        proptest::collection::vec(document(), 0..3),
        proptest::option::of(proptest::collection::vec(document(), 0..2)),
        proptest::option::of(proptest::collection::vec(
            proptest::collection::vec(document(), 0..2),
            0..3,
        )),
        proptest::collection::vec(document(), 0..2),
        proptest::option::of(proptest::collection::vec(document(), 0..2)),
    )
        .prop_map(|(identity, boundary, scp, resource, endpoint)| Docs {
            identity,
            boundary,
            scp,
            resource,
            endpoint,
        })
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop_oneof![
            Just(format!("arn:aws:iam::{ACCT}:role/app")),
            Just(format!("arn:aws:sts::{ACCT}:assumed-role/app/s")),
            Just(format!("arn:aws:iam::{ACCT}:user/alice")),
            Just(format!("arn:aws:sts::{OTHER}:assumed-role/partner/s")),
            Just("bedrock.amazonaws.com".to_string()),
        ],
        prop_oneof![
            Just("bedrock:InvokeModel"),
            Just("s3:GetObject"),
            Just("kms:Decrypt"),
            Just("sts:AssumeRole"),
        ],
        prop_oneof![
            Just("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude"),
            Just("arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan"),
            Just("arn:aws:s3:::b/key"),
            Just("arn:aws:kms:us-east-1:111122223333:key/k1"),
            Just("arn:aws:iam::111122223333:role/target"),
            Just("*"),
        ],
        proptest::option::of(prop_oneof![Just(ACCT), Just(OTHER)]),
        proptest::option::of(prop_oneof![Just("us-east-1"), Just("eu-west-1")]),
        proptest::option::of(proptest::collection::vec(
            prop_oneof![Just("a1"), Just("b"), Just("c")],
            0..3,
        )),
        proptest::option::of(Just("gr-1")),
        any::<bool>(),
    )
        .prop_map(
            |(principal, action, resource, racct, region, tags, gr, slr)| {
                let mut context = Context::new();
                if let Some(r) = region {
                    context.insert("aws:RequestedRegion", r);
                }
                if let Some(t) = tags {
                    context.insert_multi("aws:TagKeys", t.into_iter().map(String::from).collect());
                }
                if let Some(g) = gr {
                    context.insert("bedrock:GuardrailIdentifier", g);
                }
                context.insert("aws:SourceIp", "10.1.2.3");
                Request {
                    principal,
                    action: action.to_string(),
                    resource: resource.to_string(),
                    resource_account: racct.map(String::from),
                    context,
                    principal_is_service_linked_role: slr,
                }
            },
        )
}

fn parse_all(v: &[Value]) -> Vec<Policy> {
    v.iter()
        .map(|d| Policy::from_value(d).expect("generated documents parse"))
        .collect()
}

fn decide(d: &Docs, req: &Request) -> DecisionEffect {
    let identity = parse_all(&d.identity);
    let boundary = d.boundary.as_deref().map(parse_all);
    let scp: Option<Vec<Vec<Policy>>> = d
        .scp
        .as_ref()
        .map(|l| l.iter().map(|v| parse_all(v)).collect());
    let resource = parse_all(&d.resource);
    let endpoint = d.endpoint.as_deref().map(parse_all);
    fn lab(ps: &[Policy]) -> Vec<Labeled<'_>> {
        ps.iter()
            .enumerate()
            .map(|(i, p)| Labeled {
                label: format!("p{i}"),
                policy: p,
            })
            .collect()
    }
    let set = PolicySet {
        identity: lab(&identity),
        permissions_boundary: boundary.as_deref().map(lab),
        scp: scp.as_ref().map(|l| l.iter().map(|v| lab(v)).collect()),
        resource: lab(&resource),
        vpc_endpoint: endpoint.as_deref().map(lab),
        semantics: None,
    };
    evaluate(&set, req).effect
}

/// Adds `stmt` to a policy of layer `layer` (creating the policy/level when needed).
fn add_statement(d: &Docs, layer: u8, which: usize, stmt: Value) -> Docs {
    let mut d = d.clone();
    let push = |docs: &mut Vec<Value>, stmt: Value| {
        if docs.is_empty() {
            docs.push(json!({"Version": "2012-10-17", "Statement": [stmt]}));
        } else {
            let i = which % docs.len();
            docs[i]["Statement"]
                .as_array_mut()
                .expect("array")
                .push(stmt);
        }
    };
    match layer % 5 {
        0 => push(&mut d.identity, stmt),
        1 => push(d.boundary.get_or_insert_with(Vec::new), stmt),
        2 => {
            let levels = d.scp.get_or_insert_with(Vec::new);
            if levels.is_empty() {
                levels.push(Vec::new());
            }
            let l = which % levels.len();
            push(&mut levels[l], stmt);
        }
        3 => push(&mut d.resource, stmt),
        _ => push(d.endpoint.get_or_insert_with(Vec::new), stmt),
    }
    d
}

/// Reference wildcard matcher: dynamic programming over characters.
fn reference_match(pattern: &str, text: &str, ci: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if ci {
            s.chars().map(|c| c.to_ascii_lowercase()).collect()
        } else {
            s.chars().collect()
        }
    };
    let p = norm(pattern);
    let t = norm(text);
    let mut dp = vec![vec![false; t.len() + 1]; p.len() + 1];
    dp[0][0] = true;
    for i in 1..=p.len() {
        if p[i - 1] == '*' {
            dp[i][0] = dp[i - 1][0];
        }
        for j in 1..=t.len() {
            dp[i][j] = match p[i - 1] {
                '*' => dp[i - 1][j] || dp[i][j - 1],
                '?' => dp[i - 1][j - 1],
                c => dp[i - 1][j - 1] && c == t[j - 1],
            };
        }
    }
    dp[p.len()][t.len()]
}

/// Reference for `Resource` ARN patterns, straight from the IAM User Guide's wording:
/// `*` and `?` work "within the individual segments of an ARN (the parts separated by
/// colons)", except that "If the * wildcard is the last character of a resource ARN
/// segment, it can expand to match beyond the colon boundaries." Dynamic programming over
/// characters.
fn reference_resource_match(pattern: &str, text: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum T {
        Lit(char),
        One,
        StarSeg,
        StarAll,
    }
    let p: Vec<char> = pattern.chars().collect();
    let toks: Vec<T> = p
        .iter()
        .enumerate()
        .map(|(i, c)| match c {
            '*' if i + 1 == p.len() || p[i + 1] == ':' => T::StarAll,
            '*' => T::StarSeg,
            '?' => T::One,
            c => T::Lit(*c),
        })
        .collect();
    let t: Vec<char> = text.chars().collect();
    let mut dp = vec![vec![false; t.len() + 1]; toks.len() + 1];
    dp[0][0] = true;
    for i in 1..=toks.len() {
        for j in 0..=t.len() {
            dp[i][j] = match toks[i - 1] {
                T::StarAll => dp[i - 1][j] || (j > 0 && dp[i][j - 1]),
                T::StarSeg => dp[i - 1][j] || (j > 0 && t[j - 1] != ':' && dp[i][j - 1]),
                T::One => j > 0 && t[j - 1] != ':' && dp[i - 1][j - 1],
                T::Lit(c) => j > 0 && t[j - 1] == c && dp[i - 1][j - 1],
            };
        }
    }
    dp[toks.len()][t.len()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, .. ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_never_produces_an_allow(
        d in docs(), req in request(), layer in 0u8..5, which in 0usize..4, stmt in statement_with("Deny")
    ) {
        let before = decide(&d, &req);
        let after = decide(&add_statement(&d, layer, which, stmt), &req);
        if after == DecisionEffect::Allow {
            prop_assert_eq!(before, DecisionEffect::Allow);
        }
        if before == DecisionEffect::ExplicitDeny {
            prop_assert_eq!(after, DecisionEffect::ExplicitDeny);
        }
    }

    #[test]
    fn adding_an_allow_never_produces_an_explicit_deny(
        d in docs(), req in request(), layer in 0u8..5, which in 0usize..4, stmt in statement_with("Allow")
    ) {
        let before = decide(&d, &req);
        let after = decide(&add_statement(&d, layer, which, stmt), &req);
        // The one exception AWS documents: giving the principal a permissions boundary
        // (an Allow into an absent or empty boundary) turns every Deny with NotPrincipal
        // into a deny for it.
        let creates_boundary = layer % 5 == 1 && d.boundary.as_ref().is_none_or(|b| b.is_empty());
        if after == DecisionEffect::ExplicitDeny && !creates_boundary {
            prop_assert_eq!(before, DecisionEffect::ExplicitDeny);
        }
    }

    #[test]
    fn not_principal_deny_always_denies_a_principal_with_a_boundary(
        d in docs(), req in request(), which in 0usize..4
    ) {
        // "The NotPrincipal element with a Deny effect will always deny any IAM principal
        // that has a permissions boundary policy attached, regardless of the values
        // specified in the NotPrincipal element."
        let mut d = d;
        if d.boundary.as_ref().is_none_or(|b| b.is_empty()) {
            d.boundary = Some(vec![json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]})]);
        }
        let stmt = json!({"Effect": "Deny", "NotPrincipal": {"AWS": req.principal}, "Action": "*", "Resource": "*"});
        let with = decide(&add_statement(&d, 3, which, stmt.clone()), &req);
        if !req.principal_is_service_linked_role {
            prop_assert_eq!(with, DecisionEffect::ExplicitDeny);
        } else if with == DecisionEffect::ExplicitDeny {
            // a service-linked role cannot have a boundary: NotPrincipal exempts it
            prop_assert_eq!(decide(&d, &req), DecisionEffect::ExplicitDeny);
        }
        // without a boundary, the principal NotPrincipal names is exempt (the statement may
        // still change the answer otherwise: a first resource policy on a KMS key is a key
        // policy that must allow)
        let mut none = d.clone();
        none.boundary = None;
        let after = decide(&add_statement(&none, 3, which, stmt), &req);
        if after == DecisionEffect::ExplicitDeny {
            prop_assert_eq!(decide(&none, &req), DecisionEffect::ExplicitDeny);
        }
    }

    #[test]
    fn wildcard_agrees_with_reference(pattern in "[ab*?é:/]{0,12}", text in "[abAé:/]{0,14}") {
        prop_assert_eq!(Pattern::new(&pattern).matches(&text), reference_match(&pattern, &text, false));
        prop_assert_eq!(Pattern::new_ignore_case(&pattern).matches(&text), reference_match(&pattern, &text, true));
    }

    #[test]
    fn resource_arn_pattern_agrees_with_reference(pattern in "[ab:*?]{0,12}", text in "[ab:]{0,14}") {
        let full = format!("arn:{pattern}");
        let arn = format!("arn:{text}");
        prop_assert_eq!(
            ResourceArnPattern::new(&full).matches(&arn),
            reference_resource_match(&full, &arn),
            "{} vs {}", full, arn
        );
    }

    #[test]
    fn wildcard_agrees_on_long_inputs(pattern in "[ab*?]{0,30}", text in "[ab]{0,60}") {
        prop_assert_eq!(Pattern::new(&pattern).matches(&text), reference_match(&pattern, &text, false));
    }

    #[test]
    fn parse_print_parse_round_trips(doc in document()) {
        let p = Policy::from_value(&doc).expect("parses");
        let printed = p.to_value();
        let again = Policy::from_value(&printed).expect("printed form parses");
        prop_assert_eq!(&p, &again);
        // and through text, URL-encoded as IAM returns documents
        let text = printed.to_string();
        let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
        prop_assert_eq!(&Policy::parse(&encoded).expect("url-encoded parses"), &p);
    }

    #[test]
    fn parser_never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
        let _ = Policy::parse(&s);
    }
}
