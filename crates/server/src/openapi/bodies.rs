//! Optional request bodies as the server reads them. utoipa documents an optional body
//! (`Option<T>`) as "`null` or T", but an optional body means one that may be left out: a
//! JSON `null` is not an object and is refused like any other non-object (400
//! `malformed_json`). The schema is narrowed to T, the body staying optional.

use utoipa::openapi::{schema::Schema, OpenApi as Document, RefOr};

/// Drops the `null` alternative from the schema of every optional request body.
pub fn optional_not_null(document: &mut Document) {
    for item in document.paths.paths.values_mut() {
        for operation in [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            let Some(body) = operation.request_body.as_mut() else {
                continue;
            };
            for content in body.content.values_mut() {
                let Some(RefOr::T(Schema::OneOf(one_of))) = content.schema.as_ref() else {
                    continue;
                };
                let mut others = one_of.items.iter().filter(|item| !is_null(item));
                if let (Some(only), None) = (others.next(), others.next()) {
                    if one_of.items.len() == 2 {
                        content.schema = Some(only.clone());
                    }
                }
            }
        }
    }
}

fn is_null(schema: &RefOr<Schema>) -> bool {
    match schema {
        RefOr::T(Schema::Object(object)) => serde_json::to_value(&object.schema_type)
            .is_ok_and(|kind| kind == serde_json::json!("null")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    /// The booking actions' optional body is a `BookingMessageBody`, never `null`, and
    /// stays optional.
    #[test]
    fn optional_bodies_are_not_null() {
        let document = serde_json::to_value(super::super::document()).unwrap();
        let body = &document["paths"]["/api/v1/bookings/{id}/cancel"]["post"]["requestBody"];
        assert_ne!(body["required"], true, "{body}");
        assert_eq!(
            body["content"]["application/json"]["schema"],
            serde_json::json!({"$ref": "#/components/schemas/BookingMessageBody"}),
            "{body}"
        );
    }
}
