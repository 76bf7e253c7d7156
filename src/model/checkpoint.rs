//! The `<domaincheckpoint>` document (libvirt's `checkpoint_conf.c`): always checked against
//! the schema's names and values (libvirt always validates it), read as a new checkpoint or
//! as a redefinition, its disks aligned with the domain's and given bitmap names, and
//! formatted back as `checkpoint-dumpxml` prints it.

use super::dom::Element;
use super::moment::{
    self, attrs_within, disk_by_name, disk_is_empty, disk_name, domain_valid, parent_valid,
    text_only, unsigned_long, ChildRule, MomentDef, Reading,
};
use super::read::text_of;
use super::xml::XmlWriter;
use super::ModelError;

/// What a checkpoint does with a disk (`virDomainCheckpointType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointKind {
    Default,
    No,
    Bitmap,
}

impl CheckpointKind {
    pub fn text(self) -> &'static str {
        match self {
            CheckpointKind::Default => "default",
            CheckpointKind::No => "no",
            CheckpointKind::Bitmap => "bitmap",
        }
    }
}

/// One disk of a checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointDisk {
    pub name: String,
    pub kind: CheckpointKind,
    /// The dirty bitmap's name.
    pub bitmap: Option<String>,
    /// The size a backup would take (`--size`), when the driver knows it.
    pub size: Option<u64>,
}

/// A checkpoint definition (`virDomainCheckpointDef`).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointDef {
    pub moment: MomentDef,
    pub disks: Vec<CheckpointDisk>,
}

/// What `checkpoint-dumpxml` asks of the document.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckpointFormat {
    /// `--no-domain`: without the saved definition.
    pub no_domain: bool,
    /// `--size`: the disks' sizes, where known.
    pub size: bool,
}

impl CheckpointDef {
    pub fn parse(doc: &str, reading: Reading) -> Result<CheckpointDef, ModelError> {
        let root = moment::root(doc, "domaincheckpoint")?;
        validate(&root).map_err(|detail| ModelError::Schema {
            schema: "domaincheckpoint.rng",
            detail,
        })?;
        let name = moment::name(&root, reading, "checkpoint")?;
        let description = text_of(&root, "description");
        let m = if reading.redefine {
            let creation_time = moment::creation_time(&root, "checkpoint")?;
            MomentDef {
                name: name.unwrap_or_default(),
                description,
                parent: moment::parent(&root),
                creation_time,
                dom: root.child("domain").map(moment::domain).transpose()?,
                inactive_dom: None,
            }
        } else {
            MomentDef::created(name, description, reading.now)
        };
        let disks = root
            .child("disks")
            .map(|d| d.elements().map(CheckpointDisk::parse).collect())
            .unwrap_or_default();
        Ok(CheckpointDef { moment: m, disks })
    }

    /// Aligns the disks with the saved domain definition (`virDomainCheckpointAlignDisks`):
    /// without `<disks>` every writable disk gets a bitmap, with it the disks not named get
    /// none; empty and read-only disks never do.
    pub fn align_disks(&mut self) -> Result<(), ModelError> {
        let Some(dom) = self.moment.dom.as_ref() else {
            return Err(ModelError::Internal("missing domain in checkpoint".into()));
        };
        let domain_disks = &dom.devices.disks;
        let unsupported = |d: String| ModelError::Unsupported(d);
        if self.disks.len() > domain_disks.len() {
            return Err(unsupported(
                "too many disk checkpoint requests for domain".into(),
            ));
        }
        if domain_disks.is_empty() {
            return Err(unsupported(
                "domain must have at least one disk to perform checkpoints".into(),
            ));
        }
        let default = match self.disks.is_empty() {
            true => CheckpointKind::Bitmap,
            false => CheckpointKind::No,
        };
        let mut requested: Vec<(String, CheckpointDisk)> = Vec::new();
        for mut disk in std::mem::take(&mut self.disks) {
            let Some(dd) = disk_by_name(dom, &disk.name) else {
                return Err(unsupported(format!("no disk named '{}'", disk.name)));
            };
            if requested.iter().any(|(t, _)| *t == dd.target_dev) {
                return Err(unsupported(format!("disk '{}' specified twice", disk.name)));
            }
            if (disk_is_empty(dd) || dd.readonly) && disk.kind != CheckpointKind::No {
                return Err(unsupported(format!(
                    "disk '{}' is empty or readonly",
                    disk.name
                )));
            }
            disk.name = dd.target_dev.clone();
            requested.push((dd.target_dev.clone(), disk));
        }
        for dd in domain_disks {
            if let Some(at) = requested.iter().position(|(t, _)| *t == dd.target_dev) {
                self.disks.push(requested.swap_remove(at).1);
                continue;
            }
            let kind = match disk_is_empty(dd) || dd.readonly {
                true => CheckpointKind::No,
                false => default,
            };
            self.disks.push(CheckpointDisk {
                name: dd.target_dev.clone(),
                kind,
                bitmap: None,
                size: None,
            });
        }
        self.assign_bitmap_names();
        Ok(())
    }

