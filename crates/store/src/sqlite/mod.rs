//! The embedded SQLite store in WAL mode: a pool of readers and one writer connection
//! (SQLite has one writer at a time, so queueing beats retrying on SQLITE_BUSY). Bookings
//! reach the writer through a group-commit queue (see `group_commit`).

mod admin;
mod calendar;
mod group_commit;
mod oauth;
mod webhook;

use std::{str::FromStr, time::Duration};

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::{
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
        SqliteSynchronous,
    },
    Row,
};

use tokio::sync::{mpsc, oneshot};

use self::group_commit::BookingJob;
use crate::{
    migrate, prelude::*, ActiveBooking, AdminUser, AuditEntry, Booking, BookingChange,
    BookingQuery, BookingStatus, ChangeOutcome, ContactMessage, CounterDelta, CreateOutcome,
    Credential, CredentialKind, DayCap, HostBookingStat, IdempotencyClaim, Job, JobState,
    NewBooking, NewContact, NewJob, StoreError, StoredEventType,
};

/// How to open the SQLite database.
#[derive(Clone, Debug)]
pub struct SqliteOptions {
    /// `sqlite://relative/path.db`, `sqlite:///absolute/path.db` or `sqlite::memory:`.
    pub url: String,
    /// Reader connections.
    pub readers: u32,
    /// `true`: fsync on every commit (survives power loss); `false`: WAL `NORMAL`
    /// (survives a crash of the process, may lose the last commits on power loss).
    pub sync_full: bool,
    /// How long a statement waits for a lock before failing.
    pub busy_timeout: Duration,
}

impl SqliteOptions {
    pub fn new(url: impl Into<String>) -> Self {
        SqliteOptions {
            url: url.into(),
            readers: 4,
            sync_full: true,
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// The SQLite implementation of [`Store`].
#[derive(Clone, Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    bookings: mpsc::Sender<BookingJob>,
}

const BOOKING_COLUMNS: &str = "id, host_id, event_slug, status, start_at, end_at, blocked_start, \
     blocked_end, name, email, timezone, notes, answers, created_at, updated_at, sequence, \
     status_reason, previous_start_at, confirmed_at, meeting_url, locale, \
     (SELECT group_concat(host_id, char(31) ORDER BY position) FROM booking_holds \
      WHERE booking_id = bookings.id) AS hosts";

/// The hosts a booking holds, from the `hosts` column (joined with U+001F); a booking
/// without holds (none should exist) holds its assigned host.
pub(crate) fn split_hosts(joined: Option<String>, host_id: &str) -> Vec<String> {
    match joined {
        Some(joined) if !joined.is_empty() => joined.split('\u{1f}').map(String::from).collect(),
        _ => vec![host_id.to_string()],
    }
}

fn timestamp(second: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(second).map_err(|err| StoreError::Corrupt(err.to_string()))
}

fn booking_from_row(row: &SqliteRow) -> Result<Booking, StoreError> {
    let status: String = row.try_get("status")?;
    let answers: String = row.try_get("answers")?;
    let host_id: String = row.try_get("host_id")?;
    Ok(Booking {
        id: row.try_get("id")?,
        hosts: split_hosts(row.try_get("hosts")?, &host_id),
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

const JOB_COLUMNS: &str = "id, kind, payload, state, run_at, attempts, max_attempts, last_error, \
     booking_id, created_at";

fn job_from_row(row: &SqliteRow) -> Result<Job, StoreError> {
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

/// Queues jobs on an open transaction's connection. A job with
/// [`NewJob::embed_booking`] carries the booking as this transaction has written it; a job
/// with an [`NewJob::order_key`] takes the next number of its key (the single writer makes
/// that read and the insert one step).
pub(crate) async fn insert_jobs(
    connection: &mut sqlx::SqliteConnection,
    jobs: &[NewJob],
    now: i64,
) -> Result<(), StoreError> {
    for job in jobs {
        let payload = match (&job.booking_id, job.embed_booking) {
            (Some(booking_id), true) => {
                let booking = SqliteStore::booking_in(connection, booking_id)
                    .await?
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("job {} embeds a missing booking", job.id))
                    })?;
                crate::model::embed_booking(&job.payload, &booking)?
            }
            _ => job.payload.to_string(),
        };
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, state, run_at, attempts, max_attempts,
                booking_id, created_at, updated_at, order_key, order_seq)
             VALUES (?, ?, ?, 'queued', ?, 0, ?, ?, ?, ?, ?,
                CASE WHEN ? IS NULL THEN NULL
                     ELSE (SELECT coalesce(max(order_seq), 0) + 1 FROM jobs WHERE order_key = ?)
                END)",
        )
        .bind(&job.id)
        .bind(&job.kind)
        .bind(payload)
        .bind(job.run_at)
        .bind(i64::from(job.max_attempts))
        .bind(&job.booking_id)
        .bind(now)
        .bind(now)
        .bind(&job.order_key)
        .bind(&job.order_key)
        .bind(&job.order_key)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

pub(crate) fn is_overlap(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|db| db.message().contains("booking_overlap"))
}

/// Whether `cap` leaves room on `host_id` for one more active booking (of `event_slug`
/// when given, else of any event type), not counting booking `except`. Runs under the
/// write lock, so the count and the write after it are one step.
pub(crate) async fn cap_allows(
    connection: &mut sqlx::SqliteConnection,
    host_id: &str,
    event_slug: Option<&str>,
    except: &str,
    cap: DayCap,
) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM booking_holds AS h
         WHERE h.host_id = ? AND h.active = 1 AND h.start_at >= ? AND h.start_at < ?
           AND h.booking_id <> ?
           AND (? IS NULL OR EXISTS (
                SELECT 1 FROM bookings AS b WHERE b.id = h.booking_id AND b.event_slug = ?))",
    )
    .bind(host_id)
    .bind(cap.day_start)
    .bind(cap.day_end)
    .bind(except)
    .bind(event_slug)
    .bind(event_slug)
    .fetch_one(&mut *connection)
    .await?;
    Ok(count < i64::from(cap.max))
}

