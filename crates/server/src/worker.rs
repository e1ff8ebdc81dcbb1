//! The background worker: claims due jobs under a lease, sends them, and retries failures
//! with exponential backoff until the job's attempts run out, when it is marked dead and
//! logged. The request path only writes jobs; it never waits on SMTP.
//!
//! Up to `concurrency` jobs run at once, each in its own task, and the worker claims only
//! as many jobs as it has free slots, so a claimed job starts at once (its lease is not
//! spent waiting) and a delivery stuck until its deadline holds one slot, not the queue.
//! On stop the worker claims nothing more and waits for the jobs it holds.

use std::{sync::Arc, time::Duration};

use openslot_mail::{compose, Mailer};
use openslot_store::{Job, Store, StoreError};
use tokio::{
    sync::{watch, Notify},
    task::JoinSet,
};

use crate::{
    clock::Clock,
    domain::{bookings, JobKind, MailKind},
    event_types::CatalogHandle,
    notify::Notifier,
    signing::Signer,
};

/// Longest wait between retries.
const MAX_BACKOFF_SECONDS: i64 = 3600;
/// Longest sleep between looks at the queue (to see jobs written by other processes).
const MAX_IDLE: Duration = Duration::from_secs(2);

/// Sends queued mail.
#[derive(Clone)]
pub struct Worker {
    pub store: Arc<dyn Store>,
    pub mailer: Mailer,
    pub notifier: Arc<Notifier>,
    pub catalog: Arc<CatalogHandle>,
    pub clock: Arc<dyn Clock>,
    /// Unique per process, so leases say who holds a job.
    pub id: String,
    pub retry_base_seconds: i64,
    /// How long a claimed job is ours before another worker may take it over.
    pub lease_seconds: i64,
    /// Signalled when new jobs are written.
    pub wake: Arc<Notify>,
    pub signer: Arc<Signer>,
    /// Signalled when the worker frees a booking's time (so cached busy time is reloaded).
    pub busy_changed: Arc<Notify>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Most jobs in flight at once (`[mail] concurrency`).
    pub concurrency: usize,
    /// Writes bookings into hosts' calendars (`calendar_write` jobs).
    pub calendars: Option<Arc<crate::calendars::Calendars>>,
    /// Delivers webhook messages (`webhook` jobs).
    pub webhooks: Option<Arc<crate::webhooks::Delivery>>,
}

enum Failure {
    Transient(String),
    Permanent(String),
    /// Transient, and not to be tried again for at least this many seconds (the
    /// provider's `Retry-After`).
    Later(String, i64),
}

enum Outcome {
    Sent,
    Skipped,
    /// Handed on to a copy of the job due later (without spending an attempt).
    Postponed,
}

/// How long an invitee's confirmation waits for the booking's Meet / Teams link.
const MEETING_LINK_WAIT_SECONDS: i64 = 60;
/// How often a waiting confirmation looks again.
const MEETING_LINK_POLL_SECONDS: i64 = 2;

impl Worker {
    fn backoff(&self, attempts: u32) -> i64 {
        let exponent = attempts.saturating_sub(1).min(20);
        (self.retry_base_seconds.max(1) << exponent).min(MAX_BACKOFF_SECONDS)
    }

    /// Expires a request the host has not answered (a no-op if it was answered).
    async fn expire(&self, job: &Job) -> Result<Outcome, Failure> {
        let Some(id) = job.payload["booking_id"].as_str() else {
            return Err(Failure::Permanent("expiry job names no booking".into()));
        };
        let now = self.clock.now();
        match bookings::expire(self.store.as_ref(), &self.notifier, now, id).await {
            Ok(Some(_)) => {
                self.busy_changed.notify_one();
                self.wake.notify_one();
                Ok(Outcome::Sent)
            }
            Ok(None) => Ok(Outcome::Skipped),
            Err(err) => Err(Failure::Transient(err.to_string())),
        }
    }

