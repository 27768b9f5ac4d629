//! ARN splitting and segment-wise ARN pattern matching.
//!
//! An ARN has six colon-separated parts: `arn`, partition, service, region, account and
//! the resource part (which may itself contain colons and slashes).
//!
//! Two matchers, because AWS documents two rules:
//!
//! * [`ArnPattern`] — the `Arn*` condition operators: "Each of the six colon-delimited
//!   components of the ARN is checked separately and each can include multi-character
//!   match wildcards (*) or single-character match wildcards (?)" (IAM User Guide,
//!   condition operators). The sixth part (the resource) is matched as a whole.
//! * [`ResourceArnPattern`] — the `Resource`/`NotResource` elements: "You can use wildcard
//!   characters (* and ?) within the individual segments of an ARN (the parts separated
//!   by colons) ... If the * wildcard is the last character of a resource ARN segment, it
//!   can expand to match beyond the colon boundaries."
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).
//!   So `arn:aws:ec2:*` covers `arn:aws:ec2:us-east-1:111122223333:instance/i-1`, while
//!   `arn:aws:bedrock:*::foundation-model/*` still requires an empty account segment.

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
        let segs = split_at_colons(pieces, Some(6));
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

/// A compiled `Resource` ARN pattern (see the module documentation): one wildcard pattern
/// per colon-separated segment, each flagged when its last character is a `*` (such a
/// segment may also swallow the following colons and segments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceArnPattern {
    segs: Box<[(Pattern, bool)]>,
}

impl ResourceArnPattern {
    /// Compiles a resource pattern (policy text: `*` and `?` are wildcards).
    pub fn new(src: &str) -> ResourceArnPattern {
        ResourceArnPattern::from_pieces(&[Piece {
            text: src,
            wild: true,
        }])
    }

