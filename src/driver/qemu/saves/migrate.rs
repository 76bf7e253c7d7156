//! A guest's state to and from a file through QEMU's migration, as libvirt saves, restores and
//! dumps it:
//!
//! - a raw stream goes straight into the file: QEMU's `file:` transport on a descriptor passed
//!   with `add-fd`, at the offset after libvirt's header;
//! - the `sparse` format is QEMU's `mapped-ram` stream on that transport (with `multifd`
//!   channels, `--parallel-channels`);
//! - a compressed format goes through its program (`gzip -c`, `xz -c -3`, ..., `-dc` to read)
//!   on a pipe QEMU gets with `getfd` (`fd:` transport);
//! - `--bypass-cache` reads or writes the file with `O_DIRECT` in aligned blocks, through a
//!   pipe and a copying thread (libvirt's `libvirt_iohelper`), or with QEMU's own `direct-io`
//!   for `sparse`.
//!
//! The bandwidth limit is lifted, as libvirt lifts it: the target is a file. No end of a pipe
//! stays open in this process once its reader or writer has it, so a stage that fails ends
//! the migration instead of hanging it.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

use super::super::qmp::{qmp_failed, Qmp};
use crate::error::{Error, Result};

/// libvirt's "unlimited" (`QEMU_DOMAIN_MIG_BANDWIDTH_MAX` MiB/s, in bytes).
const UNLIMITED: i64 = (i64::MAX / (1024 * 1024)) * 1024 * 1024;
/// `O_DIRECT` transfers are made of blocks this size, at offsets this aligned.
const BLOCK: usize = 1 << 20;
const ALIGN: usize = 4096;

/// The stream's encoding in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stream {
    Raw,
    /// Through this program (`gzip`, `bzip2`, `xz`, `lzop`, `zstd`).
    Compressed(String),
    /// QEMU's `mapped-ram`, with this many `multifd` channels.
    Sparse {
        channels: u32,
    },
}

/// The file a stream goes to or comes from.
pub struct Image<'a> {
    pub path: &'a Path,
    /// Where the stream starts (after libvirt's header; 0 for a dump).
    pub offset: u64,
    pub stream: Stream,
    pub bypass_cache: bool,
}

/// Progress: bytes done and in all.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// What runs beside QEMU for one transfer: compressors, copying threads.
#[derive(Default)]
struct Stages {
    children: Vec<(Child, String)>,
    threads: Vec<JoinHandle<std::io::Result<()>>>,
}

impl Stages {
    /// Waits for every stage; the first failure, in libvirt's words for a helper.
    fn finish(self) -> Result<()> {
        let mut first = Ok(());
        for (mut child, line) in self.children {
            let status = child
                .wait()
                .map_err(|e| Error::system(format!("cannot wait for {line}"), &e));
            let outcome = status.and_then(|s| match s.success() {
                true => Ok(()),
                false => Err(Error::internal(format!(
                    "Child process ({line}) unexpected {}",
                    crate::sys::exit_words(s)
                ))),
            });
            if first.is_ok() {
                first = outcome;
            }
        }
        for t in self.threads {
            let outcome = match t.join() {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(Error::system("cannot copy the image", &e)),
                Err(_) => Err(Error::internal("the image's copying thread failed")),
            };
            if first.is_ok() {
                first = outcome;
            }
        }
        first
    }

    /// Stops every stage (the migration failed).
    fn abort(mut self) {
        for (child, _) in &mut self.children {
            let _ = child.kill();
        }
        let _ = self.finish();
    }
}

/// Where QEMU reads or writes, named for its `migrate` command.
struct Endpoint {
    uri: String,
    fdset: Option<i64>,
}

impl Endpoint {
    fn release(self, qmp: &mut Qmp) {
        if let Some(id) = self.fdset {
            let _ = qmp.execute("remove-fd", Some(json!({ "fdset-id": id })));
        }
    }
}

/// Sends the paused guest's state into `image` (whose header is already written, unless the
/// cache is bypassed: then `prefix` is everything before `offset`), waiting until QEMU has
/// written all of it and every stage has finished.
pub fn save(qmp: &mut Qmp, image: &Image<'_>, prefix: &[u8], progress: Progress<'_>) -> Result<()> {
    let mut params = json!({ "max-bandwidth": UNLIMITED });
    capabilities(qmp, &image.stream, image.bypass_cache, &mut params)?;
    qmp.execute("migrate-set-parameters", Some(params))
        .map_err(qmp_failed)?;
    let (endpoint, stages) = outgoing(qmp, image, prefix)?;
    let started = qmp
        .execute("migrate", Some(json!({ "uri": endpoint.uri })))
        .map_err(qmp_failed);
    let done = started.and_then(|_| wait(qmp, progress));
    endpoint.release(qmp);
    match done {
        Ok(()) => stages.finish(),
        Err(e) => {
            let _ = qmp.execute("migrate_cancel", None);
            stages.abort();
            Err(e)
        }
    }
}

