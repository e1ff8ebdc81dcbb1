//! The PostgreSQL store, for several instances sharing one database. Conflicts are refused
//! by the database itself: an exclusion constraint (`booking_holds_no_overlap`) keeps the
//! active holds of a host apart, whichever instance writes them. A round-robin booking tries
//! its hosts in order inside one transaction, each hold under a savepoint; a collective one
//! holds all or fails whole. Slots, day caps and idempotency keys are serialised with
//! transaction-level advisory locks (taken in one global order), jobs are shared between workers of
//! all instances with `FOR UPDATE SKIP LOCKED`. Transactions run at READ COMMITTED; the
//! rare deadlock (two inserts waiting on each other's exclusion check) is retried.

mod admin;
mod calendar;
mod deadline;
mod migrate;
mod oauth;
mod webhook;

use std::{future::Future, str::FromStr, time::Duration};

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::{
    postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow},
    Row,
};

pub use deadline::PgStore;

use crate::{
    prelude::*, ActiveBooking, AdminUser, Assign, AuditEntry, Booking, BookingChange, BookingQuery,
    BookingStatus, ChangeOutcome, ContactMessage, CounterDelta, CreateOutcome, Credential,
    CredentialKind, DayCap, HostBookingStat, HostHold, IdempotencyClaim, Job, JobState, NewBooking,
    NewContact, NewJob, StoreError, StoredEventType,
};

/// How to connect to PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgOptions {
    /// `postgres://user:password@host:port/database` (query parameters such as
    /// `sslmode=require` are passed on).
    pub url: String,
    /// Most connections this instance opens (default 10).
    pub max_connections: u32,
    /// Longest a statement may run before the server cancels it, in milliseconds
    /// (default 5000; 0 disables the limit). Set per connection at startup.
    pub statement_timeout_ms: u64,
    /// Longest a caller waits for a free connection before [`StoreError::is_timeout`]
    /// (default 5 s). Opening a new connection counts against it.
    pub acquire_timeout: Duration,
    /// Client-side deadline on every store call (waiting for a connection included),
    /// default 10 s. Past it the call fails with [`StoreError::Unavailable`] and its
    /// connection is closed instead of reused: the one limit that holds when the database
    /// host vanishes without a reset, where `statement_timeout` (enforced by the server)
    /// cannot help. The server also ends any transaction left idle this long
    /// (`idle_in_transaction_session_timeout`), so the locks of a vanished call are freed.
    pub call_timeout: Duration,
}

impl PgOptions {
    pub fn new(url: impl Into<String>) -> Self {
        PgOptions {
            url: url.into(),
            max_connections: 10,
            statement_timeout_ms: 5000,
            acquire_timeout: Duration::from_secs(5),
            call_timeout: Duration::from_secs(10),
        }
    }
}

/// The PostgreSQL queries behind [`PgStore`], which adds the client-side deadline.
#[derive(Clone, Debug)]
pub(crate) struct PgQueries {
    pool: PgPool,
}

/// The exclusion constraints that keep active holds (and assigned bookings) of a host apart.
const OVERLAP_CONSTRAINTS: [&str; 2] = ["booking_holds_no_overlap", "bookings_no_overlap"];
/// The primary key of `idempotency_keys`.
const IDEMPOTENCY_KEY_CONSTRAINT: &str = "idempotency_keys_pkey";

/// How often a transaction that lost a deadlock or serialisation race is tried again.
const MAX_RETRIES: u32 = 5;

const BOOKING_COLUMNS: &str = "id, host_id, event_slug, status, start_at, end_at, \
     blocked_start, blocked_end, name, email, timezone, notes, answers::text AS answers, \
     created_at, updated_at, sequence, status_reason, previous_start_at, confirmed_at, \
     meeting_url, locale, \
     (SELECT string_agg(host_id, chr(31) ORDER BY position) FROM booking_holds \
      WHERE booking_id = bookings.id) AS hosts";

const JOB_COLUMNS: &str = "id, kind, payload::text AS payload, state, run_at, attempts, \
     max_attempts, last_error, booking_id, created_at";

fn timestamp(second: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(second).map_err(|err| StoreError::Corrupt(err.to_string()))
}

fn booking_from_row(row: &PgRow) -> Result<Booking, StoreError> {
    let status: String = row.try_get("status")?;
    let answers: String = row.try_get("answers")?;
    let host_id: String = row.try_get("host_id")?;
    Ok(Booking {
        id: row.try_get("id")?,
        hosts: crate::sqlite::split_hosts(row.try_get("hosts")?, &host_id),
        host_id,
        event_slug: row.try_get("event_slug")?,
        status: BookingStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("booking status {status:?}")))?,
        start: timestamp(row.try_get("start_at")?)?,
        end: timestamp(row.try_get("end_at")?)?,
        blocked_start: row.try_get("blocked_start")?,
        blocked_end: row.try_get("blocked_end")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        timezone: row.try_get("timezone")?,
        locale: row.try_get("locale")?,
        notes: row.try_get("notes")?,
        answers: serde_json::from_str(&answers)
            .map_err(|err| StoreError::Corrupt(format!("booking answers: {err}")))?,
        created_at: timestamp(row.try_get("created_at")?)?,
        updated_at: timestamp(row.try_get("updated_at")?)?,
        sequence: u32::try_from(row.try_get::<i64, _>("sequence")?).unwrap_or(0),
        status_reason: row.try_get("status_reason")?,
        previous_start: row
            .try_get::<Option<i64>, _>("previous_start_at")?
            .map(timestamp)
            .transpose()?,
        confirmed_at: row
            .try_get::<Option<i64>, _>("confirmed_at")?
            .map(timestamp)
            .transpose()?,
        meeting_url: row.try_get("meeting_url")?,
    })
}

