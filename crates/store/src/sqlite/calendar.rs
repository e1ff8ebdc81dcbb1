//! Calendar connections on SQLite. Writes run on the single writer connection in
//! `BEGIN IMMEDIATE` transactions (or as one statement), so each read-then-write holds the
//! write lock throughout and a claim is exclusive across every store on the file.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::{sqlite::SqliteRow, QueryBuilder, Row, Sqlite, SqliteConnection};

use super::{admin::insert_audit, SqliteStore};
use crate::{
    calendar::{plan_apply, settings_change},
    AuditEntry, CalendarConnection, CalendarDelta, CalendarSettings, CalendarStore,
    CalendarVersion, CalendarWrite, NewJob, StoreError,
};

/// Rows per multi-row statement: 5 parameters each stays far below SQLite's limit of
/// 32,766 bound parameters.
const BATCH: usize = 500;

const CONNECTION_COLUMNS: &str = "id, host_id, kind, url, username, password_env, password_enc, \
     busy, write_events, refresh_minutes, all_day_busy, origin, sync_cursor, last_attempt_at, \
     last_success_at, last_error, failing_since, alerted, events_imported, next_run_at, \
     busy_version, locked_by, lease_until, created_at, account_id";

fn connection_from_row(row: &SqliteRow) -> Result<CalendarConnection, StoreError> {
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
            busy: row.try_get::<i64, _>("busy")? != 0,
            write: row.try_get::<i64, _>("write_events")? != 0,
            refresh_minutes: u32::try_from(row.try_get::<i64, _>("refresh_minutes")?)
                .unwrap_or(u32::MAX),
            all_day_busy: row.try_get::<i64, _>("all_day_busy")? != 0,
            origin: row.try_get("origin")?,
            account_id: row.try_get("account_id")?,
        },
        cursor: serde_json::from_str(&cursor)
            .map_err(|err| StoreError::Corrupt(format!("calendar cursor: {err}")))?,
        last_attempt_at: row.try_get("last_attempt_at")?,
        last_success_at: row.try_get("last_success_at")?,
        last_error: row.try_get("last_error")?,
        failing_since: row.try_get("failing_since")?,
        alerted: row.try_get::<i64, _>("alerted")? != 0,
        events_imported: row.try_get("events_imported")?,
        next_run_at: row.try_get("next_run_at")?,
        busy_version: row.try_get("busy_version")?,
        locked_by: row.try_get("locked_by")?,
        lease_until: row.try_get("lease_until")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn connection_in(
    connection: &mut SqliteConnection,
    id: &str,
) -> Result<Option<CalendarConnection>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CONNECTION_COLUMNS} FROM calendar_connections WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(&mut *connection)
    .await?;
    row.as_ref().map(connection_from_row).transpose()
}