    /// Compiles from pieces (policy text and literal variable values). A colon always
    /// separates segments, whichever piece it comes from; only a wildcard `*` written in
    /// the policy (not one from a variable or `${*}`) lets a segment cross colons.
    pub(crate) fn from_pieces(pieces: &[Piece<'_>]) -> ResourceArnPattern {
        let segs = split_at_colons(pieces, None);
        let segs = segs
            .iter()
            .map(|seg| {
                let trailing_star = seg
                    .iter()
                    .rev()
                    .find(|p| !p.text.is_empty())
                    .is_some_and(|p| p.wild && p.text.ends_with('*'));
                (Pattern::from_pieces(seg, false), trailing_star)
            })
            .collect();
        ResourceArnPattern { segs }
    }

    /// Matches a resource (split at every colon).
    pub fn matches(&self, resource: &str) -> bool {
        self.matches_segments(Segments::of(resource).get())
    }

    /// Matches a resource already split at every colon.
    pub fn matches_segments(&self, segs: &[&str]) -> bool {
        let n = segs.len();
        if n < 64 {
            // bit j set: the pattern segments so far consumed exactly segs[..j]
            let all: u64 = if n + 1 == 64 {
                u64::MAX
            } else {
                (1u64 << (n + 1)) - 1
            };
            let mut reach: u64 = 1;
            for (p, star) in self.segs.iter() {
                let mut next = 0u64;
                let mut r = reach;
                while r != 0 {
                    let j = r.trailing_zeros() as usize;
                    r &= r - 1;
                    if j < n && p.matches(segs[j]) {
                        next |= if *star {
                            all & !((1u64 << (j + 1)) - 1)
                        } else {
                            1u64 << (j + 1)
                        };
                    }
                }
                if next == 0 {
                    return false;
                }
                reach = next;
            }
            reach & (1u64 << n) != 0
        } else {
            let mut reach = vec![false; n + 1];
            reach[0] = true;
            for (p, star) in self.segs.iter() {
                let mut next = vec![false; n + 1];
                let mut any = false;
                for j in 0..n {
                    if reach[j] && p.matches(segs[j]) {
                        any = true;
                        if *star {
                            next[j + 1..].iter_mut().for_each(|b| *b = true);
                        } else {
                            next[j + 1] = true;
                        }
                    }
                }
                if !any {
                    return false;
                }
                reach = next;
            }
            reach[n]
        }
    }
}

/// A string split at every colon, inline for up to 16 segments (no allocation).
pub(crate) struct Segments<'a> {
    inline: [&'a str; 16],
    n: usize,
    /// All segments, when there are more than 16.
    spill: Vec<&'a str>,
}

impl<'a> Segments<'a> {
    pub(crate) fn of(s: &'a str) -> Segments<'a> {
        let mut out = Segments {
            inline: [""; 16],
            n: 0,
            spill: Vec::new(),
        };
        for seg in s.split(':') {
            if out.n < out.inline.len() {
                out.inline[out.n] = seg;
                out.n += 1;
            } else {
                if out.spill.is_empty() {
                    out.spill.extend_from_slice(&out.inline);
                }
                out.spill.push(seg);
            }
        }
        out
    }

    pub(crate) fn get(&self) -> &[&'a str] {
        if self.spill.is_empty() {
            &self.inline[..self.n]
        } else {
            &self.spill
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

/// Pieces split into ARN segments at every colon, whichever piece it comes from. With
/// `max`, the last segment keeps the rest, colons included (an ARN's resource part).
fn split_at_colons<'a>(pieces: &[Piece<'a>], max: Option<usize>) -> Vec<Vec<Piece<'a>>> {
    let mut segs: Vec<Vec<Piece<'a>>> = vec![Vec::new()];
    for p in pieces {
        let mut rest = p.text;
        loop {
            let cut = match rest.find(':') {
                Some(i) if max.is_none_or(|m| segs.len() < m) => i,
                _ => {
                    push_last(
                        &mut segs,
                        Piece {
                            text: rest,
                            wild: p.wild,
                        },
                    );
                    break;
                }
            };
            push_last(
                &mut segs,
                Piece {
                    text: &rest[..cut],
                    wild: p.wild,
                },
            );
            segs.push(Vec::new());
            rest = &rest[cut + 1..];
        }
    }
    segs
}

/// Append to the last segment (there always is one: the lists start with one).
fn push_last<'a>(segs: &mut Vec<Vec<Piece<'a>>>, piece: Piece<'a>) {
    match segs.last_mut() {
        Some(last) => last.push(piece),
        None => segs.push(vec![piece]),
    }
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
        // Resource element: a trailing `*` may cross colons
        let r = ResourceArnPattern::new("arn:aws:s3:*");
        assert!(r.matches("arn:aws:s3:::bucket/key"));
        let r = ResourceArnPattern::new("arn:aws:ec2:*");
        assert!(r.matches("arn:aws:ec2:us-east-1:111122223333:instance/i-1"));
        assert!(!r.matches("arn:aws:ec2"));
        assert!(!r.matches("arn:aws:s3:::b"));
        let r = ResourceArnPattern::new("arn:aws:bedrock:*::foundation-model/*");
        assert!(r.matches("arn:aws:bedrock:us-east-1::foundation-model/a.b:0"));
        assert!(!r.matches("arn:aws:bedrock:us-east-1:1:foundation-model/a"));
        // an inner `*` (not the segment's last character) stays inside its segment
        let r = ResourceArnPattern::new("arn:aws:s3:::b/*.txt");
        assert!(r.matches("arn:aws:s3:::b/x/y.txt"));
        assert!(!r.matches("arn:aws:s3:::b/x:y.txt"));
        let r = ResourceArnPattern::new("arn:aws:s3:::b/*");
        assert!(r.matches("arn:aws:s3:::b/x:y:z.txt"));
        // `?` never matches a colon
        assert!(!ResourceArnPattern::new("arn:aws:s3:::a?b").matches("arn:aws:s3:::a:b"));
        // a literal `*` from `${*}` does not cross colons
        let lit = ResourceArnPattern::from_pieces(&[
            Piece {
                text: "arn:aws:s3:",
                wild: true,
            },
            Piece {
                text: "*",
                wild: false,
            },
        ]);
        assert!(!lit.matches("arn:aws:s3:::b"));
        assert!(lit.matches("arn:aws:s3:*"));
        // many segments
        let long = format!("arn:aws:logs:r:1:{}", vec!["x"; 80].join(":"));
        assert!(ResourceArnPattern::new("arn:aws:logs:r:1:x:*").matches(&long));
        assert!(ResourceArnPattern::new("arn:aws:logs:*:x").matches(&long));
        assert!(!ResourceArnPattern::new("arn:aws:logs:*:y").matches(&long));
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
