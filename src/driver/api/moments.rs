//! Snapshots and checkpoints of a domain, as libvirt's public API splits them
//! (`libvirt-domain-snapshot.c`: `virDomainSnapshot*`, `virDomainListAllSnapshots`,
//! `virDomainRevertToSnapshot`; `libvirt-domain-checkpoint.c`: `virDomainCheckpoint*`,
//! `virDomainListAllCheckpoints`), with the argument checks those files make before a driver
//! sees a call.
//!
//! The calls speak XML and handles only: how a driver keeps its moments (the test driver in
//! memory, the embedded QEMU driver on disk) is its own business. A driver that keeps them as
//! a tree can use `crate::driver::moments::MomentTree`, and the XML models in
//! `crate::model::snapshot` and `crate::model::checkpoint`.

use super::Secure;
use crate::error::{Error, ErrorCode, Result};
use crate::types::*;

api! {
    /// Domain snapshots.
    pub trait SnapshotApi, calls SnapshotCalls {
        write fn create_snapshot(
            &self,
            dom: &DomainRef,
            xml: &str,
            flags: SnapshotCreateFlags,
        ) -> SnapshotRef = "virDomainSnapshotCreateXML", check create_snapshot_checks(flags);
        secure fn snapshot_xml(&self, snap: &SnapshotRef, flags: SnapshotXmlFlags) -> String
            = "virDomainSnapshotGetXMLDesc";
        /// How many snapshots the filters in `flags` pass (`ROOTS`: roots only).
        read fn snapshot_count(&self, dom: &DomainRef, flags: SnapshotListFlags) -> u32
            = "virDomainSnapshotNum" => count_snapshots;
        read fn list_snapshots(&self, dom: &DomainRef, flags: SnapshotListFlags)
            -> Vec<SnapshotRef> = "virDomainListAllSnapshots";
        /// How many children (with `DESCENDANTS`, descendants) the filters pass.
        read fn snapshot_child_count(&self, snap: &SnapshotRef, flags: SnapshotListFlags) -> u32
            = "virDomainSnapshotNumChildren" => count_snapshot_children;
        read fn snapshot_children(&self, snap: &SnapshotRef, flags: SnapshotListFlags)
            -> Vec<SnapshotRef> = "virDomainSnapshotListAllChildren";
        read fn snapshot_by_name(&self, dom: &DomainRef, name: &str) -> SnapshotRef
            = "virDomainSnapshotLookupByName";
        read fn has_current_snapshot(&self, dom: &DomainRef) -> bool
            = "virDomainHasCurrentSnapshot";
        read fn current_snapshot(&self, dom: &DomainRef) -> SnapshotRef
            = "virDomainSnapshotCurrent";
        /// The parent; a root has none: libvirt's `no_domain_snapshot` error says so.
        read fn snapshot_parent(&self, snap: &SnapshotRef) -> SnapshotRef
            = "virDomainSnapshotGetParent";
        read fn snapshot_is_current(&self, snap: &SnapshotRef) -> bool
            = "virDomainSnapshotIsCurrent";
        read fn snapshot_has_metadata(&self, snap: &SnapshotRef) -> bool
            = "virDomainSnapshotHasMetadata";
        write fn revert_to_snapshot(&self, snap: &SnapshotRef, flags: SnapshotRevertFlags) -> ()
            = "virDomainRevertToSnapshot", check exclusive(
                flags.0,
                (SnapshotRevertFlags::RUNNING.0, "VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING"),
                (SnapshotRevertFlags::PAUSED.0, "VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED"),
            );
        write fn delete_snapshot(&self, snap: &SnapshotRef, flags: SnapshotDeleteFlags) -> ()
            = "virDomainSnapshotDelete", check exclusive(
                flags.0,
                (SnapshotDeleteFlags::CHILDREN.0, "VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN"),
                (SnapshotDeleteFlags::CHILDREN_ONLY.0, "VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY"),
            );
    }
}

