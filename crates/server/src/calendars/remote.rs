//! Google and Microsoft 365 calendars of connected OAuth accounts (connections of kind
//! `google` / `microsoft`, whose `url` is the provider's calendar id): busy time read with
//! `freeBusy`, `getSchedule` or `calendarView`, the same read for one range on booking,
//! and bookings written as events. Every call is paid for from the account's call budget,
//! and a provider's "slow down" (429/503 with `Retry-After`) holds back all calls of that
//! account until the time it named.

use std::{
    collections::{HashMap, HashSet},
    future::Future,
    sync::Mutex,
    time::{Duration, Instant},
};

use jiff::Timestamp;
use openslot_calendar::{
    google, microsoft, CalendarError, EventInput, Http, RemoteCalendar, WrittenEvent,
};
use openslot_store::{
    Booking, BookingQuery, BookingStatus, CalendarConnection, CalendarSettings, CalendarWrite,
    StoreError,
};
use serde_json::{json, Value};

use super::{
    service::{kind_of, Calendars},
    tokens::{AccessToken, TokenError},
};
use crate::config::{CalendarKind, OAuthProvider};

/// Calls per second one account may make from this instance: a margin below Google's
/// default per-user quota of 10/s (Graph throttles mailbox calls at a similar rate), so
/// network jitter bunching a few calls together does not reach it.
pub const CALLS_PER_SECOND: u32 = 8;
/// A provider's hold on an account no longer than this is waited out; a longer one fails
/// the call at once (a sync is rescheduled after it, a write job retried after it).
const LONGEST_WAIT: Duration = Duration::from_secs(2);
/// Read-backs of an event whose Meet / Teams meeting was still being made, and their
/// spacing.
const MEETING_LINK_READS: usize = 3;
const MEETING_LINK_READ_EVERY: Duration = Duration::from_secs(1);
/// How long a Microsoft calendar is known to be (or not be) the account's default one.
const DEFAULT_CHECK_SECONDS: i64 = 24 * 3600;

/// Calls of each account spaced at a fixed rate (a bucket of one: no burst, so no window
/// of a second ever holds more than the rate), and the instant until which the provider
/// asked the account to wait.
pub struct CallBudget {
    per_second: f64,
    accounts: Mutex<HashMap<String, Allowance>>,
}

struct Allowance {
    tokens: f64,
    at: Instant,
    hold_until: Option<Instant>,
}

impl CallBudget {
    pub fn new(per_second: u32) -> CallBudget {
        CallBudget {
            per_second: f64::from(per_second.max(1)),
            accounts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `account` may make `cost` calls and counts them. `Err(seconds)` when
    /// the provider asked the account to wait longer than [`LONGEST_WAIT`].
    pub async fn spend(&self, account: &str, cost: u32) -> Result<(), u64> {
        loop {
            let wait = {
                let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let allowance = accounts.entry(account.to_string()).or_insert(Allowance {
                    tokens: 1.0,
                    at: now,
                    hold_until: None,
                });
                let refill = now.duration_since(allowance.at).as_secs_f64() * self.per_second;
                allowance.tokens = (allowance.tokens + refill).min(1.0);
                allowance.at = now;
                match allowance.hold_until.filter(|until| *until > now) {
                    Some(until) => {
                        let left = until - now;
                        if left > LONGEST_WAIT {
                            return Err(left.as_secs() + u64::from(left.subsec_nanos() > 0));
                        }
                        left
                    }
                    None if allowance.tokens >= 1.0 => {
                        // A call costing more than the bucket holds (a long window read in
                        // chunks) goes now and leaves a debt the next calls wait out.
                        allowance.tokens -= f64::from(cost.max(1));
                        return Ok(());
                    }
                    None => Duration::from_secs_f64((1.0 - allowance.tokens) / self.per_second),
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// No call of `account` before `seconds` from now (the provider's `Retry-After`).
    pub fn hold(&self, account: &str, seconds: u64) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let until = now + Duration::from_secs(seconds);
        let allowance = accounts.entry(account.to_string()).or_insert(Allowance {
            tokens: 0.0,
            at: now,
            hold_until: None,
        });
        allowance.hold_until = Some(allowance.hold_until.map_or(until, |held| held.max(until)));
    }
}

/// Why a provider call of a connection did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{0}")]
    Remote(CalendarError),
    #[error("{0}")]
    Token(TokenError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("the connection belongs to no connected account")]
    NoAccount,
}

impl RemoteError {
    /// Seconds the provider asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            RemoteError::Remote(err) | RemoteError::Token(TokenError::Remote(err)) => {
                err.retry_after()
            }
            _ => None,
        }
    }

    /// The account's grant was refused: only the host signing in again helps.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, RemoteError::Token(TokenError::NeedsReconnect(_)))
    }

