//! CalDAV (RFC 4791) client: discovery from a principal, a calendar home or a calendar
//! collection; incremental sync with `sync-collection` (RFC 6578), else `getctag` and an ETag
//! listing; `calendar-multiget` for changed objects; time-range queries for verify-on-book;
//! writing and removing the events this service owns.
//!
//! Every href this module returns (resource hrefs, collection hrefs, [`Written::href`]) is an
//! absolute URL in one canonical form (resolved against the URL that answered, percent-encoding
//! normalised), so the same resource always has the same key whichever way a server spells it.
//!
//! The cursor (opaque to the sync engine, stored as JSON) is
//! `{"home": "<calendar home URL>" | null, "collections": [{"href": "<collection URL>",
//! "sync_token": "<token>" | null, "ctag": "<getctag>" | null}]}`. `home` is set when the
//! configured URL was a principal or home: each sync then re-lists the home (one PROPFIND), so
//! calendars added or removed there are picked up.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::http::{check, status_error, Http, Reply, Request};
use crate::source::{CalendarError, Endpoint, Fetch, Resource, Written};
use crate::xml::{self, DavResponse, CALDAV, CALENDARSERVER, DAV};

/// Objects fetched per `calendar-multiget`: keeps each answer well under the body cap.
const MULTIGET_BATCH: usize = 100;
/// A server that truncates its sync answers (507) gets this many follow-up rounds.
const MAX_SYNC_ROUNDS: usize = 100;

/// Characters kept literally in a path segment; everything else is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// How [`sync_with`] reads a collection that changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMode {
    /// `sync-collection` where the server offers it, else the ETag listing.
    Auto,
    /// Always the ETag listing (the path for servers without `sync-collection`).
    EtagListing,
}

/// The CalDAV cursor (see the module documentation for its JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(default)]
    pub home: Option<String>,
    #[serde(default)]
    pub collections: Vec<CollectionCursor>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionCursor {
    pub href: String,
    #[serde(default)]
    pub sync_token: Option<String>,
    #[serde(default)]
    pub ctag: Option<String>,
}

