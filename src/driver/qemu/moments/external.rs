//! External disk snapshots (libvirt's `qemuSnapshotPrepareDiskExternal`,
//! `qemuSnapshotCreateActiveExternal`, `qemuSnapshotCreateInactiveExternal`): each disk goes on
//! a new overlay whose backing file is the image it had, and the definitions follow it.
//!
//! A running domain's overlays are made by QEMU in one `transaction` of
//! `blockdev-snapshot-sync` actions (all disks or none), each overlay getting the persistent
//! bitmaps its backing image records (so checkpoints go on working); a shut-off domain's by
//! `qemu-img create -b`. The live XML names the overlay as the disk's source; the image it
//! replaced is the overlay's backing file (virtsh does not write `<backingStore>`).

use std::path::Path;

use serde_json::json;

use super::block;
use super::create::{finish_metadata, Creating, Taking};
use super::images;
use super::meta::{Intent, Meta};
use super::{disk_format, disk_path};
use crate::driver::prelude::*;
use crate::model::domain::{DiskSource, DomainDef};
use crate::model::snapshot::{Location, SnapshotDef, SnapshotDisk};

/// The overlay's format: the snapshot disk's, qcow2 when it names none.
pub fn overlay_format(disk: &SnapshotDisk) -> &str {
    disk.format.as_deref().unwrap_or("qcow2")
}

/// libvirt's checks of one external disk before anything is made.
pub fn prepare_disk(disk: &SnapshotDisk, active: bool, reuse: bool) -> Result<()> {
    let format = overlay_format(disk);
    if format != "qcow2" && format != "qed" {
        return Err(Error::unsupported(format!(
            "external snapshot format for disk {} is unsupported: {format}",
            disk.name
        )));
    }
    if disk.metadata_cache.is_some_and(|m| m > 0) && format != "qcow2" {
        return Err(Error::unsupported(
            "metadata cache max size control is supported only with qcow2 images",
        ));
    }
    let local = matches!(disk.kind.as_str(), "file" | "block");
    if !local {
        let when = if active { "active" } else { "inactive" };
        return Err(Error::internal(format!(
            "external {when} snapshots are not supported on '{}' disks",
            disk.kind
        )));
    }
    let Some(path) = disk.path.as_deref() else {
        return Ok(());
    };
    match std::fs::metadata(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::system(
            format!("unable to stat for disk {}: {path}", disk.name),
            &e,
        )),
        Err(e) if reuse => Err(Error::system(
            format!("missing existing file for disk {}: {path}", disk.name),
            &e,
        )),
        Err(_) if disk.kind == "block" => Err(Error::operation_unsupported(format!(
            "block device snapshot target '{path}' doesn't exist"
        ))),
        Err(_) => Ok(()),
        Ok(m) => {
            use std::os::unix::fs::FileTypeExt;
            let block = m.file_type().is_block_device();
            if (disk.kind == "block" && !block) || (disk.kind == "file" && !m.is_file()) {
                return Err(Error::unsupported(format!(
                    "mismatch between configured type for snapshot disk '{}' and the type of existing file '{path}'",
                    disk.name
                )));
            }
            if !reuse && disk.kind == "file" && m.len() > 0 {
                return Err(Error::unsupported(format!(
                    "external snapshot file for disk {} already exists and is not a block device: {path}",
                    disk.name
                )));
            }
            Ok(())
        }
    }
}

/// The external disks of `def`: (disk index, overlay path, overlay format).
fn overlays(def: &SnapshotDef) -> Vec<(usize, String, String)> {
    def.disks
        .iter()
        .enumerate()
        .filter(|(_, k)| k.snapshot == Location::External)
        .filter_map(|(i, k)| Some((i, k.path.clone()?, overlay_format(k).to_string())))
        .collect()
}

/// Removes the files an undone operation made.
pub fn unlink_created(intent: &Intent) {
    for f in &intent.created {
        let _ = std::fs::remove_file(f);
    }
}

/// A node name for a new overlay: unique in the QEMU, at most 31 characters.
fn node_name(index: usize) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("virtsh-{index}-{:x}", nanos & 0xffff_ffff_ffff)
}

