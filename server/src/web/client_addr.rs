//! Who is at the other end of a request: the connection's address, or, when the connection
//! comes from a proxy the operator trusts (`CASSIOPEE_TRUSTED_PROXIES`), the address that proxy
//! received it from (`X-Forwarded-For`). A client that writes `X-Forwarded-For` itself is not
//! believed: its own address counts.

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// A list of addresses and networks (`127.0.0.1`, `10.0.0.0/8`, `::1`), from a variable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Networks(Vec<IpNet>);

impl Networks {
    /// Parses `10.0.0.0/8, 127.0.0.1 ::1` (commas or spaces); `name` is the variable, for the
    /// French error.
    pub fn parse(name: &str, text: &str) -> Result<Networks, String> {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "{name} invalide : « {s} » n'est ni une adresse IP ni un réseau (attendu : 127.0.0.1, ::1 ou 10.0.0.0/8)."
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Networks)
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0.iter().any(|n| n.contains(&addr))
    }
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:127.0.0.1`) is that IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// The client of a request, and whether it came through a trusted proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client {
    pub addr: IpAddr,
    /// The request carries forwarding headers that were not believed (no trusted proxy sent
    /// them): it may come through a proxy the operator forgot to declare.
    pub forwarded_unbelieved: bool,
}

/// The client of a request: see the module's documentation. None when the connection's
/// address is unknown (a request built in a test without one).
pub fn client(
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    trusted: &Networks,
) -> Option<Client> {
    let peer = canonical(peer?.0.ip());
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .map(canonical)
        .collect();
    let says_forwarded =
        headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    if !trusted.contains(peer) {
        return Some(Client {
            addr: peer,
            forwarded_unbelieved: says_forwarded,
        });
    }
    // From the nearest hop back: the first address that is not one of our proxies is the
    // client; every hop trusted, the farthest one.
    let addr = forwarded
        .iter()
        .rev()
        .find(|a| !trusted.contains(**a))
        .or(forwarded.first())
        .copied()
        .unwrap_or(peer);
    Some(Client {
        addr,
        forwarded_unbelieved: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn peer(s: &str) -> ConnectInfo<SocketAddr> {
        ConnectInfo(s.parse().unwrap())
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted = Networks::parse("V", "127.0.0.1, 10.0.0.0/8").unwrap();
        let none = Networks::default();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();

        // Straight from a client: its address, whatever it writes.
        let c = client(
            &headers(&["1.2.3.4"]),
            Some(&peer("203.0.113.9:5000")),
            &trusted,
        )
        .unwrap();
        assert_eq!(c.addr, ip("203.0.113.9"));
        assert!(c.forwarded_unbelieved);
        // Through the proxy: the address it received the request from.
        let c = client(
            &headers(&["198.51.100.7"]),
            Some(&peer("127.0.0.1:4000")),
            &trusted,
        )
        .unwrap();
        assert_eq!(c.addr, ip("198.51.100.7"));
        assert!(!c.forwarded_unbelieved);
        // A forged first hop does not win over the one our proxy saw.
        let c = client(
            &headers(&["6.6.6.6, 198.51.100.7", "10.1.2.3"]),
            Some(&peer("127.0.0.1:4000")),
            &trusted,
        )
        .unwrap();
        assert_eq!(c.addr, ip("198.51.100.7"));
        // The proxy itself (no header), and an IPv4 address seen through an IPv6 socket.
        let c = client(
            &headers(&[]),
            Some(&peer("[::ffff:127.0.0.1]:4000")),
            &trusted,
        )
        .unwrap();
        assert_eq!(c.addr, ip("127.0.0.1"));
        // No trusted proxy declared: the header is not believed, and said so.
        let c = client(
            &headers(&["198.51.100.7"]),
            Some(&peer("127.0.0.1:4000")),
            &none,
        )
        .unwrap();
        assert_eq!(c.addr, ip("127.0.0.1"));
        assert!(c.forwarded_unbelieved);
        // Garbage in the header is skipped.
        let c = client(
            &headers(&["nimporte, quoi"]),
            Some(&peer("127.0.0.1:1")),
            &trusted,
        )
        .unwrap();
        assert_eq!(c.addr, ip("127.0.0.1"));
        assert!(client(&headers(&[]), None, &trusted).is_none());
    }

    #[test]
    fn networks_are_read_from_a_variable_with_a_french_error() {
        let n = Networks::parse("V", "127.0.0.1 ::1,10.0.0.0/8").unwrap();
        assert!(n.contains("10.9.8.7".parse().unwrap()));
        assert!(n.contains("::1".parse().unwrap()));
        assert!(!n.contains("11.0.0.1".parse().unwrap()));
        assert_eq!(Networks::parse("V", " ").unwrap(), Networks::default());
        let err = Networks::parse("CASSIOPEE_METRICS_ALLOW", "127.0.0.1, localhost").unwrap_err();
        assert!(
            err.contains("CASSIOPEE_METRICS_ALLOW invalide : « localhost »"),
            "{err}"
        );
    }
}
