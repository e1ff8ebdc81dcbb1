//! Where a URL a user typed (not the operator's config file) may lead the server: not to
//! loopback, private, link-local (cloud metadata lives there), carrier-grade NAT,
//! multicast or reserved addresses, unless the operator allows it. Checked on every use,
//! after resolving the name, so a name that later points inside is refused then.
//! (A name that changes between this check and the connection is not caught: the
//! resolver would have to be the client's. Kept as a known limit.)

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is one a user-supplied URL must not reach.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return internal_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || nat64_internal(v6)
        }
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT 100.64/10
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15
        || a >= 240 // reserved
}

/// 64:ff9b::/96 embeds an IPv4 address a NAT64 gateway would reach.
fn nat64_internal(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return internal_v4(v4);
    }
    false
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EgressError {
    #[error("the address cannot be read")]
    BadUrl,
    #[error("{host} cannot be resolved")]
    Unresolved { host: String },
    #[error(
        "{host} points to an internal address ({ip}), which user-added calendars may not reach"
    )]
    Internal { host: String, ip: IpAddr },
}

/// Resolves `url`'s host and refuses it when any of its addresses is internal.
pub async fn check_public(url: &str) -> Result<(), EgressError> {
    // webcal:// is https:// for fetching.
    let url = match url.strip_prefix("webcal://") {
        Some(rest) => format!("https://{rest}"),
        None => url.to_string(),
    };
    let parsed = url::Url::parse(&url).map_err(|_| EgressError::BadUrl)?;
    let host = parsed.host_str().ok_or(EgressError::BadUrl)?.to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<IpAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|_| EgressError::Unresolved { host: host.clone() })?
            .map(|address| address.ip())
            .collect(),
    };
    if addresses.is_empty() {
        return Err(EgressError::Unresolved { host });
    }
    match addresses.into_iter().find(|ip| is_internal(*ip)) {
        Some(ip) => Err(EgressError::Internal { host, ip }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "ff02::1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
            "64:ff9b::808:808",
        ] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_by_what_they_resolve_to() {
        assert!(check_public("https://1.1.1.1/dav/").await.is_ok());
        for url in [
            "http://127.0.0.1:5232/ada/",
            "https://[::1]/x",
            "webcal://169.254.169.254/latest/meta-data",
            "http://localhost:8080/",
        ] {
            assert!(
                matches!(check_public(url).await, Err(EgressError::Internal { .. })),
                "{url}"
            );
        }
        assert_eq!(check_public("not a url").await, Err(EgressError::BadUrl));
    }
}
