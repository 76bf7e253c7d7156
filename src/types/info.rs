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

/// What `pool-list` shows of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolFacts {
    pub info: PoolInfo,
    pub autostart: bool,
    pub persistent: bool,
}

/// What `vol-list` shows of a volume: its path, and with `--details` its info (none when
/// the volume cannot say, as virsh leaves those columns blank).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolFacts {
    pub path: String,
    pub info: Option<VolInfo>,
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

/// Which text of a network `net-desc` and `net-metadata` read or write
/// (`virNetworkMetadataType`); an element is named by its namespace URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetMetadata<'a> {
    Description,
    Title,
    Element(&'a str),
}

impl NetMetadata<'_> {
    /// The number libvirt gives the kind.
    pub fn code(&self) -> i32 {
        match self {
            NetMetadata::Description => 0,
            NetMetadata::Title => 1,
            NetMetadata::Element(_) => 2,
        }
    }
}

/// A change to a running or defined network (`virNetworkUpdate`): `command` and `section`
/// are libvirt's numbers (`virNetworkUpdateCommand`, `virNetworkUpdateSection`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkUpdate {
    pub command: u32,
    pub section: u32,
    /// Which `<ip>` the change applies to; -1: the one that fits.
    pub parent_index: i32,
    pub xml: String,
    /// `virNetworkUpdateFlags`: live 1, config 2 (0: current).
    pub flags: u32,
}

/// One DHCP lease of a network (`virNetworkDHCPLease`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhcpLease {
    pub iface: String,
    /// Seconds since the epoch.
    pub expiry_time: i64,
    /// 0: IPv4, 1: IPv6 (`virIPAddrType`).
    pub kind: i32,
    pub mac: Option<String>,
    pub iaid: Option<String>,
    pub ipaddr: String,
    pub prefix: u32,
    pub hostname: Option<String>,
    pub clientid: Option<String>,
}

/// A guest interface's addresses (`virDomainInterface`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainInterface {
    pub name: String,
    pub hwaddr: Option<String>,
    pub addrs: Vec<IpAddress>,
}

/// One address: `kind` 0 is IPv4, 1 IPv6 (`virIPAddrType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpAddress {
    pub kind: i32,
    pub addr: String,
    pub prefix: u32,
}

/// Traffic counters of a guest interface (`virDomainInterfaceStatsStruct`), as the guest sees
/// them; -1 for a counter the driver does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfaceStats {
    pub rx_bytes: i64,
    pub rx_packets: i64,
    pub rx_errs: i64,
    pub rx_drop: i64,
    pub tx_bytes: i64,
    pub tx_packets: i64,
    pub tx_errs: i64,
    pub tx_drop: i64,
}

/// What `net-list` shows of a network: whether it is active, autostarted, persistent (`None`
/// when the driver could not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetworkFacts {
    pub active: Option<bool>,
    pub autostart: Option<bool>,
    pub persistent: Option<bool>,
}
