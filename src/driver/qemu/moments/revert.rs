//! Reverting to a snapshot (libvirt's `qemuSnapshotRevert`). QEMU is always restarted: a
//! snapshot of a running or paused guest starts a new QEMU paused, loads the snapshot
//! (`snapshot-load`) and lets it run (`running (from snapshot)`) or leaves it paused; a
//! snapshot of a shut-off guest is applied to the images with `qemu-img snapshot -a` (or, for
//! an external one, new overlays are made on the snapshot's images) and the domain stays off
//! unless `--running` or `--paused` boots it.

use serde_json::json;

use super::block::{self, qmp_failed};
use super::create::{lock_snapshot, Locked, Taking};
use super::images;
use super::meta::{Intent, Meta, Op};
use super::{disk_path, external, memory};
use crate::driver::prelude::*;
use crate::driver::qemu::process;
use crate::driver::qemu::saves::Incoming;
use crate::driver::qemu::store::{shut_off, starting};
use crate::model::domain::DomainDef;
use crate::model::moment::Reading;
use crate::model::snapshot::{
    DiskAlignment, Location, SnapshotDef, SnapshotReading, SnapshotState,
};

type F = SnapshotRevertFlags;

pub fn revert(
    d: &crate::driver::qemu::domains::Domains,
    snap: &SnapshotRef,
    flags: F,
) -> Result<()> {
    Error::check_flags(flags.0, 0xf, "qemuSnapshotRevert")?;
    let Locked {
        lock: _lock,
        mut t,
        meta,
        def,
        ..
    } = lock_snapshot(d, snap)?;
    let online = def.state.online();
    if !t.o.persistent && !online && !flags.any(F::RUNNING | F::PAUSED) {
        return Err(Error::operation_invalid(
            "transient domain needs to request run or pause to revert to inactive snapshot",
        ));
    }
    let Some(saved) = def.moment.dom.clone() else {
        return Err(Error::new(
            ErrorCode::SnapshotRevertRisky,
            format!(
                "revert requires force: snapshot '{}' lacks domain '{}' rollback info",
                snap.name, t.o.name
            ),
        ));
    };
    let managed = crate::driver::qemu::saves::has_managed_save(d.store.root(), &t.o.name);
    if !flags.has(F::FORCE) && managed && !online {
        return Err(Error::new(
            ErrorCode::SnapshotRevertRisky,
            "revert requires force: snapshot without memory state, removal of existing managed saved state strongly recommended to avoid corruption",
        ));
    }
    if def.is_external() {
        if let Some(disk) = saved.devices.disks.iter().find(|k| k.kind != "file") {
            return Err(Error::operation_unsupported(format!(
                "source disk for '{}' is not a regular file, reverting to snapshot is not supported",
                disk.target_dev
            )));
        }
    }
    // `qemuSnapshotRevertPrep`: the definitions to run and to keep, named as the domain.
    let named = |mut d: DomainDef| {
        d.name = t.o.name.clone();
        d
    };
    let config = named(saved);
    let inactive = match &def.moment.inactive_dom {
        Some(i) => named(i.clone()),
        None => config.clone(),
    };
    let mut intent = Intent::new(Op::Revert, vec![snap.name.clone()]);
    intent.qemu_pid = t.status.as_ref().and_then(|s| s.brief.pid);
    if def.is_external() {
        // What `qemuSnapshotRevertExternalFinish` discards: the overlays of the state left.
        let tree = meta.snapshots();
        if let Some(current) = tree.current().and_then(|c| tree.get(c)) {
            intent.from = Some(current.moment.name.clone());
            let left = match current.revert_disks.is_empty() {
                true => &current.disks,
                false => &current.revert_disks,
            };
            intent.discard = left
                .iter()
                .filter(|k| k.snapshot == Location::External)
                .filter_map(|k| k.path.clone())
                .collect();
        }
    }
    let state = def.state;
    let r = Reverting {
        meta,
        def,
        config,
        inactive,
        intent,
        flags,
    };
    match state {
        SnapshotState::Running | SnapshotState::Paused => revert_active(&mut t, r),
        SnapshotState::Shutdown
        | SnapshotState::Shutoff
        | SnapshotState::Crashed
        | SnapshotState::DiskSnapshot => revert_inactive(&mut t, r),
        SnapshotState::PmSuspended => Err(Error::operation_unsupported(
            "qemu doesn't support reversion of snapshot taken in PMSUSPENDED state",
        )),
        other => Err(Error::internal(format!(
            "Invalid target domain state '{}'. Refusing snapshot reversion",
            other.text()
        ))),
    }
}

