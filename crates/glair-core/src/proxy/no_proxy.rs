//! `NO_PROXY` matching, written after curl's `Curl_check_noproxy` (lib/noproxy.c) and held
//! to the installed curl (7.88) by a table test (`tests/no_proxy_curl.rs`).
//!
//! - The whole list being `*` matches every host (a `*` among other entries does not, as in
//!   curl).
//! - Entries are separated by commas or blanks (curl 7.88 warns about blanks but honours
//!   them).
//! - A host name matches an entry equal to it or to one of its parent domains, ignoring case,
//!   one trailing dot on either side and one leading dot on the entry (`example.com` and
//!   `.example.com` both match `example.com` and `api.example.com`, not `notexample.com`).
//! - An IPv4 host matches an entry that is the same address or a CIDR range holding it
//!   (`10.0.0.0/8`); host-name entries never match it.
//! - An IPv6 host (`[::1]`) is compared as curl 7.88 compares it: its text without brackets,
//!   like a name (`::1` matches it; ranges do not).

use std::net::Ipv4Addr;

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
        let entries = list
            .split([',', ' ', '\t'])
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect();
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
        // curl 7.88 gets an IPv6 host without its brackets and compares it as a name.
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if let Ok(v4) = host.parse::<Ipv4Addr>() {
            return self.entries.iter().any(|e| cidr4_match(v4, e));
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

/// curl's `Curl_cidr4_match`: `entry` is an address with an optional `/bits` (no bits, or
/// 0, means the whole address; more than 32 never matches).
fn cidr4_match(ip: Ipv4Addr, entry: &str) -> bool {
    let (address, bits) = match entry.split_once('/') {
        // curl reads the bits with atoi: leading digits, none is 0.
        Some((address, bits)) => {
            let digits: String = bits.chars().take_while(char::is_ascii_digit).collect();
            let bits = if digits.is_empty() {
                0
            } else {
                digits.parse::<u32>().unwrap_or(u32::MAX)
            };
            (address, bits)
        }
        None => (entry, 0),
    };
    address
        .parse::<Ipv4Addr>()
        .is_ok_and(|network| prefix_match(&ip.octets(), &network.octets(), bits))
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
        assert!(
            !NoProxy::parse("fd00::/8").matches("[fd12::1]"),
            "as curl 7.88"
        );
        assert!(!NoProxy::parse("fd00::/8").matches("10.0.0.1"));
    }

    #[test]
    fn blanks_and_commas_as_curl_reads_them() {
        assert_eq!(
            NoProxy::parse(" a ,, b,c ").entries,
            vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]
        );
        assert_eq!(
            NoProxy::parse("a b,c").entries,
            vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]
        );
    }
}