    /// The provider refused the access token itself (HTTP 401).
    pub fn token_refused(&self) -> bool {
        matches!(self, RemoteError::Remote(CalendarError::Auth(401)))
    }

    /// Worth trying again later (a reconnect counts: the job waits for it; so does a
    /// refused access token, renewed by then).
    pub fn transient(&self) -> bool {
        if self.token_refused() {
            return true;
        }
        match self {
            RemoteError::Remote(err) | RemoteError::Token(TokenError::Remote(err)) => {
                err.transient()
            }
            RemoteError::Token(TokenError::NeedsReconnect(_))
            | RemoteError::Token(TokenError::NotConfigured(_))
            | RemoteError::Token(TokenError::Store(_))
            | RemoteError::Store(_) => true,
            RemoteError::Token(TokenError::Gone)
            | RemoteError::Token(TokenError::Sealed)
            | RemoteError::NoAccount => false,
        }
    }

    /// A metric label.
    pub fn label(&self) -> &'static str {
        match self {
            RemoteError::Token(TokenError::NeedsReconnect(_)) => "needs_reconnect",
            RemoteError::Remote(CalendarError::RateLimited { .. })
            | RemoteError::Token(TokenError::Remote(CalendarError::RateLimited { .. })) => {
                "rate_limited"
            }
            RemoteError::Remote(CalendarError::Timeout(_))
            | RemoteError::Token(TokenError::Remote(CalendarError::Timeout(_))) => "timeout",
            RemoteError::Remote(CalendarError::Unreachable(_))
            | RemoteError::Token(TokenError::Remote(CalendarError::Unreachable(_))) => {
                "unreachable"
            }
            RemoteError::Remote(CalendarError::Auth(_)) => "auth",
            RemoteError::Store(_) | RemoteError::Token(TokenError::Store(_)) => "store",
            _ => "error",
        }
    }
}

