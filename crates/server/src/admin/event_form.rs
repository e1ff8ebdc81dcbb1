//! The event-type form: every key the config file can say, as form fields, read back into
//! an [`EventTypeConfig`]. Validation is the catalog's own (the same as for the config
//! file); this module only turns text into values.

use serde_json::{json, Value};

use super::Form;
use crate::{
    config::{EventTypeConfig, OverrideConfig, QuestionConfig},
    validate::FieldErrors,
};

pub(super) const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub(super) fn number(form: &Form, name: &str, errors: &mut FieldErrors) -> Option<u32> {
    let text = form.text(name)?;
    match text.parse::<u32>() {
        Ok(value) => Some(value),
        Err(_) => {
            errors.insert(name.into(), "a whole number".into());
            None
        }
    }
}

pub(super) fn ranges(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

/// Overrides, one per line: `2026-12-24: closed` or `2026-12-24: 10:00-12:00, 14:00-16:00`.
pub(super) fn overrides(text: &str, errors: &mut FieldErrors) -> Vec<OverrideConfig> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((date, hours)) = line.split_once(':') else {
            errors.insert(
                "overrides".into(),
                format!("line {}: write DATE: HOURS or DATE: closed", number + 1),
            );
            continue;
        };
        let hours = hours.trim();
        let hours = if hours.eq_ignore_ascii_case("closed") {
            Vec::new()
        } else {
            ranges(hours)
        };
        out.push(OverrideConfig {
            date: date.trim().to_string(),
            hours,
        });
    }
    out
}

/// Questions, one per line: `id | Label | kind | required | Option A, Option B` (kind,
/// required and options may be left out).
fn questions(text: &str, errors: &mut FieldErrors) -> Vec<QuestionConfig> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        if parts.len() < 2 {
            errors.insert(
                "questions".into(),
                format!(
                    "line {}: write id | Label | kind | required | options",
                    number + 1
                ),
            );
            continue;
        }
        let required = match parts.get(3).copied().unwrap_or("optional") {
            "required" | "yes" | "true" => true,
            "optional" | "no" | "false" | "" => false,
            other => {
                errors.insert(
                    "questions".into(),
                    format!(
                        "line {}: {other:?} must be required or optional",
                        number + 1
                    ),
                );
                false
            }
        };
        out.push(QuestionConfig {
            id: (!parts[0].is_empty()).then(|| parts[0].to_string()),
            label: parts[1].to_string(),
            kind: parts
                .get(2)
                .copied()
                .filter(|kind| !kind.is_empty())
                .unwrap_or("text")
                .to_string(),
            required,
            options: parts
                .get(4)
                .map(|options| ranges(options))
                .unwrap_or_default(),
        });
    }
    out
}

/// Reads the posted form into an entry for `slug` and whether it is enabled.
pub fn entry_from_form(form: &Form, slug: String) -> Result<(EventTypeConfig, bool), FieldErrors> {
    let mut errors = FieldErrors::new();
    let duration = number(form, "duration_minutes", &mut errors);
    if duration.is_none() && !errors.contains_key("duration_minutes") {
        errors.insert("duration_minutes".into(), "required".into());
    }
    let entry = EventTypeConfig {
        slug,
        title: form.text("title").unwrap_or_default(),
        duration_minutes: duration.unwrap_or(0),
        description: form.text("description"),
        slot_step_minutes: number(form, "slot_step_minutes", &mut errors),
        buffer_before_minutes: number(form, "buffer_before_minutes", &mut errors),
        buffer_after_minutes: number(form, "buffer_after_minutes", &mut errors),
        max_per_day: number(form, "max_per_day", &mut errors),
        timezone: form.text("timezone"),
        hours: Some(ranges(form.get("hours").unwrap_or_default())),
        weekdays: Some(
            form.all("weekdays")
                .iter()
                .map(|day| day.to_string())
                .collect(),
        ),
        lookahead_days: number(form, "lookahead_days", &mut errors),
        min_lead_minutes: number(form, "min_lead_minutes", &mut errors),
        mode: form.text("mode"),
        change_cutoff_hours: number(form, "change_cutoff_hours", &mut errors),
        request_expiry_hours: number(form, "request_expiry_hours", &mut errors),
        overrides: overrides(form.get("overrides").unwrap_or_default(), &mut errors),
        questions: questions(form.get("questions").unwrap_or_default(), &mut errors),
        // The form does not edit hosts yet; the update handler keeps the stored ones.
        hosts: None,
        assignment: None,
        weights: Default::default(),
        fairness_window_days: None,
    };
    if errors.is_empty() {
        Ok((entry, form.get("enabled").is_some()))
    } else {
        Err(errors)
    }
}

