//! Running QEMU: launch it daemonized and wait until its monitor answers; stop it for good.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use super::cmdline::{read_pid, Paths};
use super::qmp::Qmp;
use crate::driver::Error;
use crate::state::pid_alive;

/// How long a starting QEMU may take to answer on its monitor.
const MONITOR_WAIT: Duration = Duration::from_secs(30);

/// Starts `emulator args` daemonized; returns QEMU's pid once its monitor answers.
pub fn launch(emulator: &Path, args: &[String], paths: &Paths) -> Result<u32, Error> {
    for stale in [&paths.pid, &paths.qmp, &paths.console] {
        let _ = std::fs::remove_file(stale);
    }
    let out = Command::new(emulator)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::system(format!("cannot run {}", emulator.display()), &e))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(Error::operation_failed(format!(
            "QEMU could not start: {}",
            stderr.trim().lines().last().unwrap_or("no message")
        )));
    }
    let pid = read_pid(&paths.pid)
        .ok_or_else(|| Error::internal(format!("QEMU wrote no pid file {}", paths.pid.display())))?;
    let mut qmp = Qmp::connect(&paths.qmp, MONITOR_WAIT).map_err(|e| {
        terminate(pid);
        Error::operation_failed(format!("QEMU's monitor did not answer: {e}"))
    })?;
    qmp.query_status().map_err(|e| {
        terminate(pid);
        Error::operation_failed(format!("QEMU's monitor did not answer: {e}"))
    })?;
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

/// Stops QEMU for good: `quit` over the monitor, then SIGTERM, then SIGKILL.
pub fn stop(pid: u32, qmp_path: &Path) {
    if !pid_alive(pid) {
        return;
    }
    if let Ok(mut qmp) = Qmp::connect(qmp_path, Duration::from_millis(200)) {
        let _ = qmp.quit();
        if wait_gone(pid, Duration::from_secs(3)) {
            return;
        }
    }
    terminate(pid);
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
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else { return false };
    let needle = format!("unix:{},server=on,wait=off", qmp_path.display());
    cmdline.split(|b| *b == 0).any(|arg| arg == needle.as_bytes())
}

/// CPU time QEMU used, in nanoseconds (user + system, from `/proc`).
pub fn cpu_time_ns(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0 };
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    // After the command name: state is field 3, utime 14 and stime 15 (1-based).
    let ticks: u64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum();
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .unwrap_or(100) as u64;
    ticks * 1_000_000_000 / hz.max(1)
}
