//! A minimal W3C WebDriver client for browser tests: drives Debian's real headless Chromium
//! through chromedriver (`apt-get install chromium chromium-driver`).
//!
//! ```ignore
//! use common::webdriver::{keys, Browser, BrowserOptions};
//!
//! let Some(browser) = Browser::start(BrowserOptions::default()) else { return };
//! browser.goto(&server.url("/")).await;
//! browser.find("input[name=title]").await.send_keys("Standup").await;
//! browser.press_keys(keys::ENTER).await;
//! let banner = browser.wait_for(".notice", Duration::from_secs(5)).await;
//! assert_eq!(banner.text().await, "Booked");
//! ```
//!
//! Without the browser installed, `Browser::start` prints a `SKIPPED:` line and returns `None`,
//! unless `OPENSLOT_REQUIRE_BROWSER=1` is set (CI), in which case it panics. Every other method
//! panics with the command, the selector and the WebDriver error when something goes wrong.
//! Dropping the `Browser` deletes the session (closing Chromium) and kills chromedriver.

#![allow(dead_code)]

use std::{
    fs,
    future::Future,
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use reqwest::Method;
use serde_json::{json, Value};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The key under which a W3C WebDriver element reference carries its id (the spec's "web
/// element identifier"; note the `a52e-4f735466cecf` tail).
pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

const POLL: Duration = Duration::from_millis(50);
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(20);
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// WebDriver key codes, for `Browser::press_keys` and `Element::send_keys`. Modifiers
/// (`SHIFT`, `CONTROL`, `ALT`, `META`) stay held until `NULL` or the end of the string.
pub mod keys {
    pub const NULL: &str = "\u{E000}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ALT: &str = "\u{E00A}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const SPACE: &str = "\u{E00D}";
    pub const PAGE_UP: &str = "\u{E00E}";
    pub const PAGE_DOWN: &str = "\u{E00F}";
    pub const END: &str = "\u{E010}";
    pub const HOME: &str = "\u{E011}";
    pub const ARROW_LEFT: &str = "\u{E012}";
    pub const ARROW_UP: &str = "\u{E013}";
    pub const ARROW_RIGHT: &str = "\u{E014}";
    pub const ARROW_DOWN: &str = "\u{E015}";
    pub const DELETE: &str = "\u{E017}";
    pub const META: &str = "\u{E03D}";
    /// Shift+Tab, releasing Shift afterwards.
    pub const SHIFT_TAB: &str = "\u{E008}\u{E004}\u{E000}";
}

fn is_modifier(c: char) -> bool {
    matches!(c, '\u{E008}' | '\u{E009}' | '\u{E00A}' | '\u{E03D}')
}

#[derive(Clone, Debug)]
pub struct BrowserOptions {
    /// When false, JavaScript is off for every page (Chrome content setting, as a user or an
    /// administrator would turn it off). WebDriver's own `execute` still works.
    pub javascript: bool,
    /// The viewport (`innerWidth` x `innerHeight`, CSS pixels, device pixel ratio 1): the window
    /// is made larger by the toolbar height that headless Chromium emulates.
    pub width: u32,
    pub height: u32,
    /// The languages the browser prefers (`Accept-Language` and `navigator.languages`), e.g.
    /// "de-DE,de"; `None` is English (en-US).
    pub accept_language: Option<String>,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        BrowserOptions {
            javascript: true,
            width: 1280,
            height: 800,
            accept_language: None,
        }
    }
}

/// An error answered by chromedriver (or the transport to it).
#[derive(Clone, Debug)]
pub struct WdError {
    pub status: u16,
    /// The W3C error code, e.g. "no such element", "stale element reference".
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.error, self.status, self.message)
    }
}

struct Session {
    http: reqwest::Client,
    port: u16,
    id: String,
}

