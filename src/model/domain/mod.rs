//! The domain definition: read from libvirt's domain XML (first of two like-named elements
//! wins, as in libvirt), normalised (units to KiB, defaults filled in as libvirt fills them),
//! and formatted back the way `virsh dumpxml` prints it. What libvirt knows and virtsh does
//! not model is kept (`Extra`) for drivers to refuse.

mod abi;
pub(crate) mod custom;
mod devices;
mod disk;
mod guest;
mod peripherals;

pub use abi::check_abi_stability;
pub use custom::{QemuCommandline, QEMU_NS};
pub use devices::*;
pub use disk::*;
pub use guest::*;
pub use peripherals::*;

use uuid::Uuid;

use super::dom::{self, Element};
use super::extra::{self, Extra};
use super::read::{invalid, scaled_kib, text_of, uuid_and_title};
use super::xml::{Style, XmlWriter};
use super::{ModelError, Name};

/// The children of `<domain>` in the order libvirt formats them.
const ORDER: &[&str] = &[
    "name",
    "uuid",
    "genid",
    "title",
    "description",
    "metadata",
    "maxMemory",
    "memory",
    "currentMemory",
    "blkiotune",
    "memtune",
    "memoryBacking",
    "vcpu",
    "vcpus",
    "iothreads",
    "iothreadids",
    "defaultIOThread",
    "cputune",
    "numatune",
    "resource",
    "sysinfo",
    "bootloader",
    "bootloader_args",
    "os",
    "idmap",
    "features",
    "cpu",
    "clock",
    "on_poweroff",
    "on_reboot",
    "on_crash",
    "on_lockfailure",
    "pm",
    "perf",
    "devices",
    "seclabel",
    "keywrap",
    "launchSecurity",
    "throttlegroups",
];

/// A domain definition.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainDef {
    /// The hypervisor type: `test`, `kvm`, `qemu`.
    pub kind: String,
    pub name: Name,
    pub uuid: Uuid,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Applications' own elements, one per namespace, kept as written (`None`: no
    /// `<metadata>`, or an empty one).
    pub metadata: Option<Vec<Element>>,
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
    pub qemu: QemuCommandline,
    /// What libvirt knows that virtsh does not model, outside the devices.
    pub extra: Extra,
}

impl DomainDef {
    /// Parses a domain XML document; a document without `<uuid>` gets a random one.
    pub fn parse(xml: &str) -> Result<DomainDef, ModelError> {
        DomainDef::parse_with(xml, false)
    }

    /// Parses, first checking the document against the names of libvirt's schema when
    /// `validate` is set (`--validate`).
    pub fn parse_with(xml: &str, validate: bool) -> Result<DomainDef, ModelError> {
        let root = dom::parse(xml).map_err(ModelError::Malformed)?;
        if validate && root.name == "domain" {
            extra::validate(&root).map_err(|detail| ModelError::Schema {
                schema: "domain.rng",
                detail,
            })?;
        }
        DomainDef::from_element(&root)
    }

