//! Taking a snapshot (libvirt's `qemuSnapshotCreateXML`): the flag and definition checks, the
//! disks aligned and checked as `qemuSnapshotPrepare` checks them, then the snapshot itself
//! (internal here, external in `external.rs`, with memory in `memory.rs`), and its metadata
//! last.

use std::time::Duration;

use serde_json::json;

use super::block::{self, qmp_failed};
use super::external;
use super::images;
use super::memory;
use super::meta::{Intent, Kind, Meta, Op};
use super::{disk_format, disk_path};
use crate::driver::moments::redefine;
use crate::driver::prelude::*;
use crate::driver::qemu::domains::{Domains, Observed};
use crate::driver::qemu::qmp::Qmp;
use crate::driver::qemu::store::{qemu_state, shut_off, Status};
use crate::model::domain::DomainDef;
use crate::model::moment::{disk_is_empty, Reading};
use crate::model::snapshot::{
    DiskAlignment, Location, SnapshotDef, SnapshotReading, SnapshotState,
};

type F = SnapshotCreateFlags;

/// What a snapshot is taken of: the domain, locked and settled, and its definitions.
pub struct Taking<'a> {
    pub d: &'a Domains<'a>,
    pub o: Observed,
    /// The live definition of a running domain, else the persistent one.
    pub live: DomainDef,
    /// A running domain's persistent definition.
    pub config: Option<DomainDef>,
    pub status: Option<Status>,
}

impl Taking<'_> {
    pub fn active(&self) -> bool {
        self.o.state.is_active()
    }

    pub fn meta(&self, kind: Kind) -> Meta {
        Meta::new(self.d.store.root(), kind, &self.o.name)
    }

    /// The domain's QMP monitor.
    pub fn monitor(&self) -> Result<Qmp> {
        self.d
            .paths(&self.o.name)
            .monitor(Duration::from_secs(5))
            .map_err(qmp_failed)
    }

    /// Records the domain's state in its status file.
    pub fn set_state(&mut self, state: State) -> Result<()> {
        if let Some(s) = self.status.as_mut() {
            s.brief.state = state;
            self.d.store.write_status(&self.o.name, s)?;
        }
        self.o.state = state;
        Ok(())
    }
}

/// A snapshot being taken: its definition, the record of the operation, where that record
/// is kept (nowhere with `--no-metadata`), and the flags.
pub struct Creating<'a> {
    pub def: &'a SnapshotDef,
    pub intent: Intent,
    pub meta: Option<&'a Meta>,
    pub flags: F,
}

impl Creating<'_> {
    /// Records the operation as it stands.
    pub fn record(&self) -> Result<()> {
        match self.meta {
            Some(m) => m.set_intent(&self.intent),
            None => Ok(()),
        }
    }

    /// The overlays the operation makes are the domain's (`gc.rs`), recorded before any is
    /// made (the memory file is not an overlay: its snapshot's deletion removes it).
    pub fn own(&self) -> Result<()> {
        let made: Vec<String> = self
            .intent
            .overlays
            .iter()
            .map(|(_, p)| p.clone())
            .filter(|p| self.intent.created.contains(p))
            .collect();
        match self.meta {
            Some(m) => m.own(&made),
            None => Ok(()),
        }
    }

    /// The operation failed with `e` and is undone: its new files and its record go.
    pub fn undo(&self, e: Error) -> Result<()> {
        external::unlink_created(&self.intent);
        if let Some(m) = self.meta {
            m.clear_intent()?;
        }
        Err(e)
    }
}

/// The domain `dom`, locked (the lock is returned) and read.
pub fn lock<'a>(d: &'a Domains<'a>, dom: &DomainRef) -> Result<(crate::state::Lock, Taking<'a>)> {
    let (lock, o) = d.lock_one(dom)?;
    Ok((lock, read(d, o)?))
}

