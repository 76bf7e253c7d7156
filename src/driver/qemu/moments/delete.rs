//! Deleting snapshots (libvirt's `qemuSnapshotDelete`): libvirt's refusals, the data (an
//! internal snapshot's tag deleted by `snapshot-delete` or `qemu-img snapshot -d`; an external
//! snapshot's overlay committed into its backing image when the domain runs on it, or its
//! files removed, and its memory file removed), then the metadata (children handed to the parent, the current snapshot
//! moved up). The data part is idempotent, so that a deletion a crash interrupted is finished
//! by running it again (`reconcile`).

use serde_json::json;

use super::block::{self, qmp_failed};
use super::create::{lock_snapshot, Locked, Taking};
use super::images;
use super::meta::{Intent, Meta, Op};
use super::{disk_format, disk_path};
use crate::driver::moments::{Deletion, MomentTree};
use crate::driver::prelude::*;
use crate::model::domain::DiskSource;
use crate::model::snapshot::{Location, SnapshotDef};

type F = SnapshotDeleteFlags;

pub fn delete(
    d: &crate::driver::qemu::domains::Domains,
    snap: &SnapshotRef,
    flags: F,
) -> Result<()> {
    Error::check_flags(flags.0, 0x7, "qemuSnapshotDelete")?;
    let Locked {
        lock: _lock,
        mut t,
        meta,
        tree,
        def,
    } = lock_snapshot(d, snap)?;
    let metadata_only = flags.has(F::METADATA_ONLY);
    let how = Deletion::of(flags.has(F::CHILDREN), flags.has(F::CHILDREN_ONLY));
    if !metadata_only {
        validate(&t, &tree, &def, flags)?;
    }
    let names = doomed(&tree, &snap.name, how);
    let mut intent = Intent::new(Op::Delete, names.clone());
    intent.metadata_only = metadata_only;
    meta.set_intent(&intent)?;
    if metadata_only {
        // The files stay, the user's now: virtsh no longer removes them (`gc.rs`).
        let kept: Vec<String> = names
            .iter()
            .filter_map(|n| tree.get(n))
            .flat_map(|d| d.disks.iter().chain(&d.revert_disks))
            .filter_map(|k| k.path.clone())
            .collect();
        meta.set_owned(
            &meta
                .owned()
                .into_iter()
                .filter(|o| !kept.contains(o))
                .collect::<Vec<_>>(),
        )?;
    }
    if !metadata_only {
        for (i, name) in names.iter().enumerate() {
            let def = tree.get(name).cloned().expect("listed");
            if let Err(e) = discard_data(&mut t, &tree, &def) {
                // What went before is deleted, metadata and all; this one and the rest stay.
                finish(&meta, &t.o.uuid, &names[..i])?;
                return Err(e);
            }
        }
    }
    finish(&meta, &t.o.uuid, &names)?;
    super::gc::collect(t.d, &t.o.name, &meta)
}

/// What a deletion removes, each moment after all below it: the descendants (unless only
/// the one goes), then the moment itself (unless only its children go).
pub fn doomed<T: crate::driver::moments::Moment>(
    tree: &MomentTree<T>,
    name: &str,
    how: Deletion,
) -> Vec<String> {
    let mut names = match how {
        Deletion::One => Vec::new(),
        _ => tree.list(Some(name), walk_all(), |_| true),
    };
    names.reverse();
    if how != Deletion::ChildrenOnly {
        names.push(name.to_string());
    }
    names
}

pub(super) fn walk_all() -> crate::driver::moments::Walk {
    crate::driver::moments::Walk {
        descendants: true,
        ..Default::default()
    }
}

