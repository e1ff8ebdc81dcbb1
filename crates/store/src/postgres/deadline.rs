//! The client-side deadline on every PostgreSQL call. A database host that vanishes
//! without a reset (a partition, a dead NAT entry) leaves sockets waiting for minutes;
//! `statement_timeout` is enforced by the server and cannot end that wait. So each store
//! call gets [`PgOptions::call_timeout`]; past it the caller gets
//! [`StoreError::Unavailable`], and the connection the abandoned call held is checked
//! under a short deadline when it goes back to the pool and closed if it does not answer,
//! so a connection stuck on a dead link is never handed out again.

use std::{
    future::{poll_fn, Future},
    pin::pin,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    task::Poll,
    time::{Duration, Instant},
};

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::{postgres::PgPoolOptions, Connection};

use super::{PgOptions, PgQueries};
use crate::{
    prelude::*, ActiveBooking, AdminUser, AuditEntry, Booking, BookingChange, BookingQuery,
    CalendarConnection, CalendarDelta, CalendarSettings, CalendarVersion, CalendarWrite,
    ChangeOutcome, ContactMessage, CounterDelta, CreateOutcome, Credential, CredentialKind,
    IdempotencyClaim, Job, NewBooking, NewContact, NewJob, OAuthAccount, OAuthPending, StoreError,
    StoredEventType, WebhookAttempt, WebhookSubscription,
};

/// How long a connection returned to the pool may take to answer a ping after a call was
/// abandoned; one that does not is closed.
const RELEASE_CHECK: Duration = Duration::from_secs(1);

/// The PostgreSQL implementation of [`Store`]: the queries, each under the client-side
/// deadline.
#[derive(Clone, Debug)]
pub struct PgStore {
    queries: PgQueries,
    call_timeout: Duration,
    max_connections: u32,
    abandoned: Arc<Abandoned>,
}

/// When a call was last abandoned at its deadline. Connections released shortly after are
/// pinged under [`RELEASE_CHECK`] before the pool keeps them (sqlx's own release ping has
/// no deadline). Connections released in quiet times skip the extra round trip.
#[derive(Debug)]
struct Abandoned {
    epoch: Instant,
    /// Milliseconds since `epoch` of the last abandoned call, plus one (0: never).
    last: AtomicU64,
    window: Duration,
}

impl Abandoned {
    fn mark(&self) {
        let now = self.epoch.elapsed().as_millis() as u64 + 1;
        self.last.fetch_max(now, Ordering::SeqCst);
    }

    fn recent(&self) -> bool {
        match self.last.load(Ordering::SeqCst) {
            0 => false,
            last => {
                let now = self.epoch.elapsed().as_millis() as u64 + 1;
                now.saturating_sub(last) <= self.window.as_millis() as u64
            }
        }
    }
}

impl PgStore {
    /// Connects (checking the server answers) with the given pool settings. Does not
    /// migrate.
    pub async fn open(options: &PgOptions) -> Result<Self, StoreError> {
        let abandoned = Arc::new(Abandoned {
            epoch: Instant::now(),
            last: AtomicU64::new(0),
            // Long enough to cover the release of every connection the abandoned calls
            // held, however the runtime schedules it.
            window: options.call_timeout.max(Duration::from_secs(5)),
        });
        let marker = abandoned.clone();
        let pool = PgPoolOptions::new().after_release(move |connection, _| {
            let marker = marker.clone();
            Box::pin(async move {
                if !marker.recent() {
                    return Ok(true);
                }
                match tokio::time::timeout(RELEASE_CHECK, connection.ping()).await {
                    Ok(Ok(())) => Ok(true),
                    Ok(Err(err)) => Err(err),
                    // An error makes the pool drop the socket without a goodbye.
                    Err(_) => Err(sqlx::Error::Io(std::io::ErrorKind::TimedOut.into())),
                }
            })
        });
        let queries = PgQueries::open(options, pool).await?;
        Ok(PgStore {
            queries,
            call_timeout: options.call_timeout,
            max_connections: options.max_connections.max(1),
            abandoned,
        })
    }

