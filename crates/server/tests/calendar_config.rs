//! Connected calendars in the configuration file, as an operator meets them: `check-config`
//! describes each connection without ever printing a password or a feed's secret
//! address, and `check-config` and `serve` refuse mistakes naming the file and the key
//! (a `password_env` whose variable is missing included).

use std::process::{Command, Output};

const GOOD: &str = r#"
[calendars]
verify_timeout_ms = 1200
on_stale = "close"
stale_after_minutes = 90

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"

[[hosts.calendars]]
kind = "caldav"
url = "https://caldav.example.com/dav/calendars/ada/work/"
username = "ada"
password_env = "ADA_CALDAV_PASSWORD"
busy = true
write = true
refresh_minutes = 5

[[hosts.calendars]]
kind = "ics"
url = "https://example.com/ada/private-5ecr3tfeed/basic.ics"
refresh_minutes = 15
all_day_busy = true

[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"

[[hosts.calendars]]
kind = "caldav"
url = "http://127.0.0.1:5232/grace/calendar/"
username = "grace"
password = "inline-pa55word"
"#;

const ENV_SECRET: &str = "env-pa55word-value";

fn run(args: &[&str], dir: &std::path::Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_openslot"));
    command
        .args(args)
        .env_remove("ADA_CALDAV_PASSWORD")
        .env_remove("OPENSLOT_LISTEN")
        .env_remove("OPENSLOT_DATABASE_URL")
        .current_dir(dir);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn check_config_describes_calendars_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calendars.toml");
    std::fs::write(&path, GOOD).unwrap();
    let output = run(
        &["check-config", path.to_str().unwrap()],
        dir.path(),
        &[("ADA_CALDAV_PASSWORD", ENV_SECRET)],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for secret in [ENV_SECRET, "inline-pa55word", "private-5ecr3tfeed"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret} printed:\n{stdout}\n{stderr}"
        );
    }
    let ada = openslot::calendars::connection_id(
        "ada",
        "https://caldav.example.com/dav/calendars/ada/work/",
    );
    for expected in [
        "calendars\n".to_string(),
        "  verify on book   within 1200 ms".into(),
        "  stale after      90 min: offer no slots for that host (on_stale = \"close\")".into(),
        format!("calendar {ada} (host ada)\n  kind             caldav\n  url              https://caldav.example.com/dav/calendars/ada/work/\n  username         ada\n  password         from $ADA_CALDAV_PASSWORD\n"),
        "  write            confirmed bookings are written to it\n  refresh          every 5 min\n".into(),
        "  kind             ics\n  url              https://example.com/… (feed address hidden)\n".into(),
        "  busy time        read (all-day events block the day)\n".into(),
        "(host grace)\n  kind             caldav\n  url              http://127.0.0.1:5232/grace/calendar/\n  username         grace\n  password         written in the config file\n".into(),
    ] {
        assert!(stdout.contains(&expected), "{expected:?} missing from:\n{stdout}");
    }
    // Without calendars, no calendar section.
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, "[defaults]\ntimezone = \"Europe/Paris\"\n").unwrap();
    let output = run(&["check-config", plain.to_str().unwrap()], dir.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("calendar"));
}

