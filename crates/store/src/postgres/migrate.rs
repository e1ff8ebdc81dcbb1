//! Applies [`crate::migrate::POSTGRES`]. Each migration runs in its own transaction that
//! first takes one transaction-level advisory lock, so instances starting together apply
//! every migration exactly once: the others wait, then find it recorded.

use jiff::Timestamp;
use sqlx::PgPool;

use crate::{migrate::Migration, StoreError};

/// The advisory lock key of the migration runner ("openslot" in ASCII; outside the 32-bit
/// range of the `hashtext` keys used elsewhere, so it cannot collide with them).
const MIGRATION_LOCK: i64 = 0x6f70_656e_736c_6f74;

/// Applies the pending migrations; returns how many were applied.
pub(super) async fn run(pool: &PgPool) -> Result<usize, StoreError> {
    let mut applied = 0;
    for migration in crate::migrate::POSTGRES {
        if apply(pool, migration).await? {
            applied += 1;
        }
    }
    Ok(applied)
}

async fn apply(pool: &PgPool, migration: &'static Migration) -> Result<bool, StoreError> {
    let mut tx = pool.begin().await?;
    // Waiting for another instance's migration may take longer than a statement normally
    // may; the lock is released when that instance's transaction ends.
    sqlx::Executor::execute(&mut *tx, "SET LOCAL statement_timeout = 0").await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await?;
    // A schema change waits at most this long for a table lock held by a serving instance,
    // rather than queueing every later query of that table behind it indefinitely.
    sqlx::Executor::execute(&mut *tx, "SET LOCAL lock_timeout = '10s'").await?;
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('schema_migrations') IS NOT NULL")
        .fetch_one(&mut *tx)
        .await?;
    if !exists {
        sqlx::Executor::execute(
            &mut *tx,
            "CREATE TABLE schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
    }
    let done: Option<i64> =
        sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(migration.version)
            .fetch_optional(&mut *tx)
            .await?;
    if done.is_some() {
        return Ok(false);
    }
    let result = async {
        // No arguments: sent as a simple query, so one file may hold several statements.
        sqlx::Executor::execute(&mut *tx, migration.sql).await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
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
    tx.commit().await?;
    Ok(true)
}
