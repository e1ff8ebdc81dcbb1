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
}

impl Request {
    pub fn new(method: Method, url: Url) -> Request {
        Request {
            method,
            url,
            headers: Vec::new(),
            body: None,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
