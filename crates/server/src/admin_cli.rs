//! `openslot admin ...`: creating admin users and API tokens from the command line.

use crate::{admin::auth, config::Config, serve};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

async fn store(config: &Config) -> Result<std::sync::Arc<dyn openslot_store::Store>, String> {
    let store = serve::open_store(config)
        .await
        .map_err(|err| err.to_string())?;
    store.migrate().await.map_err(|err| err.to_string())?;
    Ok(store)
}

/// Creates an admin user or sets a new password; returns whether the user is new.
pub async fn add_user(config: &Config, email: &str, password: &str) -> Result<bool, String> {
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
    let hash = auth::hash_password(password)?;
    let store = store(config).await?;
    let now = jiff::Timestamp::now().as_second();
    let id = uuid::Uuid::now_v7().to_string();
    let created = store
        .upsert_admin_user(&id, &email, &hash, None, now)
        .await
        .map_err(|err| err.to_string())?;
    if !created {
        // A new password ends every session signed in with the old one.
        store
            .revoke_sessions(&email, None, now)
            .await
            .map_err(|err| err.to_string())?;
    }
    Ok(created)
}

/// Creates an API token and returns its secret.
pub async fn create_token(config: &Config, name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err("the token needs a name of 1 to 80 characters".into());
    }
    let store = store(config).await?;
    let secret = format!("os_{}", auth::random_secret());
    let credential = openslot_store::Credential {
        id: uuid::Uuid::now_v7().to_string(),
        kind: openslot_store::CredentialKind::ApiToken,
        token_hash: auth::secret_hash(&secret),
        user_email: "cli".into(),
        name: name.to_string(),
        csrf: String::new(),
        created_at: jiff::Timestamp::now().as_second(),
        expires_at: None,
        revoked_at: None,
    };
    store
        .create_credential(&credential)
        .await
        .map_err(|err| err.to_string())?;
    Ok(secret)
}
