//! Operations on PostgreSQL: admin users, credentials, event types, the audit log, booking
//! lists, daily counters and failed jobs. Text keys are ordered byte-wise
//! (`COLLATE "C"`), as in SQLite, whatever the database's collation.

use sqlx::{postgres::PgRow, PgConnection, Postgres, QueryBuilder, Row};

use super::{booking_from_row, job_from_row, PgQueries, BOOKING_COLUMNS, JOB_COLUMNS};
use crate::{
    query::{bucket_select, merged_deltas, push_booking_filters, Search, BUCKET_GROUP},
    AdminUser, AuditEntry, Booking, BookingBucket, BookingQuery, BucketBy, CounterDelta,
    Credential, CredentialKind, Job, StoreError, StoredEventType, StoredHost,
};

const ADMIN_COLUMNS: &str =
    "id, email, password_hash, failed_logins, locked_until, created_at, host_id";

const CREDENTIAL_COLUMNS: &str =
    "id, kind, token_hash, user_email, name, csrf, created_at, expires_at, revoked_at, scopes";

/// A credential that is neither revoked nor expired at `$2`.
const CREDENTIAL_VALID: &str = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)";

const EVENT_TYPE_COLUMNS: &str =
    "slug, position, definition::text AS definition, enabled, updated_at";

const AUDIT_COLUMNS: &str = "id, at, actor, action, target, before_json::text AS before_json, \
     after_json::text AS after_json";

