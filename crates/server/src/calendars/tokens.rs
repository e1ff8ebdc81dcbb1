//! OAuth tokens of connected Google and Microsoft accounts. The refresh token is stored
//! sealed; the access token too, with its expiry, so every instance uses the same one
//! until shortly before it expires. Then one instance renews it under a lease on the
//! account row while the others wait for its result: a provider never sees the same
//! refresh token twice at once (Microsoft rotates it, and a rotated-away token would be
//! refused). A refused refresh token (`invalid_grant`) marks the account "needs
//! reconnecting" and tells the ops inbox once.

use std::time::Duration;

use openslot_calendar::{
    oauth::{OAuthClient, Provider},
    CalendarError,
};
use openslot_store::{OAuthAccount, StoreError};

use super::service::Calendars;
use crate::{
    config::{OAuthApp, OAuthProvider},
    domain::MailKind,
    notify::CalendarAlert,
};

/// An access token is renewed this long before it expires, so a call made with it does
/// not expire mid-flight.
const RENEW_BEFORE_SECONDS: i64 = 120;
/// How long an instance may hold an account's refresh before another may take over.
const REFRESH_LEASE_SECONDS: i64 = 30;
/// While another instance renews the token, look again this often...
const WAIT_STEP: Duration = Duration::from_millis(100);
/// ...this many times at most (callers time-box further: verify-on-book has its own
/// deadline).
const MAX_WAITS: usize = 300;

/// An account's status while it works (the store's spelling).
pub const STATUS_OK: &str = OAuthAccount::OK;
/// An account whose refresh token the provider refused: a person must sign in again.
pub const STATUS_NEEDS_RECONNECT: &str = OAuthAccount::NEEDS_RECONNECT;

