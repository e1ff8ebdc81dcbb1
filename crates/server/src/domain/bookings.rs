//! Every change to a booking. Each is one store call (the database decides conflicts),
//! queues its mail in the same transaction, and is written to the audit log with who made
//! it.

use jiff::civil::Date;
use jiff::Timestamp;
use openslot_engine::{
    check_lookup, slots_lookup, team_check_start, team_slots, BusyTimes, DayCounts,
    HostAvailability, Lookup, Rejection, Schedule, Slot, TeamMode, TeamSlot,
};
use openslot_store::{
    Assign, Booking, BookingChange, BookingStatus, ChangeOutcome, CreateOutcome, HostHold,
    IdempotencyClaim, NewBooking, Store, StoreError,
};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{
    audit, can_change, snapshot, Actor, BookingError, Candidates, Domain, HostId, HostPlan,
    Verified, Without,
};
use crate::{
    catalog::{Catalog, EventType, Mode},
    hosts::{Assignment, Host, HostDirectory},
    notify::{held_by, Notifier},
    webhooks::{self, WebhookEvent},
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
    /// The invitee's language, resolved by the edge: stored with the booking, every later
    /// e-mail to the invitee is written in it.
    pub locale: crate::i18n::Locale,
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

/// One host's side of an event type's availability, for one request.
struct Side<'a> {
    id: HostId,
    schedule: &'a Schedule,
    time_off: &'a [(Date, Date)],
    max_per_day: Option<u32>,
    host: Option<&'a Host>,
}

/// The hosts availability is computed over, and how they combine.
struct Team<'a> {
    sides: Vec<Side<'a>>,
    mode: TeamMode,
}

impl<'a> Team<'a> {
    fn side(host: &'a Host) -> Side<'a> {
        Side {
            id: HostId::new(host.id.clone()),
            schedule: &host.schedule,
            time_off: &host.time_off,
            max_per_day: host.max_per_day,
            host: Some(host),
        }
    }

    /// `event`'s hosts that take new bookings: any of them free (round robin, one host)
    /// or all (collective).
    fn of_event(directory: &'a HostDirectory, event: &'a EventType) -> Team<'a> {
        let mode = match event.team_assignment() {
            Some(Assignment::Collective) => TeamMode::All,
            _ => TeamMode::Any,
        };
        Team {
            sides: directory
                .of(event)
                .filter(|host| host.enabled)
                .map(Team::side)
                .collect(),
            mode,
        }
    }

    /// The hosts `booking` holds, all needed (a moved booking keeps its hosts; a host
    /// since disabled keeps its bookings). A host no longer known narrows nothing.
    fn held_by(directory: &'a HostDirectory, booking: &Booking, open: &'a Schedule) -> Team<'a> {
        let single = [booking.host_id.clone()];
        let held = if booking.hosts.is_empty() {
            &single[..]
        } else {
            &booking.hosts[..]
        };
        Team {
            sides: held
                .iter()
                .map(|id| match directory.get(id) {
                    Some(host) => Team::side(host),
                    None => Side {
                        id: HostId::new(id.clone()),
                        schedule: open,
                        time_off: &[],
                        max_per_day: None,
                        host: None,
                    },
                })
                .collect(),
            mode: TeamMode::All,
        }
    }

    fn side_of(side: &Side<'a>) -> Side<'a> {
        Side {
            id: side.id.clone(),
            schedule: side.schedule,
            time_off: side.time_off,
            max_per_day: side.max_per_day,
            host: side.host,
        }
    }

    fn ids(&self) -> Vec<HostId> {
        self.sides.iter().map(|side| side.id.clone()).collect()
    }
}

/// Busy time and day counts of each host of a team within a lookup.
struct Inputs {
    busy: Vec<BusyTimes>,
    counts: Vec<DayCounts>,
    event_counts: DayCounts,
}

impl Inputs {
    fn hosts<'a>(&'a self, team: &'a Team<'_>) -> Vec<HostAvailability<'a>> {
        team.sides
            .iter()
            .zip(self.busy.iter().zip(&self.counts))
            .map(|(side, (busy, counts))| HostAvailability {
                schedule: side.schedule,
                time_off: side.time_off,
                busy,
                max_per_day: side.max_per_day,
                day_counts: counts,
            })
            .collect()
    }
}

