//! Small facts from the operating system, in the words libvirt uses for them.

/// The C library's text for an I/O error, without Rust's " (os error N)" suffix.
pub fn strerror(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The most virsh reads of an XML file it is given (virsh's `VSH_MAX_XML_FILE`).
pub const XML_FILE_MAX: usize = 10 * 1024 * 1024;

/// Reads `path`, at most `cap` bytes of it, as libvirt's `virFileReadAll` does: more is
/// `EOVERFLOW` ("Value too large for defined data type").
pub fn read_capped(path: &std::path::Path, cap: usize) -> std::io::Result<Vec<u8>> {
    read_all_capped(open_for_reading(path)?, cap)
}

/// Opens `path` for reading without waiting for a writer, so that a FIFO nobody writes to
/// reads as empty instead of blocking forever; reads block again once it is open (a writer
/// that has the FIFO open is waited for, as a pipe is).
pub fn open_for_reading(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    let flags = nix::fcntl::fcntl(&file, nix::fcntl::FcntlArg::F_GETFL)?;
    let flags = nix::fcntl::OFlag::from_bits_truncate(flags) & !nix::fcntl::OFlag::O_NONBLOCK;
    nix::fcntl::fcntl(&file, nix::fcntl::FcntlArg::F_SETFL(flags))?;
    Ok(file)
}

/// All of `file`, at most `cap` bytes (more is `EOVERFLOW`).
pub fn read_all_capped(file: std::fs::File, cap: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    file.take(cap as u64 + 1).read_to_end(&mut out)?;
    if out.len() > cap {
        return Err(std::io::Error::from_raw_os_error(libc::EOVERFLOW));
    }
    Ok(out)
}

/// How a child ended, in libvirt's words after "unexpected" (`virProcessTranslateStatus`):
/// `exit status N` or `fatal signal N`.
pub fn exit_words(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("fatal signal {signal}"),
        (None, None) => "exit status -1".to_string(),
    }
}

/// Whether process `pid` exists (and is not a zombie).
pub fn pid_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            // The state letter follows the parenthesised command name.
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|s| s.trim_start().chars().next());
            !matches!(state, Some('Z' | 'X') | None)
        }
        Err(_) => false,
    }
}

/// The host's name (`gethostname`).
pub fn hostname() -> std::io::Result<String> {
    Ok(std::fs::read_to_string("/proc/sys/kernel/hostname")?
        .trim()
        .to_string())
}

/// Connects to the Unix socket `name` in directory `dir`, however long `dir` is: through the
/// directory's descriptor, so the path given to the kernel stays short (a socket path must fit
/// in 108 bytes).
pub fn connect_unix_in(
    dir: &std::path::Path,
    name: &str,
) -> std::io::Result<std::os::unix::net::UnixStream> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let handle = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_PATH | nix::libc::O_DIRECTORY)
        .open(dir)?;
    let path = format!("/proc/self/fd/{}/{name}", handle.as_raw_fd());
    std::os::unix::net::UnixStream::connect(path)
}

/// Seconds since the epoch as the local time virsh prints (`%Y-%m-%d %H:%M:%S`).
pub fn local_time(secs: i64) -> String {
    match local_tm(secs) {
        Some(tm) => ymd_hms(&tm),
        None => secs.to_string(),
    }
}

/// Seconds since the epoch as local time with the zone's offset (`%Y-%m-%d %H:%M:%S %z`, as
/// the snapshot and checkpoint listings print a creation time).
pub fn local_time_zoned(secs: i64) -> String {
    let Some(tm) = local_tm(secs) else {
        return secs.to_string();
    };
    let offset = tm.tm_gmtoff / 60;
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    format!(
        "{} {sign}{:02}{:02}",
        ymd_hms(&tm),
        offset / 60,
        offset % 60
    )
}

fn local_tm(secs: i64) -> Option<libc::tm> {
    let t: libc::time_t = secs as libc::time_t;
    // SAFETY: `tm` is plain data that localtime_r fills; both pointers live for the call.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return None;
    }
    Some(tm)
}

