//! Snapshots and checkpoints on the embedded QEMU driver, as libvirt 11.3's QEMU driver takes
//! them (`qemu_snapshot.c`, `qemu_checkpoint.c`), on real images:
//!
//! - internal snapshots of qcow2 disks: a `snapshot-save` job on a running (or paused) guest,
//!   memory included; `qemu-img snapshot -c` on a shut-off one. Reverting restarts QEMU
//!   paused and loads the snapshot (`snapshot-load`), or applies it with `qemu-img snapshot
//!   -a`; deleting runs `snapshot-delete` or `qemu-img snapshot -d` (`create`, `revert`,
//!   `delete`);
//! - external disk-only snapshots: overlays made by QEMU (`blockdev-snapshot-sync` in one
//!   transaction) or by `qemu-img create -b`, the live and persistent definitions switched to
//!   them; reverting makes new overlays on the snapshot's images; deleting one that nothing
//!   runs on removes its overlay files (`external`);
//! - external snapshots with memory (`--memspec`): the memory in a save image written by
//!   QEMU's migration, the disks on overlays; reverting loads the image into a new QEMU on new
//!   overlays (`memory`);
//! - checkpoints: persistent dirty bitmaps added in a `transaction` on a running guest,
//!   removed again when the checkpoint goes (`checkpoints`).
//!
//! Every change runs under the domain's lock, after the domain has been settled (which also
//! finishes or undoes what a killed operation left: `reconcile`). Metadata lives under the root
//! (`meta`) and is written only once QEMU or `qemu-img` has finished.

mod block;
mod checkpoints;
mod create;
mod delete;
mod external;
mod gc;
mod images;
mod memory;
pub mod meta;
mod reconcile;
mod revert;

pub use reconcile::reconcile;

#[cfg(test)]
mod tests;

use super::domains::{Domains, Observed};
use super::QemuDriver;
use crate::driver::moments::{snapshot_passes, snapshot_walk};
use crate::driver::prelude::*;
use crate::model::domain::{Disk, DiskSource};
use crate::model::snapshot::SnapshotDef;
use meta::{Kind, Meta};

/// `undefine`: an inactive domain with snapshots or checkpoints keeps them unless their
/// metadata may go (it goes with the domain's other files when `remove`; a dry run only
/// refuses).
pub fn undefining(
    root: &std::path::Path,
    o: &Observed,
    flags: UndefineFlags,
    remove: bool,
) -> Result<()> {
    meta::check_undefine(
        root,
        &o.name,
        o.state.is_active(),
        flags.has(UndefineFlags::SNAPSHOTS_METADATA),
        flags.has(UndefineFlags::CHECKPOINTS_METADATA),
        remove,
    )
}

fn snapshot_not_found(name: &str) -> Error {
    Error::no_snapshot(format!("no domain snapshot with matching name '{name}'"))
}

/// The path of a disk's image: its file or device, or its pool volume's path.
fn disk_path(d: &Domains, disk: &Disk) -> Result<Option<String>> {
    Ok(match &disk.source {
        DiskSource::None => None,
        DiskSource::File(p) | DiskSource::Block(p) => Some(p.clone()),
        DiskSource::Volume { pool, volume } => {
            Some(d.storage.volume_path(pool, volume)?.display().to_string())
        }
    })
}

/// The format QEMU opens a disk with (virtsh's command line reads an unset one as raw).
fn disk_format(disk: &Disk) -> &str {
    disk.driver.format.as_deref().unwrap_or("raw")
}

/// Every list flag libvirt's QEMU driver takes.
const SNAPSHOT_LIST_FLAGS: u32 = 0x7ff;
const CHECKPOINT_LIST_FLAGS: u32 = 0xf;

impl QemuDriver {
    /// The domain (as a handle) and its metadata of `kind`, for a reader.
    fn moments_of(&self, dom: &DomainRef, kind: Kind) -> Result<(DomainRef, Meta)> {
        let v = self.domains().get(dom)?;
        let meta = Meta::new(self.store.root(), kind, &v.observed.name);
        Ok((v.observed.handle(), meta))
    }

