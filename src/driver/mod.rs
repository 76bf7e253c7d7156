//! The driver API: what virsh asks of a hypervisor connection, shaped as libvirt's public API
//! (`virConnectListAllDomains`, `virDomainCreate`, `virStoragePoolGetInfo`, ...), so that the
//! test driver, the embedded QEMU driver and the remote driver all serve one trait.

pub mod error;
pub mod qemu;
pub mod readonly;
pub mod remote;
pub mod stats;
pub mod storage;
pub mod test;
pub mod types;

pub use error::{Error, ErrorCode, Result};
pub use types::*;

use uuid::Uuid;

/// One open connection to a hypervisor. Every call takes `&self`: drivers keep their own
/// interior locking, so one connection can serve concurrent callers.
pub trait Hypervisor {
    // ---- the connection and the host ----
    /// The canonical URI of the connection.
    fn uri(&self) -> Result<String>;
    fn hostname(&self) -> Result<String>;
    /// The hypervisor type (`Test`, `QEMU`), as `version` prints it.
    fn hv_type(&self) -> Result<String>;
    /// The hypervisor version, `major * 1_000_000 + minor * 1_000 + micro`.
    fn hv_version(&self) -> Result<u64>;
    fn node_info(&self) -> Result<NodeInfo>;
    fn capabilities(&self) -> Result<String>;
    /// The host's security model, if any.
    fn security_model(&self) -> Result<Option<SecurityModel>>;
    /// Whether the connection can exchange keepalive messages (only remote ones can).
    fn supports_keepalive(&self) -> bool {
        false
    }
    /// Whether calls go over the network to a daemon (and so may be slow).
    fn is_remote(&self) -> bool {
        false
    }
    /// Whether the connection still works (a remote one can be lost).
    fn is_alive(&self) -> bool {
        true
    }

    // ---- domains ----
    fn list_domains(&self, flags: DomainListFlags) -> Result<Vec<DomainRef>>;
    fn domain_by_id(&self, id: u32) -> Result<DomainRef>;
    fn domain_by_uuid(&self, uuid: &Uuid) -> Result<DomainRef>;
    fn domain_by_name(&self, name: &str) -> Result<DomainRef>;
    fn define_domain(&self, xml: &str) -> Result<DomainRef>;
    fn undefine_domain(&self, dom: &DomainRef) -> Result<()>;
    /// Creates and starts a transient domain.
    fn create_domain(&self, xml: &str, flags: StartFlags) -> Result<DomainRef>;
    fn start_domain(&self, dom: &DomainRef, flags: StartFlags) -> Result<()>;
    fn shutdown_domain(&self, dom: &DomainRef) -> Result<()>;
    fn reboot_domain(&self, dom: &DomainRef) -> Result<()>;
    fn reset_domain(&self, dom: &DomainRef) -> Result<()>;
    fn destroy_domain(&self, dom: &DomainRef) -> Result<()>;
    fn suspend_domain(&self, dom: &DomainRef) -> Result<()>;
    fn resume_domain(&self, dom: &DomainRef) -> Result<()>;
    fn domain_info(&self, dom: &DomainRef) -> Result<DomainInfo>;
    fn domain_state(&self, dom: &DomainRef) -> Result<State>;
    /// Statistics of the domains `target` names or filters. In-process drivers know the
    /// `state` group only.
    fn domain_stats(
        &self,
        target: stats::StatsTarget<'_>,
        groups: stats::StatsGroups,
        flags: stats::StatsFlags,
    ) -> Result<Vec<stats::StatsRecord>> {
        stats::state_only(self, target, groups, flags)
    }
    fn domain_xml(&self, dom: &DomainRef, flags: XmlFlags) -> Result<String>;
    fn domain_os_type(&self, dom: &DomainRef) -> Result<String>;
    fn domain_is_persistent(&self, dom: &DomainRef) -> Result<bool>;
    fn domain_has_managed_save(&self, dom: &DomainRef) -> Result<bool>;
    fn domain_autostart(&self, dom: &DomainRef) -> Result<bool>;
    fn set_domain_autostart(&self, dom: &DomainRef, on: bool) -> Result<()>;
    /// Current memory in KiB.
    fn set_memory(&self, dom: &DomainRef, kib: u64, flags: ModifyFlags) -> Result<()>;
    fn set_max_memory(&self, dom: &DomainRef, kib: u64, flags: ModifyFlags) -> Result<()>;
    fn set_vcpus(&self, dom: &DomainRef, count: u32, flags: ModifyFlags) -> Result<()>;
    fn rename_domain(&self, dom: &DomainRef, new_name: &str) -> Result<()>;
    fn domain_metadata(
        &self,
        dom: &DomainRef,
        kind: MetadataKind,
        flags: ModifyFlags,
    ) -> Result<Option<String>>;
    fn set_domain_metadata(
        &self,
        dom: &DomainRef,
        kind: MetadataKind,
        value: Option<&str>,
        flags: ModifyFlags,
    ) -> Result<()>;
    /// The security label of a running domain, if it has one.
    fn domain_security_label(&self, dom: &DomainRef) -> Result<Option<SecurityLabel>>;
    /// Messages about a running domain: taints and deprecations (`virDomainGetMessages`).
    fn domain_messages(&self, dom: &DomainRef) -> Result<Vec<String>>;
    /// The state of the domain's control interface (`virDomainGetControlInfo`).
    fn domain_control(&self, dom: &DomainRef) -> Result<ControlState>;
    /// What `dominfo` shows, in one go.
    fn domain_summary(&self, dom: &DomainRef) -> Result<DomainSummary> {
        let security_model = self.security_model()?.filter(|m| !m.model.is_empty());
        let security_label = match &security_model {
            Some(_) => self
                .domain_security_label(dom)?
                .filter(|l| !l.label.is_empty()),
            None => None,
        };
        Ok(DomainSummary {
            info: self.domain_info(dom)?,
            os_type: self.domain_os_type(dom)?,
            persistent: self.domain_is_persistent(dom).ok(),
            autostart: self.domain_autostart(dom).ok(),
            managed_save: self.domain_has_managed_save(dom).ok(),
            security_model,
            security_label,
            messages: self.domain_messages(dom).unwrap_or_default(),
        })
    }
    /// The guest's serial console as a byte stream (`virDomainOpenConsole`).
    fn open_console(&self, dom: &DomainRef, devname: Option<&str>) -> Result<Box<dyn ByteStream>>;