    /// Makes the hosts' calendars match a booking (see [`crate::calendars::writeback`]).
    async fn write_calendars(&self, job: &Job) -> Result<Outcome, Failure> {
        let Some(id) = job.payload["booking_id"].as_str() else {
            return Err(Failure::Permanent("calendar job names no booking".into()));
        };
        let Some(calendars) = &self.calendars else {
            // Only a worker built without one (a test) lacks it: nothing could ever run it.
            return Err(Failure::Permanent(
                "no calendar service in this process".into(),
            ));
        };
        let catalog = self.catalog.load();
        let now = self.clock.now();
        let render = crate::calendars::writeback::Renderers {
            ics: |booking: &openslot_store::Booking| {
                self.notifier
                    .written_event(booking, &catalog, booking.sequence, now)
            },
            remote: |booking: &openslot_store::Booking| {
                self.notifier.remote_event(booking, &catalog)
            },
        };
        match calendars.reconcile_booking(id, render).await {
            Ok(done) => {
                tracing::info!(booking_id = %id, written = done.written, removed = done.removed, "calendars match the booking");
                Ok(Outcome::Sent)
            }
            Err(crate::calendars::writeback::WriteError::Transient(err)) => {
                Err(Failure::Transient(err))
            }
            Err(crate::calendars::writeback::WriteError::Permanent(err)) => {
                Err(Failure::Permanent(err))
            }
            Err(crate::calendars::writeback::WriteError::Later {
                message,
                retry_after_seconds,
            }) => Err(Failure::Later(
                message,
                retry_after_seconds.min(MAX_BACKOFF_SECONDS as u64) as i64,
            )),
        }
    }

    /// Runs one attempt of a webhook delivery (see [`crate::webhooks::delivery`]).
    async fn deliver_webhook(&self, job: &Job) -> Result<Outcome, Failure> {
        let Some(webhooks) = &self.webhooks else {
            // Only a worker built without one (a test) lacks it: nothing could ever run it.
            return Err(Failure::Permanent(
                "no webhook delivery in this process".into(),
            ));
        };
        match webhooks.deliver(job).await {
            Ok(crate::webhooks::Delivered::Sent) => Ok(Outcome::Sent),
            Ok(crate::webhooks::Delivered::Skipped) => Ok(Outcome::Skipped),
            Err(crate::webhooks::DeliveryError::Transient(error)) => Err(Failure::Transient(error)),
            Err(crate::webhooks::DeliveryError::Permanent(error)) => Err(Failure::Permanent(error)),
        }
    }

    async fn deliver(&self, job: &Job) -> Result<Outcome, Failure> {
        match JobKind::parse(&job.kind) {
            Some(JobKind::BookingExpiry) => return self.expire(job).await,
            Some(JobKind::CalendarWrite) => return self.write_calendars(job).await,
            Some(JobKind::Webhook) => return self.deliver_webhook(job).await,
            Some(JobKind::Mail) => {}
            None => {
                return Err(Failure::Permanent(format!(
                    "unknown job kind {:?}",
                    job.kind
                )))
            }
        }
        let now = self.clock.now();
        let storage = |err: StoreError| Failure::Transient(format!("store: {err}"));
        let message = job.payload["message"].as_str().and_then(MailKind::parse);
        let outgoing = if message.is_some_and(MailKind::for_calendar) {
            self.notifier
                .render_calendar_alert(job, &self.catalog.load(), now)
                .map_err(|err| Failure::Permanent(err.to_string()))?
        } else if let Some(id) = job.payload["booking_id"].as_str() {
            let Some(booking) = self.store.booking(id).await.map_err(storage)? else {
                return Err(Failure::Permanent(format!("booking {id} not found")));
            };
            if message == Some(MailKind::InviteeConfirmed)
                && self.wait_for_meeting_link(job, &booking).await?
            {
                return Ok(Outcome::Postponed);
            }
            match self
                .notifier
                .render_booking(job, &booking, &self.catalog.load(), &self.signer, now)
                .map_err(|err| Failure::Permanent(err.to_string()))?
            {
                Some(outgoing) => outgoing,
                None => return Ok(Outcome::Skipped),
            }
        } else if let Some(id) = job.payload["contact_id"].as_str() {
            let Some(contact) = self.store.contact(id).await.map_err(storage)? else {
                return Err(Failure::Permanent(format!(
                    "contact message {id} not found"
                )));
            };
            self.notifier
                .render_contact(job, &contact, &self.catalog.load(), now)
                .map_err(|err| Failure::Permanent(err.to_string()))?
        } else {
            return Err(Failure::Permanent(
                "mail job names no booking or contact".into(),
            ));
        };
        let composed = compose(&outgoing).map_err(|err| Failure::Permanent(err.to_string()))?;
        self.mailer.send(&composed).await.map_err(|err| {
            if err.permanent {
                Failure::Permanent(err.message)
            } else {
                Failure::Transient(err.message)
            }
        })?;
        Ok(Outcome::Sent)
    }