/// A revert under way: the snapshot, the definitions it brings back (`config` to run,
/// `inactive` to keep), the record of the operation, and the flags.
pub struct Reverting {
    pub meta: Meta,
    pub def: SnapshotDef,
    pub config: DomainDef,
    pub inactive: DomainDef,
    pub intent: Intent,
    pub flags: F,
}

impl Reverting {
    /// The revert failed with `e` and is undone: the overlays it made and its record go.
    pub fn undo(&self, e: Error) -> Result<()> {
        external::unlink_created(&self.intent);
        self.meta.clear_intent()?;
        Err(e)
    }

    /// An external revert whose new overlays are made (and, for a running snapshot, whose
    /// guest runs on them) is decided: its record says so, with the persistent definition it
    /// writes, in one write; then the definition and the metadata follow (`apply_decided`).
    /// A crash from here on is finished by the next settle, not undone.
    pub fn decide(&mut self, t: &Taking) -> Result<()> {
        self.intent.committed = true;
        self.intent.domain = Some(self.inactive.to_xml(None));
        self.meta.set_intent(&self.intent)?;
        apply_decided(t, &self.meta, &self.intent)
    }

    /// The snapshot becomes current, the record goes, and overlays nothing names go.
    pub fn finish(&self, t: &Taking) -> Result<()> {
        self.meta.set_current(Some(&self.def.moment.name))?;
        self.meta.clear_intent()?;
        super::gc::collect(t.d, &t.o.name, &self.meta)
    }
}

/// Stops the domain's QEMU, if it runs, as a revert stops it.
pub(super) fn stop(t: &mut Taking) -> Result<()> {
    if t.active() {
        process::stop(&t.d.paths(&t.o.name))?;
        t.d.store
            .write_status(&t.o.name, &shut_off(ShutoffReason::FromSnapshot))?;
        t.status = None;
        t.o.state = State::Shutoff(ShutoffReason::FromSnapshot);
    }
    Ok(())
}

/// Boots `def` (paused when asked), loading a memory image first when there is one; a failed
/// boot leaves the domain `shut off (failed)`.
pub(super) fn boot(
    t: &mut Taking,
    def: DomainDef,
    paused: bool,
    memory: Option<&Incoming>,
) -> Result<()> {
    t.d.store.write_status(&t.o.name, &starting(def.clone()))?;
    let flags = match paused {
        true => StartFlags::PAUSED,
        false => StartFlags::default(),
    };
    let booted = match memory {
        Some(image) => t.d.boot_restoring(&t.o.name, def, image, paused),
        None => t.d.boot(&t.o.name, def, flags),
    };
    if let Err(e) = booted {
        let _ = process::stop(&t.d.paths(&t.o.name));
        t.d.store
            .write_status(&t.o.name, &shut_off(ShutoffReason::Failed))?;
        return Err(e);
    }
    t.status = t.d.store.read_status(&t.o.name)?;
    Ok(())
}

/// `qemuSnapshotRevertActive`: a new QEMU, paused, loads an internal snapshot (an external
/// one: `memory`).
fn revert_active(t: &mut Taking, r: Reverting) -> Result<()> {
    if r.def.is_external() {
        return memory::revert(t, r);
    }
    r.meta.set_intent(&r.intent)?;
    stop(t)?;
    if t.o.persistent {
        t.d.store.write_def(&r.inactive)?;
    }
    boot(t, r.config, true, None)?;
    if let Err(e) = load(t, &r.def) {
        let _ = process::stop(&t.d.paths(&t.o.name));
        t.d.store
            .write_status(&t.o.name, &shut_off(ShutoffReason::Failed))?;
        r.meta.clear_intent()?;
        return Err(e);
    }
    run_or_pause(t, &r.def, r.flags)?;
    r.meta.set_current(Some(&r.def.moment.name))?;
    r.meta.clear_intent()
}

