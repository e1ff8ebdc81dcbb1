//! Peers for tests (feature `testing`).
//!
//! - [`GoogleStandIn`] and `MicrosoftStandIn`: HTTP stand-ins of Google (OAuth 2.0 +
//!   Calendar API v3) and Microsoft (identity platform v2.0 + Graph v1.0) on 127.0.0.1:0,
//!   each on its own thread and runtime, since these machines cannot reach the real ones.
//! - Real CalDAV servers: Radicale and Xandikos started on 127.0.0.1 with a free port and a
//!   fresh storage directory, stopped (and the directory removed) when dropped. Both are
//!   Python programs (`pip install radicale xandikos`).
//!
//! `python3` is used unless `OPENSLOT_PYTHON` names another interpreter. When a server is
//! not installed, [`CalDavServer::start`] fails; tests call [`require`] to decide between
//! skipping loudly and failing (`OPENSLOT_REQUIRE_CALDAV=1`, set by CI).
//!
//! ```no_run
//! # async fn example() {
//! use openslot_calendar::testing::{require, CalDavServer, ServerKind};
//! if !require(ServerKind::Radicale) {
//!     return; // skipped, and said so
//! }
//! let server = CalDavServer::start(ServerKind::Radicale).await.unwrap();
//! let calendar = server.create_calendar("work").await.unwrap(); // http://127.0.0.1:PORT/ada/work/
//! let endpoint = server.endpoint(&calendar); // with the test user's credentials
//! # let _ = endpoint;
//! # }
//! ```

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::caldav;
use crate::http::Http;
use crate::source::Endpoint;

/// Which server to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    Radicale,
    Xandikos,
}

impl ServerKind {
    pub const ALL: [ServerKind; 2] = [ServerKind::Radicale, ServerKind::Xandikos];

    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Radicale => "radicale",
            ServerKind::Xandikos => "xandikos",
        }
    }
}

/// A running server. Dropping it kills the process and removes its storage.
#[derive(Debug)]
pub struct CalDavServer {
    kind: ServerKind,
    child: Child,
    dir: PathBuf,
    port: u16,
}

/// How long a server may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(30);

