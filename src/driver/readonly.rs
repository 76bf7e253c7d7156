//! A read-only connection (`virsh -r`) to an in-process driver: reads pass through, every
//! mutation fails with libvirt's `operation forbidden: read only access prevents <API>`. (A
//! remote daemon enforces this itself.)

use uuid::Uuid;

use super::*;

pub struct ReadOnly(pub Box<dyn Hypervisor>);

macro_rules! pass {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(fn $name(&self, $($arg: $ty),*) -> Result<$ret> { self.0.$name($($arg),*) })*
    };
}

macro_rules! deny {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $api:literal;)*) => {
        $(fn $name(&self, $(_: $ty),*) -> Result<$ret> { Err(Error::denied($api)) })*
    };
}

impl Hypervisor for ReadOnly {
    pass! {
        uri() -> String;
        hostname() -> String;
        hv_type() -> String;
        hv_version() -> u64;
        node_info() -> NodeInfo;
        capabilities() -> String;
        security_model() -> Option<SecurityModel>;
        list_domains(flags: DomainListFlags) -> Vec<DomainRef>;
        domain_by_id(id: u32) -> DomainRef;
        domain_by_uuid(uuid: &Uuid) -> DomainRef;
        domain_by_name(name: &str) -> DomainRef;
        domain_info(dom: &DomainRef) -> DomainInfo;
        domain_state(dom: &DomainRef) -> State;
        domain_xml(dom: &DomainRef, flags: XmlFlags) -> String;
        domain_os_type(dom: &DomainRef) -> String;
        domain_is_persistent(dom: &DomainRef) -> bool;
        domain_has_managed_save(dom: &DomainRef) -> bool;
        domain_autostart(dom: &DomainRef) -> bool;
        domain_metadata(dom: &DomainRef, kind: MetadataKind, flags: ModifyFlags) -> Option<String>;
        domain_security_label(dom: &DomainRef) -> Option<SecurityLabel>;
        domain_messages(dom: &DomainRef) -> Vec<String>;
        domain_summary(dom: &DomainRef) -> DomainSummary;
        domain_control(dom: &DomainRef) -> ControlState;
        download_volume(vol: &VolRef, offset: u64, length: u64) -> Box<dyn std::io::Read>;
        list_pools(flags: PoolListFlags) -> Vec<PoolRef>;
        pool_by_name(name: &str) -> PoolRef;
        pool_by_uuid(uuid: &Uuid) -> PoolRef;
        pool_info(pool: &PoolRef) -> PoolInfo;
        pool_xml(pool: &PoolRef, inactive: bool) -> String;
        pool_autostart(pool: &PoolRef) -> bool;
        pool_is_persistent(pool: &PoolRef) -> bool;
        list_volumes(pool: &PoolRef) -> Vec<VolRef>;
        vol_by_name(pool: &PoolRef, name: &str) -> VolRef;
        vol_by_key(key: &str) -> VolRef;
        vol_by_path(path: &str) -> VolRef;
        vol_info(vol: &VolRef) -> VolInfo;
        vol_xml(vol: &VolRef) -> String;
        vol_path(vol: &VolRef) -> String;
    }

    deny! {
        define_domain(xml: &str) -> DomainRef = "virDomainDefineXML";
        undefine_domain(dom: &DomainRef) -> () = "virDomainUndefineFlags";
        create_domain(xml: &str, flags: StartFlags) -> DomainRef = "virDomainCreateXML";
        start_domain(dom: &DomainRef, flags: StartFlags) -> () = "virDomainCreate";
        shutdown_domain(dom: &DomainRef) -> () = "virDomainShutdown";
        reboot_domain(dom: &DomainRef) -> () = "virDomainReboot";
        reset_domain(dom: &DomainRef) -> () = "virDomainReset";
        destroy_domain(dom: &DomainRef) -> () = "virDomainDestroy";
        suspend_domain(dom: &DomainRef) -> () = "virDomainSuspend";
        resume_domain(dom: &DomainRef) -> () = "virDomainResume";
        set_domain_autostart(dom: &DomainRef, on: bool) -> () = "virDomainSetAutostart";
        set_memory(dom: &DomainRef, kib: u64, flags: ModifyFlags) -> () = "virDomainSetMemoryFlags";
        set_max_memory(dom: &DomainRef, kib: u64, flags: ModifyFlags) -> () = "virDomainSetMaxMemory";
        set_vcpus(dom: &DomainRef, count: u32, flags: ModifyFlags) -> () = "virDomainSetVcpusFlags";
        rename_domain(dom: &DomainRef, new_name: &str) -> () = "virDomainRename";
        set_domain_metadata(dom: &DomainRef, kind: MetadataKind, value: Option<&str>, flags: ModifyFlags) -> () = "virDomainSetMetadata";
        define_pool(xml: &str) -> PoolRef = "virStoragePoolDefineXML";
        create_pool(xml: &str, flags: BuildFlags) -> PoolRef = "virStoragePoolCreateXML";
        build_pool(pool: &PoolRef, flags: BuildFlags) -> () = "virStoragePoolBuild";
        start_pool(pool: &PoolRef, flags: BuildFlags) -> () = "virStoragePoolCreate";
        destroy_pool(pool: &PoolRef) -> () = "virStoragePoolDestroy";
        delete_pool(pool: &PoolRef) -> () = "virStoragePoolDelete";
        undefine_pool(pool: &PoolRef) -> () = "virStoragePoolUndefine";
        refresh_pool(pool: &PoolRef) -> () = "virStoragePoolRefresh";
        set_pool_autostart(pool: &PoolRef, on: bool) -> () = "virStoragePoolSetAutostart";
        create_volume(pool: &PoolRef, xml: &str, flags: VolCreateFlags) -> VolRef = "virStorageVolCreateXML";
        clone_volume(pool: &PoolRef, xml: &str, source: &VolRef, flags: VolCreateFlags, progress: ProgressFn) -> VolRef = "virStorageVolCreateXMLFrom";
        delete_volume(vol: &VolRef) -> () = "virStorageVolDelete";
        wipe_volume(vol: &VolRef, algorithm: u32, progress: ProgressFn) -> () = "virStorageVolWipe";
        resize_volume(vol: &VolRef, capacity: u64, flags: ResizeFlags) -> () = "virStorageVolResize";
        open_console(dom: &DomainRef, devname: Option<&str>) -> Box<dyn ByteStream> = "virDomainOpenConsole";
        upload_volume(vol: &VolRef, offset: u64) -> Box<dyn VolumeSink> = "virStorageVolUpload";
    }
}