    /// Runs `call` under the client-side deadline.
    async fn deadline<T>(
        &self,
        call: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let mut call = pin!(call);
        let mut expiry = pin!(tokio::time::sleep(self.call_timeout));
        let outcome = poll_fn(|context| {
            if let Poll::Ready(outcome) = call.as_mut().poll(context) {
                return Poll::Ready(Some(outcome));
            }
            if expiry.as_mut().poll(context).is_ready() {
                // Marked before `call` (holding the connection) is dropped, so the
                // connection's release already sees the mark.
                self.abandoned.mark();
                return Poll::Ready(None);
            }
            Poll::Pending
        })
        .await;
        match outcome {
            Some(Err(StoreError::Database(sqlx::Error::PoolTimedOut)))
                if self.queries.pool_size() < self.max_connections =>
            {
                // The pool was not full, so no connection could be opened or checked in
                // time: the database is unreachable rather than busy.
                Err(StoreError::Unavailable(
                    "no connection to the database could be opened in time".into(),
                ))
            }
            Some(outcome) => outcome,
            None => Err(StoreError::Unavailable(format!(
                "the database did not answer within {} ms",
                self.call_timeout.as_millis()
            ))),
        }
    }
}

#[async_trait]
impl BookingStore for PgStore {
    async fn create_booking(
        &self,
        booking: NewBooking,
        idempotency: Option<IdempotencyClaim>,
    ) -> Result<CreateOutcome, StoreError> {
        self.deadline(self.queries.create_booking(booking, idempotency))
            .await
    }

    async fn find_idempotent(
        &self,
        claim: &IdempotencyClaim,
    ) -> Result<Option<Booking>, StoreError> {
        self.deadline(self.queries.find_idempotent(claim)).await
    }

    async fn change_booking(
        &self,
        id: &str,
        change: BookingChange,
        jobs: Vec<NewJob>,
        now: Timestamp,
    ) -> Result<Option<ChangeOutcome>, StoreError> {
        self.deadline(self.queries.change_booking(id, change, jobs, now))
            .await
    }

    async fn booking(&self, id: &str) -> Result<Option<Booking>, StoreError> {
        self.deadline(self.queries.booking(id)).await
    }

    async fn set_booking_meeting_url(
        &self,
        id: &str,
        meeting_url: Option<&str>,
    ) -> Result<bool, StoreError> {
        self.deadline(self.queries.set_booking_meeting_url(id, meeting_url))
            .await
    }

    async fn for_each_active_hold(
        &self,
        after_second: i64,
        each: &mut (dyn FnMut(String, ActiveBooking) + Send),
    ) -> Result<(), StoreError> {
        self.deadline(self.queries.for_each_active_hold(after_second, each))
            .await
    }

    async fn host_booking_stats(
        &self,
        event_slug: &str,
        since_second: i64,
    ) -> Result<Vec<crate::HostBookingStat>, StoreError> {
        self.deadline(self.queries.host_booking_stats(event_slug, since_second))
            .await
    }

    async fn for_each_active_booking(
        &self,
        host_id: &str,
        after_second: i64,
        each: &mut (dyn FnMut(ActiveBooking) + Send),
    ) -> Result<(), StoreError> {
        self.deadline(
            self.queries
                .for_each_active_booking(host_id, after_second, each),
        )
        .await
    }

    async fn for_each_booking_changed_since(
        &self,
        host_id: &str,
        since_second: i64,
        each: &mut (dyn FnMut(ActiveBooking, bool) + Send),
    ) -> Result<(), StoreError> {
        self.deadline(
            self.queries
                .for_each_booking_changed_since(host_id, since_second, each),
        )
        .await
    }

    async fn create_contact(&self, message: NewContact) -> Result<ContactMessage, StoreError> {
        self.deadline(self.queries.create_contact(message)).await
    }

    async fn contact(&self, id: &str) -> Result<Option<ContactMessage>, StoreError> {
        self.deadline(self.queries.contact(id)).await
    }
}

#[async_trait]
impl JobStore for PgStore {
    async fn claim_jobs(
        &self,
        worker: &str,
        now: i64,
        lease_seconds: i64,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        self.deadline(self.queries.claim_jobs(worker, now, lease_seconds, limit))
            .await
    }