/// The form's field values for an entry.
pub fn form_values(entry: &EventTypeConfig, enabled: bool) -> Value {
    let number = |value: Option<u32>| value.map(|v| v.to_string()).unwrap_or_default();
    let weekdays = entry.weekdays.clone().unwrap_or_default();
    let overrides: Vec<String> = entry
        .overrides
        .iter()
        .map(|o| {
            let hours = if o.hours.is_empty() {
                "closed".to_string()
            } else {
                o.hours.join(", ")
            };
            format!("{}: {hours}", o.date)
        })
        .collect();
    let questions: Vec<String> = entry
        .questions
        .iter()
        .map(|q| {
            format!(
                "{} | {} | {} | {}{}",
                q.id.clone().unwrap_or_default(),
                q.label,
                q.kind,
                if q.required { "required" } else { "optional" },
                if q.options.is_empty() {
                    String::new()
                } else {
                    format!(" | {}", q.options.join(", "))
                }
            )
        })
        .collect();
    json!({
        "slug": entry.slug,
        "title": entry.title,
        "description": entry.description.clone().unwrap_or_default(),
        "duration_minutes": if entry.duration_minutes == 0 { String::new() } else { entry.duration_minutes.to_string() },
        "slot_step_minutes": number(entry.slot_step_minutes),
        "buffer_before_minutes": number(entry.buffer_before_minutes),
        "buffer_after_minutes": number(entry.buffer_after_minutes),
        "max_per_day": number(entry.max_per_day),
        "timezone": entry.timezone.clone().unwrap_or_default(),
        "hours": entry.hours.clone().unwrap_or_default().join(", "),
        "weekdays": WEEKDAYS.iter().map(|day| json!({"day": day, "checked": weekdays.iter().any(|w| w.get(..3).is_some_and(|w| w.eq_ignore_ascii_case(day)))})).collect::<Vec<_>>(),
        "lookahead_days": number(entry.lookahead_days),
        "min_lead_minutes": number(entry.min_lead_minutes),
        "mode": entry.mode.clone().unwrap_or_else(|| "request".into()),
        "change_cutoff_hours": number(entry.change_cutoff_hours),
        "request_expiry_hours": number(entry.request_expiry_hours),
        "overrides": overrides.join("\n"),
        "questions": questions.join("\n"),
        "enabled": enabled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_questions_parse_from_lines() {
        let mut errors = FieldErrors::new();
        let parsed = overrides(
            "2026-12-24: closed\n\n2026-12-31: 10:00-12:00, 14:00-15:00\n",
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].date, "2026-12-24");
        assert!(parsed[0].hours.is_empty());
        assert_eq!(parsed[1].hours, ["10:00-12:00", "14:00-15:00"]);
        let parsed = questions(
            "company | Company | text | required\n | Topic | select | optional | A, B",
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(parsed[0].id.as_deref(), Some("company"));
        assert!(parsed[0].required);
        assert_eq!(parsed[1].id, None);
        assert_eq!(parsed[1].options, ["A", "B"]);
        questions("just one part", &mut errors);
        assert!(errors.contains_key("questions"));
    }
}
