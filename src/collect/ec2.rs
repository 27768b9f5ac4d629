//! EC2 per Region: VPCs, Bedrock interface endpoints (policy, private DNS, state) and the
//! security groups attached to them.

use std::collections::BTreeSet;

use aws_sdk_ec2::Client;

use super::context::CallContext;
use super::decode::policy_document;
use crate::model::{Ec2, SecurityGroup, SgRule, Tags, Vpc, VpcEndpoint};

const SVC: &str = "ec2";
const MAX_PAGES: usize = 100;

/// True for the Bedrock PrivateLink services of `region` (`com.amazonaws.<region>.bedrock*`).
pub fn is_bedrock_service(service_name: &str, region: &str) -> bool {
    service_name
        .strip_prefix("com.amazonaws.")
        .and_then(|rest| rest.strip_prefix(region))
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|svc| svc.starts_with("bedrock"))
}

/// Network interfaces per VPC, leaving out VPC endpoints' own: what could call Bedrock.
/// `None` (with a gap) when they could not be listed in full.
async fn workload_interfaces(
    client: &Client,
    cx: &CallContext,
) -> Option<std::collections::BTreeMap<String, u32>> {
    let mut counts = std::collections::BTreeMap::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "DescribeNetworkInterfaces", None, || {
                client
                    .describe_network_interfaces()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for n in page.network_interfaces() {
            let kind = n.interface_type().map(|t| t.as_str()).unwrap_or_default();
            if kind == "vpc_endpoint" || kind == "gateway_load_balancer_endpoint" {
                continue;
            }
            if let Some(v) = n.vpc_id() {
                *counts.entry(v.to_string()).or_insert(0u32) += 1;
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Some(counts),
        }
    }
    Some(counts)
}

/// Read VPCs and Bedrock endpoints of one Region. `None` when either list could not be read.
pub async fn collect_ec2(client: &Client, cx: &CallContext) -> Option<Ec2> {
    let region = cx.region.clone().unwrap_or_default();
    let mut ec2 = Ec2::default();

    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "DescribeVpcs", None, || {
                client.describe_vpcs().set_next_token(token.clone()).send()
            })
            .await?;
        for v in page.vpcs() {
            ec2.vpcs.push(Vpc {
                id: v.vpc_id().unwrap_or_default().to_string(),
                cidr: v.cidr_block().unwrap_or_default().to_string(),
                is_default: v.is_default().unwrap_or(false),
                tags: tags(v.tags()),
                workload_interfaces: None,
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }

    if !ec2.vpcs.is_empty()
        && let Some(counts) = workload_interfaces(client, cx).await
    {
        for v in &mut ec2.vpcs {
            v.workload_interfaces = Some(counts.get(&v.id).copied().unwrap_or(0));
        }
    }

    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "DescribeVpcEndpoints", None, || {
                client
                    .describe_vpc_endpoints()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for e in page.vpc_endpoints() {
            let service = e.service_name().unwrap_or_default();
            if !is_bedrock_service(service, &region) {
                continue;
            }
            let id = e.vpc_endpoint_id().unwrap_or_default().to_string();
            let policy = match e.policy_document() {
                Some(text) if !text.trim().is_empty() => match policy_document(text) {
                    Ok(v) => Some(v),
                    Err(err) => {
                        cx.gap(
                            SVC,
                            "DescribeVpcEndpoints",
                            format!("endpoint policy: {err}"),
                            Some(&id),
                        );
                        None
                    }
                },
                _ => None,
            };
            ec2.endpoints.push(VpcEndpoint {
                vpc_id: e.vpc_id().unwrap_or_default().to_string(),
                service_name: service.to_string(),
                endpoint_type: e
                    .vpc_endpoint_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                // moto answers lower-case (`available`); the SDK enum keeps the raw text.
                state: e
                    .state()
                    .map(|s| normalise_state(s.as_str()))
                    .unwrap_or_default(),
                private_dns_enabled: e.private_dns_enabled().unwrap_or(false),
                policy,
                security_group_ids: e
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect(),
                subnet_ids: e.subnet_ids().to_vec(),
                id,
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }

    let group_ids: BTreeSet<String> = ec2
        .endpoints
        .iter()
        .flat_map(|e| e.security_group_ids.iter().cloned())
        .collect();
    if !group_ids.is_empty() {
        let ids: Vec<String> = group_ids.into_iter().collect();
        // Up to 200 ids per call keeps requests small.
        for chunk in ids.chunks(200) {
            let Some(out) = cx
                .call_or_gap(SVC, "DescribeSecurityGroups", None, || {
                    client
                        .describe_security_groups()
                        .set_group_ids(Some(chunk.to_vec()))
                        .send()
                })
                .await
            else {
                continue;
            };
            for g in out.security_groups() {
                ec2.security_groups.push(SecurityGroup {
                    id: g.group_id().unwrap_or_default().to_string(),
                    name: g.group_name().unwrap_or_default().to_string(),
                    vpc_id: g.vpc_id().unwrap_or_default().to_string(),
                    ingress: g
                        .ip_permissions()
                        .iter()
                        .map(|p| SgRule {
                            protocol: p.ip_protocol().unwrap_or("-1").to_string(),
                            from_port: p.from_port(),
                            to_port: p.to_port(),
                            ipv4_ranges: p
                                .ip_ranges()
                                .iter()
                                .filter_map(|r| r.cidr_ip().map(str::to_string))
                                .collect(),
                            ipv6_ranges: p
                                .ipv6_ranges()
                                .iter()
                                .filter_map(|r| r.cidr_ipv6().map(str::to_string))
                                .collect(),
                            source_groups: p
                                .user_id_group_pairs()
                                .iter()
                                .filter_map(|u| u.group_id().map(str::to_string))
                                .collect(),
                        })
                        .collect(),
                });
            }
        }
    }
    Some(ec2)
}

/// Endpoint states in AWS's spelling (`Available`), whatever case the endpoint used.
fn normalise_state(s: &str) -> String {
    const KNOWN: &[&str] = &[
        "PendingAcceptance",
        "Pending",
        "Available",
        "Deleting",
        "Deleted",
        "Rejected",
        "Failed",
        "Expired",
        "Partial",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(s) || k.eq_ignore_ascii_case(&s.replace(['-', '_'], "")))
        .map(|k| k.to_string())
        .unwrap_or_else(|| s.to_string())
}

fn tags(list: &[aws_sdk_ec2::types::Tag]) -> Tags {
    list.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// Regions enabled in the account (`DescribeRegions`, opted-in or not requiring opt-in).
pub async fn enabled_regions(client: &Client, cx: &CallContext) -> Option<Vec<String>> {
    let out = cx
        .call_or_gap(SVC, "DescribeRegions", None, || {
            client.describe_regions().send()
        })
        .await?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status().is_none_or(|s| s != "not-opted-in"))
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    regions.dedup();
    Some(regions)
}