    fn snapshot_def(&self, snap: &SnapshotRef) -> Result<(DomainRef, Meta, SnapshotDef)> {
        let (handle, meta) = self.moments_of(&snap.domain, Kind::Snapshot)?;
        let tree = meta.snapshots();
        let def = tree
            .get(&snap.name)
            .cloned()
            .ok_or_else(|| snapshot_not_found(&snap.name))?;
        Ok((handle, meta, def))
    }
}

impl SnapshotApi for QemuDriver {
    fn create_snapshot(
        &self,
        dom: &DomainRef,
        xml: &str,
        flags: SnapshotCreateFlags,
    ) -> Result<SnapshotRef> {
        create::create(&self.domains(), dom, xml, flags)
    }

    fn snapshot_xml(&self, snap: &SnapshotRef, flags: SnapshotXmlFlags) -> Result<String> {
        Error::check_flags(
            flags.0,
            SnapshotXmlFlags::SECURE.0,
            "qemuDomainSnapshotGetXMLDesc",
        )?;
        let (handle, _, def) = self.snapshot_def(snap)?;
        Ok(def.to_xml(&handle.uuid))
    }

    fn list_snapshots(
        &self,
        dom: &DomainRef,
        flags: SnapshotListFlags,
    ) -> Result<Vec<SnapshotRef>> {
        Error::check_flags(flags.0, SNAPSHOT_LIST_FLAGS, "qemuDomainListAllSnapshots")?;
        let (handle, meta) = self.moments_of(dom, Kind::Snapshot)?;
        let walk = snapshot_walk(flags, !flags.has(SnapshotListFlags::ROOTS));
        Ok(meta
            .snapshots()
            .list(None, walk, |s| snapshot_passes(s, flags))
            .into_iter()
            .map(|name| SnapshotRef::new(handle.clone(), name))
            .collect())
    }

    fn snapshot_children(
        &self,
        snap: &SnapshotRef,
        flags: SnapshotListFlags,
    ) -> Result<Vec<SnapshotRef>> {
        Error::check_flags(
            flags.0,
            SNAPSHOT_LIST_FLAGS,
            "qemuDomainSnapshotListAllChildren",
        )?;
        let (handle, meta) = self.moments_of(&snap.domain, Kind::Snapshot)?;
        let tree = meta.snapshots();
        tree.get(&snap.name)
            .ok_or_else(|| snapshot_not_found(&snap.name))?;
        let walk = snapshot_walk(flags, flags.has(SnapshotListFlags::DESCENDANTS));
        Ok(tree
            .list(Some(&snap.name), walk, |s| snapshot_passes(s, flags))
            .into_iter()
            .map(|name| SnapshotRef::new(handle.clone(), name))
            .collect())
    }

    fn snapshot_by_name(&self, dom: &DomainRef, name: &str) -> Result<SnapshotRef> {
        let (handle, meta) = self.moments_of(dom, Kind::Snapshot)?;
        meta.snapshots()
            .get(name)
            .ok_or_else(|| snapshot_not_found(name))?;
        Ok(SnapshotRef::new(handle, name))
    }

    fn has_current_snapshot(&self, dom: &DomainRef) -> Result<bool> {
        let (_, meta) = self.moments_of(dom, Kind::Snapshot)?;
        Ok(meta.snapshots().current().is_some())
    }

    fn current_snapshot(&self, dom: &DomainRef) -> Result<SnapshotRef> {
        let (handle, meta) = self.moments_of(dom, Kind::Snapshot)?;
        let tree = meta.snapshots();
        let name = tree
            .current()
            .ok_or_else(|| Error::no_snapshot("the domain does not have a current snapshot"))?;
        Ok(SnapshotRef::new(handle, name))
    }

    fn snapshot_parent(&self, snap: &SnapshotRef) -> Result<SnapshotRef> {
        let (handle, _, def) = self.snapshot_def(snap)?;
        let parent = def.moment.parent.ok_or_else(|| {
            Error::no_snapshot(format!("snapshot '{}' does not have a parent", snap.name))
        })?;
        Ok(SnapshotRef::new(handle, parent))
    }

