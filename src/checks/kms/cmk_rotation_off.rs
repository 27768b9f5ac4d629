//! KMS-001: a customer-managed symmetric key has automatic rotation disabled.

use serde_json::json;

use super::{described_keys, key_name};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::{KmsKey, Probe};

#[derive(Debug)]
pub struct CmkRotationOff;

/// Automatic rotation applies to enabled, customer-managed, symmetric encryption keys whose
/// material KMS generated (not imported, not in a custom key store).
fn rotatable(k: &KmsKey) -> bool {
    let enabled = k.state.is_empty() || k.state.eq_ignore_ascii_case("Enabled");
    let symmetric = k.spec.is_empty() || k.spec == "SYMMETRIC_DEFAULT";
    let encrypt = k.usage.is_empty() || k.usage == "ENCRYPT_DECRYPT";
    let kms_origin = k.origin.is_empty() || k.origin == "AWS_KMS";
    k.is_customer_managed() && enabled && symmetric && encrypt && kms_origin
}

impl Check for CmkRotationOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for (account, region, key) in described_keys(cx, &mut out) {
            if !rotatable(key) {
                continue;
            }
            let at = Subject::new(account, Some(region), &key.arn);
            let name = key_name(key);
            let ev = json!({
                "key_id": key.id,
                "aliases": key.aliases,
                "spec": key.spec,
                "state": key.state,
                "origin": key.origin,
                "rotation_enabled": match &key.rotation_enabled {
                    Probe::Found(b) => json!(b),
                    Probe::Absent => json!("not applicable"),
                    Probe::Unknown => json!("unknown"),
                },
            });
            let d = match &key.rotation_enabled {
                Probe::Found(true) => at.pass(format!("Customer-managed key {name} has automatic rotation enabled.")),
                Probe::Found(false) => at.fail(format!(
                        "Customer-managed key {name} has automatic rotation disabled, so its key material never changes."
                    )),
                Probe::Absent => continue,
                Probe::Unknown => {
                    let ev = cx.with_gaps(ev.clone(), account, Some(region), "kms");
                    out.push(at.unknown(format!("The rotation status of customer-managed key {name} could not be read.")).evidence(ev));
                    continue;
                }
            };
            out.push(d.evidence(ev));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{Kms, KmsKey, Probe, RegionData};

    pub(crate) fn key(id: &str, manager: &str, rotation: Probe<bool>) -> KmsKey {
        KmsKey {
            id: id.into(),
            arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{id}"),
            manager: manager.into(),
            state: "Enabled".into(),
            spec: "SYMMETRIC_DEFAULT".into(),
            usage: "ENCRYPT_DECRYPT".into(),
            origin: "AWS_KMS".into(),
            rotation_enabled: rotation,
            ..KmsKey::default()
        }
    }

    fn snap(keys: Vec<KmsKey>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        a.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms { keys }),
                ..RegionData::all_read()
            },
        );
        snapshot(vec![a])
    }

    #[test]
    fn rotation_off_fails_and_on_passes() {
        let f = run(
            "KMS-001",
            &snap(vec![
                key("k-off", "CUSTOMER", Probe::Found(false)),
                key("k-on", "CUSTOMER", Probe::Found(true)),
            ]),
        );
        assert_eq!(f.len(), 2);
        let off = f.iter().find(|f| f.resource.ends_with("k-off")).unwrap();
        assert_eq!(off.status, Status::Fail);
        assert!(off.message.contains("rotation disabled"));
        let on = f.iter().find(|f| f.resource.ends_with("k-on")).unwrap();
        assert_eq!(on.status, Status::Pass);
    }

    #[test]
    fn unreadable_rotation_is_unknown() {
        let f = run("KMS-001", &snap(vec![key("k", "CUSTOMER", Probe::Unknown)]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Unknown);
        assert_eq!(
            f[0].resource,
            format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k")
        );
    }

    #[test]
    fn aws_managed_and_asymmetric_keys_are_skipped() {
        let mut asym = key("k-rsa", "CUSTOMER", Probe::Found(false));
        asym.spec = "RSA_2048".into();
        let f = run(
            "KMS-001",
            &snap(vec![key("k-aws", "AWS", Probe::Found(true)), asym]),
        );
        assert!(f.is_empty());
    }
}
