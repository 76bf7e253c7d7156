//! The domain definition: parsed from libvirt's domain XML (serde over quick-xml), normalised
//! (units to KiB, defaults filled in as libvirt fills them), and formatted back the way
//! `virsh dumpxml` prints it.

mod devices;
mod raw;

pub use devices::*;

use raw::RawDomain;
use uuid::Uuid;

use super::xml::XmlWriter;
use super::{parse_document, scaled_kib, ModelError, Name};
pub(crate) use raw::RawScaled;

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

pub(super) fn invalid(detail: impl Into<String>) -> ModelError {
    ModelError::Invalid(detail.into())
}

pub(super) fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, ModelError> {
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