fn ymd_hms(tm: &libc::tm) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

/// Now in UTC as virsh stamps events (`virTimeStringNowRaw`): `YYYY-MM-DD HH:MM:SS.mmm+0000`.
pub fn utc_timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let t: libc::time_t = now.as_secs() as libc::time_t;
    // SAFETY: `tm` is plain data that gmtime_r fills; both pointers live for the call.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    unsafe { libc::gmtime_r(&t, &mut tm) };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}+0000",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        now.subsec_millis()
    )
}

/// Starts `command` (a helper role of this binary) detached: its own session, no terminal,
/// stdio on /dev/null and no inherited descriptor, so that `out=$(virtsh ...)` and pipelines
/// are not held open by it. Reaped by a thread when it ends while this process lives.
pub fn spawn_detached(command: &mut std::process::Command) -> std::io::Result<()> {
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid and the close_range system call are async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            nix::unistd::setsid()?;
            // CLOSE_RANGE_CLOEXEC: whatever this process was given beyond stdio closes at
            // exec (std's own error pipe still reports a failed exec).
            const CLOSE_RANGE_CLOEXEC: nix::libc::c_uint = 1 << 2;
            nix::libc::syscall(
                nix::libc::SYS_close_range,
                3 as nix::libc::c_uint,
                nix::libc::c_uint::MAX,
                CLOSE_RANGE_CLOEXEC,
            );
            Ok(())
        });
    }
    let mut child = command.spawn()?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Ctrl-C (SIGINT) noted rather than ending the process while this lives, as virsh's event
/// loops take it; the previous disposition comes back on drop.
pub struct CatchInterrupt {
    previous: Option<nix::sys::signal::SigAction>,
}

impl CatchInterrupt {
    pub fn start() -> CatchInterrupt {
        use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
        INTERRUPTED.store(false, std::sync::atomic::Ordering::SeqCst);
        let action = SigAction::new(
            SigHandler::Handler(on_interrupt),
            SaFlags::SA_RESTART,
            SigSet::empty(),
        );
        // SAFETY: the handler only stores to an atomic.
        let previous = unsafe { sigaction(Signal::SIGINT, &action) }.ok();
        CatchInterrupt { previous }
    }
}

impl Drop for CatchInterrupt {
    fn drop(&mut self) {
        if let Some(previous) = &self.previous {
            // SAFETY: puts back the disposition sigaction reported.
            let _ =
                unsafe { nix::sys::signal::sigaction(nix::sys::signal::Signal::SIGINT, previous) };
        }
    }
}

/// Whether Ctrl-C came since the last [`CatchInterrupt`] began.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_capped_and_never_wait_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b' '; 11]).unwrap();
        assert_eq!(read_capped(&big, 11).unwrap().len(), 11);
        let e = read_capped(&big, 10).unwrap_err();
        assert_eq!(strerror(&e), "Value too large for defined data type");
        let e = read_capped("/dev/zero".as_ref(), 1 << 20).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EOVERFLOW));
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        assert!(read_capped(&fifo, 10).unwrap().is_empty());
        let e = read_capped(dir.path(), 10).unwrap_err();
        assert_eq!(strerror(&e), "Is a directory");
    }

    #[test]
    fn liveness() {
        assert!(pid_alive(std::process::id()));
        assert!(!pid_alive(999_999_999));
    }

    #[test]
    fn sockets_in_deep_directories() {
        let top = tempfile::tempdir().unwrap();
        let deep = top.path().join("d".repeat(120));
        std::fs::create_dir(&deep).unwrap();
        // Bound relative to the directory, as QEMU binds its sockets.
        let handle = std::fs::File::open(&deep).unwrap();
        let bind_path = format!(
            "/proc/self/fd/{}/s.sock",
            std::os::fd::AsRawFd::as_raw_fd(&handle)
        );
        let _listener = std::os::unix::net::UnixListener::bind(bind_path).unwrap();
        assert!(std::os::unix::net::UnixStream::connect(deep.join("s.sock")).is_err());
        connect_unix_in(&deep, "s.sock").unwrap();
    }
}
