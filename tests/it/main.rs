//! The integration tests, one binary (each file a module; see the README's test command):
//! one link of the engine with ssh2 and OpenSSL instead of one per file. The golden suite is
//! a binary of its own (`tests/golden.rs`, one test per case).

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod crash;
mod embedded;
mod every_command;
mod generated;
mod hostile;
mod interop;
mod launch;
mod linux_guest;
mod moments;
mod moments_crash;
mod networks;
mod networks_guarded;
mod power;
mod qemu_moments;
mod qemu_saves;
mod qemu_xml;
mod races;
mod readers;
mod remote;
mod repl;
mod saves;
mod saves_crash;
mod ssh;
mod ssh_config;
mod ssh_warm;
mod storage;
mod streams;
mod transports;