/// The guest a revert started paused runs (`running (from snapshot)`), unless the snapshot
/// was paused or `--paused` asks (`paused (from snapshot)`); `--running` wins.
pub(super) fn run_or_pause(t: &mut Taking, def: &SnapshotDef, flags: F) -> Result<()> {
    let paused =
        !flags.has(F::RUNNING) && (def.state == SnapshotState::Paused || flags.has(F::PAUSED));
    let state = if paused {
        State::Paused(PausedReason::FromSnapshot)
    } else {
        t.monitor()?.cont().map_err(qmp_failed)?;
        State::Running(RunningReason::FromSnapshot)
    };
    t.set_state(state)
}

/// `qemuSnapshotInternalRevert`: `snapshot-load` from the images that hold the tag.
fn load(t: &Taking, def: &SnapshotDef) -> Result<()> {
    let name = &def.moment.name;
    let mut qmp = t.monitor()?;
    let nodes = block::disk_nodes(&mut qmp)?;
    let named = block::named_nodes(&mut qmp)?;
    let (mut devices, mut vmstate) = (Vec::new(), None);
    let two = || {
        Error::operation_failed(format!(
            "two disks images contain vm state section for internal snapshot '{name}'"
        ))
    };
    let live = t.status.as_ref().and_then(|s| s.live.clone());
    let disks = live.map(|l| l.devices.disks).unwrap_or_default();
    for (i, dd) in disks.iter().enumerate() {
        let wanted = def
            .disks
            .iter()
            .find(|k| k.name == dd.target_dev)
            .is_some_and(|k| k.snapshot == Location::Internal);
        let found = block::node_of(&nodes, i)
            .and_then(|n| Some((n.node.clone(), block::snapshot_in(&named, &n.node, name)?)));
        match found {
            Some((node, has_state)) => {
                if has_state {
                    if vmstate.is_some() {
                        return Err(two());
                    }
                    vmstate = Some(node.clone());
                }
                devices.push(node);
            }
            None if wanted => {
                return Err(Error::operation_failed(format!(
                    "image of disk '{}' does not have internal snapshot '{name}'",
                    dd.target_dev
                )))
            }
            None => {}
        }
    }
    for k in &def.disks {
        if !disks.iter().any(|dd| dd.target_dev == k.name) {
            return Err(Error::internal(format!(
                "VM doesn't have disk '{}' referenced by snapshot '{name}'",
                k.name
            )));
        }
    }
    let Some(vmstate) = vmstate else {
        return Err(Error::operation_failed(format!(
            "missing vmstate section when reverting active internal snapshot '{name}'"
        )));
    };
    let args = json!({
        "job-id": format!("internal-snapshot-load-{name}"),
        "tag": name,
        "vmstate": vmstate,
        "devices": devices,
    });
    block::run_job(&mut qmp, "snapshot-load", args, |e| {
        Error::operation_failed(format!(
            "load of internal snapshot '{name}' job failed: {e}"
        ))
    })
}

/// `qemuSnapshotRevertInactive`.
fn revert_inactive(t: &mut Taking, mut r: Reverting) -> Result<()> {
    r.meta.set_intent(&r.intent)?;
    stop(t)?;
    let name = r.def.moment.name.clone();
    if r.def.is_external() {
        if let Err(e) = new_overlays(t, &r.meta, &mut r.inactive, &mut r.intent) {
            return r.undo(e);
        }
        r.decide(t)?;
        if r.flags.any(F::RUNNING | F::PAUSED) {
            if let Err(e) = boot(t, r.inactive.clone(), r.flags.has(F::PAUSED), None) {
                // The disks are reverted; the snapshot does not become current.
                r.meta.clear_intent()?;
                return Err(e);
            }
        }
        return r.finish(t);
    } else {
        let mut failed = None;
        for (k, dd) in r.def.disks.iter().zip(&r.inactive.devices.disks) {
            if dd.device != "disk" || k.snapshot != Location::Internal {
                continue;
            }
            let path = disk_path(t.d, dd)?.unwrap_or_default();
            if let Err(e) = images::snapshot("-a", &name, &path) {
                failed.get_or_insert(e);
            }
        }
        if let Some(e) = failed {
            return r.undo(e);
        }
    }
    if t.o.persistent {
        t.d.store.write_def(&r.inactive)?;
    }
    if r.flags.any(F::RUNNING | F::PAUSED) {
        boot(t, r.inactive, r.flags.has(F::PAUSED), None)?;
    }
    r.meta.set_current(Some(&name))?;
    r.meta.clear_intent()
}

