//! The background sync: every instance runs one, and the store's lease on a connection
//! row makes sure only one of them syncs a calendar at a time. A due connection is
//! claimed, fetched (only what changed, where the server allows it), expanded into busy
//! intervals and stored; the request path reads only what is stored.

use std::{collections::HashSet, sync::Arc, time::Duration};

use jiff::{tz::TimeZone, Timestamp};
use openslot_calendar::{caldav, feed, ical, CalendarError, Fetch, Resource};
use openslot_store::{CalendarConnection, CalendarDelta, ResourceBusy, StoreError};
use serde_json::{json, Value};
use tokio::{sync::watch, task::JoinSet};

use super::service::{kind_of, Calendars, OwnEvents};
use crate::config::CalendarKind;

/// Longest sleep between looks for due connections (others may have become due through
/// another instance's "sync now").
const MAX_IDLE: Duration = Duration::from_secs(2);
/// Back-off after a failure, doubling up to the connection's own refresh period times
/// this factor.
const FAILURE_BACKOFF_CAP: i64 = 4;
/// A full re-read at least this often, so recurring series stay expanded as the window
/// moves on and anything an incremental sync missed is caught.
const FULL_EVERY_SECONDS: i64 = 24 * 3600;

/// The engine's own wrapper around a provider's cursor.
fn provider_cursor(stored: &Value) -> &Value {
    stored.get("provider").unwrap_or(&Value::Null)
}

fn full_at(stored: &Value) -> Option<i64> {
    stored.get("full_at").and_then(Value::as_i64)
}

impl Calendars {
    /// Claims and syncs due connections until `stop` turns true, at most
    /// `[calendars] sync_concurrency` at once.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut tasks: JoinSet<()> = JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            let mut claimed = 0;
            while tasks.len() < self.config.sync_concurrency.max(1) as usize {
                let now = self.clock.now().as_second();
                match self
                    .store
                    .claim_calendar_sync(&self.worker_id, now, self.lease_seconds())
                    .await
                {
                    Ok(Some(connection)) => {
                        claimed += 1;
                        let engine = self.clone();
                        tasks.spawn(async move { engine.sync_renewing(connection).await });
                    }
                    Ok(None) => break,
                    Err(err) => {
                        tracing::warn!(error = %err, "calendar connections unavailable");
                        break;
                    }
                }
            }
            if claimed > 0 && tasks.len() < self.config.sync_concurrency.max(1) as usize {
                continue;
            }
            tokio::select! {
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(MAX_IDLE) => {}
                changed = stop.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        // A sync is only reading: dropping one half-way loses nothing (its lease lapses
        // and the next claim repeats it).
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }

    fn lease_seconds(&self) -> i64 {
        self.config.lease_seconds.max(10) as i64
    }

