//! NET-001: a VPC in a Bedrock-active Region has no `bedrock-runtime` interface endpoint.

use serde_json::json;

use super::{is_runtime_endpoint, is_usable, vpc_arn};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct RuntimeEndpointMissing;

impl Check for RuntimeEndpointMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (region, why) in &acct.active_regions {
                let Some(ec2) = acct
                    .account
                    .regions
                    .get(region)
                    .and_then(|d| d.ec2.as_ref())
                else {
                    let message = format!(
                        "VPCs and endpoints in {region} could not be read, so it is not known whether its VPCs reach Bedrock privately."
                    );
                    out.push(cx.unread_region(acct, region, why, "ec2", message));
                    continue;
                };
                let expected = format!("com.amazonaws.{region}.bedrock-runtime");
                let mut vpcs: Vec<_> = ec2.vpcs.iter().collect();
                vpcs.sort_by(|a, b| a.id.cmp(&b.id));
                for vpc in vpcs {
                    let eps: Vec<_> = ec2
                        .endpoints
                        .iter()
                        .filter(|e| e.vpc_id == vpc.id && is_runtime_endpoint(e))
                        .collect();
                    let usable: Vec<_> = eps.iter().filter(|e| is_usable(e)).collect();
                    let ev = json!({
                        "vpc_id": vpc.id,
                        "is_default_vpc": vpc.is_default,
                        "workload_interfaces": vpc.workload_interfaces,
                        "expected_service": expected,
                        "runtime_endpoints": usable.iter().map(|e| json!({"id": e.id, "service_name": e.service_name, "state": e.state})).collect::<Vec<_>>(),
                        "unusable_endpoints": eps.iter().filter(|e| !is_usable(e)).map(|e| json!({"id": e.id, "type": e.endpoint_type, "state": e.state})).collect::<Vec<_>>(),
                        "active_region_reasons": why,
                    });
                    let at = Subject::new(id, Some(region), vpc_arn(acct, region, &vpc.id));
                    let d = if usable.is_empty() && vpc.workload_interfaces == Some(0) {
                        at.pass(format!(
                                "VPC {} in {region} is idle: it holds no network interface, so nothing in it can call Bedrock (no endpoint needed until a workload moves in).",
                                vpc.id
                            ))
                    } else if usable.is_empty() && vpc.workload_interfaces.is_none() {
                        let mut ev = ev.clone();
                        ev["gaps"] = cx.gap_evidence(id, Some(region), "ec2")["gaps"].clone();
                        out.push(
                            at.unknown(format!(
                                    "VPC {} in {region} has no Bedrock Runtime endpoint, and whether anything in it could call Bedrock is not known: its network interfaces could not be read.",
                                    vpc.id
                                ))
                            .evidence(ev),
                        );
                        continue;
                    } else if let Some(e) = usable.first() {
                        at.pass(format!(
                                "VPC {} in {region} reaches Bedrock Runtime through interface endpoint {}.",
                                vpc.id, e.id
                            ))
                    } else {
                        at.fail(format!(
                                "VPC {} in Bedrock-active Region {region} has no interface endpoint for {expected}, so its model calls leave over the public endpoint.",
                                vpc.id
                            ))
                    };
                    out.push(d.evidence(ev));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{Ec2, RegionData, Vpc};

    fn ec2(with_endpoint: bool) -> Ec2 {
        Ec2 {
            vpcs: vec![Vpc {
                id: "vpc-1".into(),
                workload_interfaces: Some(2),
                ..Vpc::default()
            }],
            endpoints: if with_endpoint {
                vec![runtime_endpoint()]
            } else {
                Vec::new()
            },
            security_groups: Vec::new(),
        }
    }

    fn snap(data: RegionData, active: bool) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        a.regions.insert("us-east-1".into(), data);
        let mut s = snapshot(vec![a]);
        if active {
            s.accounts[0].regions.get_mut("us-east-1").unwrap().bedrock =
                Some(crate::model::Bedrock {
                    guardrails: Some(vec![crate::model::Guardrail {
                        id: "g".into(),
                        ..Default::default()
                    }]),
                    ..crate::model::Bedrock::all_read()
                });
        }
        s
    }

    #[test]
    fn vpc_without_runtime_endpoint_fails_in_active_region() {
        let s = snap(
            RegionData {
                ec2: Some(ec2(false)),
                ..RegionData::all_read()
            },
            true,
        );
        let f = run("NET-001", &s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].resource,
            "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1"
        );
        assert!(
            f[0].message
                .contains("com.amazonaws.us-east-1.bedrock-runtime")
        );
    }

    #[test]
    fn vpc_with_runtime_endpoint_passes() {
        let s = snap(
            RegionData {
                ec2: Some(ec2(true)),
                ..RegionData::all_read()
            },
            false,
        );
        // The endpoint itself makes the Region active.
        let f = run("NET-001", &s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(
            f[0].evidence.value()["runtime_endpoints"][0]["id"],
            "vpce-1"
        );
    }

    #[test]
    fn inactive_region_reports_nothing() {
        let s = snap(
            RegionData {
                ec2: Some(ec2(false)),
                ..RegionData::all_read()
            },
            false,
        );
        assert!(run("NET-001", &s).is_empty());
    }

    #[test]
    fn unreadable_ec2_in_active_region_is_unknown() {
        let s = snap(RegionData::default(), true);
        let f = run("NET-001", &s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Unknown);
        assert_eq!(f[0].resource, "arn:aws:iam::111122223333:root");
        assert_eq!(f[0].region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn idle_vpc_passes_and_unreadable_interfaces_are_unknown() {
        for (interfaces, want) in [(Some(0), Status::Pass), (None, Status::Unknown)] {
            let mut e = ec2(false);
            e.vpcs[0].workload_interfaces = interfaces;
            let s = snap(
                RegionData {
                    ec2: Some(e),
                    ..RegionData::all_read()
                },
                true,
            );
            let f = run("NET-001", &s);
            assert_eq!(f.len(), 1, "{f:?}");
            assert_eq!(f[0].status, want, "{interfaces:?}: {}", f[0].message);
        }
    }
}
