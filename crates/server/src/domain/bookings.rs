//! Every change to a booking. Each is one store call (the database decides conflicts),
//! queues its mail in the same transaction, and is written to the audit log with who made
//! it.

use jiff::Timestamp;
use openslot_engine::{check_lookup, check_start, slots_lookup, BusyTimes, DayCounts, Lookup};
use openslot_store::{
    Booking, BookingChange, BookingStatus, ChangeOutcome, CreateOutcome, IdempotencyClaim,
    NewBooking, Store, StoreError,
};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{
    audit, can_change, snapshot, Actor, BookingError, BusyView, Domain, HostId, HostPlan, Without,
};
use crate::{
    catalog::{Catalog, EventType, Mode},
    notify::Notifier,
};

/// A booking request whose fields are valid (the edge parsed them); whether the time is
/// free is for [`Domain::create`] to find out.
#[derive(Clone, Debug)]
pub struct NewBookingRequest {
    /// The event type's slug (`None`: the default event type).
    pub event: Option<String>,
    pub start: Timestamp,
    pub name: String,
    pub email: String,
    pub timezone: Option<String>,
    pub notes: Option<String>,
    pub answers: Map<String, Value>,
    /// A host the invitee asked for.
    pub host: Option<HostId>,
    /// The client's idempotency key: a retry with the same key and request gets the
    /// original booking back.
    pub idempotency: Option<String>,
}

/// A booking made (or found again for a retried idempotent request).
#[derive(Clone, Debug)]
pub struct Placed {
    pub booking: Booking,
    /// Whether this is the replay of an earlier request with the same idempotency key.
    pub replayed: bool,
}

/// A request answered by the host.
#[derive(Clone, Debug)]
pub struct Answered {
    pub booking: Booking,
    /// Whether this call changed it (answering the same way twice is harmless).
    pub changed: bool,
}

/// Looks up a bookable event type by slug, or the default one.
pub fn find_event<'a>(
    catalog: &'a Catalog,
    slug: Option<&str>,
) -> Result<&'a EventType, BookingError> {
    match slug {
        None | Some("") => catalog.default_type().ok_or(BookingError::NoEventType),
        Some(slug) => catalog
            .bookable(slug)
            .ok_or_else(|| BookingError::UnknownEventType(slug.to_string())),
    }
}

/// Counts of active bookings per day for event types with a daily cap.
pub fn day_counts(event: &EventType, starts: &[Timestamp]) -> DayCounts {
    if event.rules.max_per_day.is_some() {
        DayCounts::from_starts(event.schedule.timezone(), starts.iter().copied())
    } else {
        DayCounts::default()
    }
}