async fn apply_migration(
    pool: &SqlitePool,
    migration: &'static migrate::Migration,
) -> Result<bool, StoreError> {
    let mut connection = pool.acquire().await?;
    if !migration.foreign_keys_off {
        return apply_migration_on(&mut connection, migration).await;
    }
    // Outside the transaction: inside one the pragma is silently ignored.
    sqlx::Executor::execute(&mut *connection, "PRAGMA foreign_keys = OFF").await?;
    let applied = apply_migration_on(&mut connection, migration).await;
    // Back on whatever happened (a failed migration was rolled back first): the writer
    // keeps serving. A connection that cannot be restored is closed rather than reused.
    if let Err(err) = sqlx::Executor::execute(&mut *connection, "PRAGMA foreign_keys = ON").await {
        connection.close_on_drop();
        applied?;
        return Err(err.into());
    }
    applied
}

/// Applies one migration in its own transaction on `connection`, unless it is recorded.
async fn apply_migration_on(
    connection: &mut sqlx::SqliteConnection,
    migration: &'static migrate::Migration,
) -> Result<bool, StoreError> {
    let mut tx = sqlx::Connection::begin(&mut *connection).await?;
    let done: Option<i64> =
        sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = ?")
            .bind(migration.version)
            .fetch_optional(&mut *tx)
            .await?;
    if done.is_some() {
        return Ok(false);
    }
    let result = async {
        sqlx::Executor::execute(&mut *tx, migration.sql).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
            .bind(migration.version)
            .bind(migration.name)
            .bind(Timestamp::now().as_second())
            .execute(&mut *tx)
            .await?;
        Ok::<(), sqlx::Error>(())
    }
    .await;
    if let Err(source) = result {
        return Err(StoreError::Migration {
            version: migration.version,
            name: migration.name,
            source,
        });
    }
    if migration.foreign_keys_off {
        // Nothing enforced the keys while the migration ran: it commits only if every
        // reference still resolves.
        let violations = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *tx)
            .await?;
        if !violations.is_empty() {
            let listed: Vec<String> = violations
                .iter()
                .take(5)
                .map(|row| {
                    let table: String = row.try_get("table").unwrap_or_default();
                    let rowid: Option<i64> = row.try_get("rowid").unwrap_or_default();
                    let parent: String = row.try_get("parent").unwrap_or_default();
                    format!("{table} row {rowid:?} -> {parent}")
                })
                .collect();
            return Err(StoreError::Corrupt(format!(
                "migration {} ({}) left {} unresolved foreign key(s): {}",
                migration.version,
                migration.name,
                violations.len(),
                listed.join(", ")
            )));
        }
    }
    tx.commit().await?;
    Ok(true)
}

