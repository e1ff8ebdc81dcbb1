//! Admin helpers: create users and tokens with the real `openslot admin` command against a
//! test server's database, and a client that signs in and keeps the session cookie.

use std::{
    io::Write,
    process::{Command, Stdio},
};

use serde_json::Value;

use super::{binary, database_url_for, TestServer};

fn admin_command(server: &TestServer) -> Command {
    let mut command = Command::new(binary());
    command.current_dir(&server.dir);
    command.env_remove("OPENSLOT_CONFIG");
    command.env("OPENSLOT_DATABASE_URL", database_url_for(&server.dir));
    let config = server.dir.join("openslot.toml");
    if config.exists() {
        command.arg("admin");
        command.env("OPENSLOT_CONFIG", &config);
    } else {
        command.arg("admin");
    }
    command
}

/// `openslot admin add-user EMAIL` with the password on standard input.
pub fn add_user(server: &TestServer, email: &str, password: &str) -> std::process::Output {
    add_user_with(server, &["add-user", email], password)
}

/// `openslot admin add-user EMAIL --host HOST` with the password on standard input.
pub fn add_host_user(
    server: &TestServer,
    email: &str,
    password: &str,
    host: &str,
) -> std::process::Output {
    add_user_with(server, &["add-user", email, "--host", host], password)
}

fn add_user_with(server: &TestServer, args: &[&str], password: &str) -> std::process::Output {
    let mut child = admin_command(server)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn openslot admin add-user");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write password");
    child.wait_with_output().expect("add-user output")
}

/// `openslot admin create-token NAME`; returns the printed secret.
pub fn create_token(server: &TestServer, name: &str) -> String {
    let output = create_token_with(server, name, &[]);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// `openslot admin create-token NAME ARGS...` (e.g. `--scope bookings:read`), as run.
pub fn create_token_with(server: &TestServer, name: &str, args: &[&str]) -> std::process::Output {
    admin_command(server)
        .arg("create-token")
        .arg(name)
        .args(args)
        .output()
        .expect("create-token")
}

/// A browser-like client for `/admin`: no automatic redirects, keeps the session cookie.
pub struct Admin {
    pub client: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
    /// The `Set-Cookie` header of the last sign-in.
    pub set_cookie: String,
}

/// The value of `<input ... name="NAME" value="VALUE">` (first match).
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker)?;
    let tag_end = html[at..].find('>')? + at;
    let tag = &html[at..tag_end];
    let start = tag.find("value=\"")? + "value=\"".len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].replace("&#x2f;", "/").replace("&amp;", "&"))
}

impl Admin {
    pub fn new(server: &TestServer) -> Admin {
        Admin {
            client: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: server.base.clone(),
            cookie: None,
            set_cookie: String::new(),
        }
    }

    /// Posts the sign-in form; returns the status (303 on success).
    pub async fn sign_in(&mut self, email: &str, password: &str) -> (u16, String) {
        let form = self
            .client
            .get(format!("{}/admin/login", self.base))
            .send()
            .await
            .unwrap();
        let html = form.text().await.unwrap();
        let csrf = input_value(&html, "csrf").expect("login csrf");
        let response = self
            .client
            .post(format!("{}/admin/login", self.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
                ("next", "/admin"),
            ])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        if let Some(cookie) = response.headers().get("set-cookie") {
            let cookie = cookie.to_str().unwrap().to_string();
            self.set_cookie = cookie.clone();
            self.cookie = cookie.split(';').next().map(str::to_string);
        }
        (status, response.text().await.unwrap())
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// The session's CSRF token, read from a page.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.get("/admin/tokens").await;
        input_value(&html, "csrf").expect("csrf on admin page")
    }

    /// Posts a form (with the session's CSRF token added); returns status, Location and body.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let csrf = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts a form exactly as given.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|value| value.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, location, response.text().await.unwrap())
    }
}

/// A client for `/api/v1` with a bearer token.
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub fn new(server: &TestServer, token: &str) -> Api {
        Api {
            client: super::client(),
            base: server.base.clone(),
            token: token.to_string(),
        }
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
}
