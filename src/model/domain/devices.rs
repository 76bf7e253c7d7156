//! Domain devices: read from `<devices>` and formatted back in libvirt's order. Disks live in
//! `disk.rs`, graphics, sound, watchdogs and RNGs in `peripherals.rs`; the plainer devices here.

use super::disk::Disk;
use super::peripherals::{Graphics, Rng, Sound, Watchdog};
use crate::model::dom::Element;
use crate::model::extra::Extra;
use crate::model::read::{attr_number, bad_value, choice, number, text_of};
use crate::model::ModelError;

/// The children of `<devices>` in the order libvirt formats them.
const ORDER: &[&str] = &[
    "emulator",
    "disk",
    "controller",
    "lease",
    "filesystem",
    "interface",
    "smartcard",
    "serial",
    "parallel",
    "console",
    "channel",
    "input",
    "tpm",
    "graphics",
    "sound",
    "audio",
    "video",
    "hostdev",
    "redirdev",
    "redirfilter",
    "hub",
    "watchdog",
    "memballoon",
    "rng",
    "nvram",
    "panic",
    "shmem",
    "memory",
    "iommu",
    "vsock",
    "crypto",
    "pstore",
];

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
    pub sounds: Vec<Sound>,
    pub videos: Vec<Video>,
    pub watchdogs: Vec<Watchdog>,
    pub memballoon: Option<Memballoon>,
    pub rngs: Vec<Rng>,
    /// Devices libvirt knows and virtsh does not model (`<hostdev>`, `<channel>`, ...).
    pub extra: Extra,
}

/// A device address (`<address type='pci' .../>`, `type='drive'`, ...).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Address {
    pub kind: String,
    pub domain: Option<String>,
    pub controller: Option<String>,
    pub bus: Option<String>,
    pub slot: Option<String>,
    pub function: Option<String>,
    pub multifunction: Option<String>,
    pub target: Option<String>,
    pub unit: Option<String>,
    pub port: Option<String>,
}

