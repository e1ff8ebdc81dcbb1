//! Group commit for bookings. One task owns SQLite's single writer; it takes every booking
//! request waiting in its queue, runs them in one transaction and commits once, so one
//! fsync covers the whole batch. A refused booking (overlap, full day, reused key) rolls
//! back only its own savepoint (the holds it took), keeping the rest of the transaction;
//! round robin tries its hosts in order inside it, under the write lock. If a
//! batch fails for any other reason, each request is retried alone so one bad request
//! cannot fail its neighbours.

use jiff::Timestamp;
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::{cap_allows, is_overlap, SqliteStore};
use crate::{
    Assign, Booking, BookingStatus, CreateOutcome, HostHold, IdempotencyClaim, NewBooking,
    StoreError,
};

/// Most requests committed together.
const MAX_BATCH: usize = 128;

const INSERT: &str = "INSERT INTO bookings (id, host_id, event_slug, status, start_at, end_at,
        blocked_start, blocked_end, name, email, timezone, notes, answers, created_at, updated_at,
        confirmed_at, search_text, locale)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// One booking request waiting for the writer.
pub(crate) struct BookingJob {
    pub booking: NewBooking,
    pub claim: Option<IdempotencyClaim>,
    pub reply: oneshot::Sender<Result<CreateOutcome, StoreError>>,
}

/// Serves the queue until every sender is gone.
pub(crate) async fn run(pool: SqlitePool, mut queue: mpsc::Receiver<BookingJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs = std::mem::take(&mut batch);
        match commit(&pool, &jobs).await {
            Ok(outcomes) => {
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(_) if jobs.len() > 1 => {
                for job in jobs {
                    let outcome = match commit(&pool, std::slice::from_ref(&job)).await {
                        Ok(mut outcomes) => outcomes.pop().expect("one outcome per job"),
                        Err(err) => Err(err.into()),
                    };
                    let _ = job.reply.send(outcome);
                }
            }
            Err(err) => {
                let job = jobs.into_iter().next().expect("one job");
                let _ = job.reply.send(Err(err.into()));
            }
        }
    }
}

