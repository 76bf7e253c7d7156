//! A failed command: the `error:` lines virsh prints for it.

use virtsh_commands::parse::ValueError;

use crate::error::Error;
use crate::render::Failure;

#[derive(Debug, Clone, PartialEq)]
pub enum CmdError {
    /// virsh's own message, one line.
    Message(String),
    /// virsh's own messages, one line each (a reason, then what failed).
    Messages(Vec<String>),
    /// virsh's context line, then the driver's error.
    Failed { context: String, cause: Error },
    /// The driver's error alone.
    Driver(Error),
    /// virsh's own message for a driver's error it does not print (a failed lookup): the
    /// error's code still says what failed, in `--json`.
    Masked { message: String, cause: Error },
    /// A value the command cannot take.
    Value(ValueError),
    /// A failure virsh reports with its exit status alone (`complete` with no match).
    Silent,
    /// A failure after output (an event loop that timed out): the output, then the error
    /// that came with it, if any.
    Output {
        text: Vec<u8>,
        then: Option<Box<CmdError>>,
    },
}

impl CmdError {
    pub fn failed(context: impl Into<String>, cause: Error) -> CmdError {
        CmdError::Failed {
            context: context.into(),
            cause,
        }
    }

    /// Fails with `text` printed first, and then `error` when there is one.
    pub fn after_output(text: Vec<u8>, error: Option<CmdError>) -> CmdError {
        CmdError::Output {
            text,
            then: error.map(Box::new),
        }
    }

    /// virsh's reason, then its line for what failed (`No interface ...`, `Failed to ...`).
    pub fn failed_message(reason: String, failed: &str) -> CmdError {
        CmdError::Messages(vec![reason, failed.to_string()])
    }

    pub fn message(text: impl Into<String>) -> CmdError {
        CmdError::Message(text.into())
    }

    /// The failure as it is printed.
    pub fn failure(&self) -> Failure {
        let before = match self {
            CmdError::Output { text, .. } => text.clone(),
            _ => Vec::new(),
        };
        Failure {
            before,
            lines: self.lines(),
            code: self.code(),
        }
    }

    /// The lines to print after `error: `.
    pub fn lines(&self) -> Vec<String> {
        match self {
            CmdError::Message(m) => vec![m.clone()],
            CmdError::Messages(m) => m.clone(),
            CmdError::Failed { context, cause } => vec![context.clone(), cause.to_string()],
            CmdError::Driver(e) => vec![e.to_string()],
            CmdError::Masked { message, .. } => vec![message.clone()],
            CmdError::Value(v) => vec![v.to_string()],
            CmdError::Silent => Vec::new(),
            CmdError::Output { then, .. } => then.as_ref().map(|e| e.lines()).unwrap_or_default(),
        }
    }

    /// The stable code of `--json` errors: libvirt's error name, or `virsh` for virsh's own.
    pub fn code(&self) -> &'static str {
        match self {
            CmdError::Failed { cause, .. }
            | CmdError::Driver(cause)
            | CmdError::Masked { cause, .. } => cause.code.text(),
            CmdError::Output { then: Some(e), .. } => e.code(),
            CmdError::Message(_)
            | CmdError::Messages(_)
            | CmdError::Value(_)
            | CmdError::Silent
            | CmdError::Output { .. } => "virsh",
        }
    }
}

impl From<Error> for CmdError {
    fn from(e: Error) -> CmdError {
        CmdError::Driver(e)
    }
}