fn job_from_row(row: &PgRow) -> Result<Job, StoreError> {
    let state: String = row.try_get("state")?;
    let payload: String = row.try_get("payload")?;
    Ok(Job {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: serde_json::from_str(&payload)
            .map_err(|err| StoreError::Corrupt(format!("job payload: {err}")))?,
        state: JobState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("job state {state:?}")))?,
        run_at: row.try_get("run_at")?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(0),
        max_attempts: u32::try_from(row.try_get::<i64, _>("max_attempts")?).unwrap_or(0),
        last_error: row.try_get("last_error")?,
        booking_id: row.try_get("booking_id")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The one place that turns constraint violations into the store's refusals: an exclusion
/// violation of `booking_holds_no_overlap` or `bookings_no_overlap` is [`StoreError::Overlap`]; anything else stays a
/// database error.
fn on_constraint(err: sqlx::Error) -> StoreError {
    match err.as_database_error() {
        Some(db)
            if db.code().as_deref() == Some("23P01")
                && db
                    .constraint()
                    .is_some_and(|name| OVERLAP_CONSTRAINTS.contains(&name)) =>
        {
            StoreError::Overlap
        }
        _ => StoreError::Database(err),
    }
}

/// The SQLSTATE of a database error, if it is one.
fn sqlstate(err: &StoreError) -> Option<String> {
    match err {
        StoreError::Database(err) => err
            .as_database_error()
            .and_then(|db| db.code())
            .map(|code| code.into_owned()),
        _ => None,
    }
}

/// Whether the transaction lost a race the database resolved by aborting it (a
/// serialisation failure or a deadlock), so running it again may succeed.
fn is_retryable(err: &StoreError) -> bool {
    matches!(sqlstate(err).as_deref(), Some("40001" | "40P01"))
}

/// Whether a concurrent request already stored this idempotency key.
fn is_duplicate_key(err: &StoreError) -> bool {
    match err {
        StoreError::Database(err) => err.as_database_error().is_some_and(|db| {
            db.code().as_deref() == Some("23505")
                && db.constraint() == Some(IDEMPOTENCY_KEY_CONSTRAINT)
        }),
        _ => false,
    }
}

/// A short, jittered pause before retry number `attempt` (1-based): about 5, 10, 20, 40,
/// 80 ms, so transactions that deadlocked on each other do not collide again.
fn backoff(attempt: u32) -> Duration {
    use std::hash::BuildHasher;
    let jitter = std::collections::hash_map::RandomState::new().hash_one(attempt) % 5;
    Duration::from_millis((5u64 << attempt.saturating_sub(1).min(6)) + jitter)
}

/// Runs `transaction` until it succeeds, is refused, or has lost [`MAX_RETRIES`] races.
async fn retrying<T, F, Fut>(what: &str, mut transaction: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut attempt = 0;
    loop {
        match transaction().await {
            Err(err) if attempt < MAX_RETRIES && is_retryable(&err) => {
                attempt += 1;
                tracing::debug!(error = %err, attempt, "{what}: retrying after a lost race");
                tokio::time::sleep(backoff(attempt)).await;
            }
            outcome => return outcome,
        }
    }
}

/// Takes a transaction-level advisory lock named by `key` (held until commit/rollback).
/// Hash collisions only make unrelated transactions wait for each other.
async fn advisory_lock(connection: &mut PgConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(key)
        .execute(connection)
        .await?;
    Ok(())
}

/// Width of the time buckets conflicting writes queue on.
const LOCK_BUCKET_SECONDS: i64 = 900;

/// Takes the advisory locks of every 15-minute bucket the held ranges touch, for each of
/// `hosts`, ordered by (host, bucket) and in one round trip. Any two overlapping ranges of a
/// host share a bucket, so concurrent writes that could conflict queue here instead of
/// meeting inside the exclusion constraint, where PostgreSQL can only untangle them by
/// deadlock detection (a one-second stall and an aborted transaction). A round-robin
/// booking locks every candidate host, so the hosts it tries in turn are settled by the
/// transactions before it. Writes to other times, or for other hosts, do not wait. The
/// exclusion constraint stays the guarantee; these locks only make contention orderly.
async fn lock_days(
    connection: &mut PgConnection,
    hosts: &[&str],
    ranges: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    let mut buckets: Vec<i32> = ranges
        .iter()
        .flat_map(|(start, end)| {
            start.div_euclid(LOCK_BUCKET_SECONDS)
                ..=(end - 1).max(*start).div_euclid(LOCK_BUCKET_SECONDS)
        })
        .map(|bucket| bucket as i32)
        .collect();
    buckets.sort_unstable();
    buckets.dedup();
    let mut hosts: Vec<&str> = hosts.to_vec();
    hosts.sort_unstable();
    hosts.dedup();
    let mut keys = Vec::with_capacity(hosts.len() * buckets.len());
    let mut numbers = Vec::with_capacity(keys.capacity());
    for host in &hosts {
        for bucket in &buckets {
            keys.push(format!("openslot/slots\u{1f}{host}"));
            numbers.push(*bucket);
        }
    }
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtext(key), bucket)
         FROM (SELECT key, bucket FROM unnest($1::text[], $2::int4[]) AS pair (key, bucket)
               ORDER BY key COLLATE \"C\", bucket) AS ordered",
    )
    .bind(&keys)
    .bind(&numbers)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// The advisory lock key of a cap: of an event type on a host (`event_slug`) or of the
/// host across event types, in the day starting at `day_start`.
fn cap_key(host_id: &str, event_slug: Option<&str>, day_start: i64) -> String {
    match event_slug {
        Some(slug) => format!("openslot/day-cap\u{1f}{host_id}\u{1f}{slug}\u{1f}{day_start}"),
        None => format!("openslot/host-day-cap\u{1f}{host_id}\u{1f}{day_start}"),
    }
}

/// Takes the advisory locks named by `keys`, in one order for every transaction (so two
/// bookings locking the same caps cannot deadlock), in one round trip.
async fn lock_keys(
    connection: &mut PgConnection,
    mut keys: Vec<String>,
) -> Result<(), sqlx::Error> {
    if keys.is_empty() {
        return Ok(());
    }
    keys.sort_unstable();
    keys.dedup();
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtext(key))
         FROM (SELECT key FROM unnest($1::text[]) AS named (key)
               ORDER BY key COLLATE \"C\") AS ordered",
    )
    .bind(&keys)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// Fails with [`StoreError::DayFull`] if `host_id` already has `cap.max` active holds
/// starting in the day (of `event_slug` when given), not counting booking `except`. The
/// caller holds the cap's advisory lock ([`cap_key`]), which makes the count and the
/// following write one step for every transaction that checks the same cap.
async fn check_cap(
    connection: &mut PgConnection,
    host_id: &str,
    event_slug: Option<&str>,
    except: &str,
    cap: DayCap,
) -> Result<(), StoreError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM booking_holds AS h
         WHERE h.host_id = $1 AND h.active AND h.start_at >= $2 AND h.start_at < $3
           AND h.booking_id <> $4
           AND ($5::text IS NULL OR EXISTS (
                SELECT 1 FROM bookings AS b WHERE b.id = h.booking_id AND b.event_slug = $5))",
    )
    .bind(host_id)
    .bind(cap.day_start)
    .bind(cap.day_end)
    .bind(except)
    .bind(event_slug)
    .fetch_one(connection)
    .await?;
    if count >= i64::from(cap.max) {
        return Err(StoreError::DayFull);
    }
    Ok(())
}

