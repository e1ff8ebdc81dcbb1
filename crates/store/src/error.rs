//! The store's error type.

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another active booking of the host overlaps the requested time.
    #[error("another active booking overlaps that time")]
    Overlap,
    /// The event type already has its maximum number of bookings on that day.
    #[error("the day's booking limit is reached")]
    DayFull,
    /// The idempotency key was used before with a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// A stored row could not be read back (corrupt or unexpected data).
    #[error("unreadable row: {0}")]
    Corrupt(String),
    /// The URL or options do not describe a usable database.
    #[error("invalid database configuration: {0}")]
    Config(String),
    /// A migration failed.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The database could not be reached in time (PostgreSQL: a call passed its
    /// client-side deadline, or no connection could be opened).
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    /// Whether the database was too busy to answer in time (worth retrying later): no
    /// connection came free in time, or (PostgreSQL) a statement ran into
    /// `statement_timeout` (SQLSTATE 57014) or `lock_timeout` (55P03).
    pub fn is_timeout(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(err) => err
                .as_database_error()
                .and_then(|db| db.code())
                .is_some_and(|code| code == "57014" || code == "55P03"),
            _ => false,
        }
    }

    /// Whether the database could not be reached (worth retrying once it is back): a call
    /// passed its deadline, or the connection failed (refused, reset, timed out).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable(_)
                | StoreError::Database(sqlx::Error::Io(_) | sqlx::Error::PoolClosed)
        )
    }
}
