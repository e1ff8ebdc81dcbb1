//! Fault suite across a network: PostgreSQL and an SMTP peer run in network namespaces this
//! test creates (and always removes), reached from the `openslot` binary in the root
//! namespace over veth pairs whose both ends can be cut — every packet silently dropped
//! by a `blackhole` qdisc, no reset — while bookings flow.
//!
//! - A 30-second partition of PostgreSQL: no confirmed booking is lost, none is doubled,
//!   every answer is a JSON 201/409/422 or 503 with a clear code within a deadline derived
//!   from `[database] call_timeout_ms`, `/readyz` says not ready, and bookings succeed
//!   again soon after the link heals, without a restart.
//! - A black-holed SMTP link: mail waits, and after the link heals every message arrives
//!   exactly once (counted by Message-ID at the peer).
//!
//! Needs root, `ip` and `tc` (iproute2) and PostgreSQL's server binaries; skipped with a
//! message without them, unless `OPENSLOT_REQUIRE_NETNS=1` (CI), where that fails.

mod common;

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fs::File,
    io,
    net::SocketAddr,
    os::{fd::AsRawFd, unix::process::CommandExt},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use common::{Launch, TestServer};
use jiff::ToSpan;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// The whole of each test, setup included.
const TEST_BOUND: Duration = Duration::from_secs(180);
/// How long PostgreSQL is cut off.
const PARTITION: Duration = Duration::from_secs(30);

/// The fault tests share the machine's two cores; one at a time keeps their timing honest.
static SERIAL: Mutex<()> = Mutex::new(());

// ----- preconditions -----

/// Why the fault suite cannot run here, if it cannot.
fn missing_prerequisite() -> Option<String> {
    if std::env::var("OPENSLOT_TEST_BACKEND").as_deref() == Ok("postgres") {
        // The suite brings its own PostgreSQL; it runs in the default (SQLite) pass.
        return Some("runs in the default pass (it starts its own PostgreSQL)".into());
    }
    if unsafe { libc::geteuid() } != 0 {
        return Some("needs root (network namespaces)".into());
    }
    for tool in ["ip", "tc"] {
        let found = Command::new(tool)
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !found {
            return Some(format!("`{tool}` (iproute2) is not installed"));
        }
    }
    if postgres_bin().is_none() {
        return Some("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) not found".into());
    }
    if postgres_user().is_none() {
        return Some("no `postgres` system user".into());
    }
    None
}

/// `true` when the test should run; prints why not, or panics if CI requires it.
fn should_run(name: &str) -> bool {
    let Some(reason) = missing_prerequisite() else {
        return true;
    };
    if std::env::var("OPENSLOT_REQUIRE_NETNS").as_deref() == Ok("1")
        && !reason.starts_with("runs in the default pass")
    {
        panic!("OPENSLOT_REQUIRE_NETNS=1 but the network fault suite cannot run: {reason}");
    }
    eprintln!("{name} skipped: {reason}");
    false
}

/// The newest PostgreSQL server binary directory.
fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// uid and gid of the `postgres` user (PostgreSQL refuses to run as root).
fn postgres_user() -> Option<(u32, u32)> {
    let passwd = unsafe { libc::getpwnam(c"postgres".as_ptr()) };
    if passwd.is_null() {
        return None;
    }
    let passwd = unsafe { &*passwd };
    Some((passwd.pw_uid, passwd.pw_gid))
}

// ----- network namespaces -----

/// Runs a command to completion, failing with its output.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|err| format!("{program}: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

const NETNS_PREFIX: &str = "osft-";

/// Removes namespaces left by earlier runs of this suite that were killed before their
/// guards ran (their processes died with them: see `PR_SET_PDEATHSIG`).
fn remove_stale_namespaces() {
    let Ok(entries) = std::fs::read_dir("/var/run/netns") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(NETNS_PREFIX) else {
            continue;
        };
        let Some(pid) = rest
            .split('-')
            .next()
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = run("ip", &["netns", "del", &name]);
        }
    }
}

