//! `save` and `managedsave` (libvirt's `qemuDomainSaveInternal`): the guest is paused
//! (`paused (saving)`), its definition and QEMU's migration stream go into a save image whose
//! header says `LibvirtQemudPart` until the stream is complete and synced, and QEMU stops:
//! `shut off (saved)` (a transient domain is gone). Any failure once the guest is paused
//! resumes it (`running (save canceled)`) and removes an image this save created.
//!
//! A managed save is written beside its final name (`NAME.save.part`) and renamed only after
//! QEMU has stopped and the domain reads `shut off (saved)`: an image under the final name is
//! always one the domain may start from. What a killed save left is settled by
//! [`super::reconcile`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::image::{SaveImage, FORMATS};
use super::migrate::{self, Image, Stream};
use crate::driver::prelude::*;
use crate::driver::qemu::domains::Domains;
use crate::driver::qemu::live;
use crate::driver::qemu::process;
use crate::driver::qemu::qmp::qmp_failed;
use crate::driver::qemu::store::shut_off;
use crate::model::domain::check_abi_stability;
use crate::model::DomainDef;

/// Where a save goes.
pub enum Destination {
    /// A file the user named (absolute).
    File(PathBuf),
    /// The domain's managed save image.
    Managed,
}

/// A save as the caller asked for it.
pub struct SaveRequest<'a> {
    pub to: Destination,
    pub dxml: Option<&'a str>,
    pub flags: SaveFlags,
    /// A name of [`FORMATS`]; `raw` unless asked.
    pub format: &'a str,
    /// `--parallel-channels`.
    pub channels: Option<i32>,
    /// libvirt's function, for the flag refusal.
    pub function: &'static str,
}

/// The stream a format and `--parallel-channels` make, in libvirt's words when they do not
/// go together (`qemuMigrationParamsForSave`).
pub fn stream(format: &str, channels: Option<i32>) -> Result<Stream> {
    match (format, channels) {
        ("sparse", Some(n)) if n < 1 => Err(Error::invalid_arg(
            "number of parallel save channels cannot be less than 1",
        )),
        ("sparse", n) => Ok(Stream::Sparse {
            channels: n.unwrap_or(1) as u32,
        }),
        (_, Some(_)) => Err(Error::invalid_arg(
            "Parallel save is only supported with the 'sparse' save image format",
        )),
        ("raw", None) => Ok(Stream::Raw),
        (program, None) => Ok(Stream::Compressed(program.to_string())),
    }
}

/// The index of `format` in the image header, libvirt's words when there is none.
pub fn format_code(format: &str) -> Result<u32> {
    FORMATS
        .iter()
        .position(|f| *f == format)
        .map(|i| i as u32)
        .ok_or_else(|| Error::operation_failed(format!("Invalid image_format '{format}'")))
}

impl Domains<'_> {
    pub fn save(
        &self,
        dom: &DomainRef,
        req: SaveRequest<'_>,
        progress: ProgressFn<'_>,
    ) -> Result<()> {
        type F = SaveFlags;
        req.flags
            .check(F::BYPASS_CACHE | F::RUNNING | F::PAUSED, req.function)?;
        let code = format_code(req.format)?;
        migrate::compressor(req.format, "save")?;
        let (lock, o) = self.lock_one(dom)?;
        if !o.state.is_active() || o.starting() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        let managed = matches!(req.to, Destination::Managed);
        if managed && !o.persistent {
            return Err(Error::operation_invalid(
                "cannot do managed save for transient domain",
            ));
        }
        let target = match &req.to {
            Destination::File(p) => p.clone(),
            Destination::Managed => super::managed_part(self.store.root(), &o.name),
        };
        let mut status = self
            .store
            .read_status(&o.name)?
            .ok_or_else(|| Error::operation_invalid("domain is not running"))?;
        let live = status
            .live
            .clone()
            .ok_or_else(|| Error::operation_invalid("domain is not running"))?;
        let paths = self.paths(&o.name);
        let mut qmp = paths.monitor(Duration::from_secs(5)).map_err(qmp_failed)?;
        if let Stream::Sparse { .. } = stream(req.format, None)? {
            if !has_capability(&mut qmp, "mapped-ram")? {
                return Err(Error::operation_unsupported(format!(
                    "save image format {} is not supported by this QEMU binary",
                    req.format
                )));
            }
        }
        let was_running = matches!(o.state, State::Running(_));
        // Recorded before QEMU stops: killed in between, the guest is found `paused
        // (saving)` and resumed, whether QEMU had stopped it or not.
        if was_running {
            status.brief.state = State::Paused(PausedReason::Save);
            self.store.write_status(&o.name, &status)?;
            qmp.stop().map_err(qmp_failed)?;
        }
        let resume = req.flags.has(F::RUNNING) || (was_running && !req.flags.has(F::PAUSED));
        let written = removing_on_failure(&target, || {
            let xml = image_xml(&live, req.dxml)?;
            let stream = stream(req.format, req.channels)?;
            write_image(
                &mut qmp, &target, xml, resume, code, stream, req.flags, progress,
            )
        });
        if let Err(e) = written {
            drop(qmp);
            if was_running {
                self.resume_after(&o.name, &paths, RunningReason::SaveCanceled)?;
            }
            return Err(e);
        }
        drop(qmp);
        process::stop(&paths)?;
        self.store
            .write_status(&o.name, &shut_off(ShutoffReason::Saved))?;
        if managed {
            let whole = super::managed_path(self.store.root(), &o.name);
            std::fs::rename(&target, &whole)
                .map_err(|e| Error::system(format!("cannot rename '{}'", target.display()), &e))?;
        }
        // A transient domain is no more: settled away under both locks.
        self.release(&o.name, lock)
    }

    /// Lets a guest a failed save (or dump) paused run again, for `reason` (`save
    /// canceled`; `unpaused` after a dump).
    pub(super) fn resume_after(
        &self,
        name: &crate::model::Name,
        paths: &crate::driver::qemu::cmdline::Paths,
        reason: RunningReason,
    ) -> Result<()> {
        let mut qmp = paths.monitor(Duration::from_secs(5)).map_err(qmp_failed)?;
        // Waited for: a migration that completed instead would pause the guest again.
        let _ = migrate::cancel(&mut qmp);
        let resumed = qmp.cont().map_err(qmp_failed);
        let state = match resumed {
            Ok(()) => State::Running(reason),
            Err(_) => State::Paused(PausedReason::ApiError),
        };
        if let Some(mut status) = self.store.read_status(name)? {
            status.brief.state = state;
            self.store.write_status(name, &status)?;
        }
        resumed
    }
}

