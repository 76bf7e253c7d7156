//! The `<domainsnapshot>` document (libvirt's `snapshot_conf.c`): read as a new snapshot or as
//! a redefinition of an existing one, its disks aligned with the domain's (`align`), checked
//! against the schema names under `--validate` (`schema`), and formatted back as
//! `snapshot-dumpxml` prints it.

mod align;
mod schema;

use uuid::Uuid;

use super::dom::Element;
use super::moment::{self, MomentDef, Reading};
use super::read::{bad_value, invalid, scaled, text_of};
use super::xml::{Style, XmlWriter};
use super::ModelError;
use crate::types::State;

pub use align::DiskAlignment;

/// The state a snapshot was taken in: the domain's states, plus `disk-snapshot`
/// (`virDomainSnapshotState`), numbered as libvirt numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotState {
    NoState = 0,
    Running,
    Blocked,
    Paused,
    Shutdown,
    Shutoff,
    Crashed,
    PmSuspended,
    DiskSnapshot,
}

const STATES: [&str; 9] = [
    "nostate",
    "running",
    "blocked",
    "paused",
    "shutdown",
    "shutoff",
    "crashed",
    "pmsuspended",
    "disk-snapshot",
];

impl SnapshotState {
    pub fn text(self) -> &'static str {
        STATES[self as usize]
    }

    fn from_text(s: &str) -> Option<SnapshotState> {
        use SnapshotState::*;
        let all = [
            NoState,
            Running,
            Blocked,
            Paused,
            Shutdown,
            Shutoff,
            Crashed,
            PmSuspended,
            DiskSnapshot,
        ];
        STATES.iter().position(|t| *t == s).map(|i| all[i])
    }

    /// The state of a domain in this state.
    pub fn of(state: &State) -> SnapshotState {
        match state {
            State::NoState => SnapshotState::NoState,
            State::Running(_) => SnapshotState::Running,
            State::Blocked => SnapshotState::Blocked,
            State::Paused(_) => SnapshotState::Paused,
            State::Shutdown(_) => SnapshotState::Shutdown,
            State::Shutoff(_) => SnapshotState::Shutoff,
            State::Crashed(_) => SnapshotState::Crashed,
            State::PmSuspended => SnapshotState::PmSuspended,
        }
    }

    /// Whether the guest ran (its memory can be part of the snapshot).
    pub fn online(self) -> bool {
        matches!(self, SnapshotState::Running | SnapshotState::Paused)
    }
}

/// Where a snapshot keeps memory or a disk (`virDomainSnapshotLocation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Location {
    #[default]
    Default,
    No,
    Internal,
    External,
    Manual,
}

const LOCATIONS: [&str; 5] = ["default", "no", "internal", "external", "manual"];

impl Location {
    pub fn text(self) -> &'static str {
        LOCATIONS[self as usize]
    }

    /// The `snapshot` attribute of `e`, refused in libvirt's words when it is not a
    /// location (`default` is not one to write either).
    fn attr(e: &Element) -> Result<Location, ModelError> {
        use Location::*;
        match e.attr("snapshot") {
            None => Ok(Default),
            Some(v) => match LOCATIONS.iter().position(|l| *l == v) {
                Some(i) if i > 0 => Ok([Default, No, Internal, External, Manual][i]),
                _ => Err(bad_value("snapshot", &e.name, v)),
            },
        }
    }
}

/// The storage types a snapshot disk may be of (`virStorageType`, `none` aside).
const STORAGE_TYPES: [&str; 8] = [
    "file",
    "block",
    "dir",
    "network",
    "volume",
    "nvme",
    "vhostuser",
    "vhostvdpa",
];

/// The image formats a snapshot disk's driver may name (`virStorageFileFormat`, `none` aside).
const FORMATS: [&str; 16] = [
    "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop", "cow",
    "qcow", "qcow2", "qed", "vmdk",
];