impl Cursor {
    /// Reads a stored cursor; anything unreadable counts as none (the next sync rediscovers).
    pub fn from_json(value: &serde_json::Value) -> Cursor {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// A collection as the server describes it now.
#[derive(Clone, Debug)]
struct Collection {
    url: Url,
    sync_token: Option<String>,
    ctag: Option<String>,
    supports_sync: bool,
}

struct Located {
    home: Option<Url>,
    collections: Vec<Collection>,
}

/// Resolves `href` against `base` and puts it in canonical form (see the module docs).
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let mut url = base.join(href.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    let canonical: Vec<String> = url
        .path()
        .split('/')
        .map(|segment| {
            let decoded = percent_decode_str(segment).collect::<Vec<u8>>();
            // A segment that is not UTF-8 once decoded is kept as the server wrote it.
            match String::from_utf8(decoded) {
                Ok(text) => utf8_percent_encode(&text, SEGMENT).to_string(),
                Err(_) => segment.to_owned(),
            }
        })
        .collect();
    url.set_path(&canonical.join("/"));
    Some(url)
}

/// A member of `collection` named by `href` in an answer: resolved like [`resolve`], then kept
/// on the collection's origin (a server behind a proxy may name its members with an internal
/// host; the key must not change with that).
fn member(base: &Url, collection: &Url, href: &str) -> Option<Url> {
    let mut url = resolve(base, href)?;
    if url.origin() != collection.origin() {
        let _ = url.set_scheme(collection.scheme());
        url.set_host(collection.host_str()).ok()?;
        url.set_port(collection.port()).ok()?;
    }
    Some(url)
}

fn as_collection(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

fn endpoint_url(endpoint: &Endpoint) -> Result<Url, CalendarError> {
    let url = Url::parse(endpoint.url.trim())
        .map_err(|_| CalendarError::Protocol("the calendar URL is not a URL".into()))?;
    resolve(&url, url.as_str())
        .ok_or_else(|| CalendarError::Protocol("the calendar URL is not http(s)".into()))
}

fn parse_stored(href: &str) -> Option<Url> {
    Url::parse(href).ok()
}

async fn dav(
    http: &Http,
    endpoint: &Endpoint,
    method: &str,
    url: &Url,
    depth: &'static str,
    body: String,
) -> Result<Reply, CalendarError> {
    let method = Method::from_bytes(method.as_bytes()).expect("WebDAV method names are valid");
    let request = Request::new(method, url.clone())
        .header("depth", depth)
        .xml(body);
    http.send(Some(endpoint), request).await
}

async fn multistatus(
    http: &Http,
    endpoint: &Endpoint,
    method: &str,
    url: &Url,
    depth: &'static str,
    body: String,
) -> Result<(Url, xml::Multistatus), CalendarError> {
    let reply = check(dav(http, endpoint, method, url, depth, body).await?)?;
    if reply.status != StatusCode::MULTI_STATUS {
        return Err(CalendarError::Protocol(format!(
            "{method} answered {} instead of 207",
            reply.status.as_u16()
        )));
    }
    Ok((reply.url.clone(), xml::multistatus(&reply.body)?))
}

const COLLECTION_PROPS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/">
 <d:prop><d:resourcetype/><d:current-user-principal/><c:calendar-home-set/>
  <c:supported-calendar-component-set/><cs:getctag/><d:sync-token/><d:supported-report-set/></d:prop>
</d:propfind>"#;

fn collection_state(url: Url, response: &DavResponse) -> Collection {
    let reports_sync = response
        .prop(DAV, "supported-report-set")
        .is_some_and(|set| {
            set.children_named(DAV, "supported-report").any(|report| {
                report
                    .child(DAV, "report")
                    .is_some_and(|report| report.child(DAV, "sync-collection").is_some())
            })
        });
    let sync_token = response.prop_text(DAV, "sync-token");
    Collection {
        url: as_collection(url),
        supports_sync: reports_sync || sync_token.is_some(),
        sync_token,
        ctag: response.prop_text(CALENDARSERVER, "getctag"),
    }
}

/// Whether a calendar collection can hold events (no component set = any component).
fn holds_events(response: &DavResponse) -> bool {
    match response.prop(CALDAV, "supported-calendar-component-set") {
        None => true,
        Some(set) => {
            let mut components = set.children_named(CALDAV, "comp").peekable();
            components.peek().is_none()
                || components.any(|comp| {
                    comp.attribute("name")
                        .is_some_and(|name| name.eq_ignore_ascii_case("VEVENT"))
                })
        }
    }
}

/// The response describing `url` itself in a Depth 0 answer (servers may add others).
fn own_response<'a>(
    base: &Url,
    url: &Url,
    status: &'a xml::Multistatus,
) -> Option<&'a DavResponse> {
    status
        .responses
        .iter()
        .find(|response| {
            resolve(base, &response.href).is_some_and(|href| same_collection(&href, url))
        })
        .or_else(|| status.responses.first())
}

fn same_collection(a: &Url, b: &Url) -> bool {
    a.as_str().trim_end_matches('/') == b.as_str().trim_end_matches('/')
}

async fn describe(
    http: &Http,
    endpoint: &Endpoint,
    url: &Url,
) -> Result<(Url, DavResponse), CalendarError> {
    let (base, status) = multistatus(
        http,
        endpoint,
        "PROPFIND",
        url,
        "0",
        COLLECTION_PROPS.to_owned(),
    )
    .await?;
    let response = own_response(&base, url, &status)
        .cloned()
        .ok_or_else(|| CalendarError::Protocol("PROPFIND answered no response".into()))?;
    Ok((base, response))
}

async fn list_home(
    http: &Http,
    endpoint: &Endpoint,
    home: &Url,
) -> Result<Vec<Collection>, CalendarError> {
    let (base, status) = multistatus(
        http,
        endpoint,
        "PROPFIND",
        home,
        "1",
        COLLECTION_PROPS.to_owned(),
    )
    .await?;
    let mut collections: Vec<Collection> = status
        .responses
        .iter()
        .filter(|response| response.is_calendar() && holds_events(response))
        .filter_map(|response| {
            let url = resolve(&base, &response.href)?;
            (!same_collection(&url, home)).then(|| collection_state(url, response))
        })
        .collect();
    collections.sort_by(|a, b| a.url.as_str().cmp(b.url.as_str()));
    collections.dedup_by(|a, b| a.url == b.url);
    Ok(collections)
}

async fn discover(http: &Http, endpoint: &Endpoint) -> Result<Located, CalendarError> {
    let url = endpoint_url(endpoint)?;
    let (base, response) = describe(http, endpoint, &url).await?;
    if response.is_calendar() {
        let url = resolve(&base, &response.href).unwrap_or(url);
        return Ok(Located {
            home: None,
            collections: vec![collection_state(url, &response)],
        });
    }
    let home = match response.prop_href(CALDAV, "calendar-home-set") {
        Some(home) => resolve(&base, &home),
        None => match response.prop_href(DAV, "current-user-principal") {
            Some(principal) => {
                let principal = resolve(&base, &principal).ok_or_else(|| {
                    CalendarError::Protocol("bad current-user-principal href".into())
                })?;
                let (base, principal) = describe(http, endpoint, &principal).await?;
                principal
                    .prop_href(CALDAV, "calendar-home-set")
                    .and_then(|home| resolve(&base, &home))
            }
            // Not a calendar, no principal: perhaps the home itself.
            None => Some(url.clone()),
        },
    };
    let home = home
        .map(as_collection)
        .ok_or_else(|| CalendarError::Protocol("no calendar-home-set found".into()))?;
    let collections = list_home(http, endpoint, &home).await?;
    if collections.is_empty() {
        return Err(CalendarError::Protocol(format!(
            "no calendar with events under {home}"
        )));
    }
    Ok(Located {
        home: Some(home),
        collections,
    })
}

async fn locate(
    http: &Http,
    endpoint: &Endpoint,
    previous: &Cursor,
) -> Result<Located, CalendarError> {
    if let Some(home) = previous.home.as_deref().and_then(parse_stored) {
        match list_home(http, endpoint, &home).await {
            Ok(collections) => {
                return Ok(Located {
                    home: Some(home),
                    collections,
                })
            }
            // The home moved (account migrated): find it again from the configured URL.
            Err(CalendarError::Status { status: 404, .. }) => {
                return discover(http, endpoint).await
            }
            Err(error) => return Err(error),
        }
    }
    if previous.collections.is_empty() {
        return discover(http, endpoint).await;
    }
    let mut collections = Vec::new();
    for stored in &previous.collections {
        let Some(url) = parse_stored(&stored.href) else {
            return discover(http, endpoint).await;
        };
        let (_, response) = describe(http, endpoint, &url).await?;
        collections.push(collection_state(url, &response));
    }
    Ok(Located {
        home: None,
        collections,
    })
}

/// What one collection contributed to a sync.
struct CollectionResult {
    cursor: CollectionCursor,
    upserts: Vec<Resource>,
    removed: Vec<String>,
}

/// Fetches what changed in the calendar(s) at `endpoint` since `cursor` (`Null` for none).
/// `known` lists the (href, etag) pairs already stored, so unchanged objects are not
/// downloaded again and removals are found even without a sync token.
///
/// Each HTTP exchange has the client's deadline; a sync is several exchanges.
pub async fn sync(
    http: &Http,
    endpoint: &Endpoint,
    cursor: &serde_json::Value,
    known: &[(String, Option<String>)],
) -> Result<Fetch, CalendarError> {
    sync_with(http, endpoint, cursor, known, SyncMode::Auto).await
}

/// [`sync`] with the way changed collections are read chosen explicitly.
pub async fn sync_with(
    http: &Http,
    endpoint: &Endpoint,
    cursor: &serde_json::Value,
    known: &[(String, Option<String>)],
    mode: SyncMode,
) -> Result<Fetch, CalendarError> {
    let previous = Cursor::from_json(cursor);
    let located = locate(http, endpoint, &previous).await?;
    let known_etags: HashMap<&str, Option<&str>> = known
        .iter()
        .map(|(href, etag)| (href.as_str(), etag.as_deref()))
        .collect();
    let mut next = Cursor {
        home: located.home.as_ref().map(Url::to_string),
        collections: Vec::new(),
    };
    let mut upserts = Vec::new();
    let mut removed = Vec::new();
    for collection in &located.collections {
        let mut collection = collection.clone();
        if mode == SyncMode::EtagListing {
            // As a server without sync-collection would look: only the ctag tells change.
            collection.sync_token = None;
            collection.supports_sync = false;
        }
        let collection = &collection;
        let stored = previous
            .collections
            .iter()
            .find(|stored| stored.href == collection.url.as_str());
        let result =
            sync_collection(http, endpoint, collection, stored, &known_etags, mode).await?;
        next.collections.push(result.cursor);
        upserts.extend(result.upserts);
        removed.extend(result.removed);
    }
    // Objects of calendars that are gone (or no longer hold events) go with them.
    let live: HashSet<&str> = located
        .collections
        .iter()
        .map(|collection| collection.url.as_str())
        .collect();
    for (href, _) in known {
        let under_live = live.iter().any(|prefix| href.starts_with(prefix));
        if !under_live && !removed.contains(href) {
            removed.push(href.clone());
        }
    }
    let cursor = next.to_json();
    if upserts.is_empty() && removed.is_empty() {
        return Ok(Fetch::Unchanged { cursor });
    }
    Ok(Fetch::Changed {
        cursor,
        full: previous.collections.is_empty() && known.is_empty(),
        upserts,
        removed,
    })
}

async fn sync_collection(
    http: &Http,
    endpoint: &Endpoint,
    collection: &Collection,
    stored: Option<&CollectionCursor>,
    known: &HashMap<&str, Option<&str>>,
    mode: SyncMode,
) -> Result<CollectionResult, CalendarError> {
    let unchanged = stored.is_some_and(|stored| {
        match (&collection.sync_token, &stored.sync_token) {
            (Some(now), Some(then)) => now == then,
            _ => matches!((&collection.ctag, &stored.ctag), (Some(now), Some(then)) if now == then),
        }
    });
    if unchanged {
        return Ok(CollectionResult {
            cursor: CollectionCursor {
                href: collection.url.to_string(),
                sync_token: stored.and_then(|stored| stored.sync_token.clone()),
                ctag: collection.ctag.clone(),
            },
            upserts: Vec::new(),
            removed: Vec::new(),
        });
    }
    let prefix = collection.url.as_str();
    let (listing, removed_listed, sync_token, complete) =
        if mode == SyncMode::Auto && collection.supports_sync {
            let token = stored.and_then(|stored| stored.sync_token.clone());
            let changes = sync_report(http, endpoint, &collection.url, token).await?;
            (
                changes.changed,
                changes.removed,
                changes.token,
                changes.complete,
            )
        } else {
            let listing = etag_listing(http, endpoint, &collection.url).await?;
            (listing, Vec::new(), None, true)
        };
    let mut removed = removed_listed;
    if complete {
        let present: HashSet<&str> = listing.iter().map(|(href, _)| href.as_str()).collect();
        removed.extend(
            known
                .keys()
                .filter(|href| href.starts_with(prefix) && !present.contains(*href))
                .map(|href| href.to_string()),
        );
    }
    let wanted: Vec<String> = listing
        .iter()
        .filter(|(href, etag)| match (known.get(href.as_str()), etag) {
            (Some(Some(known)), Some(etag)) => known != etag,
            _ => true,
        })
        .map(|(href, _)| href.clone())
        .collect();
    let (upserts, vanished) = multiget(http, endpoint, &collection.url, &wanted).await?;
    removed.extend(vanished);
    removed.sort();
    removed.dedup();
    Ok(CollectionResult {
        cursor: CollectionCursor {
            href: collection.url.to_string(),
            sync_token: sync_token.or_else(|| collection.sync_token.clone()),
            ctag: collection.ctag.clone(),
        },
        upserts,
        removed,
    })
}

struct SyncChanges {
    changed: Vec<(String, Option<String>)>,
    removed: Vec<String>,
    token: Option<String>,
    /// The answer listed every member (an initial sync), so anything else stored is gone.
    complete: bool,
}

fn sync_body(token: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level>
 <d:prop><d:getetag/></d:prop></d:sync-collection>"#,
        xml::escape(token)
    )
}