fn python() -> String {
    std::env::var("OPENSLOT_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Whether `python3 -m <module>` can be imported.
pub fn installed(kind: ServerKind) -> bool {
    Command::new(python())
        .args(["-c", &format!("import {}", kind.name())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether a test needing `kind` should run: true when installed; when not installed,
/// panics if `OPENSLOT_REQUIRE_CALDAV` is set (CI) and otherwise prints why it skips.
pub fn require(kind: ServerKind) -> bool {
    if installed(kind) {
        return true;
    }
    if std::env::var_os("OPENSLOT_REQUIRE_CALDAV").is_some() {
        panic!(
            "{} is not installed (pip install {}) but OPENSLOT_REQUIRE_CALDAV is set",
            kind.name(),
            kind.name()
        );
    }
    eprintln!(
        "SKIPPED: {} is not installed (pip install {}); set OPENSLOT_REQUIRE_CALDAV=1 to fail instead",
        kind.name(),
        kind.name()
    );
    false
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn fresh_dir(kind: ServerKind) -> std::io::Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "openslot-{}-{}-{}",
        kind.name(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data"))?;
    Ok(dir)
}

impl CalDavServer {
    /// Starts `kind` on 127.0.0.1 and waits (polling) until it answers HTTP.
    pub async fn start(kind: ServerKind) -> Result<CalDavServer, String> {
        let mut last_error = String::new();
        // A port found free can be taken by someone else before the server binds it.
        for _ in 0..3 {
            match CalDavServer::try_start(kind).await {
                Ok(server) => return Ok(server),
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    async fn try_start(kind: ServerKind) -> Result<CalDavServer, String> {
        let port = free_port().map_err(|error| format!("no free port: {error}"))?;
        let dir = fresh_dir(kind).map_err(|error| format!("temp dir: {error}"))?;
        let data = dir.join("data");
        let log = std::fs::File::create(dir.join("server.log"))
            .map_err(|error| format!("log file: {error}"))?;
        let log_err = log.try_clone().map_err(|error| error.to_string())?;
        let mut command = Command::new(python());
        match kind {
            ServerKind::Radicale => {
                command.args(["-m", "radicale", "--config", ""]);
                command
                    .arg("--server-hosts")
                    .arg(format!("127.0.0.1:{port}"));
                command.arg("--storage-filesystem-folder").arg(&data);
                // Any user name signs in; each user owns /<user>/.
                command.args(["--auth-type", "none", "--rights-type", "owner_only"]);
                command.args(["--logging-level", "warning"]);
            }
            ServerKind::Xandikos => {
                command.args(["-m", "xandikos", "serve", "--defaults"]);
                command.arg("-d").arg(&data);
                command.args(["-l", "127.0.0.1", "-p", &port.to_string()]);
                command.args(["--no-detect-systemd"]);
                command.env("XDG_DATA_HOME", dir.join("state"));
            }
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|error| format!("cannot run {}: {error}", python()))?;
        let mut server = CalDavServer {
            kind,
            child,
            dir,
            port,
        };
        server.wait_ready().await?;
        Ok(server)
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let http = Http::new(Duration::from_secs(2)).map_err(|error| error.to_string())?;
        let endpoint = self.endpoint(&self.principal_url());
        while started.elapsed() < START_TIMEOUT {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}): {}",
                    self.kind.name(),
                    self.log()
                ));
            }
            let request = crate::http::Request::new(
                reqwest::Method::from_bytes(b"PROPFIND").expect("valid"),
                url::Url::parse(&self.principal_url()).expect("valid URL"),
            )
            .header("depth", "0");
            if let Ok(reply) = http.send(Some(&endpoint), request).await {
                if reply.status.as_u16() == 207 {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "{} did not answer within {:?}: {}",
            self.kind.name(),
            START_TIMEOUT,
            self.log()
        ))
    }

    /// The server's output so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn storage(&self) -> &Path {
        &self.dir
    }

    /// `http://127.0.0.1:<port>`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The test user's principal (`/ada/` on Radicale, `/user/` on Xandikos).
    pub fn principal_url(&self) -> String {
        match self.kind {
            ServerKind::Radicale => format!("{}/ada/", self.base_url()),
            ServerKind::Xandikos => format!("{}/user/", self.base_url()),
        }
    }

    /// Where [`CalDavServer::create_calendar`] puts calendars.
    pub fn home_url(&self) -> String {
        match self.kind {
            ServerKind::Radicale => format!("{}/ada/", self.base_url()),
            ServerKind::Xandikos => format!("{}/user/calendars/", self.base_url()),
        }
    }

    /// Credentials for the test user (Radicale accepts any password; Xandikos needs none).
    pub fn endpoint(&self, url: &str) -> Endpoint {
        match self.kind {
            ServerKind::Radicale => Endpoint {
                url: url.to_owned(),
                username: Some("ada".to_owned()),
                password: Some("secret".to_owned()),
            },
            ServerKind::Xandikos => Endpoint {
                url: url.to_owned(),
                username: None,
                password: None,
            },
        }
    }

    /// Creates an (event) calendar named `name` in the home; returns its URL.
    pub async fn create_calendar(&self, name: &str) -> Result<String, String> {
        let http = Http::new(Duration::from_secs(10)).map_err(|error| error.to_string())?;
        let url = format!("{}{name}/", self.home_url());
        caldav::make_calendar(&http, &self.endpoint(&url), &url)
            .await
            .map_err(|error| format!("MKCALENDAR {url}: {error}"))
    }
}

impl Drop for CalDavServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub mod google;
pub mod microsoft;
mod oauth_peer;

pub use google::GoogleStandIn;
pub use microsoft::MicrosoftStandIn;
pub use oauth_peer::{CalendarSpec, EventSpec, Fault, Logged, ShowAs, When};