/// One disk of a snapshot (`virDomainSnapshotDiskDef`).
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotDisk {
    /// The domain disk's target (a path until aligned).
    pub name: String,
    pub snapshot: Location,
    /// The storage type of the new image: `file`, `block`, `network`, ...
    pub kind: String,
    /// The new image's path (a file's or a block device's).
    pub path: Option<String>,
    /// `<source>` as written, for what a path does not say (a network source's hosts).
    pub source: Option<Element>,
    /// The new image's format (`<driver type>`).
    pub format: Option<String>,
    /// `<driver><metadata_cache><max_size>`, in bytes.
    pub metadata_cache: Option<u64>,
    /// `<snapshotDeleteInProgress/>` of a redefined snapshot.
    pub delete_in_progress: bool,
}

/// A snapshot definition (`virDomainSnapshotDef`).
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotDef {
    pub moment: MomentDef,
    pub state: SnapshotState,
    pub memory: Location,
    pub memory_file: Option<String>,
    pub disks: Vec<SnapshotDisk>,
    /// The disks of a redefined snapshot as they were before a revert (`<revertDisks>`).
    pub revert_disks: Vec<SnapshotDisk>,
    /// A hypervisor's save cookie (`<cookie>`), kept as written.
    pub cookie: Option<Element>,
}

/// How a snapshot document is read.
#[derive(Debug, Clone, Copy)]
pub struct SnapshotReading {
    pub reading: Reading,
    /// `--validate`: checked against the schema first.
    pub validate: bool,
    /// The test driver's own form in a `<node>` file: `<active>` says whether it is current.
    pub internal: bool,
}

impl SnapshotDef {
    /// Reads a `<domainsnapshot>` document.
    pub fn parse(doc: &str, how: SnapshotReading) -> Result<SnapshotDef, ModelError> {
        let root = moment::root(doc, "domainsnapshot")?;
        if how.validate {
            schema::validate(&root).map_err(|detail| ModelError::Schema {
                schema: "domainsnapshot.rng",
                detail,
            })?;
        }
        Ok(SnapshotDef::from_element(&root, how)?.0)
    }

    /// Reads the fields of a snapshot from the children of `root`; with `how.internal`, also
    /// whether it is the current one (`<active>`).
    pub fn from_element(
        root: &Element,
        how: SnapshotReading,
    ) -> Result<(SnapshotDef, bool), ModelError> {
        let reading = how.reading;
        let name = moment::name(root, reading, "snapshot")?;
        let description = text_of(root, "description");
        let mut state = SnapshotState::NoState;
        let mut offline = false;
        let m = if reading.redefine {
            let creation_time = moment::creation_time(root, "snapshot")?;
            let parent = moment::parent(root);
            let text = text_of(root, "state")
                .ok_or_else(|| invalid("missing state from existing snapshot"))?;
            state = SnapshotState::from_text(&text)
                .filter(|s| *s != SnapshotState::NoState)
                .ok_or_else(|| {
                    ModelError::Unsupported(format!(
                        "Invalid state '{text}' in domain snapshot XML"
                    ))
                })?;
            offline = matches!(state, SnapshotState::Shutoff | SnapshotState::DiskSnapshot);
            // Older snapshots hold only `<domain><uuid>`: no definition then.
            let dom = match root.child("domain") {
                Some(d) if d.attr("type").is_some() => Some(moment::domain(d)?),
                _ => None,
            };
            let inactive_dom = root
                .child("inactiveDomain")
                .map(moment::domain)
                .transpose()?;
            MomentDef {
                name: name.unwrap_or_default(),
                description,
                parent,
                creation_time,
                dom,
                inactive_dom,
            }
        } else {
            MomentDef::created(name, description, reading.now)
        };
        let (memory, memory_file) = memory(root, reading.redefine, offline)?;
        let disks = disks_of(root.child("disks"), reading.redefine)?;
        let revert_disks = match reading.redefine {
            true => disks_of(root.child("revertDisks"), true)?,
            false => Vec::new(),
        };
        let current = match how.internal {
            true => {
                let active = text_of(root, "active")
                    .and_then(|a| a.trim().parse::<i32>().ok())
                    .ok_or_else(|| {
                        ModelError::Internal("Could not find 'active' element".into())
                    })?;
                active != 0
            }
            false => false,
        };
        let cookie = match offline {
            true => None,
            false => root.child("cookie").cloned(),
        };
        let def = SnapshotDef {
            moment: m,
            state,
            memory,
            memory_file,
            disks,
            revert_disks,
            cookie,
        };
        Ok((def, current))
    }

