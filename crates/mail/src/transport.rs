//! Delivery: SMTP (any provider, including Amazon SES's SMTP endpoint) or `.eml` files in
//! an outbox folder when no SMTP server is configured.

use std::{path::PathBuf, time::Duration};

use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

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

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
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

impl Mailer {
    /// An SMTP mailer from a lettre URL: `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`, or `smtp://127.0.0.1:2525` (plain, for local relays).
    pub fn smtp(url: &str, timeout: Duration) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| MailError::permanent(format!("invalid smtp_url: {err}")))?
            .timeout(Some(timeout))
            .build();
        Ok(Mailer::Smtp(transport))
    }

    /// A mailer that writes `.eml` files into `dir` (created if missing).
    pub fn outbox(dir: impl Into<PathBuf>) -> Mailer {
        Mailer::Outbox(dir.into())
    }

    /// Delivers one message.
    pub async fn send(&self, composed: &Composed) -> Result<(), MailError> {
        match self {
            Mailer::Smtp(transport) => {
                let envelope = composed.message.envelope();
                transport
                    .send_raw(envelope, &composed.bytes())
                    .await
                    .map(|_| ())
                    .map_err(|err| {
                        if err.is_permanent() {
                            MailError::permanent(err.to_string())
                        } else {
                            MailError::transient(err.to_string())
                        }
                    })
            }
            Mailer::Outbox(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(|err| {
                    MailError::transient(format!("outbox {}: {err}", dir.display()))
                })?;
                let name: String = composed
                    .message_id
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let path = dir.join(format!("{name}.eml"));
                let partial = dir.join(format!(".{name}.eml.partial"));
                tokio::fs::write(&partial, composed.bytes())
                    .await
                    .map_err(|err| MailError::transient(format!("outbox write: {err}")))?;
                tokio::fs::rename(&partial, &path)
                    .await
                    .map_err(|err| MailError::transient(format!("outbox write: {err}")))?;
                Ok(())
            }
        }
    }
}
