//! The test driver: libvirt's `test://` hypervisor, simulated in memory. `test:///default` starts
//! from libvirt's default fixture; `test:///ABS/PATH.xml` from a `<node>` fixture file. State
//! lives as long as the connection (per process), as in libvirt.

mod checkpoints;
mod domains;
mod interfaces;
mod networks;
mod saves;
mod snapshots;
mod storage;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use uuid::Uuid;

use crate::rules::Kind;

use crate::driver::events::none_come;
use crate::driver::moments::MomentTree;
use crate::driver::prelude::*;
use crate::model::checkpoint::CheckpointDef;
use crate::model::node::{FixtureError, NodeFixture};
use crate::model::snapshot::SnapshotDef;
use crate::model::{DomainDef, PoolDef, VolumeDef};

const DEFAULT_FIXTURE: &str = include_str!("default.xml");
const CAPABILITIES: &str = include_str!("capabilities.xml");

/// The test driver's hypervisor version, 0.0.2.
const VERSION: u64 = 2;

pub struct TestDriver {
    uri: String,
    state: Mutex<TestState>,
}

struct Domain {
    /// The live definition of a running domain, else the persistent one.
    def: DomainDef,
    /// The persistent definition to use at next boot, when it differs from the live one.
    next_def: Option<DomainDef>,
    id: Option<u32>,
    state: State,
    persistent: bool,
    autostart: bool,
    snapshots: MomentTree<SnapshotDef>,
    checkpoints: MomentTree<CheckpointDef>,
    /// A managed save image exists (the test driver keeps only the mark).
    managed_save: bool,
}

struct Volume {
    def: VolumeDef,
    allocation: u64,
    path: String,
}

struct Pool {
    def: PoolDef,
    active: bool,
    persistent: bool,
    autostart: bool,
    capacity: u64,
    allocation: u64,
    volumes: Vec<Volume>,
}

struct TestState {
    node: NodeInfo,
    domains: Vec<Domain>,
    next_id: u32,
    pools: Vec<Pool>,
    networks: Vec<networks::Network>,
    /// `domiftune` settings: by domain and interface place.
    tuned: Vec<((Uuid, usize), [u32; 7])>,
}

/// libvirt's test pools report 100 GiB when the fixture gives no size.
const DEFAULT_POOL_CAPACITY: u64 = 100 << 30;

impl From<FixtureError> for Error {
    fn from(e: FixtureError) -> Error {
        match e {
            FixtureError::Model(m) => m.into(),
            FixtureError::Open(..) => Error::new(ErrorCode::SystemError, e.to_string()),
            FixtureError::Invalid(_) => Error::internal(e),
        }
    }
}

impl TestDriver {
    /// `test:///default`.
    pub fn open_default(uri: &str) -> Result<TestDriver> {
        let fixture = NodeFixture::parse(DEFAULT_FIXTURE, Path::new("/"))?;
        TestDriver::from_fixture(uri, fixture)
    }

    /// `test:///ABS/PATH.xml`.
    pub fn open_file(uri: &str, path: &Path) -> Result<TestDriver> {
        let fixture = NodeFixture::load(path)?;
        TestDriver::from_fixture(uri, fixture)
    }

    fn from_fixture(uri: &str, fixture: NodeFixture) -> Result<TestDriver> {
        let mut next_id = 1;
        let domains = fixture
            .domains
            .into_iter()
            .map(|d| -> Result<Domain> {
                // libvirt sets the preset state with no reason (0: unknown).
                let state = State::from_codes(d.runstate.unwrap_or(1), 0);
                let id = state.is_active().then(|| {
                    next_id += 1;
                    next_id - 1
                });
                let mut def = d.def;
                domains::post_parse(&mut def);
                domains::generate_ifnames(&mut def);
                let snapshots = snapshots::preset(def.name.as_str(), d.snapshots)?;
                Ok(Domain {
                    def,
                    next_def: None,
                    id,
                    state,
                    persistent: !d.transient,
                    autostart: false,
                    managed_save: d.managed_save,
                    snapshots,
                    checkpoints: MomentTree::default(),
                })
            })
            .collect::<Result<Vec<Domain>>>()?;
        let pools = fixture
            .pools
            .into_iter()
            .map(|p| {
                let target = p.def.target_path.clone().unwrap_or_default();
                let volumes: Vec<Volume> = p
                    .volumes
                    .into_iter()
                    .map(|v| Volume {
                        allocation: v.allocation.unwrap_or(v.capacity),
                        path: format!("{target}/{}", v.name),
                        def: v,
                    })
                    .collect();
                let used: u64 = volumes.iter().map(|v| v.allocation).sum();
                Pool {
                    def: p.def,
                    active: true,
                    persistent: true,
                    autostart: false,
                    capacity: p.capacity.unwrap_or(DEFAULT_POOL_CAPACITY),
                    allocation: p.allocation.unwrap_or(0).max(used),
                    volumes,
                }
            })
            .collect();
        Ok(TestDriver {
            uri: uri.to_string(),
            state: Mutex::new(TestState {
                node: fixture.node,
                domains,
                next_id,
                pools,
                tuned: Vec::new(),
                networks: fixture
                    .networks
                    .into_iter()
                    .map(|def| networks::Network {
                        def,
                        next_def: None,
                        active: true,
                        persistent: true,
                        autostart: false,
                    })
                    .collect(),
            }),
        })
    }

