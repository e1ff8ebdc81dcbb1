//! `[google]` and `[microsoft]`: the OAuth clients hosts connect their Google Calendar and
//! Microsoft 365 calendars through. The endpoints default to the providers' own and may
//! be pointed elsewhere (tests, egress proxies).

use serde::Deserialize;

use super::{Config, ConfigError};

/// `[google]` as written.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleConfig {
    pub client_id: String,
    /// The client secret, written here (better: `client_secret_env`).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The environment variable holding the client secret.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    #[serde(default = "google_auth_url")]
    pub auth_url: String,
    #[serde(default = "google_token_url")]
    pub token_url: String,
    /// Where "disconnect" revokes the grant.
    #[serde(default = "google_revoke_url")]
    pub revoke_url: String,
    #[serde(default = "google_api_base")]
    pub api_base: String,
    /// Events written for bookings get a Google Meet link, which becomes the booking's
    /// location and is sent to the invitee.
    #[serde(default)]
    pub meet_links: bool,
}

/// `[microsoft]` as written.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MicrosoftConfig {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// `common`, `organizations`, `consumers` or a directory (tenant) id; names the
    /// default endpoints.
    #[serde(default = "microsoft_tenant")]
    pub tenant: String,
    /// Default: `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize`.
    #[serde(default)]
    pub auth_url: Option<String>,
    /// Default: `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`.
    #[serde(default)]
    pub token_url: Option<String>,
    #[serde(default = "microsoft_graph_base")]
    pub graph_base: String,
    /// Events written for bookings become Teams meetings; the join URL becomes the
    /// booking's location and is sent to the invitee.
    #[serde(default)]
    pub teams_links: bool,
}

fn google_auth_url() -> String {
    "https://accounts.google.com/o/oauth2/v2/auth".into()
}

fn google_token_url() -> String {
    "https://oauth2.googleapis.com/token".into()
}

fn google_revoke_url() -> String {
    "https://oauth2.googleapis.com/revoke".into()
}

fn google_api_base() -> String {
    "https://www.googleapis.com".into()
}

fn microsoft_tenant() -> String {
    "common".into()
}

fn microsoft_graph_base() -> String {
    "https://graph.microsoft.com".into()
}

/// Which provider an OAuth connection is with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OAuthProvider {
    Google,
    Microsoft,
}

impl OAuthProvider {
    pub const ALL: [OAuthProvider; 2] = [OAuthProvider::Google, OAuthProvider::Microsoft];

    /// The spelling in paths (`/admin/calendars/google/callback`), the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthProvider::Google => "google",
            OAuthProvider::Microsoft => "microsoft",
        }
    }

    pub fn parse(text: &str) -> Option<OAuthProvider> {
        OAuthProvider::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// For people: "Google", "Microsoft".
    pub fn label(self) -> &'static str {
        match self {
            OAuthProvider::Google => "Google",
            OAuthProvider::Microsoft => "Microsoft",
        }
    }
}

/// One configured OAuth client, checked, with its secret read and its endpoints resolved.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthApp {
    pub provider: OAuthProvider,
    pub client_id: String,
    pub client_secret: String,
    pub auth_url: String,
    pub token_url: String,
    /// Google's revocation endpoint; Microsoft has none for refresh tokens.
    pub revoke_url: Option<String>,
    /// Google's `api_base` or Microsoft's `graph_base`, without a trailing slash.
    pub api_base: String,
    /// Meet (Google) or Teams (Microsoft) links on written events.
    pub conference_links: bool,
}

impl std::fmt::Debug for OAuthApp {
    // The client secret must never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthApp")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .field("revoke_url", &self.revoke_url)
            .field("api_base", &self.api_base)
            .field("conference_links", &self.conference_links)
            .finish()
    }
}

/// The configured OAuth clients.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OAuthApps {
    pub google: Option<OAuthApp>,
    pub microsoft: Option<OAuthApp>,
}

impl OAuthApps {
    pub fn get(&self, provider: OAuthProvider) -> Option<&OAuthApp> {
        match provider {
            OAuthProvider::Google => self.google.as_ref(),
            OAuthProvider::Microsoft => self.microsoft.as_ref(),
        }
    }

    /// The providers a host may connect, in display order.
    pub fn configured(&self) -> impl Iterator<Item = &OAuthApp> {
        self.google.iter().chain(self.microsoft.iter())
    }
}

/// A variable's value as the environment holds it (`None`: unset).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<std::ffi::OsString>;