impl Session {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/session/{}{}", self.port, self.id, path)
    }

    /// Sends one command; `path` is relative to the session (e.g. "/url").
    async fn raw(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        let mut request = self.http.request(method.clone(), self.url(path));
        if method == Method::POST {
            request = request.json(&body.unwrap_or_else(|| json!({})));
        }
        send(request).await
    }

    /// Like `raw`, panicking with context on any error.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let shown = body.as_ref().map(|b| b.to_string()).unwrap_or_default();
        match self.raw(method.clone(), path, body).await {
            Ok(value) => value,
            Err(e) => panic!("WebDriver {method} {path} {shown} failed: {e}"),
        }
    }

    fn element(self: &Arc<Self>, value: &Value, what: &str) -> Element {
        Element::from_value(self, value, what)
            .unwrap_or_else(|| panic!("{what}: answer is not an element: {value}"))
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, WdError> {
    let response = request.send().await.map_err(|e| WdError {
        status: 0,
        error: "transport".into(),
        message: e.to_string(),
    })?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(|e| WdError {
        status,
        error: "transport".into(),
        message: e.to_string(),
    })?;
    decode(status, &text)
}

/// A WebDriver answer: `{"value": ...}`, an error object in it unless the status is 2xx.
fn decode(status: u16, text: &str) -> Result<Value, WdError> {
    let body: Value = serde_json::from_str(text).map_err(|_| WdError {
        status,
        error: "bad response".into(),
        message: text.chars().take(500).collect(),
    })?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return Ok(value);
    }
    Err(WdError {
        status,
        error: value["error"]
            .as_str()
            .unwrap_or("unknown error")
            .to_string(),
        message: value["message"]
            .as_str()
            .unwrap_or(text)
            .chars()
            .take(1000)
            .collect(),
    })
}

/// One request to chromedriver over a plain blocking socket: for `Browser::start` (which needs
/// no runtime) and `Drop` (which cannot await). chromedriver keeps the connection open despite
/// `Connection: close`, so the answer is read by its Content-Length.
fn blocking_request(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<Value, WdError> {
    let transport = |e: std::io::Error| WdError {
        status: 0,
        error: "transport".into(),
        message: format!("{method} {path}: {e}"),
    };
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(transport)?;
    stream.set_read_timeout(Some(timeout)).map_err(transport)?;
    stream.set_write_timeout(Some(timeout)).map_err(transport)?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(transport)?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 16384];
    let mut head: Option<(u16, usize, Option<usize>)> = None;
    loop {
        if head.is_none() {
            if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
                let text = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
                let status = text
                    .split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                let length = text
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|n| n.trim().parse().ok());
                head = Some((status, end + 4, length));
            }
        }
        if let Some((_, start, Some(length))) = head {
            if answer.len() >= start + length {
                break;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) => return Err(transport(e)),
        }
    }
    let Some((status, start, _)) = head else {
        return Err(transport(std::io::Error::other(
            "connection closed before the headers",
        )));
    };
    decode(status, &String::from_utf8_lossy(&answer[start..]))
}

fn using_css(css: &str) -> Value {
    json!({"using": "css selector", "value": css})
}

