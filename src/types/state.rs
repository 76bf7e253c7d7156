//! States with their reasons, and the words virsh prints for them.

/// An enum numbered as libvirt numbers it, with its word: `from_code` (a number libvirt may
/// add later reads as the `else` variant) and `text`.
macro_rules! codes {
    ($(#[$m:meta])* $ty:ident else $default:ident { $($variant:ident = $n:literal => $text:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $ty { $($variant = $n,)* }
        impl $ty {
            pub fn from_code(code: i32) -> $ty {
                match code { $($n => $ty::$variant,)* _ => $ty::$default }
            }
            pub fn text(self) -> &'static str {
                match self { $($ty::$variant => $text,)* }
            }
        }
    };
}

pub(crate) use codes;

codes!(
    /// Why a domain is running.
    RunningReason else Unknown {
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

codes!(
    /// Why a domain is paused.
    PausedReason else Unknown {
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
        ApiError = 14 => "api error",
    }
);

codes!(
    /// Why a domain is shutting down.
    ShutdownReason else Unknown {
        Unknown = 0 => "unknown",
        User = 1 => "user",
    }
);

codes!(
    /// Why a domain is shut off.
    ShutoffReason else Unknown {
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

codes!(
    /// Why a domain crashed.
    CrashedReason else Unknown {
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

codes!(
    /// The state of a domain's control interface (`virDomainControlState`).
    ControlState else Error {
        Ok = 0 => "ok",
        Job = 1 => "background job",
        Occupied = 2 => "occupied",
        Error = 3 => "error",
    }
);

codes!(
    /// A storage pool's state (`virStoragePoolState`).
    PoolState else Inactive {
        Inactive = 0 => "inactive",
        Building = 1 => "building",
        Running = 2 => "running",
        Degraded = 3 => "degraded",
        Inaccessible = 4 => "inaccessible",
    }
);

codes!(
    /// A volume's type (`virStorageVolType`).
    VolType else File {
        File = 0 => "file",
        Block = 1 => "block",
        Dir = 2 => "dir",
        Network = 3 => "network",
        Netdir = 4 => "netdir",
        Ploop = 5 => "ploop",
    }
);
