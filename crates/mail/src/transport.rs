//! Delivery: SMTP (any provider, including Amazon SES's SMTP endpoint) or `.eml` files in
//! an outbox folder when no SMTP server is configured.
//!
//! Every SMTP attempt runs under one hard deadline covering all of it: the check of a
//! reused connection, connect, greeting, TLS, AUTH, every command and the data. lettre's
//! own timeout covers only the TCP connect, and its pool puts a connection back even when
//! the send that used it was abandoned half-way (it recycles on drop), so a frozen peer
//! could hang a delivery forever or hand a desynchronised connection to the next message.
//! Here a connection is owned by the attempt using it and goes back to the idle list only
//! after a complete, successful exchange; an attempt cut off by the deadline drops (closes)
//! its connection with it.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use lettre::{
    address::Envelope,
    transport::smtp::{
        authentication::{Credentials, DEFAULT_MECHANISMS},
        client::{AsyncSmtpConnection, Tls, TlsParameters},
        extension::ClientId,
    },
    AsyncSmtpTransport, Tokio1Executor,
};
use tokio::time::Instant;

use crate::Composed;

/// A failed delivery; `permanent` ones are not worth retrying.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct MailError {
    pub message: String,
    pub permanent: bool,
}

impl MailError {
    pub fn permanent(message: impl Into<String>) -> Self {
        MailError {
            message: message.into(),
            permanent: true,
        }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        MailError {
            message: message.into(),
            permanent: false,
        }
    }
}

impl From<lettre::transport::smtp::Error> for MailError {
    fn from(err: lettre::transport::smtp::Error) -> Self {
        if err.is_permanent() {
            MailError::permanent(err.to_string())
        } else {
            MailError::transient(err.to_string())
        }
    }
}

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    Smtp(Arc<Smtp>),
    Outbox(PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The URL may hold credentials: never print it.
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Outbox(dir) => write!(f, "Mailer::Outbox({})", dir.display()),
        }
    }
}

/// Parked connections older than this are closed rather than reused (servers commonly
/// drop idle clients after a minute or so; RFC 5321 asks them to wait five).
const MAX_IDLE: Duration = Duration::from_secs(60);

/// An SMTP relay with its idle connections.
pub struct Smtp {
    host: String,
    port: u16,
    tls: Tls,
    hello: ClientId,
    credentials: Option<Credentials>,
    /// The hard deadline of one delivery attempt.
    timeout: Duration,
    /// Connections that finished a message cleanly, newest last.
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    max_idle: usize,
}

impl Smtp {
    /// Opens a connection: TCP (or implicit TLS), greeting, EHLO, STARTTLS, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, MailError> {
        let wrapper = match &self.tls {
            Tls::Wrapper(parameters) => Some(parameters.clone()),
            _ => None,
        };
        let mut connection = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            wrapper,
            None,
        )
        .await?;
        match &self.tls {
            Tls::Opportunistic(parameters) if connection.can_starttls() => {
                connection.starttls(parameters.clone(), &self.hello).await?;
            }
            Tls::Required(parameters) => {
                connection.starttls(parameters.clone(), &self.hello).await?;
            }
            _ => {}
        }
        if let Some(credentials) = &self.credentials {
            connection.auth(DEFAULT_MECHANISMS, credentials).await?;
        }
        Ok(connection)
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some((connection, since)) = idle.pop() {
            if since.elapsed() < MAX_IDLE {
                return Some(connection);
            }
            // Too old to trust: dropped, which closes it.
        }
        None
    }

    fn park(&self, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.max_idle {
            idle.push((connection, Instant::now()));
        }
    }

    /// One attempt, without the deadline (the caller imposes it).
    async fn attempt(
        &self,
        envelope: &Envelope,
        bytes: &[u8],
        started: Instant,
    ) -> Result<(), MailError> {
        let mut reused = None;
        // A parked connection may have been cut silently (a NAT or firewall forgetting it
        // sends no reset): check it with NOOP, but only while at least half the deadline
        // is left, and give each check a quarter of it, so that a fresh connection still
        // fits in the same attempt.
        while started.elapsed() < self.timeout / 2 {
            let Some(mut connection) = self.take_idle() else {
                break;
            };
            if let Ok(true) =
                tokio::time::timeout(self.timeout / 4, connection.test_connected()).await
            {
                reused = Some(connection);
                break;
            }
        }
        let mut connection = match reused {
            Some(connection) => connection,
            None => self.connect().await?,
        };
        connection.send(envelope, bytes).await?;
        self.park(connection);
        Ok(())
    }
}

impl Mailer {
    /// An SMTP mailer from a lettre URL: `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`, or `smtp://127.0.0.1:2525` (plain, for local relays). `timeout`
    /// bounds each whole delivery attempt; up to `max_idle` connections are kept for reuse.
    /// Opens nothing (and needs no async runtime).
    pub fn smtp(url: &str, timeout: Duration, max_idle: usize) -> Result<Mailer, MailError> {
        let invalid =
            |message: String| MailError::permanent(format!("invalid smtp_url: {message}"));
        // lettre's own reading of the URL, for its checks and messages.
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| invalid(err.to_string()))?;
        let parsed = url::Url::parse(url).map_err(|err| invalid(err.to_string()))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| invalid("no host".into()))?
            .to_string();
        let tls_mode = parsed
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.to_string());
        let parameters =
            || TlsParameters::new(host.clone()).map_err(|err| invalid(err.to_string()));
        let (port, tls) = match (parsed.scheme(), tls_mode.as_deref()) {
            ("smtp", None) => (25, Tls::None),
            ("smtp", Some("required")) => (587, Tls::Required(parameters()?)),
            ("smtp", Some("opportunistic")) => (587, Tls::Opportunistic(parameters()?)),
            ("smtps", _) => (465, Tls::Wrapper(parameters()?)),
            (scheme, mode) => {
                return Err(invalid(format!(
                    "unknown scheme {scheme:?} or tls parameter {mode:?}"
                )))
            }
        };
        let hello = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .map(|decoded| decoded.into_owned())
                .map_err(|err| invalid(err.to_string()))
        };
        let credentials = match parsed.password() {
            Some(password) => Some(Credentials::new(
                decode(parsed.username())?,
                decode(password)?,
            )),
            None => None,
        };
        Ok(Mailer::Smtp(Arc::new(Smtp {
            port: parsed.port().unwrap_or(port),
            host,
            tls,
            hello,
            credentials,
            timeout,
            idle: Mutex::new(Vec::new()),
            max_idle: max_idle.max(1),
        })))
    }

    /// A mailer that writes `.eml` files into `dir` (created if missing).
    pub fn outbox(dir: impl Into<PathBuf>) -> Mailer {
        Mailer::Outbox(dir.into())
    }

    /// Delivers one message. Over SMTP the whole attempt ends at the deadline: a peer that
    /// stops answering yields a transient error and its connection is closed.
    pub async fn send(&self, composed: &Composed) -> Result<(), MailError> {
        match self {
            Mailer::Smtp(smtp) => {
                let envelope = composed.message.envelope();
                let bytes = composed.bytes();
                let started = Instant::now();
                match tokio::time::timeout(smtp.timeout, smtp.attempt(envelope, &bytes, started))
                    .await
                {
                    Ok(result) => result,
                    Err(_) => Err(MailError::transient(format!(
                        "SMTP exchange did not finish within {} s; connection dropped",
                        smtp.timeout.as_secs_f32()
                    ))),
                }
            }
            Mailer::Outbox(dir) => crate::outbox::write(dir, composed).await,
        }
    }
}
