//! IPv4 / IPv6 addresses and CIDR blocks for `IpAddress` / `NotIpAddress`.

/// A CIDR block (an address with a prefix length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cidr {
    V4 { addr: u32, prefix: u8 },
    V6 { addr: u128, prefix: u8 },
}

/// A single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addr {
    V4(u32),
    V6(u128),
}

impl Cidr {
    /// Parses `a.b.c.d[/n]` or an IPv6 address with an optional `/n`.
    pub fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => {
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (a, Some(p.parse::<u8>().ok()?))
            }
            None => (s, None),
        };
        match parse_addr(addr)? {
            Addr::V4(a) => {
                let prefix = prefix.unwrap_or(32);
                (prefix <= 32).then_some(Cidr::V4 { addr: a, prefix })
            }
            Addr::V6(a) => {
                let prefix = prefix.unwrap_or(128);
                (prefix <= 128).then_some(Cidr::V6 { addr: a, prefix })
            }
        }
    }

    /// True if the address lies in the block.
    pub fn contains(&self, a: Addr) -> bool {
        match (*self, a) {
            (Cidr::V4 { addr, prefix }, Addr::V4(x)) => {
                let mask = if prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - prefix)
                };
                addr & mask == x & mask
            }
            (Cidr::V6 { addr, prefix }, Addr::V6(x)) => {
                let mask = if prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - prefix)
                };
                addr & mask == x & mask
            }
            _ => false,
        }
    }
}

/// Parses an address; a context value given as a CIDR uses its address part.
pub fn parse_addr(s: &str) -> Option<Addr> {
    let s = s.trim();
    let s = s.split_once('/').map_or(s, |(a, _)| a);
    if s.contains(':') {
        parse_v6(s).map(Addr::V6)
    } else {
        parse_v4(s).map(Addr::V4)
    }
}

fn parse_v4(s: &str) -> Option<u32> {
    let mut out: u32 = 0;
    let mut n = 0;
    for part in s.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u32 = part.parse().ok()?;
        if v > 255 {
            return None;
        }
        out = (out << 8) | v;
        n += 1;
    }
    (n == 4).then_some(out)
}

fn parse_groups(s: &str, out: &mut Vec<u16>, allow_v4_tail: bool) -> Option<()> {
    if s.is_empty() {
        return Some(());
    }
    let parts: Vec<&str> = s.split(':').collect();
    for (i, part) in parts.iter().enumerate() {
        if allow_v4_tail && i == parts.len() - 1 && part.contains('.') {
            let v4 = parse_v4(part)?;
            out.push((v4 >> 16) as u16);
            out.push((v4 & 0xFFFF) as u16);
            continue;
        }
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        out.push(u16::from_str_radix(part, 16).ok()?);
    }
    Some(())
}

fn parse_v6(s: &str) -> Option<u128> {
    let mut head = Vec::new();
    let mut tail = Vec::new();
    match s.find("::") {
        Some(i) => {
            let (h, t) = (&s[..i], &s[i + 2..]);
            if t.contains("::") {
                return None;
            }
            parse_groups(h, &mut head, false)?;
            parse_groups(t, &mut tail, true)?;
            if head.len() + tail.len() > 7 {
                return None;
            }
        }
        None => {
            parse_groups(s, &mut head, true)?;
            if head.len() != 8 {
                return None;
            }
        }
    }
    let mut groups = [0u16; 8];
    groups[..head.len()].copy_from_slice(&head);
    groups[8 - tail.len()..].copy_from_slice(&tail);
    Some(
        groups
            .iter()
            .fold(0u128, |acc, g| (acc << 16) | u128::from(*g)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_and_v6() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(c.contains(parse_addr("203.0.113.77").unwrap()));
        assert!(!c.contains(parse_addr("203.0.114.1").unwrap()));
        let c = Cidr::parse("2001:db8::/32").unwrap();
        assert!(c.contains(parse_addr("2001:db8:1::5").unwrap()));
        assert!(!c.contains(parse_addr("2001:db9::1").unwrap()));
        assert!(Cidr::parse("::ffff:10.0.0.1/128").is_some());
        assert!(Cidr::parse("10.0.0.256/8").is_none());
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("1::2::3").is_none());
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains(parse_addr("8.8.8.8").unwrap())
        );
    }
}
