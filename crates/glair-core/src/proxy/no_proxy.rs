//! `NO_PROXY` matching, written after curl's `Curl_check_noproxy` (lib/noproxy.c) and held
//! to the installed curl by a table test (`tests/no_proxy_curl.rs`).
//!
//! - The whole list being `*` matches every host (a `*` among other entries does not, as in
//!   curl).
//! - Entries are separated by commas; blanks around them are skipped. As in curl, an entry
//!   followed by a blank and then anything but a comma ends the list.
//! - A host name matches an entry equal to it or to one of its parent domains, ignoring case,
//!   one trailing dot on either side and one leading dot on the entry (`example.com` and
//!   `.example.com` both match `example.com` and `api.example.com`, not `notexample.com`).
//! - An IP host (IPv4, or IPv6 in brackets) matches an entry that is the same address, or a
//!   CIDR range holding it (`10.0.0.0/8`, `fd00::/8`); host-name entries never match it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A parsed bypass list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct NoProxy {
    everything: bool,
    entries: Vec<String>,
}

impl NoProxy {
    pub(crate) fn parse(list: &str) -> Self {
        if list == "*" {
            return Self {
                everything: true,
                entries: Vec::new(),
            };
        }
        let blank = |c: char| c == ' ' || c == '\t';
        let mut entries = Vec::new();
        let mut rest = list;
        loop {
            rest = rest.trim_start_matches(blank);
            if rest.is_empty() {
                break;
            }
            let end = rest
                .find(|c: char| blank(c) || c == ',')
                .unwrap_or(rest.len());
            if end > 0 {
                entries.push(rest[..end].to_owned());
            }
            rest = rest[end..].trim_start_matches(blank);
            match rest.strip_prefix(',') {
                Some(after) => rest = after.trim_start_matches(','),
                // Not a comma: curl stops reading here.
                None => break,
            }
        }
        Self {
            everything: false,
            entries,
        }
    }

    /// True when the whole list is `*`.
    pub(crate) fn is_everything(&self) -> bool {
        self.everything
    }

    /// Whether `host` (as in a URI: `[v6]` bracketed) bypasses the proxy.
    pub(crate) fn matches(&self, host: &str) -> bool {
        if self.everything {
            return true;
        }
        if host.is_empty() {
            return false;
        }
        if let Some(inside) = host.strip_prefix('[') {
            let Some(v6) = inside
                .strip_suffix(']')
                .and_then(|h| h.parse::<Ipv6Addr>().ok())
            else {
                return false;
            };
            return self.entries.iter().any(|e| cidr_match(IpAddr::V6(v6), e));
        }
        if let Ok(v4) = host.parse::<Ipv4Addr>() {
            return self.entries.iter().any(|e| cidr_match(IpAddr::V4(v4), e));
        }
        let name = host.strip_suffix('.').unwrap_or(host);
        self.entries.iter().any(|entry| {
            let entry = entry.strip_suffix('.').unwrap_or(entry);
            let entry = entry.strip_prefix('.').unwrap_or(entry);
            if entry.len() == name.len() {
                entry.eq_ignore_ascii_case(name)
            } else if entry.len() < name.len() {
                let cut = name.len() - entry.len();
                name.as_bytes()[cut - 1] == b'.'
                    && name.is_char_boundary(cut)
                    && name[cut..].eq_ignore_ascii_case(entry)
            } else {
                false
            }
        })
    }
}

/// curl's `Curl_cidr4_match` / `Curl_cidr6_match`: `entry` is an address with an optional
/// `/bits` (no bits, or 0, means the whole address; more bits than the address has, or an
/// entry of the other family, never match).
fn cidr_match(ip: IpAddr, entry: &str) -> bool {
    let (address, bits) = match entry.split_once('/') {
        // curl reads the bits with atoi: leading digits, anything else 0.
        Some((address, bits)) => {
            let digits: String = bits.chars().take_while(char::is_ascii_digit).collect();
            (
                address,
                digits
                    .parse::<u32>()
                    .unwrap_or(if digits.is_empty() { 0 } else { u32::MAX }),
            )
        }
        None => (entry, 0),
    };
    match ip {
        IpAddr::V4(ip) => {
            let Ok(network) = address.parse::<Ipv4Addr>() else {
                return false;
            };
            prefix_match(&ip.octets(), &network.octets(), bits)
        }
        IpAddr::V6(ip) => {
            let Ok(network) = address.parse::<Ipv6Addr>() else {
                return false;
            };
            prefix_match(&ip.octets(), &network.octets(), bits)
        }
    }
}

fn prefix_match(ip: &[u8], network: &[u8], bits: u32) -> bool {
    let all = u32::try_from(ip.len() * 8).unwrap_or(u32::MAX);
    let bits = if bits == 0 { all } else { bits };
    if bits > all {
        return false;
    }
    let whole = (bits / 8) as usize;
    let rest = bits % 8;
    if ip[..whole] != network[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (ip[whole] & mask) == (network[whole] & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ips_and_ranges() {
        let list = NoProxy::parse("example.com, .internal, 10.0.0.0/8, ::1,127.0.0.1, localhost.");
        for direct in [
            "example.com",
            "API.Example.com",
            "example.com.",
            "deep.svc.internal",
            "10.1.2.3",
            "[::1]",
            "127.0.0.1",
            "localhost",
            "localhost.",
        ] {
            assert!(list.matches(direct), "{direct}");
        }
        for proxied in [
            "notexample.com",
            "example.com.evil.test",
            "11.0.0.1",
            "127.0.0.2",
            "[::2]",
            "internal.evil",
        ] {
            assert!(!list.matches(proxied), "{proxied}");
        }
        assert!(NoProxy::parse("*").matches("127.0.0.1"));
        assert!(!NoProxy::parse("a.test, *").matches("x.test"));
        assert!(NoProxy::parse("fd00::/8").matches("[fd12::1]"));
        assert!(!NoProxy::parse("fd00::/8").matches("10.0.0.1"));
    }

    #[test]
    fn blanks_and_commas_as_curl_reads_them() {
        assert_eq!(
            NoProxy::parse(" a ,, b,c ").entries,
            vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]
        );
        // A blank then something else than a comma: curl reads no further.
        assert_eq!(NoProxy::parse("a b,c").entries, vec!["a".to_owned()]);
    }
}
