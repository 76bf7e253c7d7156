//! Domain devices: disks, controllers, interfaces, serial ports and consoles, inputs,
//! graphics, video and the memory balloon, parsed from their XML and formatted back in
//! libvirt's order.

use serde::Deserialize;

use super::raw::*;
use super::{invalid, number};
use crate::model::xml::XmlWriter;
use crate::model::ModelError;

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

pub(super) fn parse_devices(raw: RawDevices) -> Result<Devices, ModelError> {
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
    pub(super) fn format(&self, w: &mut XmlWriter) {
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
