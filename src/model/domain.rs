//! The domain definition: parsed from libvirt's domain XML (serde over quick-xml), normalised
//! (units to KiB, defaults filled in as libvirt fills them), and formatted back the way
//! `virsh dumpxml` prints it.

use serde::Deserialize;
use uuid::Uuid;

use super::xml::XmlWriter;
use super::{parse_document, scaled_kib, Empty, ModelError, Name};

/// A domain definition.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainDef {
    /// The hypervisor type: `test`, `kvm`, `qemu`.
    pub kind: String,
    pub name: Name,
    pub uuid: Uuid,
    pub title: Option<String>,
    pub description: Option<String>,
    pub memory_kib: u64,
    pub current_memory_kib: u64,
    pub vcpu: Vcpu,
    pub os: Os,
    pub cpu: Option<Cpu>,
    /// Features that are on, in libvirt's order (`acpi`, `apic`, `pae`, ...).
    pub features: Vec<String>,
    pub clock_offset: String,
    pub on_poweroff: String,
    pub on_reboot: String,
    pub on_crash: String,
    pub devices: Devices,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Vcpu {
    pub max: u32,
    /// Vcpus online at boot, when fewer than `max`.
    pub current: Option<u32>,
    pub placement: String,
    pub cpuset: Option<String>,
}

impl Vcpu {
    pub fn online(&self) -> u32 {
        self.current.unwrap_or(self.max)
    }
}

/// The guest CPU model (`<cpu>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cpu {
    pub mode: Option<String>,
    pub model: Option<String>,
    pub vendor: Option<String>,
    /// sockets, dies, cores, threads
    pub topology: Option<[u32; 4]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Os {
    pub kind: String,
    pub arch: Option<String>,
    pub machine: Option<String>,
    pub loader: Option<String>,
    /// A custom device tree blob.
    pub dtb: Option<String>,
    pub kernel: Option<String>,
    pub initrd: Option<String>,
    pub cmdline: Option<String>,
    pub boot: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Devices {
    pub emulator: Option<String>,
    pub disks: Vec<Disk>,
    pub controllers: Vec<Controller>,
    pub interfaces: Vec<Interface>,
    pub serials: Vec<CharDev>,
    pub consoles: Vec<CharDev>,
    pub inputs: Vec<Input>,
    pub graphics: Vec<Graphics>,
    pub videos: Vec<Video>,
    pub memballoon: Option<Memballoon>,
}

/// A device address (`<address type='pci' .../>`, `type='drive'`, ...).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Address {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "@domain")]
    pub domain: Option<String>,
    #[serde(rename = "@controller")]
    pub controller: Option<String>,
    #[serde(rename = "@bus")]
    pub bus: Option<String>,
    #[serde(rename = "@slot")]
    pub slot: Option<String>,
    #[serde(rename = "@function")]
    pub function: Option<String>,
    #[serde(rename = "@multifunction")]
    pub multifunction: Option<String>,
    #[serde(rename = "@target")]
    pub target: Option<String>,
    #[serde(rename = "@unit")]
    pub unit: Option<String>,
    #[serde(rename = "@port")]
    pub port: Option<String>,
}

