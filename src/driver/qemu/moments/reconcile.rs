//! What a killed snapshot or checkpoint operation left, finished or undone by the next
//! operation that settles the domain under its lock (`Domains::settle` calls [`reconcile`]).
//!
//! Every operation writes its record (`meta::Intent`) before it touches a QEMU or an image,
//! writes the metadata only once QEMU or `qemu-img` has finished, and removes the record
//! last. Readers never see a half-done create (its metadata file does not exist yet) nor a
//! half-done deletion (the record hides the moments it names). On the next settle:
//!
//! - a QEMU job a killed virtsh left running (`snapshot-save`, `snapshot-load`, `-delete`, a
//!   commit) is waited for and dismissed first;
//! - **create**: metadata already written means the snapshot was whole: it becomes current.
//!   Otherwise an internal snapshot is undone (its tag deleted from every image that has it,
//!   `snapshot-delete` or `qemu-img snapshot -d`) and a guest paused for it runs again; an
//!   external one whose overlays the domain already runs on is carried forward (definitions
//!   and metadata written: its data is whole), else its new files are removed. One with
//!   memory first has QEMU's migration into its memory file cancelled; it is whole only when
//!   the create marked that file whole (and its overlays are in use), else the files it made
//!   go (a half-written memory file never reads as whole: its header says
//!   `LibvirtQemudPart`), and the guest it paused runs again (`running (save canceled)`).
//!   A checkpoint's bitmaps without metadata are removed;
//! - **revert**: one decided (its record says `committed`: the new overlays are made and, for
//!   a running snapshot, the guest runs on them) is finished: the persistent definition, the
//!   snapshots' overlays, the current snapshot (a QEMU it was still starting is stopped).
//!   Otherwise a QEMU the revert started (loading a memory file or not), or the one it was
//!   stopping, is stopped (the domain reads `shut off (from snapshot)`), the overlays it
//!   made that no definition uses are removed, and the current snapshot stays what it was;
//! - **delete**: the deletion is run again (its data part is idempotent: a commit QEMU has
//!   seen through is not run again) and finished.
//!
//! Then the overlays virtsh made that nothing names any more are removed (`gc.rs`).

use super::block::{self, qmp_failed};
use super::create::{read, Taking};
use super::images;
use super::meta::{Intent, Kind, Meta, Op};
use super::{disk_format, disk_path, external};
use crate::driver::prelude::*;
use crate::driver::qemu::domains::{Domains, Observed};
use crate::driver::qemu::process;
use crate::driver::qemu::saves;
use crate::driver::qemu::store::shut_off;
use crate::model::checkpoint::CheckpointDef;
use crate::model::domain::DiskSource;
use crate::model::moment::Reading;
use crate::model::snapshot::{Location, SnapshotDef, SnapshotReading};

/// Settles the snapshot and checkpoint operations a crash interrupted; the domain as it is
/// afterwards. One that cannot be settled now (its QEMU does not answer) stays recorded for
/// the next try: the operation that settles the domain goes on.
pub fn reconcile(d: &Domains, o: Observed) -> Result<Observed> {
    Ok(settle(d, o.clone()).unwrap_or(o))
}

fn settle(d: &Domains, o: Observed) -> Result<Observed> {
    let root = d.store.root();
    let snapshots = Meta::new(root, Kind::Snapshot, &o.name);
    let checkpoints = Meta::new(root, Kind::Checkpoint, &o.name);
    if !snapshots.has_intent() && !checkpoints.has_intent() {
        return Ok(o);
    }
    let mut t = read(d, o)?;
    // A revert runs no job, and the QEMU it was stopping may answer no more.
    let reverting = snapshots.intent().is_some_and(|i| i.op == Op::Revert);
    if t.active() && !reverting {
        let mut qmp = t.monitor()?;
        block::settle_jobs(&mut qmp)?;
    }
    if snapshots.has_intent() {
        match snapshots.intent() {
            Some(intent) => snapshot_intent(&mut t, &snapshots, intent)?,
            None => snapshots.clear_intent()?,
        }
    }
    if checkpoints.has_intent() {
        match checkpoints.intent() {
            Some(intent) => checkpoint_intent(&mut t, &checkpoints, intent)?,
            None => checkpoints.clear_intent()?,
        }
    }
    super::gc::collect(d, &t.o.name, &snapshots)?;
    Ok(t.o)
}

