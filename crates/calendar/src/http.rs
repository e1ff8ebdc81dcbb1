//! Outbound HTTP for calendar clients: one deadline per exchange (connect, headers and the
//! whole body), a cap on body size, redirects followed by hand so WebDAV methods keep their
//! method and body, and status codes mapped onto [`CalendarError`] in one place.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::source::{CalendarError, Endpoint};

/// Largest answer accepted by default: a busy person's whole calendar as one ICS feed fits
/// comfortably, a hostile peer streaming forever does not.
pub const DEFAULT_MAX_BODY: usize = 32 * 1024 * 1024;

const MAX_REDIRECTS: usize = 5;

/// The HTTP client every calendar call goes through. Cheap to clone (shares its pool).
#[derive(Clone, Debug)]
pub struct Http {
    client: reqwest::Client,
    deadline: Duration,
    max_body: usize,
}

/// What came back, once the whole body has been read within the deadline.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    /// The URL that answered (after redirects): relative hrefs resolve against it.
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }
}

/// A request to send; credentials are attached only while it stays on the endpoint's origin.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, String)>,
    pub body: Option<Vec<u8>>,
    /// OAuth access token: sent only to the exact origin of the first URL, never after a
    /// redirect elsewhere.
    pub bearer: Option<Secret>,
}

