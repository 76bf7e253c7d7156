//! The driver error: libvirt's error code and the full message text, as libvirt formats it
//! (`operation failed: ...`, `Requested operation is not valid: ...`). Keeping the formatted
//! text lets an error that crossed the wire from a daemon print exactly as the daemon wrote it.

use std::fmt;

use crate::model::units::ScaleError;
use crate::model::ModelError;
use crate::sys::strerror;
use crate::types::codes;

codes!(
    /// libvirt's `virErrorNumber` values that virtsh raises or decodes, with the stable
    /// snake_case names of `--json` errors. A number virtsh does not name reads as an internal
    /// error (the daemon's message text is kept either way).
    ErrorCode else InternalError {
        InternalError = 1 => "internal_error",
        NoSupport = 3 => "no_support",
        NoConnect = 5 => "no_connect",
        InvalidConn = 6 => "invalid_conn",
        InvalidArg = 8 => "invalid_arg",
        OperationFailed = 9 => "operation_failed",
        NoTarget = 20 => "no_target",
        NoName = 21 => "no_name",
        XmlError = 27 => "xml_error",
        ConfSyntax = 33 => "conf_syntax",
        OperationDenied = 29 => "operation_denied",
        XmlDetail = 35 => "xml_detail",
        SystemError = 38 => "system_error",
        Rpc = 39 => "rpc",
        NoDomain = 42 => "no_domain",
        NoNetwork = 43 => "no_network",
        AuthFailed = 45 => "auth_failed",
        NoStoragePool = 49 => "no_storage_pool",
        NoStorageVol = 50 => "no_storage_vol",
        OperationInvalid = 55 => "operation_invalid",
        ConfigUnsupported = 67 => "config_unsupported",
        OperationTimeout = 68 => "operation_timeout",
        NoDomainSnapshot = 72 => "no_domain_snapshot",
        ArgumentUnsupported = 74 => "argument_unsupported",
        SnapshotRevertRisky = 77 => "snapshot_revert_risky",
        StoragePoolBuilt = 76 => "storage_pool_built",
        NoDomainMetadata = 80 => "no_domain_metadata",
        Overflow = 82 => "overflow",
        OperationUnsupported = 84 => "operation_unsupported",
        ResourceBusy = 87 => "resource_busy",
        StorageVolExist = 90 => "storage_vol_exist",
        XmlInvalidSchema = 92 => "xml_invalid_schema",
        NoDomainCheckpoint = 103 => "no_domain_checkpoint",
        NoNetworkPort = 107 => "no_network_port",
        NoNetworkMetadata = 111 => "no_network_metadata",
    }
);

