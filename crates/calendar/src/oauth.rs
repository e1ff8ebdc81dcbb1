//! OAuth 2.0 for Google and the Microsoft identity platform (v2.0): the authorization-code
//! flow with PKCE (RFC 7636, S256), refresh, and revocation. Nothing is stored here; the
//! server keeps the tokens (encrypted) and decides when to refresh.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::Method;
use sha2::{Digest, Sha256};
use url::Url;

use crate::http::{error_message, json_body, rate_limited, Http, Reply, Request};
use crate::source::CalendarError;

/// Access-token lifetime assumed when the token endpoint does not say (RFC 6749 makes
/// `expires_in` only recommended); both providers give an hour.
const DEFAULT_EXPIRES_IN: u64 = 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    Google,
    Microsoft,
}

impl Provider {
    /// The connection kind and config section: `"google"` or `"microsoft"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Google => "google",
            Provider::Microsoft => "microsoft",
        }
    }
}

/// One OAuth client registration (Google Cloud console, Microsoft Entra) and the endpoints
/// it talks to.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub provider: Provider,
    pub client_id: String,
    pub client_secret: String,
    pub auth_url: String,
    pub token_url: String,
    /// Google's revocation endpoint; Microsoft has none for a single refresh token.
    pub revoke_url: Option<String>,
}

impl fmt::Debug for OAuthClient {
    // The client secret must never reach a log line, even through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .field("revoke_url", &self.revoke_url)
            .finish()
    }
}

/// A PKCE pair (RFC 7636): the verifier stays with us (in the pending sign-in), the S256
/// challenge goes into the authorize URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &"<redacted>")
            .field("challenge", &self.challenge)
            .finish()
    }
}

impl Pkce {
    /// A fresh pair: 48 random bytes as a 64-character base64url verifier (RFC 7636 4.1
    /// allows 43 to 128 characters of the unreserved set).
    pub fn generate() -> Pkce {
        let verifier = URL_SAFE_NO_PAD.encode(random_bytes::<48>());
        let challenge = Pkce::challenge_of(&verifier);
        Pkce {
            verifier,
            challenge,
        }
    }

    /// `BASE64URL(SHA256(ASCII(verifier)))`, the S256 method of RFC 7636 4.2.
    pub fn challenge_of(verifier: &str) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
    }
}

/// 32 random bytes, base64url without padding: for the OAuth `state`.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The operating system's generator failing is not something to carry on from: a state
    // or verifier that is not random breaks the flow's security.
    getrandom::getrandom(&mut bytes).expect("the operating system's random generator");
    bytes
}

/// What the token endpoint granted.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: String,
    /// Seconds from the answer until the access token expires.
    pub expires_in: u64,
    /// A new refresh token: always on a code exchange (with offline access), on a refresh
    /// only when the provider rotates it (Microsoft does, Google keeps the old one).
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("scope", &self.scope)
            .finish()
    }
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

