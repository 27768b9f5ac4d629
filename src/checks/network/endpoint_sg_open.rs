//! NET-006: a Bedrock endpoint's security group admits 0.0.0.0/0 or ::/0.

use serde_json::{Value, json};

use super::{Endpoint, endpoint_evidence, endpoints, is_bedrock_interface};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::SgRule;

#[derive(Debug)]
pub struct EndpointSgOpen;

fn open_ranges(rule: &SgRule) -> Vec<String> {
    rule.ipv4_ranges
        .iter()
        .chain(rule.ipv6_ranges.iter())
        .filter(|r| matches!(r.trim(), "0.0.0.0/0" | "::/0"))
        .cloned()
        .collect()
}

fn rule_json(rule: &SgRule) -> Value {
    json!({
        "protocol": rule.protocol,
        "from_port": rule.from_port,
        "to_port": rule.to_port,
        "open_ranges": open_ranges(rule),
    })
}

impl Check for EndpointSgOpen {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let what = "Bedrock endpoint security groups";
            for Endpoint {
                region,
                ec2,
                ep,
                at,
            } in endpoints(cx, acct, what, is_bedrock_interface, &mut out)
            {
                let mut open = Vec::new();
                let mut missing = Vec::new();
                let mut examined = Vec::new();
                let mut sg_ids = ep.security_group_ids.clone();
                sg_ids.sort();
                sg_ids.dedup();
                for sg_id in &sg_ids {
                    match ec2.security_groups.iter().find(|g| &g.id == sg_id) {
                        None => missing.push(sg_id.clone()),
                        Some(sg) => {
                            examined.push(sg.id.clone());
                            let rules: Vec<Value> = sg
                                .ingress
                                .iter()
                                .filter(|r| !open_ranges(r).is_empty())
                                .map(rule_json)
                                .collect();
                            if !rules.is_empty() {
                                open.push(json!({"group_id": sg.id, "group_name": sg.name, "rules": rules}));
                            }
                        }
                    }
                }
                let mut ev = endpoint_evidence(ep);
                ev["security_groups"] = json!(sg_ids);
                ev["open_ingress"] = json!(open);
                if !missing.is_empty() {
                    ev["not_collected"] = json!(missing);
                }
                let d = if !open.is_empty() {
                    at.fail(format!(
                                "Endpoint {} for {} has a security group that admits traffic from anywhere (0.0.0.0/0 or ::/0).",
                                ep.id, ep.service_name
                            ))
                } else if sg_ids.is_empty() {
                    at.unknown(format!(
                                "Endpoint {} for {} has no security group recorded, so its ingress cannot be checked.",
                                ep.id, ep.service_name
                            ))
                } else if !missing.is_empty() {
                    ev = cx.with_gaps(ev, id, Some(region), "ec2");
                    at.unknown(format!(
                                "Security group(s) {} of endpoint {} were not collected, so its ingress cannot be fully checked.",
                                missing.join(", "),
                                ep.id
                            ))
                } else {
                    at.pass(format!(
                                "Endpoint {} for {} admits traffic only from named sources, not from anywhere.",
                                ep.id, ep.service_name
                            ))
                };
                out.push(d.evidence(ev));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{RegionData, SecurityGroup, SgRule, VpcEndpoint};

    fn snap(ranges: &[&str], collected: bool) -> crate::model::Snapshot {
        let sg = SecurityGroup {
            id: "sg-1".into(),
            name: "endpoint".into(),
            vpc_id: "vpc-1".into(),
            ingress: vec![SgRule {
                protocol: "tcp".into(),
                from_port: Some(443),
                to_port: Some(443),
                ipv4_ranges: ranges
                    .iter()
                    .filter(|r| !r.contains(':'))
                    .map(|r| r.to_string())
                    .collect(),
                ipv6_ranges: ranges
                    .iter()
                    .filter(|r| r.contains(':'))
                    .map(|r| r.to_string())
                    .collect(),
                source_groups: Vec::new(),
            }],
        };
        let mut ec2 = ec2_with(VpcEndpoint {
            security_group_ids: vec!["sg-1".into()],
            ..runtime_endpoint()
        });
        if collected {
            ec2.security_groups = vec![sg];
        }
        one_region(RegionData {
            ec2: Some(ec2),
            ..RegionData::all_read()
        })
    }

    #[test]
    fn open_ipv6_ingress_fails() {
        let f = run("NET-006", &snap(&["10.0.0.0/16", "::/0"], true));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].resource,
            "arn:aws:ec2:us-east-1:111122223333:vpc-endpoint/vpce-1"
        );
        assert_eq!(
            f[0].evidence.value()["open_ingress"][0]["rules"][0]["open_ranges"][0],
            "::/0"
        );
    }

    #[test]
    fn vpc_cidr_only_passes() {
        let f = run("NET-006", &snap(&["10.0.0.0/16"], true));
        assert_eq!(f[0].status, Status::Pass);
    }

    #[test]
    fn uncollected_group_is_unknown() {
        let f = run("NET-006", &snap(&["10.0.0.0/16"], false));
        assert_eq!(f[0].status, Status::Unknown);
        assert_eq!(f[0].evidence.value()["not_collected"][0], "sg-1");
    }
}
