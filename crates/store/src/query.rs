//! Pieces both backends share for the operations queries: the `WHERE` clause of a
//! [`BookingQuery`] (built with bound parameters only) and the normalisation of counter
//! deltas.

use std::collections::BTreeMap;

use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::{BookingQuery, CounterDelta};

/// `pattern` for `LIKE ... ESCAPE '\'` matching `text` literally anywhere.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        if matches!(ch, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// What a search matches in SQLite's `search_text` column: name and e-mail folded to lower
/// case with Unicode rules (SQLite's own `lower()` folds only ASCII).
pub(crate) fn search_text(name: &str, email: &str) -> String {
    format!("{}\n{}", name.to_lowercase(), email.to_lowercase())
}

/// How a backend matches the search text of a [`BookingQuery`].
#[derive(Clone, Copy)]
pub(crate) enum Search {
    /// `lower(name)` and `lower(email)` in SQL (PostgreSQL folds Unicode).
    Lower,
    /// The `search_text` column, folded by the store (SQLite).
    FoldedColumn,
}

/// Appends ` WHERE ...` for the filters of `query` (nothing if it has none). Every value is
/// a bound parameter; only fixed SQL text is pushed.
pub(crate) fn push_booking_filters<'args, DB>(
    builder: &mut QueryBuilder<'args, DB>,
    query: &BookingQuery,
    search: Search,
) where
    DB: Database,
    i64: Encode<'args, DB> + Type<DB>,
    String: Encode<'args, DB> + Type<DB>,
{
    let mut first = true;
    let mut next = |builder: &mut QueryBuilder<'args, DB>| {
        builder.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    if !query.statuses.is_empty() {
        next(builder);
        builder.push("status IN (");
        let mut statuses = builder.separated(", ");
        for status in &query.statuses {
            statuses.push_bind(status.as_str().to_string());
        }
        builder.push(")");
    }
    if let Some(slug) = &query.event_slug {
        next(builder);
        builder.push("event_slug = ").push_bind(slug.clone());
    }
    if let Some(host_id) = &query.host_id {
        next(builder);
        builder
            .push("id IN (SELECT booking_id FROM booking_holds WHERE host_id = ")
            .push_bind(host_id.clone())
            .push(")");
    }
    let ranges = [
        ("start_at >= ", query.start_from),
        ("start_at < ", query.start_to),
        ("created_at >= ", query.created_from),
        ("created_at < ", query.created_to),
    ];
    for (condition, bound) in ranges {
        if let Some(bound) = bound {
            next(builder);
            builder.push(condition).push_bind(bound);
        }
    }
    if let Some(text) = &query.search {
        next(builder);
        match search {
            Search::FoldedColumn => {
                let pattern = contains_pattern(&text.to_lowercase());
                builder
                    .push("search_text LIKE ")
                    .push_bind(pattern)
                    .push(" ESCAPE '\\'");
            }
            Search::Lower => {
                let pattern = contains_pattern(text);
                builder
                    .push("(lower(name) LIKE lower(")
                    .push_bind(pattern.clone())
                    .push(") ESCAPE '\\' OR lower(email) LIKE lower(")
                    .push_bind(pattern)
                    .push(") ESCAPE '\\')");
            }
        }
    }
}

/// The deltas with equal keys added together, ordered by (day, event type, metric), so
/// concurrent writers touch counter rows in one order.
pub(crate) fn merged_deltas(deltas: &[CounterDelta]) -> Vec<CounterDelta> {
    let mut merged: BTreeMap<(&str, &str, &str), i64> = BTreeMap::new();
    for delta in deltas {
        *merged
            .entry((&delta.day, &delta.event_slug, &delta.metric))
            .or_default() += delta.count;
    }
    merged
        .into_iter()
        .map(|((day, event_slug, metric), count)| CounterDelta {
            day: day.to_string(),
            event_slug: event_slug.to_string(),
            metric: metric.to_string(),
            count,
        })
        .collect()
}

/// `SELECT` of [`crate::AdminStore::booking_buckets`] up to its filters.
pub(crate) fn bucket_select(by: crate::BucketBy) -> String {
    let column = match by {
        crate::BucketBy::Created => "created_at",
        crate::BucketBy::Start => "start_at",
    };
    format!(
        "SELECT event_slug, ({column} / {seconds}) * {seconds} AS bucket, count(*) AS total, \
         count(confirmed_at) AS confirmed FROM bookings",
        seconds = crate::BUCKET_SECONDS
    )
}

/// The `GROUP BY` that ends [`bucket_select`].
pub(crate) const BUCKET_GROUP: &str = " GROUP BY event_slug, bucket ORDER BY bucket, event_slug";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
        assert_eq!(contains_pattern(""), "%%");
    }

    #[test]
    fn deltas_are_merged_and_ordered() {
        let delta = |day: &str, metric: &str, count| CounterDelta {
            day: day.into(),
            event_slug: "x".into(),
            metric: metric.into(),
            count,
        };
        let merged = merged_deltas(&[
            delta("2030-01-02", "b", 1),
            delta("2030-01-01", "a", 2),
            delta("2030-01-02", "b", 3),
        ]);
        assert_eq!(
            merged,
            [delta("2030-01-01", "a", 2), delta("2030-01-02", "b", 4)]
        );
    }
}