    /// Syncs one claimed connection, renewing its lease while the sync lasts.
    async fn sync_renewing(&self, connection: CalendarConnection) {
        let id = connection.settings.id.clone();
        let sync = self.sync_claimed(connection);
        tokio::pin!(sync);
        let period = Duration::from_millis(self.lease_seconds() as u64 * 500);
        loop {
            tokio::select! {
                outcome = &mut sync => {
                    if let Err(err) = outcome {
                        tracing::warn!(connection = %id, error = %err, "calendar sync result not stored");
                    }
                    return;
                }
                _ = tokio::time::sleep(period) => {
                    let now = self.clock.now().as_second();
                    match self.store.renew_calendar_sync(&id, &self.worker_id, now, self.lease_seconds()).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(connection = %id, "calendar sync lease lost; another instance has it");
                            return;
                        }
                        Err(err) => tracing::warn!(connection = %id, error = %err, "calendar sync lease not renewed"),
                    }
                }
            }
        }
    }

    /// Fetches, expands and stores one connection; failures are recorded on the
    /// connection (and alerted once past `alert_after_minutes`).
    pub async fn sync_claimed(&self, connection: CalendarConnection) -> Result<(), StoreError> {
        let settings = &connection.settings;
        let started = self.clock.now();
        let refresh = i64::from(settings.refresh_minutes.max(1)) * 60;
        let result = self.fetch_and_expand(&connection, started).await;
        let now = self.clock.now().as_second();
        match result {
            Ok(delta) => {
                let changed = !delta.upserts.is_empty() || !delta.removed.is_empty() || delta.full;
                let kept = self
                    .store
                    .apply_calendar_sync(&settings.id, &self.worker_id, &delta, now, now + refresh)
                    .await?;
                if !kept {
                    tracing::warn!(connection = %settings.id, "calendar sync lease lost; result dropped");
                    return Ok(());
                }
                // This instance offers what it imported before it reports the sync done
                // (others catch up on their next reload).
                if changed {
                    if let Err(err) = self.load_busy().await {
                        tracing::warn!(error = %err, "calendar busy time not reloaded; retried shortly");
                        self.busy_changed.notify_one();
                    }
                }
                self.metrics
                    .record_calendar_sync(&settings.id, &settings.host_id, "ok");
                tracing::info!(connection = %settings.id, host = %settings.host_id,
                    resources = delta.upserts.len(), removed = delta.removed.len(), full = delta.full,
                    "calendar synced");
                if connection.alerted {
                    self.alert(&connection, Alert::Recovered, None).await?;
                }
                // A calendar connected anew, or reconnected after its account's sign-in
                // was refused (its writes may have given up meanwhile), is brought up to
                // date with the host's upcoming bookings.
                let reconnected = connection
                    .last_error
                    .as_deref()
                    .is_some_and(|error| error.contains(NEEDS_RECONNECTING));
                if settings.write && (connection.last_success_at.is_none() || reconnected) {
                    self.backfill(&settings.host_id, now).await?;
                }
            }
            Err(err) => {
                let message = crate::privacy::scrub(&err.to_string());
                let failures_since = connection.failing_since.unwrap_or(now);
                // Doubling from the refresh period while it keeps failing, capped, so a
                // dead server is not hammered and a flaky one is retried soon.
                let failing_for = (now - failures_since).max(0);
                let delay = (refresh / 5)
                    .max(30)
                    .max(failing_for / 2)
                    .min(refresh * FAILURE_BACKOFF_CAP)
                    // Never before the provider said it would answer again.
                    .max(
                        err.retry_after()
                            .map_or(0, |seconds| seconds.min(86_400) as i64),
                    );
                let updated = self
                    .store
                    .fail_calendar_sync(&settings.id, &self.worker_id, &message, now, now + delay)
                    .await?;
                self.metrics
                    .record_calendar_sync(&settings.id, &settings.host_id, err.label());
                tracing::warn!(connection = %settings.id, host = %settings.host_id, error = %message,
                    retry_in_seconds = delay, "calendar sync failed");
                if let Some(updated) = updated {
                    let since = updated.failing_since.unwrap_or(now);
                    let alert_after = i64::from(self.config.alert_after_minutes) * 60;
                    // An account that needs reconnecting told the ops inbox itself, once.
                    if !updated.alerted && now - since >= alert_after && !err.needs_reconnect() {
                        self.alert(&updated, Alert::Failing, Some(&message)).await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn fetch_and_expand(
        &self,
        connection: &CalendarConnection,
        now: Timestamp,
    ) -> Result<CalendarDelta, SyncError> {
        let settings = &connection.settings;
        if kind_of(settings).is_oauth() {
            // A calendar id, reached through the provider's API: no address to check.
            return self.fetch_remote(connection, now).await;
        }
        let endpoint = self
            .reachable_endpoint(settings)
            .await
            .map_err(SyncError::Refused)?;
        let stored = &connection.cursor;
        let force_full =
            full_at(stored).is_none_or(|at| now.as_second() - at >= FULL_EVERY_SECONDS);
        let cursor = if force_full {
            Value::Null
        } else {
            provider_cursor(stored).clone()
        };
        let fetched = match kind_of(settings) {
            // Read above, before any address is checked; spelled out so the match stays
            // exhaustive.
            CalendarKind::Google | CalendarKind::Microsoft => {
                return self.fetch_remote(connection, now).await
            }
            CalendarKind::Caldav => {
                let known = if force_full {
                    Vec::new()
                } else {
                    self.store
                        .calendar_resource_etags(&settings.id)
                        .await
                        .map_err(SyncError::Store)?
                };
                caldav::sync(&self.client, &endpoint, &cursor, &known).await
            }
            CalendarKind::Ics => feed::fetch(&self.client, &endpoint, &cursor).await,
        }
        .map_err(SyncError::Remote)?;
        let full_at = if force_full {
            now.as_second()
        } else {
            full_at(stored).unwrap_or(now.as_second())
        };
        Ok(match fetched {
            // Read from scratch, "unchanged" means there is nothing there: a full result
            // with no objects, so busy time stored from earlier reads goes.
            Fetch::Unchanged { cursor } => CalendarDelta {
                full: force_full,
                upserts: Vec::new(),
                removed: Vec::new(),
                cursor: json!({ "provider": cursor, "full_at": full_at }),
            },
            Fetch::Changed {
                cursor,
                full,
                upserts,
                removed,
            } => {
                let zone = self.host_zone(&settings.host_id);
                let upserts = self
                    .expand_all(upserts, settings.all_day_busy, zone, now)
                    .await?;
                CalendarDelta {
                    full,
                    upserts,
                    removed,
                    cursor: json!({ "provider": cursor, "full_at": full_at }),
                }
            }
        })
    }

    /// Reads a Google or Microsoft calendar's busy time over the whole window: one
    /// resource (the calendar id) holding every interval, replacing what was stored.
    async fn fetch_remote(
        &self,
        connection: &CalendarConnection,
        now: Timestamp,
    ) -> Result<CalendarDelta, SyncError> {
        let settings = &connection.settings;
        let mut retried = false;
        let (intervals, provider) = loop {
            let (account, token) = self
                .remote_token(settings)
                .await
                .map_err(SyncError::Oauth)?;
            match self
                .remote_busy(
                    connection,
                    &self.client,
                    &token,
                    &account,
                    self.window(now),
                    true,
                )
                .await
            {
                // A token refused before its time: once more with a renewed one.
                Err(err) if err.token_refused() && !retried => {
                    retried = true;
                    self.forget_access_token(&account, &token.token)
                        .await
                        .map_err(SyncError::Store)?;
                }
                other => break other.map_err(SyncError::Oauth)?,
            }
        };
        Ok(CalendarDelta {
            full: true,
            upserts: vec![ResourceBusy {
                href: settings.url.clone(),
                etag: None,
                intervals,
            }],
            removed: Vec::new(),
            cursor: json!({ "provider": provider, "full_at": now.as_second() }),
        })
    }

    /// Expands resources into busy intervals off the async threads (a feed of thousands
    /// of events is CPU work).
    async fn expand_all(
        &self,
        resources: Vec<Resource>,
        all_day_busy: bool,
        zone: TimeZone,
        now: Timestamp,
    ) -> Result<Vec<ResourceBusy>, SyncError> {
        let window = self.window(now);
        let ours = self.own.clone();
        tokio::task::spawn_blocking(move || {
            resources
                .into_iter()
                .map(|resource| {
                    // One unreadable object must not keep the rest of the calendar out:
                    // it is stored without busy time (its ETag recorded, so it is not
                    // fetched again until it changes) and logged.
                    let intervals =
                        expand(&resource.ics, window, &zone, all_day_busy, &ours).unwrap_or_else(|err| {
                            tracing::warn!(href = %crate::privacy::scrub(&resource.href), error = %err,
                                "calendar object not readable; left out");
                            Vec::new()
                        });
                    ResourceBusy {
                        href: resource.href,
                        etag: resource.etag,
                        intervals,
                    }
                })
                .collect()
        })
        .await
        .map_err(|err| SyncError::Data(err.to_string()))
    }

    /// Writes the host's upcoming confirmed bookings into a calendar that has just been
    /// connected (its first successful sync): bookings made before it existed belong in
    /// it too. The jobs are idempotent, so a booking already written is left as it is.
    async fn backfill(&self, host: &str, now: i64) -> Result<(), StoreError> {
        let upcoming = self
            .store
            .list_bookings(&openslot_store::BookingQuery {
                statuses: vec![openslot_store::BookingStatus::Confirmed],
                host_id: Some(host.to_string()),
                start_from: Some(now),
                ..Default::default()
            })
            .await?;
        let jobs: Vec<_> = upcoming
            .iter()
            .map(|booking| self.notifier.calendar_backfill_job(&booking.id, now))
            .collect();
        if !jobs.is_empty() {
            self.store.enqueue_jobs(&jobs, now).await?;
            self.jobs_wake.notify_one();
            tracing::info!(
                host,
                bookings = jobs.len(),
                "upcoming bookings queued for the newly connected calendar"
            );
        }
        Ok(())
    }

    /// The stretch of time imported: from a day back (a meeting under way still counts)
    /// to `[calendars] horizon_days` ahead.
    pub fn window(&self, now: Timestamp) -> (Timestamp, Timestamp) {
        let day = 86_400;
        let from = Timestamp::from_second(now.as_second() - day).unwrap_or(now);
        let to =
            Timestamp::from_second(now.as_second() + i64::from(self.config.horizon_days) * day)
                .unwrap_or(now);
        (from, to)
    }
}

/// Busy intervals (Unix seconds) of one iCalendar text within `window`, leaving out the
/// events this service wrote (their bookings already hold the time).
pub fn expand(
    ics: &str,
    window: (Timestamp, Timestamp),
    zone: &TimeZone,
    all_day_busy: bool,
    own: &OwnEvents,
) -> Result<Vec<(i64, i64)>, ical::IcalError> {
    let ignore: HashSet<String> = ical::uids(ics)
        .into_iter()
        .filter(|uid| own.is_own(uid))
        .collect();
    let mut options = ical::ExpandOptions::new(window.0, window.1, zone.clone());
    options.all_day_busy = all_day_busy;
    options.ignore_uids = Some(&ignore);
    let mut spans: Vec<(i64, i64)> = ical::busy_intervals(ics, &options)?
        .into_iter()
        .map(|event| (event.start.as_second(), event.end.as_second()))
        .filter(|(start, end)| end > start)
        .collect();
    spans.sort_unstable();
    spans.dedup();
    Ok(spans)
}

/// What the failure of a connection whose account's sign-in was refused says (and how the
/// next successful sync recognises it came back).
pub const NEEDS_RECONNECTING: &str = "needs reconnecting";

/// Why a sync failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// A Google or Microsoft calendar (or its account's token).
    #[error("{0}")]
    Oauth(super::remote::RemoteError),
    #[error("{0}")]
    Remote(CalendarError),
    /// Credentials that cannot be opened, or an address user-added calendars may not reach.
    #[error("{0}")]
    Refused(String),
    #[error("calendar data: {0}")]
    Data(String),
    #[error("store: {0}")]
    Store(StoreError),
}

impl SyncError {
    /// Seconds the provider asked us to wait before calling again, if it did.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            SyncError::Remote(err) => err.retry_after(),
            SyncError::Oauth(err) => err.retry_after(),
            _ => None,
        }
    }

    /// The account's sign-in was refused: a person must connect it again.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, SyncError::Oauth(err) if err.needs_reconnect())
    }

    /// A metric label.
    pub fn label(&self) -> &'static str {
        match self {
            SyncError::Oauth(err) => err.label(),
            SyncError::Remote(CalendarError::Timeout(_)) => "timeout",
            SyncError::Remote(CalendarError::Unreachable(_)) => "unreachable",
            SyncError::Remote(CalendarError::Auth(_)) => "auth",
            SyncError::Refused(_) => "refused",
            SyncError::Remote(_) => "error",
            SyncError::Data(_) => "data",
            SyncError::Store(_) => "store",
        }
    }
}

/// Which ops e-mail a connection's health causes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alert {
    Failing,
    Recovered,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_events_are_not_busy_time() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n\
BEGIN:VEVENT\r\nUID:booking-1@example.com\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T110000Z\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:booking-2@elsewhere\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270105T120000Z\r\nDTEND:20270105T130000Z\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
        let window = (
            "2027-01-01T00:00:00Z".parse().unwrap(),
            "2027-02-01T00:00:00Z".parse().unwrap(),
        );
        let spans = expand(
            ics,
            window,
            &TimeZone::UTC,
            true,
            &OwnEvents::new("example.com"),
        )
        .unwrap();
        let noon: Timestamp = "2027-01-05T12:00:00Z".parse().unwrap();
        assert_eq!(spans, vec![(noon.as_second(), noon.as_second() + 3600)]);
    }
}
