//! Rebooting through the guest, as libvirt does: `reboot` presses the ACPI power button with
//! QEMU told to pause (not exit) when the guest powers off; a watcher process then resets the
//! machine and lets it run again. libvirt's daemon does this on QEMU's `SHUTDOWN` event; with
//! no daemon, `reboot` leaves a small process behind that waits for that event on a monitor of
//! its own (QEMU's `NAME.watch` socket), so that the other monitor stays free for commands.
//!
//! The status file is where they meet: `reboot='1'` while a reboot is pending. `shutdown`
//! and `destroy` clear it (and let QEMU exit on power-off again), and the watcher acts only
//! while it is set, for the QEMU it was started for, under the domain's lock.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::cmdline::Paths;
use super::qmp::Qmp;
use super::store::Store;
use crate::error::Error;
use crate::model::Name;
use crate::types::{RunningReason, State};

/// The environment variable that makes the virtsh binary a reboot watcher.
const WATCH_ENV: &str = "VIRTSH_REBOOT_WATCH";

/// Starts the watcher for the domain `name` of `root`, whose QEMU is `pid`.
pub fn spawn_watcher(root: &Path, name: &Name, pid: u32) -> Result<(), Error> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::system("cannot find the virtsh program for the reboot", &e))?;
    let mut command = Command::new(exe);
    command
        .env(WATCH_ENV, "1")
        .arg(root)
        .arg(name.as_str())
        .arg(pid.to_string());
    crate::sys::spawn_detached(&mut command)
        .map_err(|e| Error::system("cannot start the reboot watcher", &e))?;
    Ok(())
}

/// When this process was started as a reboot watcher: does the watching and returns the exit
/// status.
pub fn run_if_watcher(args: &[OsString]) -> Option<i32> {
    std::env::var_os(WATCH_ENV)?;
    // Started as a watcher, it never runs as virtsh, whatever its arguments.
    let [root, name, pid] = args else {
        return Some(2);
    };
    let name = Name::new(&name.to_string_lossy()).ok();
    let pid = pid.to_str().and_then(|p| p.parse().ok());
    let (Some(name), Some(pid)) = (name, pid) else {
        return Some(2);
    };
    Some(match watch(Path::new(root), &name, pid) {
        Ok(()) => 0,
        Err(_) => 1,
    })
}

/// Waits for the guest to power off, then resets and resumes it, unless the reboot was
/// called off; returns when QEMU is gone or the reboot is done.
fn watch(root: &Path, name: &Name, pid: u32) -> Result<(), Error> {
    let store = Store::open(root)?;
    let paths = Paths::new(&store.run_dir(), name);
    let mut qmp = Qmp::connect(&paths.dir, &paths.watch, Duration::from_secs(5))
        .map_err(|e| Error::operation_failed(e.to_string()))?;
    // A guest that powered off before this monitor was reached is already waiting.
    let waiting = qmp.query_status().is_ok_and(|s| s.status == "shutdown");
    if !waiting {
        loop {
            match qmp.next_event() {
                Ok(e) if is_guest_power_off(&e) => break,
                Ok(_) => continue,
                // QEMU is gone: nothing to reboot.
                Err(_) => return Ok(()),
            }
        }
    }
    let _lock = store.lock(name)?;
    let Some(mut status) = store.read_status(name)? else {
        return Ok(());
    };
    if !status.brief.rebooting || status.brief.pid != Some(pid) {
        return Ok(());
    }
    let failed = |e: super::qmp::QmpError| Error::operation_failed(e.to_string());
    qmp.system_reset().map_err(failed)?;
    qmp.on_shutdown("poweroff").map_err(failed)?;
    qmp.cont().map_err(failed)?;
    status.brief.rebooting = false;
    status.brief.state = State::Running(RunningReason::Booted);
    store.write_status(name, &status)?;
    Ok(())
}

fn is_guest_power_off(event: &Value) -> bool {
    event["event"] == "SHUTDOWN" && event["data"]["guest"] == true
}