    /// Holds back an invitee's confirmation while the booking's Meet / Teams link may still
    /// come (its calendar write not yet done), up to [`MEETING_LINK_WAIT_SECONDS`] after the
    /// first look: a copy of the job, due a little later, takes over. Whether it was held.
    async fn wait_for_meeting_link(
        &self,
        job: &Job,
        booking: &openslot_store::Booking,
    ) -> Result<bool, Failure> {
        let Some(calendars) = &self.calendars else {
            return Ok(false);
        };
        if !calendars.awaits_meeting_link(booking) {
            return Ok(false);
        }
        let now = self.clock.now().as_second();
        let until = job.payload["meeting_link_until"]
            .as_i64()
            .unwrap_or(now + MEETING_LINK_WAIT_SECONDS);
        if now >= until {
            return Ok(false);
        }
        // Written at this version without a link: none is coming.
        let writes = self
            .store
            .calendar_writes(&booking.id)
            .await
            .map_err(|err| Failure::Transient(format!("store: {err}")))?;
        let written = calendars.connections().iter().any(|connection| {
            connection.settings.write
                && calendars.conference_links(crate::calendars::kind_of(&connection.settings))
                && writes.iter().any(|write| {
                    write.connection_id == connection.settings.id
                        && write.sequence == booking.sequence
                })
        });
        if written {
            return Ok(false);
        }
        let mut payload = job.payload.clone();
        payload["meeting_link_until"] = serde_json::json!(until);
        let copy = openslot_store::NewJob {
            id: uuid::Uuid::now_v7().to_string(),
            kind: job.kind.clone(),
            payload,
            run_at: now + MEETING_LINK_POLL_SECONDS,
            max_attempts: job.max_attempts,
            booking_id: job.booking_id.clone(),
            order_key: None,
            embed_booking: false,
        };
        self.store
            .enqueue_jobs(&[copy], now)
            .await
            .map_err(|err| Failure::Transient(format!("store: {err}")))?;
        Ok(true)
    }

