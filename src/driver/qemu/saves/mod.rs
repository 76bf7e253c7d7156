//! Saves, restores, managed saves and core dumps on the embedded QEMU driver, as libvirt
//! 11.3's QEMU driver does them: images in libvirt's own format (`image`), written and read
//! by QEMU's migration (`migrate`), so that an image of either restores under the other.
//!
//! - `save` and `managedsave` (`save`), `restore` and a start from a managed save
//!   (`restore`), `dump` (`dump`);
//! - a domain's managed save image is `ROOT/qemu/save/NAME.save` (libvirt's
//!   `/var/lib/libvirt/qemu/save/NAME.save`), written as `NAME.save.part` first;
//! - the XML of an image is read and replaced in place (`save-image-*`, `managedsave-*`),
//!   marked partial while it changes.
//!
//! Crash rules (see [`reconcile`]): a save or dump that was killed leaves the guest paused
//! with reason `saving` or `dumping` in its status (an external memory snapshot: `creating
//! snapshot`); the next operation under the domain's
//! lock cancels QEMU's migration and resumes the guest (`running (save canceled)`), as libvirt
//! recovers an interrupted job. An image is taken for whole only when its header says
//! `LibvirtQemudSave`, written after its stream is synced.

mod dump;
mod image;
mod migrate;
mod restore;
mod save;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use migrate::{cancel as cancel_migration, load, Image as Incoming};
pub use restore::{loadable, Loadable, RestoreRequest};
pub use save::{write_memory, Destination, SaveRequest};

use super::domains::{Domains, Observed};
use super::qmp::qmp_failed;
use crate::driver::prelude::*;
use crate::model::domain::check_abi_stability;
use crate::model::{DomainDef, Name};
use image::SaveImage;

/// The directory of managed save images.
fn save_dir(root: &Path) -> PathBuf {
    root.join("qemu").join("save")
}

/// The domain's managed save image.
pub fn managed_path(root: &Path, name: &Name) -> PathBuf {
    save_dir(root).join(format!("{name}.save"))
}

/// Where a managed save is written until it is whole.
fn managed_part(root: &Path, name: &Name) -> PathBuf {
    save_dir(root).join(format!("{name}.save.part"))
}

/// Whether the image at `path` says it is whole (libvirt's `qemuSaveImageIsCorrupt`, negated).
pub fn is_whole(path: &Path) -> bool {
    let mut head = [0u8; image::HEADER_LEN];
    crate::sys::open_for_reading(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head[..16] == image::MAGIC
}

/// Whether the domain has a managed save image.
pub fn has_managed_save(root: &Path, name: &Name) -> bool {
    managed_path(root, name).exists()
}

/// The managed save directory, made when first needed.
pub fn ensure_dir(root: &Path) -> Result<()> {
    let dir = save_dir(root);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::system(format!("cannot create '{}'", dir.display()), &e))
}

/// Settles what a killed save or dump left (the domain's lock held): a guest paused for it
/// runs again, its migration cancelled; a managed save's unfinished image goes, and one that
/// was finished before QEMU stopped is kept under its final name.
pub fn reconcile(d: &Domains, o: Observed) -> Result<Observed> {
    let part = managed_part(d.store.root(), &o.name);
    if part.exists() {
        match o.state.is_active() || !is_whole(&part) {
            true => std::fs::remove_file(&part),
            false => std::fs::rename(&part, managed_path(d.store.root(), &o.name)),
        }
        .map_err(|e| Error::system(format!("cannot settle '{}'", part.display()), &e))?;
    }
    // A guest paused for an external memory snapshot is one too (libvirt's recovery of a
    // snapshot job); the snapshot's own record, if any, was settled before.
    if !matches!(
        o.state,
        State::Paused(PausedReason::Save | PausedReason::Dump | PausedReason::Snapshot)
    ) {
        return Ok(o);
    }
    let paths = d.paths(&o.name);
    let mut qmp = paths.monitor(Duration::from_secs(5)).map_err(qmp_failed)?;
    // A dump cannot be cancelled: it is let finish (it writes memory once, so it ends).
    while qmp
        .execute("query-dump", None)
        .is_ok_and(|q| q["status"] == "active")
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(qmp);
    d.resume_after(&o.name, &paths, RunningReason::SaveCanceled)?;
    Ok(o.with_state(State::Running(RunningReason::SaveCanceled)))
}

