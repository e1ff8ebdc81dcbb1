//! Plain data of OAuth sign-ins (Google, Microsoft) that calendar connections read through,
//! and of authorization requests on their way through the provider. Tokens and verifiers
//! arrive sealed and `state` hashed by the server: the store keeps opaque strings and no
//! crypto. Instants are Unix seconds.

/// One Google or Microsoft sign-in of one host, holding its tokens. Unique per
/// `(host_id, provider, email)`.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthAccount {
    pub id: String,
    pub host_id: String,
    /// `google` or `microsoft`.
    pub provider: String,
    /// The signed-in account's address.
    pub email: String,
    /// The refresh token as sealed by the server.
    pub refresh_token_enc: String,
    /// The current access token as sealed by the server.
    pub access_token_enc: Option<String>,
    pub access_expires_at: Option<i64>,
    /// `ok` or `needs_reconnect` (the provider refused the grant).
    pub status: String,
    /// Why it needs reconnecting.
    pub status_detail: Option<String>,
    /// The worker refreshing the access token now, until `refresh_lease_until`.
    pub refresh_locked_by: Option<String>,
    pub refresh_lease_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl OAuthAccount {
    /// `status` of an account whose tokens work (as far as is known).
    pub const OK: &'static str = "ok";
    /// `status` of an account whose grant the provider refused.
    pub const NEEDS_RECONNECT: &'static str = "needs_reconnect";
}

impl std::fmt::Debug for OAuthAccount {
    // Even sealed, tokens stay out of logs.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OAuthAccount")
            .field("id", &self.id)
            .field("host_id", &self.host_id)
            .field("provider", &self.provider)
            .field("email", &self.email)
            .field("refresh_token_enc", &"<redacted>")
            .field(
                "access_token_enc",
                &self.access_token_enc.as_ref().map(|_| "<redacted>"),
            )
            .field("access_expires_at", &self.access_expires_at)
            .field("status", &self.status)
            .field("status_detail", &self.status_detail)
            .field("refresh_locked_by", &self.refresh_locked_by)
            .field("refresh_lease_until", &self.refresh_lease_until)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// An authorization request sent to the provider, found again by the hash of its `state`
/// when the provider redirects back.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthPending {
    /// Hash of the `state` parameter (the plain value only travels in the redirect).
    pub state_hash: String,
    /// `google` or `microsoft`.
    pub provider: String,
    /// The host whose calendars are being connected.
    pub host_id: String,
    /// Hash of the signed-in session that started it: the callback must come from it.
    pub session_hash: String,
    /// The PKCE code verifier as sealed by the server.
    pub verifier_enc: String,
    /// The account being reconnected, if any.
    pub account_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

impl std::fmt::Debug for OAuthPending {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OAuthPending")
            .field("state_hash", &self.state_hash)
            .field("provider", &self.provider)
            .field("host_id", &self.host_id)
            .field("session_hash", &self.session_hash)
            .field("verifier_enc", &"<redacted>")
            .field("account_id", &self.account_id)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_sealed_secrets() {
        let account = OAuthAccount {
            id: "a".into(),
            host_id: "ada".into(),
            provider: "google".into(),
            email: "ada@example.com".into(),
            refresh_token_enc: "SEALED-REFRESH".into(),
            access_token_enc: Some("SEALED-ACCESS".into()),
            access_expires_at: Some(10),
            status: OAuthAccount::OK.into(),
            status_detail: None,
            refresh_locked_by: None,
            refresh_lease_until: None,
            created_at: 1,
            updated_at: 1,
        };
        let shown = format!("{account:?}");
        assert!(!shown.contains("SEALED") && shown.contains("ada@example.com"));
        let pending = OAuthPending {
            state_hash: "h".into(),
            provider: "microsoft".into(),
            host_id: "ada".into(),
            session_hash: "s".into(),
            verifier_enc: "SEALED-VERIFIER".into(),
            account_id: None,
            created_at: 1,
            expires_at: 2,
        };
        let shown = format!("{pending:?}");
        assert!(!shown.contains("SEALED") && shown.contains("microsoft"));
    }
}
