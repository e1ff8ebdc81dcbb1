//! The host-choice seam: which hosts a booking of an event type may go to, in which order,
//! and whether it must hold all of them: one host, round robin ([`RoundRobin`]: ordered by
//! fairness, the first the database finds free wins) or collective ([`Collective`]: all
//! held). [`TeamPicker`] chooses among them by the event type's assignment.

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, Mutex},
    time::Instant,
};

use jiff::Timestamp;
use openslot_engine::{rank_round_robin, Candidate};
use openslot_store::Store;

use super::error::BookingError;
use crate::{catalog::EventType, hosts::Assignment};

/// A host's id (`[a-z0-9-]+`; `"default"` for the one host of an install without hosts).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostId(String);

impl HostId {
    pub fn new(id: impl Into<String>) -> Self {
        HostId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HostId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for HostId {
    fn from(id: &str) -> Self {
        HostId(id.to_string())
    }
}

/// Hosts to hold for a booking: either the first of `hosts` that is free (in this order),
/// or every one of them (`all`), all or nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPlan {
    pub hosts: Vec<HostId>,
    pub all: bool,
}

impl HostPlan {
    /// One host.
    pub fn single(host: HostId) -> Self {
        HostPlan {
            hosts: vec![host],
            all: false,
        }
    }
}

/// The hosts of an event type as seen at one requested start.
#[derive(Clone, Copy, Debug)]
pub struct Candidates<'a> {
    /// The event type's hosts that take new bookings, in its order.
    pub hosts: &'a [HostId],
    /// Indexes into `hosts` of those free at the start, as far as this process knows.
    pub free: &'a [usize],
    /// Indexes of the others whose hours include the start: busy as far as this process
    /// knows, but its copy of busy time may be behind the database's.
    pub maybe: &'a [usize],
}

/// Chooses hosts for a booking.
#[async_trait::async_trait]
pub trait HostPicker: Send + Sync {
    /// The hosts to try for a booking of `event`, in order, and whether all must be held.
    async fn plan(
        &self,
        event: &EventType,
        team: Candidates<'_>,
        now: Timestamp,
    ) -> Result<HostPlan, BookingError>;

    /// A booking this process just created (pickers that keep counts note it).
    fn booked(&self, _booking: &openslot_store::Booking) {}
}

/// Every host of the event type, all or nothing.
#[derive(Clone, Debug, Default)]
pub struct Collective;

#[async_trait::async_trait]
impl HostPicker for Collective {
    async fn plan(
        &self,
        _event: &EventType,
        team: Candidates<'_>,
        _now: Timestamp,
    ) -> Result<HostPlan, BookingError> {
        Ok(HostPlan {
            hosts: team.hosts.to_vec(),
            all: true,
        })
    }
}

/// Round robin: the free hosts ranked by fairness ([`rank_round_robin`] over the event
/// type's bookings created within its fairness window, and the weights), then the hosts
/// this process thinks busy, ranked the same way. The database holds the first of them
/// that is really free, so a booking is refused only when every host is taken.
///
/// The counts are read from the database at most every [`TALLY_SECONDS`] per event type,
/// and this process's own bookings are added as they are made: a booking costs no count
/// over the window, and other instances' bookings are seen within that time.
#[derive(Clone)]
pub struct RoundRobin {
    pub store: Arc<dyn Store>,
    tallies: Arc<Mutex<HashMap<String, Tally>>>,
}

/// How long counts read from the database are used before they are read again.
pub const TALLY_SECONDS: u64 = 1;

/// One event type's bookings per assigned host within its fairness window:
/// `(bookings, last created)`.
#[derive(Clone, Debug)]
struct Tally {
    read_at: Instant,
    by_host: HashMap<String, (u64, i64)>,
}

impl RoundRobin {
    pub fn new(store: Arc<dyn Store>) -> Self {
        RoundRobin {
            store,
            tallies: Arc::default(),
        }
    }

    /// `event`'s counts, from memory when read recently.
    async fn tally(
        &self,
        event: &EventType,
        now: Timestamp,
    ) -> Result<HashMap<String, (u64, i64)>, BookingError> {
        let fresh = std::time::Duration::from_secs(TALLY_SECONDS);
        if let Some(tally) = self.tallies.lock().expect("tally lock").get(&event.slug) {
            if tally.read_at.elapsed() < fresh {
                return Ok(tally.by_host.clone());
            }
        }
        let since = now.as_second() - i64::from(event.fairness_window_days) * 86_400;
        let read_at = Instant::now();
        let stats = self.store.host_booking_stats(&event.slug, since).await?;
        let by_host: HashMap<String, (u64, i64)> = stats
            .into_iter()
            .map(|stat| {
                let bookings = u64::try_from(stat.bookings).unwrap_or(0);
                (stat.host_id, (bookings, stat.last_created_at))
            })
            .collect();
        self.tallies.lock().expect("tally lock").insert(
            event.slug.clone(),
            Tally {
                read_at,
                by_host: by_host.clone(),
            },
        );
        Ok(by_host)
    }

