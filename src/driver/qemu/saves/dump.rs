//! `dump` (libvirt's `qemuDomainCoreDumpWithFormat`): the guest is paused (`paused (dumping)`)
//! unless `--live`; with `--memory-only` QEMU writes its memory (`dump-guest-memory`, in ELF
//! or a kdump/win-dmp format QEMU has), else the bare migration stream (no libvirt header).
//! Then `--crash` stops it (`shut off (crashed)`), `--reset` resets it, and a guest this dump
//! paused runs again (`running (unpaused)`). A failed dump removes a file it created.

use std::os::fd::AsFd;
use std::path::Path;
use std::time::Duration;

use serde_json::json;

use super::migrate::{self, Image, Stream};
use crate::driver::prelude::*;
use crate::driver::qemu::domains::Domains;
use crate::driver::qemu::process;
use crate::driver::qemu::qmp::{qmp_failed, Qmp};
use crate::driver::qemu::store::shut_off;

/// libvirt's dump formats by number (`virDomainCoreDumpFormat`), as QEMU names them; raw is
/// QEMU's default ELF.
const FORMATS: [&str; 5] = ["elf", "kdump-zlib", "kdump-lzo", "kdump-snappy", "win-dmp"];

impl Domains<'_> {
    pub fn dump(
        &self,
        dom: &DomainRef,
        to: &Path,
        format: u32,
        flags: DumpFlags,
        progress: ProgressFn<'_>,
    ) -> Result<()> {
        type F = DumpFlags;
        let known = F::LIVE | F::CRASH | F::BYPASS_CACHE | F::RESET | F::MEMORY_ONLY;
        flags.check(known, "qemuDomainCoreDumpWithFormat")?;
        let (lock, o) = self.lock_one(dom)?;
        if !o.state.is_active() || o.starting() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        let mut status = self
            .store
            .read_status(&o.name)?
            .ok_or_else(|| Error::operation_invalid("domain is not running"))?;
        let paths = self.paths(&o.name);
        let mut qmp = paths.monitor(Duration::from_secs(5)).map_err(qmp_failed)?;
        let was_running = matches!(o.state, State::Running(_));
        let pause = was_running && !flags.has(F::LIVE);
        // Recorded before QEMU stops (see `save`).
        if pause {
            status.brief.state = State::Paused(PausedReason::Dump);
            self.store.write_status(&o.name, &status)?;
            qmp.stop().map_err(qmp_failed)?;
        }
        let created = !to.exists();
        let written = write_dump(&mut qmp, to, format, flags, progress);
        if let Err(e) = written {
            if created {
                let _ = std::fs::remove_file(to);
            }
            if pause {
                drop(qmp);
                self.resume_after(&o.name, &paths, RunningReason::Unpaused)?;
            }
            return Err(e);
        }
        if flags.has(F::CRASH) {
            drop(qmp);
            process::stop(&paths)?;
            self.store
                .write_status(&o.name, &shut_off(ShutoffReason::Crashed))?;
            return self.release(&o.name, lock);
        }
        if flags.has(F::RESET) {
            qmp.system_reset().map_err(qmp_failed)?;
        }
        if was_running {
            let resumed = qmp
                .cont()
                .map_err(|_| Error::operation_failed("resuming after dump failed"));
            status.brief.state = match resumed {
                Ok(()) => State::Running(RunningReason::Unpaused),
                Err(_) => State::Paused(PausedReason::ApiError),
            };
            self.store.write_status(&o.name, &status)?;
            resumed?;
        }
        Ok(())
    }
}

/// Writes the dump into `to` (created, or truncated).
fn write_dump(
    qmp: &mut Qmp,
    to: &Path,
    format: u32,
    flags: DumpFlags,
    progress: ProgressFn<'_>,
) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(to)
        .map_err(|e| Error::system(format!("Failed to create file '{}'", to.display()), &e))?;
    let bypass = flags.has(DumpFlags::BYPASS_CACHE);
    if !flags.has(DumpFlags::MEMORY_ONLY) {
        if format != DUMP_FORMAT_RAW {
            return Err(Error::operation_unsupported(
                "kdump-compressed format is only supported with memory-only dump",
            ));
        }
        drop(file);
        let image = Image {
            path: to,
            offset: 0,
            stream: Stream::Raw,
            bypass_cache: bypass,
        };
        return migrate::save(qmp, &image, &[], &mut |d, t| progress(d, t));
    }
    let name = FORMATS
        .get(format as usize)
        .ok_or_else(|| Error::invalid_arg(format!("unknown dumpformat '{format}'")))?;
    let mut args = json!({ "paging": false, "protocol": "fd:dump", "detach": true });
    if *name != "elf" {
        let caps = qmp
            .execute("query-dump-guest-memory-capability", None)
            .map_err(qmp_failed)?;
        let listed = caps["formats"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == name));
        if !listed {
            return Err(Error::invalid_arg(format!(
                "unsupported dumpformat '{name}' for this QEMU binary"
            )));
        }
        args["format"] = json!(name);
    }
    // Past the cache, QEMU writes into a pipe that a copying thread empties into the file.
    let (carrier, copier) = match bypass {
        true => {
            let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
                .map_err(|e| Error::system("cannot create a pipe", &std::io::Error::from(e)))?;
            drop(file);
            (w, Some(migrate::copy_direct(to, r)?))
        }
        false => (std::os::fd::OwnedFd::from(file), None),
    };
    qmp.execute_with_fd("getfd", Some(json!({ "fdname": "dump" })), carrier.as_fd())
        .map_err(qmp_failed)?;
    drop(carrier);
    if let Err(e) = qmp.execute("dump-guest-memory", Some(args)) {
        let _ = qmp.execute("closefd", Some(json!({ "fdname": "dump" })));
        return Err(qmp_failed(e));
    }
    let done = wait_dump(qmp, progress);
    let copied = copier.map_or(Ok(()), migrate::finish_copy);
    done.and(copied)
}

/// Polls `query-dump` until QEMU has written the whole dump.
fn wait_dump(qmp: &mut Qmp, progress: ProgressFn<'_>) -> Result<()> {
    loop {
        let d = qmp.execute("query-dump", None).map_err(qmp_failed)?;
        let n = |k: &str| d[k].as_u64().unwrap_or(0);
        progress(n("completed"), n("total"));
        match d["status"].as_str().unwrap_or_default() {
            "completed" => return Ok(()),
            "failed" => {
                // The reason is only in the event that ends the dump.
                let said = qmp
                    .execute("query-status", None)
                    .ok()
                    .and_then(|_| qmp.seen_event("DUMP_COMPLETED"))
                    .and_then(|e| e["data"]["error"].as_str().map(String::from));
                return Err(Error::operation_failed(match said {
                    Some(why) => format!("memory-only dump failed: {why}"),
                    None => "memory-only dump failed for unknown reason".to_string(),
                }));
            }
            _ => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}