impl Address {
    pub(super) fn parse(device: &Element) -> Option<Address> {
        let a = device.child("address")?;
        a.mark_all();
        let get = |n: &str| a.attr(n).map(str::to_string);
        Some(Address {
            kind: a.attr("type").unwrap_or_default().to_string(),
            domain: get("domain"),
            controller: get("controller"),
            bus: get("bus"),
            slot: get("slot"),
            function: get("function"),
            multifunction: get("multifunction"),
            target: get("target"),
            unit: get("unit"),
            port: get("port"),
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let attrs: [(&str, &Option<String>); 5] = match self.kind.as_str() {
            "pci" => [
                ("domain", &self.domain),
                ("bus", &self.bus),
                ("slot", &self.slot),
                ("function", &self.function),
                ("multifunction", &self.multifunction),
            ],
            "drive" => [
                ("controller", &self.controller),
                ("bus", &self.bus),
                ("target", &self.target),
                ("unit", &self.unit),
                ("", &None),
            ],
            _ => [
                ("controller", &self.controller),
                ("bus", &self.bus),
                ("port", &self.port),
                ("", &None),
                ("", &None),
            ],
        };
        let mut e = Element::new("address").with("type", &self.kind);
        for (name, value) in attrs {
            e = e.with_opt(name, value.as_deref());
        }
        e
    }
}

/// Adds a device's address, if it has one.
/// A device's `<alias>` then `<address>`, as libvirt formats the device info.
pub(super) fn with_info(mut e: Element, alias: &Option<String>, a: &Option<Address>) -> Element {
    e.push_opt(
        alias
            .as_deref()
            .map(|n| Element::new("alias").with("name", n)),
    );
    match a {
        Some(a) => e.with_child(a.to_element()),
        None => e,
    }
}

/// A device's `<alias name>`.
pub(super) fn alias_of(e: &Element) -> Option<String> {
    e.child("alias")
        .and_then(|a| a.attr("name"))
        .map(str::to_string)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Controller {
    pub kind: String,
    pub index: u32,
    pub model: Option<String>,
    pub address: Option<Address>,
    /// `<alias name>`: a user's (`ua-...`), or the one a running domain's device has.
    pub alias: Option<String>,
    pub extra: Extra,
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
    /// Host ports forwarded to the guest (user networking).
    pub port_forwards: Vec<PortForward>,
    /// `<link state='up|down'/>`: whether the virtual cable is plugged in.
    pub link_state: Option<String>,
    /// `<backend type=...>` of user networking: `passt`, else QEMU's own.
    pub backend: Option<String>,
    pub address: Option<Address>,
    /// `<alias name>`: a user's (`ua-...`), or the one a running domain's device has.
    pub alias: Option<String>,
    pub extra: Extra,
}

/// `<portForward proto=... address=...>`: host ports of one protocol that reach the guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortForward {
    pub proto: String,
    pub address: Option<String>,
    pub dev: Option<String>,
    pub ranges: Vec<PortRange>,
}

/// `<range start=... end=... to=... exclude=.../>`: host ports `start..=end` go to the
/// guest's `to..` (the same ports when not given); an excluded range is not forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRange {
    pub start: u16,
    pub end: Option<u16>,
    pub to: Option<u16>,
    pub exclude: bool,
}

impl PortForward {
    fn parse(p: &Element) -> Result<PortForward, ModelError> {
        let proto = p.attr("proto").ok_or_else(|| {
            ModelError::Invalid(
                "Missing required attribute 'proto' in element 'portForward'".into(),
            )
        })?;
        if !matches!(proto, "tcp" | "udp") {
            return Err(bad_value("proto", "portForward", proto));
        }
        let port = |r: &Element, a: &str| -> Result<Option<u16>, ModelError> {
            r.attr(a)
                .map(|v| v.parse().map_err(|_| bad_value(a, "range", v)))
                .transpose()
        };
        let ranges = p
            .children_named("range")
            .map(|r| {
                Ok(PortRange {
                    start: port(r, "start")?.ok_or_else(|| {
                        ModelError::Invalid(
                            "Missing required attribute 'start' in element 'range'".into(),
                        )
                    })?,
                    end: port(r, "end")?,
                    to: port(r, "to")?,
                    exclude: r.attr("exclude") == Some("yes"),
                })
            })
            .collect::<Result<Vec<_>, ModelError>>()?;
        Ok(PortForward {
            proto: proto.to_string(),
            address: p.attr("address").map(str::to_string),
            dev: p.attr("dev").map(str::to_string),
            ranges,
        })
    }

    fn to_element(&self) -> Element {
        let mut e = Element::new("portForward")
            .with("proto", &self.proto)
            .with_opt("address", self.address.as_deref())
            .with_opt("dev", self.dev.as_deref());
        for r in &self.ranges {
            e.push(
                Element::new("range")
                    .with("start", r.start.to_string())
                    .with_opt("end", r.end.map(|v| v.to_string()))
                    .with_opt("to", r.to.map(|v| v.to_string()))
                    .with_opt("exclude", r.exclude.then_some("yes")),
            );
        }
        e
    }
}

impl Interface {
    /// An `<interface>` element on its own (`attach-device`, `update-device`).
    pub fn parse(e: &Element) -> Result<Interface, ModelError> {
        interface(e)
    }