    /// `indexes` of `hosts` in fairness order.
    fn rank(
        event: &EventType,
        hosts: &[HostId],
        indexes: &[usize],
        stats: &HashMap<&str, (u64, i64)>,
    ) -> Vec<usize> {
        let candidates: Vec<Candidate> = indexes
            .iter()
            .map(|&index| {
                let id = hosts[index].as_str();
                let (bookings, last) = stats.get(id).copied().unwrap_or((0, 0));
                Candidate {
                    index,
                    weight: event.weight(id),
                    bookings_in_window: bookings,
                    last_booked_at: (bookings > 0).then_some(last),
                }
            })
            .collect();
        rank_round_robin(&candidates)
    }
}

#[async_trait::async_trait]
impl HostPicker for RoundRobin {
    async fn plan(
        &self,
        event: &EventType,
        team: Candidates<'_>,
        now: Timestamp,
    ) -> Result<HostPlan, BookingError> {
        if team.free.len() + team.maybe.len() <= 1 {
            let only = team.free.iter().chain(team.maybe).copied();
            return Ok(HostPlan {
                hosts: only.map(|index| team.hosts[index].clone()).collect(),
                all: false,
            });
        }
        let tally = self.tally(event, now).await?;
        let by_host: HashMap<&str, (u64, i64)> = tally
            .iter()
            .map(|(host, counts)| (host.as_str(), *counts))
            .collect();
        let order = Self::rank(event, team.hosts, team.free, &by_host)
            .into_iter()
            .chain(Self::rank(event, team.hosts, team.maybe, &by_host));
        Ok(HostPlan {
            hosts: order.map(|index| team.hosts[index].clone()).collect(),
            all: false,
        })
    }

    fn booked(&self, booking: &openslot_store::Booking) {
        let mut tallies = self.tallies.lock().expect("tally lock");
        if let Some(tally) = tallies.get_mut(&booking.event_slug) {
            let counts = tally.by_host.entry(booking.host_id.clone()).or_default();
            counts.0 += 1;
            counts.1 = counts.1.max(booking.created_at.as_second());
        }
    }
}

/// The picker of each event type's assignment: one host (nothing to choose), round robin
/// or collective.
#[derive(Clone)]
pub struct TeamPicker {
    pub round_robin: RoundRobin,
    pub collective: Collective,
}

impl TeamPicker {
    pub fn new(store: Arc<dyn Store>) -> Self {
        TeamPicker {
            round_robin: RoundRobin::new(store),
            collective: Collective,
        }
    }
}

#[async_trait::async_trait]
impl HostPicker for TeamPicker {
    async fn plan(
        &self,
        event: &EventType,
        team: Candidates<'_>,
        now: Timestamp,
    ) -> Result<HostPlan, BookingError> {
        match event.team_assignment() {
            Some(Assignment::Collective) => self.collective.plan(event, team, now).await,
            Some(Assignment::RoundRobin) => self.round_robin.plan(event, team, now).await,
            // One host: it, if its hours hold the start.
            None => Ok(HostPlan {
                hosts: team
                    .free
                    .iter()
                    .chain(team.maybe)
                    .map(|&index| team.hosts[index].clone())
                    .collect(),
                all: false,
            }),
        }
    }

    fn booked(&self, booking: &openslot_store::Booking) {
        if booking.hosts.len() <= 1 {
            self.round_robin.booked(booking);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(weights: &str) -> EventType {
        let text = format!(
            "[[hosts]]\nid = \"ada\"\nname = \"Ada\"\nemail = \"ada@example.com\"\n\
             [[hosts]]\nid = \"grace\"\nname = \"Grace\"\nemail = \"grace@example.com\"\n\
             [[hosts]]\nid = \"linus\"\nname = \"Linus\"\nemail = \"linus@example.com\"\n\
             [[event_types]]\nslug = \"intro\"\ntitle = \"Intro\"\nduration_minutes = 30\n{weights}\n"
        );
        let config = crate::config::Config::parse(&text, "test.toml").unwrap();
        let catalog = crate::catalog::Catalog::from_config(&config, "test.toml").unwrap();
        catalog.get("intro").unwrap().clone()
    }

    fn ids() -> Vec<HostId> {
        ["ada", "grace", "linus"].map(HostId::from).to_vec()
    }

    #[test]
    fn free_hosts_rank_by_weighted_share_then_recency_then_order() {
        let event = event("weights = { ada = 2 }");
        let hosts = ids();
        // ada 2 of weight 2 (1 each), grace 1 (1), linus 1 but longer ago (1): tie on
        // share, linus least recently booked.
        let stats: HashMap<&str, (u64, i64)> =
            [("ada", (2, 50)), ("grace", (1, 40)), ("linus", (1, 30))].into();
        assert_eq!(
            RoundRobin::rank(&event, &hosts, &[0, 1, 2], &stats),
            [2, 1, 0]
        );
        // Never booked ranks first; then host order among equals.
        let stats: HashMap<&str, (u64, i64)> = [("ada", (1, 50))].into();
        assert_eq!(
            RoundRobin::rank(&event, &hosts, &[0, 1, 2], &stats),
            [1, 2, 0]
        );
    }

    #[tokio::test]
    async fn collective_holds_every_host_and_one_host_is_tried_alone() {
        let event = event("assignment = \"collective\"");
        let hosts = ids();
        let team = Candidates {
            hosts: &hosts,
            free: &[0, 1, 2],
            maybe: &[],
        };
        let plan = Collective
            .plan(&event, team, Timestamp::UNIX_EPOCH)
            .await
            .unwrap();
        assert_eq!(plan.hosts, hosts);
        assert!(plan.all);
    }
}