/// `busy` with the spans of `own` cut out (both `[start, end)` Unix seconds; `busy` sorted
/// by start on return).
pub fn subtract(busy: &[(i64, i64)], own: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut own: Vec<(i64, i64)> = own.iter().copied().filter(|(s, e)| s < e).collect();
    own.sort_unstable();
    let mut out = Vec::new();
    for &(start, end) in busy {
        let mut pieces = vec![(start, end)];
        for &(cut_start, cut_end) in own.iter().take_while(|(s, _)| *s < end) {
            pieces = pieces
                .into_iter()
                .flat_map(|(s, e)| {
                    if cut_end <= s || cut_start >= e {
                        vec![(s, e)]
                    } else {
                        [(s, cut_start), (cut_end, e)]
                            .into_iter()
                            .filter(|(a, b)| a < b)
                            .collect()
                    }
                })
                .collect();
        }
        out.extend(pieces);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whole `days`-long windows needed to cover `[from, to)`: the calls a chunked read makes.
fn chunks(from: Timestamp, to: Timestamp, days: i64) -> u32 {
    let span = (to.as_second() - from.as_second()).max(1);
    let window = days.max(1) * 86_400;
    ((span + window - 1) / window).clamp(1, 1000) as u32
}

/// What a Microsoft connection's cursor remembers: whether its calendar is the account's
/// default (read with `getSchedule`) and when that was last looked up.
fn default_calendar(cursor: &Value) -> Option<(bool, i64)> {
    let provider = cursor.get("provider")?;
    Some((
        provider.get("default")?.as_bool()?,
        provider.get("checked_at")?.as_i64()?,
    ))
}

impl Calendars {
    /// Whether Meet / Teams links are asked for on events written with `kind`.
    pub fn conference_links(&self, kind: CalendarKind) -> bool {
        let provider = match kind {
            CalendarKind::Google => OAuthProvider::Google,
            CalendarKind::Microsoft => OAuthProvider::Microsoft,
            CalendarKind::Caldav | CalendarKind::Ics => return false,
        };
        self.oauth
            .get(provider)
            .is_some_and(|app| app.conference_links)
    }

    /// Whether the invitee's confirmation for `booking` is worth holding back for a
    /// meeting link: a host it holds writes into a calendar that makes Meet / Teams
    /// meetings, and no link is stored yet.
    pub fn awaits_meeting_link(&self, booking: &Booking) -> bool {
        booking.meeting_url.is_none()
            && booking.status == BookingStatus::Confirmed
            && self.connections().iter().any(|connection| {
                connection.settings.write
                    && booking.hosts.contains(&connection.settings.host_id)
                    && self.conference_links(kind_of(&connection.settings))
            })
    }

    /// The provider refused an access token before its recorded expiry (revoked, or
    /// expired early): it is recorded as expired, so the next call renews it. Done under
    /// the account's refresh lease and only while `rejected` is still the stored token, so
    /// a renewal by another instance meanwhile is left alone.
    pub(super) async fn forget_access_token(
        &self,
        account: &str,
        rejected: &str,
    ) -> Result<(), StoreError> {
        let now = self.clock.now().as_second();
        let Some(row) = self
            .store
            .claim_token_refresh(account, &self.worker_id, now, 30)
            .await?
        else {
            // Another instance is renewing it right now.
            return Ok(());
        };
        let sealed = row.access_token_enc.clone().unwrap_or_default();
        let stored = self.credentials.open(&sealed).ok();
        if stored.as_deref() == Some(rejected) {
            self.store
                .finish_token_refresh(account, &self.worker_id, &sealed, now - 1, None, now)
                .await?;
            tracing::info!(
                account,
                "access token refused by the provider; renewed on next use"
            );
        } else {
            self.store
                .release_token_refresh(account, &self.worker_id)
                .await?;
        }
        Ok(())
    }

    /// The account of a connection and its access token (renewed if need be).
    pub(super) async fn remote_token(
        &self,
        settings: &CalendarSettings,
    ) -> Result<(String, AccessToken), RemoteError> {
        let account = settings.account_id.clone().ok_or(RemoteError::NoAccount)?;
        let token = self
            .access_token(&account)
            .await
            .map_err(RemoteError::Token)?;
        Ok((account, token))
    }

    /// Runs one provider call of `account` within its budget; a "slow down" answer holds
    /// back the account's further calls.
    async fn metered<T>(
        &self,
        account: &str,
        cost: u32,
        call: impl Future<Output = Result<T, CalendarError>>,
    ) -> Result<T, RemoteError> {
        self.budget.spend(account, cost).await.map_err(|seconds| {
            RemoteError::Remote(CalendarError::RateLimited {
                retry_after_seconds: seconds,
            })
        })?;
        let result = call.await;
        if let Err(err) = &result {
            if let Some(seconds) = err.retry_after() {
                self.budget.hold(account, seconds);
                tracing::warn!(
                    account,
                    retry_after_seconds = seconds,
                    "provider asked to slow down"
                );
            }
        }
        result.map_err(RemoteError::Remote)
    }

    /// The meetings of a connection's host that this service wrote (or is writing) into
    /// the connection's calendar and that overlap `[from, to)`: their spans, and the
    /// provider's ids of their events where known. They are never extra busy time: their
    /// bookings hold the time already.
    async fn own_events(
        &self,
        settings: &CalendarSettings,
        from: i64,
        to: i64,
        with_ids: bool,
    ) -> Result<(Vec<(i64, i64)>, HashSet<String>), StoreError> {
        let bookings = self
            .store
            .list_bookings(&BookingQuery {
                statuses: vec![BookingStatus::Confirmed],
                host_id: Some(settings.host_id.clone()),
                // A meeting begun the day before may still run into the window.
                start_from: Some(from - 86_400),
                start_to: Some(to),
                ..Default::default()
            })
            .await?;
        let mut spans = Vec::new();
        let mut ids = HashSet::new();
        for booking in bookings {
            let (start, end) = (booking.start.as_second(), booking.end.as_second());
            if end <= from {
                continue;
            }
            let mut written = false;
            if with_ids || !settings.write {
                for write in self.store.calendar_writes(&booking.id).await? {
                    if write.connection_id == settings.id {
                        written = true;
                        ids.insert(write.href);
                    }
                }
            }
            // Into the write calendar every confirmed booking goes; its event may be there
            // before the record of it is.
            if settings.write || written {
                spans.push((start, end));
            }
        }
        Ok((spans, ids))
    }

    /// Busy intervals of a connection's calendar over `[from, to)` (own events left out),
    /// read with `client`, and the provider part of the sync cursor.
    pub(super) async fn remote_busy(
        &self,
        connection: &CalendarConnection,
        client: &Http,
        token: &AccessToken,
        account: &str,
        (from, to): (Timestamp, Timestamp),
        may_look_up: bool,
    ) -> Result<(Vec<(i64, i64)>, Value), RemoteError> {
        let settings = &connection.settings;
        let base = token.api_base.as_str();
        let bearer = token.token.as_str();
        let now = self.clock.now().as_second();
        match kind_of(settings) {
            CalendarKind::Google => {
                let ids = [settings.url.clone()];
                let answer = self
                    .metered(
                        account,
                        chunks(from, to, google::FREE_BUSY_MAX_DAYS),
                        google::free_busy(client, base, bearer, &ids, from, to),
                    )
                    .await?;
                let busy: Vec<(i64, i64)> = answer
                    .into_iter()
                    .filter(|(id, _)| *id == settings.url)
                    .flat_map(|(_, spans)| spans)
                    .collect();
                let (own, _) = self
                    .own_events(settings, from.as_second(), to.as_second(), false)
                    .await?;
                Ok((subtract(&busy, &own), Value::Null))
            }
            CalendarKind::Microsoft => {
                let known = default_calendar(&connection.cursor);
                let is_default = match known {
                    Some((is_default, checked)) if now - checked < DEFAULT_CHECK_SECONDS => {
                        is_default
                    }
                    _ if may_look_up => {
                        let calendars: Vec<RemoteCalendar> = self
                            .metered(account, 1, microsoft::calendars(client, base, bearer))
                            .await?;
                        let found = calendars.iter().find(|c| c.id == settings.url).ok_or(
                            RemoteError::Remote(CalendarError::Status {
                                status: 404,
                                detail: "the calendar is no longer in the account".into(),
                            }),
                        )?;
                        found.primary
                    }
                    // Not yet known (verify before the first sync): calendarView reads any
                    // calendar, the default one included.
                    _ => known.is_some_and(|(is_default, _)| is_default),
                };
                let busy = if is_default {
                    let email = self
                        .store
                        .oauth_account(account)
                        .await?
                        .ok_or(RemoteError::Token(TokenError::Gone))?
                        .email;
                    let busy = self
                        .metered(
                            account,
                            chunks(from, to, microsoft::SCHEDULE_MAX_DAYS),
                            microsoft::schedule(client, base, bearer, &email, from, to),
                        )
                        .await?;
                    let (own, _) = self
                        .own_events(settings, from.as_second(), to.as_second(), false)
                        .await?;
                    subtract(&busy, &own)
                } else {
                    let events = self
                        .metered(
                            account,
                            1,
                            microsoft::calendar_view(client, base, bearer, &settings.url, from, to),
                        )
                        .await?;
                    let (own, ids) = self
                        .own_events(settings, from.as_second(), to.as_second(), true)
                        .await?;
                    let busy: Vec<(i64, i64)> = events
                        .into_iter()
                        .filter(|event| !ids.contains(&event.id))
                        .filter(|event| settings.all_day_busy || !event.all_day)
                        .map(|event| (event.start, event.end))
                        .collect();
                    // An event being written has no record (and so no known id) yet.
                    subtract(&busy, &own)
                };
                let checked_at = match known {
                    Some((_, checked)) if now - checked < DEFAULT_CHECK_SECONDS => checked,
                    _ => now,
                };
                Ok((
                    busy,
                    json!({ "default": is_default, "checked_at": checked_at }),
                ))
            }
            CalendarKind::Caldav | CalendarKind::Ics => Err(RemoteError::Remote(
                CalendarError::Protocol("not a Google or Microsoft calendar".into()),
            )),
        }
    }

    /// Writes `booking`'s event into the connection's calendar: created the first time
    /// (with an id, or a transaction id, that makes a retried create land on the same
    /// event), patched after. A meeting link the provider made is returned with it; one
    /// still being made when the write was answered is read back a few times.
    pub(super) async fn remote_put(
        &self,
        connection: &CalendarConnection,
        booking: &Booking,
        previous: Option<&CalendarWrite>,
        event: &EventInput,
    ) -> Result<WrittenEvent, RemoteError> {
        let settings = &connection.settings;
        let (account, token) = self.remote_token(settings).await?;
        let mut written = match self
            .remote_write(connection, booking, previous, event, &account, &token)
            .await
        {
            Err(err) if err.token_refused() => {
                self.forget_access_token(&account, &token.token).await?;
                let (account, token) = self.remote_token(settings).await?;
                self.remote_write(connection, booking, previous, event, &account, &token)
                    .await?
            }
            other => other?,
        };
        let kind = kind_of(settings);
        if written.meeting_url.is_some() || !self.conference_links(kind) {
            return Ok(written);
        }
        for _ in 0..MEETING_LINK_READS {
            tokio::time::sleep(MEETING_LINK_READ_EVERY).await;
            let (account, token) = self.remote_token(settings).await?;
            let (base, bearer, client) =
                (token.api_base.as_str(), token.token.as_str(), &self.client);
            let read = match kind {
                CalendarKind::Google => {
                    self.metered(
                        &account,
                        1,
                        google::get_event(client, base, bearer, &settings.url, &written.id),
                    )
                    .await
                }
                _ => {
                    self.metered(
                        &account,
                        1,
                        microsoft::get_event(client, base, bearer, &written.id),
                    )
                    .await
                }
            };
            match read {
                Ok(Some(again)) if again.meeting_url.is_some() => {
                    written.meeting_url = again.meeting_url;
                    break;
                }
                Ok(_) => {}
                // The event is written: a link that cannot be read now is only missing.
                Err(err) => {
                    tracing::warn!(connection = %settings.id, error = %err, "meeting link not read back");
                    break;
                }
            }
        }
        Ok(written)
    }

    async fn remote_write(
        &self,
        connection: &CalendarConnection,
        booking: &Booking,
        previous: Option<&CalendarWrite>,
        event: &EventInput,
        account: &str,
        token: &AccessToken,
    ) -> Result<WrittenEvent, RemoteError> {
        let settings = &connection.settings;
        let kind = kind_of(settings);
        let (base, bearer, client) = (token.api_base.as_str(), token.token.as_str(), &self.client);
        let mut event = event.clone();
        event.conference = self.conference_links(kind);
        event.request_id = format!("openslot-{}", booking.id);
        let gone = |err: &RemoteError| {
            matches!(
                err,
                RemoteError::Remote(CalendarError::Status {
                    status: 404 | 410,
                    ..
                })
            )
        };
        match kind {
            CalendarKind::Google => {
                let event_id = previous
                    .map(|write| write.href.clone())
                    .unwrap_or_else(|| google::event_id(&booking.id));
                if previous.is_some() {
                    let patched = self
                        .metered(
                            account,
                            1,
                            google::patch_event(
                                client,
                                base,
                                bearer,
                                &settings.url,
                                &event_id,
                                &event,
                            ),
                        )
                        .await;
                    match patched {
                        Err(err) if gone(&err) => {}
                        other => return other,
                    }
                }
                // The insert carries our own id: a retry (or a second instance) meets a
                // 409, which the client answers with a patch of the same event.
                self.metered(
                    account,
                    1,
                    google::insert_event(client, base, bearer, &settings.url, &event_id, &event),
                )
                .await
            }
            CalendarKind::Microsoft => {
                // Graph mails invitations to the attendees of events it stores; the
                // invitee has ours already.
                event.attendees.clear();
                if let Some(write) = previous {
                    let patched = self
                        .metered(
                            account,
                            1,
                            microsoft::patch_event(client, base, bearer, &write.href, &event),
                        )
                        .await;
                    match patched {
                        Err(err) if gone(&err) => {}
                        other => return other,
                    }
                }
                self.metered(
                    account,
                    1,
                    microsoft::create_event(
                        client,
                        base,
                        bearer,
                        &settings.url,
                        &booking.id,
                        &event,
                    ),
                )
                .await
            }
            CalendarKind::Caldav | CalendarKind::Ics => Err(RemoteError::Remote(
                CalendarError::Protocol("not a Google or Microsoft calendar".into()),
            )),
        }
    }

    /// Deletes the event written for a booking (one already gone counts as deleted).
    pub(super) async fn remote_delete(
        &self,
        connection: &CalendarConnection,
        write: &CalendarWrite,
    ) -> Result<(), RemoteError> {
        let settings = &connection.settings;
        let (account, token) = self.remote_token(settings).await?;
        match self
            .remote_remove(connection, write, &account, &token)
            .await
        {
            Err(err) if err.token_refused() => {
                self.forget_access_token(&account, &token.token).await?;
                let (account, token) = self.remote_token(settings).await?;
                self.remote_remove(connection, write, &account, &token)
                    .await
            }
            other => other,
        }
    }

    async fn remote_remove(
        &self,
        connection: &CalendarConnection,
        write: &CalendarWrite,
        account: &str,
        token: &AccessToken,
    ) -> Result<(), RemoteError> {
        let settings = &connection.settings;
        let (base, bearer, client) = (token.api_base.as_str(), token.token.as_str(), &self.client);
        match kind_of(settings) {
            CalendarKind::Google => {
                self.metered(
                    account,
                    1,
                    google::delete_event(client, base, bearer, &settings.url, &write.href),
                )
                .await
            }
            CalendarKind::Microsoft => {
                self.metered(
                    account,
                    1,
                    microsoft::delete_event(client, base, bearer, &write.href),
                )
                .await
            }
            CalendarKind::Caldav | CalendarKind::Ics => Err(RemoteError::Remote(
                CalendarError::Protocol("not a Google or Microsoft calendar".into()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_spans_are_cut_out_of_busy_time() {
        assert_eq!(subtract(&[(0, 100)], &[]), vec![(0, 100)]);
        assert_eq!(subtract(&[(0, 100)], &[(0, 100)]), vec![]);
        assert_eq!(subtract(&[(0, 100)], &[(20, 40)]), vec![(0, 20), (40, 100)]);
        assert_eq!(
            subtract(&[(0, 100), (150, 200)], &[(90, 160), (20, 30)]),
            vec![(0, 20), (30, 90), (160, 200)]
        );
        // A merged freeBusy period (someone else's 0-30 and ours 20-60) keeps the other part.
        assert_eq!(subtract(&[(0, 60)], &[(20, 60)]), vec![(0, 20)]);
        assert_eq!(subtract(&[(50, 60)], &[(0, 10), (70, 80)]), vec![(50, 60)]);
    }

    #[test]
    fn chunked_reads_are_counted() {
        let at = |second| Timestamp::from_second(second).unwrap();
        assert_eq!(chunks(at(0), at(86_400), 60), 1);
        assert_eq!(chunks(at(0), at(60 * 86_400), 60), 1);
        assert_eq!(chunks(at(0), at(60 * 86_400 + 1), 60), 2);
        assert_eq!(chunks(at(0), at(366 * 86_400), 41), 9);
    }

    #[tokio::test]
    async fn an_account_never_exceeds_its_rate() {
        let budget = CallBudget::new(20);
        let started = Instant::now();
        for _ in 0..11 {
            budget.spend("a", 1).await.unwrap();
        }
        // The first at once, then one every 50 ms.
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(490), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
        // A call costing three leaves a debt the next one waits out.
        budget.spend("a", 3).await.unwrap();
        let started = Instant::now();
        budget.spend("a", 1).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(140));
        // Another account has its own bucket.
        let started = Instant::now();
        budget.spend("b", 1).await.unwrap();
        assert!(started.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn a_providers_hold_is_waited_out_or_refused() {
        let budget = CallBudget::new(10);
        budget.hold("a", 30);
        assert_eq!(budget.spend("a", 1).await, Err(30));
        budget.hold("b", 1);
        let started = Instant::now();
        budget.spend("b", 1).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(900));
    }
}
