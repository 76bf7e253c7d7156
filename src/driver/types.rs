//! The values the driver API passes: object handles, states with their reasons, info records
//! and flag sets, numbered as libvirt numbers them so that they cross the wire unchanged.

use uuid::Uuid;

/// A domain handle, as libvirt's `virDomainPtr` carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRef {
    pub name: String,
    pub uuid: Uuid,
    /// The id of a running domain.
    pub id: Option<u32>,
}

/// A storage pool handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRef {
    pub name: String,
    pub uuid: Uuid,
}

/// A storage volume handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolRef {
    pub pool: String,
    pub name: String,
    pub key: String,
}

macro_rules! reasons {
    ($(#[$m:meta])* $ty:ident { $($variant:ident = $n:literal => $text:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $ty { $($variant = $n,)* }
        impl $ty {
            pub fn from_code(code: i32) -> $ty {
                match code { $($n => $ty::$variant,)* _ => $ty::Unknown }
            }
            pub fn text(self) -> &'static str {
                match self { $($ty::$variant => $text,)* }
            }
        }
    };
}

reasons!(
    /// Why a domain is running.
    RunningReason {
        Unknown = 0 => "unknown",
        Booted = 1 => "booted",
        Migrated = 2 => "migrated",
        Restored = 3 => "restored",
        FromSnapshot = 4 => "from snapshot",
        Unpaused = 5 => "unpaused",
        MigrationCanceled = 6 => "migration canceled",
        SaveCanceled = 7 => "save canceled",
        Wakeup = 8 => "event wakeup",
        Crashed = 9 => "crashed",
        Postcopy = 10 => "post-copy",
    }
);

reasons!(
    /// Why a domain is paused.
    PausedReason {
        Unknown = 0 => "unknown",
        User = 1 => "user",
        Migration = 2 => "migrating",
        Save = 3 => "saving",
        Dump = 4 => "dumping",
        IoError = 5 => "I/O error",
        Watchdog = 6 => "watchdog",
        FromSnapshot = 7 => "from snapshot",
        ShuttingDown = 8 => "shutting down",
        Snapshot = 9 => "creating snapshot",
        Crashed = 10 => "crashed",
        StartingUp = 11 => "starting up",
        Postcopy = 12 => "post-copy",
        PostcopyFailed = 13 => "post-copy failed",
    }
);

reasons!(
    /// Why a domain is shutting down.
    ShutdownReason {
        Unknown = 0 => "unknown",
        User = 1 => "user",
    }
);

reasons!(
    /// Why a domain is shut off.
    ShutoffReason {
        Unknown = 0 => "unknown",
        Shutdown = 1 => "shutdown",
        Destroyed = 2 => "destroyed",
        Crashed = 3 => "crashed",
        Migrated = 4 => "migrated",
        Saved = 5 => "saved",
        Failed = 6 => "failed",
        FromSnapshot = 7 => "from snapshot",
        Daemon = 8 => "daemon",
    }
);

reasons!(
    /// Why a domain crashed.
    CrashedReason {
        Unknown = 0 => "unknown",
        Panicked = 1 => "panicked",
    }
);

/// A domain's state with its reason (libvirt's `virDomainState` and the per-state reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    NoState,
    Running(RunningReason),
    Blocked,
    Paused(PausedReason),
    Shutdown(ShutdownReason),
    Shutoff(ShutoffReason),
    Crashed(CrashedReason),
    PmSuspended,
}

impl State {
    /// libvirt's (state, reason) numbers.
    pub fn codes(self) -> (i32, i32) {
        match self {
            State::NoState => (0, 0),
            State::Running(r) => (1, r as i32),
            State::Blocked => (2, 0),
            State::Paused(r) => (3, r as i32),
            State::Shutdown(r) => (4, r as i32),
            State::Shutoff(r) => (5, r as i32),
            State::Crashed(r) => (6, r as i32),
            State::PmSuspended => (7, 0),
        }
    }

    pub fn from_codes(state: i32, reason: i32) -> State {
        match state {
            1 => State::Running(RunningReason::from_code(reason)),
            2 => State::Blocked,
            3 => State::Paused(PausedReason::from_code(reason)),
            4 => State::Shutdown(ShutdownReason::from_code(reason)),
            5 => State::Shutoff(ShutoffReason::from_code(reason)),
            6 => State::Crashed(CrashedReason::from_code(reason)),
            7 => State::PmSuspended,
            _ => State::NoState,
        }
    }

    /// virsh's state word (`running`, `shut off`, ...).
    pub fn text(self) -> &'static str {
        match self {
            State::NoState => "no state",
            State::Running(_) => "running",
            State::Blocked => "idle",
            State::Paused(_) => "paused",
            State::Shutdown(_) => "in shutdown",
            State::Shutoff(_) => "shut off",
            State::Crashed(_) => "crashed",
            State::PmSuspended => "pmsuspended",
        }
    }

    pub fn reason_text(self) -> &'static str {
        match self {
            State::Running(r) => r.text(),
            State::Paused(r) => r.text(),
            State::Shutdown(r) => r.text(),
            State::Shutoff(r) => r.text(),
            State::Crashed(r) => r.text(),
            State::NoState | State::Blocked | State::PmSuspended => "unknown",
        }
    }

    /// Whether the domain has a running process (libvirt's "active").
    pub fn is_active(self) -> bool {
        !matches!(self, State::Shutoff(_) | State::NoState)
    }
}