impl Domain {
    /// What the engine needs of `team` for `event` within `lookup`, leaving out one
    /// booking's hold if given.
    fn inputs(
        &self,
        event: &EventType,
        team: &Team<'_>,
        lookup: &Lookup,
        without: Option<Without>,
    ) -> Inputs {
        let mut busy = Vec::with_capacity(team.sides.len());
        let mut counts = Vec::with_capacity(team.sides.len());
        for side in &team.sides {
            // A host's starts are read only when the host has a daily cap.
            let wanted = Lookup {
                busy: lookup.busy,
                starts: if side.max_per_day.is_some() {
                    lookup.starts
                } else {
                    (0, 0)
                },
            };
            let view = self.busy.view(&side.id, &wanted, None, without);
            counts.push(match side.max_per_day {
                Some(_) => DayCounts::from_starts(side.schedule.timezone(), view.starts),
                None => DayCounts::default(),
            });
            busy.push(view.busy);
        }
        let event_counts = if event.rules.max_per_day.is_some() {
            let starts = self.busy.event_starts(&event.slug, lookup.starts, without);
            day_counts(event, &starts)
        } else {
            DayCounts::default()
        };
        Inputs {
            busy,
            counts,
            event_counts,
        }
    }

    /// The slots of `event` starting in `[from, to)` at `now`, each with the hosts free to
    /// take it (indexes into the event type's enabled hosts). When `moving` is given: the
    /// times that booking could move to (all the hosts it holds free, its own time not in
    /// the way).
    pub fn team_slots(
        &self,
        event: &EventType,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
        moving: Option<&Booking>,
    ) -> Vec<TeamSlot> {
        let catalog = self.catalog.load();
        let open = Schedule::always_open(event.schedule.timezone().clone());
        let team = match moving {
            Some(booking) => Team::held_by(catalog.hosts(), booking, &open),
            None => Team::of_event(catalog.hosts(), event),
        };
        let lookup = slots_lookup(&event.rules, from, to, now);
        let inputs = self.inputs(event, &team, &lookup, moving.map(Without::booking));
        team_slots(
            &event.schedule,
            &event.rules,
            &inputs.event_counts,
            &inputs.hosts(&team),
            team.mode,
            from,
            to,
            now,
        )
    }

    /// [`Domain::team_slots`] for an invitee who asked for one host (`pinned`, a host of
    /// `event`): only the slots that host can take. A collective booking holds every host
    /// anyway, so its slots stay as they are; an id that is not an enabled host of `event`
    /// narrows nothing (the caller decides whether that is an error).
    pub fn team_slots_pinned(
        &self,
        event: &EventType,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
        pinned: Option<&str>,
    ) -> Vec<TeamSlot> {
        let slots = self.team_slots(event, from, to, now, None);
        let Some(pinned) = pinned else {
            return slots;
        };
        let catalog = self.catalog.load();
        let team = Team::of_event(catalog.hosts(), event);
        let position = team
            .sides
            .iter()
            .position(|side| side.id.as_str() == pinned);
        match (team.mode, position) {
            (TeamMode::Any, Some(index)) => slots
                .into_iter()
                .filter(|slot| slot.free_hosts.contains(&index))
                .collect(),
            _ => slots,
        }
    }

    /// Whether `id` is an enabled host of `event` (one an invitee may ask for).
    pub fn serves(&self, event: &EventType, id: &str) -> bool {
        let catalog = self.catalog.load();
        let team = Team::of_event(catalog.hosts(), event);
        team.sides.iter().any(|side| side.id.as_str() == id)
    }

    /// Every slot `event` offers at `now` (its whole window), or that `moving` could move
    /// to.
    pub fn offered_in_window(
        &self,
        event: &EventType,
        now: Timestamp,
        moving: Option<&Booking>,
    ) -> Vec<Slot> {
        self.team_slots(event, now, Timestamp::MAX, now, moving)
            .iter()
            .map(TeamSlot::slot)
            .collect()
    }

    /// Checks `start` for `team`: the slot and the hosts free to take it, or the engine's
    /// reason. `ignore_busy` checks hours, time off and the event type's rules only.
    fn check_team(
        &self,
        event: &EventType,
        team: &Team<'_>,
        start: Timestamp,
        now: Timestamp,
        without: Option<Without>,
        ignore_busy: bool,
    ) -> Result<TeamSlot, Rejection> {
        let lookup = check_lookup(&event.rules, start);
        let inputs = self.inputs(event, team, &lookup, without);
        let mut hosts = inputs.hosts(team);
        let free = BusyTimes::default();
        let none = DayCounts::default();
        if ignore_busy {
            for host in &mut hosts {
                host.busy = &free;
                host.max_per_day = None;
                host.day_counts = &none;
            }
        }
        team_check_start(
            &event.schedule,
            &event.rules,
            &inputs.event_counts,
            &hosts,
            team.mode,
            start,
            now,
        )
    }

