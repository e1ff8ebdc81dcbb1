//! What an API token may do: the scope names of `/api/v1` (`bookings:read`, …, `admin`)
//! and the check of one scope against a token's set. [`Scope::as_str`] is the one spelling
//! of each name, used by the store, the command line, `/admin/tokens` and the API spec.

use std::fmt;

/// Longest lifetime a token may be given, in days (ten years).
pub const MAX_TOKEN_DAYS: u32 = 3650;

/// When a token made at `now` (Unix seconds) that lives `days` days expires.
pub fn expiry(now: i64, days: u32) -> Result<i64, String> {
    if (1..=MAX_TOKEN_DAYS).contains(&days) {
        Ok(now + i64::from(days) * 86_400)
    } else {
        Err(format!(
            "the expiry must be a whole number of days from 1 to {MAX_TOKEN_DAYS}"
        ))
    }
}

/// One permission of an API token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    BookingsRead,
    BookingsWrite,
    EventTypesRead,
    EventTypesWrite,
    HostsRead,
    HostsWrite,
    WebhooksRead,
    WebhooksWrite,
    AuditRead,
    /// Everything, including what no narrower scope covers (dashboard, jobs).
    Admin,
}

impl Scope {
    /// Every scope, in the order forms and help texts list them.
    pub const ALL: [Scope; 10] = [
        Scope::BookingsRead,
        Scope::BookingsWrite,
        Scope::EventTypesRead,
        Scope::EventTypesWrite,
        Scope::HostsRead,
        Scope::HostsWrite,
        Scope::WebhooksRead,
        Scope::WebhooksWrite,
        Scope::AuditRead,
        Scope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::BookingsRead => "bookings:read",
            Scope::BookingsWrite => "bookings:write",
            Scope::EventTypesRead => "event_types:read",
            Scope::EventTypesWrite => "event_types:write",
            Scope::HostsRead => "hosts:read",
            Scope::HostsWrite => "hosts:write",
            Scope::WebhooksRead => "webhooks:read",
            Scope::WebhooksWrite => "webhooks:write",
            Scope::AuditRead => "audit:read",
            Scope::Admin => "admin",
        }
    }

    /// The scope named exactly `name` (no case folding: the names are a contract).
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }

    /// What the scope lets a token do, for forms and help texts.
    pub fn description(self) -> &'static str {
        match self {
            Scope::BookingsRead => "list, read and export bookings",
            Scope::BookingsWrite => "confirm, decline, cancel and reschedule bookings",
            Scope::EventTypesRead => "read event types",
            Scope::EventTypesWrite => "create, change, enable and disable event types",
            Scope::HostsRead => "read hosts and their calendars",
            Scope::HostsWrite => "create and change hosts; add, remove and sync calendars",
            Scope::WebhooksRead => "read webhook subscriptions and their deliveries",
            Scope::WebhooksWrite => "create, change, rotate and delete webhook subscriptions",
            Scope::AuditRead => "read the audit log",
            Scope::Admin => "everything, including the dashboard and failed jobs",
        }
    }

    /// The valid names, comma-separated, for error messages.
    pub fn names() -> String {
        Scope::ALL.map(Scope::as_str).join(", ")
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scopes of one token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Sorted and without repeats; an empty list stays empty (allows nothing).
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Scopes {
        let mut scopes: Vec<Scope> = scopes.into_iter().collect();
        scopes.sort();
        scopes.dedup();
        Scopes(scopes)
    }

    /// Full rights.
    pub fn admin() -> Scopes {
        Scopes(vec![Scope::Admin])
    }

    /// Reads names as the store keeps them. A name this version does not know is left
    /// out rather than refused, so a token written by a newer version keeps working with
    /// the scopes both know.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Scopes {
        Scopes::new(names.iter().filter_map(|name| Scope::parse(name.as_ref())))
    }

    /// Parses names given by a person (the command line, a form): every one must be
    /// known; the error names the first unknown one and lists the valid ones. No names
    /// at all means `admin`, as tokens were before scopes existed.
    pub fn parse_all<S: AsRef<str>>(names: &[S]) -> Result<Scopes, String> {
        if names.is_empty() {
            return Ok(Scopes::admin());
        }
        let mut scopes = Vec::with_capacity(names.len());
        for name in names {
            let name = name.as_ref().trim();
            match Scope::parse(name) {
                Some(scope) => scopes.push(scope),
                None => {
                    return Err(format!(
                        "unknown scope {name:?}; the scopes are: {}",
                        Scope::names()
                    ))
                }
            }
        }
        Ok(Scopes::new(scopes))
    }

    /// Whether a token with these scopes may do what `scope` covers.
    pub fn allows(&self, scope: Scope) -> bool {
        self.0
            .iter()
            .any(|held| *held == scope || *held == Scope::Admin)
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    /// The names, for the store.
    pub fn names(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|scope| scope.as_str().to_string())
            .collect()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|scope| scope.as_str()).collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_contract_and_parse_back() {
        let names: Vec<&str> = Scope::ALL.iter().map(|scope| scope.as_str()).collect();
        assert_eq!(
            names,
            [
                "bookings:read",
                "bookings:write",
                "event_types:read",
                "event_types:write",
                "hosts:read",
                "hosts:write",
                "webhooks:read",
                "webhooks:write",
                "audit:read",
                "admin",
            ]
        );
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
            assert_eq!(scope.to_string(), scope.as_str());
        }
        for unknown in ["", "Admin", "bookings", "bookings:delete", " admin", "*"] {
            assert_eq!(Scope::parse(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn a_scope_allows_itself_and_admin_allows_everything() {
        let reader = Scopes::new([Scope::BookingsRead, Scope::WebhooksWrite]);
        for scope in Scope::ALL {
            let expected = matches!(scope, Scope::BookingsRead | Scope::WebhooksWrite);
            assert_eq!(reader.allows(scope), expected, "{scope}");
            assert!(Scopes::admin().allows(scope), "{scope}");
            assert!(!Scopes::default().allows(scope), "{scope}");
        }
        // A write scope does not imply the read scope.
        assert!(!Scopes::new([Scope::BookingsWrite]).allows(Scope::BookingsRead));
    }

    #[test]
    fn person_given_names_are_checked_and_default_to_admin() {
        assert_eq!(
            Scopes::parse_all::<&str>(&[]).unwrap(),
            Scopes::admin(),
            "no scope: admin"
        );
        let parsed =
            Scopes::parse_all(&["webhooks:write", "bookings:read", "bookings:read"]).unwrap();
        assert_eq!(parsed.to_string(), "bookings:read webhooks:write");
        assert_eq!(parsed.names(), ["bookings:read", "webhooks:write"]);
        let err = Scopes::parse_all(&["bookings:read", "bookings:delete"]).unwrap_err();
        assert!(err.contains("\"bookings:delete\""), "{err}");
        assert!(
            err.contains("event_types:write") && err.contains("admin"),
            "{err}"
        );
    }

    #[test]
    fn expiry_is_whole_days_within_ten_years() {
        assert_eq!(expiry(1_000, 1), Ok(1_000 + 86_400));
        assert_eq!(expiry(0, MAX_TOKEN_DAYS), Ok(3650 * 86_400));
        assert!(expiry(0, 0).is_err());
        assert!(expiry(0, MAX_TOKEN_DAYS + 1).unwrap_err().contains("3650"));
    }

    #[test]
    fn stored_names_skip_what_this_version_does_not_know() {
        let stored = ["bookings:read", "calendars:frobnicate", "admin"];
        assert_eq!(
            Scopes::from_names(&stored),
            Scopes::new([Scope::BookingsRead, Scope::Admin])
        );
        assert!(!Scopes::from_names(&["nonsense"]).allows(Scope::BookingsRead));
    }
}