/// `undefine` of a domain with a managed save image: removed with `MANAGED_SAVE`, refused
/// without (libvirt's words).
pub fn undefining(root: &Path, name: &Name, flags: UndefineFlags) -> Result<()> {
    let path = managed_path(root, name);
    if !path.exists() {
        return Ok(());
    }
    if !flags.has(UndefineFlags::MANAGED_SAVE) {
        return Err(Error::operation_invalid(
            "Refusing to undefine while domain managed save image exists",
        ));
    }
    std::fs::remove_file(&path)
        .map_err(|_| Error::internal("Failed to remove domain managed save image"))
}

/// The XML of the image at `path`, secrets left out unless asked (libvirt formats it again;
/// virtsh's definitions hold no secrets of their own, so the stored form is printed).
pub fn image_xml(path: &Path, flags: XmlFlags) -> Result<String> {
    flags.check(XmlFlags::SECURE, "qemuDomainSaveImageGetXMLDesc")?;
    let header = SaveImage::read_path(path)?;
    Ok(DomainDef::parse(&header.xml)?.to_xml(None))
}

/// Replaces the XML of the image at `path` with `dxml`, which must describe the same guest;
/// `--running`/`--paused` say how it resumes (libvirt's `qemuDomainSaveImageDefineXML`).
pub fn define_image(path: &Path, dxml: &str, flags: SaveFlags, function: &str) -> Result<()> {
    flags.check(SaveFlags::RUNNING | SaveFlags::PAUSED, function)?;
    let mut header = SaveImage::read_path(path)?;
    let state_kept = !flags.any(SaveFlags::RUNNING | SaveFlags::PAUSED)
        || flags.has(SaveFlags::RUNNING) == header.was_running;
    if header.xml == dxml && state_kept {
        return Ok(());
    }
    let stored = DomainDef::parse(&header.xml)?;
    let given = DomainDef::parse(dxml)?;
    check_abi_stability(&stored, &given)?;
    header.xml = given.to_xml(None);
    if flags.has(SaveFlags::RUNNING) {
        header.was_running = true;
    } else if flags.has(SaveFlags::PAUSED) {
        header.was_running = false;
    }
    header.rewrite(path)
}

/// The managed save image of `name`, or libvirt's refusal when there is none.
pub fn existing_managed(root: &Path, name: &Name) -> Result<PathBuf> {
    let path = managed_path(root, name);
    match path.exists() {
        true => Ok(path),
        false => Err(Error::operation_invalid(
            "domain does not have managed save image",
        )),
    }
}

/// `managedsave-remove`: the image goes (none is fine).
pub fn remove_managed(root: &Path, name: &Name) -> Result<()> {
    let path = managed_path(root, name);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::system(
            format!("Failed to remove managed save file '{}'", path.display()),
            &e,
        )),
    }
}

/// `dompmsuspend` on a domain with no guest agent channel (virtsh wires none yet): libvirt's
/// checks in its order (`qemuDomainPMSuspendForDuration`).
pub fn pm_suspend(state: State, target: u32, duration: u64) -> Result<()> {
    if duration != 0 {
        return Err(Error::new(
            ErrorCode::ArgumentUnsupported,
            "argument unsupported: Duration not supported. Use 0 for now",
        ));
    }
    if target > 2 {
        return Err(Error::invalid_arg(format!(
            "Unknown suspend target: {target}"
        )));
    }
    if !matches!(state, State::Running(_)) {
        return Err(Error::operation_invalid("domain is not running"));
    }
    Err(Error::new(
        ErrorCode::ArgumentUnsupported,
        "argument unsupported: QEMU guest agent is not configured",
    ))
}

impl Domains<'_> {
    /// `dompmwakeup`: QEMU's `system_wakeup`, its refusal passed on in libvirt's words.
    pub fn pm_wakeup(&self, dom: &DomainRef) -> Result<()> {
        let (_lock, o) = self.lock_one(dom)?;
        if !o.state.is_active() || o.starting() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        let mut qmp = self
            .paths(&o.name)
            .monitor(Duration::from_secs(5))
            .map_err(qmp_failed)?;
        qmp.execute("system_wakeup", None).map(drop).map_err(|e| {
            let desc = match e {
                super::qmp::QmpError::Command { desc, .. } => desc,
                other => other.to_string(),
            };
            Error::internal(format!(
                "unable to execute QEMU command 'system_wakeup': {desc}"
            ))
        })
    }
}
