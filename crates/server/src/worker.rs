//! The background worker: claims due jobs under a lease, sends them, and retries failures
//! with exponential backoff until the job's attempts run out, when it is marked dead and
//! logged. The request path only writes jobs; it never waits on SMTP.

use std::{sync::Arc, time::Duration};

use openslot_mail::{compose, Mailer};
use openslot_store::{BookingChange, BookingStatus, ChangeOutcome, Job, Store, StoreError};
use tokio::sync::{watch, Notify};

use crate::{
    clock::Clock,
    event_types::CatalogHandle,
    notify::{Notifier, EXPIRY_JOB, MAIL_JOB},
    signing::Signer,
};

/// Longest wait between retries.
const MAX_BACKOFF_SECONDS: i64 = 3600;
/// Longest sleep between looks at the queue (to see jobs written by other processes).
const MAX_IDLE: Duration = Duration::from_secs(2);

/// Sends queued mail.
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
}

enum Failure {
    Transient(String),
    Permanent(String),
}

enum Outcome {
    Sent,
    Skipped,
}

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
        let change = BookingChange::End {
            status: BookingStatus::Expired,
            reason: None,
        };
        let jobs = self.notifier.jobs_for_end(id, BookingStatus::Expired, now);
        match self.store.change_booking(id, change, jobs, now).await {
            Ok(Some(ChangeOutcome::Changed(after))) => {
                tracing::info!(booking_id = %id, status = "expired", "booking expired unanswered");
                let mut before = after.clone();
                before.status = BookingStatus::Requested;
                before.status_reason = None;
                let entry = openslot_store::AuditEntry {
                    id: uuid::Uuid::now_v7().to_string(),
                    at: now.as_second(),
                    actor: crate::actions::Actor::System.label(),
                    action: "booking.expire".into(),
                    target: format!("booking:{id}"),
                    before: Some(crate::actions::snapshot(&before)),
                    after: Some(crate::actions::snapshot(&after)),
                };
                if let Err(err) = self.store.append_audit(&entry).await {
                    tracing::error!(error = %err, "audit entry not written");
                }
                self.busy_changed.notify_one();
                self.wake.notify_one();
                Ok(Outcome::Sent)
            }
            Ok(_) => Ok(Outcome::Skipped),
            Err(err) => Err(Failure::Transient(format!("store: {err}"))),
        }
    }

    async fn deliver(&self, job: &Job) -> Result<Outcome, Failure> {
        if job.kind == EXPIRY_JOB {
            return self.expire(job).await;
        }
        if job.kind != MAIL_JOB {
            return Err(Failure::Permanent(format!(
                "unknown job kind {:?}",
                job.kind
            )));
        }
        let now = self.clock.now();
        let storage = |err: StoreError| Failure::Transient(format!("store: {err}"));
        let outgoing = if let Some(id) = job.payload["booking_id"].as_str() {
            let Some(booking) = self.store.booking(id).await.map_err(storage)? else {
                return Err(Failure::Permanent(format!("booking {id} not found")));
            };
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

    async fn process(&self, job: Job) -> Result<(), StoreError> {
        // A batch is worked through one job at a time; a job whose lease ran out meanwhile
        // may have been claimed by another worker, which then sends it instead.
        let now = self.clock.now().as_second();
        if !self
            .store
            .renew_job(&job.id, &self.id, now, self.lease_seconds)
            .await?
        {
            tracing::info!(job_id = %job.id, "lease lost to another worker; skipped");
            return Ok(());
        }
        let message = job.payload["message"].as_str().unwrap_or("").to_string();
        let booking_id = job.payload["booking_id"].as_str().unwrap_or("").to_string();
        let outcome = self.deliver(&job).await;
        let now = self.clock.now().as_second();
        match outcome {
            Ok(Outcome::Sent) => {
                self.store.finish_job(&job.id, &self.id, now).await?;
                if job.kind == MAIL_JOB {
                    self.metrics.record_mail("sent");
                }
                tracing::info!(job_id = %job.id, mail = %message, %booking_id, attempts = job.attempts, "job done");
            }
            Ok(Outcome::Skipped) => {
                self.store.finish_job(&job.id, &self.id, now).await?;
                self.metrics.record_mail("skipped");
                tracing::info!(job_id = %job.id, mail = %message, %booking_id, "job no longer applies; skipped");
            }
            Err(Failure::Transient(error)) if job.attempts < job.max_attempts => {
                let delay = self.backoff(job.attempts);
                self.metrics.record_mail("retry");
                self.store
                    .retry_job(&job.id, &self.id, now + delay, &error, now)
                    .await?;
                tracing::warn!(job_id = %job.id, mail = %message, %booking_id, attempts = job.attempts,
                    retry_in_seconds = delay, %error, "job failed; will retry");
            }
            Err(Failure::Transient(error)) | Err(Failure::Permanent(error)) => {
                self.store.bury_job(&job.id, &self.id, &error, now).await?;
                self.metrics.record_mail("dead");
                tracing::error!(job_id = %job.id, mail = %message, %booking_id, attempts = job.attempts,
                    %error, "job dead");
            }
        }
        Ok(())
    }

    /// Runs every job due now; returns how many were handled.
    pub async fn run_due(&self) -> Result<usize, StoreError> {
        let mut handled = 0;
        loop {
            let now = self.clock.now().as_second();
            let jobs = self
                .store
                .claim_jobs(&self.id, now, self.lease_seconds, 16)
                .await?;
            if jobs.is_empty() {
                return Ok(handled);
            }
            for job in jobs {
                self.process(job).await?;
                handled += 1;
            }
        }
    }

    /// Runs until `stop` turns true, waking for new jobs, due retries and reminders.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            if let Err(err) = self.run_due().await {
                tracing::warn!(error = %err, "job queue unavailable");
            }
            let now = self.clock.now().as_second();
            let wait = match self.store.next_job_at().await {
                Ok(Some(next)) if next > now => Duration::from_secs((next - now) as u64),
                Ok(Some(_)) => Duration::from_millis(50),
                _ => MAX_IDLE,
            }
            .min(MAX_IDLE);
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
        }
    }
}