/// Holds one host for `booking` if its caps allow and the exclusion constraint lets the
/// hold in. With `alone`, a refused hold is rolled back to a savepoint so the transaction
/// can go on to the next host; otherwise the refusal ends the transaction.
async fn hold(
    connection: &mut PgConnection,
    booking: &NewBooking,
    host: &HostHold,
    position: i64,
    alone: bool,
) -> Result<(), StoreError> {
    if let Some(cap) = booking.day_cap {
        check_cap(
            connection,
            &host.host_id,
            Some(&booking.event_slug),
            &booking.id,
            cap,
        )
        .await?;
    }
    if let Some(cap) = host.day_cap {
        check_cap(connection, &host.host_id, None, &booking.id, cap).await?;
    }
    if alone {
        sqlx::Executor::execute(&mut *connection, "SAVEPOINT hold").await?;
    }
    let held = sqlx::query(
        "INSERT INTO booking_holds (booking_id, host_id, position, start_at, blocked_start,
            blocked_end, active) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&booking.id)
    .bind(&host.host_id)
    .bind(position)
    .bind(booking.start.as_second())
    .bind(booking.blocked_start)
    .bind(booking.blocked_end)
    .bind(booking.status.is_active())
    .execute(&mut *connection)
    .await
    .map_err(on_constraint);
    if alone {
        let end = if held.is_ok() {
            "RELEASE SAVEPOINT hold"
        } else {
            "ROLLBACK TO SAVEPOINT hold"
        };
        sqlx::Executor::execute(&mut *connection, end).await?;
    }
    held.map(|_| ())
}