impl OAuthClient {
    /// The scopes asked for, no more than the calls need: Google's calendar list and
    /// free/busy (read only) and events; Microsoft's `/me`, calendars and events, and a
    /// refresh token (`offline_access`). Meet and Teams links need nothing more.
    pub fn scopes(&self) -> &'static str {
        match self.provider {
            Provider::Google => "https://www.googleapis.com/auth/calendar.readonly https://www.googleapis.com/auth/calendar.events",
            Provider::Microsoft => {
                "offline_access User.Read Calendars.ReadWrite"
            }
        }
    }

    /// Where to send the user's browser to sign in and consent.
    pub fn authorize_url(
        &self,
        redirect_uri: &str,
        state: &str,
        pkce_challenge: &str,
        login_hint: Option<&str>,
    ) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", self.scopes())
            .append_pair("state", state)
            .append_pair("code_challenge", pkce_challenge)
            .append_pair("code_challenge_method", "S256");
        match self.provider {
            // Without offline access and a forced consent Google hands out a refresh token
            // only on the very first sign-in of an account.
            Provider::Google => {
                query
                    .append_pair("access_type", "offline")
                    .append_pair("prompt", "consent");
            }
            Provider::Microsoft => {
                query.append_pair("response_mode", "query");
            }
        }
        if let Some(hint) = login_hint {
            query.append_pair("login_hint", hint);
        }
        let separator = if self.auth_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{separator}{}", self.auth_url, query.finish())
    }

    /// Redeems an authorization code (with the PKCE verifier) for tokens.
    pub async fn exchange_code(
        &self,
        http: &Http,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<TokenSet, CalendarError> {
        let mut fields = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ];
        if self.provider == Provider::Microsoft {
            fields.push(("scope", self.scopes()));
        }
        self.token_call(http, &fields).await
    }

    /// A new access token for `refresh_token`; `InvalidGrant` when the provider refuses it
    /// for good (revoked, expired, password changed, consent withdrawn).
    pub async fn refresh(
        &self,
        http: &Http,
        refresh_token: &str,
    ) -> Result<TokenSet, CalendarError> {
        let mut fields = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        if self.provider == Provider::Microsoft {
            fields.push(("scope", self.scopes()));
        }
        self.token_call(http, &fields).await
    }

    /// Revokes a token at the provider (Google). Microsoft has no endpoint for revoking one
    /// refresh token, so there it is only deleted on our side. A token the provider no longer
    /// knows counts as revoked.
    pub async fn revoke(&self, http: &Http, token: &str) -> Result<(), CalendarError> {
        let (Provider::Google, Some(revoke_url)) = (self.provider, &self.revoke_url) else {
            return Ok(());
        };
        let url = parse_url(revoke_url)?;
        let reply = http
            .send(
                None,
                Request::new(Method::POST, url).form(&[("token", token)]),
            )
            .await?;
        if reply.status.is_success() {
            return Ok(());
        }
        match oauth_error(&reply) {
            CalendarError::InvalidGrant(_) => Ok(()),
            CalendarError::Status { status: 400, .. }
                if error_code(&reply).as_deref() == Some("invalid_token") =>
            {
                Ok(())
            }
            other => Err(other),
        }
    }

    async fn token_call(
        &self,
        http: &Http,
        fields: &[(&str, &str)],
    ) -> Result<TokenSet, CalendarError> {
        let url = parse_url(&self.token_url)?;
        let mut fields = fields.to_vec();
        // Both providers take the client's credentials in the body
        // (client_secret_post); Microsoft does not accept HTTP Basic for them.
        fields.push(("client_id", &self.client_id));
        fields.push(("client_secret", &self.client_secret));
        let request = Request::new(Method::POST, url)
            .header("accept", "application/json")
            .form(&fields);
        let reply = http.send(None, request).await?;
        token_answer(&reply)
    }
}

/// A token endpoint's answer: the tokens, or what its error means.
pub(crate) fn token_answer(reply: &Reply) -> Result<TokenSet, CalendarError> {
    if !reply.status.is_success() {
        return Err(oauth_error(reply));
    }
    let answer: TokenAnswer = json_body(reply)?;
    if let Some(kind) = &answer.token_type {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(CalendarError::Protocol(format!(
                "token type {kind:?}, expected Bearer"
            )));
        }
    }
    if answer.access_token.is_empty() {
        return Err(CalendarError::Protocol("empty access token".into()));
    }
    // Google sends a number; some identity servers a numeric string.
    let expires_in = match &answer.expires_in {
        Some(serde_json::Value::Number(number)) => number.as_u64(),
        Some(serde_json::Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    }
    .unwrap_or(DEFAULT_EXPIRES_IN);
    Ok(TokenSet {
        access_token: answer.access_token,
        expires_in,
        refresh_token: answer.refresh_token.filter(|token| !token.is_empty()),
        scope: answer.scope,
    })
}

fn parse_url(text: &str) -> Result<Url, CalendarError> {
    Url::parse(text).map_err(|_| CalendarError::Protocol(format!("bad URL {text:?}")))
}

fn error_code(reply: &Reply) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(&reply.body).ok()?;
    value.get("error")?.as_str().map(str::to_owned)
}