/// `qemuSnapshotRevertExternalPrepare`/`Inactive`: every disk of `target` gets a new overlay
/// (named by the time, as libvirt names them) on the image it names, and `target` follows.
/// The overlays are recorded (`meta`'s intent) before any is made, so that a crash leaves none
/// the next settle does not know of.
pub(super) fn new_overlays(
    t: &Taking,
    meta: &Meta,
    target: &mut DomainDef,
    intent: &mut Intent,
) -> Result<()> {
    let now = Reading::new_moment().now;
    let how = SnapshotReading {
        reading: Reading::new_moment(),
        validate: false,
        internal: false,
    };
    let mut tmp = SnapshotDef::parse(
        &format!("<domainsnapshot><name>{now}</name></domainsnapshot>"),
        how,
    )?;
    tmp.moment.dom = Some(target.clone());
    tmp.align_disks(
        None,
        DiskAlignment {
            default: Location::External,
            uniform_internal: false,
        },
    )?;
    for k in tmp
        .disks
        .iter()
        .filter(|k| k.snapshot == Location::External)
    {
        external::prepare_disk(k, false, false)?;
    }
    let mut work = Vec::new();
    for (k, dd) in tmp.disks.iter().zip(&target.devices.disks) {
        let Some(path) = k.path.clone().filter(|_| k.snapshot == Location::External) else {
            continue;
        };
        let base = disk_path(t.d, dd)?.unwrap_or_default();
        let format = external::overlay_format(k).to_string();
        intent.created.push(path.clone());
        intent.overlays.push((k.name.clone(), path.clone()));
        work.push((
            &k.name,
            path,
            format,
            base,
            super::disk_format(dd).to_string(),
        ));
    }
    meta.own(&intent.created)?;
    meta.set_intent(intent)?;
    for (name, path, format, base, base_format) in work {
        images::create_overlay(&format, &path, &base, &base_format)?;
        if let Some(dd) = target
            .devices
            .disks
            .iter_mut()
            .find(|d| &d.target_dev == name)
        {
            dd.source = crate::model::domain::DiskSource::File(path);
            dd.driver.format = Some(format);
        }
    }
    Ok(())
}

/// `qemuSnapshotRevertExternalFinish` for a decided revert (`intent`), each step such that
/// it can be taken again: the persistent definition is written, the snapshot reverted to
/// records its new overlays (as `<revertDisks>` when it has children), the snapshot that was
/// current loses its revert overlays, and the overlays of the state left are removed, unless
/// another snapshot was taken on them (a memory-only one: reverting to it needs them).
pub(super) fn apply_decided(t: &Taking, meta: &Meta, intent: &Intent) -> Result<()> {
    if let Some(xml) = intent.domain.as_deref().filter(|_| t.o.persistent) {
        t.d.store.write_def(&DomainDef::parse(xml)?)?;
    }
    let name = intent.names.first().cloned().unwrap_or_default();
    let tree = meta.snapshots();
    let Some(mut def) = tree.get(&name).cloned() else {
        return Err(super::snapshot_not_found(&name));
    };
    let uuid = &t.o.uuid;
    let from = intent.from.as_deref().filter(|f| *f != name);
    if let Some(mut current) = from.and_then(|f| tree.get(f)).cloned() {
        if !current.revert_disks.is_empty() {
            current.revert_disks.clear();
            meta.write(&current.moment.name, &current.to_xml(uuid))?;
        }
    }
    let disks: Vec<_> = intent
        .overlays
        .iter()
        .map(|(name, path)| {
            let mut k = crate::model::snapshot::SnapshotDisk::aligned(name, Location::External);
            k.path = Some(path.clone());
            k.format = Some("qcow2".into());
            k
        })
        .collect();
    match tree.count_below(&name, false) > 0 {
        true => def.revert_disks = disks,
        false => {
            def.revert_disks.clear();
            for k in def.disks.iter_mut() {
                if let Some(new) = disks.iter().find(|n| n.name == k.name) {
                    *k = new.clone();
                }
            }
        }
    }
    meta.write(&name, &def.to_xml(uuid))?;
    let mut chains = super::gc::Chains::default();
    let named = super::gc::named(t.d, &t.o.name, &meta.snapshots(), from, &mut chains)?;
    for f in intent.discard.iter().filter(|f| !named.contains(*f)) {
        let _ = std::fs::remove_file(f);
    }
    Ok(())
}