/// A network namespace joined to the root namespace by a veth pair (a /30 link).
struct Netns {
    name: String,
    host_if: String,
    ns_if: String,
    host_ip: String,
    ns_ip: String,
    cut: AtomicBool,
}

impl Netns {
    /// Creates namespace number `index` of this process.
    fn create(index: u8) -> Result<Netns, String> {
        remove_stale_namespaces();
        let pid = std::process::id();
        // Interface names have at most 15 bytes.
        let tag = format!("{:x}{index}", pid % 0xfffff);
        let subnet = format!(
            "10.{}.{}",
            200 + pid % 50,
            (pid / 50 % 60) as u8 * 4 + index
        );
        let netns = Netns {
            name: format!("{NETNS_PREFIX}{pid}-{index}"),
            host_if: format!("osh{tag}"),
            ns_if: format!("osn{tag}"),
            host_ip: format!("{subnet}.1"),
            ns_ip: format!("{subnet}.2"),
            cut: AtomicBool::new(false),
        };
        // From here on the guard removes whatever was made.
        run("ip", &["netns", "add", &netns.name])?;
        run(
            "ip",
            &[
                "link",
                "add",
                &netns.host_if,
                "type",
                "veth",
                "peer",
                "name",
                &netns.ns_if,
            ],
        )?;
        run("ip", &["link", "set", &netns.ns_if, "netns", &netns.name])?;
        run(
            "ip",
            &[
                "addr",
                "add",
                &format!("{}/30", netns.host_ip),
                "dev",
                &netns.host_if,
            ],
        )?;
        run("ip", &["link", "set", &netns.host_if, "up"])?;
        netns.in_ns(
            "ip",
            &[
                "addr",
                "add",
                &format!("{}/30", netns.ns_ip),
                "dev",
                &netns.ns_if,
            ],
        )?;
        netns.in_ns("ip", &["link", "set", &netns.ns_if, "up"])?;
        netns.in_ns("ip", &["link", "set", "lo", "up"])?;
        Ok(netns)
    }

    fn in_ns(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let mut full = vec!["netns", "exec", &self.name, program];
        full.extend_from_slice(args);
        run("ip", &full)
    }

    /// Drops every packet in both directions, silently (no reset, no ICMP): a partition.
    fn cut(&self) -> Result<(), String> {
        self.cut.store(true, Ordering::SeqCst);
        run(
            "tc",
            &["qdisc", "add", "dev", &self.host_if, "root", "blackhole"],
        )?;
        self.in_ns(
            "tc",
            &["qdisc", "add", "dev", &self.ns_if, "root", "blackhole"],
        )
    }