/// `qemuSnapshotDeleteValidate`.
fn validate(t: &Taking, tree: &MomentTree<SnapshotDef>, def: &SnapshotDef, flags: F) -> Result<()> {
    let name = &def.moment.name;
    if !def.is_external() && t.active() {
        for k in &def.disks {
            let live = t.live.devices.disks.iter().find(|d| d.target_dev == k.name);
            let Some(live) = live else {
                return Err(Error::operation_failed(format!(
                    "disk '{}' referenced by snapshot '{name}' not found in the current definition",
                    k.name
                )));
            };
            let saved = def
                .moment
                .dom
                .as_ref()
                .and_then(|d| d.devices.disks.iter().find(|d| d.target_dev == k.name));
            let Some(saved) = saved else {
                return Err(Error::operation_failed(format!(
                    "disk '{}' referenced by snapshot '{name}' not found in the VM definition of the deleted snapshot",
                    k.name
                )));
            };
            if saved.source != live.source {
                return Err(Error::operation_unsupported(format!(
                    "disk image '{}' for internal snapshot '{name}' is not the same as disk image currently used by VM",
                    k.name
                )));
            }
        }
    }
    if flags.any(F::CHILDREN | F::CHILDREN_ONLY) {
        let below = tree.list(Some(name), walk_all(), |_| true);
        let external = below
            .iter()
            .filter(|n| tree.get(n).is_some_and(SnapshotDef::is_external))
            .count();
        if external > 0 && external < below.len() {
            return Err(Error::unsupported(
                "deletion of external and internal children disk snapshots not supported",
            ));
        }
        if external > 0 {
            return Err(Error::unsupported(
                "deletion of external children disk snapshots not supported",
            ));
        }
    }
    if def.is_external() {
        let current = tree.current();
        let children = tree.count_below(name, false);
        if flags.has(F::CHILDREN) {
            return Err(Error::unsupported(
                "deletion of external disk snapshots with children not supported",
            ));
        }
        if current == Some(name.as_str()) && children != 0 {
            return Err(Error::unsupported(
                "deletion of active external snapshot that is not a leaf snapshot is not supported",
            ));
        }
        let in_chain = current.is_some_and(|c| ancestors(tree, c).iter().any(|a| a == name));
        if current != Some(name.as_str()) && children != 0 && !in_chain {
            return Err(Error::unsupported(
                "deletion of non-leaf external snapshot that is not in active chain is not supported",
            ));
        }
        if children > 1 {
            return Err(Error::unsupported(
                "deletion of external disk snapshot with multiple children snapshots not supported",
            ));
        }
        let merge = current == Some(name.as_str()) || children != 0;
        let parent_internal = def
            .disks
            .iter()
            .filter(|k| k.snapshot == Location::External)
            .any(|k| parent_for_disk(tree, def, &k.name).is_some_and(|p| !p.is_external()));
        if merge && !flags.any(F::CHILDREN | F::CHILDREN_ONLY) && parent_internal {
            return Err(Error::operation_unsupported(
                "deleting external snapshot that has internal snapshot as parent not supported",
            ));
        }
    }
    Ok(())
}

/// The nearest ancestor of `def` that took disk `disk` (any location but `no`): the snapshot
/// whose image the disk's snapshot was taken on (`qemuSnapshotFindParentSnapForDisk`), so that
/// a memory-only snapshot in between does not count.
fn parent_for_disk<'a>(
    tree: &'a MomentTree<SnapshotDef>,
    def: &SnapshotDef,
    disk: &str,
) -> Option<&'a SnapshotDef> {
    let mut at = def.moment.parent.as_deref().and_then(|p| tree.get(p));
    // A tree has no cycles; the bound only keeps a damaged one from looping.
    for _ in 0..100_000 {
        let p = at?;
        if p.disks
            .iter()
            .any(|k| k.name == disk && k.snapshot != Location::No)
        {
            return Some(p);
        }
        at = p.moment.parent.as_deref().and_then(|q| tree.get(q));
    }
    None
}

fn ancestors(tree: &MomentTree<SnapshotDef>, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = tree.get(name).and_then(|d| d.moment.parent.clone());
    while let Some(p) = at {
        if out.contains(&p) {
            break;
        }
        at = tree.get(&p).and_then(|d| d.moment.parent.clone());
        out.push(p);
    }
    out
}

