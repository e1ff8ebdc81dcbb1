//! Persistence for openslot behind the [`Store`] traits ([`BookingStore`], [`JobStore`],
//! [`AdminStore`], [`CalendarStore`], [`OAuthStore`], [`WebhookStore`];
//! `use openslot_store::prelude::*`).
//! SQLite is the embedded default; PostgreSQL implements the same traits for several
//! instances. The store decides only "is this interval free for this host" (atomically,
//! inside the database: a booking holds one or more hosts through `booking_holds`, and
//! active holds of a host never overlap); every other rule lives in the engine and the
//! domain.

mod admin;
mod calendar;
mod error;
mod migrate;
mod model;
mod oauth;
mod postgres;
mod query;
mod sqlite;
mod webhook;

use async_trait::async_trait;

pub use admin::{
    AdminUser, AuditEntry, BookingBucket, BookingQuery, BucketBy, CounterDelta, Credential,
    CredentialKind, StoredEventType, StoredHost, BUCKET_SECONDS,
};
pub use calendar::{
    CalendarConnection, CalendarDelta, CalendarSettings, CalendarVersion, CalendarWrite,
    ResourceBusy,
};
pub use error::StoreError;
pub use model::{
    ActiveBooking, Assign, Booking, BookingChange, BookingStatus, ChangeOutcome, ContactMessage,
    CreateOutcome, DayCap, HostBookingStat, HostHold, IdempotencyClaim, Job, JobState, NewBooking,
    NewContact, NewJob,
};
pub use oauth::{OAuthAccount, OAuthPending};
pub use postgres::{PgOptions, PgStore};
pub use sqlite::{SqliteOptions, SqliteStore};
pub use webhook::{WebhookAttempt, WebhookStore, WebhookSubscription};

/// The store traits, for `use openslot_store::prelude::*`.
pub mod prelude {
    pub use crate::{
        AdminStore, BookingStore, CalendarStore, JobStore, OAuthStore, Store, WebhookStore,
    };
}