/// Loads the state QEMU (started with `-incoming defer`) reads from `image`.
pub fn load(qmp: &mut Qmp, image: &Image<'_>) -> Result<()> {
    let mut params = json!({});
    capabilities(qmp, &image.stream, image.bypass_cache, &mut params)?;
    if params.as_object().is_some_and(|p| !p.is_empty()) {
        qmp.execute("migrate-set-parameters", Some(params))
            .map_err(qmp_failed)?;
    }
    let (endpoint, stages) = incoming(qmp, image)?;
    let started = qmp
        .execute(
            "migrate-incoming",
            Some(json!({ "uri": endpoint.uri, "exit-on-error": false })),
        )
        .map_err(qmp_failed);
    let done = started.and_then(|_| wait(qmp, &mut |_, _| {}));
    endpoint.release(qmp);
    if done.is_ok() {
        // An incoming migration leaves the images inactive until the guest first runs (the
        // source of a real migration may still hold them); a file holds nothing, and a guest
        // that stays paused needs them active for snapshots and block jobs. A QEMU without
        // the command (before 10.0) activates them on `cont` only.
        let _ = qmp.execute("blockdev-set-active", Some(json!({ "active": true })));
    }
    match done {
        Ok(()) => stages.finish(),
        Err(e) => {
            stages.abort();
            Err(e)
        }
    }
}

/// The capabilities a stream needs (`mapped-ram` and `multifd` for sparse), and the
/// parameters that go with them.
fn capabilities(qmp: &mut Qmp, stream: &Stream, bypass: bool, params: &mut Value) -> Result<()> {
    let sparse = matches!(stream, Stream::Sparse { .. });
    let caps: Vec<Value> = ["multifd", "mapped-ram"]
        .iter()
        .map(|c| json!({ "capability": c, "state": sparse }))
        .collect();
    qmp.execute(
        "migrate-set-capabilities",
        Some(json!({ "capabilities": caps })),
    )
    .map_err(qmp_failed)?;
    if let Stream::Sparse { channels } = stream {
        params["multifd-channels"] = json!(channels);
        // Said either way: QEMU keeps what a restore set, and a save that inherits
        // `direct-io` without a direct descriptor in its fd set crashes QEMU.
        params["direct-io"] = json!(bypass);
    }
    Ok(())
}

fn open(path: &Path, write: bool, direct: bool) -> Result<File> {
    let mut o = std::fs::OpenOptions::new();
    match write {
        true => o.write(true),
        false => o.read(true),
    };
    if direct {
        o.custom_flags(libc::O_DIRECT);
    }
    o.open(path)
        .map_err(|e| Error::system(format!("Failed to open file '{}'", path.display()), &e))
}

/// Passes `files` to QEMU as one fd set; its `file:` URI at `offset`.
fn fdset(qmp: &mut Qmp, files: &[File], offset: u64) -> Result<Endpoint> {
    let mut id: Option<i64> = None;
    for f in files {
        let args = id.map(|i| json!({ "fdset-id": i }));
        let r = qmp
            .execute_with_fd("add-fd", args, f.as_fd())
            .map_err(qmp_failed)?;
        id = r["fdset-id"].as_i64();
    }
    let id = id.ok_or_else(|| Error::internal("QEMU gave no fd set"))?;
    Ok(Endpoint {
        uri: format!("file:/dev/fdset/{id},offset={offset:#x}"),
        fdset: Some(id),
    })
}

/// Passes a pipe's end to QEMU by name; its `fd:` URI.
fn named_fd(qmp: &mut Qmp, fd: OwnedFd, name: &str) -> Result<Endpoint> {
    qmp.execute_with_fd("getfd", Some(json!({ "fdname": name })), fd.as_fd())
        .map_err(qmp_failed)?;
    Ok(Endpoint {
        uri: format!("fd:{name}"),
        fdset: None,
    })
}

