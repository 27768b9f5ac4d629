//! The project's ARN type: `arn:partition:service:region:account:resource`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    /// Everything after the fifth colon, e.g. `role/app` or `key/1234`.
    pub resource: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not an ARN: {reason}")]
pub struct ArnError {
    pub input: String,
    pub reason: &'static str,
}

impl Arn {
    pub fn parse(s: &str) -> Result<Arn, ArnError> {
        let err = |reason| ArnError {
            input: s.to_string(),
            reason,
        };
        let mut parts = s.splitn(6, ':');
        if parts.next() != Some("arn") {
            return Err(err("it does not start with `arn:`"));
        }
        let partition = parts
            .next()
            .ok_or_else(|| err("the partition is missing"))?;
        let service = parts.next().ok_or_else(|| err("the service is missing"))?;
        let region = parts.next().ok_or_else(|| err("the Region is missing"))?;
        let account = parts.next().ok_or_else(|| err("the account is missing"))?;
        let resource = parts.next().ok_or_else(|| err("the resource is missing"))?;
        if partition.is_empty() {
            return Err(err("the partition is empty"));
        }
        if service.is_empty() {
            return Err(err("the service is empty"));
        }
        Ok(Arn {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        })
    }

    /// The resource type before the first `/` or `:` (`role`, `key`, `foundation-model`).
    pub fn resource_type(&self) -> &str {
        self.resource
            .split(['/', ':'])
            .next()
            .unwrap_or(&self.resource)
    }

    /// The resource id after the resource type (`app` for `role/app`; the last path
    /// element for roles and users with paths).
    pub fn resource_name(&self) -> &str {
        match self.resource.find(['/', ':']) {
            Some(i) => {
                let rest = &self.resource[i + 1..];
                if matches!(self.resource_type(), "role" | "user" | "group" | "policy") {
                    rest.rsplit('/').next().unwrap_or(rest)
                } else {
                    rest
                }
            }
            None => &self.resource,
        }
    }

    /// The ARN that stands for a whole account, used as the resource of account-wide
    /// findings.
    pub fn account_root(partition: &str, account: &str) -> String {
        format!("arn:{partition}:iam::{account}:root")
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

impl std::str::FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Arn::parse(s)
    }
}

impl Serialize for Arn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Arn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Arn::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The bucket an S3 ARN names (`arn:aws:s3:::bucket[/key]`).
pub fn s3_bucket_of_arn(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":::")?.1;
    Some(rest.split('/').next().unwrap_or(rest)).filter(|b| !b.is_empty())
}

/// The bucket an S3 URI names (`s3://bucket/prefix`).
pub fn s3_bucket_of_uri(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("s3://")?;
    Some(rest.split('/').next().unwrap_or(rest)).filter(|b| !b.is_empty())
}

#[cfg(test)]
mod tests {

    #[test]
    fn s3_bucket_names_from_arns_and_uris() {
        use super::{s3_bucket_of_arn, s3_bucket_of_uri};
        assert_eq!(s3_bucket_of_arn("arn:aws:s3:::docs/prefix/x"), Some("docs"));
        assert_eq!(s3_bucket_of_arn("arn:aws:s3:::"), None);
        assert_eq!(s3_bucket_of_uri("s3://out/batch/"), Some("out"));
        assert_eq!(s3_bucket_of_uri("https://out"), None);
    }

    use super::*;

    #[test]
    fn parses_and_prints() {
        let a = Arn::parse("arn:aws:iam::111122223333:role/path/app").unwrap();
        assert_eq!(a.service, "iam");
        assert_eq!(a.region, "");
        assert_eq!(a.resource_type(), "role");
        assert_eq!(a.resource_name(), "app");
        assert_eq!(a.to_string(), "arn:aws:iam::111122223333:role/path/app");
    }

    #[test]
    fn resource_keeps_colons() {
        let a = Arn::parse(
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        )
        .unwrap();
        assert_eq!(a.resource_type(), "foundation-model");
        assert_eq!(a.resource_name(), "anthropic.claude-3-haiku-20240307-v1:0");
        assert_eq!(a.account, "");
    }

    #[test]
    fn rejects_non_arns() {
        assert!(Arn::parse("role/app").is_err());
        assert!(Arn::parse("arn:aws:iam").is_err());
        assert!(Arn::parse("arn::iam::1:root").is_err());
    }
}
