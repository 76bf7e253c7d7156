//! The roles this binary plays besides virtsh, each a small process that must outlive the
//! command that started it, chosen by its environment before any argument is parsed:
//!
//! - a network's dnsmasq keeper (`VIRTSH_NETWORK_KEEPER`): holds the network's launch lock
//!   and runs dnsmasq in the foreground for as long as the network is active
//!   (`driver::network::dnsmasq`);
//! - a domain's reboot watcher: waits on a second monitor for the guest's power-off, resets
//!   the machine and lets it run (`driver::qemu::reboot`);
//! - a warm ssh connection's keeper: holds the ssh session and a spare channel to the remote
//!   daemon for the next one-shot command (`driver::remote::keeper`).

use std::ffi::OsString;

/// When this process was started in one of the roles: plays it and returns its exit status.
pub fn run_if_helper(args: &[OsString]) -> Option<i32> {
    crate::driver::network::dnsmasq::run_if_keeper(args)
        .or_else(|| crate::driver::qemu::reboot::run_if_watcher(args))
        .or_else(|| crate::driver::remote::keeper::run_if_keeper(args))
}
