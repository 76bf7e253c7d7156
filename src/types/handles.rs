//! Object handles, as libvirt's `virDomainPtr`, `virStoragePoolPtr` and `virStorageVolPtr`
//! carry them.

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

/// A virtual network handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkRef {
    pub name: String,
    pub uuid: Uuid,
}

/// A network port handle: the port's UUID on its network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPortRef {
    pub network: NetworkRef,
    pub uuid: Uuid,
}
