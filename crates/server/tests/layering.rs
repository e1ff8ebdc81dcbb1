//! The layering of the crate, checked on its source: the domain and the modules it builds
//! on never name the HTTP stack or the edge (`http`, `web`, `admin`, `serve`), so imports
//! point one way (edge → domain → engine/store) and no cycle can come back.

use std::path::{Path, PathBuf};

/// Modules below the edge (besides everything under `src/domain/`).
const BELOW_EDGE: &[&str] = &[
    "busy_cache.rs",
    "calendars/connect.rs",
    "calendars/event.rs",
    "calendars/mod.rs",
    "calendars/remote.rs",
    "calendars/service.rs",
    "calendars/sync.rs",
    "calendars/tokens.rs",
    "calendars/verify.rs",
    "calendars/writeback.rs",
    "catalog.rs",
    "clock.rs",
    "config/mod.rs",
    "config/oauth.rs",
    "credentials.rs",
    "display.rs",
    "egress.rs",
    "event_types.rs",
    "funnel.rs",
    "hosts.rs",
    "i18n/dates.rs",
    "i18n/locale.rs",
    "i18n/messages.rs",
    "i18n/mod.rs",
    "i18n/template.rs",
    "links.rs",
    "metrics.rs",
    "notify.rs",
    "privacy.rs",
    "rate_limit.rs",
    "routing.rs",
    "scopes.rs",
    "signing.rs",
    "tzdb.rs",
    "validate.rs",
    "webhooks/delivery.rs",
    "webhooks/mod.rs",
    "worker.rs",
];

/// Paths and names only the edge may use.
const FORBIDDEN: &[&str] = &[
    "axum",
    "hyper",
    "tower",
    "tower_http",
    "http",
    "StatusCode",
    "HeaderMap",
    "HeaderValue",
    "ApiError",
    "AppState",
    "crate::http",
    "crate::web",
    "crate::admin",
    "crate::serve",
    "crate::state",
];

/// The source with comments and string and character literals blanked, so only code is
/// searched (a URL in a message or a doc link is not an import).
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut index = 0;
    while index < chars.len() {
        let here = chars[index];
        let next = chars.get(index + 1).copied();
        if here == '/' && next == Some('/') {
            while index < chars.len() && chars[index] != '\n' {
                index += 1;
            }
        } else if here == '/' && next == Some('*') {
            let mut depth = 0;
            while index < chars.len() {
                if chars[index] == '/' && chars.get(index + 1) == Some(&'*') {
                    depth += 1;
                    index += 2;
                } else if chars[index] == '*' && chars.get(index + 1) == Some(&'/') {
                    depth -= 1;
                    index += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    index += 1;
                }
            }
            out.push(' ');
        } else if here == 'r'
            && matches!(next, Some('"') | Some('#'))
            && !chars
                .get(index.wrapping_sub(1))
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            // A raw string: r"…" or r#"…"#.
            let mut hashes = 0;
            let mut at = index + 1;
            while chars.get(at) == Some(&'#') {
                hashes += 1;
                at += 1;
            }
            if chars.get(at) != Some(&'"') {
                out.push(here);
                index += 1;
                continue;
            }
            at += 1;
            loop {
                if at >= chars.len() {
                    break;
                }
                if chars[at] == '"' && (0..hashes).all(|k| chars.get(at + 1 + k) == Some(&'#')) {
                    at += 1 + hashes;
                    break;
                }
                at += 1;
            }
            index = at;
            out.push_str("\"\"");
        } else if here == '"' {
            index += 1;
            while index < chars.len() && chars[index] != '"' {
                if chars[index] == '\\' {
                    index += 1;
                }
                index += 1;
            }
            index += 1;
            out.push_str("\"\"");
        } else if here == '\'' && next == Some('\\') {
            index += 2;
            while index < chars.len() && chars[index] != '\'' {
                index += 1;
            }
            index += 1;
            out.push_str("' '");
        } else if here == '\'' && chars.get(index + 2) == Some(&'\'') {
            index += 3;
            out.push_str("' '");
        } else {
            out.push(here);
            index += 1;
        }
    }
    out
}

/// Whether `code` names `path` as a whole path (not as part of a longer name; a module
/// name not as the tail of another path such as `openslot_engine::http`).
fn names(code: &str, path: &str) -> bool {
    code.match_indices(path).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + path.len()..].chars().next();
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let starts = match before {
            Some(c) if word(c) => false,
            // `x::http` is some other module's `http`; a type is the same type anywhere.
            Some(':') => path.starts_with(char::is_uppercase),
            _ => true,
        };
        starts && !after.is_some_and(word)
    })
}

/// Forbidden names used in one file's code.
fn violations(source: &str) -> Vec<&'static str> {
    let code = code_only(source);
    FORBIDDEN
        .iter()
        .copied()
        .filter(|path| names(&code, path))
        .collect()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn nothing_below_the_edge_imports_http_or_the_edge() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = BELOW_EDGE.iter().map(|name| src.join(name)).collect();
    let domain = src.join("domain");
    let before = files.len();
    rust_files(&domain, &mut files);
    assert!(files.len() > before, "src/domain/ has no modules");
    let mut problems = Vec::new();
    for file in &files {
        // A module listed here that was renamed must be listed again, not skipped.
        let source =
            std::fs::read_to_string(file).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        for path in violations(&source) {
            problems.push(format!("{} uses {path}", file.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "below the edge:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_sees_imports_and_ignores_text() {
    assert_eq!(violations("use axum::Router;"), ["axum"]);
    assert_eq!(
        violations("fn f() -> Result<(), ApiError> { todo!() }"),
        ["ApiError"]
    );
    assert_eq!(
        violations("use crate::{http::state::AppState, x};"),
        ["http", "AppState"]
    );
    assert_eq!(
        violations("use axum::http::StatusCode;"),
        ["axum", "StatusCode"]
    );
    assert_eq!(
        violations("let s = crate::web::forms::is_form(h);"),
        ["crate::web"]
    );
    // Text, comments and other crates' modules are not imports.
    assert!(violations("let url = \"https://example.com\"; // see axum docs").is_empty());
    assert!(violations("/// Links: [`crate::http`] and StatusCode\nfn f() {}").is_empty());
    assert!(violations("let q = '\"'; let t = \"axum\"; let r = r#\"http\"#;").is_empty());
    assert!(violations("let u = config.public_url(); let h = headers_map;").is_empty());
    assert!(violations("use openslot_mail::http_client;").is_empty());
}
