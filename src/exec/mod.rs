//! Running requests: a [`Session`] holds the global options and the connection, turns each
//! parsed command into its typed request and calls the driver; one module per command group.

mod console;
mod domain;
mod edit;
mod error;
mod host;
mod lookup;
mod pool;
mod shell;
mod stats;
mod volume;

pub use error::CmdError;

use virtsh_commands::parse::Invocation;
use virtsh_commands::{needs_connection, Request};

use crate::connect;
use crate::debug;
use crate::driver::remote::Keepalive;
use crate::driver::Hypervisor;
use crate::log::Level;
use crate::render::Outcome;
use crate::shell::completion::{self, EmptyWord};

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

/// What ran and what it gives back: its outcome, whether the shell should leave, and a notice
/// to print first (virsh's `Reconnected to the hypervisor`).
pub struct Ran {
    pub outcome: Result<Outcome, CmdError>,
    pub quit: bool,
    pub notice: Option<&'static str>,
}

pub struct Session {
    pub opts: Options,
    /// The URI to (re)connect to; `None` is the embedded default.
    uri: Option<String>,
    conn: Option<Box<dyn Hypervisor>>,
}

impl Session {
    pub fn new(opts: Options, uri: Option<String>) -> Session {
        Session {
            opts,
            uri,
            conn: None,
        }
    }

    /// Opens the connection now (virsh connects at start-up when a URI was given).
    pub fn connect(&mut self) -> Result<(), CmdError> {
        let keepalive = Keepalive {
            interval: self.opts.keepalive_interval.unwrap_or(5),
            count: self.opts.keepalive_count.unwrap_or(6),
        };
        let conn = connect::open(self.uri.as_deref(), self.opts.readonly, keepalive)
            .map_err(|cause| CmdError::failed("failed to connect to the hypervisor", cause))?;
        if self.opts.keepalive_interval != Some(0) && !conn.supports_keepalive() {
            debug!(Level::Info, "Failed to setup keepalive on connection");
        }
        self.conn = Some(conn);
        Ok(())
    }

    fn conn(&mut self) -> Result<&dyn Hypervisor, CmdError> {
        if self.conn.is_none() {
            self.connect()?;
        }
        Ok(self.conn.as_deref().expect("connected above"))
    }

    /// Runs one parsed command.
    pub fn run(&mut self, invocation: &Invocation) -> Ran {
        let request = match invocation.to_request() {
            Ok(r) => r,
            Err(e) => {
                return Ran {
                    outcome: Err(CmdError::Value(e)),
                    quit: false,
                    notice: None,
                }
            }
        };
        let quit = matches!(request, Request::Quit(_) | Request::Exit(_));
        let notice = self.reconnect_if_lost();
        let outcome = self.dispatch(&request);
        Ran {
            outcome,
            quit,
            notice,
        }
    }

    /// A lost connection is opened again before the next command, as virsh does.
    fn reconnect_if_lost(&mut self) -> Option<&'static str> {
        if self.conn.as_ref().is_none_or(|c| c.is_alive()) {
            return None;
        }
        self.conn = None;
        Some(match self.connect() {
            Ok(()) => "Reconnected to the hypervisor",
            Err(_) => "Failed to reconnect to the hypervisor",
        })
    }

    fn dispatch(&mut self, request: &Request) -> Result<Outcome, CmdError> {
        if !needs_connection(request) {
            return match request {
                Request::Connect(c) => self.reconnect(c),
                Request::Complete(c) => self.complete(&c.string),
                other => shell::run(other),
            };
        }
        let escape = self.opts.escape.clone().unwrap_or_else(|| "^]".into());
        let conn = self.conn()?;
        use Request as R;
        match request {
            R::Uri(_) | R::Hostname(_) | R::Version(_) | R::Nodeinfo(_) | R::Capabilities(_) => {
                host::run(conn, request)
            }
            R::PoolAutostart(_)
            | R::PoolBuild(_)
            | R::PoolCreateAs(_)
            | R::PoolCreate(_)
            | R::PoolDefineAs(_)
            | R::PoolDefine(_)
            | R::PoolDelete(_)
            | R::PoolDestroy(_)
            | R::PoolDumpxml(_)
            | R::PoolEdit(_)
            | R::PoolInfo(_)
            | R::PoolList(_)
            | R::PoolName(_)
            | R::PoolRefresh(_)
            | R::PoolStart(_)
            | R::PoolUndefine(_)
            | R::PoolUuid(_) => pool::run(conn, request),
            R::VolClone(_)
            | R::VolCreateAs(_)
            | R::VolCreate(_)
            | R::VolDelete(_)
            | R::VolDumpxml(_)
            | R::VolInfo(_)
            | R::VolKey(_)
            | R::VolList(_)
            | R::VolName(_)
            | R::VolPath(_)
            | R::VolResize(_)
            | R::VolWipe(_)
            | R::VolCreateFrom(_)
            | R::VolDownload(_)
            | R::VolUpload(_) => volume::run(conn, request),
            R::Domstats(d) => stats::domstats(conn, d),
            R::Console(c) => {
                console::check_terminal()?;
                domain::console(conn, c, &escape)
            }
            _ => domain::run(conn, request),
        }
    }

    /// Completion candidates for a partial command line, one per line (virsh's `complete`);
    /// object names come from the connection when there is one. No candidate at all fails
    /// without a message, as in virsh.
    pub fn complete(&mut self, words: &[String]) -> Result<Outcome, CmdError> {
        let conn = self.conn().ok();
        let candidates = completion::complete(words, conn, EmptyWord::Options);
        if candidates.is_empty() {
            return Err(CmdError::Silent);
        }
        Ok(Outcome::Text(
            candidates.iter().map(|c| format!("{c}\n")).collect(),
        ))
    }

    /// The options and URI a second connection needs when this one is remote, so that
    /// completion can list names without holding the prompt on a slow link.
    pub fn remote_target(&self) -> Option<(Options, Option<String>)> {
        self.conn
            .as_deref()
            .filter(|c| c.is_remote())
            .map(|_| (self.opts.clone(), self.uri.clone()))
    }

    /// The candidates the interactive shell offers for `words`.
    pub fn candidates(&mut self, words: &[String]) -> Vec<String> {
        let conn = self.conn().ok();
        completion::complete(words, conn, EmptyWord::ValuesThenOptions)
    }

    /// `connect [URI] [--readonly]`: on failure the session keeps its previous URI and
    /// reconnects to it before the next command.
    fn reconnect(&mut self, c: &virtsh_commands::shell::Connect) -> Result<Outcome, CmdError> {
        self.conn = None;
        if c.readonly {
            self.opts.readonly = true;
        }
        let previous = self.uri.clone();
        if let Some(name) = &c.name {
            self.uri = Some(name.clone());
        }
        if let Err(e) = self.connect() {
            self.uri = previous;
            return Err(e);
        }
        Ok(Outcome::Nothing)
    }
}
