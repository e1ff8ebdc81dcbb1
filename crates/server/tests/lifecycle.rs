//! The binary as an operator meets it: defaults, config checks, restarts, SIGTERM.

mod common;

use std::process::Command;

use common::{at, binary, days_ahead, error_code, get_json, post_json, Launch, TestServer};
use serde_json::json;

#[tokio::test]
async fn runs_with_no_config_on_presets_and_creates_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = TestServer::launch(Launch {
        config: None,
        dir: dir.path(),
        env: Vec::new(),
        use_config_database: true,
    });
    for slug in ["15min", "30min", "60min"] {
        let (status, body) = get_json(&server, &format!("/availability?event={slug}")).await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, body) = get_json(&server, "/availability").await;
    assert_eq!(body["event"], "15min");
    assert!(
        dir.path().join("openslot.db").exists(),
        "./openslot.db is created"
    );
    assert!(server.stop().success());
}

#[tokio::test]
async fn bookings_survive_a_restart_and_sigterm_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        "[defaults]\nweekdays = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]\n";
    let launch = || {
        TestServer::launch(Launch {
            config: Some(config),
            dir: dir.path(),
            env: Vec::new(),
            use_config_database: false,
        })
    };
    let start = at(days_ahead(3), 11, 0);
    let mut first = launch();
    let (status, created) = post_json(
        &first,
        "/booking",
        &json!({"event": "30min", "start": start, "name": "Ada", "email": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let status = first.stop();
    assert_eq!(status.code(), Some(0), "SIGTERM exits 0");

    let mut second = launch();
    let (status, body) = post_json(
        &second,
        "/booking",
        &json!({"event": "15min", "start": start, "name": "Bo", "email": "bo@example.com"}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "slot_taken");
    let (_, body) = get_json(
        &second,
        &format!(
            "/availability?event=30min&from={}&to={}",
            days_ahead(3),
            days_ahead(3)
        ),
    )
    .await;
    assert!(!body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .any(|slot| slot["start"] == start));
    assert!(second.stop().success());
}

#[test]
fn check_config_prints_what_it_understood() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("good.toml");
    std::fs::write(
        &path,
        r#"
[server]
listen = "127.0.0.1:9999"
[defaults]
timezone = "Europe/Paris"
[[event_types]]
slug = "discovery-call"
title = "Discovery call"
duration_minutes = 30
buffer_after_minutes = 10
[[event_types.overrides]]
date = "2026-12-24"
hours = []
"#,
    )
    .unwrap();
    let output = Command::new(binary())
        .arg("check-config")
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "127.0.0.1:9999",
        "discovery-call (default)",
        "Europe/Paris",
        "10 min after",
        "2026-12-24: closed",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn config_errors_name_the_file_and_key_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, key) in [
        ("zone.toml", "[defaults]\ntimezone = \"Atlantis/Capital\"\n", "defaults.timezone"),
        ("hours.toml", "[[event_types]]\nslug = \"x\"\ntitle = \"X\"\nduration_minutes = 30\nhours = [\"17:00-09:00\"]\n", "event_types[0].hours[0]"),
        ("typo.toml", "[server]\nlisen = \"127.0.0.1:1\"\n", "lisen"),
        ("listen.toml", "[server]\nlisten = \"everywhere\"\n", "server.listen"),
        ("db.toml", "[database]\nurl = \"mysql://x\"\n", "database.url"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        for command in [vec!["check-config", path.to_str().unwrap()], vec!["serve", "--config", path.to_str().unwrap()]] {
            let output = Command::new(binary())
                .args(&command)
                .env_remove("OPENSLOT_LISTEN")
                .env_remove("OPENSLOT_DATABASE_URL")
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert!(!output.status.success(), "{command:?} should fail");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains(name) && stderr.contains(key), "{command:?}: {stderr}");
        }
    }
    let output = Command::new(binary())
        .args(["check-config", "/no/such/file.toml"])
        .output()
        .unwrap();
    assert!(!output.status.success());
}

#[test]
fn check_config_describes_hosts_and_names_a_bad_host_key() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"
[defaults]
timezone = "Europe/Paris"
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
timezone = "Europe/London"
max_per_day = 6
[[hosts.time_off]]
from = "2027-02-01"
to = "2027-02-05"
[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
[[event_types]]
slug = "intro"
title = "Intro call"
duration_minutes = 30
weights = { ada = 2, grace = 1 }
[[event_types]]
slug = "demo"
title = "Demo"
duration_minutes = 60
hosts = ["grace", "ada"]
assignment = "collective"
[[event_types]]
slug = "deep-dive"
title = "Deep dive"
duration_minutes = 90
hosts = ["grace"]
"#;
    let path = dir.path().join("team.toml");
    std::fs::write(&path, good).unwrap();
    let output = Command::new(binary())
        .arg("check-config")
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "host ada\n  name             Ada Lovelace\n  email            ada@example.com\n",
        "  timezone         Europe/London\n",
        "  time off         2027-02-01 to 2027-02-05\n",
        "host grace\n",
        "event type intro (default)",
        "  hosts            ada (weight 2), grace (weight 1) (all hosts)\n  assignment       round_robin (fairness over 30 days)\n",
        "  hosts            grace, ada\n  assignment       collective (every host attends)\n",
        "  hosts            grace\n",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }

    for (name, broken, key) in [
        (
            "zone.toml",
            good.replace("\"Europe/London\"", "\"Europe/Atlantis\""),
            "hosts[0].timezone",
        ),
        (
            "unknown.toml",
            good.replace(
                "hosts = [\"grace\", \"ada\"]",
                "hosts = [\"grace\", \"bob\"]",
            ),
            "event_types[1].hosts[1]",
        ),
        (
            "weights.toml",
            good.replace(
                "hosts = [\"grace\"]",
                "hosts = [\"grace\"]\nweights = { ada = 1 }",
            ),
            "event_types[2].weights.ada",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, broken).unwrap();
        let output = Command::new(binary())
            .arg("check-config")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(name) && stderr.contains(&format!("`{key}`")),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn migrate_applies_and_is_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    for _ in 0..2 {
        let output = Command::new(binary())
            .arg("migrate")
            .env("OPENSLOT_DATABASE_URL", &url)
            .env_remove("OPENSLOT_CONFIG")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    assert!(dir.path().join("m.db").exists());
}

#[tokio::test]
async fn sigterm_right_after_listening_drains_and_exits_cleanly() {
    // The signal handlers are installed before "listening" is logged: a SIGTERM sent the
    // moment that line appears must drain, not kill by the default action (exit by signal).
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let mut server = TestServer::launch(Launch {
            config: None,
            dir: dir.path(),
            env: Vec::new(),
            use_config_database: false,
        });
        let status = server.stop();
        assert_eq!(status.code(), Some(0), "exit status {status:?}");
    }
}