fn admin_from_row(row: &PgRow) -> Result<AdminUser, StoreError> {
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

fn credential_from_row(row: &PgRow) -> Result<Credential, StoreError> {
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

fn event_type_from_row(row: &PgRow) -> Result<StoredEventType, StoreError> {
    let definition: String = row.try_get("definition")?;
    Ok(StoredEventType {
        slug: row.try_get("slug")?,
        position: row.try_get("position")?,
        definition: json(&definition, "event type definition")?,
        enabled: row.try_get("enabled")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn host_from_row(row: &PgRow) -> Result<StoredHost, StoreError> {
    let definition: String = row.try_get("definition")?;
    Ok(StoredHost {
        id: row.try_get("id")?,
        position: row.try_get("position")?,
        definition: json(&definition, "host definition")?,
        enabled: row.try_get("enabled")?,
        updated_at: row.try_get("updated_at")?,
    })
}

async fn insert_host(connection: &mut PgConnection, host: &StoredHost) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hosts (id, position, definition, enabled, updated_at)
         VALUES ($1, $2, $3::jsonb, $4, $5)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position,
            definition = excluded.definition, enabled = excluded.enabled,
            updated_at = excluded.updated_at",
    )
    .bind(&host.id)
    .bind(host.position)
    .bind(host.definition.to_string())
    .bind(host.enabled)
    .bind(host.updated_at)
    .execute(connection)
    .await?;
    Ok(())
}

fn audit_from_row(row: &PgRow) -> Result<AuditEntry, StoreError> {
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
    connection: &mut PgConnection,
    event: &StoredEventType,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO event_types (slug, position, definition, enabled, updated_at)
         VALUES ($1, $2, $3::jsonb, $4, $5)
         ON CONFLICT (slug) DO UPDATE SET position = excluded.position,
            definition = excluded.definition, enabled = excluded.enabled,
            updated_at = excluded.updated_at",
    )
    .bind(&event.slug)
    .bind(event.position)
    .bind(event.definition.to_string())
    .bind(event.enabled)
    .bind(event.updated_at)
    .execute(connection)
    .await?;
    Ok(())
}

pub(super) async fn insert_audit(
    connection: &mut PgConnection,
    entry: &AuditEntry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, target, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)",
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

impl PgQueries {
    pub(crate) async fn upsert_admin_user_impl(
        &self,
        id: &str,
        email: &str,
        password_hash: &str,
        host_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // A concurrent insert of the same address makes this one wait for it and then do
        // nothing, so the update below finds the row.
        let inserted = sqlx::query(
            "INSERT INTO admin_users (id, email, password_hash, failed_logins, locked_until,
                created_at, host_id) VALUES ($1, $2, $3, 0, NULL, $4, $5)
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
                "UPDATE admin_users SET password_hash = $1, failed_logins = 0, locked_until = NULL,
                    host_id = $3
                 WHERE email = $2",
            )
            .bind(password_hash)
            .bind(email)
            .bind(host_id)
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
            "SELECT {ADMIN_COLUMNS} FROM admin_users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
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
        // One statement: concurrent failures queue on the row lock, and the right-hand
        // sides all see the row as it was before this update.
        let row = sqlx::query(&format!(
            "UPDATE admin_users SET
                failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0
                                     ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2
                                    ELSE locked_until END
             WHERE email = $3
             RETURNING {ADMIN_COLUMNS}"
        ))
        .bind(i64::from(max_failures))
        .bind(now.saturating_add(lock_seconds))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(admin_from_row).transpose()
    }

    pub(crate) async fn note_login_success_impl(&self, email: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE admin_users SET failed_logins = 0, locked_until = NULL
             WHERE email = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)",
        )
        .bind(email)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn create_credential_impl(
        &self,
        credential: &Credential,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO credentials ({CREDENTIAL_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
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
        .execute(&self.pool)
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
             WHERE token_hash = $1 AND {CREDENTIAL_VALID}"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(credential_from_row).transpose()
    }

    pub(crate) async fn revoke_credential_impl(
        &self,
        id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let revoked = sqlx::query(&format!(
            "UPDATE credentials SET revoked_at = $2 WHERE id = $1 AND {CREDENTIAL_VALID}"
        ))
        .bind(id)
        .bind(now)
        .execute(&self.pool)
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
            "UPDATE credentials SET revoked_at = $2 WHERE {CREDENTIAL_VALID}
             AND kind = 'session' AND user_email = $1 AND id <> $3"
        ))
        .bind(email)
        .bind(now)
        .bind(keep.unwrap_or(""))
        .execute(&self.pool)
        .await?;
        Ok(revoked.rows_affected())
    }

    pub(crate) async fn prune_credentials_impl(&self, before: i64) -> Result<u64, StoreError> {
        let pruned =
            sqlx::query("DELETE FROM credentials WHERE expires_at < $1 OR revoked_at < $1")
                .bind(before)
                .execute(&self.pool)
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
             WHERE kind = $1 AND {CREDENTIAL_VALID}
             ORDER BY created_at DESC, id COLLATE \"C\" DESC"
        ))
        .bind(kind.as_str())
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(credential_from_row).collect()
    }

    pub(crate) async fn event_types_impl(&self) -> Result<Vec<StoredEventType>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_TYPE_COLUMNS} FROM event_types ORDER BY position, slug COLLATE \"C\""
        ))
        .fetch_all(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        // SHARE ROW EXCLUSIVE conflicts with itself and with every write of the table, so
        // seeders of all instances take turns, and the count below (a snapshot taken after
        // the lock) sees what the ones before committed.
        sqlx::Executor::execute(
            &mut *tx,
            "LOCK TABLE event_types IN SHARE ROW EXCLUSIVE MODE",
        )
        .await?;
        let stored: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM event_types)")
            .fetch_one(&mut *tx)
            .await?;
        if stored {
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
        let mut tx = self.pool.begin().await?;
        insert_event_type(&mut tx, event).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn hosts_impl(&self) -> Result<Vec<StoredHost>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, position, definition::text AS definition, enabled, updated_at FROM hosts
             ORDER BY position, id COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(host_from_row).collect()
    }

    pub(crate) async fn seed_hosts_impl(&self, hosts: &[StoredHost]) -> Result<bool, StoreError> {
        if hosts.is_empty() {
            return Ok(false);
        }
        let mut tx = self.pool.begin().await?;
        // As with event types: seeders of all instances take turns on the table lock.
        sqlx::Executor::execute(&mut *tx, "LOCK TABLE hosts IN SHARE ROW EXCLUSIVE MODE").await?;
        let stored: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM hosts)")
            .fetch_one(&mut *tx)
            .await?;
        if stored {
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
        let mut tx = self.pool.begin().await?;
        insert_host(&mut tx, host).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn booking_counts_by_host_impl(
        &self,
        query: &BookingQuery,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut builder = QueryBuilder::<Postgres>::new(
            "SELECT host_id, count(*) FROM booking_holds WHERE booking_id IN (SELECT id FROM bookings",
        );
        push_booking_filters(&mut builder, query, Search::Lower);
        builder.push(") GROUP BY host_id ORDER BY host_id COLLATE \"C\"");
        let counts: Vec<(String, i64)> = builder.build_query_as().fetch_all(&self.pool).await?;
        Ok(counts)
    }

    pub(crate) async fn append_audit_impl(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await?;
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
                    "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE target = $1
                     ORDER BY at DESC, id COLLATE \"C\" DESC LIMIT $2"
                ))
                .bind(target)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_log
                     ORDER BY at DESC, id COLLATE \"C\" DESC LIMIT $1"
                ))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
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
            QueryBuilder::<Postgres>::new(format!("SELECT {BOOKING_COLUMNS} FROM bookings"));
        push_booking_filters(&mut builder, query, Search::Lower);
        builder.push(if query.descending {
            " ORDER BY start_at DESC, id COLLATE \"C\" DESC"
        } else {
            " ORDER BY start_at, id COLLATE \"C\""
        });
        if query.limit > 0 {
            builder.push(" LIMIT ").push_bind(i64::from(query.limit));
        }
        if query.offset > 0 {
            builder.push(" OFFSET ").push_bind(i64::from(query.offset));
        }
        let rows = builder.build().fetch_all(&self.pool).await?;
        rows.iter().map(booking_from_row).collect()
    }

    pub(crate) async fn count_bookings_impl(
        &self,
        query: &BookingQuery,
    ) -> Result<i64, StoreError> {
        let mut builder = QueryBuilder::<Postgres>::new("SELECT count(*) FROM bookings");
        push_booking_filters(&mut builder, query, Search::Lower);
        let count: i64 = builder.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(count)
    }

    pub(crate) async fn booking_buckets_impl(
        &self,
        query: &BookingQuery,
        by: BucketBy,
    ) -> Result<Vec<BookingBucket>, StoreError> {
        let mut builder = QueryBuilder::<Postgres>::new(bucket_select(by));
        push_booking_filters(&mut builder, query, Search::Lower);
        builder.push(BUCKET_GROUP);
        let rows = builder.build().fetch_all(&self.pool).await?;
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
        // Merged (one row may be updated once per statement) and in key order, so
        // concurrent writers lock shared counters in one order and cannot deadlock.
        let deltas = merged_deltas(deltas);
        let days: Vec<&str> = deltas.iter().map(|delta| delta.day.as_str()).collect();
        let slugs: Vec<&str> = deltas.iter().map(|d| d.event_slug.as_str()).collect();
        let metrics: Vec<&str> = deltas.iter().map(|delta| delta.metric.as_str()).collect();
        let counts: Vec<i64> = deltas.iter().map(|delta| delta.count).collect();
        sqlx::query(
            "INSERT INTO daily_counters AS counter (day, event_slug, metric, count)
             SELECT day, event_slug, metric, count
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[]) WITH ORDINALITY
                AS new (day, event_slug, metric, count, ordinal)
             ORDER BY ordinal
             ON CONFLICT (day, event_slug, metric)
             DO UPDATE SET count = counter.count + excluded.count",
        )
        .bind(days)
        .bind(slugs)
        .bind(metrics)
        .bind(counts)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn counters_impl(
        &self,
        from_day: &str,
        to_day: &str,
    ) -> Result<Vec<CounterDelta>, StoreError> {
        let rows = sqlx::query(
            "SELECT day, event_slug, metric, count FROM daily_counters
             WHERE day >= $1 AND day <= $2
             ORDER BY day COLLATE \"C\", event_slug COLLATE \"C\", metric COLLATE \"C\"",
        )
        .bind(from_day)
        .bind(to_day)
        .fetch_all(&self.pool)
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
             ORDER BY updated_at DESC, created_at DESC, id COLLATE \"C\" DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_from_row).collect()
    }

    pub(crate) async fn retry_dead_job_impl(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let retried = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, locked_by = NULL,
                lease_until = NULL, updated_at = $1
             WHERE id = $2 AND state = 'dead'",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(retried.rows_affected() == 1)
    }
}
