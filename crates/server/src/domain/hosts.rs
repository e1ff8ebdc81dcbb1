//! The host-choice seam: which hosts a booking of an event type may go to, in which order,
//! and whether it must hold all of them. One host today ([`SingleHost`]); round robin
//! (ordered by fairness, first free wins) and collective (all held) are further pickers.

use std::fmt;

use jiff::Timestamp;

use super::error::BookingError;
use crate::catalog::EventType;

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

/// Chooses hosts for an event type.
#[async_trait::async_trait]
pub trait HostPicker: Send + Sync {
    /// The hosts whose time `event`'s offered slots depend on (for availability), and
    /// whether a slot needs all of them free.
    fn team(&self, event: &EventType) -> HostPlan;

    /// The hosts to try for a booking of `event` at `start`, in order. `pinned` is a host
    /// the invitee asked for: the plan is that host alone, or
    /// [`BookingError::HostUnavailable`] when it does not serve `event`.
    async fn plan(
        &self,
        event: &EventType,
        start: Timestamp,
        pinned: Option<&HostId>,
    ) -> Result<HostPlan, BookingError>;
}

/// Every event type belongs to one host.
#[derive(Clone, Debug)]
pub struct SingleHost {
    pub host: HostId,
}

#[async_trait::async_trait]
impl HostPicker for SingleHost {
    fn team(&self, _event: &EventType) -> HostPlan {
        HostPlan::single(self.host.clone())
    }

    async fn plan(
        &self,
        _event: &EventType,
        _start: Timestamp,
        pinned: Option<&HostId>,
    ) -> Result<HostPlan, BookingError> {
        match pinned {
            Some(pinned) if *pinned != self.host => {
                Err(BookingError::HostUnavailable(pinned.to_string()))
            }
            _ => Ok(HostPlan::single(self.host.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{catalog::Catalog, config::Config};

    fn event() -> EventType {
        let text = "[[event_types]]\nslug = \"intro\"\ntitle = \"Intro\"\nduration_minutes = 30\n";
        let config = Config::parse(text, "test.toml").unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        catalog.get("intro").unwrap().clone()
    }

    #[tokio::test]
    async fn a_single_host_takes_every_booking_and_refuses_other_pins() {
        let picker = SingleHost {
            host: HostId::from("default"),
        };
        let event = event();
        let start = Timestamp::UNIX_EPOCH;
        let only = HostPlan::single(HostId::from("default"));
        assert_eq!(picker.team(&event), only);
        assert_eq!(picker.plan(&event, start, None).await.unwrap(), only);
        let pinned = HostId::from("default");
        assert_eq!(
            picker.plan(&event, start, Some(&pinned)).await.unwrap(),
            only
        );
        let other = HostId::from("ada");
        assert!(matches!(
            picker.plan(&event, start, Some(&other)).await,
            Err(BookingError::HostUnavailable(host)) if host == "ada"
        ));
    }
}