    pub fn to_element(&self) -> Element {
        let i = self;
        let mut e = Element::new("interface").with("type", &i.kind);
        e.push_opt(
            i.mac
                .as_deref()
                .map(|m| Element::new("mac").with("address", m)),
        );
        if i.source_network.is_some() || i.source_bridge.is_some() {
            e.push(
                Element::new("source")
                    .with_opt("network", i.source_network.as_deref())
                    .with_opt("bridge", i.source_bridge.as_deref()),
            );
        }
        for p in &i.port_forwards {
            e.push(p.to_element());
        }
        e.push_opt(
            i.script
                .as_deref()
                .map(|s| Element::new("script").with("path", s)),
        );
        e.push_opt(
            i.target_dev
                .as_deref()
                .map(|t| Element::new("target").with("dev", t)),
        );
        e.push_opt(
            i.model
                .as_deref()
                .map(|m| Element::new("model").with("type", m)),
        );
        e.push_opt(
            i.backend
                .as_deref()
                .map(|b| Element::new("backend").with("type", b)),
        );
        e.push_opt(
            i.link_state
                .as_deref()
                .map(|l| Element::new("link").with("state", l)),
        );
        e = with_info(e, &i.alias, &i.address);
        i.extra.merge(&mut e, &[]);
        e
    }
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
    /// `<target><model name>`: the device a serial port is (`isa-serial`, ...).
    pub target_model: Option<String>,
    /// A running console's pty (`<console tty=...>`).
    pub tty: Option<String>,
    pub alias: Option<String>,
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub kind: String,
    pub bus: Option<String>,
    pub address: Option<Address>,
    /// `<alias name>`: a user's (`ua-...`), or the one a running domain's device has.
    pub alias: Option<String>,
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    pub model: String,
    pub vram: Option<String>,
    pub heads: Option<String>,
    pub primary: bool,
    pub address: Option<Address>,
    /// `<alias name>`: a user's (`ua-...`), or the one a running domain's device has.
    pub alias: Option<String>,
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Memballoon {
    pub model: String,
    pub address: Option<Address>,
    /// `<alias name>`: a user's (`ua-...`), or the one a running domain's device has.
    pub alias: Option<String>,
    pub extra: Extra,
}

/// Parses every `tag` child of `devices` with `parse`.
fn all<T>(
    devices: &Element,
    tag: &str,
    parse: impl Fn(&Element) -> Result<T, ModelError>,
) -> Result<Vec<T>, ModelError> {
    devices.children_named(tag).map(parse).collect()
}

fn controller(c: &Element) -> Result<Controller, ModelError> {
    Ok(Controller {
        kind: c.attr("type").unwrap_or_default().to_string(),
        index: attr_number(c, "index", "controller index")?.unwrap_or(0),
        model: c.attr("model").map(str::to_string),
        address: Address::parse(c),
        alias: alias_of(c),
        extra: Extra::of(c),
    })
}

/// An interface's `<mac address>`, with libvirt's checks (`virDomainNetDefParseXML`).
fn interface_mac(i: &Element) -> Result<Option<String>, ModelError> {
    let Some(text) = i.child("mac").and_then(|m| m.attr("address")) else {
        return Ok(None);
    };
    let mac = crate::model::mac::Mac::parse(text)
        .ok_or_else(|| ModelError::Invalid(format!("unable to parse mac address '{text}'")))?;
    if mac.is_multicast() {
        return Err(ModelError::Invalid(format!(
            "expected unicast mac address, found multicast '{text}'"
        )));
    }
    Ok(Some(text.to_ascii_lowercase()))
}

fn interface(i: &Element) -> Result<Interface, ModelError> {
    let source = i.child("source");
    let source_attr = |n: &str| source.and_then(|s| s.attr(n)).map(str::to_string);
    let iface = Interface {
        kind: i.attr("type").unwrap_or_default().to_string(),
        mac: interface_mac(i)?,
        source_network: source_attr("network"),
        source_bridge: source_attr("bridge"),
        target_dev: i
            .child("target")
            .and_then(|t| t.attr("dev"))
            .map(str::to_string),
        model: i
            .child("model")
            .and_then(|m| m.attr("type"))
            .map(str::to_string),
        script: i
            .child("script")
            .and_then(|s| s.attr("path"))
            .map(str::to_string),
        port_forwards: i
            .children_named("portForward")
            .map(PortForward::parse)
            .collect::<Result<_, _>>()?,
        link_state: match i.child("link") {
            Some(l) => choice(l, "state", &["up", "down"])?,
            None => None,
        },
        backend: match i.child("backend") {
            Some(b) => choice(b, "type", &["default", "passt"])?,
            None => None,
        },
        address: Address::parse(i),
        alias: alias_of(i),
        extra: Extra::of(i),
    };
    // libvirt's virDomainNetDefValidate.
    let passt = matches!(iface.kind.as_str(), "user" | "vhostuser")
        && iface.backend.as_deref() == Some("passt");
    if !iface.port_forwards.is_empty() && !passt {
        return Err(ModelError::Unsupported(
            "The <portForward> element can only be used with the 'passt' backend of interface type='user' or type='vhostuser'".into(),
        ));
    }
    Ok(iface)
}

fn chardev(c: &Element) -> Result<CharDev, ModelError> {
    let source = c.child("source");
    let target = c.child("target");
    Ok(CharDev {
        kind: c.attr("type").unwrap_or("pty").to_string(),
        source_mode: source.and_then(|s| s.attr("mode")).map(str::to_string),
        source_path: source.and_then(|s| s.attr("path")).map(str::to_string),
        target_type: target.and_then(|t| t.attr("type")).map(str::to_string),
        target_port: target
            .and_then(|t| t.attr("port"))
            .map(|p| number(p, "serial port"))
            .transpose()?,
        target_model: target
            .and_then(|t| t.child("model"))
            .and_then(|m| m.attr("name"))
            .map(str::to_string),
        tty: c.attr("tty").map(str::to_string),
        alias: alias_of(c),
        extra: Extra::of(c),
    })
}

fn input(i: &Element) -> Result<Input, ModelError> {
    Ok(Input {
        kind: i.attr("type").unwrap_or_default().to_string(),
        bus: i.attr("bus").map(str::to_string),
        address: Address::parse(i),
        alias: alias_of(i),
        extra: Extra::of(i),
    })
}

fn video(index: usize, v: &Element) -> Video {
    let model = v.child("model");
    let get = |n: &str| model.and_then(|m| m.attr(n)).map(str::to_string);
    Video {
        model: get("type").unwrap_or_else(|| "vga".into()),
        vram: get("vram"),
        heads: get("heads"),
        // The first video is the primary one, whatever it says.
        primary: get("primary").as_deref() == Some("yes") || index == 0,
        address: Address::parse(v),
        alias: alias_of(v),
        extra: Extra::of(v),
    }
}

const BALLOON_MODELS: [&str; 5] = [
    "virtio",
    "xen",
    "none",
    "virtio-transitional",
    "virtio-non-transitional",
];

fn memballoon(m: &Element) -> Result<Memballoon, ModelError> {
    let model = choice(m, "model", &BALLOON_MODELS)?.unwrap_or_default();
    Ok(Memballoon {
        model,
        address: Address::parse(m),
        alias: alias_of(m),
        extra: Extra::of(m),
    })
}

impl Devices {
    pub(super) fn parse(d: &Element) -> Result<Devices, ModelError> {
        let mut devices = Devices {
            emulator: text_of(d, "emulator"),
            disks: all(d, "disk", Disk::parse)?,
            controllers: all(d, "controller", controller)?,
            interfaces: all(d, "interface", interface)?,
            serials: all(d, "serial", chardev)?,
            consoles: all(d, "console", chardev)?,
            inputs: all(d, "input", input)?,
            graphics: all(d, "graphics", Graphics::parse)?,
            sounds: all(d, "sound", Sound::parse)?,
            videos: d
                .children_named("video")
                .enumerate()
                .map(|(i, v)| video(i, v))
                .collect(),
            watchdogs: all(d, "watchdog", Watchdog::parse)?,
            memballoon: d.child("memballoon").map(memballoon).transpose()?,
            rngs: all(d, "rng", Rng::parse)?,
            extra: Extra::default(),
        };
        devices.extra = Extra::of(d);
        Ok(devices)
    }

