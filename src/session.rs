//! A session: the global options, the connection (opened on first use, reopened when lost),
//! the output sink and the terminal. Commands run against it.

use std::rc::Rc;

use virtsh_commands::parse::Invocation;

use crate::commands::{self, CmdError};
use crate::connect;
use crate::debug;
use crate::driver::remote::Keepalive;
use crate::driver::Connection;
use crate::log::Level;
use crate::output::Output;
use crate::render::Outcome;
use crate::shell::completion::{self, EmptyWord};
use crate::terminal::{Terminal, Tty};

/// virsh's global options that shape how commands run and print.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub quiet: bool,
    pub timing: bool,
    pub readonly: bool,
    pub json: bool,
    pub debug: Option<u8>,
    pub escape: Option<String>,
    pub keepalive_interval: Option<u32>,
    pub keepalive_count: Option<u32>,
    pub log_file: Option<String>,
}

impl Options {
    pub fn keepalive(&self) -> Keepalive {
        Keepalive {
            interval: self.keepalive_interval.unwrap_or(5),
            count: self.keepalive_count.unwrap_or(6),
        }
    }
}

/// What ran and what it gives back: its outcome, whether the shell should leave, and notices
/// to print first (virsh's `Disconnected from ... due to ...`, `Reconnected to the
/// hypervisor`).
pub struct Ran {
    pub outcome: Result<Outcome, CmdError>,
    pub quit: bool,
    pub notices: Vec<String>,
}

pub struct Session {
    pub opts: Options,
    /// The URI to (re)connect to; `None` is the embedded default.
    pub uri: Option<String>,
    conn: Option<Rc<Connection>>,
    pub out: Output,
    pub term: Box<dyn Terminal>,
    /// Set by `quit` and `exit`.
    pub quit: bool,
    /// Whether the loss of the connection was said already (an event loop says it when
    /// it happens, as virsh's close callback does).
    lost_told: bool,
}

impl Session {
    pub fn new(opts: Options, uri: Option<String>) -> Session {
        Session {
            out: Output::new(opts.json),
            opts,
            uri,
            conn: None,
            term: Box::new(Tty),
            quit: false,
            lost_told: false,
        }
    }

    /// Opens the connection now (virsh connects at start-up when a URI was given).
    pub fn connect(&mut self) -> Result<(), CmdError> {
        let conn = connect::open(
            self.uri.as_deref(),
            self.opts.readonly,
            self.opts.keepalive(),
        )
        .map_err(|cause| CmdError::failed("failed to connect to the hypervisor", cause))?;
        if self.opts.keepalive_interval != Some(0) && !conn.supports_keepalive() {
            debug!(Level::Info, "Failed to setup keepalive on connection");
        }
        self.conn = Some(Rc::new(conn));
        Ok(())
    }

    /// The connection, opened now if it is not yet. (Shared, so that a command can use the
    /// session's output and terminal while it holds the connection.)
    pub fn conn(&mut self) -> Result<Rc<Connection>, CmdError> {
        if self.conn.is_none() {
            self.connect()?;
        }
        Ok(self.conn.clone().expect("connected above"))
    }

    /// Drops the connection (`connect` opens another).
    pub fn disconnect(&mut self) {
        self.conn = None;
    }

    /// Runs one parsed command.
    pub fn run(&mut self, invocation: &Invocation) -> Ran {
        let notices = self.reconnect_if_lost();
        let outcome = match &invocation.request {
            Ok(request) => commands::run(request, self),
            Err(e) => Err(CmdError::Value(e.clone())),
        };
        Ran {
            outcome,
            quit: std::mem::take(&mut self.quit),
            notices,
        }
    }

    /// A lost connection is opened again before the next command, as virsh does; virsh
    /// tells of the loss when it happens, virtsh (with no event loop) here.
    fn reconnect_if_lost(&mut self) -> Vec<String> {
        let Some(lost) = self.conn.as_ref().and_then(|c| c.lost()) else {
            return Vec::new();
        };
        self.conn = None;
        let again = match self.connect() {
            Ok(()) => "Reconnected to the hypervisor",
            Err(_) => "Failed to reconnect to the hypervisor",
        };
        let mut notices = Vec::new();
        if !std::mem::take(&mut self.lost_told) {
            notices.push(lost);
        }
        notices.push(again.to_string());
        notices
    }

    /// Says now that the connection is lost (`notice`); the next command then only says
    /// that it reconnected.
    pub fn tell_lost(&mut self, notice: &str) {
        self.out.fatal(notice);
        self.lost_told = true;
    }

    /// The options and URI a second connection needs when this one is remote, so that
    /// completion can list names without holding the prompt on a slow link.
    pub fn remote_target(&self) -> Option<(Options, Option<String>)> {
        self.conn
            .as_ref()
            .filter(|c| c.is_remote())
            .map(|_| (self.opts.clone(), self.uri.clone()))
    }

    /// The candidates the interactive shell offers for `words`.
    pub fn candidates(&mut self, words: &[String]) -> Vec<String> {
        let conn = self.conn().ok();
        completion::complete(words, conn.as_deref(), EmptyWord::ValuesThenOptions)
    }
}