/// Queues jobs on an open transaction's connection, in one statement. A job with
/// [`NewJob::embed_booking`] carries the booking as this transaction has written it; jobs
/// with an [`NewJob::order_key`] take numbers from `jobs_order_seq` in the order given.
async fn insert_jobs(
    connection: &mut PgConnection,
    jobs: &[NewJob],
    now: i64,
) -> Result<(), StoreError> {
    if jobs.is_empty() {
        return Ok(());
    }
    let mut payloads: Vec<String> = Vec::with_capacity(jobs.len());
    for job in jobs {
        payloads.push(match (&job.booking_id, job.embed_booking) {
            (Some(booking_id), true) => {
                let row = sqlx::query(&format!(
                    "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1"
                ))
                .bind(booking_id)
                .fetch_optional(&mut *connection)
                .await?
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("job {} embeds a missing booking", job.id))
                })?;
                crate::model::embed_booking(&job.payload, &booking_from_row(&row)?)?
            }
            _ => job.payload.to_string(),
        });
    }
    let ids: Vec<&str> = jobs.iter().map(|job| job.id.as_str()).collect();
    let kinds: Vec<&str> = jobs.iter().map(|job| job.kind.as_str()).collect();
    let run_ats: Vec<i64> = jobs.iter().map(|job| job.run_at).collect();
    let max_attempts: Vec<i64> = jobs.iter().map(|job| i64::from(job.max_attempts)).collect();
    let bookings: Vec<Option<&str>> = jobs.iter().map(|job| job.booking_id.as_deref()).collect();
    let order_keys: Vec<Option<&str>> = jobs.iter().map(|job| job.order_key.as_deref()).collect();
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, state, run_at, attempts, max_attempts,
            booking_id, created_at, updated_at, order_key, order_seq)
         SELECT id, kind, payload::jsonb, 'queued', run_at, 0, max_attempts, booking_id, $7, $7,
            order_key, CASE WHEN order_key IS NULL THEN NULL ELSE nextval('jobs_order_seq') END
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::text[],
                $8::text[]) WITH ORDINALITY
            AS new (id, kind, payload, run_at, max_attempts, booking_id, order_key, position)
         ORDER BY position",
    )
    .bind(ids)
    .bind(kinds)
    .bind(payloads)
    .bind(run_ats)
    .bind(max_attempts)
    .bind(bookings)
    .bind(now)
    .bind(order_keys)
    .execute(connection)
    .await?;
    Ok(())
}

async fn booking_in(
    connection: &mut PgConnection,
    id: &str,
) -> Result<Option<Booking>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(connection)
    .await?;
    row.as_ref().map(booking_from_row).transpose()
}

/// The booking stored under `claim`'s key, or [`StoreError::IdempotencyMismatch`] if the
/// key came with another request.
async fn replay_in(
    connection: &mut PgConnection,
    claim: &IdempotencyClaim,
) -> Result<Option<Booking>, StoreError> {
    let row = sqlx::query("SELECT fingerprint, booking_id FROM idempotency_keys WHERE key = $1")
        .bind(&claim.key)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let fingerprint: String = row.try_get("fingerprint")?;
    if fingerprint != claim.fingerprint {
        return Err(StoreError::IdempotencyMismatch);
    }
    let booking_id: String = row.try_get("booking_id")?;
    booking_in(connection, &booking_id).await
}

impl PgQueries {
    /// Connects (checking the server answers) with the given pool settings; `pool` may add
    /// hooks. Does not migrate.
    async fn open(options: &PgOptions, pool: PgPoolOptions) -> Result<Self, StoreError> {
        // The URL may hold a password, so it is not repeated in the error.
        let connect = PgConnectOptions::from_str(&options.url)
            .map_err(|err| StoreError::Config(format!("PostgreSQL URL: {err}")))?
            .application_name("openslot")
            .options([
                ("statement_timeout", options.statement_timeout_ms),
                (
                    "idle_in_transaction_session_timeout",
                    options.call_timeout.as_millis().max(1) as u64,
                ),
            ]);
        let pool = pool
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        Ok(PgQueries { pool })
    }

    /// Connections open now (idle or in use).
    fn pool_size(&self) -> u32 {
        self.pool.size()
    }

