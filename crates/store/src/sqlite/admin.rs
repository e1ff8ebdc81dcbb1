//! Operations on SQLite: admin users, credentials, event types, the audit log, booking
//! lists, daily counters and failed jobs. Writes go to the single writer connection
//! (transactions with `BEGIN IMMEDIATE`, so they hold the write lock from their first
//! read); reads go to the reader pool.

use sqlx::{sqlite::SqliteRow, QueryBuilder, Row, Sqlite, SqliteConnection};

use super::{booking_from_row, job_from_row, SqliteStore, BOOKING_COLUMNS, JOB_COLUMNS};
use crate::{
    query::{bucket_select, merged_deltas, push_booking_filters, Search, BUCKET_GROUP},
    AdminUser, AuditEntry, Booking, BookingBucket, BookingQuery, BucketBy, CounterDelta,
    Credential, CredentialKind, Job, StoreError, StoredEventType, StoredHost,
};

const ADMIN_COLUMNS: &str =
    "id, email, password_hash, failed_logins, locked_until, created_at, host_id";

const CREDENTIAL_COLUMNS: &str =
    "id, kind, token_hash, user_email, name, csrf, created_at, expires_at, revoked_at, scopes";

/// A credential that is neither revoked nor expired at the bound instant.
const CREDENTIAL_VALID: &str = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";

const EVENT_TYPE_COLUMNS: &str = "slug, position, definition, enabled, updated_at";

const AUDIT_COLUMNS: &str = "id, at, actor, action, target, before_json, after_json";

fn admin_from_row(row: &SqliteRow) -> Result<AdminUser, StoreError> {
    Ok(AdminUser {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        failed_logins: u32::try_from(row.try_get::<i64, _>("failed_logins")?).unwrap_or(0),
        locked_until: row.try_get("locked_until")?,
        created_at: row.try_get("created_at")?,
        host_id: row.try_get("host_id")?,
    })
}

fn credential_from_row(row: &SqliteRow) -> Result<Credential, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Credential {
        id: row.try_get("id")?,
        kind: CredentialKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("credential kind {kind:?}")))?,
        token_hash: row.try_get("token_hash")?,
        user_email: row.try_get("user_email")?,
        name: row.try_get("name")?,
        csrf: row.try_get("csrf")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        revoked_at: row.try_get("revoked_at")?,
        scopes: row
            .try_get::<String, _>("scopes")?
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    })
}

fn json(text: &str, what: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|err| StoreError::Corrupt(format!("{what}: {err}")))
}

fn event_type_from_row(row: &SqliteRow) -> Result<StoredEventType, StoreError> {
    let definition: String = row.try_get("definition")?;
    Ok(StoredEventType {
        slug: row.try_get("slug")?,
        position: row.try_get("position")?,
        definition: json(&definition, "event type definition")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        updated_at: row.try_get("updated_at")?,
    })
}

fn host_from_row(row: &SqliteRow) -> Result<StoredHost, StoreError> {
    let definition: String = row.try_get("definition")?;
    Ok(StoredHost {
        id: row.try_get("id")?,
        position: row.try_get("position")?,
        definition: json(&definition, "host definition")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        updated_at: row.try_get("updated_at")?,
    })
}

async fn insert_host(
    connection: &mut SqliteConnection,
    host: &StoredHost,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hosts (id, position, definition, enabled, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position,
            definition = excluded.definition, enabled = excluded.enabled,
            updated_at = excluded.updated_at",
    )
    .bind(&host.id)
    .bind(host.position)
    .bind(host.definition.to_string())
    .bind(i64::from(host.enabled))
    .bind(host.updated_at)
    .execute(connection)
    .await?;
    Ok(())
}

fn audit_from_row(row: &SqliteRow) -> Result<AuditEntry, StoreError> {
    let document = |column: &str| -> Result<Option<serde_json::Value>, StoreError> {
        row.try_get::<Option<String>, _>(column)?
            .map(|text| json(&text, "audit document"))
            .transpose()
    };
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        before: document("before_json")?,
        after: document("after_json")?,
    })
}

