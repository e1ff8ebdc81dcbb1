//! Persistence for openslot behind one [`Store`] trait. SQLite is the embedded default;
//! PostgreSQL implements the same trait for several instances. The store decides only
//! "is this interval free" (atomically, inside the database); every other rule lives in
//! the engine.

mod error;
mod migrate;
mod model;
mod postgres;
mod sqlite;

use async_trait::async_trait;

pub use error::StoreError;
pub use model::{
    ActiveBooking, Booking, BookingChange, BookingStatus, ChangeOutcome, ContactMessage,
    CreateOutcome, DayCap, IdempotencyClaim, Job, JobState, NewBooking, NewContact, NewJob,
};
pub use postgres::{PgOptions, PgStore};
pub use sqlite::{SqliteOptions, SqliteStore};

/// Everything the service persists. Implementations must make [`Store::create_booking`]
/// atomic: of several overlapping active bookings of one host, at most one is stored.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Applies pending migrations; returns how many were applied.
    async fn migrate(&self) -> Result<usize, StoreError>;

    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Stores a booking if no active booking of its host overlaps its blocked range and its
    /// day cap allows it. With an idempotency claim, a key seen before returns the original
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

    /// Active bookings of a host whose blocked range ends after `after_second`.
    async fn active_bookings(
        &self,
        host_id: &str,
        after_second: i64,
    ) -> Result<Vec<ActiveBooking>, StoreError>;

    /// The setting `name`, storing `candidate` first if it has none. Concurrent callers
    /// (other instances) all get the one value that was stored first.
    async fn setting_or_init(&self, name: &str, candidate: &str) -> Result<String, StoreError>;

    /// Stores a message from the contact form (and its jobs, in the same transaction).
    async fn create_contact(&self, message: NewContact) -> Result<ContactMessage, StoreError>;

    /// One contact message by id.
    async fn contact(&self, id: &str) -> Result<Option<ContactMessage>, StoreError>;

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

    /// All jobs, newest first, up to `limit` (for operators and tests).
    async fn jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError>;

    /// Numbers for operators: bookings per status, jobs per kind and state, and the oldest
    /// `run_at` of a job that is due at `now` but not yet done (queue lag).
    async fn stats(&self, now: i64) -> Result<Stats, StoreError>;
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