/// Overlays for a running domain, made by QEMU in one transaction.
pub fn create_active(t: &mut Taking, c: &mut Creating) -> Result<()> {
    let (def, reuse) = (c.def, c.flags.has(SnapshotCreateFlags::REUSE_EXT));
    let mut qmp = t.monitor()?;
    let nodes = block::disk_nodes(&mut qmp)?;
    let named = block::named_nodes(&mut qmp)?;
    let mut actions = Vec::new();
    for (i, path, format) in overlays(def) {
        let top = block::node_of(&nodes, i).ok_or_else(|| {
            Error::internal(format!(
                "cannot find the image of disk '{}'",
                def.disks[i].name
            ))
        })?;
        if !Path::new(&path).exists() {
            c.intent.created.push(path.clone());
        }
        let new = node_name(i);
        actions.push(json!({"type": "blockdev-snapshot-sync", "data": {
            "node-name": top.node, "snapshot-file": path, "snapshot-node-name": new,
            "format": format, "mode": if reuse { "existing" } else { "absolute-paths" },
        }}));
        let bitmaps = named
            .iter()
            .find(|n| n["node-name"] == top.node.as_str())
            .and_then(|n| n["dirty-bitmaps"].as_array().cloned())
            .unwrap_or_default();
        for b in bitmaps.iter().filter(|b| b["persistent"] == true) {
            actions.push(json!({"type": "block-dirty-bitmap-add", "data": {
                "node": new, "name": b["name"], "persistent": true, "disabled": false,
                "granularity": b["granularity"],
            }}));
        }
        c.intent.overlays.push((def.disks[i].name.clone(), path));
    }
    c.own()?;
    c.record()?;
    if let Err(e) = block::transaction(&mut qmp, actions) {
        return c.undo(e);
    }
    switch_disks(t, def)
}

/// Overlays for a shut-off domain, made by `qemu-img create`.
pub fn create_inactive(t: &mut Taking, c: &mut Creating) -> Result<()> {
    let (def, reuse) = (c.def, c.flags.has(SnapshotCreateFlags::REUSE_EXT));
    let mut work = Vec::new();
    for (i, path, format) in overlays(def) {
        let dd = &t.live.devices.disks[i];
        let base = disk_path(t.d, dd)?.ok_or_else(|| {
            Error::internal("external inactive snapshots are not supported on 'none' disks")
        })?;
        if !reuse && !Path::new(&path).exists() {
            c.intent.created.push(path.clone());
        }
        c.intent
            .overlays
            .push((def.disks[i].name.clone(), path.clone()));
        work.push((path, format, base, disk_format(dd).to_string()));
    }
    c.own()?;
    c.record()?;
    if !reuse {
        for (path, format, base, base_format) in &work {
            if let Err(e) = images::create_overlay(format, path, base, base_format) {
                return c.undo(e);
            }
        }
    }
    switch_disks(t, def)
}

/// Points disk `target` of `dom` at `path` (format `format`) when its source is `was`.
pub(super) fn switch_disk(
    dom: &mut DomainDef,
    target: &str,
    was: Option<&DiskSource>,
    path: &str,
    format: &str,
) {
    if let Some(disk) = dom
        .devices
        .disks
        .iter_mut()
        .find(|d| d.target_dev == target)
    {
        if was.is_none_or(|w| *w == disk.source) {
            disk.source = DiskSource::File(path.to_string());
            disk.kind = "file".into();
            disk.driver.format = Some(format.to_string());
        }
    }
}

/// The definitions follow the overlays: the live one (a running domain's), and the persistent
/// one where its disk had the same source.
pub fn switch_disks(t: &mut Taking, def: &SnapshotDef) -> Result<()> {
    for (i, path, format) in overlays(def) {
        let target = def.disks[i].name.clone();
        let was = t.live.devices.disks[i].source.clone();
        switch_disk(&mut t.live, &target, None, &path, &format);
        if let Some(config) = t.config.as_mut() {
            switch_disk(config, &target, Some(&was), &path, &format);
        }
    }
    if let Some(config) = &t.config {
        t.d.store.write_def(config)?;
    }
    if let Some(status) = t.status.as_mut() {
        status.live = Some(t.live.clone());
        t.d.store.write_status(&t.o.name, status)?;
    }
    Ok(())
}

/// A create whose overlays are in use finishes: the definitions and the metadata.
pub fn carry_forward(t: &mut Taking, def: &SnapshotDef, meta: &Meta) -> Result<()> {
    switch_disks(t, def)?;
    finish_metadata(meta, def, &t.o.uuid)
}
