//! virtsh: a virsh-compatible virtualization shell.
//!
//! Data flow: argv or a line -> [`shell::tokenizer`] -> the command language's parser
//! (`virtsh_commands::parse`) -> [`commands`] (one file per command) calls the driver API
//! ([`driver`]) on the connection the URI chose ([`connect`]) -> a typed [`render::Outcome`]
//! -> [`output`], as virsh's text or as JSON.

pub mod app;
pub use virtsh_commands::bytes;
pub mod cli;
pub mod client_conf;
pub mod commands;
pub mod connect;
pub mod deadline;
pub mod driver;
pub mod error;
pub mod log;
pub mod model;
pub mod output;
pub mod render;
pub mod roles;
pub mod rpc;
pub mod rules;
pub mod session;
pub mod shell;
pub mod state;
pub mod sys;
pub mod terminal;
pub mod types;
pub mod uri;

/// The libvirt release whose virsh virtsh follows: `version` and `-v` report it, as scripts
/// that check the library version expect.
pub const LIBVIRT_VERSION: &str = "11.3.0";
