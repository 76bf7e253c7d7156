//! The records of the driver API's `Get*Info` calls.

use super::{PoolState, State, VolType};

/// `virDomainGetInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainInfo {
    pub state: State,
    pub max_mem_kib: u64,
    pub memory_kib: u64,
    pub nr_virt_cpu: u32,
    pub cpu_time_ns: u64,
}

/// Everything `dominfo` shows of a domain. Drivers may fetch the parts together (the remote
/// driver sends every call before it reads any reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainSummary {
    pub info: DomainInfo,
    pub os_type: String,
    pub persistent: Option<bool>,
    pub autostart: Option<bool>,
    /// `None` where the driver does not know it (virsh then prints no line).
    pub autostart_once: Option<bool>,
    pub managed_save: Option<bool>,
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

/// `virStoragePoolInfo`, sizes in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolInfo {
    pub state: PoolState,
    pub capacity: u64,
    pub allocation: u64,
    pub available: u64,
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

/// Which text `desc` reads or writes (`virDomainMetadataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataKind {
    Description = 0,
    Title = 1,
}
