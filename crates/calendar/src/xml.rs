//! WebDAV XML: a small namespace-resolved tree parsed with quick-xml (depth and size are
//! bounded: answers come from peers we do not control), the multistatus reading every CalDAV
//! call shares, and escaping for the request bodies we write.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::source::CalendarError;

pub(crate) const DAV: &str = "DAV:";
pub(crate) const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
pub(crate) const CALENDARSERVER: &str = "http://calendarserver.org/ns/";

const MAX_DEPTH: usize = 64;
/// An initial sync-collection answer for 100,000 objects is well below this; the cap bounds
/// the memory a hostile answer can make us spend (the body itself is capped too).
const MAX_ELEMENTS: usize = 1_000_000;

/// One element: namespace, local name, children and its direct text.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Element {
    pub ns: String,
    pub name: String,
    pub children: Vec<Element>,
    pub text: String,
    /// Attributes by local name (namespaces of attributes do not matter in WebDAV).
    pub attributes: Vec<(String, String)>,
}

impl Element {
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.is(ns, name))
    }

    pub fn children_named<'a>(
        &'a self,
        ns: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.is(ns, name))
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The element's text with surrounding whitespace removed.
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

fn protocol(error: impl std::fmt::Display) -> CalendarError {
    CalendarError::Protocol(format!("bad XML: {error}"))
}

/// Parses a whole document into its root element.
pub(crate) fn parse(body: &[u8]) -> Result<Element, CalendarError> {
    let mut reader = NsReader::from_reader(body);
    reader.config_mut().trim_text(false);
    let mut buffer = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let (resolved, event) = reader
            .read_resolved_event_into(&mut buffer)
            .map_err(protocol)?;
        let namespace = match resolved {
            ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(prefix) => {
                return Err(protocol(format!(
                    "unknown namespace prefix {}",
                    String::from_utf8_lossy(&prefix)
                )))
            }
        };
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_none() => {
                count += 1;
                if count > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err(protocol("document too deep or too large"));
                }
                let mut attributes = Vec::new();
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(protocol)?;
                    let value = attribute.unescape_value().map_err(protocol)?;
                    attributes.push((
                        String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned(),
                        value.into_owned(),
                    ));
                }
                stack.push(Element {
                    ns: namespace,
                    name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
                    attributes,
                    ..Element::default()
                });
                // `Empty` (`<a/>`) has no end event of its own.
                if empty {
                    close(&mut stack, &mut root)?;
                }
            }
            Event::End(_) => close(&mut stack, &mut root)?,
            Event::Text(text) => {
                if let Some(current) = stack.last_mut() {
                    let text = text.unescape().map_err(protocol)?;
                    current.text.push_str(&text);
                }
            }
            Event::CData(data) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::Eof => break,
            Event::Start(_) | Event::Empty(_) => {
                return Err(protocol("content after the root element"))
            }
            _ => {}
        }
        buffer.clear();
    }
    if !stack.is_empty() {
        return Err(protocol("document ends inside an element"));
    }
    root.ok_or_else(|| protocol("empty document"))
}

fn close(stack: &mut Vec<Element>, root: &mut Option<Element>) -> Result<(), CalendarError> {
    let element = stack.pop().ok_or_else(|| protocol("unbalanced end tag"))?;
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
    Ok(())
}

/// Escapes text for an XML element body.
pub(crate) fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// One `DAV:response` of a multistatus.
#[derive(Clone, Debug, Default)]
pub(crate) struct DavResponse {
    /// The href as written by the server (resolve it against the request URL).
    pub href: String,
    /// The response-level status (e.g. 404 for a member removed since a sync token).
    pub status: Option<u16>,
    /// Properties reported with a 2xx propstat.
    pub props: Vec<Element>,
}

impl DavResponse {
    pub fn prop(&self, ns: &str, name: &str) -> Option<&Element> {
        self.props.iter().find(|prop| prop.is(ns, name))
    }

    pub fn prop_text(&self, ns: &str, name: &str) -> Option<String> {
        self.prop(ns, name)
            .map(|prop| prop.trimmed().to_owned())
            .filter(|text| !text.is_empty())
    }

    /// The first `DAV:href` inside a property (e.g. `calendar-home-set`).
    pub fn prop_href(&self, ns: &str, name: &str) -> Option<String> {
        self.prop(ns, name)
            .and_then(|prop| prop.child(DAV, "href"))
            .map(|href| href.trimmed().to_owned())
            .filter(|href| !href.is_empty())
    }