/// Where a disk's data lives.
#[derive(Debug, Clone, PartialEq)]
pub enum DiskSource {
    None,
    File(String),
    Block(String),
    Volume { pool: String, volume: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disk {
    /// `file`, `block` or `volume`.
    pub kind: String,
    /// `disk`, `cdrom` or `floppy`.
    pub device: String,
    pub driver_name: Option<String>,
    pub driver_type: Option<String>,
    pub source: DiskSource,
    pub target_dev: String,
    pub target_bus: Option<String>,
    pub readonly: bool,
    pub shareable: bool,
    /// `rawio='yes'` on a lun: raw SCSI commands reach the host device.
    pub rawio: bool,
    pub boot_order: Option<u32>,
    pub address: Option<Address>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Controller {
    pub kind: String,
    pub index: u32,
    pub model: Option<String>,
    pub address: Option<Address>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Interface {
    /// `network`, `bridge`, `user`, `ethernet`.
    pub kind: String,
    pub mac: Option<String>,
    pub source_network: Option<String>,
    pub source_bridge: Option<String>,
    pub target_dev: Option<String>,
    pub model: Option<String>,
    /// A script run to set the interface up (`<script path=.../>`).
    pub script: Option<String>,
    pub address: Option<Address>,
}

/// A serial port or console.
#[derive(Debug, Clone, PartialEq)]
pub struct CharDev {
    /// `pty`, `unix`, `file`, `null`, ...
    pub kind: String,
    pub source_mode: Option<String>,
    pub source_path: Option<String>,
    pub target_type: Option<String>,
    pub target_port: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub kind: String,
    pub bus: Option<String>,
    pub address: Option<Address>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Graphics {
    pub kind: String,
    pub port: Option<String>,
    pub autoport: Option<String>,
    pub listen: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    pub model: String,
    pub vram: Option<String>,
    pub heads: Option<String>,
    pub primary: bool,
    pub address: Option<Address>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Memballoon {
    pub model: String,
    pub address: Option<Address>,
}

// ---- the XML as serde reads it ------------------------------------------------------------

#[derive(Deserialize)]
struct RawDomain {
    #[serde(rename = "@type")]
    kind: Option<String>,
    name: Option<String>,
    uuid: Option<String>,
    title: Option<String>,
    description: Option<String>,
    memory: Option<RawScaled>,
    #[serde(rename = "currentMemory")]
    current_memory: Option<RawScaled>,
    vcpu: Option<RawVcpu>,
    os: Option<RawOs>,
    cpu: Option<RawCpu>,
    features: Option<RawFeatures>,
    clock: Option<RawClock>,
    on_poweroff: Option<String>,
    on_reboot: Option<String>,
    on_crash: Option<String>,
    devices: Option<RawDevices>,
}

#[derive(Deserialize)]
pub(crate) struct RawScaled {
    #[serde(rename = "@unit")]
    pub unit: Option<String>,
    #[serde(rename = "$text")]
    pub value: String,
}

#[derive(Deserialize)]
struct RawVcpu {
    #[serde(rename = "@placement")]
    placement: Option<String>,
    #[serde(rename = "@current")]
    current: Option<String>,
    #[serde(rename = "@cpuset")]
    cpuset: Option<String>,
    #[serde(rename = "$text")]
    value: String,
}

#[derive(Deserialize)]
struct RawCpu {
    #[serde(rename = "@mode")]
    mode: Option<String>,
    model: Option<String>,
    vendor: Option<String>,
    topology: Option<RawTopology>,
}

#[derive(Deserialize)]
struct RawTopology {
    #[serde(rename = "@sockets")]
    sockets: Option<String>,
    #[serde(rename = "@dies")]
    dies: Option<String>,
    #[serde(rename = "@cores")]
    cores: Option<String>,
    #[serde(rename = "@threads")]
    threads: Option<String>,
}

#[derive(Deserialize)]
struct RawOs {
    #[serde(rename = "type")]
    kind: Option<RawOsType>,
    loader: Option<String>,
    dtb: Option<String>,
    kernel: Option<String>,
    initrd: Option<String>,
    cmdline: Option<String>,
    #[serde(default)]
    boot: Vec<RawBoot>,
}

#[derive(Deserialize)]
struct RawOsType {
    #[serde(rename = "@arch")]
    arch: Option<String>,
    #[serde(rename = "@machine")]
    machine: Option<String>,
    #[serde(rename = "$text")]
    value: String,
}

#[derive(Deserialize)]
struct RawBoot {
    #[serde(rename = "@dev")]
    dev: String,
}

/// The features virtsh knows, in the order libvirt formats them.
const FEATURES: [&str; 8] = [
    "acpi",
    "apic",
    "pae",
    "hap",
    "pmu",
    "vmport",
    "smm",
    "vmcoreinfo",
];

#[derive(Deserialize)]
struct RawFeatures {
    acpi: Option<Empty>,
    apic: Option<Empty>,
    pae: Option<Empty>,
    hap: Option<Empty>,
    pmu: Option<Empty>,
    vmport: Option<Empty>,
    smm: Option<Empty>,
    vmcoreinfo: Option<Empty>,
}

impl RawFeatures {
    fn enabled(&self) -> Vec<String> {
        let on = [
            &self.acpi,
            &self.apic,
            &self.pae,
            &self.hap,
            &self.pmu,
            &self.vmport,
            &self.smm,
            &self.vmcoreinfo,
        ];
        FEATURES
            .iter()
            .zip(on)
            .filter(|(_, v)| v.is_some())
            .map(|(n, _)| n.to_string())
            .collect()
    }
}

#[derive(Deserialize)]
struct RawClock {
    #[serde(rename = "@offset")]
    offset: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawDevices {
    emulator: Option<String>,
    #[serde(default)]
    disk: Vec<RawDisk>,
    #[serde(default)]
    controller: Vec<RawController>,
    #[serde(default)]
    interface: Vec<RawInterface>,
    #[serde(default)]
    serial: Vec<RawCharDev>,
    #[serde(default)]
    console: Vec<RawCharDev>,
    #[serde(default)]
    input: Vec<RawInput>,
    #[serde(default)]
    graphics: Vec<RawGraphics>,
    #[serde(default)]
    video: Vec<RawVideo>,
    memballoon: Option<RawMemballoon>,
}

#[derive(Deserialize)]
struct RawDisk {
    #[serde(rename = "@type")]
    kind: Option<String>,
    #[serde(rename = "@device")]
    device: Option<String>,
    #[serde(rename = "@rawio")]
    rawio: Option<String>,
    driver: Option<RawDriver>,
    source: Option<RawDiskSource>,
    target: Option<RawTarget>,
    readonly: Option<Empty>,
    shareable: Option<Empty>,
    boot: Option<RawBootOrder>,
    address: Option<Address>,
}

#[derive(Deserialize)]
struct RawDriver {
    #[serde(rename = "@name")]
    name: Option<String>,
    #[serde(rename = "@type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct RawDiskSource {
    #[serde(rename = "@file")]
    file: Option<String>,
    #[serde(rename = "@dev")]
    dev: Option<String>,
    #[serde(rename = "@pool")]
    pool: Option<String>,
    #[serde(rename = "@volume")]
    volume: Option<String>,
}

#[derive(Deserialize)]
struct RawTarget {
    #[serde(rename = "@dev")]
    dev: Option<String>,
    #[serde(rename = "@bus")]
    bus: Option<String>,
}

#[derive(Deserialize)]
struct RawBootOrder {
    #[serde(rename = "@order")]
    order: String,
}

#[derive(Deserialize)]
struct RawController {
    #[serde(rename = "@type")]
    kind: String,
    #[serde(rename = "@index")]
    index: Option<String>,
    #[serde(rename = "@model")]
    model: Option<String>,
    address: Option<Address>,
}

#[derive(Deserialize)]
struct RawInterface {
    #[serde(rename = "@type")]
    kind: String,
    mac: Option<RawMac>,
    source: Option<RawIfaceSource>,
    target: Option<RawTarget>,
    model: Option<RawModel>,
    script: Option<RawScript>,
    address: Option<Address>,
}

#[derive(Deserialize)]
struct RawScript {
    #[serde(rename = "@path")]
    path: String,
}

#[derive(Deserialize)]
struct RawMac {
    #[serde(rename = "@address")]
    address: String,
}

#[derive(Deserialize)]
struct RawIfaceSource {
    #[serde(rename = "@network")]
    network: Option<String>,
    #[serde(rename = "@bridge")]
    bridge: Option<String>,
}

#[derive(Deserialize)]
struct RawModel {
    #[serde(rename = "@type")]
    kind: String,
    #[serde(rename = "@vram")]
    vram: Option<String>,
    #[serde(rename = "@heads")]
    heads: Option<String>,
    #[serde(rename = "@primary")]
    primary: Option<String>,
}

#[derive(Deserialize)]
struct RawCharDev {
    #[serde(rename = "@type")]
    kind: Option<String>,
    source: Option<RawCharSource>,
    target: Option<RawCharTarget>,
}

#[derive(Deserialize)]
struct RawCharSource {
    #[serde(rename = "@mode")]
    mode: Option<String>,
    #[serde(rename = "@path")]
    path: Option<String>,
}

#[derive(Deserialize)]
struct RawCharTarget {
    #[serde(rename = "@type")]
    kind: Option<String>,
    #[serde(rename = "@port")]
    port: Option<String>,
}

#[derive(Deserialize)]
struct RawInput {
    #[serde(rename = "@type")]
    kind: String,
    #[serde(rename = "@bus")]
    bus: Option<String>,
    address: Option<Address>,
}

#[derive(Deserialize)]
struct RawGraphics {
    #[serde(rename = "@type")]
    kind: String,
    #[serde(rename = "@port")]
    port: Option<String>,
    #[serde(rename = "@autoport")]
    autoport: Option<String>,
    #[serde(rename = "@listen")]
    listen: Option<String>,
}

#[derive(Deserialize)]
struct RawVideo {
    model: Option<RawModel>,
    address: Option<Address>,
}

#[derive(Deserialize)]
struct RawMemballoon {
    #[serde(rename = "@model")]
    model: String,
    address: Option<Address>,
}

// ---- parsing --------------------------------------------------------------------------------

fn invalid(detail: impl Into<String>) -> ModelError {
    ModelError::Invalid(detail.into())
}

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, ModelError> {
    text.trim()
        .parse()
        .map_err(|_| invalid(format!("invalid value '{}' for {what}", text.trim())))
}

impl DomainDef {
    /// Parses a domain XML document; a document without `<uuid>` gets a random one.
    pub fn parse(xml: &str) -> Result<DomainDef, ModelError> {
        let raw: RawDomain = parse_document(xml, "domain")?;
        let kind = raw
            .kind
            .ok_or_else(|| invalid("missing domain type attribute"))?;
        let name = raw.name.map(|n| n.trim().to_string()).unwrap_or_default();
        if name.is_empty() {
            return Err(ModelError::NoName);
        }
        let name = Name::new(&name).map_err(ModelError::Name)?;
        let uuid = match raw.uuid {
            Some(u) => Uuid::parse_str(u.trim()).map_err(|_| invalid("malformed uuid element"))?,
            None => Uuid::new_v4(),
        };
        let memory = raw
            .memory
            .ok_or_else(|| invalid("missing element memory"))?;
        let memory_kib = scaled_kib(&memory, "memory")?;
        let current_memory_kib = match raw.current_memory {
            Some(c) => scaled_kib(&c, "currentMemory")?.min(memory_kib),
            None => memory_kib,
        };
        let vcpu = match raw.vcpu {
            Some(v) => {
                let max: u32 = number(&v.value, "vcpu")?;
                let current = v
                    .current
                    .map(|c| number::<u32>(&c, "vcpu current"))
                    .transpose()?
                    .filter(|&c| c != max);
                if max == 0 {
                    return Err(invalid("Invalid number of vCPUs '0'"));
                }
                Vcpu {
                    max,
                    current,
                    placement: v.placement.unwrap_or_else(|| "static".into()),
                    cpuset: v.cpuset,
                }
            }
            None => Vcpu {
                max: 1,
                current: None,
                placement: "static".into(),
                cpuset: None,
            },
        };
        let raw_os = raw
            .os
            .ok_or_else(|| invalid("an os <type> must be specified"))?;
        let os_type = raw_os
            .kind
            .ok_or_else(|| invalid("an os <type> must be specified"))?;
        let mut boot: Vec<String> = raw_os.boot.into_iter().map(|b| b.dev).collect();
        if boot.is_empty() && raw_os.kernel.is_none() {
            boot.push("hd".into());
        }
        let os = Os {
            kind: os_type.value.trim().to_string(),
            arch: os_type.arch,
            machine: os_type.machine,
            loader: raw_os.loader.map(|l| l.trim().to_string()),
            dtb: raw_os.dtb.map(|d| d.trim().to_string()),
            kernel: raw_os.kernel,
            initrd: raw_os.initrd,
            cmdline: raw_os.cmdline,
            boot,
        };
        let devices = parse_devices(raw.devices.unwrap_or_default())?;
        let cpu = raw.cpu.map(|c| -> Result<Cpu, ModelError> {
            let topology = match c.topology {
                Some(t) => {
                    let n = |v: Option<String>| v.map_or(Ok(1), |v| number(&v, "cpu topology"));
                    Some([n(t.sockets)?, n(t.dies)?, n(t.cores)?, n(t.threads)?])
                }
                None => None,
            };
            Ok(Cpu {
                mode: c.mode,
                model: c.model,
                vendor: c.vendor,
                topology,
            })
        });
        let cpu = cpu.transpose()?;
        Ok(DomainDef {
            kind,
            name,
            uuid,
            title: raw.title,
            description: raw.description,
            memory_kib,
            current_memory_kib,
            vcpu,
            os,
            cpu,
            features: raw.features.map(|f| f.enabled()).unwrap_or_default(),
            clock_offset: raw
                .clock
                .and_then(|c| c.offset)
                .unwrap_or_else(|| "utc".into()),
            on_poweroff: raw.on_poweroff.unwrap_or_else(|| "destroy".into()),
            on_reboot: raw.on_reboot.unwrap_or_else(|| "restart".into()),
            on_crash: raw.on_crash.unwrap_or_else(|| "destroy".into()),
            devices,
        })
    }

    /// The domain XML; `id` is given for a running domain.
    pub fn to_xml(&self, id: Option<u32>) -> String {
        let mut w = XmlWriter::new();
        let id = id.map(|i| i.to_string());
        w.open(
            "domain",
            &[("type", Some(&self.kind)), ("id", id.as_deref())],
        );
        w.text("name", &[], self.name.as_str());
        w.text("uuid", &[], &self.uuid.to_string());
        if let Some(t) = &self.title {
            w.text("title", &[], t);
        }
        if let Some(d) = &self.description {
            w.text("description", &[], d);
        }
        w.text(
            "memory",
            &[("unit", Some("KiB"))],
            &self.memory_kib.to_string(),
        );
        w.text(
            "currentMemory",
            &[("unit", Some("KiB"))],
            &self.current_memory_kib.to_string(),
        );
        let current = self.vcpu.current.map(|c| c.to_string());
        w.text(
            "vcpu",
            &[
                ("placement", Some(&self.vcpu.placement)),
                ("cpuset", self.vcpu.cpuset.as_deref()),
                ("current", current.as_deref()),
            ],
            &self.vcpu.max.to_string(),
        );
        w.open("os", &[]);
        w.text(
            "type",
            &[
                ("arch", self.os.arch.as_deref()),
                ("machine", self.os.machine.as_deref()),
            ],
            &self.os.kind,
        );
        if let Some(l) = &self.os.loader {
            w.text("loader", &[], l);
        }
        for (tag, value) in [
            ("kernel", &self.os.kernel),
            ("initrd", &self.os.initrd),
            ("cmdline", &self.os.cmdline),
            ("dtb", &self.os.dtb),
        ] {
            if let Some(v) = value {
                w.text(tag, &[], v);
            }
        }
        for dev in &self.os.boot {
            w.empty("boot", &[("dev", Some(dev))]);
        }
        w.close("os");
        if !self.features.is_empty() {
            w.open("features", &[]);
            for f in &self.features {
                w.empty(f, &[]);
            }
            w.close("features");
        }
        if let Some(c) = &self.cpu {
            w.open("cpu", &[("mode", c.mode.as_deref())]);
            if let Some(m) = &c.model {
                w.text("model", &[], m);
            }
            if let Some(v) = &c.vendor {
                w.text("vendor", &[], v);
            }
            if let Some(t) = c.topology {
                let t = t.map(|n| n.to_string());
                w.empty(
                    "topology",
                    &[
                        ("sockets", Some(&t[0])),
                        ("dies", Some(&t[1])),
                        ("cores", Some(&t[2])),
                        ("threads", Some(&t[3])),
                    ],
                );
            }
            w.close("cpu");
        }
        w.empty("clock", &[("offset", Some(&self.clock_offset))]);
        w.text("on_poweroff", &[], &self.on_poweroff);
        w.text("on_reboot", &[], &self.on_reboot);
        w.text("on_crash", &[], &self.on_crash);
        self.devices.format(&mut w);
        w.close("domain");
        w.finish()
    }
}

fn parse_devices(raw: RawDevices) -> Result<Devices, ModelError> {
    let disks = raw
        .disk
        .into_iter()
        .map(parse_disk)
        .collect::<Result<Vec<_>, _>>()?;
    let controllers = raw
        .controller
        .into_iter()
        .map(|c| {
            Ok(Controller {
                kind: c.kind,
                index: c
                    .index
                    .map(|i| number(&i, "controller index"))
                    .transpose()?
                    .unwrap_or(0),
                model: c.model,
                address: c.address,
            })
        })
        .collect::<Result<Vec<_>, ModelError>>()?;
    let interfaces = raw
        .interface
        .into_iter()
        .map(|i| Interface {
            kind: i.kind,
            mac: i.mac.map(|m| m.address.to_ascii_lowercase()),
            source_network: i.source.as_ref().and_then(|s| s.network.clone()),
            source_bridge: i.source.and_then(|s| s.bridge),
            target_dev: i.target.and_then(|t| t.dev),
            model: i.model.map(|m| m.kind),
            script: i.script.map(|s| s.path),
            address: i.address,
        })
        .collect();
    let chardev = |c: RawCharDev| -> Result<CharDev, ModelError> {
        let target = c.target;
        Ok(CharDev {
            kind: c.kind.unwrap_or_else(|| "pty".into()),
            source_mode: c.source.as_ref().and_then(|s| s.mode.clone()),
            source_path: c.source.and_then(|s| s.path),
            target_type: target.as_ref().and_then(|t| t.kind.clone()),
            target_port: target
                .and_then(|t| t.port)
                .map(|p| number(&p, "serial port"))
                .transpose()?,
        })
    };
    let serials = raw
        .serial
        .into_iter()
        .map(chardev)
        .collect::<Result<Vec<_>, _>>()?;
    let consoles = raw
        .console
        .into_iter()
        .map(chardev)
        .collect::<Result<Vec<_>, _>>()?;
    let inputs = raw
        .input
        .into_iter()
        .map(|i| Input {
            kind: i.kind,
            bus: i.bus,
            address: i.address,
        })
        .collect();
    let graphics = raw
        .graphics
        .into_iter()
        .map(|g| Graphics {
            kind: g.kind,
            port: g.port,
            autoport: g.autoport,
            listen: g.listen,
        })
        .collect();
    let videos = raw
        .video
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let model = v.model;
            Video {
                model: model
                    .as_ref()
                    .map_or_else(|| "vga".into(), |m| m.kind.clone()),
                vram: model.as_ref().and_then(|m| m.vram.clone()),
                heads: model.as_ref().and_then(|m| m.heads.clone()),
                primary: i == 0 || model.and_then(|m| m.primary).as_deref() == Some("yes"),
                address: v.address,
            }
        })
        .collect();
    Ok(Devices {
        emulator: raw.emulator,
        disks,
        controllers,
        interfaces,
        serials,
        consoles,
        inputs,
        graphics,
        videos,
        memballoon: raw.memballoon.map(|m| Memballoon {
            model: m.model,
            address: m.address,
        }),
    })
}

fn parse_disk(d: RawDisk) -> Result<Disk, ModelError> {
    let kind = d.kind.unwrap_or_else(|| "file".into());
    let source = match (kind.as_str(), d.source) {
        (_, None) => DiskSource::None,
        ("file", Some(s)) => s.file.map_or(DiskSource::None, DiskSource::File),
        ("block", Some(s)) => s.dev.map_or(DiskSource::None, DiskSource::Block),
        ("volume", Some(s)) => match (s.pool, s.volume) {
            (Some(pool), Some(volume)) => DiskSource::Volume { pool, volume },
            _ => return Err(invalid("missing pool or volume in disk source")),
        },
        (other, Some(_)) => {
            return Err(ModelError::Unsupported(format!("disk type '{other}'")));
        }
    };
    let target = d
        .target
        .ok_or_else(|| invalid("missing target information for device"))?;
    let target_dev = target
        .dev
        .ok_or_else(|| invalid("missing target information for device"))?;
    Ok(Disk {
        kind,
        device: d.device.unwrap_or_else(|| "disk".into()),
        driver_name: d.driver.as_ref().and_then(|x| x.name.clone()),
        driver_type: d.driver.and_then(|x| x.kind),
        source,
        target_dev,
        target_bus: target.bus,
        readonly: d.readonly.is_some(),
        rawio: d.rawio.as_deref() == Some("yes"),
        shareable: d.shareable.is_some(),
        boot_order: d.boot.map(|b| number(&b.order, "boot order")).transpose()?,
        address: d.address,
    })
}

// ---- formatting -----------------------------------------------------------------------------

fn format_address(w: &mut XmlWriter, a: &Option<Address>) {
    let Some(a) = a else { return };
    let attrs: Vec<(&str, Option<&str>)> = match a.kind.as_str() {
        "pci" => vec![
            ("domain", a.domain.as_deref()),
            ("bus", a.bus.as_deref()),
            ("slot", a.slot.as_deref()),
            ("function", a.function.as_deref()),
            ("multifunction", a.multifunction.as_deref()),
        ],
        "drive" => vec![
            ("controller", a.controller.as_deref()),
            ("bus", a.bus.as_deref()),
            ("target", a.target.as_deref()),
            ("unit", a.unit.as_deref()),
        ],
        _ => vec![
            ("controller", a.controller.as_deref()),
            ("bus", a.bus.as_deref()),
            ("port", a.port.as_deref()),
        ],
    };
    let mut all = vec![("type", Some(a.kind.as_str()))];
    all.extend(attrs);
    w.empty("address", &all);
}

impl Devices {
    fn format(&self, w: &mut XmlWriter) {
        w.open("devices", &[]);
        if let Some(e) = &self.emulator {
            w.text("emulator", &[], e);
        }
        for d in &self.disks {
            w.open(
                "disk",
                &[
                    ("type", Some(&d.kind)),
                    ("device", Some(&d.device)),
                    ("rawio", d.rawio.then_some("yes")),
                ],
            );
            if d.driver_name.is_some() || d.driver_type.is_some() {
                w.empty(
                    "driver",
                    &[
                        ("name", d.driver_name.as_deref()),
                        ("type", d.driver_type.as_deref()),
                    ],
                );
            }
            match &d.source {
                DiskSource::None => {}
                DiskSource::File(f) => w.empty("source", &[("file", Some(f))]),
                DiskSource::Block(b) => w.empty("source", &[("dev", Some(b))]),
                DiskSource::Volume { pool, volume } => {
                    w.empty("source", &[("pool", Some(pool)), ("volume", Some(volume))])
                }
            }
            w.empty(
                "target",
                &[
                    ("dev", Some(&d.target_dev)),
                    ("bus", d.target_bus.as_deref()),
                ],
            );
            if let Some(order) = d.boot_order {
                w.empty("boot", &[("order", Some(&order.to_string()))]);
            }
            if d.readonly {
                w.empty("readonly", &[]);
            }
            if d.shareable {
                w.empty("shareable", &[]);
            }
            format_address(w, &d.address);
            w.close("disk");
        }
        for c in &self.controllers {
            let index = c.index.to_string();
            let attrs = [
                ("type", Some(c.kind.as_str())),
                ("index", Some(index.as_str())),
                ("model", c.model.as_deref()),
            ];
            if c.address.is_some() {
                w.open("controller", &attrs);
                format_address(w, &c.address);
                w.close("controller");
            } else {
                w.empty("controller", &attrs);
            }
        }
        for i in &self.interfaces {
            w.open("interface", &[("type", Some(&i.kind))]);
            if let Some(mac) = &i.mac {
                w.empty("mac", &[("address", Some(mac))]);
            }
            if i.source_network.is_some() || i.source_bridge.is_some() {
                w.empty(
                    "source",
                    &[
                        ("network", i.source_network.as_deref()),
                        ("bridge", i.source_bridge.as_deref()),
                    ],
                );
            }
            if let Some(s) = &i.script {
                w.empty("script", &[("path", Some(s))]);
            }
            if let Some(t) = &i.target_dev {
                w.empty("target", &[("dev", Some(t))]);
            }
            if let Some(m) = &i.model {
                w.empty("model", &[("type", Some(m))]);
            }
            format_address(w, &i.address);
            w.close("interface");
        }
        for (tag, list) in [("serial", &self.serials), ("console", &self.consoles)] {
            for c in list {
                w.open(tag, &[("type", Some(&c.kind))]);
                if c.source_path.is_some() {
                    w.empty(
                        "source",
                        &[
                            ("mode", c.source_mode.as_deref()),
                            ("path", c.source_path.as_deref()),
                        ],
                    );
                }
                let port = c.target_port.map(|p| p.to_string());
                w.empty(
                    "target",
                    &[
                        ("type", c.target_type.as_deref()),
                        ("port", port.as_deref()),
                    ],
                );
                w.close(tag);
            }
        }
        for i in &self.inputs {
            let attrs = [("type", Some(i.kind.as_str())), ("bus", i.bus.as_deref())];
            if i.address.is_some() {
                w.open("input", &attrs);
                format_address(w, &i.address);
                w.close("input");
            } else {
                w.empty("input", &attrs);
            }
        }
        for g in &self.graphics {
            let attrs = [
                ("type", Some(g.kind.as_str())),
                ("port", g.port.as_deref()),
                ("autoport", g.autoport.as_deref()),
                ("listen", g.listen.as_deref()),
            ];
            match &g.listen {
                Some(addr) => {
                    w.open("graphics", &attrs);
                    w.empty(
                        "listen",
                        &[("type", Some("address")), ("address", Some(addr))],
                    );
                    w.close("graphics");
                }
                None => w.empty("graphics", &attrs),
            }
        }
        for v in &self.videos {
            w.open("video", &[]);
            w.empty(
                "model",
                &[
                    ("type", Some(&v.model)),
                    ("vram", v.vram.as_deref()),
                    ("heads", v.heads.as_deref()),
                    ("primary", v.primary.then_some("yes")),
                ],
            );
            format_address(w, &v.address);
            w.close("video");
        }
        if let Some(m) = &self.memballoon {
            let attrs = [("model", Some(m.model.as_str()))];
            if m.address.is_some() {
                w.open("memballoon", &attrs);
                format_address(w, &m.address);
                w.close("memballoon");
            } else {
                w.empty("memballoon", &attrs);
            }
        }
        w.close("devices");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_filled_in() {
        let d = DomainDef::parse(
            "<domain type='test'><name>x</name><memory unit='MiB'>1</memory><os><type>hvm</type></os></domain>",
        )
        .unwrap();
        assert_eq!(d.memory_kib, 1024);
        assert_eq!(d.current_memory_kib, 1024);
        assert_eq!(d.os.boot, vec!["hd"]);
        let xml = d.to_xml(None);
        assert!(xml.contains("<vcpu placement='static'>1</vcpu>"), "{xml}");
        assert!(xml.contains("<clock offset='utc'/>"));
        assert!(xml.contains("<on_reboot>restart</on_reboot>"));
        assert_eq!(DomainDef::parse(&xml).unwrap().to_xml(None), xml);
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(matches!(
            DomainDef::parse("<domain type='test'><memory>1</memory></domain>"),
            Err(ModelError::NoName)
        ));
        assert!(matches!(
            DomainDef::parse("<domain type='test'><name>a/b</name></domain>"),
            Err(ModelError::Name(_))
        ));
        let e = DomainDef::parse("<pool type='dir'><name>p</name></pool>").unwrap_err();
        assert!(e.to_string().contains("expecting <domain>"), "{e}");
    }
}