/// The snapshot's data goes; what is gone already is skipped.
pub fn discard_data(
    t: &mut Taking,
    tree: &MomentTree<SnapshotDef>,
    def: &SnapshotDef,
) -> Result<()> {
    if def.is_external() {
        return discard_external(t, tree, def);
    }
    let name = &def.moment.name;
    if t.active() {
        let mut qmp = t.monitor()?;
        let nodes = block::disk_nodes(&mut qmp)?;
        let named = block::named_nodes(&mut qmp)?;
        let devices: Vec<String> = t
            .live
            .devices
            .disks
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.readonly)
            .filter_map(|(i, _)| block::node_of(&nodes, i))
            .filter(|n| block::snapshot_in(&named, &n.node, name).is_some())
            .map(|n| n.node.clone())
            .collect();
        if devices.is_empty() {
            return Ok(());
        }
        let args = json!({
            "job-id": format!("internal-snapshot-delete-{name}"),
            "tag": name,
            "devices": devices,
        });
        return block::run_job(&mut qmp, "snapshot-delete", args, |e| {
            Error::operation_failed(format!(
                "deletion of internal snapshot '{name}' job failed: {e}"
            ))
        });
    }
    let dom = def.moment.dom.as_ref().unwrap_or(&t.live);
    for (k, dd) in def.disks.iter().zip(&dom.devices.disks) {
        if dd.device != "disk" || k.snapshot != Location::Internal || disk_format(dd) != "qcow2" {
            continue;
        }
        // Failures are only warnings to libvirt; a tag already gone is what a finished
        // deletion leaves.
        if let Some(path) = disk_path(t.d, dd)? {
            if images::Info::of(&path).is_ok_and(|i| i.has_snapshot(name)) {
                let _ = images::run_settling(&["snapshot", "-d", name, &path]);
            }
        }
    }
    Ok(())
}

/// `qemuSnapshotDiscardExternal`: an overlay the domain runs on is committed into its backing
/// image (the image the snapshot's definition names) and removed; a leaf that nothing runs on
/// loses the image it was taken on when its parent snapshot is external, as in libvirt.
fn discard_external(
    t: &mut Taking,
    tree: &MomentTree<SnapshotDef>,
    def: &SnapshotDef,
) -> Result<()> {
    let name = &def.moment.name;
    let current = tree.current() == Some(name.as_str());
    let children = tree.count_below(name, false);
    let saved = def.moment.dom.clone().unwrap_or_else(|| t.live.clone());
    for k in def
        .disks
        .iter()
        .filter(|k| k.snapshot == Location::External)
    {
        let Some(parent) = saved.devices.disks.iter().find(|d| d.target_dev == k.name) else {
            return Err(Error::operation_failed(format!(
                "failed to find disk '{}' in snapshot VM XML",
                k.name
            )));
        };
        let base = disk_path(t.d, parent)?.unwrap_or_default();
        if !current && children == 0 {
            let parent_external =
                parent_for_disk(tree, def, &k.name).is_some_and(SnapshotDef::is_external);
            // libvirt unlinks it regardless; with memory-only snapshots about, the domain may
            // run on it still (its overlay's backing file) or another snapshot be taken on it,
            // so virtsh keeps it then.
            if parent_external && !in_use(t, &base) && !referenced(tree, name, &base) {
                let _ = std::fs::remove_file(&base);
            }
            continue;
        }
        let i = t
            .live
            .devices
            .disks
            .iter()
            .position(|d| d.target_dev == k.name)
            .ok_or_else(|| Error::operation_failed(format!("disk '{}' not found", k.name)))?;
        let top = disk_path(t.d, &t.live.devices.disks[i])?.unwrap_or_default();
        // The overlay the snapshot made (`qemuSnapshotExternalGetSnapDiskSrc`): the image
        // its child was taken on, else (current) the one the domain runs on.
        let child = tree.list(Some(name), Default::default(), |_| true);
        let overlay = match child.first().and_then(|c| tree.get(c)) {
            Some(c) => c
                .moment
                .dom
                .as_ref()
                .and_then(|d| d.devices.disks.iter().find(|d| d.target_dev == k.name))
                .and_then(|d| disk_path_plain(&d.source).map(String::from))
                .unwrap_or_else(|| top.clone()),
            None => top.clone(),
        };
        // The snapshots below that were taken on the overlay (a memory-only one has no
        // overlay of its own) name its backing image instead, once it is gone; so a deletion
        // a crash interrupted after the commit only has that left to do.
        let retarget = || retarget_descendants(t, tree, name, &k.name, &overlay, parent);
        // The images other than the domain's whose backing file was the overlay go on
        // `base` (where its data is now), before the overlay goes.
        let meta = t.meta(super::meta::Kind::Snapshot);
        let rebase = || {
            let format = disk_format(parent);
            super::gc::rebase_onto(t.d, &t.o.name, &meta, &overlay, &base, format)
        };
        if overlay == base || (overlay != top && !std::path::Path::new(&overlay).exists()) {
            retarget()?;
            continue;
        }
        if overlay != top {
            commit_below(t, i, &top, &overlay, &base, disk_format(parent))?;
            rebase()?;
            let _ = std::fs::remove_file(&overlay);
            retarget()?;
            continue;
        }
        if t.active() {
            commit_active(t, i, &base)?;
        } else {
            images::run(&["commit", "-d", &overlay]).map(drop)?;
        }
        let source = parent.source.clone();
        let format = disk_format(parent).to_string();
        for dom in [Some(&mut t.live), t.config.as_mut()].into_iter().flatten() {
            if let Some(d) = dom
                .devices
                .disks
                .iter_mut()
                .find(|d| d.target_dev == k.name)
            {
                if disk_path_plain(&d.source) == Some(overlay.as_str()) {
                    d.source = source.clone();
                    d.driver.format = Some(format.clone());
                }
            }
        }
        if let Some(config) = &t.config {
            t.d.store.write_def(config)?;
        }
        if let Some(status) = t.status.as_mut() {
            status.live = Some(t.live.clone());
            t.d.store.write_status(&t.o.name, status)?;
        }
        let format = disk_format(parent);
        super::gc::rebase_onto(t.d, &t.o.name, &meta, &overlay, &base, format)?;
        let _ = std::fs::remove_file(&overlay);
        retarget_descendants(t, tree, name, &k.name, &overlay, parent)?;
    }
    // The memory file goes too; failing to remove it is only a warning to libvirt, and one
    // already gone is what a deletion a crash interrupted left.
    if def.memory == Location::External {
        if let Some(file) = &def.memory_file {
            let _ = std::fs::remove_file(file);
        }
    }
    Ok(())
}

