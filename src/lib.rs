//! virtsh: a virsh-compatible virtualization shell.
//!
//! Data flow: argv or a line -> [`shell::tokenizer`] -> the command language's parser
//! (`virtsh_commands::parse`) -> [`exec`] calls the [`driver::Hypervisor`] chosen by the URI
//! ([`connect`]) -> a typed [`render::Outcome`] -> [`render`] -> [`console`].

pub mod app;
pub mod cli;
pub mod connect;
pub mod console;
pub mod driver;
pub mod exec;
pub mod log;
pub mod model;
pub mod render;
pub mod rpc;
pub mod shell;
pub mod state;
pub mod uri;

/// The libvirt release whose virsh virtsh follows: `version` and `-v` report it, as scripts
/// that check the library version expect.
pub const LIBVIRT_VERSION: &str = "11.3.0";