/// Bookings, idempotency keys, contact messages, host holds and fairness inputs.
/// Implementations must make [`BookingStore::create_booking`] atomic: no two active holds
/// of one host overlap, whatever the callers.
#[async_trait]
pub trait BookingStore: Send + Sync + 'static {
    /// Stores a booking holding the hosts [`NewBooking::assign`] picks, each only if no
    /// active hold of that host overlaps the blocked range and its caps allow it: all in
    /// one transaction, so a refused booking holds nothing. [`StoreError::Overlap`] when no
    /// host could be held ([`StoreError::DayFull`] if only caps stopped it). With an idempotency claim, a key seen before returns the original
    /// booking (or [`StoreError::IdempotencyMismatch`] if the request differed).
    async fn create_booking(
        &self,
        booking: NewBooking,
        idempotency: Option<IdempotencyClaim>,
    ) -> Result<CreateOutcome, StoreError>;

    /// The booking stored under an idempotency key, if the key is known.
    async fn find_idempotent(
        &self,
        claim: &IdempotencyClaim,
    ) -> Result<Option<Booking>, StoreError>;

    /// Applies a change to a booking in one transaction with `jobs` (queued only if the
    /// change applies). A move that would overlap another active booking fails with
    /// [`StoreError::Overlap`] and leaves everything as it was; ending or moving a booking
    /// drops its pending reminders. `None` when there is no such booking.
    async fn change_booking(
        &self,
        id: &str,
        change: BookingChange,
        jobs: Vec<NewJob>,
        now: jiff::Timestamp,
    ) -> Result<Option<ChangeOutcome>, StoreError>;

    /// One booking by id.
    async fn booking(&self, id: &str) -> Result<Option<Booking>, StoreError>;

    /// Sets (or clears) the join URL of the online meeting a calendar write got for the
    /// booking. Neither `sequence` nor `updated_at` moves: the booking's time and what
    /// invitees were sent are unchanged. Whether the booking exists.
    async fn set_booking_meeting_url(
        &self,
        id: &str,
        meeting_url: Option<&str>,
    ) -> Result<bool, StoreError>;

    /// Active bookings holding a host whose blocked range ends after `after_second`, handed over
    /// one at a time, so a caller that keeps its own compact copy never holds every row at
    /// once.
    async fn for_each_active_booking(
        &self,
        host_id: &str,
        after_second: i64,
        each: &mut (dyn FnMut(ActiveBooking) + Send),
    ) -> Result<(), StoreError>;

    /// [`BookingStore::for_each_active_booking`] collected into a list.
    async fn active_bookings(
        &self,
        host_id: &str,
        after_second: i64,
    ) -> Result<Vec<ActiveBooking>, StoreError> {
        let mut bookings = Vec::new();
        self.for_each_active_booking(host_id, after_second, &mut |booking| bookings.push(booking))
            .await?;
        Ok(bookings)
    }

    /// Bookings holding a host last changed (created, moved, ended) at or after `since_second`
    /// by their `updated_at`, each with whether it is active now: what a copy of busy time
    /// kept up to date needs to re-read. Handed over one at a time, so a busy burst of
    /// changes is never held as one list.
    async fn for_each_booking_changed_since(
        &self,
        host_id: &str,
        since_second: i64,
        each: &mut (dyn FnMut(ActiveBooking, bool) + Send),
    ) -> Result<(), StoreError>;

    /// [`BookingStore::for_each_booking_changed_since`] collected into a list.
    async fn bookings_changed_since(
        &self,
        host_id: &str,
        since_second: i64,
    ) -> Result<Vec<(ActiveBooking, bool)>, StoreError> {
        let mut changes = Vec::new();
        self.for_each_booking_changed_since(host_id, since_second, &mut |booking, active| {
            changes.push((booking, active))
        })
        .await?;
        Ok(changes)
    }

    /// Stores a message from the contact form (and its jobs, in the same transaction).
    async fn create_contact(&self, message: NewContact) -> Result<ContactMessage, StoreError>;

    /// One contact message by id.
    async fn contact(&self, id: &str) -> Result<Option<ContactMessage>, StoreError>;

    /// Active holds of every host whose blocked range ends after `after_second`, as
    /// `(host_id, booking)`, ordered by host then start: what a busy cache of all hosts
    /// loads at once. A collective booking comes once per host it holds.
    async fn for_each_active_hold(
        &self,
        after_second: i64,
        each: &mut (dyn FnMut(String, ActiveBooking) + Send),
    ) -> Result<(), StoreError>;

    /// Bookings of `event_slug` created at or after `since_second` (any status), counted
    /// per assigned host, with the latest creation: the input of round-robin fairness.
    /// Hosts without such bookings are absent. Ordered by host.
    async fn host_booking_stats(
        &self,
        event_slug: &str,
        since_second: i64,
    ) -> Result<Vec<HostBookingStat>, StoreError>;
}