/// An error from a driver call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }
    pub fn internal(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::InternalError,
            format!("internal error: {detail}"),
        )
    }
    pub fn operation_failed(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::OperationFailed,
            format!("operation failed: {detail}"),
        )
    }
    pub fn operation_invalid(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::OperationInvalid,
            format!("Requested operation is not valid: {detail}"),
        )
    }
    pub fn invalid_arg(detail: impl fmt::Display) -> Error {
        Error::new(ErrorCode::InvalidArg, format!("invalid argument: {detail}"))
    }
    pub fn xml(detail: impl fmt::Display) -> Error {
        Error::new(ErrorCode::XmlError, format!("XML error: {detail}"))
    }
    /// A malformed document: libvirt prints the parser's message alone.
    pub fn xml_detail(detail: impl fmt::Display) -> Error {
        Error::new(ErrorCode::XmlDetail, detail.to_string())
    }
    pub fn unsupported(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::ConfigUnsupported,
            format!("unsupported configuration: {detail}"),
        )
    }
    pub fn no_support(function: &str) -> Error {
        Error::new(
            ErrorCode::NoSupport,
            format!("this function is not supported by the connection driver: {function}"),
        )
    }
    pub fn denied(function: &str) -> Error {
        Error::new(
            ErrorCode::OperationDenied,
            format!("operation forbidden: read only access prevents {function}"),
        )
    }
    pub fn no_domain(detail: impl fmt::Display) -> Error {
        Error::new(ErrorCode::NoDomain, format!("Domain not found: {detail}"))
    }
    pub fn no_network(detail: impl fmt::Display) -> Error {
        Error::new(ErrorCode::NoNetwork, format!("Network not found: {detail}"))
    }
    pub fn no_pool(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::NoStoragePool,
            format!("Storage pool not found: {detail}"),
        )
    }
    pub fn no_snapshot(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::NoDomainSnapshot,
            format!("Domain snapshot not found: {detail}"),
        )
    }
    pub fn no_checkpoint(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::NoDomainCheckpoint,
            format!("Domain checkpoint not found: {detail}"),
        )
    }
    /// `VIR_ERR_OPERATION_UNSUPPORTED`.
    pub fn operation_unsupported(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::OperationUnsupported,
            format!("Operation not supported: {detail}"),
        )
    }
    pub fn no_vol(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::NoStorageVol,
            format!("Storage volume not found: {detail}"),
        )
    }
    /// A bad scaled value (a size), as libvirt's `virScaleInteger` reports it; `None` for a
    /// number `strtoull` could not read (libvirt reports nothing then).
    pub fn scale(e: &ScaleError) -> Option<Error> {
        match e {
            ScaleError::UnknownSuffix(_) => Some(Error::invalid_arg(e)),
            ScaleError::TooLarge(_) => Some(Error::new(
                ErrorCode::Overflow,
                format!("numerical overflow: {e}"),
            )),
            ScaleError::Malformed(_) => None,
        }
    }
    /// `virCheckFlags`: flags a driver function does not take.
    /// A failure libvirt reports without a reason (virsh's words for it).
    pub fn unknown() -> Error {
        Error::new(
            ErrorCode::InternalError,
            "An error occurred, but the cause is unknown",
        )
    }
    pub fn unsupported_flags(flags: u32, function: &str) -> Error {
        Error::new(
            ErrorCode::InvalidArg,
            format!("unsupported flags (0x{flags:x}) in function {function}"),
        )
    }
    /// libvirt's `virCheckFlags`: the bits of `flags` outside `supported` refused.
    pub fn check_flags(flags: u32, supported: u32, function: &str) -> Result<()> {
        match flags & !supported {
            0 => Ok(()),
            extra => Err(Error::unsupported_flags(extra, function)),
        }
    }
    pub fn no_name() -> Error {
        Error::new(ErrorCode::NoName, "missing name information")
    }
    /// A failed system call on `what`: `<what>: <strerror>`, as libvirt prints it.
    pub fn system(what: impl fmt::Display, err: &std::io::Error) -> Error {
        Error::new(ErrorCode::SystemError, format!("{what}: {}", strerror(err)))
    }
    /// An I/O error that may carry a driver's error (a stream's, from the daemon): that
    /// error as it is, else a failed system call on `what`.
    pub fn of_io(what: impl fmt::Display, err: &std::io::Error) -> Error {
        match err.get_ref().and_then(|e| e.downcast_ref::<Error>()) {
            Some(inner) => inner.clone(),
            None => Error::system(what, err),
        }
    }
}

/// A definition that does not parse, as libvirt reports it.
impl From<ModelError> for Error {
    fn from(e: ModelError) -> Error {
        match e {
            ModelError::Malformed(m) => Error::xml_detail(m),
            ModelError::Detail(d) => Error::xml_detail(d),
            ModelError::NoName => Error::no_name(),
            ModelError::Unsupported(what) => Error::unsupported(what),
            ModelError::Internal(what) => Error::internal(what),
            ModelError::NoTarget(dev) => Error::new(
                ErrorCode::NoTarget,
                format!("missing target information for device {dev}"),
            ),
            ModelError::Schema { schema, detail } => Error::new(
                ErrorCode::XmlInvalidSchema,
                format!(
                    "XML document failed to validate against schema: Unable to validate doc against {}/{schema}\n{detail}\n",
                    crate::model::SCHEMAS
                ),
            ),
            ModelError::Scale(e) => Error::scale(&e).unwrap_or_else(|| Error::xml(e)),
            other => Error::xml(other),
        }
    }
}