    /// Delivers a job, renewing its lease every half lease while the delivery lasts, so a
    /// short lease (quick takeover after a crash) never lapses under a slow delivery.
    async fn deliver_renewing(&self, job: &Job) -> Result<Outcome, Failure> {
        let delivery = self.deliver(job);
        tokio::pin!(delivery);
        let period = Duration::from_millis((self.lease_seconds.max(1) as u64) * 500);
        loop {
            tokio::select! {
                outcome = &mut delivery => return outcome,
                _ = tokio::time::sleep(period) => {
                    let now = self.clock.now().as_second();
                    match self.store.renew_job(&job.id, &self.id, now, self.lease_seconds).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(job_id = %job.id, "lease lost during a delivery"),
                        Err(err) => tracing::warn!(job_id = %job.id, error = %err, "lease not renewed"),
                    }
                }
            }
        }
    }

    /// Runs one job claimed at `claimed_at` (Unix seconds).
    async fn process(&self, job: Job, claimed_at: i64) -> Result<(), StoreError> {
        // Claimed jobs start at once, but the claim and the start are separate steps: a
        // job whose lease ran out meanwhile may have been claimed by another worker, which
        // then sends it instead. While at least half the lease the claim set is left (the
        // usual case: a job starts as soon as it is claimed), no other worker can hold it
        // and the renewal, a commit of its own, is skipped.
        let now = self.clock.now().as_second();
        let fresh = now.saturating_sub(claimed_at) < self.lease_seconds / 2;
        if !fresh
            && !self
                .store
                .renew_job(&job.id, &self.id, now, self.lease_seconds)
                .await?
        {
            tracing::info!(job_id = %job.id, "lease lost to another worker; skipped");
            return Ok(());
        }
        let message = job.payload["message"].as_str().unwrap_or("").to_string();
        let booking_id = job.payload["booking_id"].as_str().unwrap_or("").to_string();
        // Webhooks count their own outcomes (see `crate::webhooks::delivery`) and follow
        // their own retry schedule.
        let webhook = JobKind::parse(&job.kind) == Some(JobKind::Webhook);
        let record_mail = |outcome: &'static str| {
            if !webhook {
                self.metrics.record_mail(outcome);
            }
        };
        let backoff = |attempts: u32| {
            if webhook {
                crate::webhooks::retry_delay(attempts)
            } else {
                self.backoff(attempts)
            }
        };
        let outcome = self.deliver_renewing(&job).await;
        let now = self.clock.now().as_second();
        match outcome {
            Ok(Outcome::Sent) => {
                self.store.finish_job(&job.id, &self.id, now).await?;
                if JobKind::parse(&job.kind) == Some(JobKind::Mail) {
                    self.metrics.record_mail("sent");
                }
                tracing::info!(job_id = %job.id, mail = %message, %booking_id, attempts = job.attempts, "job done");
            }
            Ok(Outcome::Postponed) => {
                self.store.finish_job(&job.id, &self.id, now).await?;
                tracing::info!(job_id = %job.id, mail = %message, %booking_id, "waiting for the booking's meeting link");
            }
            Ok(Outcome::Skipped) => {
                self.store.finish_job(&job.id, &self.id, now).await?;
                record_mail("skipped");
                tracing::info!(job_id = %job.id, mail = %message, %booking_id, "job no longer applies; skipped");
            }
            Err(Failure::Transient(error)) if job.attempts < job.max_attempts => {
                let delay = backoff(job.attempts);
                record_mail("retry");
                self.store
                    .retry_job(&job.id, &self.id, now + delay, &error, now)
                    .await?;
                tracing::warn!(job_id = %job.id, mail = %message, %booking_id, attempts = job.attempts,
                    retry_in_seconds = delay, error = %crate::privacy::scrub(&error), "job failed; will retry");
            }
            Err(Failure::Later(error, at_least)) if job.attempts < job.max_attempts => {
                let delay = backoff(job.attempts).max(at_least);
                record_mail("retry");
                self.store
                    .retry_job(&job.id, &self.id, now + delay, &error, now)
                    .await?;
                tracing::warn!(job_id = %job.id, mail = %message, %booking_id, attempts = job.attempts,
                    retry_in_seconds = delay, error = %crate::privacy::scrub(&error), "job failed; retried when the provider allows");
            }
            Err(Failure::Transient(error))
            | Err(Failure::Permanent(error))
            | Err(Failure::Later(error, _)) => {
                self.store.bury_job(&job.id, &self.id, &error, now).await?;
                if webhook {
                    self.metrics.record_webhook("dead");
                }
                record_mail("dead");
                tracing::error!(job_id = %job.id, mail = %message, %booking_id, attempts = job.attempts,
                    error = %crate::privacy::scrub(&error), "job dead");
            }
        }
        Ok(())
    }

    /// Claims due jobs for the free slots and starts each in its own task; returns how
    /// many were claimed.
    async fn fill(
        self: &Arc<Self>,
        tasks: &mut JoinSet<Result<(), StoreError>>,
    ) -> Result<usize, StoreError> {
        let free = self.concurrency.max(1).saturating_sub(tasks.len());
        if free == 0 {
            return Ok(0);
        }
        let now = self.clock.now().as_second();
        let jobs = self
            .store
            .claim_jobs(&self.id, now, self.lease_seconds, free as u32)
            .await?;
        let claimed = jobs.len();
        for job in jobs {
            let worker = self.clone();
            tasks.spawn(async move { worker.process(job, now).await });
        }
        Ok(claimed)
    }

    /// Runs every job due now (up to `concurrency` at once) and waits for them; returns
    /// how many were handled.
    pub async fn run_due(&self) -> Result<usize, StoreError> {
        let worker = Arc::new(self.clone());
        let mut tasks = JoinSet::new();
        let mut handled = 0;
        let mut failure = None;
        loop {
            if failure.is_none() {
                match worker.fill(&mut tasks).await {
                    Ok(claimed) => handled += claimed,
                    Err(err) => failure = Some(err),
                }
            }
            let Some(finished) = tasks.join_next().await else {
                break;
            };
            if let Err(err) = flatten(finished) {
                failure.get_or_insert(err);
            }
        }
        match failure {
            Some(err) => Err(err),
            None => Ok(handled),
        }
    }

    /// Runs until `stop` turns true, waking for new jobs, due retries and reminders and
    /// whenever a slot frees up. Once stopped it claims nothing more and returns when the
    /// jobs it holds are finished.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let worker = Arc::new(self);
        let mut tasks: JoinSet<Result<(), StoreError>> = JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            let claimed = match worker.fill(&mut tasks).await {
                Ok(claimed) => claimed,
                Err(err) => {
                    tracing::warn!(error = %err, "job queue unavailable");
                    0
                }
            };
            let full = tasks.len() >= worker.concurrency.max(1);
            let wait = if full {
                // Only a finished job (or stop) matters now: no need to look at the queue.
                MAX_IDLE
            } else if claimed > 0 {
                // The claim filled what was due; look again at once for more.
                Duration::ZERO
            } else {
                let now = worker.clock.now().as_second();
                match worker.store.next_job_at().await {
                    Ok(Some(next)) if next > now => Duration::from_secs((next - now) as u64),
                    Ok(Some(_)) => Duration::from_millis(50),
                    _ => MAX_IDLE,
                }
                .min(MAX_IDLE)
            };
            if wait.is_zero() {
                continue;
            }
            tokio::select! {
                Some(finished) = tasks.join_next(), if !tasks.is_empty() => {
                    if let Err(err) = flatten(finished) {
                        tracing::warn!(error = %err, "job queue unavailable");
                    }
                }
                _ = worker.wake.notified(), if !full => {}
                _ = tokio::time::sleep(wait), if !full => {}
                changed = stop.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        if !tasks.is_empty() {
            tracing::info!(
                in_flight = tasks.len(),
                "worker stopping: claiming no more jobs, finishing those held"
            );
        }
        while let Some(finished) = tasks.join_next().await {
            if let Err(err) = flatten(finished) {
                tracing::warn!(error = %err, "job queue unavailable");
            }
        }
        tracing::info!("worker stopped");
    }
}

/// A finished job task's result, a panic counted as a store-independent failure.
fn flatten(
    finished: Result<Result<(), StoreError>, tokio::task::JoinError>,
) -> Result<(), StoreError> {
    match finished {
        Ok(result) => result,
        Err(err) => {
            tracing::error!(error = %err, "job task failed");
            Ok(())
        }
    }
}