/// `virDomainGetInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainInfo {
    pub state: State,
    pub max_mem_kib: u64,
    pub memory_kib: u64,
    pub nr_virt_cpu: u32,
    pub cpu_time_ns: u64,
}

/// The state of a domain's control interface (`virDomainControlState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlState {
    Ok = 0,
    Job = 1,
    Occupied = 2,
    Error = 3,
}

impl ControlState {
    pub fn text(self) -> &'static str {
        match self {
            ControlState::Ok => "ok",
            ControlState::Job => "background job",
            ControlState::Occupied => "occupied",
            ControlState::Error => "error",
        }
    }
}

/// Everything `dominfo` shows of a domain. Drivers may fetch the parts together (the remote
/// driver sends every call before it reads any reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainSummary {
    pub info: DomainInfo,
    pub os_type: String,
    pub persistent: Option<bool>,
    pub autostart: Option<bool>,
    pub managed_save: Option<bool>,
    pub security_model: Option<SecurityModel>,
    pub security_label: Option<SecurityLabel>,
    pub messages: Vec<String>,
}

/// `virSecurityModel` of the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityModel {
    pub model: String,
    pub doi: String,
}

/// `virSecurityLabel` of a running domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityLabel {
    pub label: String,
    pub enforcing: bool,
}

/// `virNodeInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub model: String,
    pub memory_kib: u64,
    pub cpus: u32,
    pub mhz: u32,
    pub nodes: u32,
    pub sockets: u32,
    pub cores: u32,
    pub threads: u32,
}

/// A storage pool's state (`virStoragePoolState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolState {
    Inactive = 0,
    Building = 1,
    Running = 2,
    Degraded = 3,
    Inaccessible = 4,
}

impl PoolState {
    pub fn text(self) -> &'static str {
        match self {
            PoolState::Inactive => "inactive",
            PoolState::Building => "building",
            PoolState::Running => "running",
            PoolState::Degraded => "degraded",
            PoolState::Inaccessible => "inaccessible",
        }
    }

    pub fn from_code(code: i32) -> PoolState {
        match code {
            1 => PoolState::Building,
            2 => PoolState::Running,
            3 => PoolState::Degraded,
            4 => PoolState::Inaccessible,
            _ => PoolState::Inactive,
        }
    }
}

/// `virStoragePoolInfo`, sizes in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolInfo {
    pub state: PoolState,
    pub capacity: u64,
    pub allocation: u64,
    pub available: u64,
}

/// A volume's type (`virStorageVolType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolType {
    File = 0,
    Block = 1,
    Dir = 2,
    Network = 3,
    Netdir = 4,
    Ploop = 5,
}

impl VolType {
    pub fn text(self) -> &'static str {
        match self {
            VolType::File => "file",
            VolType::Block => "block",
            VolType::Dir => "dir",
            VolType::Network => "network",
            VolType::Netdir => "netdir",
            VolType::Ploop => "ploop",
        }
    }

    pub fn from_code(code: i32) -> VolType {
        match code {
            1 => VolType::Block,
            2 => VolType::Dir,
            3 => VolType::Network,
            4 => VolType::Netdir,
            5 => VolType::Ploop,
            _ => VolType::File,
        }
    }
}

/// `virStorageVolInfo`, sizes in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VolInfo {
    pub kind: VolType,
    pub capacity: u64,
    pub allocation: u64,
}

/// Told how far a long operation is: `(done, total)`, in bytes (or per mille when bytes are
/// not known). Drivers call it; they never draw anything themselves.
pub type ProgressFn<'a> = &'a dyn Fn(u64, u64);

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
    /// state, each pair must pass, and managed save, snapshots and checkpoints count as
    /// absent (no driver here has them). `autostart` is asked only when a filter needs it.
    pub fn admits(self, state: &State, persistent: bool, autostart: impl FnOnce() -> bool) -> bool {
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
            && pair(F::MANAGEDSAVE, F::NO_MANAGEDSAVE, false)
            && pair(F::HAS_SNAPSHOT, F::NO_SNAPSHOT, false)
            && pair(F::HAS_CHECKPOINT, F::NO_CHECKPOINT, false)
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

impl PoolListFlags {
    /// The pool types, in flag order.
    pub const TYPES: [&'static str; 14] = [
        "dir",
        "fs",
        "netfs",
        "logical",
        "disk",
        "iscsi",
        "scsi",
        "mpath",
        "rbd",
        "sheepdog",
        "gluster",
        "zfs",
        "vstorage",
        "iscsi-direct",
    ];

    /// The flag of a pool type.
    pub fn of_type(kind: &str) -> Option<PoolListFlags> {
        Self::TYPES
            .iter()
            .position(|t| *t == kind)
            .map(|i| PoolListFlags(1 << (6 + i)))
    }

    pub fn type_bits(self) -> PoolListFlags {
        PoolListFlags(self.0 & !0x3f)
    }
}

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

/// Which text `desc` reads or writes (`virDomainMetadataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataKind {
    Description = 0,
    Title = 1,
}