/// Whether a snapshot other than `name` was taken on `image` or on an image above it (a disk
/// of its definitions: what a revert to it puts its new overlay on). Overlays a snapshot made
/// are not counted: nothing reverts onto them.
fn referenced(tree: &MomentTree<SnapshotDef>, name: &str, image: &str) -> bool {
    let others = tree.list(None, walk_all(), |_| true);
    others
        .iter()
        .filter(|n| n.as_str() != name)
        .filter_map(|n| tree.get(n))
        .flat_map(|d| [d.moment.dom.as_ref(), d.moment.inactive_dom.as_ref()])
        .flatten()
        .flat_map(|dom| &dom.devices.disks)
        .filter_map(|k| disk_path_plain(&k.source))
        .any(|top| in_chain(top, image))
}

/// Whether `image` is in the backing chain of a disk the domain's definitions use.
fn in_use(t: &Taking, image: &str) -> bool {
    let defs = [Some(&t.live), t.config.as_ref()];
    let disks = defs.into_iter().flatten().flat_map(|d| &d.devices.disks);
    disks
        .filter_map(|dd| disk_path(t.d, dd).ok().flatten())
        .any(|top| in_chain(&top, image))
}

/// Whether `image` is `top` or in its backing chain.
fn in_chain(top: &str, image: &str) -> bool {
    let mut at = Some(top.to_string());
    for _ in 0..64 {
        let Some(path) = at else { break };
        if path == image {
            return true;
        }
        at = images::Info::of(&path)
            .ok()
            .and_then(|i| i.backing().map(String::from));
    }
    false
}

/// Commits `overlay`, an image below the domain's top one, into its backing image `base`:
/// QEMU's `block-commit` of that layer (it relinks the image above), or `qemu-img commit`
/// and a rebase of the image above onto `base` when the domain is shut off.
fn commit_below(
    t: &Taking,
    i: usize,
    top: &str,
    overlay: &str,
    base: &str,
    base_format: &str,
) -> Result<()> {
    if t.active() {
        let mut qmp = t.monitor()?;
        let named = block::named_nodes(&mut qmp)?;
        let node = |file: &str| {
            named
                .iter()
                .find(|n| n["file"] == file && n["drv"] != "file")
                .and_then(|n| n["node-name"].as_str())
                .map(String::from)
                .ok_or_else(|| {
                    Error::operation_failed("failed to find parent disk source in backing chain")
                })
        };
        // A commit a killed virtsh saw through has dropped the overlay from the chain.
        if !named.iter().any(|n| n["file"] == overlay) {
            return Ok(());
        }
        let (top_node, base_node) = (node(overlay)?, node(base)?);
        let id = format!("commit-drive{i}");
        block::finish_job(&mut qmp, &id)?;
        let args = json!({"job-id": id, "device": format!("drive{i}"),
            "top-node": top_node, "base-node": base_node});
        qmp.execute("block-commit", Some(args))
            .map_err(qmp_failed)?;
        return match block::finish_job(&mut qmp, &id)? {
            Some(e) => Err(Error::internal(format!(
                "block commit failed while deleting disk 'drive{i}' snapshot: '{e}'"
            ))),
            None => Ok(()),
        };
    }
    // The image whose backing file is the overlay: down the chain from the top.
    let mut above = top.to_string();
    for _ in 0..64 {
        match images::Info::of(&above)?.backing() {
            Some(b) if b == overlay => break,
            Some(b) => above = b.to_string(),
            None => return Ok(()),
        }
    }
    images::run(&["commit", "-d", overlay])?;
    let format = images::Info::of(&above)?.format().to_string();
    images::rebase_unsafe(&above, &format, base, base_format)
}