    // ---- storage pools ----
    fn list_pools(&self, flags: PoolListFlags) -> Result<Vec<PoolRef>>;
    fn pool_by_name(&self, name: &str) -> Result<PoolRef>;
    fn pool_by_uuid(&self, uuid: &Uuid) -> Result<PoolRef>;
    fn define_pool(&self, xml: &str) -> Result<PoolRef>;
    /// Creates and starts a transient pool.
    fn create_pool(&self, xml: &str, flags: BuildFlags) -> Result<PoolRef>;
    fn build_pool(&self, pool: &PoolRef, flags: BuildFlags) -> Result<()>;
    fn start_pool(&self, pool: &PoolRef, flags: BuildFlags) -> Result<()>;
    fn destroy_pool(&self, pool: &PoolRef) -> Result<()>;
    fn delete_pool(&self, pool: &PoolRef) -> Result<()>;
    fn undefine_pool(&self, pool: &PoolRef) -> Result<()>;
    fn refresh_pool(&self, pool: &PoolRef) -> Result<()>;
    fn pool_info(&self, pool: &PoolRef) -> Result<PoolInfo>;
    fn pool_xml(&self, pool: &PoolRef, inactive: bool) -> Result<String>;
    fn pool_autostart(&self, pool: &PoolRef) -> Result<bool>;
    fn set_pool_autostart(&self, pool: &PoolRef, on: bool) -> Result<()>;
    fn pool_is_persistent(&self, pool: &PoolRef) -> Result<bool>;

    // ---- storage volumes ----
    fn list_volumes(&self, pool: &PoolRef) -> Result<Vec<VolRef>>;
    fn vol_by_name(&self, pool: &PoolRef, name: &str) -> Result<VolRef>;
    fn vol_by_key(&self, key: &str) -> Result<VolRef>;
    fn vol_by_path(&self, path: &str) -> Result<VolRef>;
    fn create_volume(&self, pool: &PoolRef, xml: &str, flags: VolCreateFlags) -> Result<VolRef>;
    /// Creates a volume from `xml` holding a copy of `source`; `progress` hears how far the
    /// copy is.
    fn clone_volume(
        &self,
        pool: &PoolRef,
        xml: &str,
        source: &VolRef,
        flags: VolCreateFlags,
        progress: ProgressFn,
    ) -> Result<VolRef>;
    fn delete_volume(&self, vol: &VolRef) -> Result<()>;
    fn wipe_volume(&self, vol: &VolRef, algorithm: u32, progress: ProgressFn) -> Result<()>;
    fn resize_volume(&self, vol: &VolRef, capacity: u64, flags: ResizeFlags) -> Result<()>;
    fn vol_info(&self, vol: &VolRef) -> Result<VolInfo>;
    fn vol_xml(&self, vol: &VolRef) -> Result<String>;
    fn vol_path(&self, vol: &VolRef) -> Result<String>;
    /// The volume's bytes from `offset`, at most `length` of them (0: to the end)
    /// (`virStorageVolDownload`).
    fn download_volume(
        &self,
        vol: &VolRef,
        offset: u64,
        length: u64,
    ) -> Result<Box<dyn std::io::Read>>;
    /// Where the bytes of an upload go, from `offset` (`virStorageVolUpload`); seeking skips
    /// holes of a sparse upload.
    fn upload_volume(&self, vol: &VolRef, offset: u64) -> Result<Box<dyn VolumeSink>>;
}

/// A two-way byte stream (a console).
pub trait ByteStream: std::io::Read + std::io::Write + std::os::fd::AsRawFd {}

impl ByteStream for std::os::unix::net::UnixStream {}

/// The destination of a volume upload.
pub trait VolumeSink: std::io::Write + std::io::Seek {
    /// Makes what was written durable.
    fn finish(&mut self) -> Result<()>;
}