    fn snapshot_is_current(&self, snap: &SnapshotRef) -> Result<bool> {
        let (_, meta, _) = self.snapshot_def(snap)?;
        Ok(meta.snapshots().current() == Some(snap.name.as_str()))
    }

    /// Every snapshot this driver knows of has metadata.
    fn snapshot_has_metadata(&self, snap: &SnapshotRef) -> Result<bool> {
        self.snapshot_def(snap)?;
        Ok(true)
    }

    fn revert_to_snapshot(&self, snap: &SnapshotRef, flags: SnapshotRevertFlags) -> Result<()> {
        revert::revert(&self.domains(), snap, flags)
    }

    fn delete_snapshot(&self, snap: &SnapshotRef, flags: SnapshotDeleteFlags) -> Result<()> {
        delete::delete(&self.domains(), snap, flags)
    }
}

impl CheckpointApi for QemuDriver {
    fn create_checkpoint(
        &self,
        dom: &DomainRef,
        xml: &str,
        flags: CheckpointCreateFlags,
    ) -> Result<CheckpointRef> {
        checkpoints::create(&self.domains(), dom, xml, flags)
    }

    fn checkpoint_xml(&self, chk: &CheckpointRef, flags: CheckpointXmlFlags) -> Result<String> {
        checkpoints::xml(&self.domains(), chk, flags)
    }

    fn list_checkpoints(
        &self,
        dom: &DomainRef,
        flags: CheckpointListFlags,
    ) -> Result<Vec<CheckpointRef>> {
        Error::check_flags(
            flags.0,
            CHECKPOINT_LIST_FLAGS,
            "qemuDomainListAllCheckpoints",
        )?;
        let (handle, meta) = self.moments_of(dom, Kind::Checkpoint)?;
        let walk =
            crate::driver::moments::checkpoint_walk(flags, !flags.has(CheckpointListFlags::ROOTS));
        Ok(meta
            .checkpoints()
            .list(None, walk, |_| true)
            .into_iter()
            .map(|name| CheckpointRef::new(handle.clone(), name))
            .collect())
    }

    fn checkpoint_children(
        &self,
        chk: &CheckpointRef,
        flags: CheckpointListFlags,
    ) -> Result<Vec<CheckpointRef>> {
        Error::check_flags(
            flags.0,
            CHECKPOINT_LIST_FLAGS,
            "qemuDomainCheckpointListAllChildren",
        )?;
        let (handle, meta) = self.moments_of(&chk.domain, Kind::Checkpoint)?;
        let tree = meta.checkpoints();
        tree.get(&chk.name)
            .ok_or_else(|| checkpoints::not_found(&chk.name))?;
        let walk = crate::driver::moments::checkpoint_walk(
            flags,
            flags.has(CheckpointListFlags::DESCENDANTS),
        );
        Ok(tree
            .list(Some(&chk.name), walk, |_| true)
            .into_iter()
            .map(|name| CheckpointRef::new(handle.clone(), name))
            .collect())
    }

    fn checkpoint_by_name(&self, dom: &DomainRef, name: &str) -> Result<CheckpointRef> {
        let (handle, meta) = self.moments_of(dom, Kind::Checkpoint)?;
        meta.checkpoints()
            .get(name)
            .ok_or_else(|| checkpoints::not_found(name))?;
        Ok(CheckpointRef::new(handle, name))
    }

    fn checkpoint_parent(&self, chk: &CheckpointRef) -> Result<CheckpointRef> {
        let (handle, meta) = self.moments_of(&chk.domain, Kind::Checkpoint)?;
        let tree = meta.checkpoints();
        let def = tree
            .get(&chk.name)
            .ok_or_else(|| checkpoints::not_found(&chk.name))?;
        let parent = def.moment.parent.clone().ok_or_else(|| {
            Error::no_checkpoint(format!("checkpoint '{}' does not have a parent", chk.name))
        })?;
        Ok(CheckpointRef::new(handle, parent))
    }

    fn delete_checkpoint(&self, chk: &CheckpointRef, flags: CheckpointDeleteFlags) -> Result<()> {
        checkpoints::delete(&self.domains(), chk, flags)
    }
}
