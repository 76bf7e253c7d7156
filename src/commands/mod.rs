//! Running commands: one file per command, `GROUP/COMMAND.rs`, implements [`Run`] for the
//! command's request (defined in the `virtsh-commands` crate): it looks up what it names,
//! calls the driver, and builds its typed result with its text and JSON. The dispatch below
//! is generated from the one registry, `virtsh_commands::with_commands!`.

pub(crate) mod common;
mod edit;
mod error;
mod interfaces;
mod listen;
pub(crate) mod lookup;
mod pool_as;
mod transfer;

pub use error::CmdError;

use virtsh_commands::Request;

use crate::render::Outcome;
use crate::session::Session;

/// What a command does.
pub trait Run {
    fn run(&self, session: &mut Session) -> Result<Outcome, CmdError>;
}

macro_rules! dispatch {
    ($($group:ident $module:ident { $($ty:ident $file:ident,)* })*) => {
        $(mod $module { $(mod $file;)* })*

        /// Runs a request: the [`Run`] of its command.
        pub fn run(request: &Request, session: &mut Session) -> Result<Outcome, CmdError> {
            match request {
                $($(Request::$ty(r) => Run::run(r, session),)*)*
            }
        }
    };
}

virtsh_commands::with_commands!(dispatch);

/// What a command's file needs in scope.
mod prelude {
    pub(crate) use virtsh_commands::Spec;

    pub(crate) use super::common::*;
    pub(crate) use super::lookup::{self, By};
    pub(crate) use super::{CmdError, Run};
    pub(crate) use crate::error::{Error, ErrorCode};
    pub(crate) use crate::render::table::Table;
    pub(crate) use crate::render::{
        field, size, yes_no, Line, Listing, NamedText, Outcome, TextView, View,
    };
    pub(crate) use crate::session::Session;
    pub(crate) use crate::types::*;
}
