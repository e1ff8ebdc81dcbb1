//! `openslot admin ...`: creating admin users and API tokens from the command line.

use crate::{
    admin::auth,
    config::Config,
    scopes::{self, Scopes},
    serve,
};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

async fn store(config: &Config) -> Result<std::sync::Arc<dyn openslot_store::Store>, String> {
    let store = serve::open_store(config)
        .await
        .map_err(|err| err.to_string())?;
    store.migrate().await.map_err(|err| err.to_string())?;
    Ok(store)
}

/// Creates an admin user (or, with `host`, a host user who sees only that host's bookings
/// and edits only its hours), or sets a new password and role for an existing one;
/// returns whether the user is new. The host must exist (stored, or configured when the
/// database has none yet).
pub async fn add_user(
    config: &Config,
    email: &str,
    password: &str,
    host: Option<&str>,
) -> Result<bool, String> {
    let email = email.trim().to_lowercase();
    if !auth::valid_email(&email) {
        return Err("that is not an e-mail address".into());
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if password.chars().count() > 1024 {
        return Err("the password is too long (at most 1024 characters)".into());
    }
    let store = store(config).await?;
    if let Some(host) = host {
        let rows = store.hosts().await.map_err(|err| err.to_string())?;
        let hosts =
            crate::event_types::hosts_from_rows(config, &rows).map_err(|err| err.to_string())?;
        if hosts.get(host).is_none() {
            let known: Vec<&str> = hosts.iter().map(|host| host.id.as_str()).collect();
            return Err(format!(
                "there is no host {host:?} (hosts: {})",
                known.join(", ")
            ));
        }
    }
    let hash = auth::hash_password(password)?;
    let now = jiff::Timestamp::now().as_second();
    let id = uuid::Uuid::now_v7().to_string();
    let created = store
        .upsert_admin_user(&id, &email, &hash, host, now)
        .await
        .map_err(|err| err.to_string())?;
    if !created {
        // A new password (and perhaps role) ends every session signed in with the old one.
        store
            .revoke_sessions(&email, None, now)
            .await
            .map_err(|err| err.to_string())?;
    }
    Ok(created)
}

/// Creates an API token limited to `scopes` (none given: `admin`), ending after
/// `expires_in_days` when given, and returns its secret.
pub async fn create_token(
    config: &Config,
    name: &str,
    scopes: &[String],
    expires_in_days: Option<u32>,
) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err("the token needs a name of 1 to 80 characters".into());
    }
    let scopes = Scopes::parse_all(scopes)?;
    let now = jiff::Timestamp::now().as_second();
    let expires_at = expires_in_days
        .map(|days| scopes::expiry(now, days))
        .transpose()
        .map_err(|message| format!("--expires-in-days: {message}"))?;
    let store = store(config).await?;
    let (secret, credential) = auth::new_api_token(name, "cli", &scopes, now, expires_at);
    store
        .create_credential(&credential)
        .await
        .map_err(|err| err.to_string())?;
    Ok(secret)
}