impl SqliteStore {
    /// Opens (creating if missing) the database and its pools. Does not migrate.
    pub async fn open(options: &SqliteOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::from_str(&options.url)
            .map_err(|err| StoreError::Config(format!("{}: {err}", options.url)))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if options.sync_full {
                SqliteSynchronous::Full
            } else {
                SqliteSynchronous::Normal
            })
            .busy_timeout(options.busy_timeout)
            .foreign_keys(true)
            .pragma("temp_store", "memory");
        let in_memory = options.url.contains(":memory:") || options.url.contains("mode=memory");
        if !in_memory {
            // Bookings hold names and addresses: the file is the owner's alone. SQLite
            // gives the -wal and -shm files the database file's mode.
            owner_only(connect.get_filename(), true)?;
        }
        let database_path = connect.get_filename().to_path_buf();
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(connect.clone())
            .await?;
        // An in-memory database exists per connection, so it cannot have separate readers.
        let readers = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(options.readers.max(1))
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(connect.read_only(true))
                .await?
        };
        if !in_memory {
            // Tightens files an older version (or another umask) left readable.
            let database = database_path.as_path();
            for suffix in ["-wal", "-shm", "-journal"] {
                let mut name = database.as_os_str().to_owned();
                name.push(suffix);
                owner_only(std::path::Path::new(&name), false)?;
            }
        }
        let (bookings, queue) = mpsc::channel(1024);
        tokio::spawn(group_commit::run(writer.clone(), queue));
        Ok(SqliteStore {
            writer,
            readers,
            bookings,
        })
    }

    pub(crate) async fn booking_in(
        connection: &mut sqlx::SqliteConnection,
        id: &str,
    ) -> Result<Option<Booking>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?;
        row.as_ref().map(booking_from_row).transpose()
    }

    pub(crate) async fn replay_in(
        connection: &mut sqlx::SqliteConnection,
        claim: &IdempotencyClaim,
    ) -> Result<Option<Booking>, StoreError> {
        let row = sqlx::query("SELECT fingerprint, booking_id FROM idempotency_keys WHERE key = ?")
            .bind(&claim.key)
            .fetch_optional(&mut *connection)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let fingerprint: String = row.try_get("fingerprint")?;
        if fingerprint != claim.fingerprint {
            return Err(StoreError::IdempotencyMismatch);
        }
        let booking_id: String = row.try_get("booking_id")?;
        Self::booking_in(connection, &booking_id).await
    }
}

