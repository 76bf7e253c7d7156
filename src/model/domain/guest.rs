//! The guest machine: its vCPUs, CPU model and how it boots (`<vcpu>`, `<cpu>`, `<os>`).

use crate::model::dom::Element;
use crate::model::read::{invalid, number, text_of};
use crate::model::ModelError;

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

    pub(super) fn parse(e: Option<&Element>) -> Result<Vcpu, ModelError> {
        let Some(e) = e else {
            return Ok(Vcpu {
                max: 1,
                current: None,
                placement: "static".into(),
                cpuset: None,
            });
        };
        let max: u32 = e
            .text()
            .trim()
            .parse()
            .map_err(|_| invalid("maximum vcpus count must be an integer"))?;
        if max == 0 {
            return Err(ModelError::Internal(
                "CPU IDs in <numa> exceed the <vcpu> count".into(),
            ));
        }
        let current = e
            .attr("current")
            .map(|c| {
                c.trim()
                    .parse::<u32>()
                    .map_err(|_| invalid("current vcpus count must be an integer"))
            })
            .transpose()?
            .filter(|&c| c != max);
        Ok(Vcpu {
            max,
            current,
            placement: e.attr("placement").unwrap_or("static").to_string(),
            cpuset: e.attr("cpuset").map(str::to_string),
        })
    }

    pub(super) fn to_element(&self) -> Element {
        Element::leaf("vcpu", &self.max.to_string())
            .with("placement", &self.placement)
            .with_opt("cpuset", self.cpuset.as_deref())
            .with_opt("current", self.current.map(|c| c.to_string()))
    }
}

/// The guest CPU model (`<cpu>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cpu {
    /// `custom`, `host-model`, `host-passthrough` or `maximum`.
    pub mode: Option<String>,
    /// How the model is matched and checked (`match`, `check`, `migratable`): kept as given.
    pub matching: [Option<String>; 3],
    pub model: Option<String>,
    pub fallback: Option<String>,
    pub vendor: Option<String>,
    /// sockets, dies, cores, threads
    pub topology: Option<[u32; 4]>,
}

const CPU_MODES: [&str; 4] = ["custom", "host-model", "host-passthrough", "maximum"];
const MATCHING: [&str; 3] = ["match", "check", "migratable"];

impl Cpu {
    pub(super) fn parse(c: &Element) -> Result<Cpu, ModelError> {
        let mode = c.attr("mode").map(str::to_string);
        if let Some(m) = mode.as_deref().filter(|m| !CPU_MODES.contains(m)) {
            return Err(ModelError::Unsupported(format!(
                "Invalid mode attribute '{m}'"
            )));
        }
        let topology = match c.child("topology") {
            Some(t) => {
                let n = |attr: &str| t.attr(attr).map_or(Ok(1), |v| number(v, "cpu topology"));
                Some([n("sockets")?, n("dies")?, n("cores")?, n("threads")?])
            }
            None => None,
        };
        let model = c.child("model");
        Ok(Cpu {
            mode,
            matching: MATCHING.map(|a| c.attr(a).map(str::to_string)),
            model: model.map(Element::text).filter(|m| !m.is_empty()),
            fallback: model.and_then(|m| m.attr("fallback")).map(str::to_string),
            vendor: text_of(c, "vendor"),
            topology,
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let mut e = Element::new("cpu").with_opt("mode", self.mode.as_deref());
        for (attr, value) in MATCHING.iter().zip(&self.matching) {
            e = e.with_opt(attr, value.as_deref());
        }
        if let Some(m) = &self.model {
            e.push(Element::leaf("model", m).with_opt("fallback", self.fallback.as_deref()));
        }
        e.push_opt(self.vendor.as_deref().map(|v| Element::leaf("vendor", v)));
        if let Some(t) = self.topology {
            let [sockets, dies, cores, threads] = t.map(|n| n.to_string());
            e.push(
                Element::new("topology")
                    .with("sockets", sockets)
                    .with("dies", dies)
                    .with("cores", cores)
                    .with("threads", threads),
            );
        }
        e
    }
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

impl Os {
    pub(super) fn parse(os: Option<&Element>) -> Result<Os, ModelError> {
        let no_type = || invalid("an os <type> must be specified");
        let os = os.ok_or_else(no_type)?;
        let kind = os.child("type").ok_or_else(no_type)?;
        let mut boot: Vec<String> = os
            .children_named("boot")
            .filter_map(|b| b.attr("dev").map(str::to_string))
            .collect();
        let kernel = text_of(os, "kernel");
        if boot.is_empty() && kernel.is_none() {
            boot.push("hd".into());
        }
        Ok(Os {
            kind: kind.text().trim().to_string(),
            arch: kind.attr("arch").map(str::to_string),
            machine: kind.attr("machine").map(str::to_string),
            loader: text_of(os, "loader").map(|l| l.trim().to_string()),
            dtb: text_of(os, "dtb").map(|d| d.trim().to_string()),
            kernel,
            initrd: text_of(os, "initrd"),
            cmdline: text_of(os, "cmdline"),
            boot,
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let mut os = Element::new("os");
        os.push(
            Element::leaf("type", &self.kind)
                .with_opt("arch", self.arch.as_deref())
                .with_opt("machine", self.machine.as_deref()),
        );
        for (tag, value) in [
            ("loader", &self.loader),
            ("kernel", &self.kernel),
            ("initrd", &self.initrd),
            ("cmdline", &self.cmdline),
            ("dtb", &self.dtb),
        ] {
            os.push_opt(value.as_deref().map(|v| Element::leaf(tag, v)));
        }
        for dev in &self.boot {
            os.push(Element::new("boot").with("dev", dev));
        }
        os
    }
}