    /// One attempt at [`BookingStore::create_booking`], in one transaction.
    async fn try_create(
        &self,
        booking: &NewBooking,
        claim: Option<&IdempotencyClaim>,
    ) -> Result<CreateOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(claim) = claim {
            // Requests with one key queue here, so a duplicate sent while the first is in
            // flight waits for its outcome and replays it instead of racing it.
            advisory_lock(&mut tx, &format!("openslot/idempotency\u{1f}{}", claim.key)).await?;
            if let Some(original) = replay_in(&mut tx, claim).await? {
                return Ok(CreateOutcome::Replayed(original));
            }
        }
        let hosts = booking.assign.hosts();
        let host_ids: Vec<&str> = hosts.iter().map(|host| host.host_id.as_str()).collect();
        lock_days(
            &mut tx,
            &host_ids,
            &[(booking.blocked_start, booking.blocked_end)],
        )
        .await?;
        let mut caps = Vec::new();
        for host in hosts {
            if let Some(cap) = booking.day_cap {
                caps.push(cap_key(
                    &host.host_id,
                    Some(&booking.event_slug),
                    cap.day_start,
                ));
            }
            if let Some(cap) = host.day_cap {
                caps.push(cap_key(&host.host_id, None, cap.day_start));
            }
        }
        lock_keys(&mut tx, caps).await?;
        let held: Vec<String> = match &booking.assign {
            Assign::FirstFree(hosts) => {
                let mut overlapped = hosts.is_empty();
                let mut chosen = None;
                for host in hosts {
                    match hold(&mut tx, booking, host, 0, true).await {
                        Ok(()) => {
                            chosen = Some(host.host_id.clone());
                            break;
                        }
                        Err(StoreError::Overlap) => overlapped = true,
                        Err(StoreError::DayFull) => {}
                        Err(err) => return Err(err),
                    }
                }
                match chosen {
                    Some(host) => vec![host],
                    None if overlapped => return Err(StoreError::Overlap),
                    None => return Err(StoreError::DayFull),
                }
            }
            Assign::All(hosts) => {
                if hosts.is_empty() {
                    return Err(StoreError::Overlap);
                }
                for (position, host) in hosts.iter().enumerate() {
                    hold(&mut tx, booking, host, position as i64, false).await?;
                }
                host_ids.iter().map(|host| host.to_string()).collect()
            }
        };
        let created = booking.created_at.as_second();
        let row = sqlx::query(&format!(
            "INSERT INTO bookings (id, host_id, event_slug, status, start_at, end_at,
                blocked_start, blocked_end, name, email, timezone, notes, answers, created_at,
                updated_at, confirmed_at, locale)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $14,
                $15, $16)
             RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(&booking.id)
        .bind(&held[0])
        .bind(&booking.event_slug)
        .bind(booking.status.as_str())
        .bind(booking.start.as_second())
        .bind(booking.end.as_second())
        .bind(booking.blocked_start)
        .bind(booking.blocked_end)
        .bind(&booking.name)
        .bind(&booking.email)
        .bind(&booking.timezone)
        .bind(&booking.notes)
        .bind(booking.answers.to_string())
        .bind(created)
        .bind((booking.status == BookingStatus::Confirmed).then_some(created))
        .bind(&booking.locale)
        .fetch_one(&mut *tx)
        .await
        .map_err(on_constraint)?;
        let stored = booking_from_row(&row)?;
        insert_jobs(&mut tx, &booking.jobs, created).await?;
        if let Some(claim) = claim {
            sqlx::query(
                "INSERT INTO idempotency_keys (key, fingerprint, booking_id, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&claim.key)
            .bind(&claim.fingerprint)
            .bind(&booking.id)
            .bind(created)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(CreateOutcome::Created(stored))
    }

    /// One attempt at [`BookingStore::change_booking`], in one transaction.
    async fn try_change(
        &self,
        id: &str,
        change: &BookingChange,
        jobs: &[NewJob],
        now: i64,
    ) -> Result<Option<ChangeOutcome>, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The row lock orders concurrent changes of one booking.
        let row = sqlx::query(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 FOR UPDATE"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = row.as_ref().map(booking_from_row).transpose()? else {
            return Ok(None);
        };
        if !change.applies_to(current.status) {
            return Ok(Some(ChangeOutcome::Unchanged(current)));
        }
        let (row, drop_reminders) = match change {
            BookingChange::Confirm => {
                let row = sqlx::query(&format!(
                    "UPDATE bookings SET status = 'confirmed', confirmed_at = $1, updated_at = $1
                     WHERE id = $2
                     RETURNING {BOOKING_COLUMNS}"
                ))
                .bind(now)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                (row, false)
            }
            BookingChange::End { status, reason } => {
                let row = sqlx::query(&format!(
                    "UPDATE bookings SET status = $1, status_reason = $2,
                        sequence = sequence + 1, updated_at = $3 WHERE id = $4
                     RETURNING {BOOKING_COLUMNS}"
                ))
                .bind(status.as_str())
                .bind(reason)
                .bind(now)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("UPDATE booking_holds SET active = FALSE WHERE booking_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                (row, true)
            }
            BookingChange::Move {
                start,
                end,
                blocked_start,
                blocked_end,
                day_cap,
                host_caps,
            } => {
                let hosts: Vec<&str> = current.hosts.iter().map(String::as_str).collect();
                lock_days(
                    &mut tx,
                    &hosts,
                    &[
                        (current.blocked_start, current.blocked_end),
                        (*blocked_start, *blocked_end),
                    ],
                )
                .await?;
                let own_caps: Vec<(&str, DayCap)> = host_caps
                    .iter()
                    .filter(|host| current.hosts.contains(&host.host_id))
                    .filter_map(|host| Some((host.host_id.as_str(), host.day_cap?)))
                    .collect();
                let mut keys: Vec<String> = own_caps
                    .iter()
                    .map(|(host, cap)| cap_key(host, None, cap.day_start))
                    .collect();
                if let Some(cap) = day_cap {
                    keys.extend(
                        hosts
                            .iter()
                            .map(|host| cap_key(host, Some(&current.event_slug), cap.day_start)),
                    );
                }
                lock_keys(&mut tx, keys).await?;
                for (host, cap) in &own_caps {
                    check_cap(&mut tx, host, None, id, *cap).await?;
                }
                if let Some(cap) = day_cap {
                    for host in &hosts {
                        check_cap(&mut tx, host, Some(&current.event_slug), id, *cap).await?;
                    }
                }
                // Every hold moves in one statement; the exclusion constraint compares each
                // with the other active holds of its host (its own old version is replaced).
                sqlx::query(
                    "UPDATE booking_holds SET start_at = $1, blocked_start = $2, blocked_end = $3
                     WHERE booking_id = $4",
                )
                .bind(start.as_second())
                .bind(blocked_start)
                .bind(blocked_end)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(on_constraint)?;
                // The exclusion constraint compares the new range with every other active
                // booking of the host (the row's own old version is replaced, not compared).
                let row = sqlx::query(&format!(
                    "UPDATE bookings SET start_at = $1, end_at = $2, blocked_start = $3,
                        blocked_end = $4, previous_start_at = start_at,
                        sequence = sequence + 1, updated_at = $5 WHERE id = $6
                     RETURNING {BOOKING_COLUMNS}"
                ))
                .bind(start.as_second())
                .bind(end.as_second())
                .bind(blocked_start)
                .bind(blocked_end)
                .bind(now)
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(on_constraint)?;
                (row, true)
            }
        };
        let changed = booking_from_row(&row)?;
        if drop_reminders {
            sqlx::query(
                "UPDATE jobs SET state = 'cancelled', updated_at = $1
                 WHERE booking_id = $2 AND state = 'queued'
                   AND payload->>'message' = 'invitee_reminder'",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        insert_jobs(&mut tx, jobs, now).await?;
        tx.commit().await?;
        Ok(Some(ChangeOutcome::Changed(changed)))
    }
}

#[async_trait]
impl BookingStore for PgQueries {
    async fn create_booking(
        &self,
        booking: NewBooking,
        idempotency: Option<IdempotencyClaim>,
    ) -> Result<CreateOutcome, StoreError> {
        let claim = idempotency.as_ref();
        let outcome = retrying("create_booking", || self.try_create(&booking, claim)).await;
        match (outcome, claim) {
            // Only reachable if requests with one key were not serialised by the advisory
            // lock; the key's first request has committed, so answer as it would now.
            (Err(err), Some(claim)) if is_duplicate_key(&err) => {
                let mut connection = self.pool.acquire().await?;
                match replay_in(&mut connection, claim).await? {
                    Some(original) => Ok(CreateOutcome::Replayed(original)),
                    None => Err(err),
                }
            }
            (outcome, _) => outcome,
        }
    }

    async fn find_idempotent(
        &self,
        claim: &IdempotencyClaim,
    ) -> Result<Option<Booking>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        replay_in(&mut connection, claim).await
    }

    async fn change_booking(
        &self,
        id: &str,
        change: BookingChange,
        jobs: Vec<NewJob>,
        now: Timestamp,
    ) -> Result<Option<ChangeOutcome>, StoreError> {
        let now = now.as_second();
        retrying("change_booking", || {
            self.try_change(id, &change, &jobs, now)
        })
        .await
    }

    async fn booking(&self, id: &str) -> Result<Option<Booking>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        booking_in(&mut connection, id).await
    }

    async fn set_booking_meeting_url(
        &self,
        id: &str,
        meeting_url: Option<&str>,
    ) -> Result<bool, StoreError> {
        let updated = sqlx::query("UPDATE bookings SET meeting_url = $1 WHERE id = $2")
            .bind(meeting_url)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(updated.rows_affected() == 1)
    }

    async fn for_each_active_booking(
        &self,
        host_id: &str,
        after_second: i64,
        each: &mut (dyn FnMut(ActiveBooking) + Send),
    ) -> Result<(), StoreError> {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT b.id, b.event_slug, b.start_at, h.blocked_start, h.blocked_end
             FROM booking_holds AS h JOIN bookings AS b ON b.id = h.booking_id
             WHERE h.host_id = $1 AND h.active AND h.blocked_end > $2
             ORDER BY h.blocked_start",
        )
        .bind(host_id)
        .bind(after_second)
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            each(ActiveBooking {
                id: row.try_get("id")?,
                event_slug: row.try_get("event_slug")?,
                start: timestamp(row.try_get("start_at")?)?,
                blocked_start: row.try_get("blocked_start")?,
                blocked_end: row.try_get("blocked_end")?,
            });
        }
        Ok(())
    }

    async fn for_each_booking_changed_since(
        &self,
        host_id: &str,
        since_second: i64,
        each: &mut (dyn FnMut(ActiveBooking, bool) + Send),
    ) -> Result<(), StoreError> {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT b.id, b.event_slug, b.start_at, h.blocked_start, h.blocked_end, h.active
             FROM bookings AS b JOIN booking_holds AS h ON h.booking_id = b.id
             WHERE h.host_id = $1 AND b.updated_at >= $2",
        )
        .bind(host_id)
        .bind(since_second)
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            each(
                ActiveBooking {
                    id: row.try_get("id")?,
                    event_slug: row.try_get("event_slug")?,
                    start: timestamp(row.try_get("start_at")?)?,
                    blocked_start: row.try_get("blocked_start")?,
                    blocked_end: row.try_get("blocked_end")?,
                },
                row.try_get("active")?,
            );
        }
        Ok(())
    }

    async fn create_contact(&self, message: NewContact) -> Result<ContactMessage, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO contact_messages (id, host_id, name, email, message, preferred_times,
                created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&message.id)
        .bind(&message.host_id)
        .bind(&message.name)
        .bind(&message.email)
        .bind(&message.message)
        .bind(&message.preferred_times)
        .bind(message.created_at.as_second())
        .execute(&mut *tx)
        .await?;
        insert_jobs(&mut tx, &message.jobs, message.created_at.as_second()).await?;
        tx.commit().await?;
        Ok(message.into())
    }

    async fn for_each_active_hold(
        &self,
        after_second: i64,
        each: &mut (dyn FnMut(String, ActiveBooking) + Send),
    ) -> Result<(), StoreError> {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT h.host_id, b.id, b.event_slug, b.start_at, h.blocked_start, h.blocked_end
             FROM booking_holds AS h JOIN bookings AS b ON b.id = h.booking_id
             WHERE h.active AND h.blocked_end > $1
             ORDER BY h.host_id COLLATE \"C\", h.blocked_start",
        )
        .bind(after_second)
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            each(
                row.try_get("host_id")?,
                ActiveBooking {
                    id: row.try_get("id")?,
                    event_slug: row.try_get("event_slug")?,
                    start: timestamp(row.try_get("start_at")?)?,
                    blocked_start: row.try_get("blocked_start")?,
                    blocked_end: row.try_get("blocked_end")?,
                },
            );
        }
        Ok(())
    }

    async fn host_booking_stats(
        &self,
        event_slug: &str,
        since_second: i64,
    ) -> Result<Vec<HostBookingStat>, StoreError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT host_id, count(*), max(created_at) FROM bookings
             WHERE event_slug = $1 AND created_at >= $2
             GROUP BY host_id ORDER BY host_id COLLATE \"C\"",
        )
        .bind(event_slug)
        .bind(since_second)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(host_id, bookings, last_created_at)| HostBookingStat {
                host_id,
                bookings,
                last_created_at,
            })
            .collect())
    }

    async fn contact(&self, id: &str) -> Result<Option<ContactMessage>, StoreError> {
        let row = sqlx::query(
            "SELECT id, host_id, name, email, message, preferred_times, created_at
             FROM contact_messages WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(ContactMessage {
                id: row.try_get("id")?,
                host_id: row.try_get("host_id")?,
                name: row.try_get("name")?,
                email: row.try_get("email")?,
                message: row.try_get("message")?,
                preferred_times: row.try_get("preferred_times")?,
                created_at: timestamp(row.try_get("created_at")?)?,
            })
        })
        .transpose()
    }
}