    async fn renew_job(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<bool, StoreError> {
        self.deadline(self.queries.renew_job(id, worker, now, lease_seconds))
            .await
    }

    async fn finish_job(&self, id: &str, worker: &str, now: i64) -> Result<(), StoreError> {
        self.deadline(self.queries.finish_job(id, worker, now))
            .await
    }

    async fn retry_job(
        &self,
        id: &str,
        worker: &str,
        run_at: i64,
        error: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.deadline(self.queries.retry_job(id, worker, run_at, error, now))
            .await
    }

    async fn bury_job(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.deadline(self.queries.bury_job(id, worker, error, now))
            .await
    }

    async fn next_job_at(&self) -> Result<Option<i64>, StoreError> {
        self.deadline(self.queries.next_job_at()).await
    }

    async fn enqueue_jobs(&self, jobs: &[NewJob], now: i64) -> Result<(), StoreError> {
        self.deadline(self.queries.enqueue_jobs(jobs, now)).await
    }

    async fn jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        self.deadline(self.queries.jobs(limit)).await
    }

    async fn failed_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        self.deadline(self.queries.failed_jobs(limit)).await
    }

    async fn retry_dead_job(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        self.deadline(self.queries.retry_dead_job(id, now)).await
    }
}

#[async_trait]
impl AdminStore for PgStore {
    async fn migrate(&self) -> Result<usize, StoreError> {
        // Migrations may legitimately run long (backfills); no client deadline.
        self.queries.migrate().await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.deadline(self.queries.ping()).await
    }

    async fn setting_or_init(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        self.deadline(self.queries.setting_or_init(name, candidate))
            .await
    }

    async fn stats(&self, now: i64) -> Result<crate::Stats, StoreError> {
        self.deadline(self.queries.stats(now)).await
    }

    async fn upsert_admin_user(
        &self,
        id: &str,
        email: &str,
        password_hash: &str,
        host_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.deadline(
            self.queries
                .upsert_admin_user(id, email, password_hash, host_id, now),
        )
        .await
    }

    async fn hosts(&self) -> Result<Vec<crate::StoredHost>, StoreError> {
        self.deadline(self.queries.hosts()).await
    }

    async fn seed_hosts(&self, hosts: &[crate::StoredHost]) -> Result<bool, StoreError> {
        self.deadline(self.queries.seed_hosts(hosts)).await
    }

    async fn save_host(
        &self,
        host: &crate::StoredHost,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.deadline(self.queries.save_host(host, audit)).await
    }

    async fn booking_counts_by_host(
        &self,
        query: &BookingQuery,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.deadline(self.queries.booking_counts_by_host(query))
            .await
    }

    async fn admin_user(&self, email: &str) -> Result<Option<AdminUser>, StoreError> {
        self.deadline(self.queries.admin_user(email)).await
    }

    async fn note_login_failure(
        &self,
        email: &str,
        now: i64,
        max_failures: u32,
        lock_seconds: i64,
    ) -> Result<Option<AdminUser>, StoreError> {
        self.deadline(
            self.queries
                .note_login_failure(email, now, max_failures, lock_seconds),
        )
        .await
    }

    async fn note_login_success(&self, email: &str) -> Result<(), StoreError> {
        self.deadline(self.queries.note_login_success(email)).await
    }

    async fn create_credential(&self, credential: &Credential) -> Result<(), StoreError> {
        self.deadline(self.queries.create_credential(credential))
            .await
    }

