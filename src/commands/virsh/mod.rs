//! The shell itself: one file per command (the `Virsh` group of the registry).

mod cd;
mod complete;
mod connect;
mod echo;
mod exit;
mod help;
mod pwd;
mod quit;