#[test]
fn calendar_mistakes_name_the_file_and_key_in_check_config_and_serve() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("ADA_CALDAV_PASSWORD", ENV_SECRET)];
    for (name, text, key, with_env) in [
        // The variable `password_env` names is not set where the service starts.
        ("unset.toml", GOOD.to_string(), "hosts[0].calendars[0].password_env", false),
        (
            "feed-write.toml",
            GOOD.replace("all_day_busy = true", "all_day_busy = true\nwrite = true"),
            "hosts[0].calendars[1].write",
            true,
        ),
        (
            "two-writers.toml",
            GOOD.replace(
                "url = \"https://example.com/ada/private-5ecr3tfeed/basic.ics\"",
                "url = \"https://example.com/ada/private-5ecr3tfeed/basic.ics\"\n[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"https://caldav.example.com/dav/calendars/ada/home/\"\nwrite = true",
            ),
            "hosts[0].calendars[2].write",
            true,
        ),
        (
            "both-passwords.toml",
            GOOD.replace("password = \"inline-pa55word\"", "password = \"inline-pa55word\"\npassword_env = \"GRACE_PW\""),
            "hosts[1].calendars[0].password",
            true,
        ),
        (
            "scheme.toml",
            GOOD.replace("http://127.0.0.1:5232", "ftp://127.0.0.1:5232"),
            "hosts[1].calendars[0].url",
            true,
        ),
        (
            "stale.toml",
            GOOD.replace("stale_after_minutes = 90", "stale_after_minutes = 0"),
            "calendars.stale_after_minutes",
            true,
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        let env: &[(&str, &str)] = if with_env { &env } else { &[] };
        for args in [
            vec!["check-config", path.to_str().unwrap()],
            vec!["serve", "--config", path.to_str().unwrap()],
        ] {
            let output = run(&args, dir.path(), env);
            assert!(!output.status.success(), "{name}: {args:?} should fail");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(name) && stderr.contains(&format!("`{key}`")),
                "{name} {args:?}: {stderr}"
            );
            for secret in [ENV_SECRET, "inline-pa55word", "private-5ecr3tfeed"] {
                assert!(!stderr.contains(secret), "{secret} in {stderr}");
            }
        }
    }
    // The unset variable is named, so the operator knows what to export.
    let path = dir.path().join("unset.toml");
    let output = run(&["check-config", path.to_str().unwrap()], dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ADA_CALDAV_PASSWORD is not set"),
        "{stderr}"
    );
    // Unknown keys and kinds are refused by the parser, naming the key.
    for (name, text, word) in [
        (
            "typo.toml",
            GOOD.replace("all_day_busy", "all_day_bussy"),
            "all_day_bussy",
        ),
        (
            "kind.toml",
            GOOD.replace("kind = \"ics\"", "kind = \"google\""),
            "google",
        ),
        (
            "section.toml",
            GOOD.replace("on_stale = \"close\"", "on_stale = \"open\""),
            "open",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        let output = run(&["check-config", path.to_str().unwrap()], dir.path(), &env);
        assert!(!output.status.success(), "{name} should fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(name) && stderr.contains(word),
            "{name}: {stderr}"
        );
    }
}

const OAUTH: &str = r#"
[server]
public_url = "https://book.example.com"

[google]
client_id = "1234-abc.apps.googleusercontent.com"
client_secret_env = "OPENSLOT_TEST_GOOGLE_SECRET"
meet_links = true

[microsoft]
client_id = "00000000-1111-2222-3333-444444444444"
client_secret = "inline-ms-s3cret"
tenant = "contoso.onmicrosoft.com"
"#;

#[test]
fn check_config_describes_the_oauth_clients_without_their_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openslot.toml");
    std::fs::write(&path, OAUTH).unwrap();
    let output = run(
        &["check-config", path.to_str().unwrap()],
        dir.path(),
        &[("OPENSLOT_TEST_GOOGLE_SECRET", "env-google-s3cret")],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1234-abc.apps.googleusercontent.com"),
        "{stdout}"
    );
    assert!(
        stdout.contains("https://oauth2.googleapis.com/token"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        ),
        "{stdout}"
    );
    for secret in ["env-google-s3cret", "inline-ms-s3cret"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret} printed"
        );
    }

    // Its variable missing: refused, naming the variable and the key that names it.
    let output = run(&["check-config", path.to_str().unwrap()], dir.path(), &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("OPENSLOT_TEST_GOOGLE_SECRET"), "{stderr}");
    assert!(stderr.contains("google.client_secret_env"), "{stderr}");

    // A mistake in a contract key names it, in check-config and in serve.
    let bad = OAUTH.replace("tenant = \"contoso.onmicrosoft.com\"", "tenant = \"a/b\"");
    std::fs::write(&path, bad).unwrap();
    for args in [
        vec!["check-config", path.to_str().unwrap()],
        vec!["serve", "--config", path.to_str().unwrap()],
    ] {
        let output = run(
            &args,
            dir.path(),
            &[
                ("OPENSLOT_TEST_GOOGLE_SECRET", "env-google-s3cret"),
                ("OPENSLOT_LISTEN", "127.0.0.1:0"),
            ],
        );
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("microsoft.tenant"), "{args:?}: {stderr}");
    }
}
