//! Per-client-IP limits on public write endpoints and sign-in (keyed GCRA limiters from the
//! `governor` crate, stale keys pruned every minute), and finding the client's IP behind
//! trusted proxies.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

use governor::{
    clock::{Clock, DefaultClock},
    middleware::NoOpMiddleware,
    state::keyed::DefaultKeyedStateStore,
    Quota,
};

/// How often keys whose allowance has refilled are forgotten, so memory follows the
/// clients of the last minute or two, not every client ever seen.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

type Keyed<C> = governor::RateLimiter<
    IpAddr,
    DefaultKeyedStateStore<IpAddr>,
    C,
    NoOpMiddleware<<C as Clock>::Instant>,
>;

/// Per client: `per_minute` requests at once, refilled evenly over a minute (GCRA, the
/// `governor` crate; equivalent to a token bucket of that size).
pub struct RateLimiter<C: Clock = DefaultClock> {
    inner: Option<Keyed<C>>,
    /// When stale keys were last dropped (wall-clock, independent of `C`).
    pruned: Mutex<Instant>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("on", &self.inner.is_some())
            .finish()
    }
}

impl RateLimiter {
    /// `per_minute == 0` allows everything.
    pub fn new(per_minute: u32) -> Self {
        RateLimiter::with_clock(per_minute, DefaultClock::default())
    }
}

impl<C: Clock> RateLimiter<C> {
    /// A limiter reading time from `clock` (a fake one in tests).
    pub fn with_clock(per_minute: u32, clock: C) -> Self {
        let inner = NonZeroU32::new(per_minute).map(|per_minute| {
            governor::RateLimiter::new(
                Quota::per_minute(per_minute),
                DefaultKeyedStateStore::default(),
                clock,
            )
        });
        RateLimiter {
            inner,
            pruned: Mutex::new(Instant::now()),
        }
    }

    /// Takes one request for `client`: `Ok` or `Err(wait)` until the next is allowed.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        if let Ok(mut pruned) = self.pruned.try_lock() {
            if pruned.elapsed() >= PRUNE_EVERY {
                *pruned = Instant::now();
                drop(pruned);
                self.prune();
            }
        }
        inner
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(inner.clock().now()))
    }

    /// Forgets clients whose allowance has refilled completely (they behave as new ones).
    pub fn prune(&self) {
        if let Some(inner) = &self.inner {
            inner.retain_recent();
            inner.shrink_to_fit();
        }
    }

    /// How many clients are remembered.
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |inner| inner.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An IP address or CIDR range of trusted proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses `10.0.0.1`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    pub fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => {
                (address.parse::<IpAddr>().ok()?, prefix.parse::<u8>().ok()?)
            }
            None => {
                let address = text.trim().parse::<IpAddr>().ok()?;
                (address, if address.is_ipv4() { 32 } else { 128 })
            }
        };
        let max = if address.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Network { address, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            (IpAddr::V4(_), IpAddr::V6(ip)) => ip
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[Network]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|network| network.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for entry in header.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_the_rate_then_refuses() {
        let clock = governor::clock::FakeRelativeClock::default();
        let limiter = RateLimiter::with_clock(3, clock.clone());
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(ip).is_ok());
        }
        let wait = limiter.check(ip).unwrap_err();
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limiter.check(other).is_ok());
        clock.advance(Duration::from_secs(20));
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_err(), "one request refilled");
        assert!(RateLimiter::new(0).check(ip).is_ok());
    }

    #[test]
    fn clients_whose_allowance_refilled_are_forgotten() {
        let clock = governor::clock::FakeRelativeClock::default();
        let limiter = RateLimiter::with_clock(2, clock.clone());
        for last in 0..200u8 {
            let ip = IpAddr::from([198, 51, 100, last]);
            assert!(limiter.check(ip).is_ok());
        }
        let busy: IpAddr = "192.0.2.9".parse().unwrap();
        clock.advance(Duration::from_secs(59));
        assert!(limiter.check(busy).is_ok());
        assert_eq!(limiter.len(), 201);
        clock.advance(Duration::from_secs(2));
        limiter.prune();
        assert_eq!(
            limiter.len(),
            1,
            "only the client seen within the last minute"
        );
        assert!(limiter.check(busy).is_ok());
        assert!(limiter.check(busy).is_err(), "its state was kept");
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let trusted = [
            Network::parse("10.0.0.0/8").unwrap(),
            Network::parse("::1").unwrap(),
        ];
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let header = Some("198.51.100.7, 10.9.9.9");
        assert_eq!(
            client_ip(proxy, header, &trusted),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(stranger, header, &trusted), stranger);
        assert_eq!(client_ip(proxy, None, &trusted), proxy);
        assert_eq!(
            client_ip(proxy, Some("spoof, 198.51.100.7"), &trusted),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        assert!(Network::parse("10.0.0.0/33").is_none());
        assert!(Network::parse("nonsense").is_none());
    }
}