    fn state(&self) -> MutexGuard<'_, TestState> {
        // The state is plain data: a panic elsewhere cannot leave it half-updated in a way
        // later calls could not read.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Driver for TestDriver {}

impl HostApi for TestDriver {
    fn uri(&self) -> Result<String> {
        Ok(self.uri.clone())
    }
    fn hostname(&self) -> Result<String> {
        nix_hostname()
    }
    fn hv_type(&self) -> Result<String> {
        Ok("TEST".into())
    }
    fn hv_version(&self) -> Result<u64> {
        Ok(VERSION)
    }
    fn node_info(&self) -> Result<NodeInfo> {
        Ok(self.state().node.clone())
    }
    fn capabilities(&self) -> Result<String> {
        Ok(CAPABILITIES.to_string())
    }
    fn security_model(&self) -> Result<Option<SecurityModel>> {
        Ok(Some(SecurityModel {
            model: "testSecurity".into(),
            doi: String::new(),
        }))
    }
}

impl DomainApi for TestDriver {
    fn list_domains(&self, flags: DomainListFlags) -> Result<Vec<DomainRef>> {
        Ok(self.state().list_domains(flags))
    }
    fn domain_by_id(&self, id: u32) -> Result<DomainRef> {
        let st = self.state();
        st.domains
            .iter()
            .find(|d| d.id == Some(id))
            .map(Domain::handle)
            .ok_or_else(|| Error::no_domain(format!("no domain with matching id {id}")))
    }
    fn domain_by_uuid(&self, uuid: &Uuid) -> Result<DomainRef> {
        let st = self.state();
        st.domains
            .iter()
            .find(|d| d.def.uuid == *uuid)
            .map(Domain::handle)
            .ok_or_else(|| Kind::Domain.not_found(uuid, None))
    }
    fn domain_by_name(&self, name: &str) -> Result<DomainRef> {
        let st = self.state();
        st.domains
            .iter()
            .find(|d| d.def.name.as_str() == name)
            .map(Domain::handle)
            .ok_or_else(|| Kind::Domain.not_named(name))
    }
    fn define_domain_flags(&self, xml: &str, flags: DefineFlags) -> Result<DomainRef> {
        let def = DomainDef::parse_with(xml, flags.has(DefineFlags::VALIDATE))?;
        self.state().define(def)
    }
    fn undefine_domain(&self, dom: &DomainRef, flags: UndefineFlags) -> Result<()> {
        self.state().undefine(dom, flags)
    }
    fn create_domain(&self, xml: &str, flags: StartFlags) -> Result<DomainRef> {
        Error::check_flags(flags.0, StartFlags::VALIDATE.0, "testDomainCreateXML")?;
        let def = DomainDef::parse_with(xml, flags.has(StartFlags::VALIDATE))?;
        self.state().create(def)
    }
    fn start_domain(&self, dom: &DomainRef, flags: StartFlags) -> Result<()> {
        Error::check_flags(flags.0, 0, "testDomainCreateWithFlags")?;
        self.state().start(dom)
    }
    fn shutdown_domain(&self, dom: &DomainRef, flags: ShutdownFlags) -> Result<()> {
        Error::check_flags(flags.0, 0, "testDomainShutdownFlags")?;
        self.state().stop(dom, ShutoffReason::Shutdown)
    }
    /// libvirt's test driver takes every reboot mode.
    fn reboot_domain(&self, dom: &DomainRef, _: ShutdownFlags) -> Result<()> {
        self.state().reboot(dom, RunningReason::Booted)
    }
    fn reset_domain(&self, dom: &DomainRef) -> Result<()> {
        self.state().reboot(dom, RunningReason::Unknown)
    }
    fn destroy_domain(&self, dom: &DomainRef) -> Result<()> {
        self.state().stop(dom, ShutoffReason::Destroyed)
    }
    fn suspend_domain(&self, dom: &DomainRef) -> Result<()> {
        self.state().suspend(dom)
    }
    fn resume_domain(&self, dom: &DomainRef) -> Result<()> {
        self.state().resume(dom)
    }
    fn domain_info(&self, dom: &DomainRef) -> Result<DomainInfo> {
        self.state().info(dom)
    }
    fn domain_state(&self, dom: &DomainRef) -> Result<State> {
        Ok(self.state().get(dom)?.state)
    }
    fn domain_xml(&self, dom: &DomainRef, flags: XmlFlags) -> Result<String> {
        let st = self.state();
        let d = st.get(dom)?;
        Ok(if flags.has(XmlFlags::INACTIVE) {
            d.next_def.as_ref().unwrap_or(&d.def).to_xml(None)
        } else {
            d.def.to_xml(d.id)
        })
    }
    fn domain_os_type(&self, dom: &DomainRef) -> Result<String> {
        self.state().get(dom)?;
        Ok("linux".into())
    }
    fn domain_is_persistent(&self, dom: &DomainRef) -> Result<bool> {
        Ok(self.state().get(dom)?.persistent)
    }
    fn domain_has_managed_save(&self, dom: &DomainRef) -> Result<bool> {
        Ok(self.state().get(dom)?.managed_save)
    }
    fn save_domain_flags(
        &self,
        dom: &DomainRef,
        to: &str,
        dxml: Option<&str>,
        flags: SaveFlags,
        _: ProgressFn,
    ) -> Result<()> {
        Error::check_flags(flags.0, 0, "testDomainSaveFlags")?;
        no_dxml(dxml)?;
        self.state().save(dom, to)
    }
    fn restore_domain_flags(&self, from: &str, dxml: Option<&str>, flags: SaveFlags) -> Result<()> {
        Error::check_flags(flags.0, 0, "testDomainRestoreFlags")?;
        no_dxml(dxml)?;
        let def = saves::read_image(from)?;
        self.state().restore(def)
    }
    fn save_image_xml(&self, file: &str, flags: XmlFlags) -> Result<String> {
        Error::check_flags(flags.0, XmlFlags::SECURE.0, "testDomainSaveImageGetXMLDesc")?;
        Ok(saves::read_image(file)?.to_xml(None))
    }
    /// The flags are taken and do nothing (the test driver restores running, always).
    fn define_save_image(&self, file: &str, dxml: &str, flags: SaveFlags) -> Result<()> {
        let supported = SaveFlags::RUNNING | SaveFlags::PAUSED;
        Error::check_flags(flags.0, supported.0, "testDomainSaveImageDefineXML")?;
        saves::read_image(file)?;
        let mut def = DomainDef::parse(dxml)?;
        domains::post_parse(&mut def);
        saves::write_image(file, def.name.as_str(), &def.to_xml(None))
    }
    /// The flags are taken and do nothing: there is no image to write.
    fn managed_save(&self, dom: &DomainRef, flags: SaveFlags, _: ProgressFn) -> Result<()> {
        let supported = SaveFlags::BYPASS_CACHE | SaveFlags::RUNNING | SaveFlags::PAUSED;
        Error::check_flags(flags.0, supported.0, "testDomainManagedSave")?;
        self.state().managed_save(dom)
    }
    fn managed_save_remove(&self, dom: &DomainRef) -> Result<()> {
        self.state().get_mut(dom)?.managed_save = false;
        Ok(())
    }
    fn core_dump_with_format(
        &self,
        dom: &DomainRef,
        to: &str,
        format: u32,
        flags: DumpFlags,
        _: ProgressFn,
    ) -> Result<()> {
        Error::check_flags(flags.0, DumpFlags::CRASH.0, "testDomainCoreDumpWithFormat")?;
        let crash = flags.has(DumpFlags::CRASH);
        self.state().dump(dom, to, format, crash)
    }
    fn domain_autostart(&self, dom: &DomainRef) -> Result<bool> {
        Ok(self.state().get(dom)?.autostart)
    }
    fn set_domain_autostart(&self, dom: &DomainRef, on: bool) -> Result<()> {
        let mut st = self.state();
        let d = st.get_mut(dom)?;
        if !d.persistent {
            return Err(Error::operation_invalid(
                "cannot set autostart for transient domain",
            ));
        }
        d.autostart = on;
        Ok(())
    }
    fn set_memory(&self, dom: &DomainRef, kib: u64, flags: ModifyFlags) -> Result<()> {
        self.state().set_memory(dom, kib, flags)
    }
    fn set_max_memory(&self, dom: &DomainRef, kib: u64, flags: ModifyFlags) -> Result<()> {
        self.state()
            .set_memory(dom, kib, flags | ModifyFlags::MAXIMUM)
    }
    fn set_vcpus(&self, dom: &DomainRef, count: u32, flags: ModifyFlags) -> Result<()> {
        self.state().set_vcpus(dom, count, flags)
    }
    fn rename_domain(&self, dom: &DomainRef, new_name: &str) -> Result<()> {
        self.state().rename(dom, new_name)
    }
    fn domain_metadata(
        &self,
        dom: &DomainRef,
        kind: MetadataKind,
        flags: ModifyFlags,
    ) -> Result<Option<String>> {
        self.state().metadata(dom, kind, flags)
    }
    fn set_domain_metadata(
        &self,
        dom: &DomainRef,
        kind: MetadataKind,
        value: Option<&str>,
        flags: ModifyFlags,
    ) -> Result<()> {
        self.state().set_metadata(dom, kind, value, flags)
    }
    fn domain_security_label(&self, dom: &DomainRef) -> Result<Option<SecurityLabel>> {
        let st = self.state();
        let d = st.get(dom)?;
        Ok(d.state.is_active().then(|| SecurityLabel {
            label: "libvirt-test".into(),
            enforcing: true,
        }))
    }
    fn domain_messages(&self, dom: &DomainRef) -> Result<Vec<String>> {
        let st = self.state();
        let d = st.get(dom)?;
        Ok(if d.state.is_active() {
            domains::taints(&d.def)
        } else {
            Vec::new()
        })
    }
    fn open_console(
        &self,
        dom: &DomainRef,
        _: Option<&str>,
        _: ConsoleFlags,
    ) -> Result<Box<dyn ByteStream>> {
        self.state().get(dom)?;
        Err(Error::no_support("virDomainOpenConsole"))
    }
    /// As libvirt's test driver: the picture libvirt installs, whatever the screen.
    fn screenshot(&self, dom: &DomainRef, _: u32) -> Result<(String, Box<dyn std::io::Read>)> {
        self.state().get(dom)?;
        const PICTURE: &str = "/usr/share/libvirt/test-screenshot.png";
        let file = std::fs::File::open(PICTURE)
            .map_err(|e| Error::system(format!("Unable to open stream for '{PICTURE}'"), &e))?;
        Ok(("image/png".into(), Box::new(file)))
    }
    fn attach_device(&self, dom: &DomainRef, xml: &str, flags: ModifyFlags) -> Result<()> {
        self.attach(dom, xml, flags)
    }
    fn attach_device_live(&self, dom: &DomainRef, xml: &str) -> Result<()> {
        self.attach(dom, xml, ModifyFlags::LIVE)
    }
    fn update_device(&self, dom: &DomainRef, xml: &str, _: ModifyFlags) -> Result<()> {
        self.update(dom, xml)
    }
    /// No other client shares a test connection: no event comes while one waits.
    fn wait_domain_events(&self, wait: EventWait<'_, DomainRef, DomainEvent>) -> Result<EventEnd> {
        Ok(none_come(wait))
    }
    fn interface_stats(&self, dom: &DomainRef, device: &str) -> Result<InterfaceStats> {
        self.stats(dom, device)
    }
    fn interface_parameters(
        &self,
        dom: &DomainRef,
        device: &str,
        _: ModifyFlags,
    ) -> Result<Vec<(String, crate::types::stats::TypedValue)>> {
        self.tune(dom, device)
    }
    fn set_interface_parameters(
        &self,
        dom: &DomainRef,
        device: &str,
        params: &[(String, crate::types::stats::TypedValue)],
        _: ModifyFlags,
    ) -> Result<()> {
        self.set_tune(dom, device, params)
    }
    fn interface_addresses(&self, dom: &DomainRef, _: u32) -> Result<Vec<DomainInterface>> {
        self.state().interface_addresses(dom)
    }
    fn domain_control(&self, dom: &DomainRef) -> Result<ControlState> {
        let st = self.state();
        if !st.get(dom)?.state.is_active() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        Ok(ControlState::Ok)
    }
}

impl StorageApi for TestDriver {
    fn download_volume(
        &self,
        vol: &VolRef,
        _: u64,
        _: u64,
        _: bool,
    ) -> Result<Box<dyn std::io::Read>> {
        self.state().vol(vol)?;
        Err(Error::no_support("virStorageVolDownload"))
    }
    fn upload_volume(&self, vol: &VolRef, _: u64, _: bool) -> Result<Box<dyn VolumeSink>> {
        self.state().vol(vol)?;
        Err(Error::no_support("virStorageVolUpload"))
    }
    fn list_pools(&self, flags: PoolListFlags) -> Result<Vec<PoolRef>> {
        Ok(self.state().list_pools(flags))
    }
    fn wait_pool_events(&self, wait: EventWait<'_, PoolRef, PoolEvent>) -> Result<EventEnd> {
        Ok(none_come(wait))
    }
    fn pool_by_name(&self, name: &str) -> Result<PoolRef> {
        let st = self.state();
        st.pools
            .iter()
            .find(|p| p.def.name.as_str() == name)
            .map(Pool::handle)
            .ok_or_else(|| Kind::Pool.not_named(name))
    }
    fn pool_by_uuid(&self, uuid: &Uuid) -> Result<PoolRef> {
        let st = self.state();
        st.pools
            .iter()
            .find(|p| p.def.uuid == *uuid)
            .map(Pool::handle)
            .ok_or_else(|| Kind::Pool.not_found(uuid, None))
    }
    fn define_pool(&self, xml: &str) -> Result<PoolRef> {
        let def = PoolDef::parse(xml)?;
        self.state().add_pool(def, false)
    }
    fn create_pool(&self, xml: &str, _flags: BuildFlags) -> Result<PoolRef> {
        let def = PoolDef::parse(xml)?;
        self.state().add_pool(def, true)
    }
    fn build_pool(&self, pool: &PoolRef, _flags: BuildFlags) -> Result<()> {
        let mut st = self.state();
        st.inactive_pool(pool)?;
        Ok(())
    }
    fn start_pool(&self, pool: &PoolRef, _flags: BuildFlags) -> Result<()> {
        st_inactive(&mut self.state(), pool, |p| p.active = true)
    }
    fn destroy_pool(&self, pool: &PoolRef) -> Result<()> {
        self.state().destroy_pool(pool)
    }
    fn delete_pool(&self, pool: &PoolRef) -> Result<()> {
        st_inactive(&mut self.state(), pool, |_| ())
    }
    fn undefine_pool(&self, pool: &PoolRef) -> Result<()> {
        self.state().undefine_pool(pool)
    }
    fn refresh_pool(&self, pool: &PoolRef) -> Result<()> {
        self.state().active_pool(pool)?;
        Ok(())
    }
    fn pool_info(&self, pool: &PoolRef) -> Result<PoolInfo> {
        let st = self.state();
        let p = st.pool(pool)?;
        Ok(PoolInfo {
            state: if p.active {
                PoolState::Running
            } else {
                PoolState::Inactive
            },
            capacity: p.capacity,
            allocation: p.allocation,
            available: p.capacity - p.allocation,
        })
    }
    fn pool_xml(&self, pool: &PoolRef, inactive: bool) -> Result<String> {
        if inactive {
            return Err(Error::new(
                ErrorCode::InvalidArg,
                "unsupported flags (0x1) in function testStoragePoolGetXMLDesc",
            ));
        }
        let st = self.state();
        let p = st.pool(pool)?;
        Ok(p.def.to_xml(crate::model::pool::PoolSizes {
            capacity: p.capacity,
            allocation: p.allocation,
            available: p.capacity - p.allocation,
        }))
    }
    fn pool_autostart(&self, pool: &PoolRef) -> Result<bool> {
        Ok(self.state().pool(pool)?.autostart)
    }
    fn set_pool_autostart(&self, pool: &PoolRef, on: bool) -> Result<()> {
        let mut st = self.state();
        let p = st.pool_mut(pool)?;
        if !p.persistent {
            return Err(Error::invalid_arg(
                "cannot set autostart for transient pool",
            ));
        }
        p.autostart = on;
        Ok(())
    }
    fn pool_is_persistent(&self, pool: &PoolRef) -> Result<bool> {
        Ok(self.state().pool(pool)?.persistent)
    }
    fn list_volumes(&self, pool: &PoolRef) -> Result<Vec<VolRef>> {
        let st = self.state();
        let p = st
            .active_pool(pool)
            .map_err(|_| Error::operation_invalid("storage pool is not active"))?;
        Ok(p.volumes.iter().map(|v| p.vol_handle(v)).collect())
    }
    fn vol_by_name(&self, pool: &PoolRef, name: &str) -> Result<VolRef> {
        self.state().vol_by_name(pool, name)
    }
    fn vol_by_key(&self, key: &str) -> Result<VolRef> {
        self.state()
            .find_vol(|v| v.path == key)
            .ok_or_else(|| Error::no_vol(format!("no storage vol with matching key {key}")))
    }
    fn vol_by_path(&self, path: &str) -> Result<VolRef> {
        self.state()
            .find_vol(|v| v.path == path)
            .ok_or_else(|| Error::no_vol(format!("no storage vol with matching path '{path}'")))
    }
    fn create_volume(&self, pool: &PoolRef, xml: &str, _flags: VolCreateFlags) -> Result<VolRef> {
        let def = VolumeDef::parse(xml)?;
        self.state().create_volume(pool, def)
    }
    fn clone_volume(
        &self,
        pool: &PoolRef,
        xml: &str,
        source: &VolRef,
        _flags: VolCreateFlags,
        _progress: ProgressFn,
    ) -> Result<VolRef> {
        let mut def = VolumeDef::parse(xml)?;
        let mut st = self.state();
        let (capacity, allocation) = {
            let v = st.vol(source)?;
            (v.def.capacity, v.allocation)
        };
        def.capacity = def.capacity.max(capacity);
        def.allocation = Some(allocation);
        st.create_volume(pool, def)
    }
    fn delete_volume(&self, vol: &VolRef, flags: VolDeleteFlags) -> Result<()> {
        Error::check_flags(flags.0, 0, "testStorageVolDelete")?;
        self.state().delete_volume(vol)
    }
    fn wipe_volume(&self, vol: &VolRef, _algorithm: u32, _progress: ProgressFn) -> Result<()> {
        self.state().vol(vol)?;
        Err(Error::no_support("virStorageVolWipe"))
    }
    fn resize_volume(&self, vol: &VolRef, _capacity: u64, _flags: ResizeFlags) -> Result<()> {
        self.state().vol(vol)?;
        Err(Error::no_support("virStorageVolResize"))
    }
    fn vol_info(&self, vol: &VolRef) -> Result<VolInfo> {
        let st = self.state();
        let v = st.vol(vol)?;
        Ok(VolInfo {
            kind: VolType::File,
            capacity: v.def.capacity,
            allocation: v.allocation,
        })
    }
    fn vol_xml(&self, vol: &VolRef) -> Result<String> {
        let st = self.state();
        let v = st.vol(vol)?;
        Ok(crate::model::volume::VolumeState {
            def: &v.def,
            kind: "file",
            key: &v.path,
            path: &v.path,
            allocation: v.allocation,
            file: None,
        }
        .to_xml())
    }
    fn vol_path(&self, vol: &VolRef) -> Result<String> {
        Ok(self.state().vol(vol)?.path.clone())
    }
}

/// libvirt's test driver writes images of the domain's own XML only.
fn no_dxml(dxml: Option<&str>) -> Result<()> {
    match dxml {
        Some(_) => Err(Error::new(
            ErrorCode::ArgumentUnsupported,
            "argument unsupported: xml modification unsupported",
        )),
        None => Ok(()),
    }
}

fn st_inactive(st: &mut TestState, pool: &PoolRef, act: impl FnOnce(&mut Pool)) -> Result<()> {
    act(st.inactive_pool(pool)?);
    Ok(())
}

/// The host name, as the test driver reports it (`gethostname`).
fn nix_hostname() -> Result<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map_err(|e| Error::system("cannot get hostname", &e))?;
    Ok(name.trim().to_string())
}

/// Where the object with `uuid` is among `objects` (`uuid_of` reads an object's).
fn position<T>(objects: &[T], uuid_of: impl Fn(&T) -> Uuid, uuid: &Uuid) -> Option<usize> {
    objects.iter().position(|o| uuid_of(o) == *uuid)
}
