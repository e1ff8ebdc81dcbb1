//! Who may operate the service: admin users with argon2id password hashes, browser
//! sessions in an HttpOnly SameSite=Strict cookie (Secure behind https) with a CSRF token
//! per session for every form, per-IP sign-in rate limits and waits per account and address
//! (see [`super::throttle`]), and
//! bearer tokens for `/api/v1`. Only SHA-256 hashes of session and API secrets are stored.

use argon2::{
    password_hash::{
        rand_core::OsRng, rand_core::RngCore, PasswordHash, PasswordHasher, SaltString,
    },
    Argon2, PasswordVerifier,
};
use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use openslot_store::{Credential, CredentialKind};

use crate::{
    domain::Actor,
    http::error::ApiError,
    http::state::AppState,
    scopes::{Scope, Scopes},
};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "openslot_admin";

/// An argon2id PHC hash of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| err.to_string())
}

/// Whether `password` matches the PHC `hash`.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends about as long as a real check, so unknown addresses cannot be told apart by
/// timing.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let _ = verify_password(hash, password);
}

/// A new random secret (256 bits, hex).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

// Kept below the edge (the calendar connect flow stores and compares hashes the same way).
pub use crate::credentials::{same, secret_hash};

/// Whether an e-mail address looks usable for an admin account.
pub fn valid_email(email: &str) -> bool {
    openslot_mail::is_mailbox(email)
}

/// What a signed-in user or API token may reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// Everything.
    Admin,
    /// Only this host's bookings and this host's hours.
    Host(String),
}

impl Role {
    /// The role of the admin user with (lower-case) `email`; `None` when there is no such
    /// user. API tokens made from the command line have no user and are admin.
    async fn of(state: &AppState, email: &str) -> Result<Option<Role>, ApiError> {
        Ok(state
            .store
            .admin_user(email)
            .await?
            .map(|user| match user.host_id {
                Some(host) => Role::Host(host),
                None => Role::Admin,
            }))
    }

    /// The host a host user is limited to; `None` for admins.
    pub fn host(&self) -> Option<&str> {
        match self {
            Role::Admin => None,
            Role::Host(host) => Some(host),
        }
    }

    /// 403 unless this is an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        match self {
            Role::Admin => Ok(()),
            Role::Host(_) => Err(forbidden()),
        }
    }

    /// Whether this role may see and act on `booking` (a host user: bookings holding
    /// their host).
    pub fn may_see(&self, booking: &openslot_store::Booking) -> bool {
        match self {
            Role::Admin => true,
            Role::Host(host) => {
                booking.host_id == *host || booking.hosts.iter().any(|held| held == host)
            }
        }
    }

    /// Whether this role may edit host `id`.
    pub fn may_edit_host(&self, id: &str) -> bool {
        match self {
            Role::Admin => true,
            Role::Host(host) => host == id,
        }
    }
}

/// What a host user gets for anything beyond their own host.
pub fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        "this needs an admin; a host user may only see their host's bookings and edit their host's hours",
    )
}

/// A signed-in admin user.
#[derive(Clone, Debug)]
pub struct AdminSession {
    pub email: String,
    pub csrf: String,
    pub credential_id: String,
    pub role: Role,
}

impl AdminSession {
    pub fn actor(&self) -> Actor {
        Actor::Admin(self.email.clone())
    }

    /// Checks the CSRF token a form posted.
    pub fn check_csrf(&self, posted: Option<&str>) -> Result<(), ApiError> {
        match posted {
            Some(token) if same(token, &self.csrf) => Ok(()),
            _ => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_failed",
                "this form has expired or did not come from this site; reload the page and try again",
            )),
        }
    }
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

async fn session_of(parts: &Parts, state: &AppState) -> Result<Option<AdminSession>, ApiError> {
    let Some(secret) = cookie_value(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if secret.len() != 64 {
        return Ok(None);
    }
    let now = state.clock.now().as_second();
    let credential = state.store.credential(&secret_hash(&secret), now).await?;
    let Some(credential) =
        credential.filter(|credential| credential.kind == CredentialKind::Session)
    else {
        return Ok(None);
    };
    // Read on every request, so a changed role applies at once; a session whose user is
    // gone is no session.
    let Some(role) = Role::of(state, &credential.user_email).await? else {
        return Ok(None);
    };
    Ok(Some(AdminSession {
        email: credential.user_email,
        csrf: credential.csrf,
        credential_id: credential.id,
        role,
    }))
}

/// Sends a browser without a session to the sign-in page.
pub struct SignInFirst(Response);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        self.0
    }
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = SignInFirst;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_of(parts, state).await {
            Ok(Some(session)) => Ok(session),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|path| path.as_str())
                    .filter(|path| path.starts_with("/admin"))
                    .unwrap_or("/admin");
                let location = format!(
                    "/admin/login?next={}",
                    crate::web::pages::query_escape(next)
                );
                let mut response = Redirect::to(&location).into_response();
                if parts.method != axum::http::Method::GET {
                    *response.status_mut() = StatusCode::UNAUTHORIZED;
                }
                Err(SignInFirst(response))
            }
            Err(err) => Err(SignInFirst(err.into_response())),
        }
    }
}

impl OptionalFromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        session_of(parts, state).await
    }
}

/// The caller of `/api/v1`: a valid API token in `Authorization: Bearer`. A token acts
/// with the role of the user who made it (now, not when it was made; tokens made with
/// `openslot admin create-token` are admin) and within its own scopes: both limits apply.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub actor: Actor,
    pub role: Role,
    pub scopes: Scopes,
}