fn outgoing(qmp: &mut Qmp, image: &Image<'_>, prefix: &[u8]) -> Result<(Endpoint, Stages)> {
    let mut stages = Stages::default();
    if let Stream::Sparse { .. } = image.stream {
        let mut files = vec![open(image.path, true, false)?];
        if image.bypass_cache {
            files.push(open(image.path, true, true)?);
        }
        return Ok((fdset(qmp, &files, image.offset)?, stages));
    }
    if image.stream == Stream::Raw && !image.bypass_cache {
        let file = open(image.path, true, false)?;
        return Ok((fdset(qmp, &[file], image.offset)?, stages));
    }
    // QEMU -> pipe [-> compressor -> pipe] -> the file (or a copying thread).
    let (mut from, qemu_writes) = pipe()?;
    if let Stream::Compressed(program) = &image.stream {
        let mut args = vec!["-c"];
        if program == "xz" {
            args.push("-3");
        }
        let out = match image.bypass_cache {
            true => {
                let (r, w) = pipe()?;
                stages
                    .children
                    .push(spawn(program, &args, from, Stdio::from(w))?);
                r
            }
            false => {
                let mut file = open(image.path, true, false)?;
                seek(&mut file, image.offset, image.path)?;
                stages
                    .children
                    .push(spawn(program, &args, from, Stdio::from(file))?);
                return Ok((named_fd(qmp, qemu_writes, "migrate")?, stages));
            }
        };
        from = out;
    }
    let file = open(image.path, true, true)?;
    let prefix = prefix.to_vec();
    let path = image.path.to_path_buf();
    stages.threads.push(std::thread::spawn(move || {
        write_direct(file, &path, prefix, from)
    }));
    Ok((named_fd(qmp, qemu_writes, "migrate")?, stages))
}

fn incoming(qmp: &mut Qmp, image: &Image<'_>) -> Result<(Endpoint, Stages)> {
    let mut stages = Stages::default();
    if let Stream::Sparse { .. } = image.stream {
        let mut files = vec![open(image.path, false, false)?];
        if image.bypass_cache {
            files.push(open(image.path, false, true)?);
        }
        return Ok((fdset(qmp, &files, image.offset)?, stages));
    }
    if image.stream == Stream::Raw && !image.bypass_cache {
        let file = open(image.path, false, false)?;
        return Ok((fdset(qmp, &[file], image.offset)?, stages));
    }
    // The file (or a copying thread) [-> decompressor] -> pipe -> QEMU.
    let source: Stdio = match image.bypass_cache {
        true => {
            let (r, w) = pipe()?;
            let file = open(image.path, false, true)?;
            let offset = image.offset;
            stages
                .threads
                .push(std::thread::spawn(move || read_direct(file, offset, w)));
            let Stream::Compressed(_) = image.stream else {
                return Ok((named_fd(qmp, r, "incoming")?, stages));
            };
            Stdio::from(r)
        }
        false => {
            let mut file = open(image.path, false, false)?;
            seek(&mut file, image.offset, image.path)?;
            Stdio::from(file)
        }
    };
    let Stream::Compressed(program) = &image.stream else {
        return Err(Error::internal(
            "only a compressed image is read through a program",
        ));
    };
    let (qemu_reads, to_qemu) = pipe()?;
    let mut args = vec!["-dc"];
    if program == "lzop" {
        args.push("--ignore-warn");
    }
    stages
        .children
        .push(spawn(program, &args, source, Stdio::from(to_qemu))?);
    Ok((named_fd(qmp, qemu_reads, "incoming")?, stages))
}

fn seek(file: &mut File, offset: u64, path: &Path) -> Result<()> {
    use std::io::Seek;
    file.seek(std::io::SeekFrom::Start(offset))
        .map(drop)
        .map_err(|e| Error::system(format!("cannot seek in '{}'", path.display()), &e))
}

/// Polls `query-migrate` until the migration completes or fails.
fn wait(qmp: &mut Qmp, progress: Progress<'_>) -> Result<()> {
    loop {
        let m = qmp.execute("query-migrate", None).map_err(qmp_failed)?;
        let ram = |k: &str| m["ram"][k].as_u64().unwrap_or(0);
        let total = ram("total");
        progress(total.saturating_sub(ram("remaining")), total);
        match m["status"].as_str().unwrap_or_default() {
            "completed" => {
                progress(total, total);
                return Ok(());
            }
            "failed" | "cancelled" => {
                let desc = m["error-desc"].as_str().unwrap_or("unknown error");
                return Err(Error::operation_failed(format!("job failed: {desc}")));
            }
            _ => std::thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// Cancels an outgoing migration (one that failed, or one a killed virtsh left running) and
/// waits until QEMU has let go of it, so that a guest resumed afterwards is not paused again
/// by its completion.
pub fn cancel(qmp: &mut Qmp) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let m = qmp.execute("query-migrate", None).map_err(qmp_failed)?;
        let status = m["status"].as_str().unwrap_or_default();
        if matches!(status, "" | "none" | "completed" | "failed" | "cancelled") {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(Error::operation_failed(format!(
                "migration did not end: {status}"
            )));
        }
        let _ = qmp.execute("migrate_cancel", None);
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| Error::system("cannot create a pipe", &std::io::Error::from(e)))
}

/// Runs a compressor between `stdin` and `stdout`.
fn spawn(
    program: &str,
    args: &[&str],
    stdin: impl Into<Stdio>,
    stdout: Stdio,
) -> Result<(Child, String)> {
    let line = format!("{program} {}", args.join(" "));
    let child = Command::new(program)
        .args(args)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::system(format!("cannot run {program}"), &e))?;
    Ok((child, line))
}

