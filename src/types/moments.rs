//! Snapshots and checkpoints (libvirt's "moments" of a domain): their handles and the flag words
//! of their calls, numbered as libvirt numbers them so that they cross the wire unchanged.

use super::flags::flags;
use super::DomainRef;

/// A snapshot handle, as libvirt's `virDomainSnapshotPtr` carries it: its domain and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRef {
    pub domain: DomainRef,
    pub name: String,
}

/// A checkpoint handle (`virDomainCheckpointPtr`): its domain and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRef {
    pub domain: DomainRef,
    pub name: String,
}

impl SnapshotRef {
    pub fn new(domain: DomainRef, name: impl Into<String>) -> SnapshotRef {
        SnapshotRef {
            domain,
            name: name.into(),
        }
    }
}

impl CheckpointRef {
    pub fn new(domain: DomainRef, name: impl Into<String>) -> CheckpointRef {
        CheckpointRef {
            domain,
            name: name.into(),
        }
    }
}

flags!(
    /// `virDomainSnapshotCreateFlags`.
    SnapshotCreateFlags {
        REDEFINE = 1,
        CURRENT = 1 << 1,
        NO_METADATA = 1 << 2,
        HALT = 1 << 3,
        DISK_ONLY = 1 << 4,
        REUSE_EXT = 1 << 5,
        QUIESCE = 1 << 6,
        ATOMIC = 1 << 7,
        LIVE = 1 << 8,
        VALIDATE = 1 << 9,
    }
);

flags!(
    /// `virDomainSnapshotListFlags`. `ROOTS` (listing a domain's snapshots) and `DESCENDANTS`
    /// (listing a snapshot's children) are the same bit, as in libvirt.
    SnapshotListFlags {
        ROOTS = 1,
        DESCENDANTS = 1,
        METADATA = 1 << 1,
        LEAVES = 1 << 2,
        NO_LEAVES = 1 << 3,
        NO_METADATA = 1 << 4,
        INACTIVE = 1 << 5,
        ACTIVE = 1 << 6,
        DISK_ONLY = 1 << 7,
        INTERNAL = 1 << 8,
        EXTERNAL = 1 << 9,
        TOPOLOGICAL = 1 << 10,
    }
);

flags!(
    /// `virDomainSnapshotXMLFlags`.
    SnapshotXmlFlags {
        SECURE = 1,
    }
);

flags!(
    /// `virDomainSnapshotRevertFlags`.
    SnapshotRevertFlags {
        RUNNING = 1,
        PAUSED = 1 << 1,
        FORCE = 1 << 2,
        RESET_NVRAM = 1 << 3,
    }
);

flags!(
    /// `virDomainSnapshotDeleteFlags`.
    SnapshotDeleteFlags {
        CHILDREN = 1,
        METADATA_ONLY = 1 << 1,
        CHILDREN_ONLY = 1 << 2,
    }
);

flags!(
    /// `virDomainCheckpointCreateFlags`.
    CheckpointCreateFlags {
        REDEFINE = 1,
        QUIESCE = 1 << 1,
        REDEFINE_VALIDATE = 1 << 2,
    }
);

flags!(
    /// `virDomainCheckpointListFlags` (`ROOTS` and `DESCENDANTS` share a bit, as for
    /// snapshots).
    CheckpointListFlags {
        ROOTS = 1,
        DESCENDANTS = 1,
        TOPOLOGICAL = 1 << 1,
        LEAVES = 1 << 2,
        NO_LEAVES = 1 << 3,
    }
);

flags!(
    /// `virDomainCheckpointXMLFlags`.
    CheckpointXmlFlags {
        SECURE = 1,
        NO_DOMAIN = 1 << 1,
        SIZE = 1 << 2,
    }
);

flags!(
    /// `virDomainCheckpointDeleteFlags`.
    CheckpointDeleteFlags {
        CHILDREN = 1,
        METADATA_ONLY = 1 << 1,
        CHILDREN_ONLY = 1 << 2,
    }
);
