//! The embedded QEMU driver (`qemu:///embed?root=DIR`, and the default with no URI): real QEMU
//! processes, no daemon, and any number of virtsh processes on one root at once.
//!
//! A guest's own power-off is noticed without a daemon: QEMU exits when its guest powers off,
//! having written the `SHUTDOWN` event to the domain's event file (a second monitor, on a
//! file), so its end reads `shut off (shutdown)`; a QEMU that ended without that event reads
//! `shut off (crashed)`. Whether a QEMU exists is whether its launch lock is held. No process
//! besides QEMU is needed, no QEMU lingers after its guest, and looking costs no monitor round
//! trip; the files are brought up to date by the next operation that changes the domain (see
//! `domains`).

mod boot;
mod checks;
mod cmdline;
mod console;
mod domains;
mod hotplug;
mod live;
mod moments;
mod nics;
mod process;
pub mod qmp;
pub mod reboot;
mod saves;
mod store;

use std::path::Path;

use uuid::Uuid;

use super::network::embedded::Networks;
use super::storage::Storage;
use crate::driver::prelude::*;
use crate::model::DomainDef;
use crate::state::store::StoreError;
use cmdline::Paths;
use domains::Domains;
use store::Store;

pub struct QemuDriver {
    uri: String,
    store: Store,
    storage: Storage,
    networks: Networks,
}

impl QemuDriver {
    /// Opens the root `dir` (created if missing).
    pub fn open(uri: &str, dir: &Path) -> Result<QemuDriver> {
        if !dir.is_absolute() {
            return Err(Error::invalid_arg(format!(
                "root '{}' must be an absolute path",
                dir.display()
            )));
        }
        let unusable = |e: StoreError| match e {
            StoreError::Io { source, .. } => Error::system(
                format!("cannot use '{}' as the virtsh root", dir.display()),
                &source,
            ),
            corrupt => corrupt.into(),
        };
        let store = Store::open(dir).map_err(unusable)?;
        let storage = Storage::open(dir).map_err(unusable)?;
        let networks = Networks::open(dir).map_err(unusable)?;
        Ok(QemuDriver {
            uri: uri.to_string(),
            store,
            storage,
            networks,
        })
    }

    fn domains(&self) -> Domains<'_> {
        Domains {
            store: &self.store,
            storage: &self.storage,
            networks: &self.networks,
        }
    }
}

/// The modes libvirt's QEMU driver takes for shutdown and reboot, ACPI and the guest agent;
/// without the agent (no channel to it yet), asking for it alone is refused as libvirt refuses
/// it, and with ACPI besides, ACPI serves.
fn acpi_only(flags: ShutdownFlags, function: &str) -> Result<()> {
    flags.check(ShutdownFlags::ACPI | ShutdownFlags::AGENT, function)?;
    if flags.has(ShutdownFlags::AGENT) && !flags.has(ShutdownFlags::ACPI) {
        return Err(Error::new(
            ErrorCode::ArgumentUnsupported,
            "argument unsupported: QEMU guest agent is not configured",
        ));
    }
    Ok(())
}

/// Its storage and network calls are the embedded storage's and networks' own.
impl crate::driver::Apis for QemuDriver {
    fn host(&self) -> &dyn HostApi {
        self
    }
    fn domains(&self) -> &dyn DomainApi {
        self
    }
    fn storage(&self) -> &dyn StorageApi {
        &self.storage
    }
    fn networks(&self) -> &dyn NetworkApi {
        &self.networks
    }
    fn snapshots(&self) -> &dyn SnapshotApi {
        self
    }
    fn checkpoints(&self) -> &dyn CheckpointApi {
        self
    }
}

impl Driver for QemuDriver {}