    /// A graphical console needs a video card: libvirt adds a Cirrus one when none is given.
    pub(super) fn add_implicit_video(&mut self) {
        if !self.graphics.is_empty() && self.videos.is_empty() {
            self.videos.push(Video {
                model: "cirrus".into(),
                vram: Some("16384".into()),
                heads: Some("1".into()),
                primary: true,
                address: None,
                alias: None,
                extra: Extra::default(),
            });
        }
    }

    /// What the devices hold that virtsh does not model.
    pub fn unmodelled(&self) -> Vec<String> {
        let mut out = self.extra.describe("devices");
        let each = [
            self.disks
                .iter()
                .map(|d| d.extra.describe("disk"))
                .collect::<Vec<_>>(),
            self.controllers
                .iter()
                .map(|c| c.extra.describe("controller"))
                .collect(),
            self.interfaces
                .iter()
                .map(|i| i.extra.describe("interface"))
                .collect(),
            self.serials
                .iter()
                .map(|s| s.extra.describe("serial"))
                .collect(),
            self.consoles
                .iter()
                .map(|c| c.extra.describe("console"))
                .collect(),
            self.inputs
                .iter()
                .map(|i| i.extra.describe("input"))
                .collect(),
            self.graphics
                .iter()
                .map(|g| g.extra.describe("graphics"))
                .collect(),
            self.sounds
                .iter()
                .map(|s| s.extra.describe("sound"))
                .collect(),
            self.videos
                .iter()
                .map(|v| v.extra.describe("video"))
                .collect(),
            self.watchdogs
                .iter()
                .map(|w| w.extra.describe("watchdog"))
                .collect(),
            self.memballoon
                .iter()
                .map(|m| m.extra.describe("memballoon"))
                .collect(),
            self.rngs.iter().map(|r| r.extra.describe("rng")).collect(),
        ];
        out.extend(each.into_iter().flatten().flatten());
        out
    }