    /// Every bitmap disk without a bitmap name gets the checkpoint's.
    pub fn assign_bitmap_names(&mut self) {
        for d in &mut self.disks {
            if d.kind == CheckpointKind::Bitmap && d.bitmap.is_none() {
                d.bitmap = Some(self.moment.name.clone());
            }
        }
    }

    pub fn to_xml(&self, how: CheckpointFormat) -> String {
        let mut w = XmlWriter::new();
        w.open("domaincheckpoint", &[]);
        self.moment.write_names(&mut w);
        self.moment.write_lineage(&mut w);
        if !self.disks.is_empty() {
            w.open("disks", &[]);
            for d in &self.disks {
                let kind = (d.kind != CheckpointKind::Default).then(|| d.kind.text());
                let size = d
                    .size
                    .filter(|_| how.size && d.bitmap.is_some())
                    .map(|s| s.to_string());
                w.empty(
                    "disk",
                    &[
                        ("name", Some(&d.name)),
                        ("checkpoint", kind),
                        ("bitmap", d.bitmap.as_deref()),
                        ("size", size.as_deref()),
                    ],
                );
            }
            w.close("disks");
        }
        if !how.no_domain {
            self.moment.write_domains(&mut w);
        }
        w.close("domaincheckpoint");
        w.finish()
    }
}

impl CheckpointDisk {
    /// A disk as the schema guarantees it: `checkpoint` absent means a bitmap.
    fn parse(d: &Element) -> CheckpointDisk {
        let kind = match d.attr("checkpoint") {
            Some("no") => CheckpointKind::No,
            Some("default") => CheckpointKind::Default,
            _ => CheckpointKind::Bitmap,
        };
        CheckpointDisk {
            name: d.attr("name").unwrap_or_default().to_string(),
            kind,
            bitmap: d.attr("bitmap").map(String::from),
            size: None,
        }
    }
}

/// The schema's `checkpointName`: no leading `.`, no `/`, no blank.
fn checkpoint_name(s: &str) -> bool {
    let ok = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let b = s.as_bytes();
    !b.is_empty() && ok(b[0]) && b[1..].iter().all(|c| ok(*c) || *c == b'.')
}

/// `domaincheckpoint.rng`, as names and values.
fn validate(root: &Element) -> Result<(), String> {
    let rules: &[ChildRule] = &[
        ("name", &|e| text_only(e) && checkpoint_name(&e.text())),
        ("description", &text_only),
        ("creationTime", &|e| {
            text_only(e) && unsigned_long(&e.text())
        }),
        ("disks", &disks),
        ("domain", &domain_valid),
        ("parent", &|e| parent_valid(e, &checkpoint_name)),
    ];
    moment::validate(root, rules)
}

fn disks(e: &Element) -> bool {
    attrs_within(e, &[]) && e.elements().next().is_some() && e.elements().all(disk)
}

/// `<disk name checkpoint='no'/>`, or `<disk name [checkpoint='bitmap'] [bitmap] [size]/>`.
fn disk(d: &Element) -> bool {
    let attr = |n: &str| {
        d.attrs
            .iter()
            .find(|a| a.name == n)
            .map(|a| a.value.as_str())
    };
    let shape = d.is("disk")
        && d.elements().next().is_none()
        && attrs_within(d, &["name", "checkpoint", "bitmap", "size"])
        && attr("name").is_some_and(disk_name);
    shape
        && match attr("checkpoint").map(str::trim) {
            Some("no") => attr("bitmap").is_none() && attr("size").is_none(),
            Some("bitmap") | None => attr("size").is_none_or(unsigned_long),
            Some(_) => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(doc: &str) -> Result<CheckpointDef, ModelError> {
        CheckpointDef::parse(
            doc,
            Reading {
                redefine: false,
                now: 1796616724,
            },
        )
    }

    #[test]
    fn names_and_disks_are_checked_by_the_schema() {
        let err = |doc: &str| match new(doc).unwrap_err() {
            ModelError::Schema { detail, .. } => detail,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            err("<domaincheckpoint><name>a b</name></domaincheckpoint>"),
            "Extra element name in interleave\nElement domaincheckpoint failed to validate content"
        );
        assert_eq!(
            err("<domaincheckpoint><disks><disk name='vda' checkpoint='bogus'/></disks></domaincheckpoint>"),
            "Extra element disks in interleave\nElement domaincheckpoint failed to validate content"
        );
        assert_eq!(
            err("<domaincheckpoint><name>x</name><bogus/></domaincheckpoint>"),
            "Element domaincheckpoint has extra content: bogus"
        );
        let c = new("<domaincheckpoint/>").unwrap();
        assert_eq!(c.moment.name, "1796616724");
    }

    #[test]
    fn formats_as_libvirt() {
        let mut c = new(
            "<domaincheckpoint><name>c1</name><description>d</description>\
            <disks><disk name='vda'/></disks></domaincheckpoint>",
        )
        .unwrap();
        c.assign_bitmap_names();
        assert_eq!(
            c.to_xml(CheckpointFormat::default()),
            "<domaincheckpoint>\n  <name>c1</name>\n  <description>d</description>\n  \
             <creationTime>1796616724</creationTime>\n  <disks>\n    \
             <disk name='vda' checkpoint='bitmap' bitmap='c1'/>\n  </disks>\n</domaincheckpoint>\n"
        );
    }
}