/// Why no access token could be had.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the {0} account needs reconnecting")]
    NeedsReconnect(&'static str),
    #[error("no [{0}] OAuth client is configured")]
    NotConfigured(&'static str),
    #[error("the connected account is gone")]
    Gone,
    #[error("the stored token cannot be opened with the current or previous secrets")]
    Sealed,
    #[error("{0}")]
    Remote(CalendarError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// A usable access token and where to use it.
pub struct AccessToken {
    pub token: String,
    pub provider: OAuthProvider,
    /// `[google] api_base` or `[microsoft] graph_base`.
    pub api_base: String,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"<redacted>")
            .field("provider", &self.provider)
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// The calendar crate's client for a configured provider.
pub fn oauth_client(app: &OAuthApp) -> OAuthClient {
    OAuthClient {
        provider: match app.provider {
            OAuthProvider::Google => Provider::Google,
            OAuthProvider::Microsoft => Provider::Microsoft,
        },
        client_id: app.client_id.clone(),
        client_secret: app.client_secret.clone(),
        auth_url: app.auth_url.clone(),
        token_url: app.token_url.clone(),
        revoke_url: app.revoke_url.clone(),
    }
}

impl Calendars {
    /// The configured client of `provider`.
    pub fn oauth_app(&self, provider: OAuthProvider) -> Result<&OAuthApp, TokenError> {
        self.oauth
            .get(provider)
            .ok_or(TokenError::NotConfigured(provider.as_str()))
    }

    /// A valid access token of account `id`: the stored one while it has more than two
    /// minutes left, else a renewed one (renewed by this instance, or by the one holding
    /// the account's refresh lease).
    pub async fn access_token(&self, id: &str) -> Result<AccessToken, TokenError> {
        for _ in 0..MAX_WAITS {
            let account = self
                .store
                .oauth_account(id)
                .await?
                .ok_or(TokenError::Gone)?;
            let (provider, app) = self.account_app(&account)?;
            if let Some(token) = self.stored_access_token(&account)? {
                return Ok(AccessToken {
                    token,
                    provider,
                    api_base: app.api_base.clone(),
                });
            }
            let now = self.clock.now().as_second();
            let claimed = self
                .store
                .claim_token_refresh(id, &self.worker_id, now, REFRESH_LEASE_SECONDS)
                .await?;
            let Some(account) = claimed else {
                // Another instance is renewing it: its result is what we want.
                tokio::time::sleep(WAIT_STEP).await;
                continue;
            };
            let renewed = self.renew(&account, app).await;
            if renewed.is_err() {
                let _ = self.store.release_token_refresh(id, &self.worker_id).await;
            }
            return renewed.map(|token| AccessToken {
                token,
                provider,
                api_base: app.api_base.clone(),
            });
        }
        Err(TokenError::Remote(CalendarError::Timeout(
            (WAIT_STEP * MAX_WAITS as u32).as_millis() as u64,
        )))
    }

    fn account_app(
        &self,
        account: &OAuthAccount,
    ) -> Result<(OAuthProvider, &OAuthApp), TokenError> {
        let provider = OAuthProvider::parse(&account.provider).ok_or(TokenError::Gone)?;
        if account.status == STATUS_NEEDS_RECONNECT {
            return Err(TokenError::NeedsReconnect(provider.as_str()));
        }
        Ok((provider, self.oauth_app(provider)?))
    }

    /// The stored access token while it has long enough left.
    fn stored_access_token(&self, account: &OAuthAccount) -> Result<Option<String>, TokenError> {
        let now = self.clock.now().as_second();
        match (&account.access_token_enc, account.access_expires_at) {
            (Some(sealed), Some(expires)) if expires - now > RENEW_BEFORE_SECONDS => self
                .credentials
                .open(sealed)
                .map(Some)
                .map_err(|_| TokenError::Sealed),
            _ => Ok(None),
        }
    }

    /// Renews the access token of an account whose refresh lease this instance holds.
    async fn renew(&self, account: &OAuthAccount, app: &OAuthApp) -> Result<String, TokenError> {
        // Renewed by another instance between our look and our claim.
        if let Some(token) = self.stored_access_token(account)? {
            self.store
                .release_token_refresh(&account.id, &self.worker_id)
                .await?;
            return Ok(token);
        }
        let refresh_token = self
            .credentials
            .open(&account.refresh_token_enc)
            .map_err(|_| TokenError::Sealed)?;
        let client = oauth_client(app);
        match client.refresh(&self.client, &refresh_token).await {
            Ok(tokens) => {
                let now = self.clock.now().as_second();
                let expires = now + tokens.expires_in.min(i64::MAX as u64 / 2) as i64;
                let sealed_access = self.credentials.seal(&tokens.access_token);
                let sealed_refresh = tokens
                    .refresh_token
                    .as_deref()
                    .map(|token| self.credentials.seal(token));
                let kept = self
                    .store
                    .finish_token_refresh(
                        &account.id,
                        &self.worker_id,
                        &sealed_access,
                        expires,
                        sealed_refresh.as_deref(),
                        now,
                    )
                    .await?;
                if !kept {
                    tracing::warn!(account = %account.id, "token refresh lease lost; the renewed token is used once and not stored");
                }
                tracing::info!(account = %account.id, provider = %account.provider, "access token renewed");
                Ok(tokens.access_token)
            }
            Err(CalendarError::InvalidGrant(detail)) => {
                self.needs_reconnect(account, &detail).await?;
                let provider =
                    OAuthProvider::parse(&account.provider).map_or("oauth", OAuthProvider::as_str);
                Err(TokenError::NeedsReconnect(provider))
            }
            Err(err) => Err(TokenError::Remote(err)),
        }
    }

    /// Marks the account "needs reconnecting" and, on that change only, queues one e-mail
    /// to the ops inbox (in the same transaction, so exactly one instance sends it).
    async fn needs_reconnect(
        &self,
        account: &OAuthAccount,
        detail: &str,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let detail = crate::privacy::scrub(detail);
        let jobs = self.notifier.jobs_for_calendar_alert(
            MailKind::OpsCalendarNeedsReconnect,
            &CalendarAlert {
                connection_id: account.id.clone(),
                host: account.host_id.clone(),
                url: format!("{} account {}", account.provider, account.email),
                error: Some(detail.clone()),
                since: now.as_second(),
            },
            now,
        );
        let changed = self
            .store
            .mark_oauth_needs_reconnect(&account.id, &detail, &jobs, now.as_second())
            .await?;
        if changed {
            self.jobs_wake.notify_one();
            tracing::warn!(account = %account.id, host = %account.host_id, provider = %account.provider,
                "the provider refused the refresh token; the account needs reconnecting");
        }
        Ok(())
    }
}