api! {
    /// Domain checkpoints.
    pub trait CheckpointApi, calls CheckpointCalls {
        write fn create_checkpoint(
            &self,
            dom: &DomainRef,
            xml: &str,
            flags: CheckpointCreateFlags,
        ) -> CheckpointRef = "virDomainCheckpointCreateXML", check create_checkpoint_checks(flags);
        secure fn checkpoint_xml(&self, chk: &CheckpointRef, flags: CheckpointXmlFlags) -> String
            = "virDomainCheckpointGetXMLDesc";
        read fn list_checkpoints(&self, dom: &DomainRef, flags: CheckpointListFlags)
            -> Vec<CheckpointRef> = "virDomainListAllCheckpoints";
        read fn checkpoint_children(&self, chk: &CheckpointRef, flags: CheckpointListFlags)
            -> Vec<CheckpointRef> = "virDomainCheckpointListAllChildren";
        /// The number `checkpoint_children` would list (libvirt's call without a list).
        read fn checkpoint_child_count(&self, chk: &CheckpointRef, flags: CheckpointListFlags)
            -> u32 = "virDomainCheckpointListAllChildren" => count_checkpoint_children;
        read fn checkpoint_by_name(&self, dom: &DomainRef, name: &str) -> CheckpointRef
            = "virDomainCheckpointLookupByName";
        /// The parent; a root has none: libvirt's `no_domain_checkpoint` error says so.
        read fn checkpoint_parent(&self, chk: &CheckpointRef) -> CheckpointRef
            = "virDomainCheckpointGetParent";
        write fn delete_checkpoint(&self, chk: &CheckpointRef, flags: CheckpointDeleteFlags) -> ()
            = "virDomainCheckpointDelete", check exclusive(
                flags.0,
                (CheckpointDeleteFlags::CHILDREN.0, "VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN"),
                (CheckpointDeleteFlags::CHILDREN_ONLY.0, "VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY"),
            );
    }
}

/// `VIR_EXCLUSIVE_FLAGS_GOTO`: two flags given together.
fn exclusive(flags: u32, (a, a_name): (u32, &str), (b, b_name): (u32, &str)) -> Result<()> {
    if flags & a != 0 && flags & b != 0 {
        return Err(Error::new(
            ErrorCode::InvalidArg,
            format!("Flags '{a_name}' and '{b_name}' are mutually exclusive"),
        ));
    }
    Ok(())
}

/// `VIR_REQUIRE_FLAG_GOTO`: `flag` given without the flag it needs.
fn required(
    flags: u32,
    (flag, flag_name): (u32, &str),
    (needs, needs_name): (u32, &str),
) -> Result<()> {
    if flags & flag != 0 && flags & needs == 0 {
        return Err(Error::new(
            ErrorCode::InvalidArg,
            format!("Flag '{needs_name}' is required by flag '{flag_name}'"),
        ));
    }
    Ok(())
}

/// A read-only connection gets no secure XML.
fn create_snapshot_checks(flags: SnapshotCreateFlags) -> Result<()> {
    type F = SnapshotCreateFlags;
    const REDEFINE: (u32, &str) = (F::REDEFINE.0, "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE");
    required(
        flags.0,
        (F::CURRENT.0, "VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT"),
        REDEFINE,
    )?;
    exclusive(
        flags.0,
        REDEFINE,
        (F::NO_METADATA.0, "VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA"),
    )?;
    exclusive(
        flags.0,
        REDEFINE,
        (F::HALT.0, "VIR_DOMAIN_SNAPSHOT_CREATE_HALT"),
    )
}

fn create_checkpoint_checks(flags: CheckpointCreateFlags) -> Result<()> {
    type F = CheckpointCreateFlags;
    const REDEFINE: (u32, &str) = (F::REDEFINE.0, "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE");
    exclusive(
        flags.0,
        REDEFINE,
        (F::QUIESCE.0, "VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE"),
    )?;
    required(
        flags.0,
        (
            F::REDEFINE_VALIDATE.0,
            "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE",
        ),
        REDEFINE,
    )
}

fn count_snapshots(
    api: &(impl SnapshotApi + ?Sized),
    dom: &DomainRef,
    flags: SnapshotListFlags,
) -> Result<u32> {
    Ok(api.list_snapshots(dom, flags)?.len() as u32)
}

fn count_snapshot_children(
    api: &(impl SnapshotApi + ?Sized),
    snap: &SnapshotRef,
    flags: SnapshotListFlags,
) -> Result<u32> {
    Ok(api.snapshot_children(snap, flags)?.len() as u32)
}

fn count_checkpoint_children(
    api: &(impl CheckpointApi + ?Sized),
    chk: &CheckpointRef,
    flags: CheckpointListFlags,
) -> Result<u32> {
    Ok(api.checkpoint_children(chk, flags)?.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_checks_word_the_flags_as_libvirt() {
        type F = SnapshotCreateFlags;
        assert_eq!(
            create_snapshot_checks(F::CURRENT).unwrap_err().message,
            "Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' is required by flag 'VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT'"
        );
        assert_eq!(
            create_snapshot_checks(F::REDEFINE | F::HALT).unwrap_err().message,
            "Flags 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' and 'VIR_DOMAIN_SNAPSHOT_CREATE_HALT' are mutually exclusive"
        );
        assert!(create_snapshot_checks(F::REDEFINE | F::CURRENT).is_ok());
        type C = CheckpointCreateFlags;
        assert_eq!(
            create_checkpoint_checks(C::REDEFINE_VALIDATE).unwrap_err().message,
            "Flag 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE' is required by flag 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE'"
        );
    }
}