/// A string that never shows in `{:?}` (tokens, secrets, PKCE verifiers).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Request {
    pub fn new(method: Method, url: Url) -> Request {
        Request {
            method,
            url,
            headers: Vec::new(),
            body: None,
            bearer: None,
        }
    }

    pub fn bearer(mut self, token: &str) -> Request {
        self.bearer = Some(Secret(token.to_owned()));
        self
    }

    pub fn json(self, body: &serde_json::Value) -> Request {
        self.header("content-type", "application/json")
            .body(body.to_string())
    }

    /// An `application/x-www-form-urlencoded` body (OAuth token and revoke calls).
    pub fn form(self, fields: &[(&str, &str)]) -> Request {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers
            .push((HeaderName::from_static(name), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = Some(body.into());
        self
    }

    pub fn xml(self, body: String) -> Request {
        self.header("content-type", "application/xml; charset=utf-8")
            .body(body)
    }
}

impl Http {
    /// A client whose every exchange must finish within `deadline`.
    pub fn new(deadline: Duration) -> Result<Http, CalendarError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(deadline)
            .user_agent(concat!("openslot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| CalendarError::Protocol(format!("HTTP client: {error}")))?;
        Ok(Http {
            client,
            deadline,
            max_body: DEFAULT_MAX_BODY,
        })
    }

    /// The same client with another cap on answer bodies (bytes).
    pub fn with_max_body(mut self, bytes: usize) -> Http {
        self.max_body = bytes;
        self
    }

    /// The same client (same connection pool) with another deadline, e.g. the shorter one
    /// of verify-on-book.
    pub fn with_deadline(mut self, deadline: Duration) -> Http {
        self.deadline = deadline;
        self
    }

    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// Sends `request` (following redirects) and reads the whole answer, all within the
    /// deadline. Any status comes back as a [`Reply`]; callers map it with [`check`].
    pub(crate) async fn send(
        &self,
        endpoint: Option<&Endpoint>,
        request: Request,
    ) -> Result<Reply, CalendarError> {
        let millis = u64::try_from(self.deadline.as_millis()).unwrap_or(u64::MAX);
        match tokio::time::timeout(self.deadline, self.exchange(endpoint, request)).await {
            Ok(result) => result,
            Err(_) => Err(CalendarError::Timeout(millis)),
        }
    }

    async fn exchange(
        &self,
        endpoint: Option<&Endpoint>,
        mut request: Request,
    ) -> Result<Reply, CalendarError> {
        let origin = endpoint.and_then(|endpoint| Url::parse(&endpoint.url).ok());
        let first_origin = request.url.origin();
        for _ in 0..=MAX_REDIRECTS {
            let mut builder = self
                .client
                .request(request.method.clone(), request.url.clone());
            for (name, value) in &request.headers {
                let value = HeaderValue::from_str(value)
                    .map_err(|_| CalendarError::Protocol(format!("bad header value for {name}")))?;
                builder = builder.header(name.clone(), value);
            }
            if let (Some(endpoint), Some(origin)) = (endpoint, &origin) {
                // Credentials go only to the origin the user configured, never to wherever a
                // redirect points.
                if credentials_allowed(origin, &request.url) {
                    if let Some(username) = &endpoint.username {
                        builder = builder.basic_auth(username, endpoint.password.as_ref());
                    }
                }
            }
            if let Some(token) = &request.bearer {
                if request.url.origin() == first_origin {
                    builder = builder.bearer_auth(&token.0);
                }
            }
            if let Some(body) = &request.body {
                builder = builder.body(body.clone());
            }
            let mut response = builder
                .send()
                .await
                .map_err(|error| transport_error(error, self.deadline))?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .ok_or_else(|| {
                        CalendarError::Protocol(format!("HTTP {} without Location", status))
                    })?;
                let next = request
                    .url
                    .join(location)
                    .map_err(|_| CalendarError::Protocol("redirect to a bad URL".into()))?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(CalendarError::Protocol("redirect to a non-HTTP URL".into()));
                }
                if status == StatusCode::SEE_OTHER && request.method != Method::HEAD {
                    request.method = Method::GET;
                    request.body = None;
                }
                request.url = next;
                continue;
            }
            let url = response.url().clone();
            let headers = response.headers().clone();
            if let Some(length) = response.content_length() {
                if length > self.max_body as u64 {
                    return Err(too_large(self.max_body));
                }
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(body_error)? {
                if body.len() + chunk.len() > self.max_body {
                    return Err(too_large(self.max_body));
                }
                body.extend_from_slice(&chunk);
            }
            return Ok(Reply {
                status,
                url,
                headers,
                body,
            });
        }
        Err(CalendarError::Protocol(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }
}

/// Whether credentials configured for `origin` may go to `url`: same port, no downgrade from
/// HTTPS, and the same host or a sibling name under the same parent domain (iCloud puts a
/// user's calendars on `pNN-caldav.icloud.com` when the configured URL is
/// `caldav.icloud.com`). IP addresses must match exactly.
pub(crate) fn credentials_allowed(origin: &Url, url: &Url) -> bool {
    let scheme_ok = origin.scheme() == url.scheme() || url.scheme() == "https";
    let port_ok = origin.port_or_known_default() == url.port_or_known_default();
    let host_ok = match (origin.host(), url.host()) {
        (Some(url::Host::Domain(a)), Some(url::Host::Domain(b))) => {
            a.eq_ignore_ascii_case(b)
                || parent_domain(a).is_some_and(|p| Some(p) == parent_domain(b))
        }
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    scheme_ok && port_ok && host_ok
}

/// `caldav.icloud.com` → `icloud.com`; a name of fewer than three labels has none.
fn parent_domain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    (labels.len() >= 3).then(|| labels[labels.len() - 2..].join("."))
}

fn too_large(max: usize) -> CalendarError {
    CalendarError::Protocol(format!("answer larger than {max} bytes"))
}

fn transport_error(error: reqwest::Error, deadline: Duration) -> CalendarError {
    // The URL may carry credentials (user:password@host); never echo it.
    let error = error.without_url();
    if error.is_timeout() {
        return CalendarError::Timeout(u64::try_from(deadline.as_millis()).unwrap_or(u64::MAX));
    }
    CalendarError::Unreachable(error_chain(&error))
}

fn body_error(error: reqwest::Error) -> CalendarError {
    let error = error.without_url();
    CalendarError::Unreachable(format!("answer cut off: {}", error_chain(&error)))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Maps a non-success status onto the error every caller reports the same way.
pub(crate) fn status_error(reply: &Reply) -> CalendarError {
    let status = reply.status.as_u16();
    match status {
        401 | 403 => CalendarError::Auth(status),
        412 => CalendarError::Conflict,
        _ => CalendarError::Status {
            status,
            detail: reply
                .status
                .canonical_reason()
                .unwrap_or("unexpected status")
                .to_owned(),
        },
    }
}

/// `Ok(reply)` for a 2xx answer, the mapped error otherwise.
pub(crate) fn check(reply: Reply) -> Result<Reply, CalendarError> {
    if reply.status.is_success() {
        Ok(reply)
    } else {
        Err(status_error(&reply))
    }
}

/// Wait asked for when a provider says nothing (or nonsense) in `Retry-After`.
pub const DEFAULT_RETRY_AFTER_SECONDS: u64 = 30;
/// A `Retry-After` further out than this is capped: a hostile or broken peer must not park a
/// connection for days.
pub const MAX_RETRY_AFTER_SECONDS: u64 = 3600;

/// Seconds to wait from a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110
/// 10.2.3), relative to `now`; missing or unreadable means the default.
pub fn retry_after_seconds(value: Option<&str>, now: jiff::Timestamp) -> u64 {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return DEFAULT_RETRY_AFTER_SECONDS;
    };
    let seconds = if let Ok(seconds) = value.parse::<u64>() {
        seconds
    } else if let Ok(date) = jiff::fmt::rfc2822::parse(value) {
        let delta = date.timestamp().as_second() - now.as_second();
        u64::try_from(delta).unwrap_or(0)
    } else {
        DEFAULT_RETRY_AFTER_SECONDS
    };
    seconds.min(MAX_RETRY_AFTER_SECONDS)
}

/// The error for a provider API answer that is not 2xx: 429 and 503 become
/// [`CalendarError::RateLimited`] (with `Retry-After`), the rest as [`status_error`] with the
/// provider's own message (`error.message` in Google's and Graph's error bodies) as detail.
pub(crate) fn api_error(reply: &Reply) -> CalendarError {
    let status = reply.status.as_u16();
    if status == 429 || status == 503 {
        return rate_limited(reply);
    }
    match status_error(reply) {
        CalendarError::Status { status, detail } => CalendarError::Status {
            status,
            detail: error_message(&reply.body).unwrap_or(detail),
        },
        other => other,
    }
}

pub(crate) fn rate_limited(reply: &Reply) -> CalendarError {
    CalendarError::RateLimited {
        retry_after_seconds: retry_after_seconds(
            reply.header("retry-after").as_deref(),
            jiff::Timestamp::now(),
        ),
    }
}

/// `error.message` (Google, Graph) or `error_description` / `error` (OAuth) of a JSON error
/// body, shortened: it ends up in logs and on the health page.
pub(crate) fn error_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let error = value.get("error")?;
    let text = match error {
        serde_json::Value::String(code) => value
            .get("error_description")
            .and_then(|text| text.as_str())
            .map(|text| format!("{code}: {text}"))
            .unwrap_or_else(|| code.clone()),
        serde_json::Value::Object(_) => {
            let message = error.get("message").and_then(|text| text.as_str());
            let code = error.get("code").and_then(|code| code.as_str());
            match (code, message) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (None, Some(message)) => message.to_owned(),
                (Some(code), None) => code.to_owned(),
                (None, None) => return None,
            }
        }
        _ => return None,
    };
    Some(text.chars().take(300).collect())
}

/// A 2xx answer's body as JSON.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(reply: &Reply) -> Result<T, CalendarError> {
    serde_json::from_slice(&reply.body)
        .map_err(|error| CalendarError::Protocol(format!("unreadable JSON answer: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now: jiff::Timestamp = "2026-12-02T08:00:00Z".parse().unwrap();
        assert_eq!(retry_after_seconds(Some("120"), now), 120);
        assert_eq!(
            retry_after_seconds(Some("Wed, 02 Dec 2026 08:01:30 GMT"), now),
            90
        );
        assert_eq!(
            retry_after_seconds(Some("Wed, 02 Dec 2026 07:00:00 GMT"), now),
            0
        );
        assert_eq!(retry_after_seconds(None, now), DEFAULT_RETRY_AFTER_SECONDS);
        assert_eq!(
            retry_after_seconds(Some("soon"), now),
            DEFAULT_RETRY_AFTER_SECONDS
        );
        assert_eq!(
            retry_after_seconds(Some("99999999"), now),
            MAX_RETRY_AFTER_SECONDS
        );
    }

    #[tokio::test]
    async fn a_bearer_token_never_follows_a_redirect_to_another_origin() {
        use peer::{Answer, Peer};
        let elsewhere = Peer::start(vec![Answer::json(200, "{}")]).await;
        let here = Peer::start(vec![
            Answer::json(307, "").header("location", "/moved"),
            Answer::json(307, "").header("location", &format!("{}/x", elsewhere.base())),
        ])
        .await;
        let http = Http::new(Duration::from_secs(5)).unwrap();
        let url = Url::parse(&format!("{}/start", here.base())).unwrap();
        let reply = http
            .send(None, Request::new(Method::GET, url).bearer("tok-1"))
            .await
            .unwrap();
        assert_eq!(reply.status, 200);
        let seen = here.requests();
        assert_eq!(
            seen[0].header("authorization").as_deref(),
            Some("Bearer tok-1")
        );
        assert_eq!(seen[1].path, "/moved");
        assert_eq!(
            seen[1].header("authorization").as_deref(),
            Some("Bearer tok-1")
        );
        assert_eq!(elsewhere.requests()[0].header("authorization"), None);
        assert!(!format!(
            "{:?}",
            Request::new(Method::GET, Url::parse("http://a/").unwrap()).bearer("tok-1")
        )
        .contains("tok-1"));
    }

    #[test]
    fn credentials_stay_with_the_configured_service() {
        let allowed = |a: &str, b: &str| {
            credentials_allowed(&Url::parse(a).unwrap(), &Url::parse(b).unwrap())
        };
        assert!(allowed(
            "https://caldav.icloud.com/",
            "https://p42-caldav.icloud.com/123/"
        ));
        assert!(allowed(
            "http://127.0.0.1:5232/",
            "http://127.0.0.1:5232/ada/"
        ));
        assert!(allowed(
            "http://dav.example.com/",
            "https://dav.example.com:80/"
        ));
        assert!(!allowed(
            "https://dav.example.com/",
            "http://dav.example.com/"
        ));
        assert!(!allowed("http://127.0.0.1:5232/", "http://127.0.0.1:5233/"));
        assert!(!allowed(
            "https://caldav.icloud.com/",
            "https://evil.example.com/"
        ));
        assert!(!allowed("https://icloud.com/", "https://x.icloud.com/"));
        assert!(!allowed("http://127.0.0.1/", "http://127.0.0.2/"));
    }
}

/// A scripted HTTP peer for unit tests: answers each request with the next scripted answer
/// (500 once they run out) and logs what it was sent.
#[cfg(test)]
pub(crate) mod peer {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    #[derive(Clone, Debug)]
    pub struct Answer {
        status: u16,
        headers: Vec<(String, String)>,
        /// `{base}` is replaced by the peer's base URL (for next-page links).
        body: String,
        delay: Option<Duration>,
    }

    impl Answer {
        pub fn json(status: u16, body: &str) -> Answer {
            Answer {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.to_owned(),
                delay: None,
            }
        }

        pub fn header(mut self, name: &str, value: &str) -> Answer {
            self.headers.push((name.into(), value.into()));
            self
        }

        pub fn delay(mut self, delay: Duration) -> Answer {
            self.delay = Some(delay);
            self
        }
    }

    #[derive(Clone, Debug)]
    pub struct Logged {
        pub method: String,
        pub path: String,
        pub query: Option<String>,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Logged {
        pub fn header(&self, name: &str) -> Option<String> {
            self.headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        }

        pub fn json(&self) -> serde_json::Value {
            serde_json::from_slice(&self.body).expect("a JSON request body")
        }

        pub fn query(&self, name: &str) -> Option<String> {
            url::form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        }
    }

    pub struct Peer {
        base: String,
        log: Arc<Mutex<Vec<Logged>>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Drop for Peer {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    impl Peer {
        pub async fn start(answers: Vec<Answer>) -> Peer {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let log = Arc::new(Mutex::new(Vec::new()));
            let script = Arc::new(Mutex::new(answers.into_iter()));
            let (task_log, task_base) = (log.clone(), base.clone());
            let task = tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (log, script, base) = (task_log.clone(), script.clone(), task_base.clone());
                    tokio::spawn(async move {
                        let _ = serve(stream, log, script, base).await;
                    });
                }
            });
            Peer { base, log, task }
        }

        pub fn base(&self) -> String {
            self.base.clone()
        }

        pub fn requests(&self) -> Vec<Logged> {
            self.log.lock().unwrap().clone()
        }
    }

    async fn serve(
        mut stream: TcpStream,
        log: Arc<Mutex<Vec<Logged>>>,
        script: Arc<Mutex<std::vec::IntoIter<Answer>>>,
        base: String,
    ) -> std::io::Result<()> {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..read]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split(' ');
        let method = first.next().unwrap_or("").to_owned();
        let target = first.next().unwrap_or("").to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                break;
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
            None => (target.clone(), None),
        };
        log.lock().unwrap().push(Logged {
            method,
            path,
            query,
            headers,
            body: buffer[head_end..].to_vec(),
        });
        let answer = script
            .lock()
            .unwrap()
            .next()
            .unwrap_or_else(|| Answer::json(500, r#"{"error":"no scripted answer"}"#));
        if let Some(delay) = answer.delay {
            tokio::time::sleep(delay).await;
        }
        let body = answer.body.replace("{base}", &base);
        let mut reply = format!("HTTP/1.1 {} X\r\n", answer.status);
        for (name, value) in &answer.headers {
            reply.push_str(&format!("{name}: {value}\r\n"));
        }
        reply.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ));
        stream.write_all(reply.as_bytes()).await?;
        stream.shutdown().await
    }
}