/// The durable job queue: side effects written with the change that causes them.
#[async_trait]
pub trait JobStore: Send + Sync + 'static {
    /// Claims up to `limit` jobs due at `now` (queued, or running with an expired lease)
    /// for `worker` until `now + lease_seconds`, counting an attempt on each. A job is
    /// claimed by one worker at a time.
    async fn claim_jobs(
        &self,
        worker: &str,
        now: i64,
        lease_seconds: i64,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError>;

    /// Extends this worker's lease on a running job to `now + lease_seconds`, just before
    /// working on it. `false` when the job is no longer this worker's (its lease ran out
    /// while earlier jobs of the batch were being worked on and another worker claimed it,
    /// or it was finished): the caller must then leave it alone.
    async fn renew_job(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<bool, StoreError>;

    /// Marks a job this worker holds as done.
    async fn finish_job(&self, id: &str, worker: &str, now: i64) -> Result<(), StoreError>;

    /// Puts a job this worker holds back in the queue to run again at `run_at`.
    async fn retry_job(
        &self,
        id: &str,
        worker: &str,
        run_at: i64,
        error: &str,
        now: i64,
    ) -> Result<(), StoreError>;

    /// Marks a job this worker holds as dead after its last attempt (kept for operators).
    async fn bury_job(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        now: i64,
    ) -> Result<(), StoreError>;

    /// The earliest `run_at` of a queued job (or lease expiry of a running one).
    async fn next_job_at(&self) -> Result<Option<i64>, StoreError>;

    /// Queues jobs that come with no change of their own (e.g. writing existing bookings
    /// into a newly connected calendar), all or none.
    async fn enqueue_jobs(&self, jobs: &[NewJob], now: i64) -> Result<(), StoreError>;

    /// All jobs, newest first, up to `limit` (for operators and tests).
    async fn jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError>;

    /// Jobs that failed: dead ones, and queued ones that have been attempted (retrying),
    /// newest first.
    async fn failed_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError>;

    /// Puts a dead job back in the queue to run at `now` with its attempts reset. Whether
    /// the job was dead.
    async fn retry_dead_job(&self, id: &str, now: i64) -> Result<bool, StoreError>;
}

/// Operating the service: schema, settings, admin users and credentials, event types,
/// hosts, the audit log, counters, stats and booking queries.
#[async_trait]
pub trait AdminStore: Send + Sync + 'static {
    /// Applies pending migrations; returns how many were applied.
    async fn migrate(&self) -> Result<usize, StoreError>;

    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The setting `name`, storing `candidate` first if it has none. Concurrent callers
    /// (other instances) all get the one value that was stored first.
    async fn setting_or_init(&self, name: &str, candidate: &str) -> Result<String, StoreError>;

    /// Numbers for operators: bookings per status, jobs per kind and state, and the oldest
    /// `run_at` of a job that is due at `now` but not yet done (queue lag).
    async fn stats(&self, now: i64) -> Result<Stats, StoreError>;

    /// Creates an admin user, or sets a new password and role for an existing one
    /// (clearing any lockout). `host_id`: a host user of that host; `None`: an admin. `email` is lower-case. Returns whether the user is new.
    async fn upsert_admin_user(
        &self,
        id: &str,
        email: &str,
        password_hash: &str,
        host_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError>;

    /// The admin user with this (lower-case) e-mail address.
    async fn admin_user(&self, email: &str) -> Result<Option<AdminUser>, StoreError>;

    /// Counts a failed sign-in atomically. When the count reaches `max_failures`, the
    /// account is locked until `now + lock_seconds` and the count starts again from 0.
    /// Returns the user as it is now (`None` if there is no such user).
    async fn note_login_failure(
        &self,
        email: &str,
        now: i64,
        max_failures: u32,
        lock_seconds: i64,
    ) -> Result<Option<AdminUser>, StoreError>;

    /// Clears failed sign-ins and any lockout.
    async fn note_login_success(&self, email: &str) -> Result<(), StoreError>;

    /// Stores a session or API token.
    async fn create_credential(&self, credential: &Credential) -> Result<(), StoreError>;

    /// The credential with this secret hash, if it is neither revoked nor expired at `now`.
    async fn credential(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Credential>, StoreError>;

    /// Revokes a credential by id; whether it was valid until now.
    async fn revoke_credential(&self, id: &str, now: i64) -> Result<bool, StoreError>;

    /// Revokes every valid session of the admin user `email` except the one with id
    /// `keep` (after a password change); how many were revoked. API tokens are kept.
    async fn revoke_sessions(
        &self,
        email: &str,
        keep: Option<&str>,
        now: i64,
    ) -> Result<u64, StoreError>;

    /// Deletes credentials that expired or were revoked before `before`; how many.
    async fn prune_credentials(&self, before: i64) -> Result<u64, StoreError>;

    /// Credentials of one kind that are neither revoked nor expired at `now`, newest first.
    async fn credentials(
        &self,
        kind: CredentialKind,
        now: i64,
    ) -> Result<Vec<Credential>, StoreError>;

    /// All stored event types, by position then slug.
    async fn event_types(&self) -> Result<Vec<StoredEventType>, StoreError>;

    /// Stores `types` if no event type is stored yet (atomically: of several instances
    /// starting together, one seeds). Returns whether it seeded.
    async fn seed_event_types(&self, types: &[StoredEventType]) -> Result<bool, StoreError>;

    /// Inserts or replaces the event type with `event.slug`, writing `audit` in the same
    /// transaction.
    async fn save_event_type(
        &self,
        event: &StoredEventType,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// All stored hosts, by position then id.
    async fn hosts(&self) -> Result<Vec<StoredHost>, StoreError>;

    /// Stores `hosts` if no host is stored yet (atomically: of several instances starting
    /// together, one seeds). Returns whether it seeded.
    async fn seed_hosts(&self, hosts: &[StoredHost]) -> Result<bool, StoreError>;

    /// Inserts or replaces the host with `host.id`, writing `audit` in the same
    /// transaction.
    async fn save_host(&self, host: &StoredHost, audit: &AuditEntry) -> Result<(), StoreError>;

    /// Appends to the audit log.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;

    /// Audit entries, newest first; only those with this `target` when given.
    async fn audit_entries(
        &self,
        target: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError>;

    /// Bookings matching `query`, ordered by start (then id).
    async fn list_bookings(&self, query: &BookingQuery) -> Result<Vec<Booking>, StoreError>;

    /// How many bookings match `query` (ignoring its limit and offset).
    async fn count_bookings(&self, query: &BookingQuery) -> Result<i64, StoreError>;

    /// Bookings matching `query` (ignoring its limit, offset and order) counted per event
    /// type and 15-minute bucket of their creation or start, ordered by bucket then slug:
    /// what dashboards chart, without reading every row.
    async fn booking_buckets(
        &self,
        query: &BookingQuery,
        by: BucketBy,
    ) -> Result<Vec<BookingBucket>, StoreError>;

    /// Bookings matching `query` (ignoring its limit, offset and order) counted per host
    /// they hold (a collective booking counts for each of its hosts), ordered by host.
    async fn booking_counts_by_host(
        &self,
        query: &BookingQuery,
    ) -> Result<Vec<(String, i64)>, StoreError>;

    /// Adds to daily counters (creating them at 0 first), in one transaction.
    async fn add_counters(&self, deltas: &[CounterDelta]) -> Result<(), StoreError>;

    /// Counter totals for days `from_day..=to_day` (`YYYY-MM-DD`).
    async fn counters(&self, from_day: &str, to_day: &str)
        -> Result<Vec<CounterDelta>, StoreError>;
}

/// Calendar connections of hosts and what their background syncs imported. A connection
/// row is its own recurring durable job: due at `next_run_at`, synced under a lease by one
/// worker of any instance at a time (worker names must be unique across instances). Every
/// write of a sync checks the lease, so a worker that lost it writes nothing.
#[async_trait]
pub trait CalendarStore: Send + Sync + 'static {
    /// Every connection, ordered by host, then creation, then id.
    async fn calendar_connections(&self) -> Result<Vec<CalendarConnection>, StoreError>;

    /// One connection by id.
    async fn calendar_connection(&self, id: &str)
        -> Result<Option<CalendarConnection>, StoreError>;

    /// Makes the connections of origin `config` exactly `calendars` (whose origin is
    /// ignored): new ones are due at `now`; changed ones keep their sync state, except that a
    /// change of host, kind, URL, username, OAuth account or `all_day_busy` drops the
    /// cursor and the imported busy time (bumping `busy_version`), takes the lease away
    /// from a sync in flight and makes it due at `now`; a changed password makes it due at `now`; a
    /// shorter `refresh_minutes` brings `next_run_at` forward to at most `now` + the new
    /// interval. Config connections no longer listed are deleted with all they imported.
    /// Admin connections are left alone, unless one has the id of a listed calendar: the
    /// configuration file then takes it over. Instances starting together take turns.
    async fn sync_config_calendars(
        &self,
        calendars: &[CalendarSettings],
        now: i64,
    ) -> Result<(), StoreError>;

    /// Inserts or updates a connection as origin `admin` (whatever `settings.origin` says),
    /// writing `audit` in the same transaction. Changes reset as in
    /// [`CalendarStore::sync_config_calendars`].
    async fn save_calendar_connection(
        &self,
        settings: &CalendarSettings,
        audit: &AuditEntry,
        now: i64,
    ) -> Result<(), StoreError>;

    /// Deletes a connection with its resources, busy time and write records, writing
    /// `audit` in the same transaction if it existed. Whether it existed.
    async fn delete_calendar_connection(
        &self,
        id: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// Takes the lease on one due connection (`next_run_at <= now`, no lease or an expired
    /// one), earliest due first, for `worker` until `now + lease_seconds`. Two claimers
    /// never get the same connection while its lease runs.
    async fn claim_calendar_sync(
        &self,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<Option<CalendarConnection>, StoreError>;

    /// Extends `worker`'s lease to `now + lease_seconds`; `false` when the lease is no
    /// longer this worker's.
    async fn renew_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<bool, StoreError>;

    /// Stores what a sync found, in one transaction, if `worker` still holds the lease
    /// (`false`: nothing written). With `delta.full`, stored resources not among the
    /// upserts are dropped; upserted resources replace their busy intervals; removed ones
    /// are dropped. Sets the cursor, `last_attempt_at = last_success_at = now`, clears the
    /// error and `failing_since`, counts `events_imported`, bumps `busy_version` if the busy
    /// time changed, schedules `next_run_at` (or `now` if a sync was requested meanwhile)
    /// and releases the lease.
    async fn apply_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        delta: &CalendarDelta,
        now: i64,
        next_run_at: i64,
    ) -> Result<bool, StoreError>;

    /// Records a failed sync if `worker` holds the lease: `last_attempt_at = now`,
    /// `last_error`, `failing_since` (kept if already failing), `next_run_at` (or `now` if a
    /// sync was requested meanwhile); releases the lease. The connection as it is now, or
    /// `None` (nothing written) when the lease was lost.
    async fn fail_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        now: i64,
        next_run_at: i64,
    ) -> Result<Option<CalendarConnection>, StoreError>;

    /// Sets whether an operator was alerted about the connection failing and, only if the
    /// flag changed, queues `jobs` (the alert e-mail) in the same transaction: the e-mail
    /// goes out exactly once per change. Whether the flag changed: of several callers
    /// setting it, exactly one sees `true`.
    async fn set_calendar_alerted(
        &self,
        id: &str,
        alerted: bool,
        jobs: &[NewJob],
        now: i64,
    ) -> Result<bool, StoreError>;

    /// Makes a connection due at `now` ("sync now"); a sync running meanwhile is followed
    /// by another at once. Whether the connection exists.
    async fn request_calendar_sync(&self, id: &str, now: i64) -> Result<bool, StoreError>;

    /// The earliest instant a connection becomes claimable (due, and its lease if any
    /// expired), for a worker to sleep until.
    async fn next_calendar_sync_at(&self) -> Result<Option<i64>, StoreError>;

    /// `(href, etag)` of every stored resource of a connection, by href.
    async fn calendar_resource_etags(
        &self,
        connection_id: &str,
    ) -> Result<Vec<(String, Option<String>)>, StoreError>;

    /// Busy intervals of a host overlapping `[from, to)` from its connections with `busy`
    /// set, ordered by start then end (intervals of different events may overlap or repeat).
    async fn calendar_busy(
        &self,
        host_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError>;

    /// Every busy interval of connections with `busy` set, as `(host, start, end)`, ordered
    /// by host then start, handed over one at a time.
    async fn for_each_calendar_busy(
        &self,
        each: &mut (dyn for<'host> FnMut(&'host str, i64, i64) + Send),
    ) -> Result<(), StoreError>;

    /// The version of every connection's busy time (a cheap poll), ordered by host, then
    /// creation, then id.
    async fn calendar_versions(&self) -> Result<Vec<CalendarVersion>, StoreError>;

    /// The events written for a booking, by connection.
    async fn calendar_writes(&self, booking_id: &str) -> Result<Vec<CalendarWrite>, StoreError>;

    /// Inserts or replaces the record of the event written for `write.booking_id` into
    /// `write.connection_id`.
    async fn save_calendar_write(&self, write: &CalendarWrite) -> Result<(), StoreError>;

    /// Forgets the event written for a booking into a connection; whether there was one.
    async fn delete_calendar_write(
        &self,
        booking_id: &str,
        connection_id: &str,
    ) -> Result<bool, StoreError>;
}

/// OAuth sign-ins (Google, Microsoft) whose calendars are connections of kind `google` or
/// `microsoft`, and the authorization requests in flight. An access token is refreshed by
/// one worker of any instance at a time, under a lease on the account (worker names must
/// be unique across instances).
#[async_trait]
pub trait OAuthStore: Send + Sync + 'static {
    /// Inserts or updates the account `account.id` (keeping its `created_at`). Saving takes
    /// the refresh lease away, so a refresh in flight with the tokens saved over writes
    /// nothing; saving `status` `ok` after a reconnect re-arms
    /// [`OAuthStore::mark_oauth_needs_reconnect`]. Another id with the same
    /// `(host_id, provider, email)` is refused by the database.
    async fn save_oauth_account(&self, account: &OAuthAccount) -> Result<(), StoreError>;

    /// One account by id.
    async fn oauth_account(&self, id: &str) -> Result<Option<OAuthAccount>, StoreError>;

    /// The accounts of one host, or of every host, ordered by host, creation, then id.
    async fn oauth_accounts(&self, host_id: Option<&str>) -> Result<Vec<OAuthAccount>, StoreError>;

    /// Deletes an account with its calendar connections (their resources, busy time and
    /// write records) and any authorization request reconnecting it. Whether it existed.
    async fn delete_oauth_account(&self, id: &str) -> Result<bool, StoreError>;

    /// Takes the refresh lease on the account for `worker` until `now + lease_seconds`,
    /// returning the account as it is now. `None` when there is no such account or another
    /// worker holds an unexpired lease (that worker is refreshing: re-read the account
    /// later). Of several claimers at once, exactly one gets it.
    async fn claim_token_refresh(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<Option<OAuthAccount>, StoreError>;

    /// Stores a refreshed access token (and the new refresh token if the provider rotated
    /// it) and releases the lease, if `worker` still holds it: `false` (nothing written)
    /// once another worker claimed it or the account was saved over. A lease that ran out
    /// but was not taken still counts: a rotated refresh token must not be dropped.
    async fn finish_token_refresh(
        &self,
        id: &str,
        worker: &str,
        access_token_enc: &str,
        access_expires_at: i64,
        refresh_token_enc: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError>;

    /// Gives the lease up without writing tokens (the refresh failed transiently).
    async fn release_token_refresh(&self, id: &str, worker: &str) -> Result<(), StoreError>;

    /// Marks the account `needs_reconnect` with `detail`, releasing any refresh lease, and
    /// queues `alert_jobs` in the same transaction, only on the change from `ok`: of any
    /// number of callers, exactly one sees `true` and the alert goes out once until the
    /// account is saved `ok` again.
    async fn mark_oauth_needs_reconnect(
        &self,
        id: &str,
        detail: &str,
        alert_jobs: &[NewJob],
        now: i64,
    ) -> Result<bool, StoreError>;

    /// Stores an authorization request (a `state_hash` already stored is refused).
    async fn save_oauth_pending(&self, pending: &OAuthPending) -> Result<(), StoreError>;

    /// Takes the request with this `state_hash`: deleted as it is read, so a state works
    /// once. `None` when unknown, already taken or expired at `now` (`expires_at <= now`).
    /// Also deletes every expired request.
    async fn take_oauth_pending(
        &self,
        state_hash: &str,
        now: i64,
    ) -> Result<Option<OAuthPending>, StoreError>;
}

/// Everything the service persists: the focused traits together. Callers bring the
/// methods into scope with `use openslot_store::prelude::*`.
pub trait Store:
    BookingStore + JobStore + AdminStore + CalendarStore + OAuthStore + WebhookStore
{
}

impl<
        T: BookingStore + JobStore + AdminStore + CalendarStore + OAuthStore + WebhookStore + ?Sized,
    > Store for T
{
}

/// Counts for metrics and dashboards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// `(status, count)`.
    pub bookings: Vec<(String, i64)>,
    /// `(kind, state, count)`, where state is `queued`, `retrying` (queued after a failed
    /// attempt), `running`, `done`, `dead` or `cancelled`.
    pub jobs: Vec<(String, String, i64)>,
    /// The earliest `run_at` among due, unfinished jobs.
    pub oldest_due: Option<i64>,
}