#[async_trait]
impl JobStore for PgQueries {
    async fn claim_jobs(
        &self,
        worker: &str,
        now: i64,
        lease_seconds: i64,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        // SKIP LOCKED: claimers on other connections pass over the rows this one is taking
        // instead of waiting for it, and a row claimed meanwhile no longer matches when it is
        // locked (READ COMMITTED re-checks the condition), so each job goes to one worker.
        //
        // Two index range scans that stop at `now`, so future jobs cost nothing (locking
        // clauses are not allowed on UNION inputs, hence two CTEs). EXPLAIN (PostgreSQL 15):
        //   Index Scan using jobs_due (state = 'queued' AND run_at <= $3) -> LockRows -> Limit
        //   Index Scan using jobs_due (state = 'running'), filter lease_until (few rows)
        //   Nested Loop -> Index Scan using jobs_pkey   -- the UPDATE itself
        // One OR-ed condition became a BitmapOr of every due row, sorted before the LIMIT:
        // fine with no backlog, but the cost then grows with the backlog.
        let rows = sqlx::query(&format!(
            "WITH queued AS (
                SELECT id, run_at FROM jobs AS candidate
                WHERE state = 'queued' AND run_at <= $3
                  AND (order_key IS NULL OR NOT EXISTS (
                    SELECT 1 FROM jobs AS earlier
                    WHERE earlier.order_key = candidate.order_key
                      AND earlier.order_seq < candidate.order_seq
                      AND earlier.state IN ('queued', 'running')))
                ORDER BY run_at LIMIT $4
                FOR UPDATE OF candidate SKIP LOCKED
             ), expired AS (
                SELECT id, run_at FROM jobs
                WHERE state = 'running' AND lease_until <= $3
                ORDER BY run_at LIMIT $4
                FOR UPDATE SKIP LOCKED
             ), picked AS (
                SELECT id FROM (SELECT * FROM queued UNION ALL SELECT * FROM expired) due
                ORDER BY run_at LIMIT $4
             )
             UPDATE jobs SET state = 'running', locked_by = $1, lease_until = $2,
                attempts = attempts + 1, updated_at = $3
             WHERE id IN (SELECT id FROM picked)
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(worker)
        .bind(now + lease_seconds)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut jobs: Vec<Job> = rows.iter().map(job_from_row).collect::<Result<_, _>>()?;
        jobs.sort_by_key(|job| job.run_at);
        Ok(jobs)
    }

    async fn renew_job(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<bool, StoreError> {
        let renewed = sqlx::query(
            "UPDATE jobs SET lease_until = $1, updated_at = $2
             WHERE id = $3 AND locked_by = $4 AND state = 'running'",
        )
        .bind(now + lease_seconds)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(renewed.rows_affected() == 1)
    }

    async fn finish_job(&self, id: &str, worker: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET state = 'done', locked_by = NULL, lease_until = NULL, updated_at = $1
             WHERE id = $2 AND locked_by = $3 AND state = 'running'",
        )
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn retry_job(
        &self,
        id: &str,
        worker: &str,
        run_at: i64,
        error: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET state = 'queued', run_at = $1, last_error = $2, locked_by = NULL,
                lease_until = NULL, updated_at = $3
             WHERE id = $4 AND locked_by = $5 AND state = 'running'",
        )
        .bind(run_at)
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn bury_job(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET state = 'dead', last_error = $1, locked_by = NULL, lease_until = NULL,
                updated_at = $2
             WHERE id = $3 AND locked_by = $4 AND state = 'running'",
        )
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn enqueue_jobs(&self, jobs: &[NewJob], now: i64) -> Result<(), StoreError> {
        if jobs.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        insert_jobs(&mut tx, jobs, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn next_job_at(&self) -> Result<Option<i64>, StoreError> {
        // Each minimum is the first entry of a partial index (Limit -> Index Only Scan using
        // jobs_due / jobs_lease), whatever the number of future jobs.
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT LEAST(
                (SELECT min(run_at) FROM jobs WHERE state = 'queued'),
                (SELECT min(lease_until) FROM jobs WHERE state = 'running'))",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(next)
    }

    async fn jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        // Ids compare byte-wise, as in SQLite, whatever the database's collation.
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             ORDER BY created_at DESC, id COLLATE \"C\" DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_from_row).collect()
    }

    async fn failed_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        self.failed_jobs_impl(limit).await
    }

    async fn retry_dead_job(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        self.retry_dead_job_impl(id, now).await
    }
}

#[async_trait]
impl AdminStore for PgQueries {
    async fn migrate(&self) -> Result<usize, StoreError> {
        migrate::run(&self.pool).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn setting_or_init(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        // A concurrent insert of the same name waits for the first and then does nothing;
        // the following read (a new snapshot) sees the value that won.
        sqlx::query(
            "INSERT INTO settings (name, value, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .bind(Timestamp::now().as_second())
        .execute(&self.pool)
        .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(value)
    }

    async fn stats(&self, now: i64) -> Result<crate::Stats, StoreError> {
        let bookings: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, count(*) FROM bookings GROUP BY status ORDER BY status")
                .fetch_all(&self.pool)
                .await?;
        let jobs: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT kind, CASE WHEN state = 'queued' AND attempts > 0 THEN 'retrying' ELSE state END AS s,
                    count(*)
             FROM jobs GROUP BY kind, s ORDER BY kind, s",
        )
        .fetch_all(&self.pool)
        .await?;
        let oldest_due: Option<i64> = sqlx::query_scalar(
            "SELECT min(run_at) FROM jobs WHERE state IN ('queued', 'running') AND run_at <= $1",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(crate::Stats {
            bookings,
            jobs,
            oldest_due,
        })
    }

    async fn upsert_admin_user(
        &self,
        id: &str,
        email: &str,
        password_hash: &str,
        host_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.upsert_admin_user_impl(id, email, password_hash, host_id, now)
            .await
    }

    async fn admin_user(&self, email: &str) -> Result<Option<AdminUser>, StoreError> {
        self.admin_user_impl(email).await
    }

    async fn note_login_failure(
        &self,
        email: &str,
        now: i64,
        max_failures: u32,
        lock_seconds: i64,
    ) -> Result<Option<AdminUser>, StoreError> {
        self.note_login_failure_impl(email, now, max_failures, lock_seconds)
            .await
    }

    async fn note_login_success(&self, email: &str) -> Result<(), StoreError> {
        self.note_login_success_impl(email).await
    }

    async fn create_credential(&self, credential: &Credential) -> Result<(), StoreError> {
        self.create_credential_impl(credential).await
    }

    async fn credential(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Credential>, StoreError> {
        self.credential_impl(token_hash, now).await
    }

    async fn revoke_credential(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        self.revoke_credential_impl(id, now).await
    }

    async fn revoke_sessions(
        &self,
        email: &str,
        keep: Option<&str>,
        now: i64,
    ) -> Result<u64, StoreError> {
        self.revoke_sessions_impl(email, keep, now).await
    }

    async fn credentials(
        &self,
        kind: CredentialKind,
        now: i64,
    ) -> Result<Vec<Credential>, StoreError> {
        self.credentials_impl(kind, now).await
    }

    async fn event_types(&self) -> Result<Vec<StoredEventType>, StoreError> {
        self.event_types_impl().await
    }

    async fn seed_event_types(&self, types: &[StoredEventType]) -> Result<bool, StoreError> {
        self.seed_event_types_impl(types).await
    }

    async fn save_event_type(
        &self,
        event: &StoredEventType,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.save_event_type_impl(event, audit).await
    }

    async fn hosts(&self) -> Result<Vec<crate::StoredHost>, StoreError> {
        self.hosts_impl().await
    }

    async fn seed_hosts(&self, hosts: &[crate::StoredHost]) -> Result<bool, StoreError> {
        self.seed_hosts_impl(hosts).await
    }

    async fn save_host(
        &self,
        host: &crate::StoredHost,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.save_host_impl(host, audit).await
    }

    async fn booking_counts_by_host(
        &self,
        query: &BookingQuery,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.booking_counts_by_host_impl(query).await
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.append_audit_impl(entry).await
    }

    async fn audit_entries(
        &self,
        target: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_entries_impl(target, limit).await
    }

    async fn list_bookings(&self, query: &BookingQuery) -> Result<Vec<Booking>, StoreError> {
        self.list_bookings_impl(query).await
    }

    async fn prune_credentials(&self, before: i64) -> Result<u64, StoreError> {
        self.prune_credentials_impl(before).await
    }

    async fn count_bookings(&self, query: &BookingQuery) -> Result<i64, StoreError> {
        self.count_bookings_impl(query).await
    }

    async fn booking_buckets(
        &self,
        query: &BookingQuery,
        by: crate::BucketBy,
    ) -> Result<Vec<crate::BookingBucket>, StoreError> {
        self.booking_buckets_impl(query, by).await
    }

    async fn add_counters(&self, deltas: &[CounterDelta]) -> Result<(), StoreError> {
        self.add_counters_impl(deltas).await
    }

    async fn counters(
        &self,
        from_day: &str,
        to_day: &str,
    ) -> Result<Vec<CounterDelta>, StoreError> {
        self.counters_impl(from_day, to_day).await
    }
}
