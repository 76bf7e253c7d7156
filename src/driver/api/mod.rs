//! The driver API, split by object kind as libvirt's public API is (`virConnect*`/`virNode*`,
//! `virDomain*`, `virNetwork*`, `virStoragePool*`/`virStorageVol*`).
//!
//! Each kind is declared once, with [`api!`]: every call with its libvirt function name and
//! whether it reads or changes state. From that one declaration come
//! - the driver trait (`HostApi`, `DomainApi`, `NetworkApi`, `StorageApi`), whose default
//!   methods fail with libvirt's `this function is not supported by the connection driver:
//!   virXxx`, so a driver implements what it supports and nothing else;
//! - the public layer callers use (`HostCalls`, `DomainCalls`, `NetworkCalls`,
//!   `StorageCalls`), which, like
//!   libvirt's `libvirt-domain.c`, refuses every changing call on a read-only connection with
//!   `operation forbidden: read only access prevents virXxx` before the driver sees it, and
//!   refuses a read asking for secrets on it (`secure`), makes the argument checks libvirt's
//!   public API makes (`check`) and makes absolute the paths libvirt's public API makes absolute (`absolute`, see
//!   [`super::paths`]).
//!
//! Snapshots and checkpoints (`SnapshotApi`, `CheckpointApi`) are declared in [`moments`].

use std::io::Read;

use uuid::Uuid;

use super::events::{EventEnd, EventWait};
use crate::error::{Error, Result};
use crate::types::stats::{StatsFlags, StatsGroups, StatsRecord, StatsTarget, TypedValue};
use crate::types::*;

/// A two-way byte stream (a console).
pub trait ByteStream: std::io::Read + std::io::Write + std::os::fd::AsRawFd {
    /// A descriptor that becomes readable when the session must end (another one took the
    /// console over).
    fn ended_fd(&self) -> Option<std::os::fd::RawFd> {
        None
    }
}

impl ByteStream for std::os::unix::net::UnixStream {}

/// The destination of a volume upload.
pub trait VolumeSink: std::io::Write + std::io::Seek {
    /// Makes what was written durable.
    fn finish(&mut self) -> Result<()>;
}

/// The default body of a call: libvirt's "not supported", unless the declaration names a
/// function that does it from the driver's other calls.
macro_rules! default_body {
    ($api:literal, $self:ident, ($($arg:ident),*)) => {
        Err(Error::no_support($api))
    };
    ($api:literal, $self:ident, ($($arg:ident),*), $default:path) => {
        $default($self $(, $arg)*)
    };
}

/// What the public layer does with a call: pass a read on, refuse a change when read-only,
/// and refuse a `secure` read (its last argument a [`Secure`] flag word) asking for secrets then.
macro_rules! gate {
    (read, $self:ident, $api:literal, ($($arg:ident),*)) => {};
    (write, $self:ident, $api:literal, ($($arg:ident),*)) => {
        if $self.readonly {
            return Err(Error::denied($api));
        }
    };
    (secure, $self:ident, $api:literal, ($dom:ident, $flags:ident)) => {
        if $self.readonly && Secure::secure($flags) {
            return Err(Error::new(
                crate::error::ErrorCode::OperationDenied,
                concat!("operation forbidden: ", $api, " with secure flag"),
            ));
        }
    };
}

/// A flag word with a `*_XML_SECURE` flag: a read asking for secrets.
pub trait Secure {
    fn secure(self) -> bool;
}

impl Secure for XmlFlags {
    fn secure(self) -> bool {
        self.has(XmlFlags::SECURE)
    }
}

impl Secure for SnapshotXmlFlags {
    fn secure(self) -> bool {
        self.has(SnapshotXmlFlags::SECURE)
    }
}

impl Secure for CheckpointXmlFlags {
    fn secure(self) -> bool {
        self.has(CheckpointXmlFlags::SECURE)
    }
}