impl ApiCaller {
    /// 403 `insufficient_scope`, naming the scope, unless the token holds `scope` (or
    /// `admin`). Every `/api/v1` handler calls this first.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.allows(scope) {
            Ok(())
        } else {
            Err(insufficient_scope(scope))
        }
    }
}

/// What a token without `scope` gets (RFC 6750, section 3.1).
pub fn insufficient_scope(scope: Scope) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        format!("this token lacks the scope `{scope}`"),
    )
    .with_challenge(format!(
        "Bearer error=\"insufficient_scope\", scope=\"{scope}\""
    ))
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthorized = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send an admin API token as `Authorization: Bearer TOKEN`",
            )
            .with_challenge("Bearer")
        };
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(unauthorized)?;
        let now = state.clock.now().as_second();
        // Looked up whatever its expiry (the earliest instant as "now"), so an expired
        // token can be told apart from an unknown one; revoked tokens are never found.
        let credential = state
            .store
            .credential(&secret_hash(secret), i64::MIN)
            .await?;
        match credential {
            Some(credential) if credential.kind == CredentialKind::ApiToken => {
                if let Some(expired) = credential.expires_at.filter(|at| *at <= now) {
                    return Err(expired_token(expired));
                }
                let role = Role::of(state, &credential.user_email)
                    .await?
                    .unwrap_or(Role::Admin);
                Ok(ApiCaller {
                    actor: Actor::Token(credential.name),
                    role,
                    scopes: Scopes::from_names(&credential.scopes),
                })
            }
            _ => Err(unauthorized()),
        }
    }
}

fn expired_token(at: i64) -> ApiError {
    let when = jiff::Timestamp::from_second(at)
        .map(|at| at.to_string())
        .unwrap_or_default();
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        format!("this API token expired at {when}; create a new one"),
    )
    .with_challenge("Bearer error=\"invalid_token\", error_description=\"the token expired\"")
}

/// Creates a session for `email`; returns the cookie to set.
pub async fn start_session(state: &AppState, email: &str) -> Result<String, ApiError> {
    let secret = random_secret();
    let now = state.clock.now().as_second();
    let lifetime = i64::from(state.config.admin.session_hours.max(1)) * 3600;
    let credential = Credential {
        id: uuid::Uuid::now_v7().to_string(),
        kind: CredentialKind::Session,
        token_hash: secret_hash(&secret),
        user_email: email.to_string(),
        name: String::new(),
        csrf: random_secret(),
        created_at: now,
        expires_at: Some(now + lifetime),
        revoked_at: None,
        scopes: Vec::new(),
    };
    state.store.create_credential(&credential).await?;
    Ok(session_cookie(state, &secret, lifetime))
}

/// `Set-Cookie` for the session (or, with an empty secret, one that removes it).
pub fn session_cookie(state: &AppState, secret: &str, max_age: i64) -> String {
    let secure = if state.config.public_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={secret}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

/// A new API token's secret (shown once) and the credential to store: `scopes` limit
/// it, `expires_at` (Unix seconds) ends it.
pub fn new_api_token(
    name: &str,
    created_by: &str,
    scopes: &Scopes,
    created_at: i64,
    expires_at: Option<i64>,
) -> (String, Credential) {
    let secret = format!("os_{}", random_secret());
    let credential = Credential {
        id: uuid::Uuid::now_v7().to_string(),
        kind: CredentialKind::ApiToken,
        token_hash: secret_hash(&secret),
        user_email: created_by.to_string(),
        name: name.to_string(),
        csrf: String::new(),
        created_at,
        expires_at,
        revoked_at: None,
        scopes: scopes.names(),
    };
    (secret, credential)
}

/// Creates an API token; returns the secret (shown once) and the stored credential.
pub async fn create_api_token(
    state: &AppState,
    name: &str,
    created_by: &str,
    scopes: &Scopes,
    expires_at: Option<i64>,
) -> Result<(String, Credential), ApiError> {
    let now = state.clock.now().as_second();
    let (secret, credential) = new_api_token(name, created_by, scopes, now, expires_at);
    state.store.create_credential(&credential).await?;
    Ok((secret, credential))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horsE"));
        assert!(!verify_password("not a hash", "correct horse"));
        assert_ne!(hash, hash_password("correct horse").unwrap(), "salted");
    }

    #[test]
    fn a_missing_scope_is_named_in_the_body_and_the_challenge() {
        let caller = ApiCaller {
            actor: Actor::Token("crm".into()),
            role: Role::Admin,
            scopes: Scopes::new([Scope::BookingsRead]),
        };
        assert!(caller.require(Scope::BookingsRead).is_ok());
        let refused = caller.require(Scope::BookingsWrite).unwrap_err();
        assert_eq!(
            (refused.status, refused.code),
            (StatusCode::FORBIDDEN, "insufficient_scope")
        );
        assert_eq!(
            refused.message,
            "this token lacks the scope `bookings:write`"
        );
        let response = refused.into_response();
        assert_eq!(
            response.headers()[header::WWW_AUTHENTICATE],
            "Bearer error=\"insufficient_scope\", scope=\"bookings:write\""
        );
        // The role still applies to an admin-scoped token of a host user.
        let host = ApiCaller {
            actor: Actor::Token("desk".into()),
            role: Role::Host("ada".into()),
            scopes: Scopes::admin(),
        };
        assert!(host.require(Scope::EventTypesWrite).is_ok());
        assert!(host.role.require_admin().is_err());
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = random_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_secret());
        assert_eq!(secret_hash(&a).len(), 64);
        assert_ne!(secret_hash(&a), a);
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