    async fn credential(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Credential>, StoreError> {
        self.deadline(self.queries.credential(token_hash, now))
            .await
    }

    async fn revoke_credential(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        self.deadline(self.queries.revoke_credential(id, now)).await
    }

    async fn credentials(
        &self,
        kind: CredentialKind,
        now: i64,
    ) -> Result<Vec<Credential>, StoreError> {
        self.deadline(self.queries.credentials(kind, now)).await
    }

    async fn event_types(&self) -> Result<Vec<StoredEventType>, StoreError> {
        self.deadline(self.queries.event_types()).await
    }

    async fn seed_event_types(&self, types: &[StoredEventType]) -> Result<bool, StoreError> {
        self.deadline(self.queries.seed_event_types(types)).await
    }

    async fn save_event_type(
        &self,
        event: &StoredEventType,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.deadline(self.queries.save_event_type(event, audit))
            .await
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.deadline(self.queries.append_audit(entry)).await
    }

    async fn audit_entries(
        &self,
        target: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.deadline(self.queries.audit_entries(target, limit))
            .await
    }

    async fn list_bookings(&self, query: &BookingQuery) -> Result<Vec<Booking>, StoreError> {
        self.deadline(self.queries.list_bookings(query)).await
    }

    async fn revoke_sessions(
        &self,
        email: &str,
        keep: Option<&str>,
        now: i64,
    ) -> Result<u64, StoreError> {
        self.deadline(self.queries.revoke_sessions(email, keep, now))
            .await
    }

    async fn prune_credentials(&self, before: i64) -> Result<u64, StoreError> {
        self.deadline(self.queries.prune_credentials(before)).await
    }

    async fn count_bookings(&self, query: &BookingQuery) -> Result<i64, StoreError> {
        self.deadline(self.queries.count_bookings(query)).await
    }

    async fn booking_buckets(
        &self,
        query: &BookingQuery,
        by: crate::BucketBy,
    ) -> Result<Vec<crate::BookingBucket>, StoreError> {
        self.deadline(self.queries.booking_buckets(query, by)).await
    }

    async fn add_counters(&self, deltas: &[CounterDelta]) -> Result<(), StoreError> {
        self.deadline(self.queries.add_counters(deltas)).await
    }

    async fn counters(
        &self,
        from_day: &str,
        to_day: &str,
    ) -> Result<Vec<CounterDelta>, StoreError> {
        self.deadline(self.queries.counters(from_day, to_day)).await
    }
}

#[async_trait]
impl CalendarStore for PgStore {
    async fn calendar_connections(&self) -> Result<Vec<CalendarConnection>, StoreError> {
        self.deadline(self.queries.calendar_connections()).await
    }

    async fn calendar_connection(
        &self,
        id: &str,
    ) -> Result<Option<CalendarConnection>, StoreError> {
        self.deadline(self.queries.calendar_connection(id)).await
    }

    async fn sync_config_calendars(
        &self,
        calendars: &[CalendarSettings],
        now: i64,
    ) -> Result<(), StoreError> {
        self.deadline(self.queries.sync_config_calendars(calendars, now))
            .await
    }

    async fn save_calendar_connection(
        &self,
        settings: &CalendarSettings,
        audit: &AuditEntry,
        now: i64,
    ) -> Result<(), StoreError> {
        self.deadline(self.queries.save_calendar_connection(settings, audit, now))
            .await
    }

    async fn delete_calendar_connection(
        &self,
        id: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        self.deadline(self.queries.delete_calendar_connection(id, audit))
            .await
    }

    async fn claim_calendar_sync(
        &self,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<Option<CalendarConnection>, StoreError> {
        self.deadline(self.queries.claim_calendar_sync(worker, now, lease_seconds))
            .await
    }

    async fn renew_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<bool, StoreError> {
        self.deadline(
            self.queries
                .renew_calendar_sync(id, worker, now, lease_seconds),
        )
        .await
    }

    async fn apply_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        delta: &CalendarDelta,
        now: i64,
        next_run_at: i64,
    ) -> Result<bool, StoreError> {
        self.deadline(
            self.queries
                .apply_calendar_sync(id, worker, delta, now, next_run_at),
        )
        .await
    }

    async fn fail_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        now: i64,
        next_run_at: i64,
    ) -> Result<Option<CalendarConnection>, StoreError> {
        self.deadline(
            self.queries
                .fail_calendar_sync(id, worker, error, now, next_run_at),
        )
        .await
    }

    async fn set_calendar_alerted(
        &self,
        id: &str,
        alerted: bool,
        jobs: &[NewJob],
        now: i64,
    ) -> Result<bool, StoreError> {
        self.deadline(self.queries.set_calendar_alerted(id, alerted, jobs, now))
            .await
    }

    async fn request_calendar_sync(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        self.deadline(self.queries.request_calendar_sync(id, now))
            .await
    }

    async fn next_calendar_sync_at(&self) -> Result<Option<i64>, StoreError> {
        self.deadline(self.queries.next_calendar_sync_at()).await
    }

    async fn calendar_resource_etags(
        &self,
        connection_id: &str,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        self.deadline(self.queries.calendar_resource_etags(connection_id))
            .await
    }

    async fn calendar_busy(
        &self,
        host_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        self.deadline(self.queries.calendar_busy(host_id, from, to))
            .await
    }