async fn sync_report(
    http: &Http,
    endpoint: &Endpoint,
    collection: &Url,
    token: Option<String>,
) -> Result<SyncChanges, CalendarError> {
    let mut token = token.unwrap_or_default();
    let mut complete = token.is_empty();
    let mut changes = SyncChanges {
        changed: Vec::new(),
        removed: Vec::new(),
        token: None,
        complete,
    };
    for _ in 0..MAX_SYNC_ROUNDS {
        let reply = dav(http, endpoint, "REPORT", collection, "0", sync_body(&token)).await?;
        if !reply.status.is_success()
            && !token.is_empty()
            && reply.status.is_client_error()
            && reply.status != StatusCode::UNAUTHORIZED
        {
            // RFC 6578: an expired or unknown token (403/409 valid-sync-token; some servers
            // answer 400 or 412) means starting over from an empty token.
            token.clear();
            complete = true;
            changes = SyncChanges {
                changed: Vec::new(),
                removed: Vec::new(),
                token: None,
                complete,
            };
            continue;
        }
        let reply = check(reply)?;
        if reply.status != StatusCode::MULTI_STATUS {
            return Err(CalendarError::Protocol(format!(
                "sync-collection answered {}",
                reply.status.as_u16()
            )));
        }
        let status = xml::multistatus(&reply.body)?;
        let mut truncated = false;
        for response in &status.responses {
            let Some(href) = member(&reply.url, collection, &response.href) else {
                continue;
            };
            if same_collection(&href, collection) {
                truncated |= response.status == Some(507);
                continue;
            }
            if href.path().ends_with('/') {
                continue;
            }
            let href = href.to_string();
            match response.status {
                Some(404) | Some(410) => {
                    changes.changed.retain(|(changed, _)| changed != &href);
                    changes.removed.push(href);
                }
                _ => {
                    changes.removed.retain(|gone| gone != &href);
                    changes.changed.retain(|(changed, _)| changed != &href);
                    changes
                        .changed
                        .push((href, response.prop_text(DAV, "getetag")));
                }
            }
        }
        let next = status.sync_token.ok_or_else(|| {
            CalendarError::Protocol("sync-collection answer without a sync-token".into())
        })?;
        changes.complete = complete;
        changes.token = Some(next.clone());
        if !truncated || next == token {
            return Ok(changes);
        }
        token = next;
    }
    Err(CalendarError::Protocol(
        "sync-collection never finished (too many truncated answers)".into(),
    ))
}

