//! The XML model: domains, storage pools, volumes and the test driver's `<node>` fixture, parsed
//! from libvirt's XML and formatted back as libvirt formats it.

pub mod checkpoint;
pub mod dom;
pub mod domain;
pub mod extra;
pub mod mac;
pub mod moment;
pub mod name;
pub mod network;
pub mod node;
pub mod pool;
mod read;
mod schema;
pub mod snapshot;
pub mod units;
pub mod volume;
pub mod xml;

pub use domain::DomainDef;
pub use name::{Name, NameError};
pub use network::NetworkDef;
pub use pool::PoolDef;
pub use volume::VolumeDef;

use xml::Malformed;

/// Where libvirt installs its schemas; `--validate` names them in its messages.
pub const SCHEMAS: &str = "/usr/share/libvirt/schemas";

/// Why a document could not become a definition.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// Not well-formed XML; Display is libxml2's layout (line, message, the line, a caret).
    #[error("{0}")]
    Malformed(Malformed),
    #[error("expecting root element of '{expected}', not '{found}'")]
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
    /// What libvirt reports as `VIR_ERR_XML_DETAIL`: the detail alone.
    #[error("{0}")]
    Detail(String),
    /// What libvirt reports as an internal error (`internal error: ...`).
    #[error("{0}")]
    Internal(String),
    /// A device without its target; the detail names the device by its source.
    #[error("missing target information for device {0}")]
    NoTarget(String),
    /// A document the schema refuses (`--validate`): libxml2's messages, and the schema
    /// file (`domain.rng`) they name.
    #[error("{detail}")]
    Schema {
        schema: &'static str,
        detail: String,
    },
    /// Something valid that virtsh does not implement.
    #[error("{0}")]
    Unsupported(String),
    /// A value with a unit that is unknown or too large.
    #[error("{0}")]
    Scale(units::ScaleError),
}

/// Parses `doc` and checks its root element.
fn parse_root(doc: &str, root: &'static str) -> Result<dom::Element, ModelError> {
    let e = dom::parse(doc).map_err(ModelError::Malformed)?;
    if e.name != root {
        return Err(ModelError::WrongRoot {
            found: e.name,
            expected: root,
        });
    }
    Ok(e)
}
