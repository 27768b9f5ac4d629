//! Wildcard patterns with `*` (any run of characters, including none) and `?` (exactly one
//! character), as IAM uses them in actions, resources, `StringLike` and `ArnLike`.
//!
//! Patterns are compiled once. Matching never backtracks exponentially: the pattern is cut
//! at its stars into fixed-length chunks; the first chunk is anchored at the start, the last
//! at the end, and every middle chunk is placed at its leftmost possible position (which is
//! always optimal for the chunks after it). The worst case is `O(len(text) * len(pattern))`.

/// One piece of pattern source: either policy text (where `*` and `?` are wildcards) or
/// literal text (the value of a policy variable, `${*}` and friends) where they are not.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece<'a> {
    pub text: &'a str,
    pub wild: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(Vec<u8>),
    One,
    Star,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(Box<[u8]>),
    One,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// `*`
    Any,
    /// no wildcard at all
    Exact(Box<[u8]>),
    /// `literal*`
    Prefix(Box<[u8]>),
    General {
        chunks: Vec<Vec<Part>>,
        leading_star: bool,
        trailing_star: bool,
    },
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    kind: Kind,
    ignore_ascii_case: bool,
}

impl Pattern {
    /// Compiles `src` where `*` and `?` are wildcards; matching is case-sensitive.
    pub fn new(src: &str) -> Pattern {
        Pattern::from_pieces(
            &[Piece {
                text: src,
                wild: true,
            }],
            false,
        )
    }

    /// Compiles `src` with ASCII case-insensitive matching (action names).
    pub fn new_ignore_case(src: &str) -> Pattern {
        Pattern::from_pieces(
            &[Piece {
                text: src,
                wild: true,
            }],
            true,
        )
    }

    /// A pattern that matches exactly `text` (no wildcards).
    pub fn literal(text: &str) -> Pattern {
        Pattern::from_pieces(&[Piece { text, wild: false }], false)
    }

