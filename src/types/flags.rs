//! Flag words, numbered as libvirt numbers them so that they cross the wire unchanged.

use super::State;

/// libvirt's list filters come in pairs (`ACTIVE`/`INACTIVE`, `PERSISTENT`/`TRANSIENT`, ...):
/// with exactly one of a pair set, only objects on that side pass; with none or both, all do.
pub fn passes(on: bool, off: bool, value: bool) -> bool {
    match (on, off) {
        (true, false) => value,
        (false, true) => !value,
        _ => true,
    }
}

macro_rules! flags {
    ($(#[$m:meta])* $ty:ident { $($name:ident = $v:expr,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $ty(pub u32);
        impl $ty {
            $(pub const $name: $ty = $ty($v);)*
            pub fn has(self, other: $ty) -> bool { self.0 & other.0 == other.0 && other.0 != 0 }
            pub fn any(self, other: $ty) -> bool { self.0 & other.0 != 0 }
            /// libvirt's `virCheckFlags`: the bits outside `supported` refused, in
            /// libvirt's words naming the driver's `function`.
            pub fn check(self, supported: $ty, function: &str) -> crate::error::Result<()> {
                crate::error::Error::check_flags(self.0, supported.0, function)
            }
            /// The union of the flags whose option is on: `[(opt.paused, PAUSED), ...]`.
            pub fn from_options(pairs: impl IntoIterator<Item = (bool, $ty)>) -> $ty {
                $ty(pairs.into_iter().filter(|(on, _)| *on).fold(0, |acc, (_, f)| acc | f.0))
            }
        }
        impl std::ops::BitOr for $ty {
            type Output = $ty;
            fn bitor(self, rhs: $ty) -> $ty { $ty(self.0 | rhs.0) }
        }
        impl std::ops::BitAnd for $ty {
            type Output = $ty;
            fn bitand(self, rhs: $ty) -> $ty { $ty(self.0 & rhs.0) }
        }
        impl std::ops::Not for $ty {
            type Output = $ty;
            fn not(self) -> $ty { $ty(!self.0) }
        }
        impl std::ops::BitOrAssign for $ty {
            fn bitor_assign(&mut self, rhs: $ty) { self.0 |= rhs.0 }
        }
    };
}

pub(crate) use flags;

flags!(
    /// `virConnectListAllDomainsFlags`.
    DomainListFlags {
        ACTIVE = 1,
        INACTIVE = 1 << 1,
        PERSISTENT = 1 << 2,
        TRANSIENT = 1 << 3,
        RUNNING = 1 << 4,
        PAUSED = 1 << 5,
        SHUTOFF = 1 << 6,
        OTHER = 1 << 7,
        MANAGEDSAVE = 1 << 8,
        NO_MANAGEDSAVE = 1 << 9,
        AUTOSTART = 1 << 10,
        NO_AUTOSTART = 1 << 11,
        HAS_SNAPSHOT = 1 << 12,
        NO_SNAPSHOT = 1 << 13,
        HAS_CHECKPOINT = 1 << 14,
        NO_CHECKPOINT = 1 << 15,
    }
);

impl DomainListFlags {
    /// Whether a domain passes these filters: any of the state filters set must name its
    /// state, each pair must pass, and managed save counts as absent. `autostart` is asked
    /// only when a filter needs it. The snapshot and checkpoint pairs are
    /// [`DomainListFlags::admits_moments`]'s.
    pub fn admits(self, state: &State, persistent: bool, autostart: impl FnOnce() -> bool) -> bool {
        self.admits_saved(state, persistent, autostart, false)
    }

    /// [`DomainListFlags::admits`] for a driver that knows whether the domain has a managed
    /// save image.
    pub fn admits_saved(
        self,
        state: &State,
        persistent: bool,
        autostart: impl FnOnce() -> bool,
        managed_save: bool,
    ) -> bool {
        type F = DomainListFlags;
        let pair = |on: F, off: F, value: bool| passes(self.any(on), self.any(off), value);
        let state_ok = !self.any(F::RUNNING | F::PAUSED | F::SHUTOFF | F::OTHER)
            || match state {
                State::Running(_) => self.any(F::RUNNING),
                State::Paused(_) => self.any(F::PAUSED),
                State::Shutoff(_) => self.any(F::SHUTOFF),
                _ => self.any(F::OTHER),
            };
        state_ok
            && pair(F::ACTIVE, F::INACTIVE, state.is_active())
            && pair(F::PERSISTENT, F::TRANSIENT, persistent)
            && (!self.any(F::AUTOSTART | F::NO_AUTOSTART)
                || pair(F::AUTOSTART, F::NO_AUTOSTART, autostart()))
            && pair(F::MANAGEDSAVE, F::NO_MANAGEDSAVE, managed_save)
    }

    /// Whether a domain with (or without) snapshots and checkpoints passes the snapshot and
    /// checkpoint pairs.
    pub fn admits_moments(self, has_snapshot: bool, has_checkpoint: bool) -> bool {
        type F = DomainListFlags;
        passes(
            self.any(F::HAS_SNAPSHOT),
            self.any(F::NO_SNAPSHOT),
            has_snapshot,
        ) && passes(
            self.any(F::HAS_CHECKPOINT),
            self.any(F::NO_CHECKPOINT),
            has_checkpoint,
        )
    }
}

flags!(
    /// `virConnectListAllStoragePoolsFlags` (the type bits follow the lifecycle bits).
    PoolListFlags {
        INACTIVE = 1,
        ACTIVE = 1 << 1,
        PERSISTENT = 1 << 2,
        TRANSIENT = 1 << 3,
        AUTOSTART = 1 << 4,
        NO_AUTOSTART = 1 << 5,
        DIR = 1 << 6,
        FS = 1 << 7,
        NETFS = 1 << 8,
        LOGICAL = 1 << 9,
        DISK = 1 << 10,
        ISCSI = 1 << 11,
        SCSI = 1 << 12,
        MPATH = 1 << 13,
        RBD = 1 << 14,
        SHEEPDOG = 1 << 15,
        GLUSTER = 1 << 16,
        ZFS = 1 << 17,
        VSTORAGE = 1 << 18,
        ISCSI_DIRECT = 1 << 19,
    }
);

/// The lifecycle filters networks and pools share, numbered alike by libvirt (`INACTIVE` 1,
/// `ACTIVE` 2, `PERSISTENT` 4, `TRANSIENT` 8, `AUTOSTART` 16, `NO_AUTOSTART` 32): whether an
/// object passes them. `autostart` is asked only when a filter needs it.
fn lifecycle_admits(
    bits: u32,
    active: bool,
    persistent: bool,
    autostart: impl FnOnce() -> bool,
) -> bool {
    let any = |b: u32| bits & b != 0;
    let (on, off) = (any(1 << 4), any(1 << 5));
    passes(any(1 << 1), any(1), active)
        && passes(any(1 << 2), any(1 << 3), persistent)
        && (on == off || passes(on, off, autostart()))
}

/// The lifecycle filters of `net-list` and `pool-list`, from their options: the active
/// objects unless `--all` or `--inactive`, then each pair (`--persistent`/`--transient`,
/// `--autostart`/`--no-autostart`) as given.
pub fn lifecycle_filter(
    all: bool,
    inactive: bool,
    (persistent, transient): (bool, bool),
    (autostart, no_autostart): (bool, bool),
) -> u32 {
    let state = match (all, inactive) {
        (true, _) => 0,
        (false, true) => 1,
        (false, false) => 1 << 1,
    };
    [persistent, transient, autostart, no_autostart]
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .fold(state, |acc, (i, _)| acc | 1 << (2 + i))
}

impl NetworkListFlags {
    /// Whether a network passes these filters.
    pub fn admits(self, active: bool, persistent: bool, autostart: impl FnOnce() -> bool) -> bool {
        lifecycle_admits(self.0, active, persistent, autostart)
    }
}

impl PoolListFlags {
    /// Whether a pool passes these filters: the lifecycle ones, and a type filter, if any,
    /// names its type (`kind`, asked only then).
    pub fn admits(
        self,
        active: bool,
        persistent: bool,
        autostart: impl FnOnce() -> bool,
        kind: impl FnOnce() -> Option<PoolListFlags>,
    ) -> bool {
        let types = self.type_bits();
        lifecycle_admits(self.0, active, persistent, autostart)
            && (types.0 == 0 || kind().is_some_and(|t| types.any(t)))
    }

    /// The flag of a pool type.
    pub fn of_type(kind: &str) -> Option<PoolListFlags> {
        // The type bits follow the lifecycle bits, in libvirt's order of pool types.
        super::POOL_TYPES
            .iter()
            .position(|t| *t == kind)
            .map(|i| PoolListFlags(1 << (6 + i)))
    }

    pub fn type_bits(self) -> PoolListFlags {
        PoolListFlags(self.0 & !0x3f)
    }
}

flags!(
    /// `virConnectListAllNetworksFlags`.
    NetworkListFlags {
        INACTIVE = 1,
        ACTIVE = 1 << 1,
        PERSISTENT = 1 << 2,
        TRANSIENT = 1 << 3,
        AUTOSTART = 1 << 4,
        NO_AUTOSTART = 1 << 5,
    }
);

flags!(
    /// `virDomainXMLFlags`.
    XmlFlags {
        SECURE = 1,
        INACTIVE = 1 << 1,
        UPDATE_CPU = 1 << 2,
        MIGRATABLE = 1 << 3,
    }
);

flags!(
    /// `virDomainModificationImpact` plus the memory and vcpu flags that extend it.
    ModifyFlags {
        LIVE = 1,
        CONFIG = 1 << 1,
        MAXIMUM = 1 << 2,
        GUEST = 1 << 3,
        HOTPLUGGABLE = 1 << 4,
    }
);

flags!(
    /// `virDomainConsoleFlags`.
    ConsoleFlags {
        FORCE = 1,
        SAFE = 2,
    }
);

flags!(
    /// `virDomainDefineFlags`.
    DefineFlags {
        VALIDATE = 1,
    }
);

flags!(
    /// `virDomainCreateFlags` for start and create.
    StartFlags {
        PAUSED = 1,
        AUTODESTROY = 1 << 1,
        BYPASS_CACHE = 1 << 2,
        FORCE_BOOT = 1 << 3,
        VALIDATE = 1 << 4,
        RESET_NVRAM = 1 << 5,
    }
);

flags!(
    /// `virDomainShutdownFlagValues` and `virDomainRebootFlagValues` (the same bits): how a
    /// domain is asked to shut down or reboot; none lets the driver choose.
    ShutdownFlags {
        ACPI = 1,
        AGENT = 1 << 1,
        INITCTL = 1 << 2,
        SIGNAL = 1 << 3,
        PARAVIRT = 1 << 4,
    }
);

impl ShutdownFlags {
    /// The flag of a `--mode` word, in virsh's order.
    pub fn of_mode(mode: &str) -> Option<ShutdownFlags> {
        let modes = [
            ("acpi", Self::ACPI),
            ("agent", Self::AGENT),
            ("initctl", Self::INITCTL),
            ("signal", Self::SIGNAL),
            ("paravirt", Self::PARAVIRT),
        ];
        modes.iter().find(|(m, _)| *m == mode).map(|(_, f)| *f)
    }
}

flags!(
    /// `virStoragePoolBuildFlags`, with `WITH_BUILD` for pool-create and pool-start: build the
    /// pool first.
    BuildFlags {
        WITH_BUILD = 1,
        NO_OVERWRITE = 1 << 2,
        OVERWRITE = 1 << 3,
    }
);

flags!(
    /// `virStorageVolResizeFlags`.
    ResizeFlags {
        ALLOCATE = 1,
        DELTA = 1 << 1,
        SHRINK = 1 << 2,
    }
);

flags!(
    /// `virStorageVolCreateFlags`.
    VolCreateFlags {
        PREALLOC_METADATA = 1,
        REFLINK = 1 << 1,
    }
);

flags!(
    /// `virStorageVolDeleteFlags`.
    VolDeleteFlags {
        ZEROED = 1,
        WITH_SNAPSHOTS = 1 << 1,
    }
);

flags!(
    /// `virDomainSaveRestoreFlags`: save, restore, managed save and the save image calls.
    SaveFlags {
        BYPASS_CACHE = 1,
        RUNNING = 1 << 1,
        PAUSED = 1 << 2,
        RESET_NVRAM = 1 << 3,
    }
);

flags!(
    /// `virDomainCoreDumpFlags`.
    DumpFlags {
        CRASH = 1,
        LIVE = 1 << 1,
        BYPASS_CACHE = 1 << 2,
        RESET = 1 << 3,
        MEMORY_ONLY = 1 << 4,
    }
);

flags!(
    /// `virDomainUndefineFlagsValues`: what goes with the definition, or stays.
    UndefineFlags {
        MANAGED_SAVE = 1,
        SNAPSHOTS_METADATA = 1 << 1,
        NVRAM = 1 << 2,
        KEEP_NVRAM = 1 << 3,
        CHECKPOINTS_METADATA = 1 << 4,
        TPM = 1 << 5,
        KEEP_TPM = 1 << 6,
    }
);
