//! What libvirt checks and fills in when a snapshot or a checkpoint is redefined from its
//! metadata (`virDomainSnapshotRedefinePrep`, `virDomainCheckpointRedefinePrep`), for every
//! driver that keeps its moments as a [`MomentTree`].

use super::MomentTree;
use crate::error::{Error, Result};
use crate::model::checkpoint::CheckpointDef;
use crate::model::domain::check_abi_stability;
use crate::model::snapshot::{DiskAlignment, Location, SnapshotDef, SnapshotState};

/// Checks a snapshot redefinition against the tree and the domain's UUID and aligns its disks;
/// a redefinition without a definition keeps the one the snapshot it replaces had. Returns
/// whether it replaces one.
pub fn prepare_snapshot(
    tree: &MomentTree<SnapshotDef>,
    def: &mut SnapshotDef,
    domain_uuid: &uuid::Uuid,
) -> Result<bool> {
    tree.check_cycles(&def.moment)?;
    let name = def.moment.name.clone();
    if let Some(dom) = &def.moment.dom {
        if dom.uuid != *domain_uuid {
            return Err(Error::invalid_arg(format!(
                "definition for snapshot {name} must use uuid {domain_uuid}"
            )));
        }
    }
    let other = tree.get(&name).map(|o| (o.state, o.moment.dom.clone()));
    if let Some((state, _)) = &other {
        if state.online() != def.state.online() {
            return Err(Error::invalid_arg(format!(
                "cannot change between online and offline snapshot state in snapshot {name}"
            )));
        }
        let disk_only = |s: SnapshotState| s == SnapshotState::DiskSnapshot;
        if disk_only(*state) != disk_only(def.state) {
            return Err(Error::invalid_arg(format!(
                "cannot change between disk only and full system in snapshot {name}"
            )));
        }
    }
    if let (Some((_, Some(old))), Some(new)) = (&other, &def.moment.dom) {
        check_abi_stability(old, new)?;
    }
    let default = if def.state == SnapshotState::DiskSnapshot || def.is_external() {
        Location::External
    } else {
        Location::Internal
    };
    let existing = other.as_ref().and_then(|(_, dom)| dom.as_ref());
    def.align_disks(
        existing,
        DiskAlignment {
            default,
            uniform_internal: true,
        },
    )?;
    let replaces = other.is_some();
    if let Some((_, dom)) = other {
        if def.moment.dom.is_none() {
            def.moment.dom = dom;
        }
    }
    Ok(replaces)
}

/// Checks a checkpoint redefinition and aligns its disks; returns whether it becomes the
/// current checkpoint (it is a child of the current one, or there is none).
pub fn prepare_checkpoint(
    tree: &MomentTree<CheckpointDef>,
    def: &mut CheckpointDef,
    domain_uuid: &uuid::Uuid,
) -> Result<bool> {
    tree.check_cycles(&def.moment)?;
    let name = &def.moment.name;
    match &def.moment.dom {
        Some(dom) if dom.uuid != *domain_uuid => {
            return Err(Error::invalid_arg(format!(
                "definition for checkpoint {name} must use uuid {domain_uuid}"
            )))
        }
        Some(_) => def.align_disks()?,
        None => def.assign_bitmap_names(),
    }
    let current = tree.current();
    Ok(current.is_none() || def.moment.parent.is_some() && def.moment.parent.as_deref() == current)
}
