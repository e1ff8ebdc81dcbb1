//! Field validation for public input: each check returns the human message for the field.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::catalog::{Question, QuestionKind};

/// Field name to message, in a stable order.
pub type FieldErrors = BTreeMap<String, String>;

/// Reads fields out of a JSON object, collecting every problem before answering.
pub struct Fields<'a> {
    object: &'a Map<String, Value>,
    pub errors: FieldErrors,
}

fn has_control(text: &str, allow_newlines: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
}

impl<'a> Fields<'a> {
    pub fn new(object: &'a Map<String, Value>) -> Self {
        Fields {
            object,
            errors: FieldErrors::new(),
        }
    }

    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }

    /// An optional string; `null` and blank count as absent.
    pub fn optional_text(
        &mut self,
        field: &str,
        max_chars: usize,
        multiline: bool,
    ) -> Option<String> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => {
                let text = text.trim();
                if text.is_empty() {
                    None
                } else if text.chars().count() > max_chars {
                    self.fail(field, format!("must be at most {max_chars} characters"));
                    None
                } else if has_control(text, multiline) {
                    self.fail(field, "must not contain control characters");
                    None
                } else {
                    Some(text.to_string())
                }
            }
            Some(_) => {
                self.fail(field, "must be a string");
                None
            }
        }
    }

    /// A required string of 1 to `max_chars` characters after trimming.
    pub fn required_text(
        &mut self,
        field: &str,
        max_chars: usize,
        multiline: bool,
    ) -> Option<String> {
        let present =
            matches!(self.object.get(field), Some(Value::String(text)) if !text.trim().is_empty());
        let value = self.optional_text(field, max_chars, multiline);
        if !present && !self.errors.contains_key(field) {
            self.fail(field, "is required");
        }
        value
    }

    /// A required email address.
    pub fn email(&mut self, field: &str) -> Option<String> {
        let value = self.required_text(field, 254, false)?;
        if is_email(&value) {
            Some(value)
        } else {
            self.fail(field, "must be an email address such as name@example.com");
            None
        }
    }

    /// An optional IANA time zone name.
    pub fn timezone(&mut self, field: &str) -> Option<String> {
        let value = self.optional_text(field, 64, false)?;
        if crate::tzdb::zone(&value).is_ok() {
            Some(value)
        } else {
            self.fail(field, "must be an IANA time zone such as Europe/London");
            None
        }
    }

    /// Answers to an event type's custom questions, read from the `answers` object; errors
    /// are reported as `answers.<id>`. Answers to unknown questions are dropped.
    pub fn answers(&mut self, questions: &[Question]) -> Map<String, Value> {
        let mut answers = Map::new();
        let given = match self.object.get("answers") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(_) => {
                self.fail("answers", "must be an object of question id to answer");
                return answers;
            }
        };
        for question in questions {
            let field = format!("answers.{}", question.id);
            let text = match given.get(&question.id) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.trim().to_string(),
                Some(_) => {
                    self.fail(&field, "must be a string");
                    continue;
                }
            };
            if text.is_empty() {
                if question.required {
                    self.fail(&field, "is required");
                }
                continue;
            }
            let (limit, multiline) = match question.kind {
                QuestionKind::Textarea => (5000, true),
                _ => (500, false),
            };
            if text.chars().count() > limit {
                self.fail(&field, format!("must be at most {limit} characters"));
                continue;
            }
            if has_control(&text, multiline) {
                self.fail(&field, "must not contain control characters");
                continue;
            }
            match question.kind {
                QuestionKind::Select if !question.options.contains(&text) => {
                    self.fail(&field, "must be one of the listed choices");
                    continue;
                }
                QuestionKind::Phone if !is_phone(&text) => {
                    self.fail(&field, "must be a phone number such as +44 20 7946 0958");
                    continue;
                }
                _ => {}
            }
            answers.insert(question.id.clone(), Value::String(text));
        }
        answers
    }

    /// Records a problem found by the caller.
    pub fn reject(&mut self, field: &str, message: impl Into<String>) {
        self.fail(field, message);
    }
}

/// A phone number: digits with the usual separators, 5 to 20 digits, optional leading `+`.
pub fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = text
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " ()-./".contains(c) || (c == '+' && i == 0));
    allowed && (5..=20).contains(&digits) && text.len() <= 32
}

/// A deliberately plain address check: one `@`, a non-empty local part without spaces, and
/// a domain of dot-separated labels with a dot in it.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.len() > 253 || !domain.contains('.') {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let domain_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for good in [
            "a@b.co",
            "first.last+tag@sub.example.com",
            "ülrich@exämple.de",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@.co", "a@b..co", "a b@c.co", "a@b.co ", ".a@b.co",
            "a@-b.co", "a@b.co\n", "a@@b.co",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
    }
}
