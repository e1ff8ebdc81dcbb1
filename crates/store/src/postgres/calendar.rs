//! Calendar connections on PostgreSQL, shared by every instance. A claim picks its row with
//! `FOR UPDATE SKIP LOCKED` (as jobs are claimed), a sync's results are written under the
//! connection's row lock after checking the lease, and configuration syncs of instances
//! starting together take turns on an advisory lock. Busy rows are written in bulk
//! (`UNNEST`), so a large first import is a few statements.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::{postgres::PgRow, PgConnection, Row};

use super::{admin::insert_audit, advisory_lock, PgQueries};
use crate::{
    calendar::{plan_apply, settings_change},
    AuditEntry, CalendarConnection, CalendarDelta, CalendarSettings, CalendarStore,
    CalendarVersion, CalendarWrite, NewJob, StoreError,
};

/// The columns of `calendar_connections AS c`.
const CONNECTION_COLUMNS: &str = "c.id, c.host_id, c.kind, c.url, c.username, c.password_env, \
     c.password_enc, c.busy, c.write_events, c.refresh_minutes, c.all_day_busy, c.origin, \
     c.sync_cursor::text AS sync_cursor, c.last_attempt_at, c.last_success_at, c.last_error, \
     c.failing_since, c.alerted, c.events_imported, c.next_run_at, c.busy_version, c.locked_by, \
     c.lease_until, c.created_at, c.account_id";

fn connection_from_row(row: &PgRow) -> Result<CalendarConnection, StoreError> {
    let cursor: String = row.try_get("sync_cursor")?;
    Ok(CalendarConnection {
        settings: CalendarSettings {
            id: row.try_get("id")?,
            host_id: row.try_get("host_id")?,
            kind: row.try_get("kind")?,
            url: row.try_get("url")?,
            username: row.try_get("username")?,
            password_env: row.try_get("password_env")?,
            password_enc: row.try_get("password_enc")?,
            busy: row.try_get("busy")?,
            write: row.try_get("write_events")?,
            refresh_minutes: u32::try_from(row.try_get::<i64, _>("refresh_minutes")?)
                .unwrap_or(u32::MAX),
            all_day_busy: row.try_get("all_day_busy")?,
            origin: row.try_get("origin")?,
            account_id: row.try_get("account_id")?,
        },
        cursor: serde_json::from_str(&cursor)
            .map_err(|err| StoreError::Corrupt(format!("calendar cursor: {err}")))?,
        last_attempt_at: row.try_get("last_attempt_at")?,
        last_success_at: row.try_get("last_success_at")?,
        last_error: row.try_get("last_error")?,
        failing_since: row.try_get("failing_since")?,
        alerted: row.try_get("alerted")?,
        events_imported: row.try_get("events_imported")?,
        next_run_at: row.try_get("next_run_at")?,
        busy_version: row.try_get("busy_version")?,
        locked_by: row.try_get("locked_by")?,
        lease_until: row.try_get("lease_until")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn connection_in(
    connection: &mut PgConnection,
    id: &str,
    lock: bool,
) -> Result<Option<CalendarConnection>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CONNECTION_COLUMNS} FROM calendar_connections AS c WHERE c.id = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    ))
    .bind(id)
    .fetch_optional(&mut *connection)
    .await?;
    row.as_ref().map(connection_from_row).transpose()
}

