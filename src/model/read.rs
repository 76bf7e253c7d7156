//! Reading values out of a parsed document, with libvirt's messages for values it refuses.

use super::dom::Element;
use super::units::{self, ScaleError};
use super::ModelError;

pub fn invalid(detail: impl Into<String>) -> ModelError {
    ModelError::Invalid(detail.into())
}

/// A number in element or attribute text, as `what` names it in the message.
pub fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, ModelError> {
    text.trim()
        .parse()
        .map_err(|_| invalid(format!("invalid value '{}' for {what}", text.trim())))
}

/// An optional numeric attribute.
pub fn attr_number<T: std::str::FromStr>(
    e: &Element,
    attr: &str,
    what: &str,
) -> Result<Option<T>, ModelError> {
    e.attr(attr).map(|v| number(v, what)).transpose()
}

/// An attribute whose value must be one of `allowed` (libvirt's enum attributes), in
/// libvirt's message for any other value.
pub fn choice(e: &Element, attr: &str, allowed: &[&str]) -> Result<Option<String>, ModelError> {
    match e.attr(attr) {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
        Some(v) => Err(bad_value(attr, &e.name, v)),
    }
}

pub fn bad_value(attr: &str, element: &str, value: &str) -> ModelError {
    invalid(format!(
        "Invalid value for attribute '{attr}' in element '{element}': '{value}'."
    ))
}

/// A `<memory unit='...'>N</memory>`-style value in bytes; `default` is the scale of a value
/// without unit and `xpath` names it as libvirt's messages do (`./memory[1]`).
pub fn scaled(e: &Element, default: u64, xpath: &str) -> Result<u64, ModelError> {
    let text = e.text();
    let value: u64 = text.trim().parse().map_err(|_| {
        invalid(format!(
            "Invalid value '{}' for element or attribute '{xpath}'",
            text.trim()
        ))
    })?;
    let unit = e.attr("unit").unwrap_or("");
    units::scale(value, unit, default).map_err(ModelError::Scale)
}

/// A scaled value in KiB (memory sizes).
pub fn scaled_kib(e: &Element, xpath: &str) -> Result<u64, ModelError> {
    scaled(e, 1024, xpath).map(|b| b / 1024)
}

/// `<uuid>` (a new one when absent) and `<title>` (one line only), as libvirt reads them for
/// domains and networks; `kind` names the object in the message (`Domain`, `Network`).
pub fn uuid_and_title(
    root: &Element,
    kind: &str,
) -> Result<(uuid::Uuid, Option<String>), ModelError> {
    let uuid = match text_of(root, "uuid") {
        Some(u) => uuid::Uuid::parse_str(u.trim())
            .map_err(|_| ModelError::Internal("malformed uuid element".into()))?,
        None => uuid::Uuid::new_v4(),
    };
    let title = text_of(root, "title");
    if title.as_deref().is_some_and(|t| t.contains('\n')) {
        return Err(invalid(format!("{kind} title can't contain newlines")));
    }
    Ok((uuid, title))
}

/// Text of a child element that is not empty, as libvirt's `virXPathString` returns it.
pub fn text_of(e: &Element, child: &str) -> Option<String> {
    e.child_text(child).filter(|t| !t.is_empty())
}

impl From<ScaleError> for ModelError {
    fn from(e: ScaleError) -> ModelError {
        ModelError::Scale(e)
    }
}