/// A snapshot's domain, locked and read, with its metadata, its tree and the snapshot.
pub struct Locked<'a> {
    pub lock: crate::state::Lock,
    pub t: Taking<'a>,
    pub meta: Meta,
    pub tree: crate::driver::moments::MomentTree<SnapshotDef>,
    pub def: SnapshotDef,
}

pub fn lock_snapshot<'a>(d: &'a Domains<'a>, snap: &SnapshotRef) -> Result<Locked<'a>> {
    let (lock, t) = lock(d, &snap.domain)?;
    let meta = t.meta(Kind::Snapshot);
    let tree = meta.snapshots();
    let def = tree
        .get(&snap.name)
        .cloned()
        .ok_or_else(|| super::snapshot_not_found(&snap.name))?;
    Ok(Locked {
        lock,
        t,
        meta,
        tree,
        def,
    })
}

/// The definitions of the domain `o`, whose lock the caller holds.
pub fn read<'a>(d: &'a Domains<'a>, o: Observed) -> Result<Taking<'a>> {
    let config = d.store.read_def(&o.name)?;
    let status = match o.state.is_active() {
        true => d.store.read_status(&o.name)?,
        false => None,
    };
    let live = match status.as_ref().and_then(|s| s.live.clone()) {
        Some(live) => live,
        None => config
            .clone()
            .ok_or_else(|| Error::operation_invalid("domain is not running"))?,
    };
    Ok(Taking {
        d,
        o,
        live,
        config,
        status,
    })
}

fn required(flags: F, flag: F, flag_name: &str, needs: F, needs_name: &str) -> Result<()> {
    if flags.has(flag) && !flags.has(needs) {
        return Err(Error::invalid_arg(format!(
            "Flag '{needs_name}' is required by flag '{flag_name}'"
        )));
    }
    Ok(())
}

pub fn create(
    d: &Domains,
    dom: &DomainRef,
    xml: &str,
    flags: SnapshotCreateFlags,
) -> Result<SnapshotRef> {
    Error::check_flags(flags.0, 0x3ff, "qemuSnapshotCreateXML")?;
    required(
        flags,
        F::QUIESCE,
        "VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE",
        F::DISK_ONLY,
        "VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY",
    )?;
    if flags.has(F::LIVE) && flags.has(F::REDEFINE) {
        return Err(Error::invalid_arg(
            "Flags 'VIR_DOMAIN_SNAPSHOT_CREATE_LIVE' and 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' are mutually exclusive",
        ));
    }
    let (_lock, mut t) = lock(d, dom)?;
    if !t.o.persistent && flags.has(F::HALT) {
        return Err(Error::operation_invalid(
            "cannot halt after transient domain snapshot",
        ));
    }
    let redefine = flags.has(F::REDEFINE);
    let how = SnapshotReading {
        reading: match redefine {
            true => Reading::redefine(),
            false => Reading::new_moment(),
        },
        validate: flags.has(F::VALIDATE),
        internal: false,
    };
    let mut def = SnapshotDef::parse(xml, how)?;
    let offline = flags.has(F::DISK_ONLY) || !t.active();
    if !redefine && offline && !matches!(def.memory, Location::Default | Location::No) {
        return Err(Error::xml(
            "memory state cannot be saved with offline or disk-only snapshot",
        ));
    }
    validate(&t, &def, flags)?;
    let name = def.moment.name.clone();
    let handle = t.o.handle();
    if redefine {
        redefine_snapshot(&t, def, flags)?;
    } else {
        take(&mut t, &mut def, flags)?;
    }
    Ok(SnapshotRef::new(handle, name))
}

