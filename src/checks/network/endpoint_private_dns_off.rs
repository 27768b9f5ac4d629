//! NET-002: a Bedrock interface endpoint has private DNS disabled.

use super::{Endpoint, endpoint_evidence, endpoints, is_bedrock_interface};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct EndpointPrivateDnsOff;

impl Check for EndpointPrivateDnsOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let what = "private DNS of Bedrock endpoints";
            for Endpoint { ep, at, .. } in endpoints(cx, acct, what, is_bedrock_interface, &mut out)
            {
                let mut ev = endpoint_evidence(ep);
                ev["private_dns_enabled"] = ep.private_dns_enabled.into();
                let d = if ep.private_dns_enabled {
                    at.pass(format!(
                        "Endpoint {} for {} has private DNS enabled, so SDK calls to the default hostname stay in the VPC.",
                        ep.id, ep.service_name
                    ))
                } else {
                    at.fail(format!(
                        "Endpoint {} for {} has private DNS disabled, so SDK calls to the default hostname still go to the public endpoint.",
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
    use crate::model::{RegionData, VpcEndpoint};

    fn snap(dns: Option<bool>) -> crate::model::Snapshot {
        let ec2 = dns.map(|dns| {
            ec2_with(VpcEndpoint {
                private_dns_enabled: dns,
                ..runtime_endpoint()
            })
        });
        one_region(RegionData {
            ec2,
            ..RegionData::all_read()
        })
    }

    #[test]
    fn private_dns_off_fails() {
        let f = run("NET-002", &snap(Some(false)));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].resource,
            "arn:aws:ec2:us-east-1:111122223333:vpc-endpoint/vpce-1"
        );
        assert!(f[0].message.contains("private DNS disabled"));
    }

    #[test]
    fn private_dns_on_passes() {
        let f = run("NET-002", &snap(Some(true)));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].evidence.value()["private_dns_enabled"], true);
    }

    #[test]
    fn unreadable_ec2_in_active_region_is_unknown() {
        let cfg = crate::config::Config {
            bedrock_regions: vec!["us-east-1".into()],
            ..Default::default()
        };
        let f = run_with("NET-002", &snap(None), &cfg);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