impl SqliteStore {
    /// Fills `search_text` of bookings stored before it existed (folding needs Rust: SQLite's
    /// `lower()` only knows ASCII). A no-op once every row has it.
    async fn fill_search_text(&self) -> Result<(), StoreError> {
        let missing: Vec<(String, String, String)> =
            sqlx::query_as("SELECT id, name, email FROM bookings WHERE search_text IS NULL")
                .fetch_all(&self.writer)
                .await?;
        if missing.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        for (id, name, email) in &missing {
            sqlx::query("UPDATE bookings SET search_text = ? WHERE id = ? AND search_text IS NULL")
                .bind(crate::query::search_text(name, email))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(bookings = missing.len(), "search text filled in");
        Ok(())
    }
}

/// Makes `path` readable and writable by the owner only (0600), creating it empty when
/// `create` is set and it is missing (an empty file is an empty SQLite database).
fn owner_only(path: &std::path::Path, create: bool) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let describe =
            |err: std::io::Error| StoreError::Config(format!("{}: {err}", path.display()));
        if create && !path.exists() {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(_) => {}
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(describe(err)),
            }
        }
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.permissions().mode() & 0o777 != 0o600 => {
                if let Err(err) =
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                {
                    tracing::warn!(path = %path.display(), error = %err,
                        "cannot make the database file readable by its owner only");
                }
            }
            Ok(_) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && !create => {}
            Err(err) => return Err(describe(err)),
        }
    }
    #[cfg(not(unix))]
    let _ = (path, create);
    Ok(())
}