impl HostApi for QemuDriver {
    fn uri(&self) -> Result<String> {
        Ok(self.uri.clone())
    }
    fn hostname(&self) -> Result<String> {
        let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map_err(|e| Error::system("cannot get hostname", &e))?;
        Ok(name.trim().to_string())
    }
    fn hv_type(&self) -> Result<String> {
        Ok("QEMU".into())
    }
    fn hv_version(&self) -> Result<u64> {
        let out = std::process::Command::new("qemu-system-x86_64")
            .arg("--version")
            .output()
            .map_err(|e| Error::system("cannot run qemu-system-x86_64", &e))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let version = text
            .split_whitespace()
            .nth(3)
            .unwrap_or_default()
            .split('.')
            .map(|p| p.parse::<u64>().unwrap_or(0))
            .collect::<Vec<_>>();
        Ok(version.first().copied().unwrap_or(0) * 1_000_000
            + version.get(1).copied().unwrap_or(0) * 1_000
            + version.get(2).copied().unwrap_or(0))
    }
    fn node_info(&self) -> Result<NodeInfo> {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let cpus = cpuinfo
            .lines()
            .filter(|l| l.starts_with("processor"))
            .count() as u32;
        let field = |text: &str, key: &str| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let mhz = field(&cpuinfo, "cpu MHz").parse::<f64>().unwrap_or(0.0) as u32;
        let memory_kib = field(&meminfo, "MemTotal")
            .trim_end_matches(" kB")
            .parse()
            .unwrap_or(0);
        Ok(NodeInfo {
            model: std::env::consts::ARCH.into(),
            memory_kib,
            cpus: cpus.max(1),
            mhz,
            nodes: 1,
            sockets: 1,
            cores: cpus.max(1),
            threads: 1,
        })
    }
    fn capabilities(&self) -> Result<String> {
        let kvm = if cmdline::kvm_usable() {
            "\n      <domain type='kvm'/>"
        } else {
            ""
        };
        Ok(format!(
            "<capabilities>\n\n  <host>\n    <cpu>\n      <arch>{arch}</arch>\n    </cpu>\n  </host>\n\n  \
             <guest>\n    <os_type>hvm</os_type>\n    <arch name='x86_64'>\n      <wordsize>64</wordsize>\n      \
             <emulator>qemu-system-x86_64</emulator>\n      <domain type='qemu'/>{kvm}\n    </arch>\n  </guest>\n\n\
             </capabilities>\n",
            arch = std::env::consts::ARCH
        ))
    }
    fn security_model(&self) -> Result<Option<SecurityModel>> {
        Ok(None)
    }
}

