//! The XML model: domains, storage pools, volumes and the test driver's `<node>` fixture, parsed
//! from libvirt's XML and formatted back as libvirt formats it.

pub mod domain;
pub mod name;
pub mod node;
pub mod pool;
pub mod units;
pub mod volume;
pub mod xml;

pub use domain::DomainDef;
pub use name::{Name, NameError};
pub use pool::PoolDef;
pub use volume::VolumeDef;

use serde::Deserialize;

use xml::Malformed;

/// Why a document could not become a definition.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// Not well-formed XML; Display is libxml2's layout (line, message, the line, a caret).
    #[error("{0}")]
    Malformed(Malformed),
    #[error("unexpected root element <{found}>, expecting <{expected}>")]
    WrongRoot {
        found: String,
        expected: &'static str,
    },
    #[error("missing name information")]
    NoName,
    #[error("{0}")]
    Name(NameError),
    /// A value or element that is wrong; Display is the detail libvirt gives after `XML error:`.
    #[error("{0}")]
    Invalid(String),
    /// Something valid that virtsh does not implement.
    #[error("{0}")]
    Unsupported(String),
    /// A value with a unit that is unknown or too large.
    #[error("{0}")]
    Scale(units::ScaleError),
}

/// An empty element such as `<acpi/>` or `<readonly/>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Empty {}

/// Checks well-formedness and the root element, then deserializes.
fn parse_document<T: serde::de::DeserializeOwned>(
    doc: &str,
    root: &'static str,
) -> Result<T, ModelError> {
    let found = xml::check_well_formed(doc).map_err(ModelError::Malformed)?;
    if found != root {
        return Err(ModelError::WrongRoot {
            found,
            expected: root,
        });
    }
    quick_xml::de::from_str(doc).map_err(|e| ModelError::Invalid(e.to_string()))
}

/// A `<memory unit='...'>N</memory>`-style value in KiB (the default unit of memory).
fn scaled_kib(raw: &domain::RawScaled, what: &str) -> Result<u64, ModelError> {
    scaled(raw, 1024, what).map(|b| b / 1024)
}

/// A scaled value in bytes; `default` is the scale of a value without unit.
fn scaled(raw: &domain::RawScaled, default: u64, what: &str) -> Result<u64, ModelError> {
    let value: u64 = raw.value.trim().parse().map_err(|_| {
        ModelError::Invalid(format!(
            "Invalid value '{}' for element or attribute '{what}'",
            raw.value.trim()
        ))
    })?;
    units::scale(value, raw.unit.as_deref().unwrap_or(""), default).map_err(ModelError::Scale)
}
