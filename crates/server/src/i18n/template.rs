//! `t("message-id", name=value, …)` for minijinja templates (pages and mail alike), in the
//! context's `lang`. Numbers stay numbers, so Fluent picks the plural form; a missing or
//! none value is an empty string rather than the word "none".

use minijinja::{value::Kwargs, State};

use super::{text, FluentValue, Locale};

pub fn template_text(state: &State, id: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let locale = state
        .lookup("lang")
        .and_then(|lang| lang.as_str().and_then(Locale::parse))
        .unwrap_or_default();
    let mut args: Vec<(String, FluentValue<'static>)> = Vec::new();
    for name in kwargs.args() {
        let value: minijinja::Value = kwargs.get(name)?;
        let fluent = if let Ok(number) = i64::try_from(value.clone()) {
            FluentValue::from(number)
        } else if let Ok(number) = f64::try_from(value.clone()) {
            FluentValue::from(number)
        } else if value.is_undefined() || value.is_none() {
            FluentValue::from(String::new())
        } else {
            FluentValue::from(value.to_string())
        };
        args.push((name.to_string(), fluent));
    }
    let borrowed: Vec<(&str, FluentValue)> = args
        .iter()
        .map(|(name, value)| (name.as_str(), value.clone()))
        .collect();
    Ok(text(locale, id, &borrowed))
}
