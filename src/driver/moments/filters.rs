//! How libvirt's list calls filter and walk a moment tree (`virDomainSnapshotFilter`,
//! `virDomainMomentObjListGetNames`'s flags), said once for every driver that keeps its
//! moments as a [`MomentTree`](super::MomentTree).

use super::Walk;
use crate::model::snapshot::{SnapshotDef, SnapshotState};
use crate::types::{CheckpointListFlags, SnapshotListFlags};

/// The filters of libvirt's `virDomainSnapshotFilter`: each group (state, location) given
/// whole filters nothing.
pub fn snapshot_passes(def: &SnapshotDef, flags: SnapshotListFlags) -> bool {
    type F = SnapshotListFlags;
    let group = |bits: F| match flags & bits {
        g if g == bits => F::default(),
        g => g,
    };
    let status = group(F::INACTIVE | F::ACTIVE | F::DISK_ONLY);
    if status.0 != 0 {
        let ok = match def.state {
            SnapshotState::Shutoff => status.has(F::INACTIVE),
            SnapshotState::DiskSnapshot => status.has(F::DISK_ONLY),
            _ => status.has(F::ACTIVE),
        };
        if !ok {
            return false;
        }
    }
    let location = group(F::INTERNAL | F::EXTERNAL);
    let external = def.is_external();
    (!external || !location.has(F::INTERNAL)) && (external || !location.has(F::EXTERNAL))
}

/// How a snapshot listing walks the tree: `descendants` from a snapshot, or all but `ROOTS`
/// from the domain (libvirt flips the shared bit for the metaroot).
pub fn snapshot_walk(flags: SnapshotListFlags, descendants: bool) -> Walk {
    type F = SnapshotListFlags;
    Walk {
        descendants,
        leaves: flags.has(F::LEAVES),
        no_leaves: flags.has(F::NO_LEAVES),
        no_metadata_only: flags & (F::METADATA | F::NO_METADATA) == F::NO_METADATA,
    }
}

/// How a checkpoint listing walks the tree.
pub fn checkpoint_walk(flags: CheckpointListFlags, descendants: bool) -> Walk {
    Walk {
        descendants,
        leaves: flags.has(CheckpointListFlags::LEAVES),
        no_leaves: flags.has(CheckpointListFlags::NO_LEAVES),
        no_metadata_only: false,
    }
}
