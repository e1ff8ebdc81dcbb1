//! Connecting a host's Google or Microsoft account: the authorization-code flow with PKCE
//! (the `state` bound to the signed-in session; only hashes of it and of the session are
//! stored, the verifier sealed), the account kept with its tokens sealed, the account's
//! calendars offered and the host's choice made into calendar connections, and
//! disconnecting (revoke at the provider, then delete).

use std::collections::BTreeSet;
use std::time::Duration;

use openslot_calendar::{
    google, microsoft,
    oauth::{random_token, Pkce},
    CalendarError, RemoteCalendar,
};
use openslot_store::{
    AuditEntry, CalendarConnection, CalendarSettings, OAuthAccount, OAuthPending, StoreError,
};
use serde_json::{json, Value};

use super::{
    connection_id,
    service::Calendars,
    tokens::{oauth_client, TokenError, STATUS_OK},
};
use crate::{
    config::OAuthProvider,
    credentials::{same, secret_hash},
    domain::Actor,
};

/// How long a sign-in started in /admin may take at the provider.
pub const PENDING_SECONDS: i64 = 600;
/// How often a connected Google or Microsoft calendar is read (as CalDAV's default).
const REFRESH_MINUTES: u32 = 5;
/// Revoking is a courtesy to the provider: a disconnect never waits longer for it.
const REVOKE_DEADLINE: Duration = Duration::from_secs(10);