/// Runs `jobs` in one transaction. The outer error means nothing was committed.
async fn commit(
    pool: &SqlitePool,
    jobs: &[BookingJob],
) -> Result<Vec<Result<CreateOutcome, StoreError>>, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        outcomes.push(insert(&mut tx, job).await?);
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// Inserts one booking inside the open transaction. Refusals are inner errors; anything
/// else is an outer error that aborts the batch.
async fn insert(
    connection: &mut SqliteConnection,
    job: &BookingJob,
) -> Result<Result<CreateOutcome, StoreError>, sqlx::Error> {
    let booking = &job.booking;
    if let Some(claim) = &job.claim {
        match SqliteStore::replay_in(connection, claim).await {
            Ok(Some(original)) => return Ok(Ok(CreateOutcome::Replayed(original))),
            Ok(None) => {}
            Err(StoreError::Database(err)) => return Err(err),
            Err(refusal) => return Ok(Err(refusal)),
        }
    }
    // A refusal must leave nothing of this booking behind (a collective booking may have
    // taken some holds) while the rest of the batch stays: the savepoint is rolled back.
    sqlx::query("SAVEPOINT booking")
        .execute(&mut *connection)
        .await?;
    let hosts = match take_holds(connection, booking).await? {
        Ok(hosts) => hosts,
        Err(refusal) => {
            for statement in ["ROLLBACK TO booking", "RELEASE booking"] {
                sqlx::query(statement).execute(&mut *connection).await?;
            }
            return Ok(Err(refusal));
        }
    };
    sqlx::query(INSERT)
        .bind(&booking.id)
        .bind(&hosts[0])
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
        .bind(booking.created_at.as_second())
        .bind(booking.created_at.as_second())
        .bind(confirmed_at(booking))
        .bind(crate::query::search_text(&booking.name, &booking.email))
        .bind(&booking.locale)
        .execute(&mut *connection)
        .await?;
    match super::insert_jobs(connection, &booking.jobs, booking.created_at.as_second()).await {
        Ok(()) => {}
        Err(StoreError::Database(err)) => return Err(err),
        // A job that cannot be written (its booking unreadable) refuses this booking only.
        Err(refusal) => {
            for statement in ["ROLLBACK TO booking", "RELEASE booking"] {
                sqlx::query(statement).execute(&mut *connection).await?;
            }
            return Ok(Err(refusal));
        }
    }
    if let Some(claim) = &job.claim {
        // The key was looked up above on this same connection, under the write lock, so
        // it cannot have appeared since.
        sqlx::query(
            "INSERT INTO idempotency_keys (key, fingerprint, booking_id, created_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(&claim.key)
        .bind(&claim.fingerprint)
        .bind(&booking.id)
        .bind(booking.created_at.as_second())
        .execute(&mut *connection)
        .await?;
    }
    sqlx::query("RELEASE booking")
        .execute(&mut *connection)
        .await?;
    Ok(Ok(CreateOutcome::Created(stored(booking, hosts))))
}

/// Takes the holds `booking.assign` asks for, under the write lock: the hosts held, the
/// assigned one first, or the refusal (after which the caller rolls back what was taken).
async fn take_holds(
    connection: &mut SqliteConnection,
    booking: &NewBooking,
) -> Result<Result<Vec<String>, StoreError>, sqlx::Error> {
    match &booking.assign {
        Assign::FirstFree(hosts) => {
            let mut overlapped = hosts.is_empty();
            for host in hosts {
                match hold(connection, booking, host, 0).await? {
                    Ok(()) => return Ok(Ok(vec![host.host_id.clone()])),
                    Err(StoreError::Overlap) => overlapped = true,
                    Err(_) => {}
                }
            }
            Ok(Err(if overlapped {
                StoreError::Overlap
            } else {
                StoreError::DayFull
            }))
        }
        Assign::All(hosts) => {
            if hosts.is_empty() {
                return Ok(Err(StoreError::Overlap));
            }
            for (position, host) in hosts.iter().enumerate() {
                if let Err(refusal) = hold(connection, booking, host, position as i64).await? {
                    return Ok(Err(refusal));
                }
            }
            Ok(Ok(hosts.iter().map(|host| host.host_id.clone()).collect()))
        }
    }
}

/// Holds one host for `booking` if its caps allow and the overlap trigger lets the hold
/// in. A refused hold leaves nothing: the trigger aborts only its own statement.
async fn hold(
    connection: &mut SqliteConnection,
    booking: &NewBooking,
    host: &HostHold,
    position: i64,
) -> Result<Result<(), StoreError>, sqlx::Error> {
    if let Some(cap) = booking.day_cap {
        if !cap_allows(
            connection,
            &host.host_id,
            Some(&booking.event_slug),
            &booking.id,
            cap,
        )
        .await?
        {
            return Ok(Err(StoreError::DayFull));
        }
    }
    if let Some(cap) = host.day_cap {
        if !cap_allows(connection, &host.host_id, None, &booking.id, cap).await? {
            return Ok(Err(StoreError::DayFull));
        }
    }
    let held = sqlx::query(
        "INSERT INTO booking_holds (booking_id, host_id, position, start_at, blocked_start,
            blocked_end, active) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&booking.id)
    .bind(&host.host_id)
    .bind(position)
    .bind(booking.start.as_second())
    .bind(booking.blocked_start)
    .bind(booking.blocked_end)
    .bind(booking.status.is_active())
    .execute(&mut *connection)
    .await;
    match held {
        Ok(_) => Ok(Ok(())),
        Err(err) if is_overlap(&err) => Ok(Err(StoreError::Overlap)),
        Err(err) => Err(err),
    }
}

/// The stored form of a booking just inserted (instants are kept to the second).
fn stored(booking: &NewBooking, hosts: Vec<String>) -> Booking {
    let second = |ts: Timestamp| Timestamp::from_second(ts.as_second()).unwrap_or(ts);
    Booking {
        id: booking.id.clone(),
        host_id: hosts[0].clone(),
        hosts,
        event_slug: booking.event_slug.clone(),
        status: booking.status,
        start: second(booking.start),
        end: second(booking.end),
        blocked_start: booking.blocked_start,
        blocked_end: booking.blocked_end,
        name: booking.name.clone(),
        email: booking.email.clone(),
        timezone: booking.timezone.clone(),
        locale: booking.locale.clone(),
        notes: booking.notes.clone(),
        answers: booking.answers.clone(),
        created_at: second(booking.created_at),
        updated_at: second(booking.created_at),
        sequence: 0,
        status_reason: None,
        previous_start: None,
        confirmed_at: confirmed_at(booking).map(|_| second(booking.created_at)),
        meeting_url: None,
    }
}

/// When a new booking is confirmed: at its creation if it is stored confirmed.
fn confirmed_at(booking: &NewBooking) -> Option<i64> {
    (booking.status == BookingStatus::Confirmed).then(|| booking.created_at.as_second())
}
