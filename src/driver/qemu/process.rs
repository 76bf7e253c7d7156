//! Running QEMU: launch it daemonized and wait until its monitor answers; stop it for good.
//!
//! Each QEMU inherits an exclusive `flock` on the domain's launch file (`NAME.launch`) and holds
//! it for as long as it lives; the kernel drops it when the last QEMU process of the domain is
//! gone. So "the launch lock is held" is exactly "a QEMU of this domain exists, or is being
//! started", whatever crashed when: no pid file to trust, no pid that could be reused.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;

use super::cmdline::{read_pid, Paths};
use super::qmp::Qmp;
use crate::error::Error;
use crate::state;
use crate::sys::pid_alive;

/// How long a starting QEMU may take to answer on its monitor.
const MONITOR_WAIT: Duration = Duration::from_secs(30);

/// How long stopping a QEMU may take before virtsh gives up.
const STOP_WAIT: Duration = Duration::from_secs(20);

/// Starts `emulator args` daemonized; returns QEMU's pid once its monitor answers.
pub fn launch(emulator: &Path, args: &[String], paths: &Paths) -> Result<u32, Error> {
    let launch = state::try_lock(&paths.launch)
        .map_err(|e| Error::system(format!("cannot lock {}", paths.launch.display()), &e))?
        .ok_or_else(|| Error::operation_failed("a QEMU of this domain is still running"))?;
    for stale in [&paths.pid, &paths.qmp, &paths.console, &paths.events] {
        let _ = std::fs::remove_file(stale);
    }
    std::fs::write(&paths.caps, "{\"execute\": \"qmp_capabilities\"}\n")
        .map_err(|e| Error::system(format!("cannot write {}", paths.caps.display()), &e))?;
    let fd = launch.as_raw_fd();
    let mut command = Command::new(emulator);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec only fcntl runs, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            // Hand the launch lock to QEMU: clear close-on-exec on its descriptor.
            // SAFETY: the descriptor stays open in the parent for the whole spawn.
            let fd = std::os::fd::BorrowedFd::borrow_raw(fd);
            let flags = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFD)?;
            let flags =
                nix::fcntl::FdFlag::from_bits_truncate(flags) & !nix::fcntl::FdFlag::FD_CLOEXEC;
            nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETFD(flags))?;
            Ok(())
        });
    }
    let out = command
        .output()
        .map_err(|e| Error::system(format!("cannot run {}", emulator.display()), &e))?;
    drop(launch);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(Error::operation_failed(format!(
            "QEMU could not start: {}",
            stderr.trim().lines().last().unwrap_or("no message")
        )));
    }
    let pid = read_pid(&paths.pid).ok_or_else(|| {
        Error::internal(format!("QEMU wrote no pid file {}", paths.pid.display()))
    })?;
    let answered = Qmp::connect(&paths.qmp, MONITOR_WAIT).and_then(|mut q| q.query_status());
    if let Err(e) = answered {
        terminate(pid);
        return Err(Error::operation_failed(format!(
            "QEMU's monitor did not answer: {e}"
        )));
    }
    Ok(pid)
}

/// Waits up to `limit` for `pid` to be gone.
fn wait_gone(pid: u32, limit: Duration) -> bool {
    let started = Instant::now();
    while pid_alive(pid) {
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    true
}

/// Whether a QEMU of the domain exists (or is being started).
pub fn running(paths: &Paths) -> bool {
    state::is_held(&paths.launch).unwrap_or(true)
}

/// Whether the guest powered itself off (a `SHUTDOWN` event from the guest in the event
/// file), which is why its QEMU exited.
pub fn guest_shut_down(paths: &Paths) -> bool {
    let Ok(events) = std::fs::read_to_string(&paths.events) else {
        return false;
    };
    events.lines().any(|line| {
        serde_json::from_str::<serde_json::Value>(line)
            .is_ok_and(|v| v["event"] == "SHUTDOWN" && v["data"]["guest"] == true)
    })
}

/// The pid of the domain's QEMU: from its pid file, else found by its monitor path in `/proc`
/// (a QEMU still initialising has not written the file yet).
fn find_pid(paths: &Paths) -> Option<u32> {
    if let Some(pid) = read_pid(&paths.pid).filter(|p| is_qemu_of(*p, &paths.qmp)) {
        return Some(pid);
    }
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .find(|p| is_qemu_of(*p, &paths.qmp))
}

/// Stops the domain's QEMU for good (`quit` over the monitor, then SIGTERM, then SIGKILL) and
/// waits until none is left.
pub fn stop(paths: &Paths) -> Result<(), Error> {
    let started = Instant::now();
    let mut asked = false;
    while running(paths) {
        if started.elapsed() > STOP_WAIT {
            return Err(Error::operation_failed(format!(
                "QEMU did not stop; its monitor is {}",
                paths.qmp.display()
            )));
        }
        match find_pid(paths) {
            Some(pid) if !asked => {
                asked = true;
                if let Ok(mut qmp) = Qmp::connect(&paths.qmp, Duration::from_millis(200)) {
                    let _ = qmp.quit();
                    if wait_gone(pid, Duration::from_secs(3)) {
                        continue;
                    }
                }
                terminate(pid);
            }
            Some(pid) => terminate(pid),
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    Ok(())
}

/// SIGTERM, then SIGKILL if QEMU lingers.
pub fn terminate(pid: u32) {
    let target = Pid::from_raw(pid as i32);
    let _ = kill(target, Signal::SIGTERM);
    if !wait_gone(pid, Duration::from_secs(3)) {
        let _ = kill(target, Signal::SIGKILL);
        wait_gone(pid, Duration::from_secs(5));
    }
}

/// Whether `pid` is a QEMU whose monitor is `qmp_path` (guards against a reused pid).
pub fn is_qemu_of(pid: u32, qmp_path: &Path) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let needle = format!("unix:{},server=on,wait=off", qmp_path.display());
    cmdline
        .split(|b| *b == 0)
        .any(|arg| arg == needle.as_bytes())
}

/// CPU time QEMU used, in nanoseconds (user + system, from `/proc`).
pub fn cpu_time_ns(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    // After the command name: state is field 3, utime 14 and stime 15 (1-based).
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .unwrap_or(100) as u64;
    ticks * 1_000_000_000 / hz.max(1)
}