/// Drops what a connection imported (its resources and their busy rows).
async fn drop_import(connection: &mut PgConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM calendar_busy WHERE connection_id = $1")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    sqlx::query("DELETE FROM calendar_resources WHERE connection_id = $1")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// Deletes a connection with everything that belongs to it; whether it existed. The row is
/// locked first, so a sync applying its results finishes before (and is then deleted) or
/// finds the connection gone.
async fn delete_connection(connection: &mut PgConnection, id: &str) -> Result<bool, sqlx::Error> {
    let exists: Option<String> =
        sqlx::query_scalar("SELECT id FROM calendar_connections WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *connection)
            .await?;
    if exists.is_none() {
        return Ok(false);
    }
    drop_import(connection, id).await?;
    sqlx::query("DELETE FROM calendar_writes WHERE connection_id = $1")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    let deleted = sqlx::query("DELETE FROM calendar_connections WHERE id = $1")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Inserts `settings` as a connection of `origin`, or updates the stored one (see
/// [`settings_change`]) under its row lock, inside the caller's transaction.
async fn upsert_settings(
    connection: &mut PgConnection,
    settings: &CalendarSettings,
    origin: &str,
    now: i64,
) -> Result<(), StoreError> {
    let settings = CalendarSettings {
        origin: origin.to_string(),
        ..settings.clone()
    };
    let inserted = sqlx::query(
        "INSERT INTO calendar_connections (id, host_id, kind, url, username, password_env,
            password_enc, busy, write_events, refresh_minutes, all_day_busy, origin, next_run_at,
            created_at, updated_at, account_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $13, $14)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&settings.id)
    .bind(&settings.host_id)
    .bind(&settings.kind)
    .bind(&settings.url)
    .bind(&settings.username)
    .bind(&settings.password_env)
    .bind(&settings.password_enc)
    .bind(settings.busy)
    .bind(settings.write)
    .bind(i64::from(settings.refresh_minutes))
    .bind(settings.all_day_busy)
    .bind(&settings.origin)
    .bind(now)
    .bind(&settings.account_id)
    .execute(&mut *connection)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(());
    }
    let Some(old) = connection_in(connection, &settings.id, true).await? else {
        // Deleted between the conflict and the lock: this write loses to the delete.
        return Ok(());
    };
    let Some(change) = settings_change(&old, &settings, now) else {
        return Ok(());
    };
    if change.reset {
        drop_import(connection, &settings.id).await?;
    }
    sqlx::query(
        "UPDATE calendar_connections SET host_id = $1, kind = $2, url = $3, username = $4,
            password_env = $5, password_enc = $6, busy = $7, write_events = $8,
            refresh_minutes = $9, all_day_busy = $10, origin = $11, busy_version = $12,
            next_run_at = $13, updated_at = $14,
            sync_cursor = CASE WHEN $15 THEN 'null'::jsonb ELSE sync_cursor END,
            events_imported = CASE WHEN $15 THEN 0 ELSE events_imported END,
            locked_by = CASE WHEN $15 THEN NULL ELSE locked_by END,
            lease_until = CASE WHEN $15 THEN NULL ELSE lease_until END,
            account_id = $17
         WHERE id = $16",
    )
    .bind(&settings.host_id)
    .bind(&settings.kind)
    .bind(&settings.url)
    .bind(&settings.username)
    .bind(&settings.password_env)
    .bind(&settings.password_enc)
    .bind(settings.busy)
    .bind(settings.write)
    .bind(i64::from(settings.refresh_minutes))
    .bind(settings.all_day_busy)
    .bind(&settings.origin)
    .bind(change.busy_version)
    .bind(change.next_run_at)
    .bind(now)
    .bind(change.reset)
    .bind(&settings.id)
    .bind(&settings.account_id)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

fn write_from_row(row: &PgRow) -> Result<CalendarWrite, StoreError> {
    Ok(CalendarWrite {
        booking_id: row.try_get("booking_id")?,
        connection_id: row.try_get("connection_id")?,
        href: row.try_get("href")?,
        etag: row.try_get("etag")?,
        sequence: u32::try_from(row.try_get::<i64, _>("sequence")?).unwrap_or(0),
        updated_at: row.try_get("updated_at")?,
    })
}

#[async_trait]
impl CalendarStore for PgQueries {
    async fn calendar_connections(&self) -> Result<Vec<CalendarConnection>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM calendar_connections AS c
             ORDER BY c.host_id COLLATE \"C\", c.created_at, c.id COLLATE \"C\""
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(connection_from_row).collect()
    }

    async fn calendar_connection(
        &self,
        id: &str,
    ) -> Result<Option<CalendarConnection>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        connection_in(&mut connection, id, false).await
    }

    async fn sync_config_calendars(
        &self,
        calendars: &[CalendarSettings],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        advisory_lock(&mut tx, "calendar_config").await?;
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM calendar_connections WHERE origin = 'config' ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        for id in &stored {
            if !calendars.iter().any(|calendar| &calendar.id == id) {
                delete_connection(&mut tx, id).await?;
            }
        }
        for calendar in calendars {
            upsert_settings(&mut tx, calendar, "config", now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn save_calendar_connection(
        &self,
        settings: &CalendarSettings,
        audit: &AuditEntry,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        upsert_settings(&mut tx, settings, "admin", now).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_calendar_connection(
        &self,
        id: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !delete_connection(&mut tx, id).await? {
            return Ok(false);
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn claim_calendar_sync(
        &self,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<Option<CalendarConnection>, StoreError> {
        // SKIP LOCKED: a claimer passes over the row another is taking (or a sync is writing)
        // instead of waiting, and READ COMMITTED re-checks the condition on the row it locks,
        // so a row leased meanwhile no longer qualifies: each lease goes to one worker.
        let row = sqlx::query(&format!(
            "WITH picked AS (
                SELECT id FROM calendar_connections
                WHERE next_run_at <= $2 AND (locked_by IS NULL OR lease_until <= $2)
                ORDER BY next_run_at, id LIMIT 1
                FOR UPDATE SKIP LOCKED
             )
             UPDATE calendar_connections AS c SET locked_by = $1, lease_until = $3,
                sync_requested = FALSE, updated_at = $2
             FROM picked WHERE c.id = picked.id
             RETURNING {CONNECTION_COLUMNS}"
        ))
        .bind(worker)
        .bind(now)
        .bind(now.saturating_add(lease_seconds))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(connection_from_row).transpose()
    }

    async fn renew_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<bool, StoreError> {
        let renewed = sqlx::query(
            "UPDATE calendar_connections SET lease_until = $1, updated_at = $2
             WHERE id = $3 AND locked_by = $4",
        )
        .bind(now.saturating_add(lease_seconds))
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(renewed.rows_affected() == 1)
    }

    async fn apply_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        delta: &CalendarDelta,
        now: i64,
        next_run_at: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The row lock keeps the lease (and the connection) as checked until commit.
        let owner: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT host_id, locked_by FROM calendar_connections WHERE id = $1 FOR UPDATE",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let host_id = match owner {
            Some((host_id, Some(locked_by))) if locked_by == worker => host_id,
            _ => return Ok(false),
        };
        let stored: HashMap<String, Option<String>> =
            sqlx::query_as("SELECT href, etag FROM calendar_resources WHERE connection_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        // An incremental sync only needs the busy rows of the resources it touches.
        let rows: Vec<(String, i64, i64)> = if delta.full {
            sqlx::query_as(
                "SELECT href, start_at, end_at FROM calendar_busy WHERE connection_id = $1",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
        } else {
            let touched: Vec<&str> = delta
                .upserts
                .iter()
                .map(|resource| resource.href.as_str())
                .chain(delta.removed.iter().map(String::as_str))
                .collect();
            sqlx::query_as(
                "SELECT href, start_at, end_at FROM calendar_busy
                 WHERE connection_id = $1 AND href = ANY($2)",
            )
            .bind(id)
            .bind(&touched)
            .fetch_all(&mut *tx)
            .await?
        };
        let mut stored_busy: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        for (href, start, end) in rows {
            stored_busy.entry(href).or_default().push((start, end));
        }
        let plan = plan_apply(&stored, &stored_busy, delta);
        if !plan.delete.is_empty() {
            sqlx::query("DELETE FROM calendar_busy WHERE connection_id = $1 AND href = ANY($2)")
                .bind(id)
                .bind(&plan.delete)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "DELETE FROM calendar_resources WHERE connection_id = $1 AND href = ANY($2)",
            )
            .bind(id)
            .bind(&plan.delete)
            .execute(&mut *tx)
            .await?;
        }
        if !plan.upsert.is_empty() {
            let (hrefs, etags): (Vec<&str>, Vec<Option<&str>>) = plan
                .upsert
                .iter()
                .map(|(href, etag)| (href.as_str(), etag.as_deref()))
                .unzip();
            sqlx::query(
                "INSERT INTO calendar_resources (connection_id, href, etag)
                 SELECT $1, href, etag FROM UNNEST($2::text[], $3::text[]) AS u (href, etag)
                 ON CONFLICT (connection_id, href) DO UPDATE SET etag = excluded.etag",
            )
            .bind(id)
            .bind(&hrefs)
            .bind(&etags)
            .execute(&mut *tx)
            .await?;
        }
        if !plan.replace.is_empty() {
            sqlx::query("DELETE FROM calendar_busy WHERE connection_id = $1 AND href = ANY($2)")
                .bind(id)
                .bind(&plan.replace)
                .execute(&mut *tx)
                .await?;
        }
        if !plan.insert.is_empty() {
            let mut hrefs = Vec::with_capacity(plan.insert.len());
            let mut starts = Vec::with_capacity(plan.insert.len());
            let mut ends = Vec::with_capacity(plan.insert.len());
            for (href, start, end) in &plan.insert {
                hrefs.push(href.as_str());
                starts.push(*start);
                ends.push(*end);
            }
            sqlx::query(
                "INSERT INTO calendar_busy (connection_id, href, host_id, start_at, end_at)
                 SELECT $1, href, $2, start_at, end_at
                 FROM UNNEST($3::text[], $4::int8[], $5::int8[]) AS u (href, start_at, end_at)",
            )
            .bind(id)
            .bind(&host_id)
            .bind(&hrefs)
            .bind(&starts)
            .bind(&ends)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE calendar_connections SET sync_cursor = $1::jsonb, last_attempt_at = $2,
                last_success_at = $2, last_error = NULL, failing_since = NULL,
                events_imported = (SELECT count(*) FROM calendar_busy WHERE connection_id = $3),
                busy_version = busy_version + $4,
                next_run_at = CASE WHEN sync_requested THEN LEAST($5, $2) ELSE $5 END,
                sync_requested = FALSE, locked_by = NULL, lease_until = NULL, updated_at = $2
             WHERE id = $3",
        )
        .bind(delta.cursor.to_string())
        .bind(now)
        .bind(id)
        .bind(i64::from(plan.changed))
        .bind(next_run_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn fail_calendar_sync(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        now: i64,
        next_run_at: i64,
    ) -> Result<Option<CalendarConnection>, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE calendar_connections AS c SET last_attempt_at = $1, last_error = $2,
                failing_since = coalesce(c.failing_since, $1),
                next_run_at = CASE WHEN c.sync_requested THEN LEAST($3, $1) ELSE $3 END,
                sync_requested = FALSE, locked_by = NULL, lease_until = NULL, updated_at = $1
             WHERE c.id = $4 AND c.locked_by = $5
             RETURNING {CONNECTION_COLUMNS}"
        ))
        .bind(now)
        .bind(error)
        .bind(next_run_at)
        .bind(id)
        .bind(worker)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(connection_from_row).transpose()
    }

    async fn set_calendar_alerted(
        &self,
        id: &str,
        alerted: bool,
        jobs: &[NewJob],
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE calendar_connections SET alerted = $1 WHERE id = $2 AND alerted <> $1",
        )
        .bind(alerted)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if changed {
            super::insert_jobs(&mut tx, jobs, now).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn request_calendar_sync(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let requested = sqlx::query(
            "UPDATE calendar_connections SET next_run_at = LEAST(next_run_at, $1),
                sync_requested = sync_requested
                    OR coalesce(locked_by IS NOT NULL AND lease_until > $1, FALSE),
                updated_at = $1
             WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(requested.rows_affected() == 1)
    }

    async fn next_calendar_sync_at(&self) -> Result<Option<i64>, StoreError> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT min(CASE WHEN locked_by IS NULL THEN next_run_at
                             ELSE GREATEST(next_run_at, lease_until) END)
             FROM calendar_connections",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(next)
    }

    async fn calendar_resource_etags(
        &self,
        connection_id: &str,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let etags = sqlx::query_as(
            "SELECT href, etag FROM calendar_resources WHERE connection_id = $1
             ORDER BY href COLLATE \"C\"",
        )
        .bind(connection_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(etags)
    }

    async fn calendar_busy(
        &self,
        host_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let busy = sqlx::query_as(
            "SELECT b.start_at, b.end_at FROM calendar_busy AS b
             JOIN calendar_connections AS c ON c.id = b.connection_id
             WHERE b.host_id = $1 AND b.start_at < $2 AND b.end_at > $3 AND c.busy
             ORDER BY b.start_at, b.end_at",
        )
        .bind(host_id)
        .bind(to)
        .bind(from)
        .fetch_all(&self.pool)
        .await?;
        Ok(busy)
    }

    async fn for_each_calendar_busy(
        &self,
        each: &mut (dyn for<'host> FnMut(&'host str, i64, i64) + Send),
    ) -> Result<(), StoreError> {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query_as::<_, (String, i64, i64)>(
            "SELECT b.host_id, b.start_at, b.end_at FROM calendar_busy AS b
             JOIN calendar_connections AS c ON c.id = b.connection_id
             WHERE c.busy
             ORDER BY b.host_id COLLATE \"C\", b.start_at, b.end_at",
        )
        .fetch(&self.pool);
        while let Some((host_id, start, end)) = rows.try_next().await? {
            each(&host_id, start, end);
        }
        Ok(())
    }

    async fn calendar_versions(&self) -> Result<Vec<CalendarVersion>, StoreError> {
        let rows: Vec<(String, String, i64, Option<i64>, bool)> = sqlx::query_as(
            "SELECT id, host_id, busy_version, last_success_at, busy FROM calendar_connections
             ORDER BY host_id COLLATE \"C\", created_at, id COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(connection_id, host_id, busy_version, last_success_at, busy)| CalendarVersion {
                    connection_id,
                    host_id,
                    busy_version,
                    last_success_at,
                    busy,
                },
            )
            .collect())
    }

    async fn calendar_writes(&self, booking_id: &str) -> Result<Vec<CalendarWrite>, StoreError> {
        let rows = sqlx::query(
            "SELECT booking_id, connection_id, href, etag, sequence, updated_at
             FROM calendar_writes WHERE booking_id = $1 ORDER BY connection_id COLLATE \"C\"",
        )
        .bind(booking_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(write_from_row).collect()
    }

    async fn save_calendar_write(&self, write: &CalendarWrite) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendar_writes (booking_id, connection_id, href, etag, sequence,
                updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (booking_id, connection_id) DO UPDATE SET href = excluded.href,
                etag = excluded.etag, sequence = excluded.sequence,
                updated_at = excluded.updated_at",
        )
        .bind(&write.booking_id)
        .bind(&write.connection_id)
        .bind(&write.href)
        .bind(&write.etag)
        .bind(i64::from(write.sequence))
        .bind(write.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_calendar_write(
        &self,
        booking_id: &str,
        connection_id: &str,
    ) -> Result<bool, StoreError> {
        let deleted =
            sqlx::query("DELETE FROM calendar_writes WHERE booking_id = $1 AND connection_id = $2")
                .bind(booking_id)
                .bind(connection_id)
                .execute(&self.pool)
                .await?;
        Ok(deleted.rows_affected() == 1)
    }
}