/// `qemuSnapshotCreateXMLValidateDef`.
fn validate(t: &Taking, def: &SnapshotDef, flags: F) -> Result<()> {
    let name = &def.moment.name;
    if !flags.has(F::NO_METADATA) {
        if name.contains('/') {
            return Err(Error::xml_detail(format!(
                "invalid snapshot name '{name}': name can't contain '/'"
            )));
        }
        if name.starts_with('.') {
            return Err(Error::xml_detail(format!(
                "invalid snapshot name '{name}': name can't start with '.'"
            )));
        }
    }
    if flags.has(F::LIVE) && (!t.active() || def.memory != Location::External) {
        return Err(Error::operation_unsupported(
            "live snapshot creation is supported only during full system snapshots",
        ));
    }
    let state = match flags.has(F::REDEFINE) {
        true => def.state,
        false => SnapshotState::of(&t.o.state),
    };
    match state {
        SnapshotState::Running
        | SnapshotState::Paused
        | SnapshotState::Shutdown
        | SnapshotState::Shutoff
        | SnapshotState::Crashed => Ok(()),
        SnapshotState::DiskSnapshot if flags.has(F::REDEFINE) => Ok(()),
        SnapshotState::PmSuspended => Err(Error::operation_unsupported(
            "qemu doesn't support taking snapshots of PMSUSPENDED guests",
        )),
        other => Err(Error::internal(format!(
            "Invalid domain state {}",
            other.text()
        ))),
    }
}

/// `qemuSnapshotRedefine`: metadata only.
fn redefine_snapshot(t: &Taking, mut def: SnapshotDef, flags: F) -> Result<()> {
    let meta = t.meta(Kind::Snapshot);
    let tree = meta.snapshots();
    redefine::prepare_snapshot(&tree, &mut def, &t.o.uuid)?;
    let name = def.moment.name.clone();
    meta.write(&name, &def.to_xml(&t.o.uuid))?;
    if flags.has(F::CURRENT) {
        meta.set_current(Some(&name))?;
    }
    Ok(())
}

/// What `qemuSnapshotPrepare` learnt of the disks.
struct Prepared {
    internal: bool,
    external: bool,
}

/// `qemuSnapshotCreateAlignDisks`, then `qemuSnapshotPrepare`.
fn align_and_prepare(t: &Taking, def: &mut SnapshotDef, flags: &mut F) -> Result<Prepared> {
    let active = t.active();
    def.moment.dom = Some(t.live.clone());
    if active {
        def.moment.inactive_dom = t.config.clone();
    }
    let use_external = flags.has(F::DISK_ONLY)
        || def.memory == Location::External
        || (!active && def.disks.iter().any(|k| k.snapshot == Location::External));
    def.state = SnapshotState::of(&t.o.state);
    let default = if use_external {
        if flags.has(F::DISK_ONLY) {
            def.state = match active {
                true => SnapshotState::DiskSnapshot,
                false => SnapshotState::Shutoff,
            };
            def.memory = Location::No;
        }
        Location::External
    } else {
        if active && def.memory == Location::No {
            return Err(Error::operation_unsupported(
                "internal snapshot of a running VM must include the memory state",
            ));
        }
        def.memory = match def.state {
            SnapshotState::Shutoff => Location::No,
            _ => Location::Internal,
        };
        Location::Internal
    };
    def.align_disks(
        None,
        DiskAlignment {
            default,
            uniform_internal: true,
        },
    )?;
    let prepared = prepare(t, def, flags)?;
    for k in def.disks.iter_mut() {
        if k.snapshot == Location::External && k.format.is_none() {
            k.format = Some("qcow2".into());
        }
    }
    Ok(prepared)
}

