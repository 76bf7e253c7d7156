//! Disks (`<disk>`): where the data lives, how the guest sees it, and how the host caches it.

use super::devices::{alias_of, with_info, Address};
use crate::model::dom::Element;
use crate::model::extra::Extra;
use crate::model::read::{attr_number, choice, invalid};
use crate::model::ModelError;

/// Where a disk's data lives.
#[derive(Debug, Clone, PartialEq)]
pub enum DiskSource {
    None,
    File(String),
    Block(String),
    Volume { pool: String, volume: String },
}

/// `<driver>`: the image format and how the host does I/O on it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiskDriver {
    pub name: Option<String>,
    /// The image format: `raw`, `qcow2`, ...
    pub format: Option<String>,
    /// `none`, `writethrough`, `writeback`, `directsync` or `unsafe`.
    pub cache: Option<String>,
    /// `native`, `threads` or `io_uring`.
    pub io: Option<String>,
    /// `unmap` or `ignore`.
    pub discard: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disk {
    /// `file`, `block` or `volume`.
    pub kind: String,
    /// `disk`, `cdrom` or `floppy`.
    pub device: String,
    pub driver: DiskDriver,
    pub source: DiskSource,
    pub target_dev: String,
    pub target_bus: Option<String>,
    pub readonly: bool,
    pub shareable: bool,
    /// `rawio='yes'` on a lun: raw SCSI commands reach the host device.
    pub rawio: bool,
    pub boot_order: Option<u32>,
    pub address: Option<Address>,
    /// `<alias name>`: a user's, or the one a running domain's disk has.
    pub alias: Option<String>,
    pub extra: Extra,
}

const CACHE: [&str; 6] = [
    "default",
    "none",
    "writethrough",
    "writeback",
    "directsync",
    "unsafe",
];
const IO: [&str; 4] = ["default", "native", "threads", "io_uring"];
const DISCARD: [&str; 3] = ["default", "unmap", "ignore"];

impl DiskDriver {
    fn parse(d: Option<&Element>) -> Result<DiskDriver, ModelError> {
        let Some(d) = d else {
            return Ok(DiskDriver::default());
        };
        // `default` is as good as not saying: libvirt drops it.
        let pick = |attr: &str, allowed: &[&str]| -> Result<Option<String>, ModelError> {
            Ok(choice(d, attr, allowed)?.filter(|v| v != "default"))
        };
        Ok(DiskDriver {
            name: d.attr("name").map(str::to_string),
            format: d.attr("type").map(str::to_string),
            cache: pick("cache", &CACHE)?,
            io: pick("io", &IO)?,
            discard: pick("discard", &DISCARD)?,
        })
    }

    fn is_empty(&self) -> bool {
        *self == DiskDriver::default()
    }

    fn to_element(&self) -> Element {
        Element::new("driver")
            .with_opt("name", self.name.as_deref())
            .with_opt("type", self.format.as_deref())
            .with_opt("cache", self.cache.as_deref())
            .with_opt("io", self.io.as_deref())
            .with_opt("discard", self.discard.as_deref())
    }
}

impl Disk {
    pub(super) fn parse(d: &Element) -> Result<Disk, ModelError> {
        let kind = d.attr("type").unwrap_or("file").to_string();
        let source = match (kind.as_str(), d.child("source")) {
            (_, None) => DiskSource::None,
            ("file", Some(s)) => s
                .attr("file")
                .map_or(DiskSource::None, |f| DiskSource::File(f.into())),
            ("block", Some(s)) => s
                .attr("dev")
                .map_or(DiskSource::None, |b| DiskSource::Block(b.into())),
            ("volume", Some(s)) => match (s.attr("pool"), s.attr("volume")) {
                (Some(pool), Some(volume)) => DiskSource::Volume {
                    pool: pool.into(),
                    volume: volume.into(),
                },
                _ => return Err(invalid("missing pool or volume in disk source")),
            },
            (other, Some(_)) => {
                return Err(ModelError::Unsupported(format!("disk type '{other}'")));
            }
        };
        let target = d.child("target");
        let target_dev = target
            .and_then(|t| t.attr("dev"))
            .ok_or_else(|| ModelError::NoTarget(source_name(&source)))?
            .to_string();
        Ok(Disk {
            kind,
            device: d.attr("device").unwrap_or("disk").to_string(),
            driver: DiskDriver::parse(d.child("driver"))?,
            source,
            target_dev,
            target_bus: target.and_then(|t| t.attr("bus")).map(str::to_string),
            readonly: d.child("readonly").is_some(),
            rawio: d.attr("rawio") == Some("yes"),
            shareable: d.child("shareable").is_some(),
            boot_order: match d.child("boot") {
                Some(b) => attr_number(b, "order", "boot order")?,
                None => None,
            },
            address: Address::parse(d),
            alias: alias_of(d),
            extra: Extra::of(d),
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let mut e = Element::new("disk")
            .with("type", &self.kind)
            .with("device", &self.device)
            .with_opt("rawio", self.rawio.then_some("yes"));
        if !self.driver.is_empty() {
            e.push(self.driver.to_element());
        }
        match &self.source {
            DiskSource::None => {}
            DiskSource::File(f) => e.push(Element::new("source").with("file", f)),
            DiskSource::Block(b) => e.push(Element::new("source").with("dev", b)),
            DiskSource::Volume { pool, volume } => e.push(
                Element::new("source")
                    .with("pool", pool)
                    .with("volume", volume),
            ),
        }
        e.push(
            Element::new("target")
                .with("dev", &self.target_dev)
                .with_opt("bus", self.target_bus.as_deref()),
        );
        if self.readonly {
            e.push(Element::new("readonly"));
        }
        if self.shareable {
            e.push(Element::new("shareable"));
        }
        // The boot order belongs to the device info, which libvirt formats last.
        e.push_opt(
            self.boot_order
                .map(|o| Element::new("boot").with("order", o.to_string())),
        );
        let mut e = with_info(e, &self.alias, &self.address);
        self.extra.merge(&mut e, &[]);
        e
    }
}

/// The source as libvirt names a disk in "missing target information for device ...".
fn source_name(source: &DiskSource) -> String {
    match source {
        DiskSource::None => String::new(),
        DiskSource::File(p) | DiskSource::Block(p) => p.clone(),
        DiskSource::Volume { pool, volume } => format!("{pool}/{volume}"),
    }
}
