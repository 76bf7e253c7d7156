//! External snapshots with memory (`--memspec FILE,snapshot=external`), taken and reverted as
//! libvirt 11.3's QEMU driver does:
//!
//! - taking one (`qemuSnapshotCreateActiveExternal` with memory): a running guest is paused
//!   (`paused (creating snapshot)`; with `--live` it runs on and QEMU pauses it once its
//!   migration converges), its memory goes into FILE as a save image (`saves::write_memory`:
//!   marked `LibvirtQemudPart` until QEMU's stream is on disk, then `LibvirtQemudSave`;
//!   `was_running` says whether the guest resumes afterwards), then the disks go on overlays as
//!   a disk-only snapshot's do (`external.rs`; none for a memory-only snapshot), and the guest
//!   runs again (`running (unpaused)`) unless `--halt` stops it or it was paused already;
//! - reverting to one (`qemuSnapshotRevertExternalPrepare`/`Active`/`Finish`): QEMU is stopped,
//!   every disk of the snapshot's definition gets a new overlay (a memory-only snapshot's disks
//!   get theirs on their current content, as in libvirt), the image's definition is checked
//!   against the snapshot's, and a new QEMU loads the memory (`-incoming defer`) and runs
//!   (`running (from snapshot)`) or stays `paused (from snapshot)`.
//!
//! Crash rules (finished or undone in `reconcile.rs`): the create's record names the files it
//! makes before it makes them, and says when the memory file is whole; without metadata a file
//! it made goes, and the guest it paused runs again. The revert's overlays are recorded before
//! they are made; the revert is decided (its record says so, in one write) only once the guest
//! runs on them, and only then do the persistent definition and the metadata follow.

use std::path::Path;

use super::block::qmp_failed;
use super::create::{self, Creating, Taking};
use super::external;
use super::revert::{self, Reverting};
use crate::driver::prelude::*;
use crate::driver::qemu::saves;
use crate::driver::qemu::store::{qemu_state, shut_off};
use crate::model::domain::{check_abi_stability, DomainDef};
use crate::model::snapshot::Location;

type F = SnapshotCreateFlags;

/// `qemuSnapshotCreateActiveExternal` for a snapshot with memory (the domain runs or is
/// paused): the memory file, then the disks, then the guest runs again.
pub fn create(t: &mut Taking, c: &mut Creating) -> Result<()> {
    let file = c.def.memory_file.clone().unwrap_or_default();
    let target = Path::new(&file);
    let mut qmp = t.monitor()?;
    let status = qmp.query_status().map_err(qmp_failed)?;
    let running = matches!(qemu_state(&status.status, t.o.state), State::Running(_));
    // libvirt removes the file on failure only when it made it.
    if !target.exists() {
        c.intent.created.push(file.clone());
    }
    c.intent.resume = running;
    c.record()?;
    let live = c.flags.has(F::LIVE);
    let written = (|| {
        if running && !live {
            // Recorded before QEMU stops: killed in between, the guest is found paused for
            // the snapshot and runs again, whether QEMU had stopped it or not.
            t.set_state(State::Paused(PausedReason::Snapshot))?;
            qmp.stop().map_err(qmp_failed)?;
        }
        saves::write_memory(&mut qmp, target, &t.live, running)?;
        if running && live {
            // QEMU paused the guest itself as its migration converged.
            t.set_state(State::Paused(PausedReason::Snapshot))?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        if running {
            // The error that stopped the snapshot is the one reported.
            let _ = create::resume(t, &mut qmp);
        }
        return c.undo(e);
    }
    c.intent.memory_whole = true;
    c.record()?;
    // The disk part opens the monitor itself, and QEMU serves one client at a time.
    drop(qmp);
    if c.def.disks.iter().any(|k| k.snapshot == Location::External) {
        if let Err(e) = external::create_active(t, c) {
            // The disk part removed what was made (the memory file included) and the record.
            if running {
                let _ = create::resume(t, &mut t.monitor()?);
            }
            return Err(e);
        }
    }
    if running && !c.flags.has(F::HALT) {
        create::resume(t, &mut t.monitor()?)?;
    }
    Ok(())
}

/// `qemuSnapshotRevertActive` for an external snapshot of a running or paused guest: QEMU is
/// stopped, the memory file is read and checked against the snapshot's definition, new
/// overlays go on the snapshot's disks, and a new QEMU starts from the memory file (a snapshot
/// without one boots afresh, as libvirt does).
pub fn revert(t: &mut Taking, mut r: Reverting) -> Result<()> {
    r.meta.set_intent(&r.intent)?;
    revert::stop(t)?;
    let file = r.def.memory_file.clone();
    let load = match file.as_deref().map(|f| memory_image(f, &r.config)) {
        Some(Err(e)) => return r.undo(e),
        Some(Ok(load)) => Some(load),
        None => None,
    };
    let saved = r.config.clone();
    if let Err(e) = revert::new_overlays(t, &r.meta, &mut r.config, &mut r.intent) {
        return r.undo(e);
    }
    // The persistent definition follows where its disk is the one the snapshot ran on.
    for (target, path) in &r.intent.overlays {
        let was = saved.devices.disks.iter().find(|d| &d.target_dev == target);
        let now = r
            .config
            .devices
            .disks
            .iter()
            .find(|d| &d.target_dev == target);
        if let (Some(was), Some(now)) = (was, now) {
            let format = super::disk_format(now);
            external::switch_disk(&mut r.inactive, target, Some(&was.source), path, format);
        }
    }
    let image = load.as_ref().map(|l| &l.image);
    if let Err(e) = revert::boot(t, r.config.clone(), true, image) {
        return r.undo(e);
    }
    if let Err(e) = revert::run_or_pause(t, &r.def, r.flags) {
        let _ = crate::driver::qemu::process::stop(&t.d.paths(&t.o.name));
        t.d.store
            .write_status(&t.o.name, &shut_off(ShutoffReason::Failed))?;
        return r.undo(e);
    }
    r.decide(t)?;
    r.finish(t)
}

/// The memory file of a snapshot, read for loading: libvirt's refusals of a save image, and its
/// definition checked against the one the guest will run (`virDomainDefCheckABIStability`).
fn memory_image<'a>(file: &'a str, config: &DomainDef) -> Result<saves::Loadable<'a>> {
    let load = saves::loadable(Path::new(file), None, SaveFlags::default(), None)?;
    check_abi_stability(&load.def, config)?;
    Ok(load)
}