macro_rules! api {
    (
        $(#[$tm:meta])*
        pub trait $trait:ident, calls $calls:ident {
            $(
                $(#[$m:meta])*
                $kind:ident fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty
                    = $api:literal $(=> $default:path)? $(, check $check:expr)?
                    $(, absolute $abs:ident)?;
            )*
        }
    ) => {
        $(#[$tm])*
        pub trait $trait {
            $(
                $(#[$m])*
                #[allow(unused_variables)]
                fn $name(&self $(, $arg: $ty)*) -> Result<$ret> {
                    default_body!($api, self, ($($arg),*) $(, $default)?)
                }
            )*
        }

        /// The public layer over the driver's calls of this kind: a changing call on a
        /// read-only connection is refused here, as libvirt's public API does.
        #[derive(Clone, Copy)]
        pub struct $calls<'a> {
            api: &'a dyn $trait,
            // A kind whose calls all read never looks at it.
            #[allow(dead_code)]
            readonly: bool,
        }

        impl<'a> $calls<'a> {
            pub fn new(api: &'a dyn $trait, readonly: bool) -> $calls<'a> {
                $calls { api, readonly }
            }

            $(
                $(#[$m])*
                pub fn $name(&self $(, $arg: $ty)*) -> Result<$ret> {
                    gate!($kind, self, $api, ($($arg),*));
                    $($check?;)?
                    $(
                        let $abs = super::paths::Absolute::absolute($abs);
                        let $abs = &$abs;
                    )?
                    self.api.$name($($arg),*)
                }
            )*
        }
    };
}

mod moments;

pub use moments::{CheckpointApi, CheckpointCalls, SnapshotApi, SnapshotCalls};

api! {
    /// The connection and the host.
    pub trait HostApi, calls HostCalls {
        /// The canonical URI of the connection.
        read fn uri(&self) -> String = "virConnectGetURI";
        read fn hostname(&self) -> String = "virConnectGetHostname";
        /// The hypervisor type (`Test`, `QEMU`), as `version` prints it.
        read fn hv_type(&self) -> String = "virConnectGetType";
        /// The hypervisor version, `major * 1_000_000 + minor * 1_000 + micro`.
        read fn hv_version(&self) -> u64 = "virConnectGetVersion";
        read fn node_info(&self) -> NodeInfo = "virNodeGetInfo";
        read fn capabilities(&self) -> String = "virConnectGetCapabilities";
        /// The host's security model, if any.
        read fn security_model(&self) -> Option<SecurityModel> = "virNodeGetSecurityModel";
    }
}

api! {
    /// Domains.
    pub trait DomainApi, calls DomainCalls {
        read fn list_domains(&self, flags: DomainListFlags) -> Vec<DomainRef>
            = "virConnectListAllDomains";
        read fn domain_by_id(&self, id: u32) -> DomainRef = "virDomainLookupByID";
        read fn domain_by_uuid(&self, uuid: &Uuid) -> DomainRef = "virDomainLookupByUUID";
        read fn domain_by_name(&self, name: &str) -> DomainRef = "virDomainLookupByName";
        write fn define_domain(&self, xml: &str) -> DomainRef
            = "virDomainDefineXML" => define_plain;
        write fn define_domain_flags(&self, xml: &str, flags: DefineFlags) -> DomainRef
            = "virDomainDefineXMLFlags";
        /// Removes the definition; `flags` say what goes with it (or stays).
        write fn undefine_domain(&self, dom: &DomainRef, flags: UndefineFlags) -> ()
            = "virDomainUndefineFlags";
        /// Creates and starts a transient domain.
        write fn create_domain(&self, xml: &str, flags: StartFlags) -> DomainRef
            = "virDomainCreateXML";
        write fn start_domain(&self, dom: &DomainRef, flags: StartFlags) -> ()
            = "virDomainCreate";
        write fn shutdown_domain(&self, dom: &DomainRef, flags: ShutdownFlags) -> ()
            = "virDomainShutdownFlags";
        write fn reboot_domain(&self, dom: &DomainRef, flags: ShutdownFlags) -> ()
            = "virDomainReboot";
        write fn reset_domain(&self, dom: &DomainRef) -> () = "virDomainReset";
        write fn destroy_domain(&self, dom: &DomainRef) -> () = "virDomainDestroy";
        write fn suspend_domain(&self, dom: &DomainRef) -> () = "virDomainSuspend";
        write fn resume_domain(&self, dom: &DomainRef) -> () = "virDomainResume";
        read fn domain_info(&self, dom: &DomainRef) -> DomainInfo = "virDomainGetInfo";
        read fn domain_state(&self, dom: &DomainRef) -> State = "virDomainGetState";
        /// The state of each domain, or why it has none (the remote driver sends every call
        /// before it reads a reply).
        read fn domain_states(&self, doms: &[DomainRef]) -> Vec<Result<State>>
            = "virDomainGetState" => states;
        /// Statistics of the domains `target` names or filters. The default knows the
        /// `state` group only, as libvirt's test driver: other groups asked for are left out,
        /// or refused with `ENFORCE`.
        read fn domain_stats(
            &self,
            target: StatsTarget<'_>,
            groups: StatsGroups,
            flags: StatsFlags,
        ) -> Vec<StatsRecord> = "virConnectGetAllDomainStats" => state_only;
        read fn domain_xml(&self, dom: &DomainRef, flags: XmlFlags) -> String
            = "virDomainGetXMLDesc";
        read fn domain_os_type(&self, dom: &DomainRef) -> String = "virDomainGetOSType";
        read fn domain_is_persistent(&self, dom: &DomainRef) -> bool = "virDomainIsPersistent";
        read fn domain_has_managed_save(&self, dom: &DomainRef) -> bool
            = "virDomainHasManagedSaveImage";
        read fn domain_is_active(&self, dom: &DomainRef) -> bool
            = "virDomainIsActive" => active_by_state;
        /// Saves a running domain's memory to the file `to` and stops it. `progress` hears
        /// how far the save is, `(done, total)` bytes, when the driver can tell.
        write fn save_domain(&self, dom: &DomainRef, to: &str, progress: ProgressFn<'_>) -> ()
            = "virDomainSave" => save_plain, absolute to;
        /// A save with another domain XML for the image (`dxml`) and flags.
        write fn save_domain_flags(
            &self,
            dom: &DomainRef,
            to: &str,
            dxml: Option<&str>,
            flags: SaveFlags,
            progress: ProgressFn<'_>,
        ) -> () = "virDomainSaveFlags", check running_or_paused(flags), absolute to;
        write fn save_domain_params(
            &self,
            dom: &DomainRef,
            params: &SaveParams,
            flags: SaveFlags,
            progress: ProgressFn<'_>,
        ) -> () = "virDomainSaveParams", check running_or_paused(flags), absolute params;
        /// Starts the domain a save image holds.
        write fn restore_domain(&self, from: &str) -> ()
            = "virDomainRestore" => restore_plain, absolute from;
        write fn restore_domain_flags(&self, from: &str, dxml: Option<&str>, flags: SaveFlags)
            -> () = "virDomainRestoreFlags", check running_or_paused(flags), absolute from;
        /// libvirt 11.3 hands the driver the parameters as they were given (the copy it
        /// makes absolute goes unused), so a relative `file` reaches the driver relative.
        write fn restore_domain_params(&self, params: &SaveParams, flags: SaveFlags) -> ()
            = "virDomainRestoreParams", check running_or_paused(flags);
        /// The domain XML in a save image (a change: libvirt refuses it read-only).
        write fn save_image_xml(&self, file: &str, flags: XmlFlags) -> String
            = "virDomainSaveImageGetXMLDesc", absolute file;
        /// Replaces the domain XML in a save image.
        write fn define_save_image(&self, file: &str, dxml: &str, flags: SaveFlags) -> ()
            = "virDomainSaveImageDefineXML", check running_or_paused(flags), absolute file;
        /// Saves a running domain where the driver keeps it, for its next start.
        write fn managed_save(&self, dom: &DomainRef, flags: SaveFlags, progress: ProgressFn<'_>)
            -> () = "virDomainManagedSave", check running_or_paused(flags);
        write fn managed_save_remove(&self, dom: &DomainRef) -> ()
            = "virDomainManagedSaveRemove";
        secure fn managed_save_xml(&self, dom: &DomainRef, flags: XmlFlags) -> String
            = "virDomainManagedSaveGetXMLDesc";
        write fn define_managed_save(&self, dom: &DomainRef, dxml: &str, flags: SaveFlags) -> ()
            = "virDomainManagedSaveDefineXML", check running_or_paused(flags);
        /// Writes the domain's core to `to` (libvirt's raw format).
        write fn core_dump(
            &self,
            dom: &DomainRef,
            to: &str,
            flags: DumpFlags,
            progress: ProgressFn<'_>,
        ) -> () = "virDomainCoreDump" => dump_raw, check dump_exclusive(flags), absolute to;
        /// A core dump in `format` (`virDomainCoreDumpFormat`).
        write fn core_dump_with_format(
            &self,
            dom: &DomainRef,
            to: &str,
            format: u32,
            flags: DumpFlags,
            progress: ProgressFn<'_>,
        ) -> () = "virDomainCoreDumpWithFormat", check dump_format(format, flags), absolute to;
        /// Suspends the guest through its own power management (`target`:
        /// `virNodeSuspendTarget`) for `duration` seconds (0: until woken).
        write fn pm_suspend(&self, dom: &DomainRef, target: u32, duration: u64) -> ()
            = "virDomainPMSuspendForDuration";
        write fn pm_wakeup(&self, dom: &DomainRef) -> () = "virDomainPMWakeup";
        read fn domain_autostart(&self, dom: &DomainRef) -> bool = "virDomainGetAutostart";
        write fn set_domain_autostart(&self, dom: &DomainRef, on: bool) -> ()
            = "virDomainSetAutostart";
        /// Whether the domain starts at the next boot only (then the mark goes).
        read fn domain_autostart_once(&self, dom: &DomainRef) -> bool
            = "virDomainGetAutostartOnce";
        write fn set_domain_autostart_once(&self, dom: &DomainRef, on: bool) -> ()
            = "virDomainSetAutostartOnce";
        /// Current memory in KiB.
        write fn set_memory(&self, dom: &DomainRef, kib: u64, flags: ModifyFlags) -> ()
            = "virDomainSetMemoryFlags", check non_zero(kib, "memory", "virDomainSetMemoryFlags");
        /// virsh calls `virDomainSetMaxMemory` without flags, else `virDomainSetMemoryFlags`.
        write fn set_max_memory(&self, dom: &DomainRef, kib: u64, flags: ModifyFlags) -> ()
            = "virDomainSetMaxMemory", check non_zero(kib, "memory", match flags.0 {
                0 => "virDomainSetMaxMemory",
                _ => "virDomainSetMemoryFlags",
            });
        write fn set_vcpus(&self, dom: &DomainRef, count: u32, flags: ModifyFlags) -> ()
            = "virDomainSetVcpusFlags";
        write fn rename_domain(&self, dom: &DomainRef, new_name: &str) -> ()
            = "virDomainRename";
        read fn domain_metadata(&self, dom: &DomainRef, kind: MetadataKind, flags: ModifyFlags)
            -> Option<String> = "virDomainGetMetadata";
        write fn set_domain_metadata(
            &self,
            dom: &DomainRef,
            kind: MetadataKind,
            value: Option<&str>,
            flags: ModifyFlags,
        ) -> () = "virDomainSetMetadata";
        /// The security label of a running domain, if it has one.
        read fn domain_security_label(&self, dom: &DomainRef) -> Option<SecurityLabel>
            = "virDomainGetSecurityLabel";
        /// Messages about a running domain: taints and deprecations.
        read fn domain_messages(&self, dom: &DomainRef) -> Vec<String> = "virDomainGetMessages";
        /// The state of the domain's control interface.
        read fn domain_control(&self, dom: &DomainRef) -> ControlState
            = "virDomainGetControlInfo";
        /// What `dominfo` shows, in one go (the remote driver sends every call before it
        /// reads a reply).
        read fn domain_summary(&self, dom: &DomainRef, security_model: Option<&SecurityModel>)
            -> DomainSummary = "virDomainGetInfo" => summary;
        /// The addresses of the guest's interfaces, from `source` (`virDomainInterfaceAddressesSource`:
        /// 0 the DHCP leases, 1 the guest agent, 2 the host's ARP table).
        read fn interface_addresses(&self, dom: &DomainRef, source: u32) -> Vec<DomainInterface>
            = "virDomainInterfaceAddresses";
        /// Adds a device (its XML) to the running guest, its definition, or both.
        write fn attach_device(&self, dom: &DomainRef, xml: &str, flags: ModifyFlags) -> ()
            = "virDomainAttachDeviceFlags";
        /// `attach_device` of a running guest, as virsh asks without flags.
        write fn attach_device_live(&self, dom: &DomainRef, xml: &str) -> ()
            = "virDomainAttachDevice";
        /// Removes the device the XML names.
        write fn detach_device(&self, dom: &DomainRef, xml: &str, flags: ModifyFlags) -> ()
            = "virDomainDetachDeviceFlags";
        /// `detach_device` of a running guest, as virsh asks without flags.
        write fn detach_device_live(&self, dom: &DomainRef, xml: &str) -> ()
            = "virDomainDetachDevice";
        /// Changes a device the XML names (an interface's link state).
        write fn update_device(&self, dom: &DomainRef, xml: &str, flags: ModifyFlags) -> ()
            = "virDomainUpdateDeviceFlags";
        read fn interface_stats(&self, dom: &DomainRef, device: &str) -> InterfaceStats
            = "virDomainInterfaceStats";
        /// An interface's bandwidth settings (`inbound.average`, ...).
        read fn interface_parameters(&self, dom: &DomainRef, device: &str, flags: ModifyFlags)
            -> Vec<(String, crate::types::stats::TypedValue)> = "virDomainGetInterfaceParameters";
        write fn set_interface_parameters(
            &self,
            dom: &DomainRef,
            device: &str,
            params: &[(String, crate::types::stats::TypedValue)],
            flags: ModifyFlags,
        ) -> () = "virDomainSetInterfaceParameters";
        /// A screenshot of `screen`: its MIME type and its bytes.
        write fn screenshot(&self, dom: &DomainRef, screen: u32)
            -> (String, Box<dyn Read>) = "virDomainScreenshot";
        /// The guest's serial console as a byte stream.
        write fn open_console(&self, dom: &DomainRef, devname: Option<&str>, flags: ConsoleFlags)
            -> Box<dyn ByteStream> = "virDomainOpenConsole";
        /// Domain events (`virDomainEventID`) as they come.
        read fn wait_domain_events(&self, wait: EventWait<'_, DomainRef, DomainEvent>)
            -> EventEnd = "virConnectDomainEventRegisterAny";
    }
}

api! {
    /// Storage pools and volumes.
    pub trait StorageApi, calls StorageCalls {
        read fn list_pools(&self, flags: PoolListFlags) -> Vec<PoolRef>
            = "virConnectListAllStoragePools";
        read fn pool_by_name(&self, name: &str) -> PoolRef = "virStoragePoolLookupByName";
        read fn pool_by_uuid(&self, uuid: &Uuid) -> PoolRef = "virStoragePoolLookupByUUID";
        write fn define_pool(&self, xml: &str) -> PoolRef = "virStoragePoolDefineXML";
        /// Creates and starts a transient pool.
        write fn create_pool(&self, xml: &str, flags: BuildFlags) -> PoolRef
            = "virStoragePoolCreateXML";
        write fn build_pool(&self, pool: &PoolRef, flags: BuildFlags) -> ()
            = "virStoragePoolBuild";
        write fn start_pool(&self, pool: &PoolRef, flags: BuildFlags) -> ()
            = "virStoragePoolCreate";
        write fn destroy_pool(&self, pool: &PoolRef) -> () = "virStoragePoolDestroy";
        write fn delete_pool(&self, pool: &PoolRef) -> () = "virStoragePoolDelete";
        write fn undefine_pool(&self, pool: &PoolRef) -> () = "virStoragePoolUndefine";
        write fn refresh_pool(&self, pool: &PoolRef) -> () = "virStoragePoolRefresh";
        read fn pool_info(&self, pool: &PoolRef) -> PoolInfo = "virStoragePoolGetInfo";
        read fn pool_xml(&self, pool: &PoolRef, inactive: bool) -> String
            = "virStoragePoolGetXMLDesc";
        read fn pool_autostart(&self, pool: &PoolRef) -> bool = "virStoragePoolGetAutostart";
        write fn set_pool_autostart(&self, pool: &PoolRef, on: bool) -> ()
            = "virStoragePoolSetAutostart";
        /// The facts `pool-list` shows of each pool (the remote driver sends every call
        /// before it reads a reply).
        read fn pool_facts(&self, pools: &[PoolRef]) -> Vec<Result<PoolFacts>>
            = "virStoragePoolGetInfo" => pool_facts;
        read fn pool_is_persistent(&self, pool: &PoolRef) -> bool
            = "virStoragePoolIsPersistent";
        read fn list_volumes(&self, pool: &PoolRef) -> Vec<VolRef>
            = "virStoragePoolListAllVolumes";
        read fn vol_by_name(&self, pool: &PoolRef, name: &str) -> VolRef
            = "virStorageVolLookupByName";
        read fn vol_by_key(&self, key: &str) -> VolRef = "virStorageVolLookupByKey";
        read fn vol_by_path(&self, path: &str) -> VolRef = "virStorageVolLookupByPath";
        write fn create_volume(&self, pool: &PoolRef, xml: &str, flags: VolCreateFlags)
            -> VolRef = "virStorageVolCreateXML";
        /// Creates a volume from `xml` holding a copy of `source`; `progress` hears how far
        /// the copy is.
        write fn clone_volume(
            &self,
            pool: &PoolRef,
            xml: &str,
            source: &VolRef,
            flags: VolCreateFlags,
            progress: ProgressFn<'_>,
        ) -> VolRef = "virStorageVolCreateXMLFrom";
        write fn delete_volume(&self, vol: &VolRef, flags: VolDeleteFlags) -> ()
            = "virStorageVolDelete";
        write fn wipe_volume(&self, vol: &VolRef, algorithm: u32, progress: ProgressFn<'_>)
            -> () = "virStorageVolWipe";
        write fn resize_volume(&self, vol: &VolRef, capacity: u64, flags: ResizeFlags) -> ()
            = "virStorageVolResize";
        read fn vol_info(&self, vol: &VolRef) -> VolInfo = "virStorageVolGetInfo";
        read fn vol_xml(&self, vol: &VolRef) -> String = "virStorageVolGetXMLDesc";
        read fn vol_path(&self, vol: &VolRef) -> String = "virStorageVolGetPath";
        /// The facts `vol-list` shows of each volume, its info when `info` (the remote
        /// driver sends every call before it reads a reply).
        read fn vol_facts(&self, vols: &[VolRef], info: bool) -> Vec<Result<VolFacts>>
            = "virStorageVolGetPath" => vol_facts;
        /// The volume's bytes from `offset`, at most `length` of them (0: to the end); with
        /// `sparse`, a remote daemon sends holes as holes (they read as zeros).
        read fn download_volume(&self, vol: &VolRef, offset: u64, length: u64, sparse: bool)
            -> Box<dyn Read> = "virStorageVolDownload";
        /// Where the bytes of an upload go, from `offset`; seeking skips holes of a sparse
        /// upload (sent as holes to a remote daemon when `sparse`).
        write fn upload_volume(&self, vol: &VolRef, offset: u64, sparse: bool)
            -> Box<dyn VolumeSink> = "virStorageVolUpload";
        /// Storage pool events (`virStoragePoolEventID`) as they come.
        read fn wait_pool_events(&self, wait: EventWait<'_, PoolRef, PoolEvent>) -> EventEnd
            = "virConnectStoragePoolEventRegisterAny";
    }
}

api! {
    /// Virtual networks and their ports.
    pub trait NetworkApi, calls NetworkCalls {
        read fn list_networks(&self, flags: NetworkListFlags) -> Vec<NetworkRef>
            = "virConnectListAllNetworks";
        read fn network_by_name(&self, name: &str) -> NetworkRef = "virNetworkLookupByName";
        read fn network_by_uuid(&self, uuid: &Uuid) -> NetworkRef = "virNetworkLookupByUUID";
        write fn define_network(&self, xml: &str) -> NetworkRef = "virNetworkDefineXML";
        /// Creates and starts a transient network.
        write fn create_network(&self, xml: &str) -> NetworkRef = "virNetworkCreateXML";
        write fn undefine_network(&self, net: &NetworkRef) -> () = "virNetworkUndefine";
        write fn start_network(&self, net: &NetworkRef) -> () = "virNetworkCreate";
        write fn destroy_network(&self, net: &NetworkRef) -> () = "virNetworkDestroy";
        /// The network's XML; `inactive`: its persistent definition.
        read fn network_xml(&self, net: &NetworkRef, inactive: bool) -> String
            = "virNetworkGetXMLDesc";
        read fn network_bridge(&self, net: &NetworkRef) -> String = "virNetworkGetBridgeName";
        read fn network_autostart(&self, net: &NetworkRef) -> bool = "virNetworkGetAutostart";
        write fn set_network_autostart(&self, net: &NetworkRef, on: bool) -> ()
            = "virNetworkSetAutostart";
        read fn network_is_active(&self, net: &NetworkRef) -> bool = "virNetworkIsActive";
        read fn network_is_persistent(&self, net: &NetworkRef) -> bool
            = "virNetworkIsPersistent";
        /// The facts `net-list` shows of each network (the remote driver sends every call
        /// before it reads a reply).
        read fn network_facts(&self, nets: &[NetworkRef]) -> Vec<NetworkFacts>
            = "virNetworkIsActive" => facts;
        read fn network_metadata(&self, net: &NetworkRef, kind: NetMetadata<'_>, flags: ModifyFlags)
            -> Option<String> = "virNetworkGetMetadata";
        /// Sets (or with `None` removes) a text or, under `key`, an element.
        write fn set_network_metadata(
            &self,
            net: &NetworkRef,
            kind: NetMetadata<'_>,
            value: Option<&str>,
            key: Option<&str>,
            flags: ModifyFlags,
        ) -> () = "virNetworkSetMetadata";
        write fn update_network(&self, net: &NetworkRef, update: &NetworkUpdate) -> ()
            = "virNetworkUpdate";
        read fn network_dhcp_leases(&self, net: &NetworkRef, mac: Option<&str>) -> Vec<DhcpLease>
            = "virNetworkGetDHCPLeases";
        read fn list_network_ports(&self, net: &NetworkRef) -> Vec<NetworkPortRef>
            = "virNetworkListAllPorts";
        write fn create_network_port(&self, net: &NetworkRef, xml: &str) -> NetworkPortRef
            = "virNetworkPortCreateXML";
        read fn network_port_by_uuid(&self, net: &NetworkRef, uuid: &Uuid) -> NetworkPortRef
            = "virNetworkPortLookupByUUID";
        read fn network_port_xml(&self, port: &NetworkPortRef) -> String
            = "virNetworkPortGetXMLDesc";
        write fn delete_network_port(&self, port: &NetworkPortRef) -> ()
            = "virNetworkPortDelete";
        /// Network events (`virNetworkEventID`) as they come.
        read fn wait_network_events(&self, wait: EventWait<'_, NetworkRef, NetworkEvent>)
            -> EventEnd = "virConnectNetworkEventRegisterAny";
    }
}

/// `virCheckNonZeroArgGoto`: `what` in `function` must not be zero.
fn non_zero(value: u64, what: &str, function: &str) -> Result<()> {
    if value == 0 {
        return Err(Error::new(
            crate::error::ErrorCode::InvalidArg,
            format!("{what} in {function} must not be zero"),
        ));
    }
    Ok(())
}

/// `VIR_EXCLUSIVE_FLAGS_GOTO(VIR_A, VIR_B)`: the first pair given together is refused.
fn exclusive(flags: u32, pairs: &[(u32, &str, u32, &str)]) -> Result<()> {
    match pairs
        .iter()
        .find(|(a, _, b, _)| flags & a != 0 && flags & b != 0)
    {
        Some((_, a, _, b)) => Err(Error::new(
            crate::error::ErrorCode::InvalidArg,
            format!("Flags '{a}' and '{b}' are mutually exclusive"),
        )),
        None => Ok(()),
    }
}

/// A save image cannot be restored both running and paused.
fn running_or_paused(flags: SaveFlags) -> Result<()> {
    let (r, p) = (SaveFlags::RUNNING.0, SaveFlags::PAUSED.0);
    exclusive(
        flags.0,
        &[(r, "VIR_DOMAIN_SAVE_RUNNING", p, "VIR_DOMAIN_SAVE_PAUSED")],
    )
}

/// A dump cannot both crash the domain and leave it running or reset it.
fn dump_exclusive(flags: DumpFlags) -> Result<()> {
    let (c, l, r) = (DumpFlags::CRASH.0, DumpFlags::LIVE.0, DumpFlags::RESET.0);
    exclusive(
        flags.0,
        &[
            (c, "VIR_DUMP_CRASH", l, "VIR_DUMP_LIVE"),
            (c, "VIR_DUMP_CRASH", r, "VIR_DUMP_RESET"),
            (l, "VIR_DUMP_LIVE", r, "VIR_DUMP_RESET"),
        ],
    )
}

/// A format libvirt knows, then [`dump_exclusive`].
fn dump_format(format: u32, flags: DumpFlags) -> Result<()> {
    if format >= DUMP_FORMAT_LAST {
        return Err(Error::invalid_arg(format!(
            "dumpformat '{format}' is not supported"
        )));
    }
    dump_exclusive(flags)
}

fn active_by_state(api: &(impl DomainApi + ?Sized), dom: &DomainRef) -> Result<bool> {
    Ok(api.domain_state(dom)?.is_active())
}

/// A call done by the driver's fuller one: when that one is not supported either, libvirt
/// names the call made (`function`).
fn by_fuller(done: Result<()>, function: &str) -> Result<()> {
    match done {
        Err(e) if e.code == crate::error::ErrorCode::NoSupport => Err(Error::no_support(function)),
        other => other,
    }
}

/// A driver saves without flags as with none.
fn save_plain(
    api: &(impl DomainApi + ?Sized),
    dom: &DomainRef,
    to: &str,
    progress: ProgressFn<'_>,
) -> Result<()> {
    let done = api.save_domain_flags(dom, to, None, SaveFlags::default(), progress);
    by_fuller(done, "virDomainSave")
}

fn restore_plain(api: &(impl DomainApi + ?Sized), from: &str) -> Result<()> {
    let done = api.restore_domain_flags(from, None, SaveFlags::default());
    by_fuller(done, "virDomainRestore")
}

/// A plain core dump is one in libvirt's raw format.
fn dump_raw(
    api: &(impl DomainApi + ?Sized),
    dom: &DomainRef,
    to: &str,
    flags: DumpFlags,
    progress: ProgressFn<'_>,
) -> Result<()> {
    let done = api.core_dump_with_format(dom, to, DUMP_FORMAT_RAW, flags, progress);
    by_fuller(done, "virDomainCoreDump")
}

/// virsh defines without flags through `virDomainDefineXML`: the same as no flags.
fn define_plain(api: &(impl DomainApi + ?Sized), xml: &str) -> Result<DomainRef> {
    api.define_domain_flags(xml, DefineFlags::default())
}

/// The statistics a driver that knows only the `state` group gives.
fn state_only(
    api: &(impl DomainApi + ?Sized),
    target: StatsTarget<'_>,
    groups: StatsGroups,
    flags: StatsFlags,
) -> Result<Vec<StatsRecord>> {
    let unsupported = groups & !StatsGroups::STATE;
    if flags.has(StatsFlags::ENFORCE) && unsupported.0 != 0 {
        return Err(Error::new(
            crate::error::ErrorCode::ArgumentUnsupported,
            format!(
                "argument unsupported: Stats types bits 0x{:x} are not supported by this daemon",
                unsupported.0
            ),
        ));
    }
    let domains = match target.domains {
        None => api.list_domains(target.filter)?,
        Some(named) if target.filter.0 == 0 => named.to_vec(),
        // The driver's own listing decides which named domains pass the filters.
        Some(named) => {
            let passing = api.list_domains(target.filter)?;
            named
                .iter()
                .filter(|d| passing.iter().any(|p| p.uuid == d.uuid))
                .cloned()
                .collect()
        }
    };
    let with_state = groups.0 == 0 || groups.has(StatsGroups::STATE);
    domains
        .iter()
        .map(|d| {
            let mut params = Vec::new();
            if with_state {
                let (state, reason) = api.domain_state(d)?.codes();
                params.push(("state.state".to_string(), TypedValue::Int(state)));
                params.push(("state.reason".to_string(), TypedValue::Int(reason)));
            }
            Ok(StatsRecord {
                domain: d.clone(),
                params,
            })
        })
        .collect()
}

/// `net-list`'s facts one call at a time.
fn facts(api: &(impl NetworkApi + ?Sized), nets: &[NetworkRef]) -> Result<Vec<NetworkFacts>> {
    Ok(nets
        .iter()
        .map(|n| NetworkFacts {
            active: api.network_is_active(n).ok(),
            autostart: api.network_autostart(n).ok(),
            persistent: api.network_is_persistent(n).ok(),
        })
        .collect())
}

fn pool_facts(
    api: &(impl StorageApi + ?Sized),
    pools: &[PoolRef],
) -> Result<Vec<Result<PoolFacts>>> {
    Ok(pools
        .iter()
        .map(|p| {
            Ok(PoolFacts {
                info: api.pool_info(p)?,
                autostart: api.pool_autostart(p)?,
                persistent: api.pool_is_persistent(p)?,
            })
        })
        .collect())
}

fn vol_facts(
    api: &(impl StorageApi + ?Sized),
    vols: &[VolRef],
    info: bool,
) -> Result<Vec<Result<VolFacts>>> {
    Ok(vols
        .iter()
        .map(|v| {
            Ok(VolFacts {
                path: api.vol_path(v)?,
                info: info.then(|| api.vol_info(v).ok()).flatten(),
            })
        })
        .collect())
}

fn states(api: &(impl DomainApi + ?Sized), doms: &[DomainRef]) -> Result<Vec<Result<State>>> {
    Ok(doms.iter().map(|d| api.domain_state(d)).collect())
}

/// `dominfo`'s facts one call at a time; the security label only where the host has a model.
fn summary(
    api: &(impl DomainApi + ?Sized),
    dom: &DomainRef,
    security_model: Option<&SecurityModel>,
) -> Result<DomainSummary> {
    let security_label = match security_model {
        Some(_) => api
            .domain_security_label(dom)?
            .filter(|l| !l.label.is_empty()),
        None => None,
    };
    Ok(DomainSummary {
        info: api.domain_info(dom)?,
        os_type: api.domain_os_type(dom)?,
        persistent: api.domain_is_persistent(dom).ok(),
        autostart: api.domain_autostart(dom).ok(),
        autostart_once: api.domain_autostart_once(dom).ok(),
        managed_save: api.domain_has_managed_save(dom).ok(),
        security_label,
        messages: api.domain_messages(dom).unwrap_or_default(),
    })
}