    pub fn is_calendar(&self) -> bool {
        self.prop(DAV, "resourcetype")
            .is_some_and(|kind| kind.child(CALDAV, "calendar").is_some())
    }

    pub fn is_collection(&self) -> bool {
        self.prop(DAV, "resourcetype")
            .is_some_and(|kind| kind.child(DAV, "collection").is_some())
    }
}

/// A parsed `DAV:multistatus`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Multistatus {
    pub responses: Vec<DavResponse>,
    pub sync_token: Option<String>,
}

/// `HTTP/1.1 404 Not Found` → 404.
fn status_code(line: &str) -> Option<u16> {
    line.split_whitespace().nth(1)?.parse().ok()
}

pub(crate) fn multistatus(body: &[u8]) -> Result<Multistatus, CalendarError> {
    let root = parse(body)?;
    if !root.is(DAV, "multistatus") {
        return Err(CalendarError::Protocol(format!(
            "expected a DAV multistatus, got <{}>",
            root.name
        )));
    }
    let mut result = Multistatus {
        sync_token: root
            .child(DAV, "sync-token")
            .map(|token| token.trimmed().to_owned())
            .filter(|token| !token.is_empty()),
        ..Multistatus::default()
    };
    for response in root.children_named(DAV, "response") {
        let status = response
            .child(DAV, "status")
            .and_then(|status| status_code(status.trimmed()));
        let mut props = Vec::new();
        for propstat in response.children_named(DAV, "propstat") {
            let ok = propstat
                .child(DAV, "status")
                .and_then(|status| status_code(status.trimmed()))
                .is_some_and(|code| (200..300).contains(&code));
            if let (true, Some(prop)) = (ok, propstat.child(DAV, "prop")) {
                props.extend(prop.children.iter().cloned());
            }
        }
        // A status-only response may name several members.
        for href in response.children_named(DAV, "href") {
            let href = href.trimmed();
            if href.is_empty() {
                continue;
            }
            result.responses.push(DavResponse {
                href: href.to_owned(),
                status,
                props: props.clone(),
            });
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_multistatus_with_prefixes_and_removed_members() {
        let body = br#"<?xml version="1.0"?>
<x:multistatus xmlns:x="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
 <x:response><x:href>/cal/a%20b.ics</x:href>
  <x:propstat><x:prop><x:getetag>"1"</x:getetag><c:calendar-data>BEGIN:VCALENDAR&#13;
END:VCALENDAR</c:calendar-data></x:prop><x:status>HTTP/1.1 200 OK</x:status></x:propstat>
  <x:propstat><x:prop><x:displayname/></x:prop><x:status>HTTP/1.1 404 Not Found</x:status></x:propstat>
 </x:response>
 <x:response><x:href>gone.ics</x:href><x:status>HTTP/1.1 404 Not Found</x:status></x:response>
 <x:sync-token>http://example.com/sync/2</x:sync-token>
</x:multistatus>"#;
        let parsed = multistatus(body).unwrap();
        assert_eq!(
            parsed.sync_token.as_deref(),
            Some("http://example.com/sync/2")
        );
        assert_eq!(parsed.responses.len(), 2);
        assert_eq!(parsed.responses[0].href, "/cal/a%20b.ics");
        assert_eq!(
            parsed.responses[0].prop_text(DAV, "getetag").unwrap(),
            "\"1\""
        );
        assert!(parsed.responses[0]
            .prop_text(CALDAV, "calendar-data")
            .unwrap()
            .contains("\r\nEND:VCALENDAR"));
        assert!(parsed.responses[0].prop(DAV, "displayname").is_none());
        assert_eq!(parsed.responses[1].status, Some(404));
    }

    #[test]
    fn hostile_documents_are_errors_not_panics() {
        for body in [
            &b""[..],
            b"<a>",
            b"<a></b>",
            b"</a>",
            b"<x:a/>",
            b"<a/><b/>",
            b"\xff\xfe<",
            b"<a xmlns=\"DAV:\"><b>&bogus;</b></a>",
        ] {
            assert!(parse(body).is_err(), "{:?}", String::from_utf8_lossy(body));
        }
        let deep = "<a>".repeat(1000) + &"</a>".repeat(1000);
        assert!(parse(deep.as_bytes()).is_err());
        assert!(multistatus(b"<html xmlns=\"http://www.w3.org/1999/xhtml\"/>").is_err());
    }
}
