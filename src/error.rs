//! The driver error: libvirt's error code and the full message text, as libvirt formats it
//! (`operation failed: ...`, `Requested operation is not valid: ...`). Keeping the formatted
//! text lets an error that crossed the wire from a daemon print exactly as the daemon wrote it.

use std::fmt;

use crate::model::ModelError;
use crate::sys::strerror;

/// libvirt's `virErrorNumber` values that virtsh raises or decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum ErrorCode {
    InternalError = 1,
    NoSupport = 3,
    NoConnect = 5,
    InvalidConn = 6,
    InvalidArg = 8,
    OperationFailed = 9,
    NoName = 21,
    XmlError = 27,
    OperationDenied = 29,
    XmlDetail = 35,
    SystemError = 38,
    Rpc = 39,
    NoDomain = 42,
    AuthFailed = 45,
    NoStoragePool = 49,
    NoStorageVol = 50,
    OperationInvalid = 55,
    ConfigUnsupported = 67,
    OperationTimeout = 68,
    ArgumentUnsupported = 74,
    StoragePoolBuilt = 76,
    NoDomainMetadata = 80,
    OperationUnsupported = 84,
    ResourceBusy = 87,
    StorageVolExist = 90,
}

impl ErrorCode {
    /// The code of a number a daemon sent; codes virtsh does not name read as internal errors
    /// (the daemon's message text is kept either way).
    pub fn from_code(code: i32) -> ErrorCode {
        use ErrorCode::*;
        [
            InternalError,
            NoSupport,
            NoConnect,
            InvalidConn,
            InvalidArg,
            OperationFailed,
            NoName,
            XmlError,
            OperationDenied,
            XmlDetail,
            SystemError,
            Rpc,
            NoDomain,
            AuthFailed,
            NoStoragePool,
            NoStorageVol,
            OperationInvalid,
            ConfigUnsupported,
            OperationTimeout,
            ArgumentUnsupported,
            StoragePoolBuilt,
            NoDomainMetadata,
            OperationUnsupported,
            ResourceBusy,
            StorageVolExist,
        ]
        .into_iter()
        .find(|c| *c as i32 == code)
        .unwrap_or(InternalError)
    }

    /// The stable snake_case name used in `--json` errors.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::InternalError => "internal_error",
            ErrorCode::NoSupport => "no_support",
            ErrorCode::NoConnect => "no_connect",
            ErrorCode::InvalidConn => "invalid_conn",
            ErrorCode::AuthFailed => "auth_failed",
            ErrorCode::OperationTimeout => "operation_timeout",
            ErrorCode::ArgumentUnsupported => "argument_unsupported",
            ErrorCode::NoDomainMetadata => "no_domain_metadata",
            ErrorCode::OperationUnsupported => "operation_unsupported",
            ErrorCode::ResourceBusy => "resource_busy",
            ErrorCode::InvalidArg => "invalid_arg",
            ErrorCode::OperationFailed => "operation_failed",
            ErrorCode::NoName => "no_name",
            ErrorCode::XmlError => "xml_error",
            ErrorCode::OperationDenied => "operation_denied",
            ErrorCode::XmlDetail => "xml_detail",
            ErrorCode::SystemError => "system_error",
            ErrorCode::Rpc => "rpc",
            ErrorCode::NoDomain => "no_domain",
            ErrorCode::NoStoragePool => "no_storage_pool",
            ErrorCode::NoStorageVol => "no_storage_vol",
            ErrorCode::OperationInvalid => "operation_invalid",
            ErrorCode::ConfigUnsupported => "config_unsupported",
            ErrorCode::StoragePoolBuilt => "storage_pool_built",
            ErrorCode::StorageVolExist => "storage_vol_exist",
        }
    }
}

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
    pub fn no_pool(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::NoStoragePool,
            format!("Storage pool not found: {detail}"),
        )
    }
    pub fn no_vol(detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::NoStorageVol,
            format!("Storage volume not found: {detail}"),
        )
    }
    pub fn no_name() -> Error {
        Error::new(ErrorCode::NoName, "missing name information")
    }
    /// A failed system call on `what`: `<what>: <strerror>`, as libvirt prints it.
    pub fn system(what: impl fmt::Display, err: &std::io::Error) -> Error {
        Error::new(ErrorCode::SystemError, format!("{what}: {}", strerror(err)))
    }
}

/// A definition that does not parse, as libvirt reports it.
impl From<ModelError> for Error {
    fn from(e: ModelError) -> Error {
        match e {
            ModelError::Malformed(m) => Error::xml_detail(m),
            ModelError::NoName => Error::no_name(),
            ModelError::Unsupported(what) => Error::unsupported(what),
            other => Error::xml(other),
        }
    }
}
