//! Test helpers: start the real `openslot` binary on 127.0.0.1:0 with a temporary database,
//! wait for its "listening" log line (no sleeps), capture its logs, stop it with SIGTERM.

#![allow(dead_code)]

pub mod admin;
pub mod smtp;
pub mod webdriver;

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{mpsc, Arc, Mutex},
    time::Duration,
};

use jiff::{civil::Date, Timestamp, ToSpan};
use serde_json::Value;

pub struct TestServer {
    pub base: String,
    pub dir: PathBuf,
    child: Option<Child>,
    logs: Arc<Mutex<Vec<String>>>,
    _temp: Option<tempfile::TempDir>,
}

pub struct Launch<'a> {
    pub config: Option<&'a str>,
    pub dir: &'a Path,
    pub env: Vec<(&'a str, String)>,
    pub use_config_database: bool,
}

/// Whether the integration tests run against PostgreSQL (`OPENSLOT_TEST_BACKEND=postgres`,
/// with `OPENSLOT_TEST_POSTGRES_URL` naming a server) instead of SQLite.
pub fn postgres_backend() -> bool {
    std::env::var("OPENSLOT_TEST_BACKEND").as_deref() == Ok("postgres")
}

/// The PostgreSQL server for tests, if configured; panics when CI requires one.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("OPENSLOT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("OPENSLOT_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("OPENSLOT_REQUIRE_POSTGRES=1 but OPENSLOT_TEST_POSTGRES_URL is not set");
            }
            eprintln!("PostgreSQL tests skipped: set OPENSLOT_TEST_POSTGRES_URL");
            None
        }
    }
}

/// `admin_url` with its database name replaced by `name`.
pub fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// Creates database `name` on the PostgreSQL server at `admin_url` unless it exists.
pub fn create_postgres_database(admin_url: &str, name: &str) {
    let admin = admin_url.to_string();
    let name = name.to_string();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            use sqlx::Connection;
            let mut connection = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to the test PostgreSQL server");
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                    .bind(&name)
                    .fetch_optional(&mut connection)
                    .await
                    .unwrap();
            if exists.is_none() {
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut connection)
                    .await
                    .expect("create the test database");
            }
        });
    })
    .join()
    .expect("database creation thread");
}

/// The database a test server in `dir` uses: SQLite in the directory, or a PostgreSQL
/// database named after the directory (so a restart in the same directory finds its data).
pub fn database_url_for(dir: &Path) -> String {
    if postgres_backend() {
        let admin = postgres_admin_url()
            .expect("OPENSLOT_TEST_BACKEND=postgres needs OPENSLOT_TEST_POSTGRES_URL");
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        dir.hash(&mut hasher);
        std::process::id().hash(&mut hasher);
        let name = format!("openslot_t_{:016x}", hasher.finish());
        create_postgres_database(&admin, &name);
        with_database(&admin, &name)
    } else {
        format!("sqlite://{}", dir.join("test.db").display())
    }
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_openslot")
}

impl TestServer {
    /// Starts with `config` (TOML) in a fresh temporary directory.
    pub fn start(config: &str) -> TestServer {
        let temp = tempfile::tempdir().expect("temp dir");
        let mut server = TestServer::launch(Launch {
            config: Some(config),
            dir: temp.path(),
            env: Vec::new(),
            use_config_database: false,
        });
        server._temp = Some(temp);
        server
    }

    /// Starts in `dir` (kept by the caller, so a later start sees the same database).
    pub fn launch(launch: Launch<'_>) -> TestServer {
        let mut command = Command::new(binary());
        command.arg("serve").current_dir(launch.dir);
        if let Some(config) = launch.config {
            let path = launch.dir.join("openslot.toml");
            std::fs::write(&path, config).expect("write config");
            command.arg("--config").arg(&path);
        }
        command.env("OPENSLOT_LISTEN", "127.0.0.1:0");
        command.env_remove("OPENSLOT_CONFIG");
        command.env("RUST_LOG", "info");
        if !launch.use_config_database {
            command.env("OPENSLOT_DATABASE_URL", database_url_for(launch.dir));
        }
        for (key, value) in launch.env {
            command.env(key, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn openslot");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (address_sender, address_receiver) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stored = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(value) = serde_json::from_str::<Value>(&line) {
                    if value["message"] == "listening" {
                        let _ =
                            address_sender.send(value["addr"].as_str().unwrap_or("").to_string());
                    }
                }
                stored.lock().unwrap().push(line);
            }
        });
        let stderr = child.stderr.take().expect("stderr");
        let stored = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                stored.lock().unwrap().push(format!("stderr: {line}"));
            }
        });
        let address = match address_receiver.recv_timeout(Duration::from_secs(30)) {
            Ok(address) => address,
            Err(_) => {
                let _ = child.kill();
                panic!("openslot did not start: {:?}", logs.lock().unwrap());
            }
        };
        TestServer {
            base: format!("http://{address}"),
            dir: launch.dir.to_path_buf(),
            child: Some(child),
            logs,
            _temp: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
        for _ in 0..600 {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        panic!("openslot did not exit after SIGTERM");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// GET a path and return status and JSON body.
pub async fn get_json(server: &TestServer, path: &str) -> (u16, Value) {
    let response = client().get(server.url(path)).send().await.expect("GET");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// POST JSON and return status and JSON body.
pub async fn post_json(server: &TestServer, path: &str, body: &Value) -> (u16, Value) {
    let response = client()
        .post(server.url(path))
        .json(body)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// A date `days` after today (UTC).
pub fn days_ahead(days: i64) -> Date {
    Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .checked_add(days.days())
        .unwrap()
}

/// `date` at `hh:mm` UTC as RFC 3339.
pub fn at(date: Date, hour: i8, minute: i8) -> String {
    format!("{date}T{hour:02}:{minute:02}:00Z")
}

/// Asserts the standard error shape and returns the code.
pub fn error_code(body: &Value) -> String {
    let error = &body["error"];
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "no message in {body}"
    );
    error["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code in {body}"))
        .to_string()
}