const ETAG_LISTING: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getetag/></d:prop></d:propfind>"#;

async fn etag_listing(
    http: &Http,
    endpoint: &Endpoint,
    collection: &Url,
) -> Result<Vec<(String, Option<String>)>, CalendarError> {
    let (base, status) = multistatus(
        http,
        endpoint,
        "PROPFIND",
        collection,
        "1",
        ETAG_LISTING.to_owned(),
    )
    .await?;
    Ok(status
        .responses
        .iter()
        .filter(|response| !response.is_collection())
        .filter_map(|response| {
            let href = member(&base, collection, &response.href)?;
            (!same_collection(&href, collection) && !href.path().ends_with('/'))
                .then(|| (href.to_string(), response.prop_text(DAV, "getetag")))
        })
        .collect())
}

fn multiget_body(hrefs: &[String]) -> String {
    let mut body = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?>
<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
 <d:prop><d:getetag/><c:calendar-data/></d:prop>"#,
    );
    for href in hrefs {
        // Servers match hrefs by path; send the path of our canonical URL.
        let path = Url::parse(href)
            .map(|url| url.path().to_owned())
            .unwrap_or_else(|_| href.clone());
        body.push_str("<d:href>");
        body.push_str(&xml::escape(&path));
        body.push_str("</d:href>");
    }
    body.push_str("</c:calendar-multiget>");
    body
}