pub struct Browser {
    session: Arc<Session>,
    driver: Child,
    dir: tempfile::TempDir,
    deleted: bool,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium. `None` (after printing a `SKIPPED:`
    /// line) when they are not installed, unless `OPENSLOT_REQUIRE_BROWSER=1`, which panics.
    /// Blocks (about a second) while Chromium starts; fine inside `#[tokio::test]`.
    pub fn start(options: BrowserOptions) -> Option<Browser> {
        let missing: Vec<&str> = [CHROMEDRIVER, CHROMIUM]
            .into_iter()
            .filter(|p| !Path::new(p).exists())
            .collect();
        if !missing.is_empty() {
            let what = format!(
                "chromium/chromedriver not found ({} missing; install chromium chromium-driver)",
                missing.join(", ")
            );
            if std::env::var("OPENSLOT_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("OPENSLOT_REQUIRE_BROWSER=1 and {what}");
            }
            // Straight to stderr, past the test harness's capture, so the skip is visible.
            let _ = writeln!(std::io::stderr(), "SKIPPED: {what}");
            return None;
        }
        Some(Browser::launch(options))
    }

    fn launch(options: BrowserOptions) -> Browser {
        let dir = tempfile::Builder::new()
            .prefix("openslot-browser-")
            .tempdir()
            .expect("temp dir for the browser");
        let http = reqwest::Client::builder()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .expect("HTTP client for chromedriver");

        // The port is free when we look; another process could take it before chromedriver binds
        // it, so try a few ports.
        let mut attempt = 0;
        let (driver, port) = loop {
            attempt += 1;
            let port = free_port();
            let log = dir.path().join(format!("chromedriver-{attempt}.log"));
            let mut driver = spawn_driver(port, &log);
            match wait_ready(port, &mut driver) {
                Ok(()) => break (driver, port),
                Err(why) => {
                    let _ = driver.kill();
                    let _ = driver.wait();
                    if attempt >= 3 {
                        panic!(
                            "chromedriver did not become ready: {why}\n--- log ---\n{}",
                            read_tail(&log)
                        );
                    }
                }
            }
        };

        let profile = dir.path().join("profile");
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={},{}", options.width, options.height),
            format!(
                "--lang={}",
                options
                    .accept_language
                    .as_deref()
                    .and_then(|languages| languages.split(',').next())
                    .unwrap_or("en-US")
            ),
        ];
        let mut chrome = json!({"binary": CHROMIUM, "args": args});
        let mut prefs = serde_json::Map::new();
        if !options.javascript {
            prefs.insert(
                "profile.managed_default_content_settings.javascript".into(),
                json!(2),
            );
        }
        if let Some(languages) = &options.accept_language {
            prefs.insert("intl.accept_languages".into(), json!(languages));
        }
        if !prefs.is_empty() {
            chrome["prefs"] = serde_json::Value::Object(prefs);
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"implicit": 0, "pageLoad": 30_000, "script": 30_000},
            "goog:chromeOptions": chrome,
        }}});
        let created = blocking_request(
            port,
            "POST",
            "/session",
            Some(&capabilities),
            COMMAND_TIMEOUT,
        );
        let id = match created.map(|value| value["sessionId"].as_str().map(str::to_string)) {
            Ok(Some(id)) => id,
            failed => {
                let mut driver = driver;
                let _ = driver.kill();
                let _ = driver.wait();
                let why = match failed {
                    Err(e) => e.to_string(),
                    _ => "the answer has no sessionId".to_string(),
                };
                panic!(
                    "chromedriver could not start Chromium: {why}\n--- log ---\n{}",
                    read_tail(&dir.path().join(format!("chromedriver-{attempt}.log")))
                );
            }
        };
        let browser = Browser {
            session: Arc::new(Session { http, port, id }),
            driver,
            dir,
            deleted: false,
        };
        // `--window-size` sizes the window, and headless Chromium's viewport is smaller by an
        // emulated toolbar: grow the window so the viewport is what was asked for.
        let command = |method: &str, path: &str, body: Value| {
            let path = format!("/session/{}{path}", browser.session.id);
            blocking_request(port, method, &path, Some(&body), COMMAND_TIMEOUT)
                .unwrap_or_else(|e| panic!("sizing the viewport: {method} {path} failed: {e}"))
        };
        let script = "return [outerWidth - innerWidth, outerHeight - innerHeight]";
        let extra = command(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        );
        let extra = |i: usize| extra[i].as_u64().unwrap_or(0) as u32;
        let (width, height) = (options.width + extra(0), options.height + extra(1));
        command(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        );
        browser
    }

    /// The temporary directory holding the profile and chromedriver's log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Navigates and waits for the page's load event.
    pub async fn goto(&self, url: &str) {
        self.session
            .call(Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    pub async fn url(&self) -> String {
        as_string(self.session.call(Method::GET, "/url", None).await)
    }

    pub async fn title(&self) -> String {
        as_string(self.session.call(Method::GET, "/title", None).await)
    }

    pub async fn back(&self) {
        self.session.call(Method::POST, "/back", None).await;
    }

    pub async fn refresh(&self) {
        self.session.call(Method::POST, "/refresh", None).await;
    }

    pub async fn page_source(&self) -> String {
        as_string(self.session.call(Method::GET, "/source", None).await)
    }

    /// The first element matching `css`; panics when there is none.
    pub async fn find(&self, css: &str) -> Element {
        match self.try_find(css).await {
            Some(element) => element,
            None => panic!("no element matches {css:?} on {}", self.url().await),
        }
    }

    /// The first element matching `css`, or None (no waiting).
    pub async fn try_find(&self, css: &str) -> Option<Element> {
        match self
            .session
            .raw(Method::POST, "/element", Some(using_css(css)))
            .await
        {
            Ok(value) => Some(self.session.element(&value, css)),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("find({css:?}) failed: {e}"),
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let value = self
            .session
            .call(Method::POST, "/elements", Some(using_css(css)))
            .await;
        elements(&self.session, &value, css)
    }

    /// Polls every 50 ms until an element matching `css` is present and displayed.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(value) = self
                .session
                .raw(Method::POST, "/element", Some(using_css(css)))
                .await
            {
                let element = self.session.element(&value, css);
                if let Ok(Value::Bool(true)) = element.get("/displayed").await {
                    return element;
                }
            }
            if Instant::now() >= deadline {
                let state = if self.try_find(css).await.is_some() {
                    "present but not displayed"
                } else {
                    "absent"
                };
                panic!(
                    "wait_for({css:?}): still {state} after {timeout:?} on {}",
                    self.url().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls `predicate` every 50 ms until it yields true; panics naming `what` on timeout.
    /// Capture the browser by reference with `move`:
    /// `browser.wait_until(t, "url", move || async move { browser.url().await.ends_with("/ok") })`.
    pub async fn wait_until<F, Fut>(&self, timeout: Duration, what: &str, mut predicate: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if predicate().await {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "wait_until({what}): still false after {timeout:?} on {}",
                    self.url().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls the script (a function body, e.g. "return document.title === 'x'") every 50 ms until
    /// it returns true. Script errors (e.g. during a navigation) count as false.
    pub async fn wait_js(&self, script: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let result = self
                .session
                .raw(
                    Method::POST,
                    "/execute/sync",
                    Some(json!({"script": script, "args": []})),
                )
                .await;
            if let Ok(Value::Bool(true)) = result {
                return;
            }
            if Instant::now() >= deadline {
                let last = match result {
                    Ok(value) => format!("last result {value}"),
                    Err(e) => format!("last error {e}"),
                };
                panic!(
                    "wait_js({script:?}): not true after {timeout:?} ({last}) on {}",
                    self.url().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Runs `script` as a function body with `arguments` = `args` (use `Element::to_json` to pass
    /// elements) and returns its result; elements in it come back as `{ELEMENT_KEY: id}`, which
    /// `Browser::element` turns into an `Element`. Works even with page JavaScript disabled.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        let body = json!({"script": script, "args": args});
        match self
            .session
            .raw(Method::POST, "/execute/sync", Some(body))
            .await
        {
            Ok(value) => value,
            Err(e) => panic!("execute({script:?}) failed: {e}"),
        }
    }

    /// Sends a Chrome DevTools Protocol command (chromedriver's `goog/cdp/execute`), e.g.
    /// `Emulation.setScriptExecutionDisabled` to load a page as a browser without
    /// JavaScript would, then turn scripts back on for an audit of that page.
    pub async fn cdp(&self, command: &str, params: Value) -> Value {
        let body = json!({"cmd": command, "params": params});
        match self
            .session
            .raw(Method::POST, "/goog/cdp/execute", Some(body))
            .await
        {
            Ok(value) => value,
            Err(e) => panic!("cdp({command}) failed: {e}"),
        }
    }

    /// An `Element` from an element reference (as returned by `execute`), if it is one.
    pub fn element(&self, value: &Value) -> Option<Element> {
        Element::from_value(&self.session, value, "execute result")
    }

    /// The focused element (the body when nothing is focused).
    pub async fn active_element(&self) -> Element {
        let value = self
            .session
            .call(Method::GET, "/element/active", None)
            .await;
        self.session.element(&value, "active element")
    }

    /// Types `keys` into whatever has focus, through the Actions API: each character is a key
    /// press; `keys::*` codes are special keys; modifiers stay down until `keys::NULL` or the end.
    /// E.g. `press_keys(keys::TAB)`, `press_keys(keys::SHIFT_TAB)`, `press_keys(" ")`.
    pub async fn press_keys(&self, keys: &str) {
        let mut actions = Vec::new();
        let mut held: Vec<char> = Vec::new();
        for c in keys.chars() {
            if c == '\u{E000}' {
                for m in held.drain(..).rev() {
                    actions.push(json!({"type": "keyUp", "value": m.to_string()}));
                }
            } else if is_modifier(c) {
                if !held.contains(&c) {
                    held.push(c);
                    actions.push(json!({"type": "keyDown", "value": c.to_string()}));
                }
            } else {
                actions.push(json!({"type": "keyDown", "value": c.to_string()}));
                actions.push(json!({"type": "keyUp", "value": c.to_string()}));
            }
        }
        for m in held.drain(..).rev() {
            actions.push(json!({"type": "keyUp", "value": m.to_string()}));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        if let Err(e) = self.session.raw(Method::POST, "/actions", Some(body)).await {
            panic!("press_keys({keys:?}) failed: {e}");
        }
        self.session.call(Method::DELETE, "/actions", None).await;
    }

    /// Switches into the frame or iframe `frame` (an element of the current frame).
    pub async fn switch_to_frame(&self, frame: &Element) {
        self.session
            .call(Method::POST, "/frame", Some(json!({"id": frame.to_json()})))
            .await;
    }

    pub async fn switch_to_parent(&self) {
        self.session.call(Method::POST, "/frame/parent", None).await;
    }

    pub async fn switch_to_top(&self) {
        self.session
            .call(Method::POST, "/frame", Some(json!({"id": null})))
            .await;
    }

    /// Saves a PNG of the viewport to `path` and returns its bytes.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Vec<u8> {
        let value = self.session.call(Method::GET, "/screenshot", None).await;
        let png = base64_decode(value.as_str().expect("screenshot is a base64 string"))
            .unwrap_or_else(|e| panic!("screenshot: bad base64: {e}"));
        let path = path.as_ref();
        fs::write(path, &png)
            .unwrap_or_else(|e| panic!("writing screenshot {}: {e}", path.display()));
        png
    }

    /// Resizes the outer window. Headless Chromium still reserves room for browser UI (the
    /// viewport is about 143 px shorter than the window): see `set_viewport_size`.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.session
            .call(
                Method::POST,
                "/window/rect",
                Some(json!({"width": width, "height": height})),
            )
            .await;
    }

    /// Resizes the window so that the viewport (`innerWidth` x `innerHeight`) is `width` x
    /// `height`.
    pub async fn set_viewport_size(&self, width: u32, height: u32) {
        let script = "return [outerWidth - innerWidth, outerHeight - innerHeight]";
        let extra = self.execute(script, vec![]).await;
        let extra = |i: usize| extra[i].as_u64().unwrap_or(0) as u32;
        self.set_window_size(width + extra(0), height + extra(1))
            .await;
        let inner = self
            .execute("return [innerWidth, innerHeight]", vec![])
            .await;
        assert_eq!(
            inner,
            json!([width, height]),
            "viewport after set_viewport_size({width}, {height})"
        );
    }

    /// Ends the session (closing Chromium) and chromedriver now; `Drop` does the same.
    pub fn close(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if !self.deleted {
            self.deleted = true;
            // chromedriver quits Chromium before it answers.
            let path = format!("/session/{}", self.session.id);
            let _ = blocking_request(
                self.session.port,
                "DELETE",
                &path,
                None,
                Duration::from_secs(10),
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

fn spawn_driver(port: u16, log: &Path) -> Child {
    let out = fs::File::create(log).expect("chromedriver log file");
    let err = out.try_clone().expect("chromedriver log file");
    Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {CHROMEDRIVER}: {e}"))
}

fn wait_ready(port: u16, driver: &mut Child) -> Result<(), String> {
    let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
    loop {
        if let Ok(Some(exit)) = driver.try_wait() {
            return Err(format!("chromedriver exited with {exit}"));
        }
        if let Ok(value) = blocking_request(port, "GET", "/status", None, Duration::from_secs(2)) {
            if value["ready"] == Value::Bool(true) {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            return Err(format!("/status not ready after {DRIVER_READY_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

fn as_string(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => panic!("expected a string from WebDriver, got {other}"),
    }
}

fn elements(session: &Arc<Session>, value: &Value, what: &str) -> Vec<Element> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{what}: expected a list of elements, got {value}"))
        .iter()
        .map(|v| session.element(v, what))
        .collect()
}

/// A reference to a DOM element in the current browsing context.
#[derive(Clone)]
pub struct Element {
    session: Arc<Session>,
    id: String,
    what: String,
}

impl std::fmt::Debug for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Element({:?} {})", self.what, self.id)
    }
}

impl Element {
    fn from_value(session: &Arc<Session>, value: &Value, what: &str) -> Option<Element> {
        let id = value.get(ELEMENT_KEY)?.as_str()?;
        Some(Element {
            session: session.clone(),
            id: id.to_string(),
            what: what.to_string(),
        })
    }

    /// The WebDriver element id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The element reference, for `Browser::execute` arguments.
    pub fn to_json(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    async fn get(&self, what: &str) -> Result<Value, WdError> {
        self.session
            .raw(Method::GET, &format!("/element/{}{what}", self.id), None)
            .await
    }

    async fn command(&self, method: Method, what: &str, body: Option<Value>) -> Value {
        let path = format!("/element/{}{what}", self.id);
        match self.session.raw(method.clone(), &path, body).await {
            Ok(value) => value,
            Err(e) => panic!("{method} {what} on element {:?} failed: {e}", self.what),
        }
    }

    pub async fn click(&self) {
        self.command(Method::POST, "/click", None).await;
    }

    /// Focuses the element and types `text` (may contain `keys::*` codes).
    pub async fn send_keys(&self, text: &str) {
        self.command(Method::POST, "/value", Some(json!({ "text": text })))
            .await;
    }

    pub async fn clear(&self) {
        self.command(Method::POST, "/clear", None).await;
    }

    /// The rendered text (as a user sees it; empty when hidden).
    pub async fn text(&self) -> String {
        as_string(self.command(Method::GET, "/text", None).await)
    }

    /// The HTML attribute (None when absent).
    pub async fn attr(&self, name: &str) -> Option<String> {
        match self
            .command(Method::GET, &format!("/attribute/{name}"), None)
            .await
        {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    }

    /// The DOM property, e.g. "value", "checked", "validationMessage".
    pub async fn property(&self, name: &str) -> Value {
        self.command(Method::GET, &format!("/property/{name}"), None)
            .await
    }

    pub async fn is_displayed(&self) -> bool {
        self.command(Method::GET, "/displayed", None).await == Value::Bool(true)
    }

    pub async fn is_selected(&self) -> bool {
        self.command(Method::GET, "/selected", None).await == Value::Bool(true)
    }

    pub async fn is_enabled(&self) -> bool {
        self.command(Method::GET, "/enabled", None).await == Value::Bool(true)
    }

    /// Lower-case tag name, e.g. "input".
    pub async fn tag_name(&self) -> String {
        as_string(self.command(Method::GET, "/name", None).await).to_lowercase()
    }

    /// The first descendant matching `css`; panics when there is none.
    pub async fn find(&self, css: &str) -> Element {
        let path = format!("/element/{}/element", self.id);
        match self
            .session
            .raw(Method::POST, &path, Some(using_css(css)))
            .await
        {
            Ok(value) => self.session.element(&value, css),
            Err(e) => panic!("find({css:?}) within {:?} failed: {e}", self.what),
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let value = self
            .command(Method::POST, "/elements", Some(using_css(css)))
            .await;
        elements(&self.session, &value, css)
    }
}

/// Standard base64 (RFC 4648, with or without padding; whitespace ignored).
pub fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    fn sextet(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some((c - b'A') as u32),
            b'a'..=b'z' => Some((c - b'a') as u32 + 26),
            b'0'..=b'9' => Some((c - b'0') as u32 + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut padding = false;
    for (i, c) in text.bytes().enumerate() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding = true;
            continue;
        }
        if padding {
            return Err(format!("data after padding at byte {i}"));
        }
        let value = sextet(c).ok_or_else(|| format!("invalid base64 byte {c:#04x} at {i}"))?;
        acc = (acc << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err("truncated base64".into());
    }
    Ok(out)
}