    /// The store's holds for `plan` at `start`, each with the host's own daily cap.
    fn assign(&self, team: &Team<'_>, plan: &HostPlan, start: Timestamp) -> Assign {
        let holds: Vec<HostHold> = plan
            .hosts
            .iter()
            .map(|id| HostHold {
                host_id: id.to_string(),
                day_cap: team
                    .sides
                    .iter()
                    .find(|side| side.id == *id)
                    .and_then(|side| side.host)
                    .and_then(|host| host.day_cap(start)),
            })
            .collect();
        if plan.all {
            Assign::All(holds)
        } else {
            Assign::FirstFree(holds)
        }
    }

    /// Asks the calendars of each of `hosts` about `span`, all at once (each answer is
    /// bounded by the verifier's own deadline, so together they take no longer than one).
    async fn verify_hosts(&self, hosts: &[HostId], span: (i64, i64)) -> Vec<Verified> {
        if let [host] = hosts {
            return vec![self.verifier.verify(host, span).await];
        }
        let mut asked = tokio::task::JoinSet::new();
        for (index, host) in hosts.iter().enumerate() {
            let verifier = self.verifier.clone();
            let host = host.clone();
            asked.spawn(async move { (index, verifier.verify(&host, span).await) });
        }
        // A verifier that failed outright said nothing: as good as unreachable.
        let mut answers = vec![Verified::Unknown; hosts.len()];
        while let Some(answered) = asked.join_next().await {
            match answered {
                Ok((index, answer)) => answers[index] = answer,
                Err(err) => tracing::error!(error = %err, "calendar check failed"),
            }
        }
        answers
    }