fn parse_snapshot(xml: &str) -> Option<SnapshotDef> {
    let how = SnapshotReading {
        reading: Reading::redefine(),
        validate: false,
        internal: false,
    };
    SnapshotDef::parse(xml, how).ok()
}

/// A create killed once its metadata was written had finished its data: the moment becomes
/// current and the record goes. Whether it was so.
fn finished(meta: &Meta, intent: &Intent) -> Result<bool> {
    let Some(name) = intent.names.first().filter(|n| meta.read(n).is_some()) else {
        return Ok(false);
    };
    meta.set_current(Some(name))?;
    meta.clear_intent()?;
    Ok(true)
}

fn snapshot_intent(t: &mut Taking, meta: &Meta, intent: Intent) -> Result<()> {
    match intent.op {
        Op::Create => {
            if finished(meta, &intent)? {
                return Ok(());
            }
            let Some(def) = intent.xml.as_deref().and_then(parse_snapshot) else {
                external::unlink_created(&intent);
                return meta.clear_intent();
            };
            if def.memory == Location::External {
                return memory_create(t, meta, &intent, &def);
            }
            if !intent.overlays.is_empty() {
                if overlays_in_use(t, &intent)? {
                    return external::carry_forward(t, &def, meta);
                }
                external::unlink_created(&intent);
                return meta.clear_intent();
            }
            let tree = meta.stored_snapshots();
            super::delete::discard_data(t, &tree, &def)?;
            if intent.resume && t.active() {
                let mut qmp = t.monitor()?;
                if !qmp.query_status().map_err(qmp_failed)?.running {
                    qmp.cont().map_err(qmp_failed)?;
                }
                t.set_state(State::Running(RunningReason::Unpaused))?;
            }
            meta.clear_intent()
        }
        Op::Revert if intent.committed => {
            // Decided: finished. A QEMU it was still starting is stopped.
            if t.active() && t.o.starting() {
                stop_reverted(t)?;
            }
            super::revert::apply_decided(t, meta, &intent)?;
            let name = intent.names.first().map(String::as_str);
            meta.set_current(name)?;
            meta.clear_intent()
        }
        Op::Revert => {
            let pid = t.status.as_ref().and_then(|s| s.brief.pid);
            // The QEMU that ran before is left when the revert had not begun to stop it (it
            // answers); a QEMU the revert started (or was starting: no pid recorded yet) is
            // stopped.
            let kept = pid == intent.qemu_pid
                && !t.o.starting()
                && t.monitor().is_ok_and(|mut q| q.query_status().is_ok());
            if t.active() && !kept {
                stop_reverted(t)?;
            }
            let used = |f: &String| {
                [t.config.as_ref(), Some(&t.live)]
                    .into_iter()
                    .flatten()
                    .any(|d| {
                        d.devices
                            .disks
                            .iter()
                            .any(|k| k.source == DiskSource::File(f.clone()))
                    })
            };
            for f in intent.created.iter().filter(|f| !used(f)) {
                let _ = std::fs::remove_file(f);
            }
            meta.clear_intent()
        }
        Op::Delete => {
            if !intent.metadata_only {
                let tree = meta.stored_snapshots();
                for name in &intent.names {
                    if let Some(def) = tree.get(name).cloned() {
                        super::delete::discard_data(t, &tree, &def)?;
                    }
                }
            }
            super::delete::finish(meta, &t.o.uuid, &intent.names)
        }
    }
}

/// Stops the QEMU a killed revert left (the domain reads `shut off (from snapshot)`).
fn stop_reverted(t: &mut Taking) -> Result<()> {
    process::stop(&t.d.paths(&t.o.name))?;
    t.d.store
        .write_status(&t.o.name, &shut_off(ShutoffReason::FromSnapshot))?;
    t.o.state = State::Shutoff(ShutoffReason::FromSnapshot);
    t.status = None;
    // What it ran on is no definition's any more.
    if let Some(config) = &t.config {
        t.live = config.clone();
    }
    Ok(())
}