/// Downloads `hrefs` from `collection`; returns the objects and the hrefs that are gone.
pub(crate) async fn multiget(
    http: &Http,
    endpoint: &Endpoint,
    collection: &Url,
    hrefs: &[String],
) -> Result<(Vec<Resource>, Vec<String>), CalendarError> {
    let mut resources = Vec::new();
    let mut gone = Vec::new();
    for batch in hrefs.chunks(MULTIGET_BATCH) {
        let (base, status) = multistatus(
            http,
            endpoint,
            "REPORT",
            collection,
            "1",
            multiget_body(batch),
        )
        .await?;
        let mut answered = HashSet::new();
        for response in &status.responses {
            let Some(href) = member(&base, collection, &response.href) else {
                continue;
            };
            let href = href.to_string();
            answered.insert(href.clone());
            match response.prop_text(CALDAV, "calendar-data") {
                Some(ics) => resources.push(Resource {
                    href,
                    etag: response.prop_text(DAV, "getetag"),
                    ics,
                }),
                None if matches!(response.status, Some(404) | Some(410)) => gone.push(href),
                None => {}
            }
        }
        // An object the server no longer mentions was deleted meanwhile.
        gone.extend(
            batch
                .iter()
                .filter(|href| !answered.contains(*href))
                .cloned(),
        );
    }
    Ok((resources, gone))
}