    /// `plan` without the hosts whose calendars are busy for `span` right now, or `None`
    /// when it can no longer be held (no host left, or one of all-needed hosts busy).
    /// Calendars that cannot be read in time hold nothing up: the imported busy time
    /// already offered the time.
    async fn verified(&self, plan: HostPlan, span: (i64, i64)) -> Option<HostPlan> {
        let answers = self.verify_hosts(&plan.hosts, span).await;
        let mut kept = Vec::with_capacity(plan.hosts.len());
        for (host, answer) in plan.hosts.into_iter().zip(answers) {
            match answer {
                Verified::Free => kept.push(host),
                Verified::Unknown => {
                    tracing::warn!(host_id = %host, start = span.0, end = span.1,
                        "calendars not read in time; booking on the busy time imported");
                    kept.push(host);
                }
                Verified::Busy => {
                    tracing::info!(host_id = %host, start = span.0, end = span.1,
                        "calendar busy at booking time");
                    if plan.all {
                        return None;
                    }
                }
            }
        }
        (!kept.is_empty()).then_some(HostPlan {
            hosts: kept,
            all: plan.all,
        })
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
        let team = Team::of_event(catalog.hosts(), event);
        let pinned = request.host.clone();
        if let Some(host) = &pinned {
            if !team.sides.iter().any(|side| side.id == *host) {
                return Err(BookingError::HostUnavailable(host.to_string()));
            }
        }
        // A collective booking holds every host: naming one of them changes nothing.
        let pinned = pinned.filter(|_| team.mode == TeamMode::Any);
        let (slot, plan) = match &pinned {
            Some(host) => {
                let Some(side) = team.sides.iter().find(|side| side.id == *host) else {
                    return Err(BookingError::HostUnavailable(host.to_string()));
                };
                // The event type's own rules first: a time it never offers is not the
                // host's fault.
                self.check_team(event, &team, request.start, now, None, true)
                    .map_err(|rejection| BookingError::unavailable(rejection, false))?;
                let alone = Team {
                    sides: vec![Team::side_of(side)],
                    mode: TeamMode::Any,
                };
                let slot = self
                    .check_team(event, &alone, request.start, now, None, false)
                    .map_err(|_| BookingError::HostUnavailable(host.to_string()))?;
                (slot, HostPlan::single(host.clone()))
            }
            None => {
                let slot = self
                    .check_team(event, &team, request.start, now, None, false)
                    .map_err(|rejection| BookingError::unavailable(rejection, false))?;
                // Hosts whose hours hold the start but whose busy time (as this process
                // knows it) does not: the database may know better.
                // Not those busy in their calendars, which the database does not know.
                let held = event.rules.blocked_range(slot.start.as_second());
                let maybe: Vec<usize> =
                    if team.mode == TeamMode::Any && slot.free_hosts.len() < team.sides.len() {
                        self.check_team(event, &team, request.start, now, None, true)
                            .map(|open| open.free_hosts)
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|index| !slot.free_hosts.contains(index))
                            .filter(|index| !self.busy.calendar_busy(&team.sides[*index].id, held))
                            .collect()
                    } else {
                        Vec::new()
                    };
                let ids = team.ids();
                let candidates = Candidates {
                    hosts: &ids,
                    free: &slot.free_hosts,
                    maybe: &maybe,
                };
                let plan = self.hosts.plan(event, candidates, now).await?;
                (slot, plan)
            }
        };
        if plan.hosts.is_empty() {
            return Err(BookingError::SlotTaken);
        }
        let (blocked_start, blocked_end) = event.rules.blocked_range(slot.start.as_second());
        let Some(plan) = self.verified(plan, (blocked_start, blocked_end)).await else {
            return Err(match pinned {
                Some(host) => BookingError::HostUnavailable(host.to_string()),
                None => BookingError::SlotTaken,
            });
        };
        let assign = self.assign(&team, &plan, slot.start);

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
        let may_hold: Vec<&str> = plan.hosts.iter().map(HostId::as_str).collect();
        let mut jobs = self
            .notifier
            .jobs_for_new_booking_expiring(&id, status, slot.start, now, expires_at, &may_hold);
        if let Some(event) = webhooks::created(status) {
            jobs.extend(
                webhooks::jobs_for_event(self.store.as_ref(), event, Some(&id), Value::Null, now)
                    .await?,
            );
        }
        let new = NewBooking {
            id,
            assign,
            event_slug: event.slug.clone(),
            status,
            start: slot.start,
            end: slot.end,
            blocked_start,
            blocked_end,
            name: request.name,
            email: request.email,
            timezone: request.timezone,
            locale: Some(request.locale.tag().to_string()),
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
                self.hosts.booked(&booking);
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
                Err(match pinned {
                    Some(host) => BookingError::HostUnavailable(host.to_string()),
                    None => BookingError::SlotTaken,
                })
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
        let mut jobs = self.notifier.jobs_for_end(
            &booking.id,
            BookingStatus::Cancelled,
            now,
            &held_by(&booking),
        );
        jobs.extend(
            webhooks::jobs_for_event(
                self.store.as_ref(),
                WebhookEvent::BookingCancelled,
                Some(&booking.id),
                Value::Null,
                now,
            )
            .await?,
        );
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
        let open = Schedule::always_open(event.schedule.timezone().clone());
        let held = Team::held_by(catalog.hosts(), &booking, &open);
        let slot = self
            .check_team(
                event,
                &held,
                start,
                now,
                Some(Without::booking(&booking)),
                false,
            )
            .map_err(|rejection| BookingError::unavailable(rejection, true))?;
        let host_caps = match self.assign(
            &held,
            &HostPlan {
                hosts: held.ids(),
                all: true,
            },
            slot.start,
        ) {
            Assign::All(holds) | Assign::FirstFree(holds) => holds,
        };
        let (blocked_start, blocked_end) = event.rules.blocked_range(slot.start.as_second());
        let every_host = HostPlan {
            hosts: held.ids(),
            all: true,
        };
        if self
            .verified(every_host, (blocked_start, blocked_end))
            .await
            .is_none()
        {
            return Err(BookingError::SlotTaken);
        }
        let day_cap = event.day_cap(slot.start);
        let mut moved = booking.clone();
        moved.start = slot.start;
        moved.end = slot.end;
        let mut jobs = self.notifier.jobs_for_move(&moved, now);
        jobs.extend(
            webhooks::jobs_for_event(
                self.store.as_ref(),
                WebhookEvent::BookingRescheduled,
                Some(&booking.id),
                Value::Null,
                now,
            )
            .await?,
        );
        let change = BookingChange::Move {
            start: slot.start,
            end: slot.end,
            blocked_start,
            blocked_end,
            day_cap,
            host_caps,
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
        let (change, mut jobs) = if approve {
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
                self.notifier.jobs_for_end(
                    &booking.id,
                    BookingStatus::Declined,
                    now,
                    &held_by(&booking),
                ),
            )
        };
        let event = if approve {
            WebhookEvent::BookingConfirmed
        } else {
            WebhookEvent::BookingDeclined
        };
        jobs.extend(
            webhooks::jobs_for_event(
                self.store.as_ref(),
                event,
                Some(&booking.id),
                Value::Null,
                now,
            )
            .await?,
        );
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
    // The hosts are read only when some host writes to a calendar (the job needs them).
    let held = if notifier.has_calendar_writers() {
        store
            .booking(booking_id)
            .await?
            .map(|booking| held_by(&booking).into_iter().map(str::to_string).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    let mut jobs = notifier.jobs_for_end(booking_id, BookingStatus::Expired, now, &held);
    jobs.extend(
        webhooks::jobs_for_event(
            store,
            WebhookEvent::BookingExpired,
            Some(booking_id),
            Value::Null,
            now,
        )
        .await?,
    );
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