    /// `live`: for a running domain.
    pub(super) fn to_element(&self, live: bool) -> Element {
        let mut d = Element::new("devices").never_empty();
        d.push_opt(
            self.emulator
                .as_deref()
                .map(|e| Element::leaf("emulator", e)),
        );
        for disk in &self.disks {
            d.push(disk.to_element());
        }
        for c in &self.controllers {
            let mut e = Element::new("controller")
                .with("type", &c.kind)
                .with("index", c.index.to_string())
                .with_opt("model", c.model.as_deref());
            e = with_info(e, &c.alias, &c.address);
            c.extra.merge(&mut e, &[]);
            d.push(e);
        }
        for i in &self.interfaces {
            d.push(i.to_element());
        }
        for (tag, list) in [("serial", &self.serials), ("console", &self.consoles)] {
            for c in list {
                let mut e = Element::new(tag)
                    .with("type", &c.kind)
                    .with_opt("tty", c.tty.as_deref());
                if c.source_path.is_some() {
                    e.push(
                        Element::new("source")
                            .with_opt("mode", c.source_mode.as_deref())
                            .with_opt("path", c.source_path.as_deref()),
                    );
                }
                let mut target = Element::new("target")
                    .with_opt("type", c.target_type.as_deref())
                    .with_opt("port", c.target_port.map(|p| p.to_string()));
                if let Some(m) = &c.target_model {
                    target.push(Element::new("model").with("name", m));
                }
                e.push(target);
                let mut e = with_info(e, &c.alias, &None);
                c.extra.merge(&mut e, &[]);
                d.push(e);
            }
        }
        for i in &self.inputs {
            let mut e = Element::new("input")
                .with("type", &i.kind)
                .with_opt("bus", i.bus.as_deref());
            e = with_info(e, &i.alias, &i.address);
            i.extra.merge(&mut e, &[]);
            d.push(e);
        }
        for g in &self.graphics {
            d.push(g.to_element(live));
        }
        for s in &self.sounds {
            d.push(s.to_element());
        }
        for v in &self.videos {
            let model = Element::new("model")
                .with("type", &v.model)
                .with_opt("vram", v.vram.as_deref())
                .with_opt("heads", v.heads.as_deref())
                .with_opt("primary", v.primary.then_some("yes"));
            let mut e = with_info(
                Element::new("video").with_child(model),
                &v.alias,
                &v.address,
            );
            v.extra.merge(&mut e, &[]);
            d.push(e);
        }
        for w in &self.watchdogs {
            d.push(w.to_element());
        }
        if let Some(m) = &self.memballoon {
            let mut e = with_info(
                Element::new("memballoon").with("model", &m.model),
                &m.alias,
                &m.address,
            );
            m.extra.merge(&mut e, &[]);
            d.push(e);
        }
        for r in &self.rngs {
            d.push(r.to_element());
        }
        self.extra.merge(&mut d, ORDER);
        d
    }
}
