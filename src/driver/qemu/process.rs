//! Running QEMU: launch it and wait until its monitor answers; stop it for good.
//!
//! Each QEMU inherits an exclusive `flock` on the domain's launch file (`NAME.launch`) and holds
//! it for as long as it lives; the kernel drops it when the last QEMU process of the domain is
//! gone. So "the launch lock is held" is exactly "a QEMU of this domain exists, or is being
//! started", whatever crashed when: no pid file to trust, no pid that could be reused.
//!
//! Every wait on QEMU is bounded, and QEMU's output goes to the domain's log file (never to a
//! pipe that a child of the emulator could hold open): a QEMU that fails to start is reported
//! with what it wrote there.

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;

use super::cmdline::{read_pid, Paths};
use crate::error::Error;
use crate::state;
use crate::sys::pid_alive;

/// How long a starting QEMU may take to answer on its monitor.
const MONITOR_WAIT: Duration = Duration::from_secs(30);

/// How long stopping a QEMU may take before virtsh gives up.
const STOP_WAIT: Duration = Duration::from_secs(20);

/// How QEMU is run.
pub struct Launch<'a> {
    pub emulator: &'a Path,
    pub args: &'a [String],
    pub env: Vec<(OsString, OsString)>,
    /// QEMU stays a child of this process and dies with it (`--autodestroy`); else it
    /// detaches (`-daemonize` is among the arguments).
    pub tied: bool,
}

/// Starts QEMU; returns its pid once its monitor answers.
pub fn launch(how: Launch, paths: &Paths) -> Result<u32, Error> {
    let launch = state::try_lock(&paths.launch)
        .map_err(|e| Error::system(format!("cannot lock {}", paths.launch.display()), &e))?
        .ok_or_else(|| Error::operation_failed("a QEMU of this domain is still running"))?;
    for stale in paths.leftovers() {
        let _ = std::fs::remove_file(stale);
    }
    std::fs::write(&paths.caps, "{\"execute\": \"qmp_capabilities\"}\n")
        .map_err(|e| Error::system(format!("cannot write {}", paths.caps.display()), &e))?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&paths.log)
        .map_err(|e| Error::system(format!("cannot open {}", paths.log.display()), &e))?;
    let log_start = log.metadata().map_or(0, |m| m.len());
    let fd = launch.as_raw_fd();
    let tied = how.tied;
    let mut command = Command::new(how.emulator);
    command
        .args(how.args)
        .envs(how.env)
        .current_dir(&paths.dir)
        .stdin(Stdio::null())
        .stdout(
            log.try_clone()
                .map_err(|e| Error::system("cannot share the log", &e))?,
        )
        .stderr(log);
    // SAFETY: between fork and exec only fcntl and prctl run, which are async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            // Hand the launch lock to QEMU: clear close-on-exec on its descriptor.
            // SAFETY: the descriptor stays open in the parent for the whole spawn.
            let fd = std::os::fd::BorrowedFd::borrow_raw(fd);
            let flags = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFD)?;
            let flags =
                nix::fcntl::FdFlag::from_bits_truncate(flags) & !nix::fcntl::FdFlag::FD_CLOEXEC;
            nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETFD(flags))?;
            if tied {
                // QEMU is told to stop when the thread that started it (this process's main
                // thread) ends.
                nix::sys::prctl::set_pdeathsig(Signal::SIGTERM)?;
            }
            Ok(())
        });
    }
    let failed = |what: &str| QemuFailure {
        log: &paths.log,
        from: log_start,
        what: what.to_string(),
    };
    let mut child = command
        .spawn()
        .map_err(|e| Error::system(format!("cannot run {}", how.emulator.display()), &e))?;
    drop(launch);
    let started = Instant::now();
    if !tied {
        // The daemonizing parent exits once QEMU is set up.
        match wait_child(&mut child, MONITOR_WAIT) {
            Some(status) if status.success() => {}
            Some(_) => return Err(failed("process exited while connecting to monitor").error()),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed("QEMU did not finish starting in time").error());
            }
        }
    }
    let pid = loop {
        if let Some(pid) = read_pid(&paths.pid) {
            break pid;
        }
        if tied && matches!(child.try_wait(), Ok(Some(_))) {
            return Err(failed("process exited while connecting to monitor").error());
        }
        if started.elapsed() > MONITOR_WAIT {
            stop(paths)?;
            return Err(failed("QEMU wrote no pid file in time").error());
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let left = MONITOR_WAIT.saturating_sub(started.elapsed());
    let answered = paths.monitor(left).and_then(|mut q| q.query_status());
    if let Err(e) = answered {
        terminate(pid);
        return Err(failed(&format!("QEMU's monitor did not answer: {e}")).error());
    }
    if tied {
        // Reaped when it ends, so that no zombie lingers while this process lives.
        std::thread::spawn(move || child.wait());
    }
    Ok(pid)
}

/// Waits up to `limit` for `child` to exit.
fn wait_child(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(1)),
            _ => return None,
        }
    }
}

