//! Policy engine benchmarks (single thread):
//! (a) a typical role: 5 policies, 20 statements with conditions;
//! (b) a worst case: one 200-statement policy full of wildcards and conditions;
//! (c) parse throughput of a large GetAccountAuthorizationDetails-like document.
//!
//! Run: `cargo bench --bench policy`

#![expect(
    clippy::expect_used,
    reason = "a benchmark fails loudly on a bad fixture"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use perimeter::policy::{Context, Labeled, Policy, PolicySet, Request, evaluate, evaluate_effect};
use serde_json::{Value, json};

const ACCT: &str = "111122223333";

fn typical_policies() -> Vec<Policy> {
    // 5 policies, 20 statements in total, most with conditions
    let docs = [
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Invoke", "Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
             "Resource": ["arn:aws:bedrock:*::foundation-model/anthropic.*", "arn:aws:bedrock:*:*:inference-profile/eu.*"],
             "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1", "eu-west-3"]}}},
            {"Sid": "List", "Effect": "Allow", "Action": ["bedrock:List*", "bedrock:Get*"], "Resource": "*"},
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "bedrock:Delete*", "Resource": "*"},
            {"Sid": "Guardrail", "Effect": "Allow", "Action": "bedrock:ApplyGuardrail",
             "Resource": format!("arn:aws:bedrock:eu-west-1:{ACCT}:guardrail/*")}
        ]}),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-data/${aws:PrincipalTag/team}/*"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::app-data",
             "Condition": {"StringLike": {"s3:prefix": ["${aws:PrincipalTag/team}/*"]}}},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": format!("arn:aws:kms:eu-west-1:{ACCT}:key/*"),
             "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}
        ]}),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": format!("arn:aws:logs:*:{ACCT}:log-group:/app/*")},
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": format!("arn:aws:logs:*:{ACCT}:log-group:/app/*:log-stream:*")},
            {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1", "eu-west-3"]}}},
            {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
             "Condition": {"StringEquals": {"cloudwatch:namespace": "App"}}}
        ]}),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": format!("arn:aws:sqs:eu-west-1:{ACCT}:jobs-*")},
            {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": format!("arn:aws:sqs:eu-west-1:{ACCT}:jobs-*"),
             "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}},
            {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2031-01-01T00:00:00Z"}}},
            {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": format!("arn:aws:dynamodb:eu-west-1:{ACCT}:table/app"),
             "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id", "name"]}}}
        ]}),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "bedrock:InvokeModel*", "Resource": "*",
             "Condition": {"ArnNotLike": {"bedrock:GuardrailIdentifier": format!("arn:aws:bedrock:eu-west-1:{ACCT}:guardrail/*")}}},
            {"Effect": "Deny", "Action": "bedrock:CallWithBearerToken", "Resource": "*"},
            {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": format!("arn:aws:ssm:eu-west-1:{ACCT}:parameter/app/*")},
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}
        ]}),
    ];
    docs.iter()
        .map(|d| Policy::from_value(d).expect("bench policy parses"))
        .collect()
}

fn typical_request() -> Request {
    let mut ctx = Context::new();
    ctx.insert("aws:RequestedRegion", "eu-west-1");
    ctx.insert("aws:PrincipalTag/team", "ml");
    ctx.insert("aws:SecureTransport", "true");
    ctx.insert("aws:CurrentTime", "2026-06-01T12:00:00Z");
    ctx.insert("aws:SourceIp", "10.1.2.3");
    ctx.insert(
        "bedrock:GuardrailIdentifier",
        format!("arn:aws:bedrock:eu-west-1:{ACCT}:guardrail/gr-1:1"),
    );
    Request {
        principal: format!("arn:aws:sts::{ACCT}:assumed-role/app/session"),
        action: "bedrock:InvokeModel".into(),
        resource:
            "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
                .into(),
        resource_account: Some(ACCT.into()),
        context: ctx,
        principal_is_service_linked_role: false,
    }
}

fn worst_policy() -> Policy {
    let mut stmts = Vec::new();
    for i in 0..200 {
        let effect = if i % 10 == 9 { "Deny" } else { "Allow" };
        stmts.push(json!({
            "Sid": format!("S{i}"),
            "Effect": effect,
            "Action": [format!("bedrock:*Model{i}*"), format!("b*r*c*:In*o*e*{i}"), "bedrock:InvokeModel*"],
            "Resource": [format!("arn:aws:bedrock:*::foundation-model/*a*n*t*h*{i}*"), "arn:aws:bedrock:*::foundation-model/*-v?:*"],
            "Condition": {
                "StringLike": {"aws:PrincipalTag/team": [format!("*m*{i}"), "*l*"]},
                "ForAnyValue:StringLike": {"aws:TagKeys": ["*x*y*z*", format!("k{i}*")]},
                "StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]},
                "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                // never true, so every statement is evaluated and none short-circuits the scan
                "NumericLessThan": {"bench:n": (i as i64) - 1000}
            }
        }));
    }
    Policy::from_value(&json!({"Version": "2012-10-17", "Statement": stmts}))
        .expect("worst policy parses")
}

/// A GetAccountAuthorizationDetails-like document: roles with URL-encoded inline and
/// managed policy documents.
fn gaad_document(roles: usize) -> String {
    let typical: Vec<Value> = typical_policies().iter().map(Policy::to_value).collect();
    let encode = |v: &Value| -> String {
        v.to_string()
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let mut role_list = Vec::new();
    for r in 0..roles {
        let d = &typical[r % typical.len()];
        role_list.push(json!({
            "Path": "/", "RoleName": format!("role-{r}"), "RoleId": format!("AROA{r:016}"),
            "Arn": format!("arn:aws:iam::{ACCT}:role/role-{r}"),
            "AssumeRolePolicyDocument": encode(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})),
            "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": encode(d)}],
        }));
    }
    let policies: Vec<Value> = typical
        .iter()
        .enumerate()
        .map(|(i, d)| json!({"PolicyName": format!("managed-{i}"), "PolicyVersionList": [{"Document": encode(d), "IsDefaultVersion": true}]}))
        .collect();
    json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": role_list, "Policies": policies}).to_string()
}

/// Parses every policy document of a GAAD document; returns the statement count.
fn parse_gaad(text: &str) -> usize {
    let v: Value = serde_json::from_str(text).expect("gaad JSON");
    let mut n = 0;
    for role in v["RoleDetailList"].as_array().expect("roles") {
        let trust =
            Policy::parse(role["AssumeRolePolicyDocument"].as_str().expect("doc")).expect("trust");
        n += trust.statements().len();
        for p in role["RolePolicyList"].as_array().expect("inline") {
            n += Policy::parse(p["PolicyDocument"].as_str().expect("doc"))
                .expect("inline")
                .statements()
                .len();
        }
    }
    for p in v["Policies"].as_array().expect("policies") {
        for ver in p["PolicyVersionList"].as_array().expect("versions") {
            n += Policy::parse(ver["Document"].as_str().expect("doc"))
                .expect("managed")
                .statements()
                .len();
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let policies = typical_policies();
    assert_eq!(
        policies.iter().map(|p| p.statements().len()).sum::<usize>(),
        20
    );
    let set = PolicySet {
        identity: policies
            .iter()
            .enumerate()
            .map(|(i, p)| Labeled::new(format!("identity[{i}]"), p))
            .collect(),
        ..Default::default()
    };
    let req = typical_request();
    assert_eq!(
        evaluate(&set, &req).effect,
        perimeter::policy::DecisionEffect::Allow
    );

    let mut g = c.benchmark_group("typical_role");
    g.throughput(Throughput::Elements(1));
    g.bench_function("evaluate", |b| {
        b.iter(|| evaluate(black_box(&set), black_box(&req)))
    });
    g.bench_function("evaluate_effect", |b| {
        b.iter(|| evaluate_effect(black_box(&set), black_box(&req)))
    });
    g.finish();

    let worst = worst_policy();
    let wset = PolicySet {
        identity: vec![Labeled::new("identity[0]", &worst)],
        ..Default::default()
    };
    let mut wreq = typical_request();
    wreq.context.insert_multi(
        "aws:TagKeys",
        vec!["alpha".into(), "beta-xyz".into(), "k77".into()],
    );
    wreq.context.insert("bench:n", "5");
    let mut g = c.benchmark_group("worst_case_200_statements");
    g.throughput(Throughput::Elements(1));
    g.bench_function("evaluate", |b| {
        b.iter(|| evaluate(black_box(&wset), black_box(&wreq)))
    });
    g.finish();

    let gaad = gaad_document(2000);
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(gaad.len() as u64));
    g.sample_size(10);
    g.bench_function("gaad_document", |b| b.iter(|| parse_gaad(black_box(&gaad))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