/// A killed create of a snapshot with memory: QEMU's migration into the memory file is
/// cancelled; the snapshot is whole when this create marked its memory file whole and, if it
/// takes disks, the domain runs on its overlays: it is then carried forward. Otherwise the
/// files it made go. A guest it paused reads `paused (creating snapshot)` before the record
/// goes, and runs again right after (`running (save canceled)`, `saves::reconcile`), as
/// libvirt recovers a snapshot job.
fn memory_create(t: &mut Taking, meta: &Meta, intent: &Intent, def: &SnapshotDef) -> Result<()> {
    if t.active() {
        let mut qmp = t.monitor()?;
        saves::cancel_migration(&mut qmp)?;
        if intent.resume && !qmp.query_status().map_err(qmp_failed)?.running {
            t.set_state(State::Paused(PausedReason::Snapshot))?;
        }
    }
    let whole = intent.memory_whole
        && def
            .memory_file
            .as_deref()
            .is_some_and(|f| saves::is_whole(std::path::Path::new(f)));
    let takes_disks = def.disks.iter().any(|k| k.snapshot == Location::External);
    let on_overlays = !intent.overlays.is_empty() && overlays_in_use(t, intent)?;
    if whole && (on_overlays || !takes_disks) {
        return external::carry_forward(t, def, meta);
    }
    // The disks go on their overlays only once the memory file is whole: none is in use.
    external::unlink_created(intent);
    meta.clear_intent()
}

/// Whether the domain runs (or, shut off, is defined) on the overlays a create made.
fn overlays_in_use(t: &Taking, intent: &Intent) -> Result<bool> {
    if t.active() {
        let mut qmp = t.monitor()?;
        let nodes = block::disk_nodes(&mut qmp)?;
        return Ok(intent
            .overlays
            .iter()
            .any(|(_, path)| nodes.iter().any(|n| &n.file == path)));
    }
    let config = t.config.as_ref().unwrap_or(&t.live);
    Ok(intent.overlays.iter().any(|(target, path)| {
        config
            .devices
            .disks
            .iter()
            .any(|k| &k.target_dev == target && k.source == DiskSource::File(path.clone()))
    }))
}

fn checkpoint_intent(t: &mut Taking, meta: &Meta, intent: Intent) -> Result<()> {
    match intent.op {
        Op::Create => {
            if finished(meta, &intent)? {
                return Ok(());
            }
            let name = intent.names.first().cloned().unwrap_or_default();
            remove_bitmap_everywhere(t, &name)?;
            meta.clear_intent()
        }
        Op::Revert => meta.clear_intent(),
        Op::Delete => {
            if !intent.metadata_only {
                let tree = meta.stored_checkpoints();
                if t.active() {
                    super::checkpoints::remove_bitmaps(t, &tree, &intent.names, false)?;
                } else {
                    for name in &intent.names {
                        if tree.get(name).is_some() {
                            remove_bitmap_everywhere(t, name)?;
                        }
                    }
                }
            }
            super::checkpoints::finish(t, &intent.names)
        }
    }
}

/// Removes bitmap `name` from every qcow2 disk that has it.
fn remove_bitmap_everywhere(t: &Taking, name: &str) -> Result<()> {
    if t.active() {
        let mut def = CheckpointDef::parse(
            &format!("<domaincheckpoint><name>{name}</name></domaincheckpoint>"),
            Reading::new_moment(),
        )?;
        def.moment.dom = Some(t.live.clone());
        if def.align_disks().is_err() {
            return Ok(());
        }
        let mut tree = crate::driver::moments::MomentTree::default();
        tree.assign(def)?;
        return super::checkpoints::remove_bitmaps(t, &tree, &[name.to_string()], false);
    }
    for dd in &t.live.devices.disks {
        if disk_format(dd) != "qcow2" {
            continue;
        }
        if let Some(path) = disk_path(t.d, dd)? {
            if images::Info::of(&path).is_ok_and(|i| i.bitmaps().iter().any(|b| b == name)) {
                images::remove_bitmap(&path, name)?;
            }
        }
    }
    Ok(())
}
