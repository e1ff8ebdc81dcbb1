//! Webhook subscriptions and their delivery log on PostgreSQL.

use async_trait::async_trait;
use sqlx::{postgres::PgRow, Row};

use super::{job_from_row, PgQueries, JOB_COLUMNS};
use crate::{
    webhook::{join_events, split_events},
    Job, StoreError, WebhookAttempt, WebhookStore, WebhookSubscription,
};

const SUBSCRIPTION_COLUMNS: &str = "id, url, events, active, description, secret_sealed, \
     previous_secret_sealed, previous_until, created_at, updated_at";

const ATTEMPT_COLUMNS: &str = "id, subscription_id, job_id, message_id, event, attempt, at, \
     status_code, latency_ms, error, delivered";

fn subscription_from_row(row: &PgRow) -> Result<WebhookSubscription, StoreError> {
    Ok(WebhookSubscription {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        events: split_events(&row.try_get::<String, _>("events")?),
        active: row.try_get("active")?,
        description: row.try_get("description")?,
        secret_sealed: row.try_get("secret_sealed")?,
        previous_secret_sealed: row.try_get("previous_secret_sealed")?,
        previous_until: row.try_get("previous_until")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn attempt_from_row(row: &PgRow) -> Result<WebhookAttempt, StoreError> {
    Ok(WebhookAttempt {
        id: row.try_get("id")?,
        subscription_id: row.try_get("subscription_id")?,
        job_id: row.try_get("job_id")?,
        message_id: row.try_get("message_id")?,
        event: row.try_get("event")?,
        attempt: u32::try_from(row.try_get::<i64, _>("attempt")?).unwrap_or(0),
        at: row.try_get("at")?,
        status_code: row
            .try_get::<Option<i32>, _>("status_code")?
            .and_then(|code| u16::try_from(code).ok()),
        latency_ms: u64::try_from(row.try_get::<i64, _>("latency_ms")?).unwrap_or(0),
        error: row.try_get("error")?,
        delivered: row.try_get("delivered")?,
    })
}

#[async_trait]
impl WebhookStore for PgQueries {
    async fn save_webhook(&self, subscription: &WebhookSubscription) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webhook_subscriptions (id, url, events, active, description,
                secret_sealed, previous_secret_sealed, previous_until, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events,
                active = excluded.active, description = excluded.description,
                secret_sealed = excluded.secret_sealed,
                previous_secret_sealed = excluded.previous_secret_sealed,
                previous_until = excluded.previous_until, updated_at = excluded.updated_at",
        )
        .bind(&subscription.id)
        .bind(&subscription.url)
        .bind(join_events(&subscription.events))
        .bind(subscription.active)
        .bind(&subscription.description)
        .bind(&subscription.secret_sealed)
        .bind(&subscription.previous_secret_sealed)
        .bind(subscription.previous_until)
        .bind(subscription.created_at)
        .bind(subscription.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn webhook(&self, id: &str) -> Result<Option<WebhookSubscription>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(subscription_from_row).transpose()
    }

    async fn webhooks(&self) -> Result<Vec<WebhookSubscription>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn delete_webhook(&self, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query("DELETE FROM webhook_subscriptions WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if deleted {
            sqlx::query(
                "UPDATE jobs SET state = 'cancelled', updated_at = extract(epoch FROM now())::bigint
                 WHERE kind = 'webhook' AND payload->>'subscription_id' = $1
                   AND state = 'queued'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }

    async fn record_webhook_attempt(&self, attempt: &WebhookAttempt) -> Result<(), StoreError> {
        // A subscription deleted while its delivery was in flight has no log to append to.
        sqlx::query(&format!(
            "INSERT INTO webhook_attempts ({ATTEMPT_COLUMNS})
             SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::int8, $7::int8, $8::int4,
                $9::int8, $10::text, $11::bool
             WHERE EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = $12)"
        ))
        .bind(&attempt.id)
        .bind(&attempt.subscription_id)
        .bind(&attempt.job_id)
        .bind(&attempt.message_id)
        .bind(&attempt.event)
        .bind(i64::from(attempt.attempt))
        .bind(attempt.at)
        .bind(attempt.status_code.map(i32::from))
        .bind(i64::try_from(attempt.latency_ms).unwrap_or(i64::MAX))
        .bind(&attempt.error)
        .bind(attempt.delivered)
        .bind(&attempt.subscription_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn webhook_attempts(
        &self,
        subscription_id: &str,
        limit: u32,
    ) -> Result<Vec<WebhookAttempt>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM webhook_attempts WHERE subscription_id = $1
             ORDER BY at DESC, id DESC LIMIT $2"
        ))
        .bind(subscription_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(attempt_from_row).collect()
    }

    async fn webhook_jobs(
        &self,
        subscription_id: &str,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE kind = 'webhook' AND payload->>'subscription_id' = $1
             ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(subscription_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_from_row).collect()
    }
}