/// A start that failed, and where QEMU said why.
struct QemuFailure<'a> {
    log: &'a Path,
    from: u64,
    what: String,
}

impl QemuFailure<'_> {
    /// libvirt's error: what went wrong, then what QEMU wrote during this start.
    fn error(&self) -> Error {
        let mut said = String::new();
        if let Ok(mut f) = File::open(self.log) {
            let _ = f.seek(SeekFrom::Start(self.from));
            let _ = f.take(64 * 1024).read_to_string(&mut said);
        }
        let said = said.trim();
        if said.is_empty() {
            Error::internal(&self.what)
        } else {
            Error::internal(format!("{}: {said}", self.what))
        }
    }
}

/// Waits up to `limit` for `pid` to be gone.
fn wait_gone(pid: u32, limit: Duration) -> bool {
    let started = Instant::now();
    while pid_alive(pid) {
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

/// Whether a QEMU of the domain exists (or is being started).
pub fn running(paths: &Paths) -> bool {
    state::is_held(&paths.launch).unwrap_or(true)
}

/// How much of the end of the event file tells how the guest ended: the last events are
/// what counts, and a guest that floods its event file does not make every reader read it.
const EVENTS_TAIL: u64 = 1 << 20;

/// The last `len` bytes of `path`, from the first whole line in them.
fn tail(path: &Path, len: u64) -> Option<String> {
    let mut f = crate::sys::open_for_reading(path).ok()?;
    let size = f.metadata().ok()?.len();
    let from = size.saturating_sub(len);
    f.seek(SeekFrom::Start(from)).ok()?;
    let mut bytes = Vec::new();
    f.take(len).read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Some(match (from, text.find('\n')) {
        (0, _) | (_, None) => text,
        (_, Some(nl)) => text[nl + 1..].to_string(),
    })
}

/// Whether the guest powered itself off (a `SHUTDOWN` event from the guest in the event
/// file, not followed by a reset that rebooted it), which is why its QEMU exited.
pub fn guest_shut_down(paths: &Paths) -> bool {
    let Some(events) = tail(&paths.events, EVENTS_TAIL) else {
        return false;
    };
    let mut off = false;
    for line in events.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match v["event"].as_str() {
            Some("SHUTDOWN") => off = v["data"]["guest"] == true,
            Some("RESET" | "RESUME") => off = false,
            _ => {}
        }
    }
    off
}

/// The pid of the domain's QEMU: from its pid file, else found by its pid file's path in
/// `/proc` (a QEMU still initialising has not written the file yet).
fn find_pid(paths: &Paths) -> Option<u32> {
    if let Some(pid) = read_pid(&paths.pid).filter(|p| is_qemu_of(*p, paths)) {
        return Some(pid);
    }
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .find(|p| is_qemu_of(*p, paths))
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
                paths.qmp_path().display()
            )));
        }
        match find_pid(paths) {
            Some(pid) if !asked => {
                asked = true;
                if let Ok(mut qmp) = paths.monitor(Duration::from_millis(200)) {
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

/// Whether `pid` is the QEMU of the domain at `paths` (guards against a reused pid): its
/// command line names the domain's pid file, an absolute path.
pub fn is_qemu_of(pid: u32, paths: &Paths) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let pidfile = paths.pid.as_os_str().as_encoded_bytes();
    cmdline
        .split(|b| *b == 0)
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| w[0] == b"-pidfile" && w[1] == pidfile)
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