/// Maps a token-endpoint error (RFC 6749 5.2) onto [`CalendarError`]. `invalid_grant` and
/// Microsoft's `interaction_required` / `consent_required` (MFA or consent needed again) can
/// only be fixed by the user signing in again.
fn oauth_error(reply: &Reply) -> CalendarError {
    let status = reply.status.as_u16();
    if status == 429 || status == 503 {
        return rate_limited(reply);
    }
    let detail = error_message(&reply.body).unwrap_or_else(|| {
        reply
            .status
            .canonical_reason()
            .unwrap_or("unexpected status")
            .to_owned()
    });
    match error_code(reply).as_deref() {
        Some("invalid_grant" | "interaction_required" | "consent_required") => {
            CalendarError::InvalidGrant(detail)
        }
        // Our own registration is wrong (id, secret, redirect URI): an operator's fix.
        Some("invalid_client" | "unauthorized_client") => {
            CalendarError::Auth(if status == 400 { 401 } else { status })
        }
        _ if status == 401 || status == 403 => CalendarError::Auth(status),
        _ => CalendarError::Status { status, detail },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::peer::{Answer, Peer};
    use std::time::Duration;

    fn client(provider: Provider, peer: &Peer) -> OAuthClient {
        OAuthClient {
            provider,
            client_id: "client-1".into(),
            client_secret: "s3cret-value".into(),
            auth_url: format!("{}/authorize", peer.base()),
            token_url: format!("{}/token", peer.base()),
            revoke_url: Some(format!("{}/revoke", peer.base())),
        }
    }

    fn http() -> Http {
        Http::new(Duration::from_secs(5)).unwrap()
    }

    fn form(body: &[u8]) -> std::collections::HashMap<String, String> {
        url::form_urlencoded::parse(body).into_owned().collect()
    }

    #[test]
    fn pkce_matches_the_rfc_7636_example_and_is_random() {
        // RFC 7636 Appendix B.
        assert_eq!(
            Pkce::challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let one = Pkce::generate();
        let two = Pkce::generate();
        assert_eq!(one.verifier.len(), 64);
        assert!(one
            .verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(one.verifier, two.verifier);
        assert_eq!(one.challenge, Pkce::challenge_of(&one.verifier));
        assert_eq!(random_token().len(), 43);
        assert_ne!(random_token(), random_token());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let client = OAuthClient {
            provider: Provider::Google,
            client_id: "id".into(),
            client_secret: "s3cret-value".into(),
            auth_url: "https://a".into(),
            token_url: "https://t".into(),
            revoke_url: None,
        };
        let tokens = TokenSet {
            access_token: "ya29.access".into(),
            expires_in: 3600,
            refresh_token: Some("1//refresh".into()),
            scope: None,
        };
        let pkce = Pkce::generate();
        let text = format!("{client:?} {tokens:?} {pkce:?}");
        assert!(!text.contains("s3cret-value"), "{text}");
        assert!(!text.contains("ya29.access"), "{text}");
        assert!(!text.contains("1//refresh"), "{text}");
        assert!(!text.contains(&pkce.verifier), "{text}");
    }

    #[test]
    fn authorize_urls_carry_pkce_state_and_provider_extras() {
        let google = OAuthClient {
            provider: Provider::Google,
            client_id: "abc.apps.googleusercontent.com".into(),
            client_secret: "x".into(),
            auth_url: "https://accounts.google.com/o/oauth2/v2/auth".into(),
            token_url: "https://oauth2.googleapis.com/token".into(),
            revoke_url: None,
        };
        let url = Url::parse(&google.authorize_url(
            "https://book.example.com/admin/calendars/google/callback",
            "st&ate",
            "chal",
            Some("ada@example.com"),
        ))
        .unwrap();
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(url.path(), "/o/oauth2/v2/auth");
        assert_eq!(query["client_id"], "abc.apps.googleusercontent.com");
        assert_eq!(
            query["redirect_uri"],
            "https://book.example.com/admin/calendars/google/callback"
        );
        assert_eq!(query["response_type"], "code");
        assert_eq!(query["state"], "st&ate");
        assert_eq!(query["code_challenge"], "chal");
        assert_eq!(query["code_challenge_method"], "S256");
        assert_eq!(query["access_type"], "offline");
        assert_eq!(query["prompt"], "consent");
        assert_eq!(query["login_hint"], "ada@example.com");
        assert_eq!(
            query["scope"],
            "https://www.googleapis.com/auth/calendar.readonly https://www.googleapis.com/auth/calendar.events"
        );

        let microsoft = OAuthClient {
            provider: Provider::Microsoft,
            ..google
        };
        let url = Url::parse(&microsoft.authorize_url("https://cb", "s", "c", None)).unwrap();
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert!(query["scope"].contains("offline_access"));
        assert!(query["scope"].contains("Calendars.ReadWrite"));
        assert!(!query.contains_key("access_type"));
        assert!(!query.contains_key("login_hint"));
        assert_eq!(query["response_mode"], "query");
    }

    #[tokio::test]
    async fn code_exchange_posts_the_form_and_reads_the_tokens() {
        let peer = Peer::start(vec![Answer::json(
            200,
            r#"{"access_token":"at-1","expires_in":"3599","token_type":"Bearer",
                "refresh_token":"rt-1","scope":"openid email"}"#,
        )])
        .await;
        let tokens = client(Provider::Microsoft, &peer)
            .exchange_code(&http(), "code-9", "https://cb/x", "verifier-1")
            .await
            .unwrap();
        assert_eq!(tokens.access_token, "at-1");
        assert_eq!(tokens.expires_in, 3599);
        assert_eq!(tokens.refresh_token.as_deref(), Some("rt-1"));
        let request = &peer.requests()[0];
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/token");
        assert_eq!(
            request.header("content-type").as_deref(),
            Some("application/x-www-form-urlencoded")
        );
        let form = form(&request.body);
        assert_eq!(form["grant_type"], "authorization_code");
        assert_eq!(form["code"], "code-9");
        assert_eq!(form["redirect_uri"], "https://cb/x");
        assert_eq!(form["code_verifier"], "verifier-1");
        assert_eq!(form["client_id"], "client-1");
        assert_eq!(form["client_secret"], "s3cret-value");
        assert!(form["scope"].contains("offline_access"));
        assert!(request.header("authorization").is_none());
    }

    #[tokio::test]
    async fn refresh_errors_are_told_apart() {
        let peer = Peer::start(vec![
            Answer::json(
                200,
                r#"{"access_token":"at-2","expires_in":3600,"token_type":"Bearer"}"#,
            ),
            Answer::json(
                400,
                r#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#,
            ),
            Answer::json(401, r#"{"error":"invalid_client"}"#),
            Answer::json(429, r#"{}"#).header("retry-after", "7"),
            Answer::json(500, r#"oops"#),
            Answer::json(200, r#"{"access_token":"at","token_type":"mac"}"#),
        ])
        .await;
        let google = client(Provider::Google, &peer);
        let http = http();
        let tokens = google.refresh(&http, "rt-1").await.unwrap();
        assert_eq!(tokens.refresh_token, None);
        let form = form(&peer.requests()[0].body);
        assert_eq!(form["grant_type"], "refresh_token");
        assert_eq!(form["refresh_token"], "rt-1");
        assert!(!form.contains_key("scope"));
        match google.refresh(&http, "rt-1").await {
            Err(CalendarError::InvalidGrant(detail)) => {
                assert!(detail.contains("expired or revoked"), "{detail}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            google.refresh(&http, "rt-1").await,
            Err(CalendarError::Auth(401))
        );
        assert_eq!(
            google.refresh(&http, "rt-1").await,
            Err(CalendarError::RateLimited {
                retry_after_seconds: 7
            })
        );
        let error = google.refresh(&http, "rt-1").await.unwrap_err();
        assert!(
            matches!(error, CalendarError::Status { status: 500, .. }),
            "{error:?}"
        );
        assert!(error.transient());
        assert!(matches!(
            google.refresh(&http, "rt-1").await,
            Err(CalendarError::Protocol(_))
        ));
        assert!(!CalendarError::InvalidGrant(String::new()).transient());
    }

    #[tokio::test]
    async fn revoke_posts_the_token_to_google_only() {
        let peer = Peer::start(vec![
            Answer::json(200, "{}"),
            Answer::json(400, r#"{"error":"invalid_token"}"#),
            Answer::json(500, "{}"),
        ])
        .await;
        let google = client(Provider::Google, &peer);
        let http = http();
        google.revoke(&http, "rt-1").await.unwrap();
        google.revoke(&http, "rt-1").await.unwrap();
        assert!(google.revoke(&http, "rt-1").await.is_err());
        let requests = peer.requests();
        assert_eq!(requests[0].path, "/revoke");
        assert_eq!(form(&requests[0].body)["token"], "rt-1");
        client(Provider::Microsoft, &peer)
            .revoke(&http, "rt-1")
            .await
            .unwrap();
        assert_eq!(peer.requests().len(), 3);
    }
}
