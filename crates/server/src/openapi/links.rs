//! OpenAPI links between operations (what schemathesis' stateful tests and client
//! generators follow: create a booking, then read, reschedule and cancel it by its id).
//! utoipa 5 serializes a `Link` with snake_case keys (`operation_id`), which is not a valid
//! link object, so every link is rewritten here into the spelling of the specification.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use utoipa::openapi::{
    extensions::Extensions, link::Link, path::Operation, OpenApi as Document, RefOr,
};

/// The operation that creates a booking (public, `POST /booking`).
pub const CREATE_BOOKING: &str = "createBooking";

/// Operations that take a booking id as their `id` path parameter, with the link name each
/// is reached by.
const BOOKING_TARGETS: [&str; 3] = ["getBooking", "cancelBooking", "rescheduleBooking"];

/// Adds the links from a created booking to the operations on it, and rewrites every link
/// the handlers declared into valid link objects.
pub fn add(document: &mut Document) {
    let known = operation_ids(document);
    let booking_links: BTreeMap<String, Value> = BOOKING_TARGETS
        .iter()
        .filter(|target| known.iter().any(|id| id == *target))
        .map(|target| {
            (
                target.to_string(),
                json!({"operationId": target, "parameters": {"id": "$response.body#/id"}}),
            )
        })
        .collect();
    for operation in operations(document) {
        let creates_booking = operation.operation_id.as_deref() == Some(CREATE_BOOKING);
        for (status, response) in operation.responses.responses.iter_mut() {
            let RefOr::T(response) = response else {
                continue;
            };
            let mut links: Map<String, Value> = std::mem::take(&mut response.links)
                .into_iter()
                .filter_map(|(name, link)| match link {
                    RefOr::T(link) => Some((name, link_object(&link))),
                    RefOr::Ref(reference) => serde_json::to_value(reference)
                        .ok()
                        .map(|value| (name, value)),
                })
                .collect();
            if creates_booking && status == "201" {
                for (name, link) in &booking_links {
                    links.entry(name.clone()).or_insert_with(|| link.clone());
                }
            }
            if links.is_empty() {
                continue;
            }
            response
                .extensions
                .get_or_insert_with(Extensions::default)
                .insert("links".into(), Value::Object(links));
        }
    }
}

/// A link as the specification spells it.
fn link_object(link: &Link) -> Value {
    let mut object = Map::new();
    if !link.operation_ref.is_empty() {
        object.insert("operationRef".into(), json!(link.operation_ref));
    }
    if !link.operation_id.is_empty() {
        object.insert("operationId".into(), json!(link.operation_id));
    }
    if !link.parameters.is_empty() {
        object.insert("parameters".into(), json!(link.parameters));
    }
    if let Some(body) = &link.request_body {
        object.insert("requestBody".into(), body.clone());
    }
    if !link.description.is_empty() {
        object.insert("description".into(), json!(link.description));
    }
    if let Some(server) = &link.server {
        if let Ok(server) = serde_json::to_value(server) {
            object.insert("server".into(), server);
        }
    }
    Value::Object(object)
}

fn operations(document: &mut Document) -> impl Iterator<Item = &mut Operation> {
    document.paths.paths.values_mut().flat_map(|item| {
        [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.options.as_mut(),
            item.head.as_mut(),
            item.patch.as_mut(),
            item.trace.as_mut(),
        ]
        .into_iter()
        .flatten()
    })
}

fn operation_ids(document: &mut Document) -> Vec<String> {
    operations(document)
        .filter_map(|operation| operation.operation_id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every link in the served document is a valid link object naming an operation that
    /// exists, and a booking's list and detail lead to cancelling and rescheduling it.
    #[test]
    fn links_name_existing_operations_in_the_specification_spelling() {
        let document = serde_json::to_value(super::super::document()).unwrap();
        let mut ids = Vec::new();
        let mut links = Vec::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if let Some(id) = operation["operationId"].as_str() {
                    ids.push(id.to_string());
                }
                for (status, response) in operation["responses"].as_object().unwrap() {
                    for (name, link) in response["links"].as_object().into_iter().flatten() {
                        links.push((format!("{method} {path} {status} {name}"), link.clone()));
                    }
                }
            }
        }
        for (at, link) in &links {
            let object = link.as_object().unwrap();
            assert!(!object.contains_key("operation_id"), "{at}: {link}");
            let target = link["operationId"].as_str().expect(at);
            assert!(ids.iter().any(|id| id == target), "{at}: {target}");
            // What a link passes on (parameters, a request body) is runtime expressions
            // over the answer or its request.
            let passed: Vec<&Value> = ["parameters", "requestBody"]
                .iter()
                .filter_map(|key| link[*key].as_object())
                .flat_map(|object| object.values())
                .collect();
            let valid = passed.iter().all(|value| {
                value.as_str().is_some_and(|expression| {
                    expression.starts_with("$response.") || expression.starts_with("$request.")
                })
            });
            assert!(!passed.is_empty() && valid, "{at}: {link}");
        }
        let named = |at: &str| {
            links
                .iter()
                .filter(|(name, _)| name.starts_with(at))
                .count()
        };
        // A list may be empty, so it offers no link to follow.
        assert_eq!(named("get /api/v1/bookings 200"), 0);
        assert_eq!(named("get /api/v1/bookings/{id} 200"), 2);
        if ids.iter().any(|id| id == super::CREATE_BOOKING) {
            for target in super::BOOKING_TARGETS {
                assert_eq!(named(&format!("post /booking 201 {target}")), 1, "{target}");
            }
        }
        assert!(links.iter().all(|(_, link)| link != &Value::Null));
    }
}