/// Runs `write`, which makes the image at `target`; an image it created is removed again when
/// it fails (libvirt's `needUnlink`), a file that was there before is left as the failure left
/// it (marked partial once anything was written).
fn removing_on_failure(target: &Path, write: impl FnOnce() -> Result<()>) -> Result<()> {
    let created = !target.exists();
    let written = write();
    if written.is_err() && created {
        let _ = std::fs::remove_file(target);
    }
    written
}

/// The memory file of an external snapshot (libvirt's `qemuSaveImageCreate` as
/// `qemuSnapshotCreateActiveExternal` calls it): a save image of the guest `live` describes, in
/// the raw format (libvirt's default `snapshot_image_format`), written from the paused (or,
/// live, running) guest as a save writes one; `was_running` says whether the guest resumes
/// afterwards. QEMU is left as the migration leaves it: paused.
pub fn write_memory(
    qmp: &mut crate::driver::qemu::qmp::Qmp,
    target: &Path,
    live: &DomainDef,
    was_running: bool,
) -> Result<()> {
    removing_on_failure(target, || {
        let xml = image_xml(live, None)?;
        let raw = format_code("raw")?;
        let none = &|_, _| {};
        write_image(
            qmp,
            target,
            xml,
            was_running,
            raw,
            Stream::Raw,
            SaveFlags::default(),
            none,
        )
    })
}

/// The XML an image holds: the live definition as a restore needs it, or the caller's, which
/// must describe the same guest (libvirt's ABI check).
fn image_xml(live: &DomainDef, dxml: Option<&str>) -> Result<String> {
    let chosen = match dxml {
        None => live.clone(),
        Some(x) => {
            let given = DomainDef::parse(x)?;
            check_abi_stability(live, &given)?;
            given
        }
    };
    Ok(live::inactive(&chosen).to_xml(None))
}

/// Whether QEMU's migration has capability `name`.
fn has_capability(qmp: &mut crate::driver::qemu::qmp::Qmp, name: &str) -> Result<bool> {
    let caps = qmp
        .execute("query-migrate-capabilities", None)
        .map_err(qmp_failed)?;
    Ok(caps
        .as_array()
        .is_some_and(|all| all.iter().any(|c| c["capability"] == name)))
}

/// Creates the image at `target`: header and XML marked partial, the stream, then the whole
/// header.
#[allow(clippy::too_many_arguments)]
fn write_image(
    qmp: &mut crate::driver::qemu::qmp::Qmp,
    target: &Path,
    xml: String,
    resume: bool,
    code: u32,
    stream: Stream,
    flags: SaveFlags,
    progress: ProgressFn<'_>,
) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let shown = target.display().to_string();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(target)
        .map_err(|e| Error::system(format!("Failed to create file '{shown}'"), &e))?;
    let mut header = SaveImage::new(xml, resume, code);
    let prefix = header.partial_bytes()?;
    let bypass = flags.has(SaveFlags::BYPASS_CACHE);
    // Through the cache, the header goes first; past it, the copying thread writes it.
    if !bypass || matches!(stream, Stream::Sparse { .. }) {
        file.write_all(&prefix)
            .map_err(|e| Error::system(format!("failed to write domain xml to '{shown}'"), &e))?;
    }
    let image = Image {
        path: target,
        offset: header.stream_offset(),
        stream,
        bypass_cache: bypass,
    };
    migrate::save(qmp, &image, &prefix, &mut |done, total| {
        progress(done, total)
    })?;
    header.finish(&mut file, &shown)
}