#[async_trait]
impl BookingStore for SqliteStore {
    async fn create_booking(
        &self,
        booking: NewBooking,
        idempotency: Option<IdempotencyClaim>,
    ) -> Result<CreateOutcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.bookings
            .send(BookingJob {
                booking,
                claim: idempotency,
                reply,
            })
            .await
            .map_err(|_| StoreError::Config("the booking writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Config("the booking writer has stopped".into()))?
    }

    async fn change_booking(
        &self,
        id: &str,
        change: BookingChange,
        jobs: Vec<NewJob>,
        now: Timestamp,
    ) -> Result<Option<ChangeOutcome>, StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let Some(current) = Self::booking_in(&mut tx, id).await? else {
            return Ok(None);
        };
        let now_second = now.as_second();
        if !change.applies_to(current.status) {
            return Ok(Some(ChangeOutcome::Unchanged(current)));
        }
        let drop_reminders = match &change {
            BookingChange::Confirm => {
                sqlx::query(
                    "UPDATE bookings SET status = 'confirmed', confirmed_at = ?, updated_at = ?
                     WHERE id = ?",
                )
                .bind(now_second)
                .bind(now_second)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                false
            }
            BookingChange::End { status, reason } => {
                sqlx::query(
                    "UPDATE bookings SET status = ?, status_reason = ?, sequence = sequence + 1,
                        updated_at = ? WHERE id = ?",
                )
                .bind(status.as_str())
                .bind(reason)
                .bind(now_second)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE booking_holds SET active = 0 WHERE booking_id = ?")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                true
            }
            BookingChange::Move {
                start,
                end,
                blocked_start,
                blocked_end,
                day_cap,
                host_caps,
            } => {
                for host in host_caps {
                    let Some(cap) = host.day_cap else { continue };
                    if current.hosts.contains(&host.host_id)
                        && !cap_allows(&mut tx, &host.host_id, None, id, cap).await?
                    {
                        return Err(StoreError::DayFull);
                    }
                }
                if let Some(cap) = day_cap {
                    for host in &current.hosts {
                        if !cap_allows(&mut tx, host, Some(&current.event_slug), id, *cap).await? {
                            return Err(StoreError::DayFull);
                        }
                    }
                }
                // Every hold moves in one statement; the trigger checks each host's.
                let moved = sqlx::query(
                    "UPDATE booking_holds SET start_at = ?, blocked_start = ?, blocked_end = ?
                     WHERE booking_id = ?",
                )
                .bind(start.as_second())
                .bind(blocked_start)
                .bind(blocked_end)
                .bind(id)
                .execute(&mut *tx)
                .await;
                match moved {
                    Ok(_) => {}
                    Err(err) if is_overlap(&err) => return Err(StoreError::Overlap),
                    Err(err) => return Err(err.into()),
                }
                sqlx::query(
                    "UPDATE bookings SET start_at = ?, end_at = ?, blocked_start = ?,
                        blocked_end = ?, previous_start_at = start_at,
                        sequence = sequence + 1, updated_at = ? WHERE id = ?",
                )
                .bind(start.as_second())
                .bind(end.as_second())
                .bind(blocked_start)
                .bind(blocked_end)
                .bind(now_second)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                true
            }
        };
        if drop_reminders {
            sqlx::query(
                "UPDATE jobs SET state = 'cancelled', updated_at = ?
                 WHERE booking_id = ? AND state = 'queued'
                   AND json_extract(payload, '$.message') = 'invitee_reminder'",
            )
            .bind(now_second)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        insert_jobs(&mut tx, &jobs, now_second).await?;
        let changed = Self::booking_in(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("changed booking vanished".into()))?;
        tx.commit().await?;
        Ok(Some(ChangeOutcome::Changed(changed)))
    }

    async fn find_idempotent(
        &self,
        claim: &IdempotencyClaim,
    ) -> Result<Option<Booking>, StoreError> {
        let mut connection = self.readers.acquire().await?;
        Self::replay_in(&mut connection, claim).await
    }

    async fn booking(&self, id: &str) -> Result<Option<Booking>, StoreError> {
        let mut connection = self.readers.acquire().await?;
        Self::booking_in(&mut connection, id).await
    }

    async fn set_booking_meeting_url(
        &self,
        id: &str,
        meeting_url: Option<&str>,
    ) -> Result<bool, StoreError> {
        let updated = sqlx::query("UPDATE bookings SET meeting_url = ? WHERE id = ?")
            .bind(meeting_url)
            .bind(id)
            .execute(&self.writer)
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
             WHERE h.host_id = ? AND h.active = 1 AND h.blocked_end > ?
             ORDER BY h.blocked_start",
        )
        .bind(host_id)
        .bind(after_second)
        .fetch(&self.readers);
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
            "SELECT b.id, b.event_slug, b.start_at, h.blocked_start, h.blocked_end,
                h.active = 1 AS active
             FROM bookings AS b JOIN booking_holds AS h ON h.booking_id = b.id
             WHERE h.host_id = ? AND b.updated_at >= ?",
        )
        .bind(host_id)
        .bind(since_second)
        .fetch(&self.readers);
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
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO contact_messages (id, host_id, name, email, message, preferred_times,
                created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
             WHERE h.active = 1 AND h.blocked_end > ?
             ORDER BY h.host_id, h.blocked_start",
        )
        .bind(after_second)
        .fetch(&self.readers);
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
             WHERE event_slug = ? AND created_at >= ?
             GROUP BY host_id ORDER BY host_id",
        )
        .bind(event_slug)
        .bind(since_second)
        .fetch_all(&self.readers)
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
             FROM contact_messages WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.readers)
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
impl JobStore for SqliteStore {
    async fn claim_jobs(
        &self,
        worker: &str,
        now: i64,
        lease_seconds: i64,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        // Two range scans that stop at `now`, so future jobs cost nothing: queued jobs by
        // run_at (`jobs_queued`) and running jobs whose lease ran out (`jobs_leased`); the
        // earliest `limit` of both by run_at are claimed. EXPLAIN QUERY PLAN:
        //   SEARCH jobs USING INDEX jobs_queued (run_at<?)        -- stops after `limit` rows
        //   SEARCH jobs USING INDEX jobs_leased (lease_until<?)   -- then a small sort
        //   SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 (id=?)   -- the UPDATE itself
        // One OR-ed condition would walk every queued row (old `jobs_due`), or with these
        // indexes sort the whole due backlog (MULTI-INDEX OR) before taking `limit`.
        let rows = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', locked_by = ?, lease_until = ?,
                attempts = attempts + 1, updated_at = ?
             WHERE id IN (
                SELECT id FROM (
                    SELECT id, run_at FROM (
                        SELECT id, run_at FROM jobs AS candidate
                        WHERE state = 'queued' AND run_at <= ?
                          AND (order_key IS NULL OR NOT EXISTS (
                            SELECT 1 FROM jobs AS earlier
                            WHERE earlier.order_key = candidate.order_key
                              AND earlier.order_seq < candidate.order_seq
                              AND earlier.state IN ('queued', 'running')))
                        ORDER BY run_at LIMIT ?)
                    UNION ALL
                    SELECT id, run_at FROM (
                        SELECT id, run_at FROM jobs
                        WHERE state = 'running' AND lease_until <= ?
                        ORDER BY run_at LIMIT ?))
                ORDER BY run_at LIMIT ?)
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(worker)
        .bind(now + lease_seconds)
        .bind(now)
        .bind(now)
        .bind(i64::from(limit))
        .bind(now)
        .bind(i64::from(limit))
        .bind(i64::from(limit))
        .fetch_all(&self.writer)
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
            "UPDATE jobs SET lease_until = ?, updated_at = ?
             WHERE id = ? AND locked_by = ? AND state = 'running'",
        )
        .bind(now + lease_seconds)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.writer)
        .await?;
        Ok(renewed.rows_affected() == 1)
    }

    async fn finish_job(&self, id: &str, worker: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET state = 'done', locked_by = NULL, lease_until = NULL, updated_at = ?
             WHERE id = ? AND locked_by = ? AND state = 'running'",
        )
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.writer)
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
            "UPDATE jobs SET state = 'queued', run_at = ?, last_error = ?, locked_by = NULL,
                lease_until = NULL, updated_at = ?
             WHERE id = ? AND locked_by = ? AND state = 'running'",
        )
        .bind(run_at)
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.writer)
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
            "UPDATE jobs SET state = 'dead', last_error = ?, locked_by = NULL, lease_until = NULL,
                updated_at = ?
             WHERE id = ? AND locked_by = ? AND state = 'running'",
        )
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn enqueue_jobs(&self, jobs: &[NewJob], now: i64) -> Result<(), StoreError> {
        if jobs.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin().await?;
        insert_jobs(&mut tx, jobs, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn next_job_at(&self) -> Result<Option<i64>, StoreError> {
        // Each minimum is the first entry of a partial index (`jobs_queued`, `jobs_leased`):
        //   SEARCH jobs USING COVERING INDEX jobs_queued, ... jobs_leased (min optimisation)
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT min(next) FROM (
                SELECT min(run_at) AS next FROM jobs WHERE state = 'queued'
                UNION ALL
                SELECT min(lease_until) FROM jobs WHERE state = 'running')",
        )
        .fetch_one(&self.readers)
        .await?;
        Ok(next)
    }

    async fn jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.readers)
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
impl AdminStore for SqliteStore {
    async fn migrate(&self) -> Result<usize, StoreError> {
        sqlx::Executor::execute(
            &self.writer,
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
        )
        .await?;
        let mut applied = 0;
        for migration in migrate::SQLITE {
            if apply_migration(&self.writer, migration).await? {
                applied += 1;
            }
        }
        self.fill_search_text().await?;
        Ok(applied)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.readers).await?;
        Ok(())
    }

    async fn setting_or_init(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query("INSERT OR IGNORE INTO settings (name, value, created_at) VALUES (?, ?, ?)")
            .bind(name)
            .bind(candidate)
            .bind(Timestamp::now().as_second())
            .execute(&self.writer)
            .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM settings WHERE name = ?")
            .bind(name)
            .fetch_one(&self.writer)
            .await?;
        Ok(value)
    }

    async fn stats(&self, now: i64) -> Result<crate::Stats, StoreError> {
        let bookings: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, count(*) FROM bookings GROUP BY status ORDER BY status")
                .fetch_all(&self.readers)
                .await?;
        let jobs: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT kind, CASE WHEN state = 'queued' AND attempts > 0 THEN 'retrying' ELSE state END AS s,
                    count(*)
             FROM jobs GROUP BY kind, s ORDER BY kind, s",
        )
        .fetch_all(&self.readers)
        .await?;
        let oldest_due: Option<i64> = sqlx::query_scalar(
            "SELECT min(due) FROM (
                SELECT min(run_at) AS due FROM jobs WHERE state = 'queued' AND run_at <= ?
                UNION ALL
                SELECT min(run_at) FROM jobs WHERE state = 'running' AND run_at <= ?)",
        )
        .bind(now)
        .bind(now)
        .fetch_one(&self.readers)
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn foreign_keys_on(store: &SqliteStore) -> i64 {
        sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&store.writer)
            .await
            .unwrap()
    }

    /// A table rebuild that forgets the rows referring to the old table is rolled back,
    /// and the writer enforces foreign keys again afterwards.
    #[tokio::test]
    async fn a_rebuild_leaving_dangling_references_is_not_committed() {
        static BROKEN: migrate::Migration = migrate::Migration {
            version: 900,
            name: "broken_rebuild",
            sql: "CREATE TABLE parent_new (id TEXT PRIMARY KEY);
                  DROP TABLE parent;
                  ALTER TABLE parent_new RENAME TO parent;",
            foreign_keys_off: true,
        };
        static REBUILD: migrate::Migration = migrate::Migration {
            version: 901,
            name: "rebuild",
            sql: "CREATE TABLE parent_new (id TEXT PRIMARY KEY, note TEXT);
                  INSERT INTO parent_new (id) SELECT id FROM parent;
                  DROP TABLE parent;
                  ALTER TABLE parent_new RENAME TO parent;",
            foreign_keys_off: true,
        };
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("fk.db").display());
        let store = SqliteStore::open(&SqliteOptions::new(url)).await.unwrap();
        store.migrate().await.unwrap();
        sqlx::Executor::execute(
            &store.writer,
            "CREATE TABLE parent (id TEXT PRIMARY KEY);
             CREATE TABLE child (parent_id TEXT NOT NULL REFERENCES parent (id) ON DELETE CASCADE);
             INSERT INTO parent (id) VALUES ('p');
             INSERT INTO child (parent_id) VALUES ('p');",
        )
        .await
        .unwrap();

        let err = apply_migration(&store.writer, &BROKEN).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt(message) if message.contains("child")),
            "{err}"
        );
        assert_eq!(foreign_keys_on(&store).await, 1);
        let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM parent")
            .fetch_one(&store.writer)
            .await
            .unwrap();
        assert_eq!(kept, 1, "the old table is back");
        let recorded: i64 =
            sqlx::query_scalar("SELECT count(*) FROM schema_migrations WHERE version = 900")
                .fetch_one(&store.writer)
                .await
                .unwrap();
        assert_eq!(recorded, 0);

        // Done right, the rows survive, the child's rows were not cascaded away by the
        // drop, and deletes cascade again through the rebuilt table.
        assert!(apply_migration(&store.writer, &REBUILD).await.unwrap());
        assert_eq!(foreign_keys_on(&store).await, 1);
        let children: i64 = sqlx::query_scalar("SELECT count(*) FROM child")
            .fetch_one(&store.writer)
            .await
            .unwrap();
        assert_eq!(children, 1);
        sqlx::query("DELETE FROM parent")
            .execute(&store.writer)
            .await
            .unwrap();
        let children: i64 = sqlx::query_scalar("SELECT count(*) FROM child")
            .fetch_one(&store.writer)
            .await
            .unwrap();
        assert_eq!(children, 0);
        assert!(!apply_migration(&store.writer, &REBUILD).await.unwrap());
    }
}