fn prepare(t: &Taking, def: &SnapshotDef, flags: &mut F) -> Result<Prepared> {
    let active = t.active();
    let reuse = flags.has(F::REUSE_EXT);
    let (mut internal, mut external, mut forbid_internal) = (false, false, false);
    for (disk, dd) in def.disks.iter().zip(&t.live.devices.disks) {
        match disk.snapshot {
            Location::Internal => {
                internal = true;
                if def.state == SnapshotState::DiskSnapshot && active {
                    return Err(Error::unsupported(format!(
                        "active qemu domains require external disk snapshots; disk {} requested internal",
                        disk.name
                    )));
                }
                if disk_format(dd) != "qcow2" {
                    return Err(Error::unsupported(format!(
                        "internal snapshot for disk {} unsupported for storage type {}",
                        disk.name,
                        disk_format(dd)
                    )));
                }
            }
            Location::External => {
                external::prepare_disk(disk, active, reuse)?;
                external = true;
            }
            Location::Manual => {
                return Err(Error::operation_unsupported(
                    "'manual' snapshot mode is not supported by virtsh's QEMU driver",
                ))
            }
            Location::No => {
                if !disk_is_empty(dd) && !dd.readonly {
                    forbid_internal = true;
                }
            }
            Location::Default => return Err(Error::internal("unexpected code path")),
        }
    }
    if !internal && !external && def.memory == Location::No {
        return Err(Error::unsupported("nothing selected for snapshot"));
    }
    if (def.memory == Location::Internal && !internal) || (internal && forbid_internal) {
        return Err(Error::unsupported(
            "internal and full system snapshots require all disks to be selected for snapshot",
        ));
    }
    if def.state == SnapshotState::DiskSnapshot && !external {
        return Err(Error::unsupported(
            "disk-only snapshots require at least one disk to be selected for snapshot",
        ));
    }
    let memory_internal = def.memory == Location::Internal;
    let memory_external = def.memory == Location::External;
    if (external && (internal || memory_internal)) || (memory_external && internal) {
        return Err(Error::unsupported(
            "mixing internal and external targets for a snapshot is not yet supported",
        ));
    }
    if !active && external && t.meta(Kind::Checkpoint).count() > 0 {
        return Err(Error::operation_unsupported(
            "support for offline external snapshots while checkpoint exists was not yet implemented",
        ));
    }
    if external && !active {
        *flags |= F::DISK_ONLY;
    }
    Ok(Prepared { internal, external })
}

/// `qemuSnapshotCreate`: the snapshot, then (unless `NO_METADATA`) its metadata.
fn take(t: &mut Taking, def: &mut SnapshotDef, mut flags: F) -> Result<()> {
    let prepared = align_and_prepare(t, def, &mut flags)?;
    let meta = t.meta(Kind::Snapshot);
    let name = def.moment.name.clone();
    let metadata = !flags.has(F::NO_METADATA);
    if metadata {
        let tree = meta.snapshots();
        if tree.get(&name).is_some() {
            return Err(Error::operation_failed(format!(
                "domain moment {name} already exists"
            )));
        }
        def.moment.parent = tree.current().map(String::from);
    }
    let mut intent = Intent::new(Op::Create, vec![name.clone()]);
    intent.xml = metadata.then(|| def.to_xml(&t.o.uuid));
    let mut c = Creating {
        def,
        intent,
        meta: metadata.then_some(&meta),
        flags,
    };
    // Memory is external only on an active domain (the parse refuses it otherwise).
    let memory = def.memory == Location::External;
    match (t.active(), memory, prepared.external) {
        (true, true, _) => memory::create(t, &mut c)?,
        (true, false, true) => external::create_active(t, &mut c)?,
        (false, _, true) => external::create_inactive(t, &mut c)?,
        (true, false, false) => create_active_internal(t, &mut c)?,
        (false, _, false) => create_inactive_internal(t, &c)?,
    }
    debug_assert!(prepared.internal || prepared.external || memory);
    if flags.has(F::HALT) && t.active() {
        crate::driver::qemu::process::stop(&t.d.paths(&t.o.name))?;
        t.d.store
            .write_status(&t.o.name, &shut_off(ShutoffReason::FromSnapshot))?;
    }
    if metadata {
        finish_metadata(&meta, def, &t.o.uuid)?;
    }
    Ok(())
}