    /// Whether memory or any disk is kept outside the images (`virDomainSnapshotDefIsExternal`).
    pub fn is_external(&self) -> bool {
        self.memory == Location::External
            || self.disks.iter().any(|d| d.snapshot == Location::External)
    }

    /// The document `snapshot-dumpxml` prints; a snapshot without a saved definition names its
    /// domain by `domain_uuid` alone.
    pub fn to_xml(&self, domain_uuid: &Uuid) -> String {
        let mut w = XmlWriter::new();
        w.open("domainsnapshot", &[]);
        self.moment.write_names(&mut w);
        if self.state != SnapshotState::NoState {
            w.text("state", &[], self.state.text());
        }
        self.moment.write_lineage(&mut w);
        if self.memory != Location::Default {
            w.empty(
                "memory",
                &[
                    ("snapshot", Some(self.memory.text())),
                    ("file", self.memory_file.as_deref()),
                ],
            );
        }
        for (tag, disks) in [("disks", &self.disks), ("revertDisks", &self.revert_disks)] {
            if !disks.is_empty() {
                w.open(tag, &[]);
                for d in disks {
                    w.element(&d.to_element(), Style::Libvirt);
                }
                w.close(tag);
            }
        }
        if self.moment.dom.is_none() {
            w.open("domain", &[]);
            w.text("uuid", &[], &domain_uuid.to_string());
            w.close("domain");
        }
        self.moment.write_domains(&mut w);
        if let Some(c) = &self.cookie {
            w.element(c, Style::Libvirt);
        }
        w.close("domainsnapshot");
        w.finish()
    }
}

/// `<memory>`: where the guest's memory goes, and the file of an external one.
fn memory(
    root: &Element,
    redefine: bool,
    offline: bool,
) -> Result<(Location, Option<String>), ModelError> {
    let (mut location, file) = match root.child("memory") {
        Some(m) => (Location::attr(m)?, m.attr("file").map(String::from)),
        None => (Location::Default, None),
    };
    if location == Location::Manual {
        return Err(invalid("'manual' memory snapshot mode not supported"));
    }
    if location == Location::Default {
        if file.is_some() {
            location = Location::External;
        } else if redefine {
            location = if offline {
                Location::No
            } else {
                Location::Internal
            };
        }
    }
    match (&file, location) {
        (Some(f), l) if l != Location::External => {
            return Err(invalid(format!(
                "memory filename '{f}' requires external snapshot"
            )))
        }
        (None, Location::External) => {
            return Err(invalid("external memory snapshots require a filename"))
        }
        _ => {}
    }
    if offline && !matches!(location, Location::Default | Location::No) {
        return Err(invalid(
            "memory state cannot be saved with offline or disk-only snapshot",
        ));
    }
    if let Some(f) = file.as_deref().filter(|f| !f.starts_with('/')) {
        return Err(invalid(format!(
            "memory snapshot file path ({f}) must be absolute"
        )));
    }
    Ok((location, file))
}

/// The disk elements of `<disks>` or `<revertDisks>` (every child, as `./disks/*`).
fn disks_of(e: Option<&Element>, redefine: bool) -> Result<Vec<SnapshotDisk>, ModelError> {
    let Some(e) = e else {
        return Ok(Vec::new());
    };
    e.elements()
        .inspect(|d| d.mark())
        .map(|d| SnapshotDisk::parse(d, redefine))
        .collect()
}