fn fingerprint(event: &str, request: &NewBookingRequest) -> String {
    let canonical = json!([
        event,
        request.start.as_second(),
        request.name,
        request.email.to_lowercase(),
        request.timezone,
        request.notes,
        request.answers,
    ]);
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Busy time where every one of `views` is busy (a slot is free when any host is).
fn intersection(views: &[BusyView]) -> BusyTimes {
    let mut common: Vec<(i64, i64)> = match views.first() {
        Some(view) => view.busy.spans().to_vec(),
        None => return BusyTimes::default(),
    };
    for view in &views[1..] {
        let other = view.busy.spans();
        let (mut left, mut right) = (0, 0);
        let mut next = Vec::new();
        while left < common.len() && right < other.len() {
            let start = common[left].0.max(other[right].0);
            let end = common[left].1.min(other[right].1);
            if start < end {
                next.push((start, end));
            }
            if common[left].1 < other[right].1 {
                left += 1;
            } else {
                right += 1;
            }
        }
        common = next;
    }
    BusyTimes::from_seconds(common)
}

impl Domain {
    /// Busy time and daily counts of `host` for `event` within `lookup` (what the
    /// engine's answer depends on), leaving out one booking's hold if given.
    pub fn host_busy(
        &self,
        host: &HostId,
        event: &EventType,
        lookup: &Lookup,
        without: Option<Without>,
    ) -> (BusyTimes, DayCounts) {
        let capped = event.rules.max_per_day.is_some();
        let view = self
            .busy
            .view(host, lookup, capped.then_some(event.slug.as_str()), without);
        (view.busy, day_counts(event, &view.starts))
    }

    /// Busy time and daily counts of `event`'s hosts within `lookup`: time is busy when
    /// the team cannot take it (any host busy when all must attend, every host busy
    /// otherwise).
    pub fn busy_within(
        &self,
        event: &EventType,
        lookup: &Lookup,
        without: Option<Without>,
    ) -> (BusyTimes, DayCounts) {
        let team = self.hosts.team(event);
        if let [host] = team.hosts.as_slice() {
            return self.host_busy(host, event, lookup, without);
        }
        let capped = event.rules.max_per_day.is_some();
        let views: Vec<BusyView> = team
            .hosts
            .iter()
            .map(|host| {
                self.busy
                    .view(host, lookup, capped.then_some(event.slug.as_str()), without)
            })
            .collect();
        let busy = if team.all {
            BusyTimes::from_seconds(views.iter().flat_map(|view| view.busy.spans().to_vec()))
        } else {
            intersection(&views)
        };
        // A booking holding all hosts is one booking of the day, not one per host.
        let starts: Vec<Timestamp> = if team.all {
            views
                .first()
                .map(|view| view.starts.clone())
                .unwrap_or_default()
        } else {
            views.iter().flat_map(|view| view.starts.clone()).collect()
        };
        (busy, day_counts(event, &starts))
    }

    /// [`Self::busy_within`] for every slot `event` could offer at `now` (its whole
    /// window), or at a `now` read up to a day earlier by the caller.
    pub fn busy_in_window(
        &self,
        event: &EventType,
        now: Timestamp,
        without: Option<Without>,
    ) -> (BusyTimes, DayCounts) {
        const EARLIER: i64 = 86_400;
        let mut lookup = slots_lookup(&event.rules, Timestamp::MIN, Timestamp::MAX, now);
        lookup.busy.0 -= EARLIER;
        lookup.starts.0 -= EARLIER;
        self.busy_within(event, &lookup, without)
    }

    /// Busy time and day counts for moving `booking` anywhere in its event type's window
    /// (its own time does not block the move).
    pub fn availability_without(
        &self,
        event: &EventType,
        booking: &Booking,
    ) -> (BusyTimes, DayCounts) {
        self.busy_in_window(event, self.clock.now(), Some(Without::booking(booking)))
    }

    /// Which of `plan`'s hosts can take `start` for `event`, in the plan's order, and the
    /// engine's reason if none can (or, when all must, one cannot).
    fn free_hosts(
        &self,
        event: &EventType,
        plan: &HostPlan,
        start: Timestamp,
        now: Timestamp,
        without: Option<Without>,
    ) -> Result<(openslot_engine::Slot, Vec<HostId>), openslot_engine::Rejection> {
        let lookup = check_lookup(&event.rules, start);
        let mut free = Vec::new();
        let mut slot = None;
        let mut refused = None;
        for host in &plan.hosts {
            let (busy, counts) = self.host_busy(host, event, &lookup, without);
            match check_start(&event.schedule, &event.rules, &busy, &counts, start, now) {
                Ok(found) => {
                    slot.get_or_insert(found);
                    free.push(host.clone());
                }
                Err(rejection) => {
                    refused.get_or_insert(rejection);
                }
            }
        }
        match (slot, refused) {
            (Some(_), Some(rejection)) if plan.all => Err(rejection),
            (Some(slot), _) => Ok((slot, free)),
            (None, Some(rejection)) => Err(rejection),
            (None, None) => Err(openslot_engine::Rejection::Busy),
        }
    }

    /// Makes a booking (a request, in request mode) if the time is offered and free.
    pub async fn create(&self, request: NewBookingRequest) -> Result<Placed, BookingError> {
        let catalog = self.catalog.load();
        let event = find_event(&catalog, request.event.as_deref().map(str::trim))?;
        let claim = request.idempotency.clone().map(|key| IdempotencyClaim {
            fingerprint: fingerprint(&event.slug, &request),
            key,
        });
        if let Some(claim) = &claim {
            if let Some(original) = self.store.find_idempotent(claim).await? {
                return Ok(Placed {
                    booking: original,
                    replayed: true,
                });
            }
        }
        let now = self.clock.now();
        let plan = self
            .hosts
            .plan(event, request.start, request.host.as_ref())
            .await?;
        let (slot, free) = self
            .free_hosts(event, &plan, request.start, now, None)
            .map_err(|rejection| match (&request.host, rejection) {
                (Some(host), openslot_engine::Rejection::Busy) => {
                    BookingError::HostUnavailable(host.to_string())
                }
                (_, rejection) => BookingError::unavailable(rejection, false),
            })?;
        // The store holds one host per booking until it takes a plan's hosts (all, or the
        // first free in order); until then the first free host is the one held.
        let host = free
            .first()
            .cloned()
            .unwrap_or_else(|| plan.hosts[0].clone());

        let (blocked_start, blocked_end) = event.rules.blocked_range(slot.start.as_second());
        let day_cap = event.day_cap(slot.start);
        let id = uuid::Uuid::now_v7().to_string();
        let status = match event.mode {
            Mode::Request => BookingStatus::Requested,
            Mode::Instant => BookingStatus::Confirmed,
        };
        let expires_at = (event.request_expiry_hours > 0).then(|| {
            (now.as_second() + i64::from(event.request_expiry_hours) * 3600)
                .min(slot.start.as_second())
        });
        let jobs = self
            .notifier
            .jobs_for_new_booking_expiring(&id, status, slot.start, now, expires_at);
        let new = NewBooking {
            id,
            assign: openslot_store::Assign::single(host.to_string()),
            event_slug: event.slug.clone(),
            status,
            start: slot.start,
            end: slot.end,
            blocked_start,
            blocked_end,
            name: request.name,
            email: request.email,
            timezone: request.timezone,
            notes: request.notes,
            answers: Value::Object(request.answers),
            created_at: now,
            day_cap,
            jobs,
        };
        match self.store.create_booking(new, claim.clone()).await {
            Ok(CreateOutcome::Created(booking)) => {
                self.jobs_wake.notify_one();
                self.busy.record(&booking);
                tracing::info!(
                    booking_id = %booking.id,
                    event = %booking.event_slug,
                    status = booking.status.as_str(),
                    "booking created"
                );
                Ok(Placed {
                    booking,
                    replayed: false,
                })
            }
            Ok(CreateOutcome::Replayed(booking)) => Ok(Placed {
                booking,
                replayed: true,
            }),
            Err(StoreError::Overlap) => {
                // Our cached busy time was behind; a concurrent retry of the same key may
                // have won.
                if let Some(claim) = &claim {
                    if let Some(original) = self.store.find_idempotent(claim).await? {
                        return Ok(Placed {
                            booking: original,
                            replayed: true,
                        });
                    }
                }
                self.busy.refresh().await;
                Err(BookingError::SlotTaken)
            }
            Err(err) => Err(err.into()),
        }
    }

    async fn changed(&self, actor: &Actor, action: &str, before: &Booking, after: &Booking) {
        tracing::info!(
            booking_id = %after.id,
            status = after.status.as_str(),
            by = actor.kind(),
            action,
            "booking changed"
        );
        self.jobs_wake.notify_one();
        self.audit(
            actor,
            action,
            format!("booking:{}", after.id),
            Some(snapshot(before)),
            Some(snapshot(after)),
        )
        .await;
        self.busy.record(after);
    }

    /// Cancels an active booking (a second cancel is harmless and returns it unchanged).
    pub async fn cancel(
        &self,
        booking: Booking,
        reason: Option<String>,
        actor: &Actor,
    ) -> Result<Booking, BookingError> {
        if !booking.status.is_active() {
            return Ok(booking);
        }
        let now = self.clock.now();
        if actor.bound_by_cutoff() {
            let catalog = self.catalog.load();
            if !can_change(catalog.get(&booking.event_slug), &booking, now) {
                return Err(BookingError::ChangeWindowClosed);
            }
        }
        let jobs = self
            .notifier
            .jobs_for_end(&booking.id, BookingStatus::Cancelled, now);
        let change = BookingChange::End {
            status: BookingStatus::Cancelled,
            reason,
        };
        match self
            .store
            .change_booking(&booking.id, change, jobs, now)
            .await?
        {
            Some(ChangeOutcome::Changed(after)) => {
                self.changed(actor, "booking.cancel", &booking, &after)
                    .await;
                Ok(after)
            }
            Some(ChangeOutcome::Unchanged(current)) => Ok(current),
            None => Err(BookingError::NotFound),
        }
    }

    /// Moves an active booking to another offered slot of its event type (on the hosts it
    /// holds).
    pub async fn reschedule(
        &self,
        booking: Booking,
        start: Timestamp,
        actor: &Actor,
    ) -> Result<Booking, BookingError> {
        if !booking.status.is_active() {
            return Err(BookingError::NotActive(booking.status));
        }
        let catalog = self.catalog.load();
        let Some(event) = catalog.get(&booking.event_slug) else {
            return Err(BookingError::EventTypeWithdrawn);
        };
        let now = self.clock.now();
        if actor.bound_by_cutoff() && !can_change(Some(event), &booking, now) {
            return Err(BookingError::ChangeWindowClosed);
        }
        if start == booking.start {
            return Ok(booking);
        }
        // A moved booking keeps its hosts: all of them must be free at the new time.
        let held = HostPlan {
            hosts: vec![HostId::new(booking.host_id.clone())],
            all: true,
        };
        let (slot, _) = self
            .free_hosts(event, &held, start, now, Some(Without::booking(&booking)))
            .map_err(|rejection| BookingError::unavailable(rejection, true))?;
        let (blocked_start, blocked_end) = event.rules.blocked_range(slot.start.as_second());
        let day_cap = event.day_cap(slot.start);
        let mut moved = booking.clone();
        moved.start = slot.start;
        moved.end = slot.end;
        let jobs = self.notifier.jobs_for_move(&moved, now);
        let change = BookingChange::Move {
            start: slot.start,
            end: slot.end,
            blocked_start,
            blocked_end,
            day_cap,
            host_caps: Vec::new(),
        };
        match self
            .store
            .change_booking(&booking.id, change, jobs, now)
            .await
        {
            Ok(Some(ChangeOutcome::Changed(after))) => {
                self.changed(actor, "booking.reschedule", &booking, &after)
                    .await;
                Ok(after)
            }
            Ok(Some(ChangeOutcome::Unchanged(current))) => {
                Err(BookingError::NotActive(current.status))
            }
            Ok(None) => Err(BookingError::NotFound),
            Err(StoreError::Overlap) => {
                self.busy.refresh().await;
                Err(BookingError::SlotTaken)
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Confirms a request.
    pub async fn approve(&self, booking: Booking, actor: &Actor) -> Result<Answered, BookingError> {
        self.answer(booking, true, None, actor).await
    }

    /// Declines a request, with an optional message for the invitee.
    pub async fn decline(
        &self,
        booking: Booking,
        message: Option<String>,
        actor: &Actor,
    ) -> Result<Answered, BookingError> {
        self.answer(booking, false, message, actor).await
    }

    async fn answer(
        &self,
        booking: Booking,
        approve: bool,
        message: Option<String>,
        actor: &Actor,
    ) -> Result<Answered, BookingError> {
        let target = if approve {
            BookingStatus::Confirmed
        } else {
            BookingStatus::Declined
        };
        if booking.status == target {
            return Ok(Answered {
                booking,
                changed: false,
            });
        }
        if booking.status != BookingStatus::Requested {
            return Err(BookingError::NotActive(booking.status));
        }
        let now = self.clock.now();
        let (change, jobs) = if approve {
            let mut confirmed = booking.clone();
            confirmed.status = BookingStatus::Confirmed;
            (
                BookingChange::Confirm,
                self.notifier.jobs_for_confirm(&confirmed, now),
            )
        } else {
            (
                BookingChange::End {
                    status: BookingStatus::Declined,
                    reason: message,
                },
                self.notifier
                    .jobs_for_end(&booking.id, BookingStatus::Declined, now),
            )
        };
        match self
            .store
            .change_booking(&booking.id, change, jobs, now)
            .await?
        {
            Some(ChangeOutcome::Changed(after)) => {
                let action = if approve {
                    "booking.approve"
                } else {
                    "booking.decline"
                };
                self.changed(actor, action, &booking, &after).await;
                Ok(Answered {
                    booking: after,
                    changed: true,
                })
            }
            Some(ChangeOutcome::Unchanged(current)) if current.status == target => Ok(Answered {
                booking: current,
                changed: false,
            }),
            Some(ChangeOutcome::Unchanged(current)) => Err(BookingError::NotActive(current.status)),
            None => Err(BookingError::NotFound),
        }
    }
}

/// Expires a request the host has not answered by its deadline. Returns the expired
/// booking, or `None` when there was nothing to do (answered meanwhile, or gone).
///
/// Run by the worker, which may share no busy-time source with the request path: the
/// caller tells whoever holds busy time that it freed some.
pub async fn expire(
    store: &dyn Store,
    notifier: &Notifier,
    now: Timestamp,
    booking_id: &str,
) -> Result<Option<Booking>, BookingError> {
    let change = BookingChange::End {
        status: BookingStatus::Expired,
        reason: None,
    };
    let jobs = notifier.jobs_for_end(booking_id, BookingStatus::Expired, now);
    match store.change_booking(booking_id, change, jobs, now).await? {
        Some(ChangeOutcome::Changed(after)) => {
            tracing::info!(booking_id = %booking_id, status = "expired", "booking expired unanswered");
            let mut before = after.clone();
            before.status = BookingStatus::Requested;
            before.status_reason = None;
            audit(
                store,
                now,
                &Actor::System,
                "booking.expire",
                format!("booking:{booking_id}"),
                Some(snapshot(&before)),
                Some(snapshot(&after)),
            )
            .await;
            Ok(Some(after))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(spans: &[(i64, i64)]) -> BusyView {
        BusyView {
            busy: BusyTimes::from_seconds(spans.iter().copied()),
            starts: Vec::new(),
        }
    }

    #[test]
    fn time_is_busy_for_a_team_only_where_every_host_is_busy() {
        let views = [
            view(&[(0, 100), (200, 300), (400, 500)]),
            view(&[(50, 250), (450, 460)]),
            view(&[(0, 1_000)]),
        ];
        assert_eq!(
            intersection(&views).spans(),
            [(50, 100), (200, 250), (450, 460)]
        );
        assert!(intersection(&[view(&[(0, 10)]), view(&[(10, 20)])])
            .spans()
            .is_empty());
        assert!(intersection(&[]).spans().is_empty());
    }
}