fn utc_stamp(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The calendar objects with an event overlapping `[from, to)` in every calendar of
/// `endpoint` (a `calendar-query` time-range REPORT per calendar): verify-on-book's fresh look.
/// Uses the collections in `cursor` when it has them (no discovery round trips).
pub async fn events_between(
    http: &Http,
    endpoint: &Endpoint,
    cursor: &serde_json::Value,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Resource>, CalendarError> {
    let previous = Cursor::from_json(cursor);
    let mut collections: Vec<Url> = previous
        .collections
        .iter()
        .filter_map(|collection| parse_stored(&collection.href))
        .collect();
    if collections.is_empty() {
        collections = discover(http, endpoint)
            .await?
            .collections
            .into_iter()
            .map(|collection| collection.url)
            .collect();
    }
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
 <d:prop><d:getetag/><c:calendar-data/></d:prop>
 <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
  <c:time-range start="{}" end="{}"/></c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>"#,
        utc_stamp(from),
        utc_stamp(to)
    );
    let mut resources = Vec::new();
    for collection in &collections {
        let (base, status) =
            multistatus(http, endpoint, "REPORT", collection, "1", body.clone()).await?;
        for response in &status.responses {
            let (Some(href), Some(ics)) = (
                member(&base, collection, &response.href),
                response.prop_text(CALDAV, "calendar-data"),
            ) else {
                continue;
            };
            resources.push(Resource {
                href: href.to_string(),
                etag: response.prop_text(DAV, "getetag"),
                ics,
            });
        }
    }
    Ok(resources)
}

/// The collection bookings are written to: the configured URL when it is a calendar, else the
/// first (by href) calendar of the home that holds events.
pub async fn write_collection(
    http: &Http,
    endpoint: &Endpoint,
    cursor: &serde_json::Value,
) -> Result<String, CalendarError> {
    let previous = Cursor::from_json(cursor);
    if previous.home.is_none() && previous.collections.len() == 1 {
        return Ok(previous.collections[0].href.clone());
    }
    let located = discover(http, endpoint).await?;
    located
        .collections
        .first()
        .map(|collection| collection.url.to_string())
        .ok_or_else(|| CalendarError::Protocol("no calendar to write to".into()))
}

/// The href an event with `uid` gets in `collection`.
pub fn event_href(collection: &str, uid: &str) -> Result<String, CalendarError> {
    let collection = Url::parse(collection)
        .map(as_collection)
        .map_err(|_| CalendarError::Protocol("collection href is not a URL".into()))?;
    // Servers refuse an encoded `/` in a name (and `.`/`..` are not names): such UIDs are
    // written as hex, which is still one name per UID.
    let plain = !uid.is_empty()
        && uid.len() <= 200
        && !uid.chars().any(|c| c == '/' || c == '\\' || c.is_control())
        && !uid.trim_matches('.').is_empty();
    let name = if plain {
        format!("{}.ics", utf8_percent_encode(uid, SEGMENT))
    } else {
        let hex: String = uid.bytes().take(100).map(|b| format!("{b:02x}")).collect();
        format!("x-{hex}.ics")
    };
    resolve(&collection, &name)
        .map(|url| url.to_string())
        .ok_or_else(|| CalendarError::Protocol("bad event href".into()))
}

/// Creates (`previous` = None: `If-None-Match: *`) or replaces (`If-Match` the etag we wrote;
/// an etag of None overwrites unconditionally) the event `uid` in `collection_href`.
/// HTTP 412 → [`CalendarError::Conflict`]: on create, something already exists at our href;
/// on update, someone changed the event since we wrote it.
pub async fn put_event(
    http: &Http,
    endpoint: &Endpoint,
    collection_href: &str,
    uid: &str,
    ics: &str,
    previous: Option<&Written>,
) -> Result<Written, CalendarError> {
    let href = match previous {
        Some(previous) => previous.href.clone(),
        None => event_href(collection_href, uid)?,
    };
    let url = Url::parse(&href).map_err(|_| CalendarError::Protocol("bad event href".into()))?;
    let mut request = Request::new(Method::PUT, url.clone())
        .header("content-type", "text/calendar; charset=utf-8")
        .body(ics.as_bytes().to_vec());
    request = match previous {
        None => request.header("if-none-match", "*"),
        Some(Written {
            etag: Some(etag), ..
        }) => request.header("if-match", etag.clone()),
        Some(_) => request,
    };
    let reply = check(http.send(Some(endpoint), request).await?)?;
    // A server that rewrote the object sends no ETag (RFC 4791 §5.3.4): ask for it.
    let etag = match reply.header("etag") {
        Some(etag) => Some(etag),
        None => current_etag(http, endpoint, &url).await?,
    };
    Ok(Written { href, etag })
}

async fn current_etag(
    http: &Http,
    endpoint: &Endpoint,
    url: &Url,
) -> Result<Option<String>, CalendarError> {
    let (_, status) = multistatus(
        http,
        endpoint,
        "PROPFIND",
        url,
        "0",
        ETAG_LISTING.to_owned(),
    )
    .await?;
    Ok(status
        .responses
        .first()
        .and_then(|response| response.prop_text(DAV, "getetag")))
}

/// Removes an event this service wrote (`If-Match` its etag when known; 412 →
/// [`CalendarError::Conflict`]). Already gone (404/410) counts as done.
pub async fn delete_event(
    http: &Http,
    endpoint: &Endpoint,
    written: &Written,
) -> Result<(), CalendarError> {
    let url =
        Url::parse(&written.href).map_err(|_| CalendarError::Protocol("bad event href".into()))?;
    let mut request = Request::new(Method::DELETE, url);
    if let Some(etag) = &written.etag {
        request = request.header("if-match", etag.clone());
    }
    let reply = http.send(Some(endpoint), request).await?;
    match reply.status.as_u16() {
        200..=299 | 404 | 410 => Ok(()),
        _ => Err(status_error(&reply)),
    }
}

/// Creates a calendar collection (MKCALENDAR) at `url`; used by tests and set-up tools.
pub async fn make_calendar(
    http: &Http,
    endpoint: &Endpoint,
    url: &str,
) -> Result<String, CalendarError> {
    let url = Url::parse(url)
        .map(as_collection)
        .map_err(|_| CalendarError::Protocol("bad calendar URL".into()))?;
    let body = r#"<?xml version="1.0" encoding="utf-8"?>
<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>
 <c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set>
</d:prop></d:set></c:mkcalendar>"#;
    let request = Request::new(
        Method::from_bytes(b"MKCALENDAR").expect("valid"),
        url.clone(),
    )
    .xml(body.to_owned());
    check(http.send(Some(endpoint), request).await?)?;
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_resolve_to_one_canonical_form() {
        let base = Url::parse("http://example.com:8080/dav/cal%20one/").unwrap();
        let canonical = "http://example.com:8080/dav/cal%20one/a%20b@c.ics";
        for href in [
            "a%20b@c.ics",
            "a%20b%40c.ics",
            "/dav/cal%20one/a%20b%40c.ics",
            "http://example.com:8080/dav/cal one/a b@c.ics",
            "../cal%20one/./a%20b@c.ics",
            " /dav/cal%20one/a%20b%40c.ics#x ",
        ] {
            assert_eq!(resolve(&base, href).unwrap().as_str(), canonical, "{href}");
        }
        // An encoded slash stays part of one segment.
        assert_eq!(
            resolve(&base, "a%2Fb.ics").unwrap().as_str(),
            "http://example.com:8080/dav/cal%20one/a%2Fb.ics"
        );
        assert!(resolve(&base, "mailto:x@y").is_none());
    }

    #[test]
    fn event_names_are_one_path_segment() {
        let collection = "http://h/cal/";
        assert_eq!(
            event_href(collection, "abc@x").unwrap(),
            "http://h/cal/abc@x.ics"
        );
        assert_eq!(
            event_href(collection, "a b").unwrap(),
            "http://h/cal/a%20b.ics"
        );
        assert_eq!(
            event_href(collection, "a/b").unwrap(),
            "http://h/cal/x-612f62.ics"
        );
        assert_eq!(
            event_href(collection, "..").unwrap(),
            "http://h/cal/x-2e2e.ics"
        );
        assert_eq!(
            event_href("http://h/cal", "u").unwrap(),
            "http://h/cal/u.ics"
        );
    }

    #[test]
    fn unreadable_cursors_mean_rediscovery() {
        assert_eq!(
            Cursor::from_json(&serde_json::Value::Null),
            Cursor::default()
        );
        assert_eq!(
            Cursor::from_json(&serde_json::json!({"collections": 3})),
            Cursor::default()
        );
        let cursor = Cursor {
            home: Some("http://h/ada/".into()),
            collections: vec![CollectionCursor {
                href: "http://h/ada/work/".into(),
                sync_token: Some("t1".into()),
                ctag: None,
            }],
        };
        assert_eq!(
            cursor.to_json(),
            serde_json::json!({"home": "http://h/ada/", "collections": [
                {"href": "http://h/ada/work/", "sync_token": "t1", "ctag": null}]})
        );
        assert_eq!(Cursor::from_json(&cursor.to_json()), cursor);
    }
}