async fn insert_event_type(
    connection: &mut SqliteConnection,
    event: &StoredEventType,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO event_types (slug, position, definition, enabled, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET position = excluded.position,
            definition = excluded.definition, enabled = excluded.enabled,
            updated_at = excluded.updated_at",
    )
    .bind(&event.slug)
    .bind(event.position)
    .bind(event.definition.to_string())
    .bind(i64::from(event.enabled))
    .bind(event.updated_at)
    .execute(connection)
    .await?;
    Ok(())
}

pub(super) async fn insert_audit(
    connection: &mut SqliteConnection,
    entry: &AuditEntry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, target, before_json, after_json)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&entry.id)
    .bind(entry.at)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.target)
    .bind(entry.before.as_ref().map(|value| value.to_string()))
    .bind(entry.after.as_ref().map(|value| value.to_string()))
    .execute(connection)
    .await?;
    Ok(())
}

impl SqliteStore {
    pub(crate) async fn upsert_admin_user_impl(
        &self,
        id: &str,
        email: &str,
        password_hash: &str,
        host_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let inserted = sqlx::query(
            "INSERT INTO admin_users (id, email, password_hash, failed_logins, locked_until,
                created_at, host_id) VALUES (?, ?, ?, 0, NULL, ?, ?)
             ON CONFLICT (email) DO NOTHING",
        )
        .bind(id)
        .bind(email)
        .bind(password_hash)
        .bind(now)
        .bind(host_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !inserted {
            sqlx::query(
                "UPDATE admin_users SET password_hash = ?, failed_logins = 0, locked_until = NULL,
                    host_id = ?
                 WHERE email = ?",
            )
            .bind(password_hash)
            .bind(host_id)
            .bind(email)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }

    pub(crate) async fn admin_user_impl(
        &self,
        email: &str,
    ) -> Result<Option<AdminUser>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ADMIN_COLUMNS} FROM admin_users WHERE email = ?"
        ))
        .bind(email)
        .fetch_optional(&self.readers)
        .await?;
        row.as_ref().map(admin_from_row).transpose()
    }

    pub(crate) async fn note_login_failure_impl(
        &self,
        email: &str,
        now: i64,
        max_failures: u32,
        lock_seconds: i64,
    ) -> Result<Option<AdminUser>, StoreError> {
        // The right-hand sides all see the row as it was before the update.
        let row = sqlx::query(&format!(
            "UPDATE admin_users SET
                failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0
                                     ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= ? THEN ?
                                    ELSE locked_until END
             WHERE email = ?
             RETURNING {ADMIN_COLUMNS}"
        ))
        .bind(i64::from(max_failures))
        .bind(i64::from(max_failures))
        .bind(now.saturating_add(lock_seconds))
        .bind(email)
        .fetch_optional(&self.writer)
        .await?;
        row.as_ref().map(admin_from_row).transpose()
    }

    pub(crate) async fn note_login_success_impl(&self, email: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE admin_users SET failed_logins = 0, locked_until = NULL
             WHERE email = ? AND (failed_logins <> 0 OR locked_until IS NOT NULL)",
        )
        .bind(email)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(crate) async fn create_credential_impl(
        &self,
        credential: &Credential,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO credentials ({CREDENTIAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(&credential.id)
        .bind(credential.kind.as_str())
        .bind(&credential.token_hash)
        .bind(&credential.user_email)
        .bind(&credential.name)
        .bind(&credential.csrf)
        .bind(credential.created_at)
        .bind(credential.expires_at)
        .bind(credential.revoked_at)
        .bind(credential.scopes.join(" "))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(crate) async fn credential_impl(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Credential>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM credentials
             WHERE token_hash = ? AND {CREDENTIAL_VALID}"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.readers)
        .await?;
        row.as_ref().map(credential_from_row).transpose()
    }

    pub(crate) async fn revoke_credential_impl(
        &self,
        id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let revoked = sqlx::query(&format!(
            "UPDATE credentials SET revoked_at = ? WHERE id = ? AND {CREDENTIAL_VALID}"
        ))
        .bind(now)
        .bind(id)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(revoked.rows_affected() == 1)
    }

    pub(crate) async fn revoke_sessions_impl(
        &self,
        email: &str,
        keep: Option<&str>,
        now: i64,
    ) -> Result<u64, StoreError> {
        let revoked = sqlx::query(&format!(
            "UPDATE credentials SET revoked_at = ? WHERE {CREDENTIAL_VALID}
             AND kind = 'session' AND user_email = ? AND id <> ?"
        ))
        .bind(now)
        .bind(now)
        .bind(email)
        .bind(keep.unwrap_or(""))
        .execute(&self.writer)
        .await?;
        Ok(revoked.rows_affected())
    }

    pub(crate) async fn prune_credentials_impl(&self, before: i64) -> Result<u64, StoreError> {
        let pruned = sqlx::query("DELETE FROM credentials WHERE expires_at < ? OR revoked_at < ?")
            .bind(before)
            .bind(before)
            .execute(&self.writer)
            .await?;
        Ok(pruned.rows_affected())
    }

    pub(crate) async fn credentials_impl(
        &self,
        kind: CredentialKind,
        now: i64,
    ) -> Result<Vec<Credential>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM credentials
             WHERE kind = ? AND {CREDENTIAL_VALID}
             ORDER BY created_at DESC, id DESC"
        ))
        .bind(kind.as_str())
        .bind(now)
        .fetch_all(&self.readers)
        .await?;
        rows.iter().map(credential_from_row).collect()
    }

    pub(crate) async fn event_types_impl(&self) -> Result<Vec<StoredEventType>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_TYPE_COLUMNS} FROM event_types ORDER BY position, slug"
        ))
        .fetch_all(&self.readers)
        .await?;
        rows.iter().map(event_type_from_row).collect()
    }

    pub(crate) async fn seed_event_types_impl(
        &self,
        types: &[StoredEventType],
    ) -> Result<bool, StoreError> {
        if types.is_empty() {
            return Ok(false);
        }
        // The write lock is held from the count on, so of concurrent seeders (also in other
        // processes) the first seeds and the rest find the table filled.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM event_types")
            .fetch_one(&mut *tx)
            .await?;
        if stored > 0 {
            return Ok(false);
        }
        for event in types {
            insert_event_type(&mut tx, event).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub(crate) async fn save_event_type_impl(
        &self,
        event: &StoredEventType,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        insert_event_type(&mut tx, event).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn hosts_impl(&self) -> Result<Vec<StoredHost>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, position, definition, enabled, updated_at FROM hosts ORDER BY position, id",
        )
        .fetch_all(&self.readers)
        .await?;
        rows.iter().map(host_from_row).collect()
    }

    pub(crate) async fn seed_hosts_impl(&self, hosts: &[StoredHost]) -> Result<bool, StoreError> {
        if hosts.is_empty() {
            return Ok(false);
        }
        // As with event types: the write lock is held from the count on.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM hosts")
            .fetch_one(&mut *tx)
            .await?;
        if stored > 0 {
            return Ok(false);
        }
        for host in hosts {
            insert_host(&mut tx, host).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub(crate) async fn save_host_impl(
        &self,
        host: &StoredHost,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        insert_host(&mut tx, host).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn booking_counts_by_host_impl(
        &self,
        query: &BookingQuery,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut builder = QueryBuilder::<Sqlite>::new(
            "SELECT host_id, count(*) FROM booking_holds WHERE booking_id IN (SELECT id FROM bookings",
        );
        push_booking_filters(&mut builder, query, Search::FoldedColumn);
        builder.push(") GROUP BY host_id ORDER BY host_id");
        let counts: Vec<(String, i64)> = builder.build_query_as().fetch_all(&self.readers).await?;
        Ok(counts)
    }

    pub(crate) async fn append_audit_impl(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let mut connection = self.writer.acquire().await?;
        insert_audit(&mut connection, entry).await?;
        Ok(())
    }

    pub(crate) async fn audit_entries_impl(
        &self,
        target: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = match target {
            Some(target) => {
                sqlx::query(&format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE target = ?
                     ORDER BY at DESC, id DESC LIMIT ?"
                ))
                .bind(target)
                .bind(i64::from(limit))
                .fetch_all(&self.readers)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY at DESC, id DESC LIMIT ?"
                ))
                .bind(i64::from(limit))
                .fetch_all(&self.readers)
                .await?
            }
        };
        rows.iter().map(audit_from_row).collect()
    }

    pub(crate) async fn list_bookings_impl(
        &self,
        query: &BookingQuery,
    ) -> Result<Vec<Booking>, StoreError> {
        let mut builder =
            QueryBuilder::<Sqlite>::new(format!("SELECT {BOOKING_COLUMNS} FROM bookings"));
        push_booking_filters(&mut builder, query, Search::FoldedColumn);
        builder.push(if query.descending {
            " ORDER BY start_at DESC, id DESC"
        } else {
            " ORDER BY start_at, id"
        });
        if query.limit > 0 {
            builder.push(" LIMIT ").push_bind(i64::from(query.limit));
        } else if query.offset > 0 {
            // SQLite takes an OFFSET only after a LIMIT; -1 is none.
            builder.push(" LIMIT -1");
        }
        if query.offset > 0 {
            builder.push(" OFFSET ").push_bind(i64::from(query.offset));
        }
        let rows = builder.build().fetch_all(&self.readers).await?;
        rows.iter().map(booking_from_row).collect()
    }

    pub(crate) async fn count_bookings_impl(
        &self,
        query: &BookingQuery,
    ) -> Result<i64, StoreError> {
        let mut builder = QueryBuilder::<Sqlite>::new("SELECT count(*) FROM bookings");
        push_booking_filters(&mut builder, query, Search::FoldedColumn);
        let count: i64 = builder
            .build_query_scalar()
            .fetch_one(&self.readers)
            .await?;
        Ok(count)
    }

    pub(crate) async fn booking_buckets_impl(
        &self,
        query: &BookingQuery,
        by: BucketBy,
    ) -> Result<Vec<BookingBucket>, StoreError> {
        let mut builder = QueryBuilder::<Sqlite>::new(bucket_select(by));
        push_booking_filters(&mut builder, query, Search::FoldedColumn);
        builder.push(BUCKET_GROUP);
        let rows = builder.build().fetch_all(&self.readers).await?;
        rows.iter()
            .map(|row| {
                Ok(BookingBucket {
                    event_slug: row.try_get("event_slug")?,
                    at: row.try_get("bucket")?,
                    count: row.try_get("total")?,
                    confirmed: row.try_get("confirmed")?,
                })
            })
            .collect()
    }

    pub(crate) async fn add_counters_impl(
        &self,
        deltas: &[CounterDelta],
    ) -> Result<(), StoreError> {
        if deltas.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        for delta in merged_deltas(deltas) {
            sqlx::query(
                "INSERT INTO daily_counters (day, event_slug, metric, count) VALUES (?, ?, ?, ?)
                 ON CONFLICT (day, event_slug, metric)
                 DO UPDATE SET count = daily_counters.count + excluded.count",
            )
            .bind(&delta.day)
            .bind(&delta.event_slug)
            .bind(&delta.metric)
            .bind(delta.count)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn counters_impl(
        &self,
        from_day: &str,
        to_day: &str,
    ) -> Result<Vec<CounterDelta>, StoreError> {
        let rows = sqlx::query(
            "SELECT day, event_slug, metric, count FROM daily_counters
             WHERE day >= ? AND day <= ?
             ORDER BY day, event_slug, metric",
        )
        .bind(from_day)
        .bind(to_day)
        .fetch_all(&self.readers)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CounterDelta {
                    day: row.try_get("day")?,
                    event_slug: row.try_get("event_slug")?,
                    metric: row.try_get("metric")?,
                    count: row.try_get("count")?,
                })
            })
            .collect()
    }

    pub(crate) async fn failed_jobs_impl(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE state = 'dead' OR (state = 'queued' AND attempts > 0)
             ORDER BY updated_at DESC, created_at DESC, id DESC LIMIT ?"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.readers)
        .await?;
        rows.iter().map(job_from_row).collect()
    }

    pub(crate) async fn retry_dead_job_impl(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let retried = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?, locked_by = NULL,
                lease_until = NULL, updated_at = ?
             WHERE id = ? AND state = 'dead'",
        )
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(retried.rows_affected() == 1)
    }
}
