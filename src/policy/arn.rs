//! ARN splitting and segment-wise ARN pattern matching.
//!
//! An ARN has six colon-separated parts: `arn`, partition, service, region, account and
//! the resource part (which may itself contain colons and slashes). Patterns are matched
//! part by part, so a `*` in the region part never swallows a colon; the resource part is
//! matched as a whole.

use super::wildcard::{Pattern, Piece};

/// Splits an ARN into its six parts, or `None` if `s` is not ARN-shaped.
#[inline]
pub fn split_arn(s: &str) -> Option<[&str; 6]> {
    if !s.starts_with("arn:") {
        return None;
    }
    split6(s)
}

/// Splits at the first five colons (the sixth part keeps any further colons).
#[inline]
fn split6(s: &str) -> Option<[&str; 6]> {
    let b = s.as_bytes();
    let mut cuts = [0usize; 5];
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b':' {
            cuts[n] = i;
            n += 1;
            if n == 5 {
                break;
            }
        }
    }
    if n < 5 {
        return None;
    }
    // colons are ASCII, so every cut is a char boundary
    Some([
        &s[..cuts[0]],
        &s[cuts[0] + 1..cuts[1]],
        &s[cuts[1] + 1..cuts[2]],
        &s[cuts[2] + 1..cuts[3]],
        &s[cuts[3] + 1..cuts[4]],
        &s[cuts[4] + 1..],
    ])
}

/// The account part of an ARN, if it has a non-empty one.
pub fn arn_account(s: &str) -> Option<&str> {
    split_arn(s).map(|p| p[4]).filter(|a| !a.is_empty())
}

/// A compiled ARN pattern: one wildcard pattern per part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    parts: Box<[Pattern; 6]>,
}

impl ArnPattern {
    /// Compiles an ARN pattern; `None` if it does not have six parts.
    pub fn new(src: &str) -> Option<ArnPattern> {
        let p = split_arn_pattern(src)?;
        Some(ArnPattern {
            parts: Box::new(p.map(Pattern::new)),
        })
    }

    /// Compiles from pieces (policy text and literal variable values).
    pub(crate) fn from_pieces(pieces: &[Piece<'_>]) -> Option<ArnPattern> {
        let mut segs: Vec<Vec<Piece<'_>>> = vec![Vec::new()];
        for p in pieces {
            let mut rest = p.text;
            loop {
                if segs.len() == 6 {
                    segs[5].push(Piece {
                        text: rest,
                        wild: p.wild,
                    });
                    break;
                }
                match rest.find(':') {
                    Some(i) => {
                        segs.last_mut().expect("segs is never empty").push(Piece {
                            text: &rest[..i],
                            wild: p.wild,
                        });
                        segs.push(Vec::new());
                        rest = &rest[i + 1..];
                    }
                    None => {
                        segs.last_mut().expect("segs is never empty").push(Piece {
                            text: rest,
                            wild: p.wild,
                        });
                        break;
                    }
                }
            }
        }
        if segs.len() != 6 {
            return None;
        }
        let mut it = segs.iter().map(|s| Pattern::from_pieces(s, false));
        let parts = [
            it.next()?,
            it.next()?,
            it.next()?,
            it.next()?,
            it.next()?,
            it.next()?,
        ];
        Some(ArnPattern {
            parts: Box::new(parts),
        })
    }

    /// Matches an already-split ARN.
    #[inline]
    pub fn matches_parts(&self, arn: &[&str; 6]) -> bool {
        self.parts.iter().zip(arn.iter()).all(|(p, s)| p.matches(s))
    }

    /// Matches an ARN string; a non-ARN never matches.
    pub fn matches(&self, arn: &str) -> bool {
        match split_arn(arn) {
            Some(p) => self.matches_parts(&p),
            None => false,
        }
    }
}

/// Splits a pattern like an ARN, but the first part may also be a wildcard.
fn split_arn_pattern(s: &str) -> Option<[&str; 6]> {
    let parts = split6(s)?;
    if !Pattern::new(parts[0]).matches("arn") {
        return None;
    }
    Some(parts)
}

/// True if `s` is acceptable as an ARN pattern (an `Arn*` condition value).
pub fn is_valid_arn_pattern(s: &str) -> bool {
    s == "*" || split_arn_pattern(s).is_some()
}

/// Maps an assumed-role session ARN to the role name and account
/// (`arn:aws:sts::ACCT:assumed-role/NAME/SESSION` → (partition, ACCT, NAME)).
pub fn assumed_role_parts(arn: &str) -> Option<(&str, &str, &str)> {
    let p = split_arn(arn)?;
    if p[2] != "sts" {
        return None;
    }
    let rest = p[5].strip_prefix("assumed-role/")?;
    let name = rest.split('/').next()?;
    if name.is_empty() {
        return None;
    }
    Some((p[1], p[4], name))
}

/// For a role ARN (`arn:aws:iam::ACCT:role/path/NAME`) returns (partition, ACCT, NAME).
pub fn role_parts(arn: &str) -> Option<(&str, &str, &str)> {
    let p = split_arn(arn)?;
    if p[2] != "iam" {
        return None;
    }
    let rest = p[5].strip_prefix("role/")?;
    let name = rest.rsplit('/').next()?;
    if name.is_empty() {
        return None;
    }
    Some((p[1], p[4], name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        let p = ArnPattern::new("arn:aws:bedrock:*::foundation-model/*").unwrap();
        assert!(p.matches("arn:aws:bedrock:us-east-1::foundation-model/a.b:0"));
        assert!(!p.matches("arn:aws:bedrock:us-east-1:1:foundation-model/a"));
        let p = ArnPattern::new("arn:aws:s3:::bucket/*").unwrap();
        assert!(p.matches("arn:aws:s3:::bucket/a:b/c"));
        assert!(ArnPattern::new("arn:aws:s3:*").is_none());
        assert_eq!(
            role_parts("arn:aws:iam::1:role/a/b/app"),
            Some(("aws", "1", "app"))
        );
        assert_eq!(
            assumed_role_parts("arn:aws:sts::1:assumed-role/app/s"),
            Some(("aws", "1", "app"))
        );
    }
}
