//! Slowing down password guessing without letting anyone lock the owner out.
//!
//! Failed sign-ins are counted per *(account name, client address)* pair — never per account
//! alone, so failures from an attacker's address cannot hold back the owner signing in from
//! anywhere else. The first `max_failed_logins` failures of a pair cost nothing; from then
//! on each further failure makes that pair wait, starting at `lockout_minutes` and doubling
//! per failure up to a day. A success clears the pair. Counters are kept whether or not the
//! account exists, so the answers cannot tell the two apart. IPv6 clients count per /64
//! (one host usually holds the whole prefix). The per-address limit `login_per_minute`
//! applies on top, across all account names.
//!
//! The counters live in memory (per instance) and are forgotten a day after a pair's last
//! failure; at most [`MAX_PAIRS`] are kept, the least useful dropped first.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use sha2::{Digest, Sha256};

/// The longest wait one pair can be given.
const MAX_DELAY: Duration = Duration::from_secs(86_400);
/// A pair with no failure for this long starts again from zero.
const FORGET_AFTER: Duration = Duration::from_secs(86_400);
/// Most pairs remembered at once.
pub const MAX_PAIRS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Pair {
    failures: u32,
    last_failure: Instant,
    blocked_until: Option<Instant>,
}

/// Failed sign-ins per (account, address); see the module docs.
#[derive(Debug)]
pub struct LoginThrottle {
    free_failures: u32,
    first_delay: Duration,
    pairs: Mutex<HashMap<[u8; 16], Pair>>,
}

/// The address a client is counted under: IPv4 as is, IPv6 by its /64 prefix.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

fn pair_key(account: &str, client: IpAddr) -> [u8; 16] {
    let mut hasher = Sha256::new();
    hasher.update(account.trim().to_lowercase().as_bytes());
    hasher.update([0]);
    hasher.update(client_key(client).to_string().as_bytes());
    let digest = hasher.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

impl LoginThrottle {
    /// `max_failed_logins` free failures per pair (at least 1), then waits from
    /// `lockout_minutes` (0: no waits; only the per-address limit applies).
    pub fn new(max_failed_logins: u32, lockout_minutes: u32) -> Self {
        LoginThrottle {
            free_failures: max_failed_logins.max(1),
            first_delay: Duration::from_secs(u64::from(lockout_minutes) * 60),
            pairs: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` while this pair must wait before its next attempt.
    pub fn check(&self, account: &str, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let pairs = self.pairs.lock().expect("login throttle lock");
        match pairs
            .get(&pair_key(account, client))
            .and_then(|pair| pair.blocked_until)
        {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Counts a failure; returns the wait it imposes, if any.
    pub fn failed(&self, account: &str, client: IpAddr, now: Instant) -> Option<Duration> {
        let key = pair_key(account, client);
        let mut pairs = self.pairs.lock().expect("login throttle lock");
        if !pairs.contains_key(&key) && pairs.len() >= MAX_PAIRS {
            Self::make_room(&mut pairs, now);
        }
        let pair = pairs.entry(key).or_insert(Pair {
            failures: 0,
            last_failure: now,
            blocked_until: None,
        });
        if now.saturating_duration_since(pair.last_failure) >= FORGET_AFTER {
            pair.failures = 0;
        }
        pair.failures = pair.failures.saturating_add(1);
        pair.last_failure = now;
        if pair.failures < self.free_failures || self.first_delay.is_zero() {
            return None;
        }
        let doublings = (pair.failures - self.free_failures).min(20);
        let delay = self
            .first_delay
            .saturating_mul(1 << doublings)
            .min(MAX_DELAY);
        pair.blocked_until = Some(now + delay);
        Some(delay)
    }

    /// Clears the pair after a successful sign-in.
    pub fn succeeded(&self, account: &str, client: IpAddr) {
        self.pairs
            .lock()
            .expect("login throttle lock")
            .remove(&pair_key(account, client));
    }

    /// How many pairs are remembered.
    pub fn len(&self) -> usize {
        self.pairs.lock().expect("login throttle lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops forgotten pairs, then pairs that wait no longer, then (if an attacker with
    /// very many addresses filled the table) the oldest half.
    fn make_room(pairs: &mut HashMap<[u8; 16], Pair>, now: Instant) {
        pairs.retain(|_, pair| now.saturating_duration_since(pair.last_failure) < FORGET_AFTER);
        if pairs.len() >= MAX_PAIRS {
            pairs.retain(|_, pair| pair.blocked_until.is_some_and(|until| until > now));
        }
        if pairs.len() >= MAX_PAIRS {
            let mut ages: Vec<Instant> = pairs.values().map(|pair| pair.last_failure).collect();
            ages.sort_unstable();
            let cutoff = ages[ages.len() / 2];
            pairs.retain(|_, pair| pair.last_failure > cutoff);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_per_account_and_address_only() {
        let throttle = LoginThrottle::new(3, 15);
        let attacker: IpAddr = "203.0.113.7".parse().unwrap();
        let owner: IpAddr = "198.51.100.2".parse().unwrap();
        let start = Instant::now();
        for _ in 0..2 {
            assert_eq!(throttle.failed("ops@example.com", attacker, start), None);
            assert!(throttle.check("ops@example.com", attacker, start).is_ok());
        }
        assert_eq!(
            throttle.failed("OPS@example.com ", attacker, start),
            Some(Duration::from_secs(900)),
            "the third failure starts the wait; names fold case"
        );
        assert!(throttle.check("ops@example.com", attacker, start).is_err());
        // Another address, or another account from the same address: unaffected.
        assert!(throttle.check("ops@example.com", owner, start).is_ok());
        assert!(throttle
            .check("nobody@example.com", attacker, start)
            .is_ok());
        // After the wait, one more failure doubles it.
        let later = start + Duration::from_secs(901);
        assert!(throttle.check("ops@example.com", attacker, later).is_ok());
        assert_eq!(
            throttle.failed("ops@example.com", attacker, later),
            Some(Duration::from_secs(1800))
        );
        // Capped at a day.
        let mut now = later;
        for _ in 0..30 {
            now += Duration::from_secs(86_401);
            now -= Duration::from_secs(2);
            throttle.failed("ops@example.com", attacker, now);
        }
        assert!(
            throttle
                .check("ops@example.com", attacker, now)
                .unwrap_err()
                <= MAX_DELAY
        );
        // A success clears the pair.
        throttle.succeeded("ops@example.com", attacker);
        assert!(throttle.check("ops@example.com", attacker, now).is_ok());
        // Zero minutes: never a wait.
        let off = LoginThrottle::new(1, 0);
        assert_eq!(off.failed("a@example.com", attacker, start), None);
    }

    #[test]
    fn ipv6_counts_per_prefix_and_memory_is_bounded() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(
            client_key(a),
            client_key("2001:db8:1:3::1".parse().unwrap())
        );
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());

        let throttle = LoginThrottle::new(5, 15);
        let now = Instant::now();
        for index in 0..(MAX_PAIRS as u32 + 10) {
            let ip = IpAddr::from(index.to_be_bytes());
            throttle.failed("ops@example.com", ip, now);
        }
        assert!(throttle.len() <= MAX_PAIRS, "{}", throttle.len());
    }
}