    async fn for_each_calendar_busy(
        &self,
        each: &mut (dyn for<'host> FnMut(&'host str, i64, i64) + Send),
    ) -> Result<(), StoreError> {
        self.deadline(self.queries.for_each_calendar_busy(each))
            .await
    }

    async fn calendar_versions(&self) -> Result<Vec<CalendarVersion>, StoreError> {
        self.deadline(self.queries.calendar_versions()).await
    }

    async fn calendar_writes(&self, booking_id: &str) -> Result<Vec<CalendarWrite>, StoreError> {
        self.deadline(self.queries.calendar_writes(booking_id))
            .await
    }

    async fn save_calendar_write(&self, write: &CalendarWrite) -> Result<(), StoreError> {
        self.deadline(self.queries.save_calendar_write(write)).await
    }

    async fn delete_calendar_write(
        &self,
        booking_id: &str,
        connection_id: &str,
    ) -> Result<bool, StoreError> {
        self.deadline(
            self.queries
                .delete_calendar_write(booking_id, connection_id),
        )
        .await
    }
}

#[async_trait]
impl OAuthStore for PgStore {
    async fn save_oauth_account(&self, account: &OAuthAccount) -> Result<(), StoreError> {
        self.deadline(self.queries.save_oauth_account(account))
            .await
    }

    async fn oauth_account(&self, id: &str) -> Result<Option<OAuthAccount>, StoreError> {
        self.deadline(self.queries.oauth_account(id)).await
    }

    async fn oauth_accounts(&self, host_id: Option<&str>) -> Result<Vec<OAuthAccount>, StoreError> {
        self.deadline(self.queries.oauth_accounts(host_id)).await
    }

    async fn delete_oauth_account(&self, id: &str) -> Result<bool, StoreError> {
        self.deadline(self.queries.delete_oauth_account(id)).await
    }

    async fn claim_token_refresh(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<Option<OAuthAccount>, StoreError> {
        self.deadline(
            self.queries
                .claim_token_refresh(id, worker, now, lease_seconds),
        )
        .await
    }

    async fn finish_token_refresh(
        &self,
        id: &str,
        worker: &str,
        access_token_enc: &str,
        access_expires_at: i64,
        refresh_token_enc: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.deadline(self.queries.finish_token_refresh(
            id,
            worker,
            access_token_enc,
            access_expires_at,
            refresh_token_enc,
            now,
        ))
        .await
    }

    async fn release_token_refresh(&self, id: &str, worker: &str) -> Result<(), StoreError> {
        self.deadline(self.queries.release_token_refresh(id, worker))
            .await
    }

    async fn mark_oauth_needs_reconnect(
        &self,
        id: &str,
        detail: &str,
        alert_jobs: &[NewJob],
        now: i64,
    ) -> Result<bool, StoreError> {
        self.deadline(
            self.queries
                .mark_oauth_needs_reconnect(id, detail, alert_jobs, now),
        )
        .await
    }

    async fn save_oauth_pending(&self, pending: &OAuthPending) -> Result<(), StoreError> {
        self.deadline(self.queries.save_oauth_pending(pending))
            .await
    }

    async fn take_oauth_pending(
        &self,
        state_hash: &str,
        now: i64,
    ) -> Result<Option<OAuthPending>, StoreError> {
        self.deadline(self.queries.take_oauth_pending(state_hash, now))
            .await
    }
}

#[async_trait]
impl WebhookStore for PgStore {
    async fn save_webhook(&self, subscription: &WebhookSubscription) -> Result<(), StoreError> {
        self.deadline(self.queries.save_webhook(subscription)).await
    }

    async fn webhook(&self, id: &str) -> Result<Option<WebhookSubscription>, StoreError> {
        self.deadline(self.queries.webhook(id)).await
    }

    async fn webhooks(&self) -> Result<Vec<WebhookSubscription>, StoreError> {
        self.deadline(self.queries.webhooks()).await
    }

    async fn delete_webhook(&self, id: &str) -> Result<bool, StoreError> {
        self.deadline(self.queries.delete_webhook(id)).await
    }

    async fn record_webhook_attempt(&self, attempt: &WebhookAttempt) -> Result<(), StoreError> {
        self.deadline(self.queries.record_webhook_attempt(attempt))
            .await
    }

    async fn webhook_attempts(
        &self,
        subscription_id: &str,
        limit: u32,
    ) -> Result<Vec<WebhookAttempt>, StoreError> {
        self.deadline(self.queries.webhook_attempts(subscription_id, limit))
            .await
    }

    async fn webhook_jobs(
        &self,
        subscription_id: &str,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        self.deadline(self.queries.webhook_jobs(subscription_id, limit))
            .await
    }
}