    pub(crate) fn from_pieces(pieces: &[Piece<'_>], ignore_ascii_case: bool) -> Pattern {
        let mut toks: Vec<Tok> = Vec::new();
        let push_lit = |toks: &mut Vec<Tok>, s: &str| {
            if s.is_empty() {
                return;
            }
            if let Some(Tok::Lit(l)) = toks.last_mut() {
                l.extend_from_slice(s.as_bytes());
            } else {
                toks.push(Tok::Lit(s.as_bytes().to_vec()));
            }
        };
        for p in pieces {
            if !p.wild {
                push_lit(&mut toks, p.text);
                continue;
            }
            let mut start = 0;
            for (i, c) in p.text.char_indices() {
                if c == '*' || c == '?' {
                    push_lit(&mut toks, &p.text[start..i]);
                    start = i + 1;
                    if c == '?' {
                        toks.push(Tok::One);
                    } else if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                }
            }
            push_lit(&mut toks, &p.text[start..]);
        }
        let kind = match toks.as_slice() {
            [Tok::Star] => Kind::Any,
            [] => Kind::Exact(Box::new([])),
            [Tok::Lit(l)] => Kind::Exact(l.clone().into_boxed_slice()),
            [Tok::Lit(l), Tok::Star] => Kind::Prefix(l.clone().into_boxed_slice()),
            _ => {
                let leading_star = toks.first() == Some(&Tok::Star);
                let trailing_star = toks.last() == Some(&Tok::Star);
                let mut chunks: Vec<Vec<Part>> = Vec::new();
                let mut cur: Vec<Part> = Vec::new();
                for t in toks {
                    match t {
                        Tok::Star => {
                            if !cur.is_empty() {
                                chunks.push(std::mem::take(&mut cur));
                            }
                        }
                        Tok::Lit(l) => cur.push(Part::Lit(l.into_boxed_slice())),
                        Tok::One => cur.push(Part::One),
                    }
                }
                if !cur.is_empty() {
                    chunks.push(cur);
                }
                Kind::General {
                    chunks,
                    leading_star,
                    trailing_star,
                }
            }
        };
        Pattern {
            kind,
            ignore_ascii_case,
        }
    }

    /// True if the pattern is `*` (matches everything).
    pub fn is_any(&self) -> bool {
        matches!(self.kind, Kind::Any)
    }

    /// True if the pattern has no wildcard.
    pub fn is_exact(&self) -> bool {
        matches!(self.kind, Kind::Exact(_))
    }

    /// Matches the whole of `text`.
    pub fn matches(&self, text: &str) -> bool {
        let s = text.as_bytes();
        let ci = self.ignore_ascii_case;
        match &self.kind {
            Kind::Any => true,
            Kind::Exact(l) => bytes_eq(l, s, ci),
            Kind::Prefix(l) => s.len() >= l.len() && bytes_eq(l, &s[..l.len()], ci),
            Kind::General {
                chunks,
                leading_star,
                trailing_star,
            } => match_general(chunks, *leading_star, *trailing_star, s, ci),
        }
    }
}

#[inline]
fn bytes_eq(a: &[u8], b: &[u8], ci: bool) -> bool {
    if ci {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

#[inline]
fn utf8_len(b: u8) -> usize {
    if b < 0x80 {
        1
    } else if b >= 0xF0 {
        4
    } else if b >= 0xE0 {
        3
    } else if b >= 0xC0 {
        2
    } else {
        1
    }
}

#[inline]
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Matches `chunk` starting at byte `pos`; returns the end position.
fn match_chunk_at(chunk: &[Part], s: &[u8], pos: usize, ci: bool) -> Option<usize> {
    let mut p = pos;
    for part in chunk {
        match part {
            Part::Lit(l) => {
                if s.len() - p < l.len() || !bytes_eq(l, &s[p..p + l.len()], ci) {
                    return None;
                }
                p += l.len();
            }
            Part::One => {
                if p >= s.len() {
                    return None;
                }
                p = (p + utf8_len(s[p])).min(s.len());
            }
        }
    }
    Some(p)
}

fn chunk_chars(chunk: &[Part]) -> usize {
    chunk
        .iter()
        .map(|p| match p {
            Part::Lit(l) => l.iter().filter(|b| !is_continuation(**b)).count(),
            Part::One => 1,
        })
        .sum()
}

fn match_general(
    chunks: &[Vec<Part>],
    leading_star: bool,
    trailing_star: bool,
    s: &[u8],
    ci: bool,
) -> bool {
    let n = chunks.len();
    if n == 0 {
        // only stars (already collapsed to Any) or empty
        return leading_star || s.is_empty();
    }
    let mut pos = 0usize;
    let mut first = 0usize;
    if !leading_star {
        match match_chunk_at(&chunks[0], s, 0, ci) {
            Some(end) => pos = end,
            None => return false,
        }
        first = 1;
        if n == 1 && !trailing_star {
            return pos == s.len();
        }
    }
    let mid_end = if trailing_star { n } else { n - 1 };
    for chunk in chunks.iter().take(mid_end).skip(first) {
        let mut start = pos;
        let mut found = None;
        // a chunk that starts with a literal can only start where its first byte occurs
        let first_byte = match chunk.first() {
            Some(Part::Lit(l)) if !l.is_empty() => {
                Some(if ci { l[0].to_ascii_lowercase() } else { l[0] })
            }
            _ => None,
        };
        while start <= s.len() {
            if let Some(fb) = first_byte {
                let skip = if ci {
                    s[start..].iter().position(|c| c.to_ascii_lowercase() == fb)
                } else {
                    s[start..].iter().position(|&c| c == fb)
                };
                match skip {
                    Some(off) => start += off,
                    None => return false,
                }
            }
            if (start == s.len() || !is_continuation(s[start]))
                && let Some(end) = match_chunk_at(chunk, s, start, ci)
            {
                found = Some(end);
                break;
            }
            start += 1;
        }
        match found {
            Some(end) => pos = end,
            None => return false,
        }
    }
    if trailing_star {
        return true;
    }
    // The last chunk is anchored at the end: it has a fixed number of characters.
    let last = &chunks[n - 1];
    let mut q = s.len();
    for _ in 0..chunk_chars(last) {
        if q == 0 {
            return false;
        }
        q -= 1;
        while q > 0 && is_continuation(s[q]) {
            q -= 1;
        }
    }
    q >= pos && match_chunk_at(last, s, q, ci) == Some(s.len())
}

/// Matches `text` against the wildcard `pattern` without compiling it first.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    Pattern::new(pattern).matches(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*", "abc"));
        assert!(!wildcard_match("a*", "bac"));
        assert!(wildcard_match("*c", "abc"));
        assert!(wildcard_match("a?c", "abc"));
        assert!(!wildcard_match("a?c", "ac"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "axxbyy"));
        assert!(wildcard_match("*ab*ab*", "xxabab"));
        assert!(wildcard_match("?é?", "aéb"));
        assert!(wildcard_match("*é", "aaé"));
        assert!(wildcard_match("a*?", "ab"));
        assert!(!wildcard_match("a*?", "a"));
        assert!(Pattern::new_ignore_case("BEDROCK:Invoke*").matches("bedrock:invokemodel"));
        assert!(!Pattern::new("Foo").matches("foo"));
        let lit = Pattern::from_pieces(
            &[
                Piece {
                    text: "a",
                    wild: true,
                },
                Piece {
                    text: "*",
                    wild: false,
                },
            ],
            false,
        );
        assert!(lit.matches("a*"));
        assert!(!lit.matches("ab"));
    }

    #[test]
    fn pathological_is_fast() {
        let text = "a".repeat(100_000);
        let pat = format!("{}b", "*a".repeat(50));
        assert!(!wildcard_match(&pat, &text));
    }
}