    pub fn from_element(root: &Element) -> Result<DomainDef, ModelError> {
        if root.name != "domain" {
            return Err(ModelError::WrongRoot {
                found: root.name.clone(),
                expected: "domain",
            });
        }
        root.ignore_attrs(&["id"]);
        let kind = root
            .attr("type")
            .ok_or_else(|| ModelError::Internal("missing domain type attribute".into()))?
            .to_string();
        let name = text_of(root, "name").ok_or(ModelError::NoName)?;
        let name = Name::new(&name).map_err(ModelError::Name)?;
        let (uuid, title) = uuid_and_title(root, "Domain")?;
        let memory_kib = match root.child("memory") {
            Some(m) => scaled_kib(m, "./memory[1]")?,
            None => 0,
        };
        if memory_kib == 0 {
            return Err(invalid(
                "Memory size must be specified via <memory> or in the <numa> configuration",
            ));
        }
        let current_memory_kib = match root.child("currentMemory") {
            Some(c) => scaled_kib(c, "./currentMemory[1]")?.min(memory_kib),
            None => memory_kib,
        };
        let vcpu = Vcpu::parse(root.child("vcpu"))?;
        let os = Os::parse(root.child("os"))?;
        let cpu = root.child("cpu").map(Cpu::parse).transpose()?;
        let features = root
            .child("features")
            .map(parse_features)
            .unwrap_or_default();
        let clock_offset = root
            .child("clock")
            .and_then(|c| c.attr("offset"))
            .unwrap_or("utc")
            .to_string();
        let action = |tag: &str, default: &str| {
            text_of(root, tag).map_or_else(|| default.to_string(), |t| t.trim().to_string())
        };
        let mut devices = match root.child("devices") {
            Some(d) => Devices::parse(d)?,
            None => Devices::default(),
        };
        devices.add_implicit_video();
        let metadata = root.child("metadata").and_then(custom::metadata);
        let qemu = QemuCommandline::parse(root)?;
        // Live-only parts of a running domain's XML that a definition does not keep.
        for live in ["resource", "seclabel"] {
            if let Some(e) = root.child(live) {
                e.mark_all();
            }
        }
        let mut def = DomainDef {
            kind,
            name,
            uuid,
            title,
            description: text_of(root, "description"),
            metadata,
            memory_kib,
            current_memory_kib,
            vcpu,
            os,
            cpu,
            features,
            clock_offset,
            on_poweroff: action("on_poweroff", "destroy"),
            on_reboot: action("on_reboot", "restart"),
            on_crash: action("on_crash", "destroy"),
            devices,
            qemu,
            extra: Extra::default(),
        };
        def.extra = Extra::of(root);
        Ok(def)
    }

    /// What the definition holds that virtsh does not model, for a driver to refuse.
    pub fn unmodelled(&self) -> Vec<String> {
        let mut out = self.extra.describe("domain");
        out.extend(self.devices.unmodelled());
        out
    }

    /// The domain XML; `id` is given for a running domain.
    pub fn to_xml(&self, id: Option<u32>) -> String {
        let mut w = XmlWriter::new();
        w.element(&self.to_element(id), Style::Libvirt);
        w.finish()
    }

    /// The `<domain>` element, for a document that holds it (a snapshot's, a checkpoint's).
    pub fn to_element(&self, id: Option<u32>) -> Element {
        let mut root = Element::new("domain")
            .with("type", &self.kind)
            .with_opt("id", id.map(|i| i.to_string()));
        if !self.qemu.is_empty() {
            root = root.with("xmlns:qemu", QEMU_NS);
        }
        root.push(Element::leaf("name", self.name.as_str()));
        root.push(Element::leaf("uuid", &self.uuid.to_string()));
        root.push_opt(self.title.as_deref().map(|t| Element::leaf("title", t)));
        root.push_opt(
            self.description
                .as_deref()
                .map(|d| Element::leaf("description", d)),
        );
        if let Some(m) = custom::format_metadata(&self.metadata) {
            root.push(m);
        }
        let kib = |tag: &str, v: u64| Element::leaf(tag, &v.to_string()).with("unit", "KiB");
        root.push(kib("memory", self.memory_kib));
        root.push(kib("currentMemory", self.current_memory_kib));
        root.push(self.vcpu.to_element());
        root.push(self.os.to_element());
        if !self.features.is_empty() {
            let mut f = Element::new("features");
            for name in &self.features {
                f.push(Element::new(name));
            }
            root.push(f);
        }
        root.push_opt(self.cpu.as_ref().map(Cpu::to_element));
        root.push(Element::new("clock").with("offset", &self.clock_offset));
        root.push(Element::leaf("on_poweroff", &self.on_poweroff));
        root.push(Element::leaf("on_reboot", &self.on_reboot));
        root.push(Element::leaf("on_crash", &self.on_crash));
        root.push(self.devices.to_element(id.is_some()));
        self.extra.merge(&mut root, ORDER);
        root.push_opt(self.qemu.to_element());
        root
    }
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

fn parse_features(f: &Element) -> Vec<String> {
    FEATURES
        .iter()
        .filter(|name| {
            // A feature with settings (`<vmport state='off'/>`) is not simply on.
            f.child(name)
                .is_some_and(|e| e.attrs.is_empty() && e.children.is_empty())
        })
        .map(|n| n.to_string())
        .collect()
}

#[cfg(test)]
mod tests;
