//! Fuzz target: the policy parser (and evaluation of whatever parses) must never panic.
//!
//! Run from `fuzz/`: `cargo +nightly fuzz run parse_policy -- -max_total_time=600`
#![no_main]

use libfuzzer_sys::fuzz_target;
use perimeter::policy::{Context, Labeled, Policy, PolicySet, Request, evaluate, simulate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Policy::parse(text) {
        // printing back and re-parsing must work for anything that parsed
        let again = Policy::from_value(&p.to_value()).expect("printed policy re-parses");
        assert_eq!(p, again);
        let mut ctx = Context::new();
        ctx.insert("aws:RequestedRegion", "us-east-1");
        ctx.insert_multi("aws:TagKeys", vec!["a".into(), "b".into()]);
        let mut req = Request::new(
            "arn:aws:sts::111122223333:assumed-role/app/s",
            "bedrock:InvokeModel",
            "arn:aws:bedrock:us-east-1::foundation-model/x",
        );
        req.context = ctx;
        let set = PolicySet {
            identity: vec![Labeled::new("identity[0]", &p)],
            scp: Some(vec![vec![Labeled::new("scp[0][0]", &p)]]),
            resource: vec![Labeled::new("resource[0]", &p)],
            ..Default::default()
        };
        let _ = evaluate(&set, &req);
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = simulate(&v);
    }
});
