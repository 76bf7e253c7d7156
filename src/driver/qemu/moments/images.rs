//! `qemu-img` on the images of a domain whose QEMU is not running: internal snapshots
//! (`snapshot -c/-a/-d`), overlays (`create -b`), persistent bitmaps (`bitmap --remove`) and
//! what an image holds (`info`).
//!
//! Each `qemu-img` dies with the virtsh that runs it (parent-death signal): a killed virtsh
//! leaves no image being changed behind its back. qcow2 orders its metadata writes, so an
//! interrupted `qemu-img` leaves at worst leaked clusters, never a half-made snapshot that the
//! snapshot table lists.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::error::{Error, Result};

/// Runs `qemu-img ARGS`; a failure is libvirt's `virCommandRun` error, with what qemu-img said.
pub fn run(args: &[&str]) -> Result<String> {
    let mut cmd = Command::new("qemu-img");
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let parent = std::process::id();
    // SAFETY: prctl, getppid and _exit are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)?;
            // A virtsh killed before the signal was asked for has no qemu-img act for it.
            if nix::unistd::getppid().as_raw() as u32 != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    let out = cmd
        .output()
        .map_err(|e| Error::system("Cannot run qemu-img", &e))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(Error::internal(format!(
            "Child process (qemu-img {}) unexpected exit status {}: {}",
            args.join(" "),
            out.status.code().unwrap_or(-1),
            said.trim_end()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `qemu-img info` says of an image (read with `-U`, so a running QEMU does not stop it).
pub struct Info(Value);

impl Info {
    pub fn of(path: &str) -> Result<Info> {
        let text = run(&["info", "-U", "--output=json", path])?;
        serde_json::from_str(&text)
            .map(Info)
            .map_err(|e| Error::internal(format!("cannot read qemu-img info of '{path}': {e}")))
    }

    /// The internal snapshots' tags.
    pub fn snapshots(&self) -> Vec<String> {
        self.0["snapshots"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["name"].as_str().map(String::from))
            .collect()
    }

    pub fn format(&self) -> &str {
        self.0["format"].as_str().unwrap_or("qcow2")
    }

    /// The backing file as the image's header names it.
    pub fn backing(&self) -> Option<&str> {
        self.0["backing-filename"].as_str()
    }

    pub fn has_snapshot(&self, tag: &str) -> bool {
        self.snapshots().iter().any(|s| s == tag)
    }

    /// The persistent bitmaps' names.
    pub fn bitmaps(&self) -> Vec<String> {
        self.0["format-specific"]["data"]["bitmaps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| b["name"].as_str().map(String::from))
            .collect()
    }
}

/// Runs `qemu-img ARGS` again while it fails, for up to three seconds: a `qemu-img` whose
/// virtsh was just killed may still hold the image's lock while it dies.
pub fn run_settling(args: &[&str]) -> Result<String> {
    let started = std::time::Instant::now();
    loop {
        match run(args) {
            Err(_) if started.elapsed() < std::time::Duration::from_secs(3) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            done => return done,
        }
    }
}

/// `qemu-img snapshot OP TAG PATH` (`-c` create, `-a` apply, `-d` delete).
pub fn snapshot(op: &str, tag: &str, path: &str) -> Result<()> {
    run(&["snapshot", op, tag, path]).map(drop)
}

/// libvirt's escaping of a path in a `-o` option: commas doubled.
fn comma_escaped(path: &str) -> String {
    path.replace(',', ",,")
}

/// A new qcow2 (or `format`) overlay at `path` on `backing` (of format `backing_format`), as
/// libvirt's `qemuSnapshotCreateQcow2Files` makes it.
pub fn create_overlay(format: &str, path: &str, backing: &str, backing_format: &str) -> Result<()> {
    let options = format!(
        "backing_fmt={backing_format},backing_file={}",
        comma_escaped(backing)
    );
    run(&["create", "-f", format, "-o", &options, path]).map(drop)
}

/// Removes the persistent bitmap `name` from the image at `path`.
pub fn remove_bitmap(path: &str, name: &str) -> Result<()> {
    run_settling(&["bitmap", "--remove", path, name]).map(drop)
}

/// Puts `image` (format `format`) on `base` without copying anything (`rebase -u`): `base`
/// holds what its old backing file held.
pub fn rebase_unsafe(image: &str, format: &str, base: &str, base_format: &str) -> Result<()> {
    let args = [
        "rebase",
        "-u",
        "-F",
        base_format,
        "-f",
        format,
        "-b",
        base,
        image,
    ];
    run(&args).map(drop)
}