/// Checks `[google]` and `[microsoft]` and reads their secrets from the process environment.
pub fn oauth_apps(config: &Config, source: &str) -> Result<OAuthApps, ConfigError> {
    oauth_apps_with(config, source, &|name| std::env::var_os(name))
}

/// [`oauth_apps`] with the environment given. Errors name the key, e.g. `google.token_url`.
pub fn oauth_apps_with(
    config: &Config,
    source: &str,
    lookup: EnvLookup<'_>,
) -> Result<OAuthApps, ConfigError> {
    let google = match &config.google {
        None => None,
        Some(google) => {
            let section = Section {
                name: "google",
                source,
            };
            Some(OAuthApp {
                provider: OAuthProvider::Google,
                client_id: section.client_id(&google.client_id)?,
                client_secret: section.secret(
                    google.client_secret.as_deref(),
                    google.client_secret_env.as_deref(),
                    lookup,
                )?,
                auth_url: section.url("auth_url", &google.auth_url)?,
                token_url: section.url("token_url", &google.token_url)?,
                revoke_url: Some(section.url("revoke_url", &google.revoke_url)?),
                api_base: section.url("api_base", &google.api_base)?,
                conference_links: google.meet_links,
            })
        }
    };
    let microsoft = match &config.microsoft {
        None => None,
        Some(microsoft) => {
            let section = Section {
                name: "microsoft",
                source,
            };
            let tenant = microsoft.tenant.trim();
            let tenant_ok = !tenant.is_empty()
                && tenant
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
            if !tenant_ok {
                return Err(section.error(
                    "tenant",
                    "must be \"common\", \"organizations\", \"consumers\", a tenant id or a domain",
                ));
            }
            let login = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0");
            let auth_url = microsoft
                .auth_url
                .clone()
                .unwrap_or_else(|| format!("{login}/authorize"));
            let token_url = microsoft
                .token_url
                .clone()
                .unwrap_or_else(|| format!("{login}/token"));
            Some(OAuthApp {
                provider: OAuthProvider::Microsoft,
                client_id: section.client_id(&microsoft.client_id)?,
                client_secret: section.secret(
                    microsoft.client_secret.as_deref(),
                    microsoft.client_secret_env.as_deref(),
                    lookup,
                )?,
                auth_url: section.url("auth_url", &auth_url)?,
                token_url: section.url("token_url", &token_url)?,
                revoke_url: None,
                api_base: section.url("graph_base", &microsoft.graph_base)?,
                conference_links: microsoft.teams_links,
            })
        }
    };
    Ok(OAuthApps { google, microsoft })
}

/// Error helpers for one section.
struct Section<'a> {
    name: &'static str,
    source: &'a str,
}