/// The snapshots below the one deleted that were taken on its overlay name its backing image
/// instead (`qemuSnapshotDeleteUpdateDisks`).
fn retarget_descendants(
    t: &Taking,
    tree: &MomentTree<SnapshotDef>,
    name: &str,
    target: &str,
    overlay: &str,
    parent: &crate::model::domain::Disk,
) -> Result<()> {
    let meta = t.meta(super::meta::Kind::Snapshot);
    for n in tree.list(Some(name), walk_all(), |_| true) {
        let Some(mut d) = tree.get(&n).cloned() else {
            continue;
        };
        let mut changed = false;
        for dom in [d.moment.dom.as_mut(), d.moment.inactive_dom.as_mut()]
            .into_iter()
            .flatten()
        {
            for disk in dom.devices.disks.iter_mut() {
                if disk.target_dev == target && disk_path_plain(&disk.source) == Some(overlay) {
                    disk.source = parent.source.clone();
                    disk.driver.format = parent.driver.format.clone();
                    changed = true;
                }
            }
        }
        if changed {
            meta.write(&n, &d.to_xml(&t.o.uuid))?;
        }
    }
    Ok(())
}

fn disk_path_plain(s: &DiskSource) -> Option<&str> {
    match s {
        DiskSource::File(p) | DiskSource::Block(p) => Some(p),
        _ => None,
    }
}

/// An active `block-commit` of disk `i`'s top image into the image at `base`, pivoted.
fn commit_active(t: &Taking, i: usize, base: &str) -> Result<()> {
    let mut qmp = t.monitor()?;
    // A commit a killed virtsh saw through has pivoted the disk onto `base` already (the
    // definitions may not say so yet).
    let nodes = block::disk_nodes(&mut qmp)?;
    if block::node_of(&nodes, i).is_some_and(|n| n.file == base) {
        return Ok(());
    }
    let named = block::named_nodes(&mut qmp)?;
    let base_node = named
        .iter()
        .find(|n| n["file"] == base && n["drv"] != "file")
        .and_then(|n| n["node-name"].as_str())
        .ok_or_else(|| {
            Error::operation_failed("failed to find parent disk source in backing chain")
        })?
        .to_string();
    let id = format!("commit-drive{i}");
    block::finish_job(&mut qmp, &id)?;
    qmp.execute(
        "block-commit",
        Some(json!({"job-id": id, "device": format!("drive{i}"), "base-node": base_node})),
    )
    .map_err(qmp_failed)?;
    match block::finish_job(&mut qmp, &id)? {
        Some(e) => Err(Error::internal(format!(
            "block commit failed while deleting disk 'drive{i}' snapshot: '{e}'"
        ))),
        None => Ok(()),
    }
}

/// The metadata after a deletion of `names` (in [`doomed`]'s order): the tree's rules
/// (children to the parent, the current one up; a parent's revert overlays become its
/// disks), every changed file rewritten, the deleted files removed, and the record of the
/// operation last.
pub fn finish(meta: &Meta, uuid: &uuid::Uuid, names: &[String]) -> Result<()> {
    let mut tree = meta.stored_snapshots();
    let before: Vec<String> = tree.list(None, walk_all(), |_| true);
    for name in names {
        let parent = tree.get(name).and_then(|d| d.moment.parent.clone());
        tree.delete(name, Deletion::One);
        if let Some(p) = parent.as_deref().and_then(|p| tree.get_mut(p)) {
            if !p.revert_disks.is_empty() {
                p.disks = std::mem::take(&mut p.revert_disks);
            }
        }
    }
    meta.store_after_deletion(&before, &tree, names, |d| d.to_xml(uuid))
}