    /// Ends the partition.
    fn heal(&self) -> Result<(), String> {
        run("tc", &["qdisc", "del", "dev", &self.host_if, "root"])?;
        self.in_ns("tc", &["qdisc", "del", "dev", &self.ns_if, "root"])?;
        self.cut.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// The namespace's handle, for `setns`.
    fn file(&self) -> io::Result<File> {
        File::open(format!("/var/run/netns/{}", self.name))
    }

    /// A TCP listener on `port` inside the namespace (the socket stays there).
    fn listen(&self, port: u16) -> io::Result<std::net::TcpListener> {
        let namespace = self.file()?;
        let addr: SocketAddr = format!("{}:{port}", self.ns_ip).parse().unwrap();
        std::thread::spawn(move || {
            // setns affects only this thread, which ends right after binding.
            if unsafe { libc::setns(namespace.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                return Err(io::Error::last_os_error());
            }
            std::net::TcpListener::bind(addr)
        })
        .join()
        .expect("listener thread")
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if self.cut.load(Ordering::SeqCst) {
            let _ = self.heal();
        }
        // Deleting the namespace destroys both ends of the veth pair once its processes
        // are gone (their guards were dropped first).
        let _ = run("ip", &["netns", "del", &self.name]);
        let _ = run("ip", &["link", "del", &self.host_if]);
    }
}

/// A command run as `user` inside `namespace`, killed if this test's thread dies.
fn command_in(program: &Path, namespace: Option<&File>, user: (u32, u32)) -> Command {
    let mut command = Command::new(program);
    let namespace = namespace.map(AsRawFd::as_raw_fd);
    let (uid, gid) = user;
    unsafe {
        command.pre_exec(move || {
            if let Some(fd) = namespace {
                if libc::setns(fd, libc::CLONE_NEWNET) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(gid) != 0
                || libc::setuid(uid) != 0
            {
                return Err(io::Error::last_os_error());
            }
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    command
}

// ----- PostgreSQL inside a namespace -----

/// A private PostgreSQL server listening on the namespace's address; stopped on drop.
struct Postgres {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Postgres {
    fn start(netns: &Netns) -> Result<Postgres, String> {
        let bin = postgres_bin().ok_or("no PostgreSQL binaries")?;
        let user = postgres_user().ok_or("no postgres user")?;
        let dir = tempfile::tempdir().map_err(|err| err.to_string())?;
        let c_dir = std::ffi::CString::new(dir.path().to_str().unwrap()).unwrap();
        if unsafe { libc::chown(c_dir.as_ptr(), user.0, user.1) } != 0 {
            return Err(format!("chown: {}", io::Error::last_os_error()));
        }
        let data = dir.path().join("data");
        let output = command_in(&bin.join("initdb"), None, user)
            .current_dir(dir.path())
            .args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--no-sync",
            ])
            .arg("-D")
            .arg(&data)
            .output()
            .map_err(|err| format!("initdb: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "initdb: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let hba = data.join("pg_hba.conf");
        let mut rules = std::fs::read_to_string(&hba).map_err(|err| err.to_string())?;
        rules.push_str(&format!("host all all {}/32 trust\n", netns.host_ip));
        std::fs::write(&hba, rules).map_err(|err| err.to_string())?;
        let namespace = netns.file().map_err(|err| err.to_string())?;
        let child = command_in(&bin.join("postgres"), Some(&namespace), user)
            .current_dir(dir.path())
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(dir.path())
            .args(["-h", &netns.ns_ip, "-p", "5432"])
            .args(["-c", "fsync=off", "-c", "max_connections=50"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("postgres: {err}"))?;
        let postgres = Postgres {
            child,
            url: format!("postgres://postgres@{}:5432/postgres", netns.ns_ip),
            _dir: dir,
        };
        Ok(postgres)
    }

    /// Waits (polling, bounded) until the server accepts queries.
    async fn ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let attempt = tokio::time::timeout(Duration::from_secs(2), self.connect()).await;
            match attempt {
                Ok(Ok(_)) => return Ok(()),
                _ if Instant::now() > deadline => {
                    return Err("PostgreSQL did not accept connections in 30 s".into())
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    async fn connect(&self) -> Result<sqlx::PgConnection, sqlx::Error> {
        <sqlx::PgConnection as sqlx::Connection>::connect(&self.url).await
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Fast shutdown (SIGINT), then SIGKILL if it lingers.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ----- shared helpers -----

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        // Far beyond any bound asserted below: a request this slow is a hang.
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn event_config() -> &'static str {
    r#"
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
lookahead_days = 30
min_lead_minutes = 0
mode = "instant"

[[event_types]]
slug = "call"
title = "Call"
duration_minutes = 30
"#
}

/// Half-hour starts from tomorrow on, for `days` days.
fn slots(days: i64) -> Vec<String> {
    let first = common::days_ahead(1);
    let mut slots = Vec::new();
    for day in 0..days {
        let date = first.checked_add(day.days()).unwrap();
        for half_hour in 0..48 {
            slots.push(common::at(
                date,
                (half_hour / 2) as i8,
                (half_hour % 2 * 30) as i8,
            ));
        }
    }
    slots
}

fn booking_body(start: &str, n: usize) -> Value {
    json!({"event": "call", "start": start, "name": format!("Fault Test {n}"),
           "email": format!("fault{n}@example.com"), "timezone": "UTC"})
}

/// Every log line of the server that reports a panic.
fn panics(server: &TestServer) -> Vec<String> {
    server
        .logs()
        .into_iter()
        .filter(|line| line.contains("panicked"))
        .collect()
}

// ----- PostgreSQL partition -----

/// One `/readyz` answer: sent, answered, status, error code.
type Probe = (Instant, Instant, u16, String);

/// One booking request as the client saw it.
#[derive(Debug, Clone)]
struct Attempt {
    started: Instant,
    ended: Instant,
    start: String,
    status: u16,
    code: String,
    id: Option<String>,
}

#[test]
fn postgres_partition_loses_nothing_and_recovers_by_itself() {
    if !should_run("postgres_partition_loses_nothing_and_recovers_by_itself") {
        return;
    }
    let _serial = SERIAL.lock().unwrap_or_else(|poison| poison.into_inner());
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let netns = Netns::create(1).expect("network namespace");
    let postgres = Postgres::start(&netns).expect("PostgreSQL in the namespace");
    runtime.block_on(async {
        tokio::time::timeout(TEST_BOUND, partition_scenario(&netns, &postgres))
            .await
            .expect("the partition test finished within its bound");
    });
    drop(postgres);
    drop(netns);
    eprintln!(
        "postgres partition test took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn partition_scenario(netns: &Netns, postgres: &Postgres) {
    postgres.ready().await.expect("PostgreSQL ready");
    let call_timeout_ms = 2000u64;
    let config = format!(
        r#"
[server]
public_url = "https://book.example.com"

[database]
url = "{url}"
max_connections = 5
statement_timeout_ms = 1000
call_timeout_ms = {call_timeout_ms}
busy_refresh_seconds = 1

[limits]
booking_per_minute = 0

[mail]
reminders = []
{events}"#,
        url = postgres.url,
        events = event_config()
    );
    let temp = tempfile::tempdir().unwrap();
    let server = Arc::new(TestServer::launch(Launch {
        config: Some(&config),
        dir: temp.path(),
        env: Vec::new(),
        use_config_database: true,
    }));
    // A request does at most two store calls before it answers (idempotency look-up,
    // then the booking's transaction), each under call_timeout_ms; one more second for
    // everything else on a loaded machine.
    let latency_bound = Duration::from_millis(2 * call_timeout_ms + 1000);
    let http = client();

    let slots = Arc::new(slots(28));
    let attempts: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for worker in 0..4usize {
        let (http, server, slots, attempts, stop) = (
            http.clone(),
            server.clone(),
            slots.clone(),
            attempts.clone(),
            stop.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut round = 0usize;
            while !stop.load(Ordering::SeqCst) {
                round += 1;
                let n = round * 4 + worker;
                // Two workers at a time ask for the same start, so the database has to
                // refuse doubles.
                let start = slots[(round * 7919 + worker / 2 * 5) % slots.len()].clone();
                let began = Instant::now();
                let response = http
                    .post(server.url("/booking"))
                    .header("Idempotency-Key", format!("fault-{n}"))
                    .json(&booking_body(&start, n))
                    .send()
                    .await;
                let response = match response {
                    Ok(response) => response,
                    Err(err) => panic!("POST /booking failed after {:?}: {err}", began.elapsed()),
                };
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                let ended = Instant::now();
                let code = body["error"]["code"].as_str().unwrap_or("").to_string();
                let id = body["id"].as_str().map(str::to_string);
                attempts.lock().unwrap().push(Attempt {
                    started: began,
                    ended,
                    start,
                    status,
                    code,
                    id,
                });
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }));
    }
    let readiness: Arc<Mutex<Vec<Probe>>> = Arc::default();
    let readiness_task = {
        let (http, server, readiness, stop) = (
            http.clone(),
            server.clone(),
            readiness.clone(),
            stop.clone(),
        );
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let began = Instant::now();
                let response = http
                    .get(server.url("/readyz"))
                    .send()
                    .await
                    .expect("GET /readyz");
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                let code = body["error"]["code"].as_str().unwrap_or("").to_string();
                readiness
                    .lock()
                    .unwrap()
                    .push((began, Instant::now(), status, code));
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };

    // Bookings flow before the cut.
    let flowing = wait_for(Duration::from_secs(30), || {
        attempts
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a.status == 201)
            .count()
            >= 5
    })
    .await;
    assert!(flowing, "bookings did not succeed before the partition");

    let cut_at = Instant::now();
    netns.cut().expect("cut the link");
    tokio::time::sleep(PARTITION).await;
    netns.heal().expect("heal the link");
    let healed_at = Instant::now();

    // Bookings succeed again by themselves.
    let recovered = wait_for(Duration::from_secs(30), || {
        attempts
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a.status == 201 && a.started >= healed_at)
            .count()
            >= 3
    })
    .await;
    let ready_again = wait_for(Duration::from_secs(15), || {
        readiness
            .lock()
            .unwrap()
            .iter()
            .any(|(began, _, status, _)| *began >= healed_at && *status == 200)
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.await.expect("booking worker");
    }
    readiness_task.await.expect("readiness poller");

    let attempts = attempts.lock().unwrap().clone();
    let readiness = readiness.lock().unwrap().clone();
    let partitioned = |a: &Attempt| a.started >= cut_at && a.ended < healed_at;

    // Every answer is one of the expected ones, in time.
    let mut by_outcome: BTreeMap<(u16, String), usize> = BTreeMap::new();
    let mut slowest = Duration::ZERO;
    let mut slowest_partitioned = Duration::ZERO;
    for attempt in &attempts {
        *by_outcome
            .entry((attempt.status, attempt.code.clone()))
            .or_default() += 1;
        let latency = attempt.ended - attempt.started;
        slowest = slowest.max(latency);
        if attempt.started >= cut_at && attempt.started < healed_at {
            slowest_partitioned = slowest_partitioned.max(latency);
        }
    }
    eprintln!(
        "partition: {} booking requests, outcomes {by_outcome:?}; slowest {slowest:?}, \
         slowest while cut off {slowest_partitioned:?} (bound {latency_bound:?})",
        attempts.len()
    );
    for attempt in &attempts {
        let expected = match attempt.status {
            201 => attempt.id.is_some(),
            409 => attempt.code == "slot_taken",
            422 => attempt.code == "slot_unavailable",
            503 => matches!(
                attempt.code.as_str(),
                "store_unavailable" | "busy" | "not_ready"
            ),
            _ => false,
        };
        assert!(expected, "unexpected answer {attempt:?}");
        let latency = attempt.ended - attempt.started;
        assert!(
            latency < latency_bound,
            "a booking took {latency:?} (bound {latency_bound:?}): {attempt:?}"
        );
    }

    // While cut off, nothing was confirmed, and the service said so.
    let cut_off: Vec<&Attempt> = attempts.iter().filter(|a| partitioned(a)).collect();
    assert!(
        cut_off.len() >= 10,
        "too few requests during the partition: {}",
        cut_off.len()
    );
    for attempt in &cut_off {
        assert_eq!(attempt.status, 503, "answer while cut off: {attempt:?}");
    }
    let not_ready = readiness.iter().filter(|(began, ended, status, code)| {
        *began >= cut_at && *ended < healed_at && *status == 503 && code == "not_ready"
    });
    assert!(
        not_ready.count() >= 3,
        "/readyz did not report not_ready while cut off: {readiness:?}"
    );
    for (began, ended, status, _) in &readiness {
        assert!(
            *ended - *began < latency_bound,
            "/readyz took {:?} (status {status})",
            *ended - *began
        );
    }

    // It came back without a restart.
    assert!(
        recovered,
        "bookings did not succeed again within 30 s of healing"
    );
    assert!(
        ready_again,
        "/readyz not ready again within 15 s of healing"
    );
    let first_after = attempts
        .iter()
        .filter(|a| a.status == 201 && a.started >= healed_at)
        .map(|a| a.ended - healed_at)
        .min()
        .unwrap();
    eprintln!("partition: first booking confirmed {first_after:?} after healing");

    // Every 201 is in the database, and no two active bookings overlap.
    let mut connection = postgres.connect().await.expect("connect after healing");
    let rows: Vec<(String, i64, i64, String)> =
        sqlx::query_as("SELECT id, blocked_start, blocked_end, status FROM bookings")
            .fetch_all(&mut connection)
            .await
            .unwrap();
    let stored: HashMap<&str, &str> = rows
        .iter()
        .map(|(id, _, _, status)| (id.as_str(), status.as_str()))
        .collect();
    let confirmed: Vec<&Attempt> = attempts.iter().filter(|a| a.status == 201).collect();
    for attempt in &confirmed {
        let id = attempt.id.as_deref().unwrap();
        assert_eq!(
            stored.get(id).copied(),
            Some("confirmed"),
            "booking {id} answered 201 but is not confirmed in the database"
        );
    }
    let mut active: Vec<(i64, i64)> = rows
        .iter()
        .filter(|(_, _, _, status)| status == "confirmed" || status == "requested")
        .map(|(_, start, end, _)| (*start, *end))
        .collect();
    active.sort();
    for pair in active.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "double booking: {pair:?}");
    }
    let distinct_ids: HashSet<&str> = confirmed.iter().filter_map(|a| a.id.as_deref()).collect();
    let mut confirmed_starts: HashMap<&str, &str> = HashMap::new();
    for attempt in &confirmed {
        let id = attempt.id.as_deref().unwrap();
        if let Some(other) = confirmed_starts.insert(attempt.start.as_str(), id) {
            assert_eq!(other, id, "two bookings confirmed for {}", attempt.start);
        }
    }
    eprintln!(
        "partition: {} bookings confirmed to clients, {} rows stored",
        distinct_ids.len(),
        rows.len()
    );
    assert!(panics(&server).is_empty(), "{:?}", panics(&server));
}

/// Polls `condition` every 100 ms until it holds (true) or `limit` passes (false).
async fn wait_for(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ----- SMTP black hole -----

/// Messages an SMTP sink accepted, by Message-ID.
#[derive(Default)]
struct Sink {
    received: Mutex<Vec<String>>,
}

impl Sink {
    fn counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for id in self.received.lock().unwrap().iter() {
            *counts.entry(id.clone()).or_default() += 1;
        }
        counts
    }
}

/// Just enough SMTP for lettre: greeting, EHLO, MAIL, RCPT, DATA (kept), RSET, NOOP, QUIT.
async fn serve_sink(listener: tokio::net::TcpListener, sink: Arc<Sink>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let sink = sink.clone();
        tokio::spawn(async move {
            let _ = sink_session(stream, &sink).await;
        });
    }
}

async fn sink_session(stream: tokio::net::TcpStream, sink: &Sink) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line)
            .trim_end()
            .to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if command.starts_with("DATA") {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut message = Vec::new();
            loop {
                line.clear();
                if read.read_until(b'\n', &mut line).await? == 0 {
                    return Ok(());
                }
                if line == b".\r\n" {
                    break;
                }
                message.extend_from_slice(&line);
            }
            let id = common::smtp::header(&message, "Message-ID").unwrap_or_default();
            sink.received.lock().unwrap().push(id.trim().to_string());
            b"250 kept\r\n"
        } else if command.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"250 ok\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// Mail jobs by state, from `/metrics`.
async fn mail_jobs(http: &reqwest::Client, server: &TestServer) -> BTreeMap<String, u64> {
    let text = http
        .get(server.url("/metrics"))
        .bearer_auth("fault-suite-metrics-token")
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .unwrap();
    let mut states = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("openslot_jobs{kind=\"mail\",state=\"") else {
            continue;
        };
        let Some((state, count)) = rest.split_once("\"} ") else {
            continue;
        };
        states.insert(state.to_string(), count.trim().parse().unwrap_or(0));
    }
    states
}

#[test]
fn black_holed_smtp_delays_mail_and_delivers_each_message_once() {
    if !should_run("black_holed_smtp_delays_mail_and_delivers_each_message_once") {
        return;
    }
    let _serial = SERIAL.lock().unwrap_or_else(|poison| poison.into_inner());
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let netns = Netns::create(2).expect("network namespace");
    let listener = netns.listen(2525).expect("SMTP listener in the namespace");
    runtime.block_on(async {
        tokio::time::timeout(TEST_BOUND, smtp_scenario(&netns, listener))
            .await
            .expect("the SMTP test finished within its bound");
    });
    // The sink's tasks die with the runtime, before the namespace is removed.
    drop(runtime);
    drop(netns);
    eprintln!(
        "smtp black-hole test took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn smtp_scenario(netns: &Netns, listener: std::net::TcpListener) {
    listener.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    let sink = Arc::new(Sink::default());
    tokio::spawn(serve_sink(listener, sink.clone()));
    let config = format!(
        r#"
[server]
public_url = "https://book.example.com"

[database]
url = "sqlite://openslot.db"

[limits]
booking_per_minute = 0

[metrics]
token = "fault-suite-metrics-token"

[mail]
smtp_url = "smtp://{ip}:2525"
ops_inbox = "ops@example.com"
reminders = []
timeout_seconds = 2
retry_base_seconds = 1
max_attempts = 20
{events}"#,
        ip = netns.ns_ip,
        events = event_config()
    );
    let temp = tempfile::tempdir().unwrap();
    let server = TestServer::launch(Launch {
        config: Some(&config),
        dir: temp.path(),
        env: Vec::new(),
        use_config_database: true,
    });
    let http = client();
    let slots = slots(2);
    let book = |n: usize| {
        let (http, url, body) = (
            http.clone(),
            server.url("/booking"),
            booking_body(&slots[n * 3], n),
        );
        async move {
            let response = http.post(url).json(&body).send().await.expect("POST");
            assert_eq!(response.status().as_u16(), 201, "booking {n}");
        }
    };
    let settled = |states: &BTreeMap<String, u64>| {
        ["queued", "retrying", "running"]
            .iter()
            .all(|state| states.get(*state).copied().unwrap_or(0) == 0)
    };

    // Mail flows (and the SMTP client keeps a connection open to the peer).
    book(0).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let states = mail_jobs(&http, &server).await;
        if settled(&states) && states.get("done").copied().unwrap_or(0) >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "first mail not sent: {states:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = sink.received.lock().unwrap().len();
    assert!(before >= 2, "the peer got {before} messages");

    // The link goes dark; bookings keep coming, their mail waits.
    netns.cut().expect("cut the link");
    let cut_at = Instant::now();
    for n in 1..=5 {
        book(n).await;
    }
    // Long enough for several attempts to hit the 2-second deadline and be retried.
    tokio::time::sleep(Duration::from_secs(12)).await;
    assert_eq!(
        sink.received.lock().unwrap().len(),
        before,
        "mail got through a black-holed link"
    );
    let during = mail_jobs(&http, &server).await;
    netns.heal().expect("heal the link");
    let healed_at = Instant::now();

    // Everything arrives once the link is back, and nothing twice.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut states;
    loop {
        states = mail_jobs(&http, &server).await;
        if settled(&states) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "mail still pending 60 s after healing: {states:?} (while cut off: {during:?})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let delivered_in = healed_at.elapsed();
    let done = states.get("done").copied().unwrap_or(0);
    let counts = sink.counts();
    assert_eq!(states.get("dead").copied().unwrap_or(0), 0, "{states:?}");
    // Six bookings, each with a message to the invitee and one to the ops inbox.
    assert!(done >= 12, "{states:?}");
    assert_eq!(
        counts.len() as u64,
        done,
        "distinct Message-IDs at the peer"
    );
    for (id, count) in &counts {
        assert!(!id.is_empty(), "a message without Message-ID");
        assert_eq!(*count, 1, "message {id} delivered {count} times");
    }
    let retried = server
        .logs()
        .iter()
        .filter(|line| line.contains("will retry"))
        .count();
    let job_lines: Vec<String> = server
        .logs()
        .into_iter()
        .filter(|line| line.contains("job"))
        .collect();
    assert!(
        retried > 0,
        "no attempt failed at its deadline while the link was cut (delivered {delivered_in:?} \
         after healing): {job_lines:#?}"
    );
    eprintln!(
        "smtp: {} messages, each delivered once; {retried} failed attempts while cut off \
         for {:?}; all delivered {delivered_in:?} after healing",
        counts.len(),
        healed_at - cut_at
    );
    assert!(panics(&server).is_empty(), "{:?}", panics(&server));
}