/// An `ALIGN`-aligned buffer of `BLOCK` bytes inside `backing`.
fn aligned(backing: &mut Vec<u8>) -> &mut [u8] {
    backing.resize(BLOCK + ALIGN, 0);
    let skip = backing.as_ptr().align_offset(ALIGN);
    &mut backing[skip..skip + BLOCK]
}

/// Writes `prefix` and then everything `from` carries into `file` (opened `O_DIRECT`) in
/// aligned blocks; the last, short block is written with `O_DIRECT` turned off, as libvirt's
/// iohelper writes it.
fn write_direct(
    mut file: File,
    path: &Path,
    prefix: Vec<u8>,
    from: OwnedFd,
) -> std::io::Result<()> {
    let mut backing = Vec::new();
    let buf = aligned(&mut backing);
    let mut from = File::from(from);
    let mut filled = prefix.len().min(BLOCK);
    buf[..filled].copy_from_slice(&prefix[..filled]);
    let mut rest = &prefix[filled..];
    loop {
        while filled < BLOCK {
            if !rest.is_empty() {
                let n = rest.len().min(BLOCK - filled);
                buf[filled..filled + n].copy_from_slice(&rest[..n]);
                rest = &rest[n..];
                filled += n;
                continue;
            }
            match from.read(&mut buf[filled..])? {
                0 => {
                    let flags = nix::fcntl::OFlag::O_WRONLY;
                    nix::fcntl::fcntl(&file, nix::fcntl::FcntlArg::F_SETFL(flags))?;
                    file.write_all(&buf[..filled])?;
                    return file.sync_data().map_err(|e| {
                        std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                    });
                }
                n => filled += n,
            }
        }
        file.write_all(buf)?;
        filled = 0;
    }
}

/// Reads `file` (opened `O_DIRECT`) in aligned blocks from its start and sends what follows
/// `offset` into `to`.
fn read_direct(mut file: File, offset: u64, to: OwnedFd) -> std::io::Result<()> {
    let mut backing = Vec::new();
    let buf = aligned(&mut backing);
    let mut to = File::from(to);
    let mut skip = offset as usize;
    loop {
        let n = match file.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let take = skip.min(n);
        skip -= take;
        // A reader that went away (QEMU failed) ends the copy.
        if let Err(e) = to.write_all(&buf[take..n]) {
            return match e.kind() {
                std::io::ErrorKind::BrokenPipe => Ok(()),
                _ => Err(e),
            };
        }
    }
}

/// Starts a thread that empties `from` into the file at `path` past the cache (a memory dump's
/// pipe).
pub fn copy_direct(path: &Path, from: OwnedFd) -> Result<JoinHandle<std::io::Result<()>>> {
    let file = open(path, true, true)?;
    let path = path.to_path_buf();
    Ok(std::thread::spawn(move || {
        write_direct(file, &path, Vec::new(), from)
    }))
}

/// Waits for a [`copy_direct`] thread.
pub fn finish_copy(thread: JoinHandle<std::io::Result<()>>) -> Result<()> {
    Stages {
        children: Vec::new(),
        threads: vec![thread],
    }
    .finish()
}

/// The program of a compressed format, when it is installed: libvirt's words when not.
pub fn compressor(format: &str, style: &str) -> Result<Option<String>> {
    if matches!(format, "raw" | "sparse") {
        return Ok(None);
    }
    let found = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| is_executable(&dir.join(format)))
    });
    match found {
        true => Ok(Some(format.to_string())),
        false => Err(Error::operation_failed(format!(
            "Compression program for {style} image format in configuration file isn't available"
        ))),
    }
}

fn is_executable(p: &PathBuf) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
