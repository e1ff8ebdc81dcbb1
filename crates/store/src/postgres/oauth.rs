//! OAuth accounts and authorization requests on PostgreSQL, shared by every instance. The
//! refresh lease is taken by one conditional `UPDATE … RETURNING`: at READ COMMITTED a
//! second claimer waits for the first one's row lock and then re-checks the condition on
//! the row as the first left it, so exactly one of them gets the lease.

use async_trait::async_trait;
use sqlx::{postgres::PgRow, Row};

use super::PgQueries;
use crate::{NewJob, OAuthAccount, OAuthPending, OAuthStore, StoreError};

const ACCOUNT_COLUMNS: &str = "id, host_id, provider, email, refresh_token_enc, \
     access_token_enc, access_expires_at, status, status_detail, refresh_locked_by, \
     refresh_lease_until, created_at, updated_at";

const PENDING_COLUMNS: &str =
    "state_hash, provider, host_id, session_hash, verifier_enc, account_id, created_at, expires_at";

fn account_from_row(row: &PgRow) -> Result<OAuthAccount, StoreError> {
    Ok(OAuthAccount {
        id: row.try_get("id")?,
        host_id: row.try_get("host_id")?,
        provider: row.try_get("provider")?,
        email: row.try_get("email")?,
        refresh_token_enc: row.try_get("refresh_token_enc")?,
        access_token_enc: row.try_get("access_token_enc")?,
        access_expires_at: row.try_get("access_expires_at")?,
        status: row.try_get("status")?,
        status_detail: row.try_get("status_detail")?,
        refresh_locked_by: row.try_get("refresh_locked_by")?,
        refresh_lease_until: row.try_get("refresh_lease_until")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn pending_from_row(row: &PgRow) -> Result<OAuthPending, StoreError> {
    Ok(OAuthPending {
        state_hash: row.try_get("state_hash")?,
        provider: row.try_get("provider")?,
        host_id: row.try_get("host_id")?,
        session_hash: row.try_get("session_hash")?,
        verifier_enc: row.try_get("verifier_enc")?,
        account_id: row.try_get("account_id")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

#[async_trait]
impl OAuthStore for PgQueries {
    async fn save_oauth_account(&self, account: &OAuthAccount) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO oauth_accounts (id, host_id, provider, email, refresh_token_enc,
                access_token_enc, access_expires_at, status, status_detail, created_at,
                updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (id) DO UPDATE SET host_id = excluded.host_id,
                provider = excluded.provider, email = excluded.email,
                refresh_token_enc = excluded.refresh_token_enc,
                access_token_enc = excluded.access_token_enc,
                access_expires_at = excluded.access_expires_at, status = excluded.status,
                status_detail = excluded.status_detail, refresh_locked_by = NULL,
                refresh_lease_until = NULL, updated_at = excluded.updated_at",
        )
        .bind(&account.id)
        .bind(&account.host_id)
        .bind(&account.provider)
        .bind(&account.email)
        .bind(&account.refresh_token_enc)
        .bind(&account.access_token_enc)
        .bind(account.access_expires_at)
        .bind(&account.status)
        .bind(&account.status_detail)
        .bind(account.created_at)
        .bind(account.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn oauth_account(&self, id: &str) -> Result<Option<OAuthAccount>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM oauth_accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    async fn oauth_accounts(&self, host_id: Option<&str>) -> Result<Vec<OAuthAccount>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM oauth_accounts WHERE $1::text IS NULL OR host_id = $1
             ORDER BY host_id, created_at, id"
        ))
        .bind(host_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_from_row).collect()
    }

    async fn delete_oauth_account(&self, id: &str) -> Result<bool, StoreError> {
        // The connections read through it, what they imported and wrote, and requests
        // reconnecting it go by ON DELETE CASCADE.
        let deleted = sqlx::query("DELETE FROM oauth_accounts WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected() == 1)
    }

    async fn claim_token_refresh(
        &self,
        id: &str,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<Option<OAuthAccount>, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE oauth_accounts SET refresh_locked_by = $1, refresh_lease_until = $2
             WHERE id = $3 AND (refresh_locked_by IS NULL OR refresh_lease_until <= $4)
             RETURNING {ACCOUNT_COLUMNS}"
        ))
        .bind(worker)
        .bind(now.saturating_add(lease_seconds))
        .bind(id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    async fn finish_token_refresh(
        &self,
        id: &str,
        worker: &str,
        access_token_enc: &str,
        access_expires_at: i64,
        refresh_token_enc: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let finished = sqlx::query(
            "UPDATE oauth_accounts SET access_token_enc = $1, access_expires_at = $2,
                refresh_token_enc = coalesce($3, refresh_token_enc), refresh_locked_by = NULL,
                refresh_lease_until = NULL, updated_at = $4
             WHERE id = $5 AND refresh_locked_by = $6",
        )
        .bind(access_token_enc)
        .bind(access_expires_at)
        .bind(refresh_token_enc)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(finished.rows_affected() == 1)
    }

    async fn release_token_refresh(&self, id: &str, worker: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE oauth_accounts SET refresh_locked_by = NULL, refresh_lease_until = NULL
             WHERE id = $1 AND refresh_locked_by = $2",
        )
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mark_oauth_needs_reconnect(
        &self,
        id: &str,
        detail: &str,
        alert_jobs: &[NewJob],
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE oauth_accounts SET status = 'needs_reconnect', status_detail = $1,
                refresh_locked_by = NULL, refresh_lease_until = NULL, updated_at = $2
             WHERE id = $3 AND status = 'ok'",
        )
        .bind(detail)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if changed {
            super::insert_jobs(&mut tx, alert_jobs, now).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn save_oauth_pending(&self, pending: &OAuthPending) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO oauth_pending ({PENDING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(&pending.state_hash)
        .bind(&pending.provider)
        .bind(&pending.host_id)
        .bind(&pending.session_hash)
        .bind(&pending.verifier_enc)
        .bind(&pending.account_id)
        .bind(pending.created_at)
        .bind(pending.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_oauth_pending(
        &self,
        state_hash: &str,
        now: i64,
    ) -> Result<Option<OAuthPending>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "DELETE FROM oauth_pending WHERE state_hash = $1 RETURNING {PENDING_COLUMNS}"
        ))
        .bind(state_hash)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM oauth_pending WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let pending = row.as_ref().map(pending_from_row).transpose()?;
        Ok(pending.filter(|pending| pending.expires_at > now))
    }
}
