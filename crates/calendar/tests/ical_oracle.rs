//! Every fixture in tests/fixtures/ical/ expanded by our reader and by an independent one —
//! Python's `icalendar` + `recurring-ical-events` via scripts/ical_oracle.py — must give the
//! same busy instances to the second, in hosts' zones on both hemispheres and across DST.

use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use openslot_calendar::ical::{busy_intervals, ExpandOptions};

const ZONES: [&str; 4] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "America/Sao_Paulo",
];

type Row = (String, i64, i64, bool);

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ical");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ics"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "fixtures missing in {}", dir.display());
    files
}

fn oracle_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import icalendar, recurring_ical_events"])
        .status()
        .is_ok_and(|status| status.success());
    if !ok {
        eprintln!(
            "\n*** SKIPPED: python3 with icalendar + recurring-ical-events is missing \
             (pip install recurring-ical-events); the cross-check did NOT run ***\n"
        );
    }
    ok
}

/// The oracle's rows for each zone, in the order given (one Python start per file and window).
fn oracle(file: &Path, from: Timestamp, to: Timestamp, zones: &[&str]) -> Vec<Vec<Row>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ical_oracle.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(file)
        .arg(from.as_second().to_string())
        .arg(to.as_second().to_string())
        .arg(zones.join(","))
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "oracle failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Vec<Row>> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("oracle prints JSON rows"))
        .collect();
    assert_eq!(rows.len(), zones.len());
    rows
}

fn ours(file: &Path, from: Timestamp, to: Timestamp, zone: &str) -> Vec<Row> {
    let ics = std::fs::read_to_string(file).unwrap();
    let opts = ExpandOptions::new(from, to, TimeZone::get(zone).unwrap());
    let mut rows: Vec<Row> = busy_intervals(&ics, &opts)
        .unwrap()
        .into_iter()
        .map(|e| (e.uid, e.start.as_second(), e.end.as_second(), e.all_day))
        .collect();
    rows.sort_by(|a, b| (a.1, a.2, &a.0).cmp(&(b.1, b.2, &b.0)));
    rows
}

fn show(row: &Row) -> String {
    let at = |s: i64| Timestamp::from_second(s).unwrap().to_string();
    format!(
        "{} {} .. {}{}",
        row.0,
        at(row.1),
        at(row.2),
        if row.3 { " (all day)" } else { "" }
    )
}

#[test]
fn every_fixture_matches_the_python_oracle_in_every_zone() {
    if !oracle_available() {
        return;
    }
    let windows = [
        ("2026-01-01T00:00:00Z", "2027-02-05T00:00:00Z"),
        ("2018-06-01T00:00:00Z", "2019-06-01T00:00:00Z"),
        // A narrow window that cuts instances at both edges.
        ("2026-03-29T00:30:00Z", "2026-04-06T07:30:00Z"),
    ];
    let mut failures = Vec::new();
    let mut compared = 0usize;
    for file in fixtures() {
        for (from, to) in windows {
            let (from, to): (Timestamp, Timestamp) = (from.parse().unwrap(), to.parse().unwrap());
            let answers = oracle(&file, from, to, &ZONES);
            for (zone, expected) in ZONES.iter().zip(answers) {
                let got = ours(&file, from, to, zone);
                compared += expected.len();
                if expected != got {
                    let missing: Vec<String> = expected
                        .iter()
                        .filter(|r| !got.contains(r))
                        .map(show)
                        .collect();
                    let extra: Vec<String> = got
                        .iter()
                        .filter(|r| !expected.contains(r))
                        .map(show)
                        .collect();
                    failures.push(format!(
                        "{} [{from} .. {to}) in {zone}:\n  only in oracle: {missing:#?}\n  only in ours: {extra:#?}",
                        file.file_name().unwrap().to_string_lossy()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        compared > 1_000,
        "the fixtures should yield many instances, got {compared}"
    );
}