impl DomainApi for QemuDriver {
    fn list_domains(&self, flags: DomainListFlags) -> Result<Vec<DomainRef>> {
        self.domains().list(flags)
    }
    fn domain_by_id(&self, id: u32) -> Result<DomainRef> {
        self.domains().by_id(id)
    }
    fn domain_by_uuid(&self, uuid: &Uuid) -> Result<DomainRef> {
        self.domains().by_uuid(uuid)
    }
    fn domain_by_name(&self, name: &str) -> Result<DomainRef> {
        self.domains().by_name(name)
    }
    fn define_domain_flags(&self, xml: &str, flags: DefineFlags) -> Result<DomainRef> {
        let def = DomainDef::parse_with(xml, flags.has(DefineFlags::VALIDATE))?;
        self.domains().define(def)
    }
    /// libvirt's QEMU driver takes every undefine flag: a managed save image, snapshot and
    /// checkpoint metadata go or stay as they say; this driver keeps no NVRAM or TPM state
    /// (a domain asking for either does not start), so those flags find nothing to do.
    fn undefine_domain(&self, dom: &DomainRef, flags: UndefineFlags) -> Result<()> {
        flags.check(UndefineFlags(0x7f), "qemuDomainUndefineFlags")?;
        self.domains().undefine(dom, flags)
    }
    fn create_domain(&self, xml: &str, flags: StartFlags) -> Result<DomainRef> {
        let def = DomainDef::parse_with(xml, flags.has(StartFlags::VALIDATE))?;
        self.domains().create(def, flags)
    }
    fn start_domain(&self, dom: &DomainRef, flags: StartFlags) -> Result<()> {
        self.domains().start(dom, flags)
    }
    fn shutdown_domain(&self, dom: &DomainRef, flags: ShutdownFlags) -> Result<()> {
        acpi_only(flags, "qemuDomainShutdownFlags")?;
        self.domains().shutdown(dom)
    }
    fn reboot_domain(&self, dom: &DomainRef, flags: ShutdownFlags) -> Result<()> {
        acpi_only(flags, "qemuDomainReboot")?;
        self.domains().reboot(dom)
    }
    fn reset_domain(&self, dom: &DomainRef) -> Result<()> {
        self.domains().reset(dom)
    }
    fn destroy_domain(&self, dom: &DomainRef) -> Result<()> {
        self.domains().destroy(dom)
    }
    fn suspend_domain(&self, dom: &DomainRef) -> Result<()> {
        self.domains().suspend(dom)
    }
    fn resume_domain(&self, dom: &DomainRef) -> Result<()> {
        self.domains().resume(dom)
    }
    fn domain_info(&self, dom: &DomainRef) -> Result<DomainInfo> {
        self.domains().info(dom)
    }
    fn domain_state(&self, dom: &DomainRef) -> Result<State> {
        self.domains().state(dom)
    }
    fn domain_xml(&self, dom: &DomainRef, flags: XmlFlags) -> Result<String> {
        let v = self.domains().get(dom)?;
        if flags.has(XmlFlags::INACTIVE) {
            let config = self.store.read_def(&v.observed.name)?;
            return Ok(config.unwrap_or(v.def).to_xml(None));
        }
        Ok(v.def.to_xml(v.observed.id))
    }
    fn domain_os_type(&self, dom: &DomainRef) -> Result<String> {
        Ok(self.domains().get(dom)?.def.os.kind)
    }
    fn domain_is_persistent(&self, dom: &DomainRef) -> Result<bool> {
        Ok(self.domains().get(dom)?.observed.persistent)
    }
    fn domain_has_managed_save(&self, dom: &DomainRef) -> Result<bool> {
        let v = self.domains().get(dom)?;
        Ok(saves::has_managed_save(self.store.root(), &v.observed.name))
    }
    fn save_domain_flags(
        &self,
        dom: &DomainRef,
        to: &str,
        dxml: Option<&str>,
        flags: SaveFlags,
        progress: ProgressFn<'_>,
    ) -> Result<()> {
        let req = saves::SaveRequest {
            to: saves::Destination::File(to.into()),
            dxml,
            flags,
            format: "raw",
            channels: None,
            function: "qemuDomainSaveFlags",
        };
        self.domains().save(dom, req, progress)
    }
    fn save_domain_params(
        &self,
        dom: &DomainRef,
        params: &SaveParams,
        flags: SaveFlags,
        progress: ProgressFn<'_>,
    ) -> Result<()> {
        let to = match &params.file {
            Some(f) => saves::Destination::File(f.into()),
            // No file: a managed save, as libvirt takes it.
            None => saves::Destination::Managed,
        };
        let req = saves::SaveRequest {
            to,
            dxml: params.dxml.as_deref(),
            flags,
            format: params.image_format.as_deref().unwrap_or("raw"),
            channels: params.parallel_channels,
            function: "qemuDomainSaveParams",
        };
        self.domains().save(dom, req, progress)
    }
    fn restore_domain_flags(&self, from: &str, dxml: Option<&str>, flags: SaveFlags) -> Result<()> {
        self.domains().restore(saves::RestoreRequest {
            from: from.as_ref(),
            dxml,
            flags,
            channels: None,
            function: "qemuDomainRestoreFlags",
        })
    }
    fn restore_domain_params(&self, params: &SaveParams, flags: SaveFlags) -> Result<()> {
        let from = params.file.as_deref().unwrap_or_default();
        self.domains().restore(saves::RestoreRequest {
            from: from.as_ref(),
            dxml: params.dxml.as_deref(),
            flags,
            channels: params.parallel_channels,
            function: "qemuDomainRestoreParams",
        })
    }
    fn save_image_xml(&self, file: &str, flags: XmlFlags) -> Result<String> {
        saves::image_xml(file.as_ref(), flags)
    }
    fn define_save_image(&self, file: &str, dxml: &str, flags: SaveFlags) -> Result<()> {
        saves::define_image(file.as_ref(), dxml, flags, "qemuDomainSaveImageDefineXML")
    }
    fn managed_save(
        &self,
        dom: &DomainRef,
        flags: SaveFlags,
        progress: ProgressFn<'_>,
    ) -> Result<()> {
        saves::ensure_dir(self.store.root())?;
        let req = saves::SaveRequest {
            to: saves::Destination::Managed,
            dxml: None,
            flags,
            format: "raw",
            channels: None,
            function: "qemuDomainManagedSave",
        };
        self.domains().save(dom, req, progress)
    }
    fn managed_save_remove(&self, dom: &DomainRef) -> Result<()> {
        let v = self.domains().get(dom)?;
        saves::remove_managed(self.store.root(), &v.observed.name)
    }
    fn managed_save_xml(&self, dom: &DomainRef, flags: XmlFlags) -> Result<String> {
        let v = self.domains().get(dom)?;
        let path = saves::existing_managed(self.store.root(), &v.observed.name)?;
        saves::image_xml(&path, flags)
    }
    fn define_managed_save(&self, dom: &DomainRef, dxml: &str, flags: SaveFlags) -> Result<()> {
        let v = self.domains().get(dom)?;
        let path = saves::existing_managed(self.store.root(), &v.observed.name)?;
        saves::define_image(&path, dxml, flags, "qemuDomainManagedSaveDefineXML")
    }
    fn core_dump_with_format(
        &self,
        dom: &DomainRef,
        to: &str,
        format: u32,
        flags: DumpFlags,
        progress: ProgressFn<'_>,
    ) -> Result<()> {
        self.domains()
            .dump(dom, to.as_ref(), format, flags, progress)
    }
    fn pm_suspend(&self, dom: &DomainRef, target: u32, duration: u64) -> Result<()> {
        saves::pm_suspend(self.domains().state(dom)?, target, duration)
    }
    fn pm_wakeup(&self, dom: &DomainRef) -> Result<()> {
        self.domains().pm_wakeup(dom)
    }
    fn domain_autostart(&self, dom: &DomainRef) -> Result<bool> {
        let v = self.domains().get(dom)?;
        Ok(self.store.autostart(&v.observed.name))
    }
    fn set_domain_autostart(&self, dom: &DomainRef, on: bool) -> Result<()> {
        self.domains().set_autostart(dom, false, on)
    }
    fn domain_autostart_once(&self, dom: &DomainRef) -> Result<bool> {
        let v = self.domains().get(dom)?;
        Ok(self.store.autostart_once(&v.observed.name))
    }
    fn set_domain_autostart_once(&self, dom: &DomainRef, on: bool) -> Result<()> {
        self.domains().set_autostart(dom, true, on)
    }
    fn set_memory(&self, dom: &DomainRef, kib: u64, flags: ModifyFlags) -> Result<()> {
        self.domains().modify(
            dom,
            flags,
            |def, _| {
                if kib > def.memory_kib {
                    return Err(Error::invalid_arg("cannot set memory higher than max memory"));
                }
                def.current_memory_kib = kib;
                Ok(())
            },
            |qmp, def| {
                if def.devices.memballoon.as_ref().is_none_or(|m| m.model == "none") {
                    return Err(Error::new(
                        ErrorCode::NoSupport,
                        "Operation not supported: Unable to change memory of active domain without the balloon device",
                    ));
                }
                qmp.balloon(kib * 1024).map_err(|e| Error::operation_failed(e.to_string()))
            },
        )
    }
    fn set_max_memory(&self, dom: &DomainRef, kib: u64, flags: ModifyFlags) -> Result<()> {
        let live = flags.has(ModifyFlags::LIVE)
            || !flags.has(ModifyFlags::CONFIG) && self.domains().state(dom)?.is_active();
        if live {
            return Err(Error::operation_invalid(
                "cannot resize the maximum memory on an active domain",
            ));
        }
        self.domains().modify(
            dom,
            flags,
            |def, _| {
                def.memory_kib = kib;
                def.current_memory_kib = def.current_memory_kib.min(kib);
                Ok(())
            },
            |_, _| Ok(()),
        )
    }
    fn set_vcpus(&self, dom: &DomainRef, count: u32, flags: ModifyFlags) -> Result<()> {
        let maximum = flags.has(ModifyFlags::MAXIMUM);
        self.domains().modify(
            dom,
            flags & !ModifyFlags::MAXIMUM,
            |def, live| {
                if live {
                    return Err(Error::unsupported(
                        "changing the vcpus of a running domain (vcpu hotplug); use --config",
                    ));
                }
                if maximum {
                    def.vcpu.current = Some(def.vcpu.online().min(count)).filter(|&c| c != count);
                    def.vcpu.max = count;
                } else if count > def.vcpu.max {
                    return Err(Error::invalid_arg(format!(
                        "requested vcpus is greater than max allowable vcpus for the persistent domain: {count} > {}",
                        def.vcpu.max
                    )));
                } else {
                    def.vcpu.current = (count != def.vcpu.max).then_some(count);
                }
                Ok(())
            },
            |_, _| Ok(()),
        )
    }
    fn rename_domain(&self, dom: &DomainRef, new_name: &str) -> Result<()> {
        self.domains().rename(dom, new_name)
    }
    fn domain_metadata(
        &self,
        dom: &DomainRef,
        kind: MetadataKind,
        flags: ModifyFlags,
    ) -> Result<Option<String>> {
        let v = self.domains().get(dom)?;
        let def = if flags.has(ModifyFlags::CONFIG) {
            self.store.read_def(&v.observed.name)?.unwrap_or(v.def)
        } else {
            v.def
        };
        Ok(match kind {
            MetadataKind::Description => def.description,
            MetadataKind::Title => def.title,
        })
    }
    fn set_domain_metadata(
        &self,
        dom: &DomainRef,
        kind: MetadataKind,
        value: Option<&str>,
        flags: ModifyFlags,
    ) -> Result<()> {
        let value = value.filter(|v| !v.is_empty()).map(String::from);
        self.domains().modify(
            dom,
            flags,
            |def, _| {
                match kind {
                    MetadataKind::Description => def.description = value.clone(),
                    MetadataKind::Title => def.title = value.clone(),
                }
                Ok(())
            },
            |_, _| Ok(()),
        )
    }
    fn domain_security_label(&self, dom: &DomainRef) -> Result<Option<SecurityLabel>> {
        self.domains().get(dom)?;
        Ok(None)
    }
    fn domain_messages(&self, dom: &DomainRef) -> Result<Vec<String>> {
        self.domains().get(dom)?;
        Ok(Vec::new())
    }
    fn open_console(
        &self,
        dom: &DomainRef,
        devname: Option<&str>,
        flags: ConsoleFlags,
    ) -> Result<Box<dyn ByteStream>> {
        let v = self.domains().get(dom)?;
        if !v.observed.state.is_active() {
            return Err(Error::operation_invalid("The domain is not running"));
        }
        if let Some(dev) = devname.filter(|d| !matches!(*d, "serial0" | "console0")) {
            return Err(Error::operation_failed(format!(
                "cannot find character device {dev}"
            )));
        }
        if v.def.devices.serials.is_empty() && v.def.devices.consoles.is_empty() {
            return Err(Error::operation_failed(
                "cannot find default console device",
            ));
        }
        let pty = v
            .def
            .devices
            .serials
            .first()
            .or(v.def.devices.consoles.first())
            .and_then(|c| c.source_path.clone())
            .ok_or_else(|| {
                Error::operation_failed(format!(
                    "character device {} is not using a PTY",
                    devname.unwrap_or("serial0")
                ))
            })?;
        let paths = Paths::new(&self.store.run_dir(), &v.observed.name);
        let session = console::open(&paths, Path::new(&pty), flags.has(ConsoleFlags::FORCE))?;
        Ok(Box::new(session))
    }
    fn attach_device(&self, dom: &DomainRef, xml: &str, flags: ModifyFlags) -> Result<()> {
        self.attach_interface(dom, xml, flags)
    }
    fn attach_device_live(&self, dom: &DomainRef, xml: &str) -> Result<()> {
        self.attach_interface(dom, xml, ModifyFlags::LIVE)
    }
    fn detach_device(&self, dom: &DomainRef, xml: &str, flags: ModifyFlags) -> Result<()> {
        self.detach_interface(dom, xml, flags)
    }
    fn detach_device_live(&self, dom: &DomainRef, xml: &str) -> Result<()> {
        self.detach_interface(dom, xml, ModifyFlags::LIVE)
    }
    fn update_device(&self, dom: &DomainRef, xml: &str, flags: ModifyFlags) -> Result<()> {
        self.update_interface(dom, xml, flags)
    }
    fn interface_stats(&self, dom: &DomainRef, device: &str) -> Result<InterfaceStats> {
        self.tap_stats(dom, device)
    }
    /// virtsh sets no bandwidth limit on an interface: every parameter reads 0, as libvirt
    /// reads an interface without `<bandwidth>`.
    fn interface_parameters(
        &self,
        dom: &DomainRef,
        device: &str,
        flags: ModifyFlags,
    ) -> Result<Vec<(String, crate::types::stats::TypedValue)>> {
        let xml = self.domain_xml(
            dom,
            XmlFlags::from_options([(flags.has(ModifyFlags::CONFIG), XmlFlags::INACTIVE)]),
        )?;
        let def = DomainDef::parse(&xml)?;
        let mac = crate::model::mac::Mac::parse(device);
        let known = def.devices.interfaces.iter().any(|i| {
            i.target_dev.as_deref() == Some(device)
                || (mac.is_some()
                    && i.mac.as_deref().and_then(crate::model::mac::Mac::parse) == mac)
        });
        if !known {
            return Err(Error::invalid_arg(format!(
                "'{device}' is not a known interface"
            )));
        }
        Ok(crate::types::stats::INTERFACE_PARAMS
            .iter()
            .map(|n| (n.to_string(), crate::types::stats::TypedValue::UInt(0)))
            .collect())
    }
    fn interface_addresses(&self, dom: &DomainRef, source: u32) -> Result<Vec<DomainInterface>> {
        let v = self.domains().get(dom)?;
        if !v.observed.state.is_active() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        nics::addresses(&v.def, source, &self.networks)
    }
    fn domain_control(&self, dom: &DomainRef) -> Result<ControlState> {
        if !self.domains().state(dom)?.is_active() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        Ok(ControlState::Ok)
    }
}
