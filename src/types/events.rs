//! Events as a callback hears them: the object, the event type (numbered per kind as libvirt
//! numbers it: `virDomainEventID`, `virNetworkEventID`, `virStoragePoolEventID`), and what
//! came with it.

use serde::Serialize;

use super::stats::TypedValue;

/// An event about the object named `object`, of type `id`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event<K> {
    pub object: String,
    pub id: u32,
    pub what: K,
}

pub type DomainEvent = Event<DomainEventKind>;
pub type NetworkEvent = Event<NetEventKind>;
pub type PoolEvent = Event<PoolEventKind>;

/// Hears each event as it comes; answers whether to wait for more.
pub type EventSink<'a, E> = &'a mut dyn FnMut(E) -> bool;

/// A lifecycle event: its type (`vir*EventLifecycleType`) and the type's detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Lifecycle {
    pub event: i32,
    pub detail: i32,
}

/// A metadata change: `virDomainMetadataType` (or the network's) and the namespace of a
/// changed element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetadataChange {
    pub kind: i32,
    pub uri: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NetEventKind {
    Lifecycle(Lifecycle),
    Metadata(MetadataChange),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolEventKind {
    Lifecycle(Lifecycle),
    Refresh,
}

/// One end of a graphics connection (`virDomainEventGraphicsAddress`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphicsAddress {
    /// `virDomainEventGraphicsAddressType`: IPv4, IPv6, unix.
    pub family: i32,
    pub node: String,
    pub service: String,
}

/// What a domain event brings, by the shapes virsh prints; the event type tells apart those
/// of one shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DomainEventKind {
    Lifecycle(Lifecycle),
    /// reboot, control-error and the power management events (whose reason virsh ignores).
    Plain,
    RtcChange {
        offset: i64,
    },
    /// `virDomainEventWatchdogAction`.
    Watchdog {
        action: i32,
    },
    /// io-error, and io-error-reason with its reason.
    IoError {
        src_path: String,
        dev_alias: String,
        action: i32,
        reason: Option<String>,
    },
    Graphics {
        phase: i32,
        local: GraphicsAddress,
        remote: GraphicsAddress,
        auth_scheme: String,
        /// The subject's identities: (type, name).
        subject: Vec<(String, String)>,
    },
    /// block-job and block-job-2: the disk (path or target), `virDomainBlockJobType` and
    /// its status.
    BlockJob {
        disk: String,
        kind: i32,
        status: i32,
    },
    DiskChange {
        old_src: Option<String>,
        new_src: Option<String>,
        alias: String,
        reason: i32,
    },
    TrayChange {
        alias: String,
        reason: i32,
    },
    /// The balloon's size in KiB.
    BalloonChange {
        actual: u64,
    },
    /// device-removed, device-added, device-removal-failed.
    Device {
        alias: String,
    },
    /// tunable and job-completed.
    Params(Vec<(String, TypedValue)>),
    AgentLifecycle {
        state: i32,
        reason: i32,
    },
    MigrationIteration {
        iteration: i32,
    },
    Metadata(MetadataChange),
    BlockThreshold {
        dev: String,
        path: Option<String>,
        threshold: u64,
        excess: u64,
    },
    MemoryFailure {
        recipient: i32,
        action: i32,
        flags: u32,
    },
    MemoryDeviceSizeChange {
        alias: String,
        size: u64,
    },
    NicMacChange {
        alias: String,
        old_mac: String,
        new_mac: String,
    },
}