impl SnapshotDisk {
    fn parse(d: &Element, redefine: bool) -> Result<SnapshotDisk, ModelError> {
        let name = d
            .attr("name")
            .ok_or_else(|| ModelError::Internal("missing name from disk snapshot element".into()))?
            .to_string();
        let mut snapshot = Location::attr(d)?;
        let kind = match d.attr("type") {
            None => "file".to_string(),
            Some(t) if STORAGE_TYPES.contains(&t) => t.to_string(),
            Some(t) => return Err(bad_value("type", "disk", t)),
        };
        if kind == "volume" || kind == "dir" {
            return Err(invalid(format!("unsupported disk snapshot type '{kind}'")));
        }
        let delete_in_progress = redefine && d.child("snapshotDeleteInProgress").is_some();
        let source = d.child("source").cloned();
        let path = source
            .as_ref()
            .and_then(|s| source_path(s, &kind).map(String::from));
        let driver = d.child("driver");
        let format = match driver.and_then(|dr| dr.attr("type")) {
            None => None,
            Some(f) if FORMATS.contains(&f) => Some(f.to_string()),
            Some(f) => {
                return Err(ModelError::Unsupported(format!(
                    "unknown disk snapshot driver '{f}'"
                )))
            }
        };
        let metadata_cache = driver
            .and_then(|dr| dr.child("metadata_cache"))
            .and_then(|c| c.child("max_size"))
            .map(|m| scaled(m, 1, "./driver/metadata_cache/max_size"))
            .transpose()?;
        let local = matches!(kind.as_str(), "file" | "block");
        if let Some(p) = path.as_deref().filter(|p| local && !p.starts_with('/')) {
            return Err(invalid(format!(
                "disk snapshot image path '{p}' must be absolute"
            )));
        }
        if snapshot == Location::Default && (path.is_some() || format.is_some()) {
            snapshot = Location::External;
        }
        Ok(SnapshotDisk {
            name,
            snapshot,
            kind,
            path,
            source,
            format,
            metadata_cache,
            delete_in_progress,
        })
    }

    /// A disk the alignment adds: named by its target, where `snapshot` says.
    pub fn aligned(name: &str, snapshot: Location) -> SnapshotDisk {
        SnapshotDisk {
            name: name.to_string(),
            snapshot,
            kind: "file".into(),
            path: None,
            source: None,
            format: None,
            metadata_cache: None,
            delete_in_progress: false,
        }
    }

    fn to_element(&self) -> Element {
        let mut e = Element::new("disk").with("name", &self.name);
        if self.snapshot != Location::Default {
            e = e.with("snapshot", self.snapshot.text());
        }
        if self.delete_in_progress {
            e.push(Element::new("snapshotDeleteInProgress"));
        }
        if self.path.is_some() || self.format.is_some() {
            e = e.with("type", &self.kind);
            let mut driver = Element::new("driver").with_opt("type", self.format.as_deref());
            if let Some(bytes) = self.metadata_cache {
                let size = Element::leaf("max_size", &bytes.to_string()).with("unit", "bytes");
                driver.push(Element::new("metadata_cache").with_child(size));
            }
            if !driver.attrs.is_empty() || !driver.children.is_empty() {
                e.push(driver);
            }
            e.push_opt(self.source_element());
        }
        e
    }

    /// `<source>`: as written, or for a path the alignment made up, a new one.
    fn source_element(&self) -> Option<Element> {
        if let Some(s) = &self.source {
            return Some(s.clone());
        }
        let attr = if self.kind == "block" { "dev" } else { "file" };
        self.path
            .as_deref()
            .map(|p| Element::new("source").with(attr, p))
    }
}

/// The path a `<source>` gives for a disk of storage type `kind`.
fn source_path<'a>(s: &'a Element, kind: &str) -> Option<&'a str> {
    match kind {
        "file" => s.attr("file"),
        "block" => s.attr("dev"),
        "network" => s.attr("name"),
        _ => None,
    }
    .filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests;
