//! Test helpers: start the real `openslot` binary on 127.0.0.1:0 with a temporary database,
//! wait for its "listening" log line (no sleeps), capture its logs, stop it with SIGTERM.

#![allow(dead_code)]

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
            command.env(
                "OPENSLOT_DATABASE_URL",
                format!("sqlite://{}", launch.dir.join("test.db").display()),
            );
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