/// The snapshot's metadata, written once its data is whole: its file, then it becomes the
/// current one, then the record of the operation goes.
pub fn finish_metadata(meta: &Meta, def: &SnapshotDef, uuid: &uuid::Uuid) -> Result<()> {
    let name = &def.moment.name;
    meta.write(name, &def.to_xml(uuid))
        .map_err(|_| Error::internal(format!("unable to save metadata for snapshot {name}")))?;
    meta.set_current(Some(name))?;
    meta.clear_intent()
}

/// Lets a guest a snapshot paused run again (`running (unpaused)`); when QEMU refuses, the
/// guest stays `paused (api error)` and the error is libvirt's.
pub fn resume(t: &mut Taking, qmp: &mut Qmp) -> Result<()> {
    match qmp.cont() {
        Ok(()) => t.set_state(State::Running(RunningReason::Unpaused)),
        Err(_) => {
            t.set_state(State::Paused(PausedReason::ApiError))?;
            Err(Error::operation_failed("resuming after snapshot failed"))
        }
    }
}

/// `qemuSnapshotCreateActiveInternal`: the guest is paused (when it runs), `snapshot-save`
/// writes every internal disk's snapshot and the VM state into the first one, and the guest
/// runs again.
fn create_active_internal(t: &mut Taking, c: &mut Creating) -> Result<()> {
    let def = c.def;
    let mut qmp = t.monitor()?;
    let status = qmp.query_status().map_err(qmp_failed)?;
    let state = qemu_state(&status.status, t.o.state);
    let running = matches!(state, State::Running(_));
    let nodes = block::disk_nodes(&mut qmp)?;
    let mut devices = Vec::new();
    for (i, disk) in def.disks.iter().enumerate() {
        if disk.snapshot == Location::Internal {
            let node = block::node_of(&nodes, i).ok_or_else(|| {
                Error::internal(format!("cannot find the image of disk '{}'", disk.name))
            })?;
            devices.push(node.node.clone());
        }
    }
    c.intent.resume = running;
    c.record()?;
    if running {
        qmp.stop().map_err(qmp_failed)?;
        t.set_state(State::Paused(PausedReason::Save))?;
    }
    let name = &def.moment.name;
    let args = json!({
        "job-id": format!("internal-snapshot-save-{name}"),
        "tag": name,
        "vmstate": devices[0],
        "devices": devices,
    });
    let saved = block::run_job(&mut qmp, "snapshot-save", args, |e| {
        Error::operation_failed(format!("snapshot-save job failed: {e}"))
    });
    if running {
        if let Err(e) = resume(t, &mut qmp) {
            saved.as_ref().map_err(Clone::clone)?;
            return Err(e);
        }
    }
    match saved {
        Err(e) => c.undo(e),
        Ok(()) => Ok(()),
    }
}

/// `qemuSnapshotCreateInactiveInternal`: `qemu-img snapshot -c` on every internal disk, the
/// ones done undone when one fails.
fn create_inactive_internal(t: &mut Taking, c: &Creating) -> Result<()> {
    let def = c.def;
    let mut images = Vec::new();
    for (disk, dd) in def.disks.iter().zip(&t.live.devices.disks) {
        if dd.device != "disk" || disk.snapshot != Location::Internal {
            continue;
        }
        if disk_format(dd) != "qcow2" {
            return Err(Error::operation_invalid(format!(
                "Disk device '{}' does not support snapshotting",
                dd.target_dev
            )));
        }
        match disk_path(t.d, dd)? {
            Some(p) => images.push(p),
            None => {
                return Err(Error::operation_invalid(format!(
                    "can't manipulate inactive snapshots of disk '{}'",
                    dd.target_dev
                )))
            }
        }
    }
    c.record()?;
    let name = &def.moment.name;
    for (i, path) in images.iter().enumerate() {
        if let Err(e) = images::snapshot("-c", name, path) {
            for done in &images[..i] {
                let _ = images::snapshot("-d", name, done);
            }
            return c.undo(e);
        }
    }
    Ok(())
}