/// Drops what a connection imported (its resources and their busy rows).
async fn drop_import(connection: &mut SqliteConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM calendar_busy WHERE connection_id = ?")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    sqlx::query("DELETE FROM calendar_resources WHERE connection_id = ?")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// Deletes a connection with everything that belongs to it; whether it existed.
async fn delete_connection(
    connection: &mut SqliteConnection,
    id: &str,
) -> Result<bool, sqlx::Error> {
    drop_import(connection, id).await?;
    sqlx::query("DELETE FROM calendar_writes WHERE connection_id = ?")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    let deleted = sqlx::query("DELETE FROM calendar_connections WHERE id = ?")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Inserts `settings` as a connection of `origin`, or updates the stored one (see
/// [`settings_change`]), inside the caller's transaction.
async fn upsert_settings(
    connection: &mut SqliteConnection,
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
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&settings.id)
    .bind(&settings.host_id)
    .bind(&settings.kind)
    .bind(&settings.url)
    .bind(&settings.username)
    .bind(&settings.password_env)
    .bind(&settings.password_enc)
    .bind(i64::from(settings.busy))
    .bind(i64::from(settings.write))
    .bind(i64::from(settings.refresh_minutes))
    .bind(i64::from(settings.all_day_busy))
    .bind(&settings.origin)
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(&settings.account_id)
    .execute(&mut *connection)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(());
    }
    let Some(old) = connection_in(connection, &settings.id).await? else {
        return Err(StoreError::Corrupt(format!(
            "calendar connection {} vanished under the write lock",
            settings.id
        )));
    };
    let Some(change) = settings_change(&old, &settings, now) else {
        return Ok(());
    };
    if change.reset {
        drop_import(connection, &settings.id).await?;
    }
    sqlx::query(
        "UPDATE calendar_connections SET host_id = ?, kind = ?, url = ?, username = ?,
            password_env = ?, password_enc = ?, busy = ?, write_events = ?, refresh_minutes = ?,
            all_day_busy = ?, origin = ?, account_id = ?, busy_version = ?, next_run_at = ?,
            updated_at = ?,
            sync_cursor = CASE WHEN ? THEN 'null' ELSE sync_cursor END,
            events_imported = CASE WHEN ? THEN 0 ELSE events_imported END,
            locked_by = CASE WHEN ? THEN NULL ELSE locked_by END,
            lease_until = CASE WHEN ? THEN NULL ELSE lease_until END
         WHERE id = ?",
    )
    .bind(&settings.host_id)
    .bind(&settings.kind)
    .bind(&settings.url)
    .bind(&settings.username)
    .bind(&settings.password_env)
    .bind(&settings.password_enc)
    .bind(i64::from(settings.busy))
    .bind(i64::from(settings.write))
    .bind(i64::from(settings.refresh_minutes))
    .bind(i64::from(settings.all_day_busy))
    .bind(&settings.origin)
    .bind(&settings.account_id)
    .bind(change.busy_version)
    .bind(change.next_run_at)
    .bind(now)
    .bind(change.reset)
    .bind(change.reset)
    .bind(change.reset)
    .bind(change.reset)
    .bind(&settings.id)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

fn write_from_row(row: &SqliteRow) -> Result<CalendarWrite, StoreError> {
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
impl CalendarStore for SqliteStore {
    async fn calendar_connections(&self) -> Result<Vec<CalendarConnection>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM calendar_connections ORDER BY host_id, created_at, id"
        ))
        .fetch_all(&self.readers)
        .await?;
        rows.iter().map(connection_from_row).collect()
    }

    async fn calendar_connection(
        &self,
        id: &str,
    ) -> Result<Option<CalendarConnection>, StoreError> {
        let mut connection = self.readers.acquire().await?;
        connection_in(&mut connection, id).await
    }

    async fn sync_config_calendars(
        &self,
        calendars: &[CalendarSettings],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT id FROM calendar_connections WHERE origin = 'config'")
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
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
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
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
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
        // One statement: it takes the write lock before reading, so the row it picks is
        // still free when it is leased, whichever store on the file claims alongside.
        let row = sqlx::query(&format!(
            "UPDATE calendar_connections SET locked_by = ?, lease_until = ?, sync_requested = 0,
                updated_at = ?
             WHERE id = (
                SELECT id FROM calendar_connections
                WHERE next_run_at <= ? AND (locked_by IS NULL OR lease_until <= ?)
                ORDER BY next_run_at, id LIMIT 1)
             RETURNING {CONNECTION_COLUMNS}"
        ))
        .bind(worker)
        .bind(now.saturating_add(lease_seconds))
        .bind(now)
        .bind(now)
        .bind(now)
        .fetch_optional(&self.writer)
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
            "UPDATE calendar_connections SET lease_until = ?, updated_at = ?
             WHERE id = ? AND locked_by = ?",
        )
        .bind(now.saturating_add(lease_seconds))
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.writer)
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
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let owner: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT host_id, locked_by FROM calendar_connections WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let host_id = match owner {
            Some((host_id, Some(locked_by))) if locked_by == worker => host_id,
            _ => return Ok(false),
        };
        let stored: HashMap<String, Option<String>> =
            sqlx::query_as("SELECT href, etag FROM calendar_resources WHERE connection_id = ?")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        let mut stored_busy: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        let rows: Vec<(String, i64, i64)> = if delta.full {
            sqlx::query_as(
                "SELECT href, start_at, end_at FROM calendar_busy WHERE connection_id = ?",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
        } else {
            // An incremental sync only needs the busy rows of the resources it touches.
            let touched: Vec<&str> = delta
                .upserts
                .iter()
                .map(|resource| resource.href.as_str())
                .chain(delta.removed.iter().map(String::as_str))
                .collect();
            let mut rows = Vec::new();
            for hrefs in touched.chunks(BATCH) {
                let mut query = QueryBuilder::<Sqlite>::new(
                    "SELECT href, start_at, end_at FROM calendar_busy WHERE connection_id = ",
                );
                query.push_bind(id).push(" AND href IN (");
                let mut list = query.separated(", ");
                for href in hrefs {
                    list.push_bind(*href);
                }
                query.push(")");
                rows.extend(query.build_query_as().fetch_all(&mut *tx).await?);
            }
            rows
        };
        for (href, start, end) in rows {
            stored_busy.entry(href).or_default().push((start, end));
        }
        let plan = plan_apply(&stored, &stored_busy, delta);
        for href in &plan.delete {
            sqlx::query("DELETE FROM calendar_busy WHERE connection_id = ? AND href = ?")
                .bind(id)
                .bind(href)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM calendar_resources WHERE connection_id = ? AND href = ?")
                .bind(id)
                .bind(href)
                .execute(&mut *tx)
                .await?;
        }
        // Many rows per statement: a first import of thousands of events holds the one
        // writer (and so bookings) for a few statements instead of thousands.
        for resources in plan.upsert.chunks(BATCH) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "INSERT INTO calendar_resources (connection_id, href, etag) ",
            );
            query.push_values(resources, |mut row, (href, etag)| {
                row.push_bind(id).push_bind(href).push_bind(etag);
            });
            query.push(" ON CONFLICT (connection_id, href) DO UPDATE SET etag = excluded.etag");
            query.build().execute(&mut *tx).await?;
        }
        for href in &plan.replace {
            sqlx::query("DELETE FROM calendar_busy WHERE connection_id = ? AND href = ?")
                .bind(id)
                .bind(href)
                .execute(&mut *tx)
                .await?;
        }
        for rows in plan.insert.chunks(BATCH) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "INSERT INTO calendar_busy (connection_id, href, host_id, start_at, end_at) ",
            );
            query.push_values(rows, |mut row, (href, start, end)| {
                row.push_bind(id)
                    .push_bind(href)
                    .push_bind(&host_id)
                    .push_bind(start)
                    .push_bind(end);
            });
            query.build().execute(&mut *tx).await?;
        }
        sqlx::query(
            "UPDATE calendar_connections SET sync_cursor = ?, last_attempt_at = ?,
                last_success_at = ?, last_error = NULL, failing_since = NULL,
                events_imported = (SELECT count(*) FROM calendar_busy WHERE connection_id = ?),
                busy_version = busy_version + ?,
                next_run_at = CASE WHEN sync_requested = 1 THEN min(?, ?) ELSE ? END,
                sync_requested = 0, locked_by = NULL, lease_until = NULL, updated_at = ?
             WHERE id = ?",
        )
        .bind(delta.cursor.to_string())
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(i64::from(plan.changed))
        .bind(next_run_at)
        .bind(now)
        .bind(next_run_at)
        .bind(now)
        .bind(id)
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
            "UPDATE calendar_connections SET last_attempt_at = ?, last_error = ?,
                failing_since = coalesce(failing_since, ?),
                next_run_at = CASE WHEN sync_requested = 1 THEN min(?, ?) ELSE ? END,
                sync_requested = 0, locked_by = NULL, lease_until = NULL, updated_at = ?
             WHERE id = ? AND locked_by = ?
             RETURNING {CONNECTION_COLUMNS}"
        ))
        .bind(now)
        .bind(error)
        .bind(now)
        .bind(next_run_at)
        .bind(now)
        .bind(next_run_at)
        .bind(now)
        .bind(id)
        .bind(worker)
        .fetch_optional(&self.writer)
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
        let mut tx = self.writer.begin().await?;
        let changed = sqlx::query(
            "UPDATE calendar_connections SET alerted = ? WHERE id = ? AND alerted <> ?",
        )
        .bind(i64::from(alerted))
        .bind(id)
        .bind(i64::from(alerted))
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
            "UPDATE calendar_connections SET next_run_at = min(next_run_at, ?),
                sync_requested = CASE WHEN locked_by IS NOT NULL AND lease_until > ? THEN 1
                                      ELSE sync_requested END,
                updated_at = ?
             WHERE id = ?",
        )
        .bind(now)
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(requested.rows_affected() == 1)
    }

    async fn next_calendar_sync_at(&self) -> Result<Option<i64>, StoreError> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT min(CASE WHEN locked_by IS NULL THEN next_run_at
                             ELSE max(next_run_at, coalesce(lease_until, next_run_at)) END)
             FROM calendar_connections",
        )
        .fetch_one(&self.readers)
        .await?;
        Ok(next)
    }

    async fn calendar_resource_etags(
        &self,
        connection_id: &str,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let etags = sqlx::query_as(
            "SELECT href, etag FROM calendar_resources WHERE connection_id = ? ORDER BY href",
        )
        .bind(connection_id)
        .fetch_all(&self.readers)
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
             WHERE b.host_id = ? AND b.start_at < ? AND b.end_at > ? AND c.busy = 1
             ORDER BY b.start_at, b.end_at",
        )
        .bind(host_id)
        .bind(to)
        .bind(from)
        .fetch_all(&self.readers)
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
             WHERE c.busy = 1
             ORDER BY b.host_id, b.start_at, b.end_at",
        )
        .fetch(&self.readers);
        while let Some((host_id, start, end)) = rows.try_next().await? {
            each(&host_id, start, end);
        }
        Ok(())
    }

    async fn calendar_versions(&self) -> Result<Vec<CalendarVersion>, StoreError> {
        let rows: Vec<(String, String, i64, Option<i64>, i64)> = sqlx::query_as(
            "SELECT id, host_id, busy_version, last_success_at, busy FROM calendar_connections
             ORDER BY host_id, created_at, id",
        )
        .fetch_all(&self.readers)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(connection_id, host_id, busy_version, last_success_at, busy)| CalendarVersion {
                    connection_id,
                    host_id,
                    busy_version,
                    last_success_at,
                    busy: busy != 0,
                },
            )
            .collect())
    }

    async fn calendar_writes(&self, booking_id: &str) -> Result<Vec<CalendarWrite>, StoreError> {
        let rows = sqlx::query(
            "SELECT booking_id, connection_id, href, etag, sequence, updated_at
             FROM calendar_writes WHERE booking_id = ? ORDER BY connection_id",
        )
        .bind(booking_id)
        .fetch_all(&self.readers)
        .await?;
        rows.iter().map(write_from_row).collect()
    }

    async fn save_calendar_write(&self, write: &CalendarWrite) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendar_writes (booking_id, connection_id, href, etag, sequence,
                updated_at)
             VALUES (?, ?, ?, ?, ?, ?)
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
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn delete_calendar_write(
        &self,
        booking_id: &str,
        connection_id: &str,
    ) -> Result<bool, StoreError> {
        let deleted =
            sqlx::query("DELETE FROM calendar_writes WHERE booking_id = ? AND connection_id = ?")
                .bind(booking_id)
                .bind(connection_id)
                .execute(&self.writer)
                .await?;
        Ok(deleted.rows_affected() == 1)
    }
}