impl Section<'_> {
    fn error(&self, key: &str, message: &str) -> ConfigError {
        ConfigError {
            source: self.source.to_string(),
            key: format!("{}.{key}", self.name),
            message: message.to_string(),
        }
    }

    fn client_id(&self, value: &str) -> Result<String, ConfigError> {
        let value = value.trim();
        if value.is_empty() || value.chars().any(char::is_control) {
            return Err(self.error(
                "client_id",
                "must be the OAuth client id the provider issued",
            ));
        }
        Ok(value.to_string())
    }

    fn secret(
        &self,
        written: Option<&str>,
        env: Option<&str>,
        lookup: EnvLookup<'_>,
    ) -> Result<String, ConfigError> {
        match (written, env) {
            (Some(_), Some(_)) => Err(self.error(
                "client_secret",
                "give either client_secret or client_secret_env, not both",
            )),
            (None, None) => Err(self.error(
                "client_secret_env",
                "is missing: name the environment variable holding the client secret",
            )),
            (Some(secret), None) if secret.trim().is_empty() => {
                Err(self.error("client_secret", "is empty"))
            }
            (Some(secret), None) => Ok(secret.to_string()),
            (None, Some(name)) => {
                let env_error = |message: &str| ConfigError {
                    source: "<environment>".into(),
                    key: name.to_string(),
                    message: format!("{message} ({}.client_secret_env names it)", self.name),
                };
                match lookup(name) {
                    None => Err(env_error("is not set")),
                    Some(value) => match value.into_string() {
                        Ok(value) if value.trim().is_empty() => Err(env_error("is empty")),
                        Ok(value) => Ok(value),
                        Err(_) => Err(env_error("is not valid UTF-8")),
                    },
                }
            }
        }
    }

    fn url(&self, key: &str, value: &str) -> Result<String, ConfigError> {
        match url::Url::parse(value) {
            Ok(url)
                if matches!(url.scheme(), "https" | "http")
                    && url.host_str().is_some()
                    && url.username().is_empty()
                    && url.password().is_none() =>
            {
                Ok(value.trim_end_matches('/').to_string())
            }
            _ => Err(self.error(key, "must be an http(s) URL without credentials")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        Config::parse(text, "test.toml").unwrap()
    }

    fn env(name: &str) -> Option<std::ffi::OsString> {
        (name == "GOOGLE_CLIENT_SECRET" || name == "MICROSOFT_CLIENT_SECRET")
            .then(|| "s3cret".into())
    }

    #[test]
    fn google_defaults_to_googles_endpoints() {
        let config = parse(
            "[google]\nclient_id = \"abc.apps.googleusercontent.com\"\nclient_secret_env = \"GOOGLE_CLIENT_SECRET\"\n",
        );
        let apps = oauth_apps_with(&config, "test.toml", &env).unwrap();
        let google = apps.google.unwrap();
        assert_eq!(google.client_secret, "s3cret");
        assert_eq!(
            google.auth_url,
            "https://accounts.google.com/o/oauth2/v2/auth"
        );
        assert_eq!(google.token_url, "https://oauth2.googleapis.com/token");
        assert_eq!(google.api_base, "https://www.googleapis.com");
        assert!(!google.conference_links);
        assert!(apps.microsoft.is_none());
        assert!(!format!("{google:?}").contains("s3cret"));
    }

    #[test]
    fn microsoft_endpoints_follow_the_tenant_unless_given() {
        let config = parse(
            "[microsoft]\nclient_id = \"id\"\nclient_secret_env = \"MICROSOFT_CLIENT_SECRET\"\ntenant = \"contoso.onmicrosoft.com\"\nteams_links = true\n",
        );
        let microsoft = oauth_apps_with(&config, "test.toml", &env)
            .unwrap()
            .microsoft
            .unwrap();
        assert_eq!(
            microsoft.token_url,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(microsoft.api_base, "https://graph.microsoft.com");
        assert!(microsoft.conference_links);
        let config = parse(
            "[microsoft]\nclient_id = \"id\"\nclient_secret = \"x\"\nauth_url = \"http://127.0.0.1:9/common/oauth2/v2.0/authorize\"\ntoken_url = \"http://127.0.0.1:9/common/oauth2/v2.0/token\"\ngraph_base = \"http://127.0.0.1:9/\"\n",
        );
        let microsoft = oauth_apps_with(&config, "test.toml", &env)
            .unwrap()
            .microsoft
            .unwrap();
        assert_eq!(
            microsoft.auth_url,
            "http://127.0.0.1:9/common/oauth2/v2.0/authorize"
        );
        assert_eq!(microsoft.api_base, "http://127.0.0.1:9");
    }

    #[test]
    fn mistakes_name_their_key() {
        let cases = [
            ("[google]\nclient_id = \"\"\nclient_secret = \"x\"\n", "google.client_id"),
            ("[google]\nclient_id = \"a\"\n", "google.client_secret_env"),
            (
                "[google]\nclient_id = \"a\"\nclient_secret = \"x\"\nclient_secret_env = \"GOOGLE_CLIENT_SECRET\"\n",
                "google.client_secret",
            ),
            ("[google]\nclient_id = \"a\"\nclient_secret_env = \"UNSET_VAR\"\n", "UNSET_VAR"),
            (
                "[google]\nclient_id = \"a\"\nclient_secret = \"x\"\ntoken_url = \"ftp://x\"\n",
                "google.token_url",
            ),
            (
                "[microsoft]\nclient_id = \"a\"\nclient_secret = \"x\"\ntenant = \"a/b\"\n",
                "microsoft.tenant",
            ),
            (
                "[microsoft]\nclient_id = \"a\"\nclient_secret = \"x\"\ngraph_base = \"https://u:p@graph\"\n",
                "microsoft.graph_base",
            ),
        ];
        for (text, key) in cases {
            let err = oauth_apps_with(&parse(text), "test.toml", &env).unwrap_err();
            assert_eq!(err.key, key, "{text}: {err}");
        }
        assert!(Config::parse("[google]\nclient_id = \"a\"\nscope = \"x\"\n", "t").is_err());
    }

    #[test]
    fn providers_are_spelled_as_in_the_paths() {
        for provider in OAuthProvider::ALL {
            assert_eq!(OAuthProvider::parse(provider.as_str()), Some(provider));
        }
        assert_eq!(OAuthProvider::Google.as_str(), "google");
        assert_eq!(OAuthProvider::Microsoft.as_str(), "microsoft");
    }
}