/// Why connecting, choosing or disconnecting did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("no [{0}] OAuth client is configured")]
    NotConfigured(&'static str),
    #[error("this sign-in is unknown, was finished already or has expired (it is valid for 10 minutes); start again from Calendars")]
    UnknownState,
    #[error("this sign-in was started from another browser session; start again from Calendars")]
    OtherSession,
    #[error("this sign-in was started with {started}, not {returned}; start again from Calendars")]
    WrongProvider {
        started: &'static str,
        returned: &'static str,
    },
    #[error("this sign-in was started for a host you may no longer manage")]
    HostNotAllowed,
    #[error("you signed in as {signed_in}, but the account being reconnected is {expected}: sign in with that account")]
    WrongAccount { expected: String, signed_in: String },
    #[error("{provider} refused the sign-in code ({detail}); start again from Calendars")]
    CodeRefused {
        provider: &'static str,
        detail: String,
    },
    #[error("{0} granted no refresh token (offline access); remove openslot's access in the account's settings and connect again")]
    NoRefreshToken(&'static str),
    #[error("there is no connected account {0:?}")]
    NotFound(String),
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("the stored sign-in cannot be opened with the current or previous secrets")]
    Sealed,
    #[error("{0}")]
    Token(#[from] TokenError),
    #[error("the provider's answer: {0}")]
    Remote(CalendarError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// An account just connected (or reconnected).
#[derive(Clone, Debug)]
pub struct Connected {
    pub account: OAuthAccount,
    /// It existed before (a reconnect, or the same account signed in again).
    pub existed: bool,
}

/// What a choice of calendars changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chosen {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// The connections read through `account_id`.
pub fn account_connections<'a>(
    connections: &'a [CalendarConnection],
    account_id: &str,
) -> Vec<&'a CalendarConnection> {
    connections
        .iter()
        .filter(|row| row.settings.account_id.as_deref() == Some(account_id))
        .collect()
}

/// A connection for the audit log.
fn audited(settings: &CalendarSettings) -> Value {
    json!({
        "host_id": settings.host_id,
        "kind": settings.kind,
        "url": settings.url,
        "account_id": settings.account_id,
        "busy": settings.busy,
        "write": settings.write,
        "refresh_minutes": settings.refresh_minutes,
    })
}

/// An account for the audit log (never a token, sealed or not).
fn audited_account(account: &OAuthAccount) -> Value {
    json!({
        "host_id": account.host_id,
        "provider": account.provider,
        "email": account.email,
        "status": account.status,
    })
}

impl Calendars {
    fn audit(
        &self,
        actor: &Actor,
        action: &str,
        target: String,
        before: Option<Value>,
        after: Option<Value>,
    ) -> AuditEntry {
        AuditEntry {
            id: uuid::Uuid::now_v7().to_string(),
            at: self.clock.now().as_second(),
            actor: actor.label(),
            action: action.into(),
            target,
            before,
            after,
        }
    }

    /// Starts connecting a `provider` account for `host_id` (or reconnecting the account
    /// `reconnect`) from the signed-in session `session_id` (its credential id): stores
    /// the sign-in under the hash of a fresh `state` and returns where to send the browser.
    pub async fn begin_connect(
        &self,
        provider: OAuthProvider,
        host_id: &str,
        session_id: &str,
        reconnect: Option<&OAuthAccount>,
    ) -> Result<String, ConnectError> {
        let app = self
            .oauth
            .get(provider)
            .ok_or(ConnectError::NotConfigured(provider.as_str()))?;
        let state = random_token();
        let pkce = Pkce::generate();
        let now = self.clock.now().as_second();
        self.store
            .save_oauth_pending(&OAuthPending {
                state_hash: secret_hash(&state),
                provider: provider.as_str().into(),
                host_id: host_id.into(),
                session_hash: secret_hash(session_id),
                verifier_enc: self.credentials.seal(&pkce.verifier),
                account_id: reconnect.map(|account| account.id.clone()),
                created_at: now,
                expires_at: now + PENDING_SECONDS,
            })
            .await?;
        let hint = reconnect.map(|account| account.email.as_str());
        Ok(oauth_client(app).authorize_url(
            &self.redirect_uri(provider),
            &state,
            &pkce.challenge,
            hint,
        ))
    }

    /// Forgets the sign-in of `state` (the provider reported an error): it cannot be used
    /// any more.
    pub async fn abandon_connect(&self, state: &str) -> Result<(), ConnectError> {
        let now = self.clock.now().as_second();
        self.store
            .take_oauth_pending(&secret_hash(state), now)
            .await?;
        Ok(())
    }

    /// Finishes a sign-in the provider redirected back with `code` and `state`: the
    /// sign-in must be unexpired, unused, of `provider`, started by the same session and
    /// (with `host_scope`) for that host. Exchanges the code, reads the account's address
    /// and stores the account (the one of the same host, provider and address if there is
    /// one) with its tokens sealed and status `ok`.
    pub async fn finish_connect(
        &self,
        provider: OAuthProvider,
        code: &str,
        state: &str,
        session_id: &str,
        host_scope: Option<&str>,
        actor: &Actor,
    ) -> Result<Connected, ConnectError> {
        let now = self.clock.now().as_second();
        // Taken (deleted) before anything else is checked: a state works once, whatever
        // the outcome.
        let pending = self
            .store
            .take_oauth_pending(&secret_hash(state), now)
            .await?
            .ok_or(ConnectError::UnknownState)?;
        if !same(&pending.session_hash, &secret_hash(session_id)) {
            return Err(ConnectError::OtherSession);
        }
        let started = OAuthProvider::parse(&pending.provider).ok_or(ConnectError::UnknownState)?;
        if started != provider {
            return Err(ConnectError::WrongProvider {
                started: started.as_str(),
                returned: provider.as_str(),
            });
        }
        if host_scope.is_some_and(|host| host != pending.host_id) {
            return Err(ConnectError::HostNotAllowed);
        }
        let app = self
            .oauth
            .get(provider)
            .ok_or(ConnectError::NotConfigured(provider.as_str()))?;
        let verifier = self
            .credentials
            .open(&pending.verifier_enc)
            .map_err(|_| ConnectError::Sealed)?;
        let tokens = oauth_client(app)
            .exchange_code(&self.client, code, &self.redirect_uri(provider), &verifier)
            .await
            .map_err(|err| match err {
                CalendarError::InvalidGrant(detail) => ConnectError::CodeRefused {
                    provider: provider.label(),
                    detail: crate::privacy::scrub(&detail),
                },
                other => ConnectError::Remote(other),
            })?;
        let email = match provider {
            OAuthProvider::Google => {
                google::account_email(&self.client, &app.api_base, &tokens.access_token).await
            }
            OAuthProvider::Microsoft => {
                microsoft::account_email(&self.client, &app.api_base, &tokens.access_token).await
            }
        }
        .map_err(ConnectError::Remote)?;

        let accounts = self.store.oauth_accounts(Some(&pending.host_id)).await?;
        if let Some(expected) = pending
            .account_id
            .as_deref()
            .and_then(|id| accounts.iter().find(|account| account.id == id))
        {
            if !expected.email.eq_ignore_ascii_case(&email) {
                return Err(ConnectError::WrongAccount {
                    expected: expected.email.clone(),
                    signed_in: email,
                });
            }
        }
        let existing = accounts.into_iter().find(|account| {
            account.provider == provider.as_str() && account.email.eq_ignore_ascii_case(&email)
        });
        let refresh_token_enc = match (&tokens.refresh_token, &existing) {
            (Some(token), _) => self.credentials.seal(token),
            // Signing in again without a new refresh token: the stored one stays valid
            // unless the provider said otherwise.
            (None, Some(account)) if account.status == STATUS_OK => {
                account.refresh_token_enc.clone()
            }
            (None, _) => return Err(ConnectError::NoRefreshToken(provider.label())),
        };
        let now = self.clock.now().as_second();
        let expires_in = i64::try_from(tokens.expires_in).unwrap_or(i64::MAX / 4);
        let mut account = OAuthAccount {
            id: existing
                .as_ref()
                .map_or_else(|| uuid::Uuid::now_v7().to_string(), |a| a.id.clone()),
            host_id: pending.host_id.clone(),
            provider: provider.as_str().into(),
            email: existing.as_ref().map_or(email, |a| a.email.clone()),
            refresh_token_enc,
            access_token_enc: Some(self.credentials.seal(&tokens.access_token)),
            access_expires_at: Some(now.saturating_add(expires_in)),
            status: STATUS_OK.into(),
            status_detail: None,
            refresh_locked_by: None,
            refresh_lease_until: None,
            created_at: existing.as_ref().map_or(now, |a| a.created_at),
            updated_at: now,
        };
        if let Err(err) = self.store.save_oauth_account(&account).await {
            // The same account connected at the same moment (two tabs) under another new
            // id: the database refused the second; this sign-in updates the first.
            let twin = self
                .store
                .oauth_accounts(Some(&account.host_id))
                .await?
                .into_iter()
                .find(|other| {
                    other.id != account.id
                        && other.provider == account.provider
                        && other.email.eq_ignore_ascii_case(&account.email)
                });
            let Some(twin) = twin.filter(|_| existing.is_none()) else {
                return Err(err.into());
            };
            account.id = twin.id;
            account.email = twin.email;
            account.created_at = twin.created_at;
            self.store.save_oauth_account(&account).await?;
        }
        let action = if existing.is_some() {
            "calendar_account.reconnect"
        } else {
            "calendar_account.connect"
        };
        let entry = self.audit(
            actor,
            action,
            format!("calendar-account:{}", account.id),
            existing.as_ref().map(audited_account),
            Some(audited_account(&account)),
        );
        self.store.append_audit(&entry).await?;
        if existing.is_some() {
            // Its connections failed while it needed reconnecting: read them again now.
            let connections = self.store.calendar_connections().await?;
            for row in account_connections(&connections, &account.id) {
                self.sync_now(&row.settings.id).await?;
            }
        }
        tracing::info!(account = %account.id, host = %account.host_id, provider = provider.as_str(),
            by = actor.kind(), existed = existing.is_some(), "calendar account connected");
        Ok(Connected {
            account,
            existed: existing.is_some(),
        })
    }

    /// The calendars of account `account_id` at the provider (one call per page, each
    /// time-boxed), the main one first, then by name.
    pub async fn remote_calendars(
        &self,
        account_id: &str,
    ) -> Result<Vec<RemoteCalendar>, ConnectError> {
        let token = self.access_token(account_id).await?;
        let mut calendars = match token.provider {
            OAuthProvider::Google => {
                google::calendars(&self.client, &token.api_base, &token.token).await
            }
            OAuthProvider::Microsoft => {
                microsoft::calendars(&self.client, &token.api_base, &token.token).await
            }
        }
        .map_err(ConnectError::Remote)?;
        calendars.sort_by(|a, b| {
            b.primary
                .cmp(&a.primary)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        Ok(calendars)
    }

    /// Makes the connections read through account `account_id` exactly `busy` (busy time
    /// read) and `write` (bookings written; at most one calendar per host, of any kind):
    /// new ones are added and synced, changed ones updated, the rest removed with what was
    /// read from them. The ids must be the account's calendars; `write` one it may edit.
    pub async fn choose_calendars(
        &self,
        account_id: &str,
        busy: &[String],
        write: Option<&str>,
        actor: &Actor,
    ) -> Result<Chosen, ConnectError> {
        let account = self
            .store
            .oauth_account(account_id)
            .await?
            .ok_or_else(|| ConnectError::NotFound(account_id.into()))?;
        let provider = OAuthProvider::parse(&account.provider)
            .ok_or_else(|| ConnectError::NotFound(account_id.into()))?;
        let busy: BTreeSet<&str> = busy.iter().map(String::as_str).collect();
        let wanted: BTreeSet<&str> = busy.iter().copied().chain(write).collect();
        if !wanted.is_empty() {
            let remote = self.remote_calendars(account_id).await?;
            for id in &wanted {
                let Some(calendar) = remote.iter().find(|calendar| calendar.id == *id) else {
                    let field = if busy.contains(id) { "busy" } else { "write" };
                    return Err(ConnectError::Invalid {
                        field,
                        message: format!("{id:?} is not one of this account's calendars"),
                    });
                };
                if write == Some(*id) && !calendar.writable {
                    return Err(ConnectError::Invalid {
                        field: "write",
                        message: format!(
                            "{} is read only for {}: bookings cannot be written into it",
                            calendar.name, account.email
                        ),
                    });
                }
            }
        }
        let connections = self.store.calendar_connections().await?;
        if write.is_some() {
            let writer = connections.iter().find(|row| {
                row.settings.host_id == account.host_id
                    && row.settings.write
                    && row.settings.account_id.as_deref() != Some(account_id)
            });
            if let Some(writer) = writer {
                let shown = match writer.settings.kind.as_str() {
                    "google" | "microsoft" => {
                        format!("{} calendar {}", writer.settings.kind, writer.settings.url)
                    }
                    _ => crate::notify::shown_url(&writer.settings.url),
                };
                return Err(ConnectError::Invalid {
                    field: "write",
                    message: format!(
                        "only one calendar per host takes bookings; {shown} already does (stop writing there first)"
                    ),
                });
            }
        }
        let mine = account_connections(&connections, account_id);
        let now = self.clock.now().as_second();
        let refresh_minutes = REFRESH_MINUTES
            .min(self.config.max_refresh_minutes())
            .max(1);
        let mut chosen = Chosen::default();
        let mut due = Vec::new();
        for id in &wanted {
            let current = mine.iter().find(|row| row.settings.url == *id);
            let settings = CalendarSettings {
                id: current.map_or_else(
                    || connection_id(&account.host_id, &format!("{account_id}/{id}")),
                    |row| row.settings.id.clone(),
                ),
                host_id: account.host_id.clone(),
                kind: provider.as_str().into(),
                url: (*id).to_string(),
                username: None,
                password_env: None,
                password_enc: None,
                busy: busy.contains(id),
                write: write == Some(*id),
                refresh_minutes: current
                    .map_or(refresh_minutes, |row| row.settings.refresh_minutes),
                all_day_busy: current.is_none_or(|row| row.settings.all_day_busy),
                origin: "admin".into(),
                account_id: Some(account_id.to_string()),
            };
            if current.is_some_and(|row| row.settings == settings) {
                continue;
            }
            let (action, before) = match current {
                Some(row) => {
                    chosen.changed += 1;
                    ("calendar.update", Some(audited(&row.settings)))
                }
                None => {
                    chosen.added += 1;
                    ("calendar.create", None)
                }
            };
            let entry = self.audit(
                actor,
                action,
                format!("calendar:{}", settings.id),
                before,
                Some(audited(&settings)),
            );
            self.store
                .save_calendar_connection(&settings, &entry, now)
                .await?;
            due.push(settings.id.clone());
        }
        for row in mine
            .iter()
            .filter(|row| !wanted.contains(row.settings.url.as_str()))
        {
            let entry = self.audit(
                actor,
                "calendar.delete",
                format!("calendar:{}", row.settings.id),
                Some(audited(&row.settings)),
                None,
            );
            if self
                .store
                .delete_calendar_connection(&row.settings.id, &entry)
                .await?
            {
                chosen.removed += 1;
                self.metrics
                    .set_calendar_age(&row.settings.id, &row.settings.host_id, None);
            }
        }
        if let Err(err) = self.load_busy().await {
            tracing::warn!(error = %err, "calendar connections not reloaded");
        }
        for id in &due {
            self.sync_now(id).await?;
        }
        tracing::info!(account = %account_id, host = %account.host_id, added = chosen.added,
            changed = chosen.changed, removed = chosen.removed, by = actor.kind(), "calendars chosen");
        Ok(chosen)
    }

    /// Disconnects account `account_id`: revokes its grant at the provider (best effort,
    /// within a deadline: a provider that is down must not keep an account connected),
    /// then deletes it with its connections and what was read from them.
    pub async fn disconnect(&self, account_id: &str, actor: &Actor) -> Result<(), ConnectError> {
        let account = self
            .store
            .oauth_account(account_id)
            .await?
            .ok_or_else(|| ConnectError::NotFound(account_id.into()))?;
        let app = OAuthProvider::parse(&account.provider).and_then(|p| self.oauth.get(p));
        match (app, self.credentials.open(&account.refresh_token_enc)) {
            (Some(app), Ok(token)) => {
                let client = oauth_client(app);
                let revoke = client.revoke(&self.client, &token);
                match tokio::time::timeout(REVOKE_DEADLINE, revoke).await {
                    Ok(Ok(())) => {
                        tracing::info!(account = %account.id, provider = %account.provider, "grant revoked")
                    }
                    Ok(Err(err)) => {
                        tracing::warn!(account = %account.id, provider = %account.provider, error = %err, "grant not revoked; deleted here all the same")
                    }
                    Err(_) => {
                        tracing::warn!(account = %account.id, provider = %account.provider, "grant not revoked within the deadline; deleted here all the same")
                    }
                }
            }
            (None, _) => {
                tracing::warn!(account = %account.id, provider = %account.provider, "no OAuth client configured for the account: not revoked")
            }
            (_, Err(_)) => {
                tracing::warn!(account = %account.id, "stored refresh token unreadable: not revoked")
            }
        }
        let connections = self.store.calendar_connections().await?;
        let gone: Vec<(String, String)> = account_connections(&connections, account_id)
            .iter()
            .map(|row| (row.settings.id.clone(), row.settings.host_id.clone()))
            .collect();
        if !self.store.delete_oauth_account(account_id).await? {
            return Err(ConnectError::NotFound(account_id.into()));
        }
        let mut before = audited_account(&account);
        before["calendars"] = json!(gone.iter().map(|(id, _)| id).collect::<Vec<_>>());
        let entry = self.audit(
            actor,
            "calendar_account.delete",
            format!("calendar-account:{}", account.id),
            Some(before),
            None,
        );
        self.store.append_audit(&entry).await?;
        if let Err(err) = self.load_busy().await {
            tracing::warn!(error = %err, "calendar connections not reloaded");
        }
        for (id, host) in &gone {
            self.metrics.set_calendar_age(id, host, None);
        }
        tracing::info!(account = %account.id, host = %account.host_id, provider = %account.provider,
            by = actor.kind(), "calendar account disconnected");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_hex_sha256_and_compared_whole() {
        let hash = secret_hash("state");
        assert_eq!(hash.len(), 64);
        assert!(hash
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(hash, secret_hash("state2"));
        assert!(same(&hash, &secret_hash("state")));
        assert!(!same(&hash, &hash[..63]));
        assert!(!same(&hash, &secret_hash("other")));
    }
}
