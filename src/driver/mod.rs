//! Drivers: what a connection to a hypervisor is made of. The API is split by object kind
//! ([`api`]); a driver hands out its implementation of each kind ([`Driver`]), and a
//! [`Connection`] puts libvirt's public layer (read-only refusals) in front of it.

pub mod api;
pub mod events;
pub mod moments;
pub mod network;
pub mod paths;
pub mod qemu;
pub mod remote;
pub mod storage;
pub mod testdrv;

pub use api::{
    ByteStream, CheckpointApi, CheckpointCalls, DomainApi, DomainCalls, HostApi, HostCalls,
    NetworkApi, NetworkCalls, SnapshotApi, SnapshotCalls, StorageApi, StorageCalls, VolumeSink,
};

/// A driver's implementation of each kind of call.
pub trait Apis {
    fn host(&self) -> &dyn HostApi;
    fn domains(&self) -> &dyn DomainApi;
    fn storage(&self) -> &dyn StorageApi;
    fn networks(&self) -> &dyn NetworkApi;
    fn snapshots(&self) -> &dyn SnapshotApi;
    fn checkpoints(&self) -> &dyn CheckpointApi;
}

/// A driver that implements every kind of call itself hands out itself.
impl<T: HostApi + DomainApi + StorageApi + NetworkApi + SnapshotApi + CheckpointApi> Apis for T {
    fn host(&self) -> &dyn HostApi {
        self
    }
    fn domains(&self) -> &dyn DomainApi {
        self
    }
    fn storage(&self) -> &dyn StorageApi {
        self
    }
    fn networks(&self) -> &dyn NetworkApi {
        self
    }
    fn snapshots(&self) -> &dyn SnapshotApi {
        self
    }
    fn checkpoints(&self) -> &dyn CheckpointApi {
        self
    }
}

/// One driver: its calls, and what the connection needs to know of it. Calls take `&self`:
/// drivers keep their own interior locking.
pub trait Driver: Apis {
    /// Whether the connection can exchange keepalive messages (only remote ones can).
    fn supports_keepalive(&self) -> bool {
        false
    }
    /// Whether calls go over the network to a daemon (and so may be slow).
    fn is_remote(&self) -> bool {
        false
    }
    /// Why the connection no longer works, once it does not (a remote one can be lost).
    fn lost(&self) -> Option<String> {
        None
    }
}

/// An open connection (libvirt's `virConnectPtr`).
pub struct Connection {
    driver: Box<dyn Driver>,
    readonly: bool,
}

impl Connection {
    pub fn new(driver: Box<dyn Driver>, readonly: bool) -> Connection {
        Connection { driver, readonly }
    }

    pub fn host(&self) -> HostCalls<'_> {
        HostCalls::new(self.driver.host(), self.readonly)
    }

    pub fn domains(&self) -> DomainCalls<'_> {
        DomainCalls::new(self.driver.domains(), self.readonly)
    }

    pub fn storage(&self) -> StorageCalls<'_> {
        StorageCalls::new(self.driver.storage(), self.readonly)
    }

    pub fn networks(&self) -> NetworkCalls<'_> {
        NetworkCalls::new(self.driver.networks(), self.readonly)
    }

    pub fn snapshots(&self) -> SnapshotCalls<'_> {
        SnapshotCalls::new(self.driver.snapshots(), self.readonly)
    }

    pub fn checkpoints(&self) -> CheckpointCalls<'_> {
        CheckpointCalls::new(self.driver.checkpoints(), self.readonly)
    }

    pub fn supports_keepalive(&self) -> bool {
        self.driver.supports_keepalive()
    }

    pub fn is_remote(&self) -> bool {
        self.driver.is_remote()
    }

    pub fn lost(&self) -> Option<String> {
        self.driver.lost()
    }
}

/// What a driver implementation needs in scope.
pub(crate) mod prelude {
    pub use super::api::*;
    pub use super::events::{EventEnd, EventWait};
    pub use super::Driver;
    pub use crate::error::{Error, ErrorCode, Result};
    pub use crate::types::*;
}
