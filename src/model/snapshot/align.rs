//! A snapshot's disks aligned with its domain's (libvirt's `virDomainSnapshotAlignDisks`): one
//! entry per domain disk in the domain's order, each named by its target and told where its
//! snapshot goes, and the path of an external image made up when none was given.

use super::{Location, SnapshotDef, SnapshotDisk};
use crate::model::domain::Disk;
use crate::model::moment::{disk_by_name, disk_is_empty, disk_source_path};
use crate::model::{DomainDef, ModelError};

/// Where the disks a snapshot does not place go, and whether an internal snapshot must take
/// every disk (hypervisors that cannot snapshot some disks internally and not others).
#[derive(Debug, Clone, Copy)]
pub struct DiskAlignment {
    pub default: Location,
    pub uniform_internal: bool,
}

fn unsupported(detail: String) -> ModelError {
    ModelError::Unsupported(detail)
}

/// The location a domain disk's own `snapshot` attribute asks for.
fn disk_location(disk: &Disk) -> Location {
    match disk.extra.attr("snapshot") {
        Some("no") => Location::No,
        Some("internal") => Location::Internal,
        Some("external") => Location::External,
        Some("manual") => Location::Manual,
        _ => Location::Default,
    }
}

impl SnapshotDef {
    /// Aligns the disks with the saved domain definition, or with `existing` (the definition
    /// of the snapshot a redefinition replaces) when the document gave none.
    pub fn align_disks(
        &mut self,
        existing: Option<&DomainDef>,
        how: DiskAlignment,
    ) -> Result<(), ModelError> {
        let Some(dom) = self.moment.dom.as_ref().or(existing) else {
            return Err(ModelError::Internal("missing domain in snapshot".into()));
        };
        let domain_disks = &dom.devices.disks;
        if self.disks.len() > domain_disks.len() {
            return Err(unsupported(
                "too many disk snapshot requests for domain".into(),
            ));
        }
        let require_match = how.uniform_internal && how.default == Location::Internal;
        if domain_disks.is_empty() {
            return Ok(());
        }
        let requested = std::mem::take(&mut self.disks);
        let mut by_target: Vec<(String, SnapshotDisk)> = Vec::new();
        for mut disk in requested {
            let Some(dd) = disk_by_name(dom, &disk.name) else {
                return Err(unsupported(format!("no disk named '{}'", disk.name)));
            };
            if by_target.iter().any(|(t, _)| *t == dd.target_dev) {
                return Err(unsupported(format!("disk '{}' specified twice", disk.name)));
            }
            let own = disk_location(dd);
            if disk.snapshot == Location::Default {
                disk.snapshot =
                    if own != Location::Default && (!require_match || own == Location::No) {
                        own
                    } else {
                        how.default
                    };
            } else if require_match
                && disk.snapshot != how.default
                && !(disk.snapshot == Location::No && own == Location::No)
            {
                return Err(unsupported(format!(
                    "disk '{}' must use snapshot mode '{}'",
                    disk.name,
                    how.default.text()
                )));
            }
            if let Some(path) = &disk.path {
                if disk.snapshot != Location::External {
                    return Err(unsupported(format!(
                        "file '{path}' for disk '{}' requires use of external snapshot mode",
                        disk.name
                    )));
                }
            }
            disk.name = dd.target_dev.clone();
            by_target.push((dd.target_dev.clone(), disk));
        }
        let mut aligned = Vec::with_capacity(domain_disks.len());
        for dd in domain_disks {
            if let Some(at) = by_target.iter().position(|(t, _)| *t == dd.target_dev) {
                aligned.push(by_target.swap_remove(at).1);
                continue;
            }
            let location = if disk_is_empty(dd) {
                Location::No
            } else {
                match disk_location(dd) {
                    Location::Default => how.default,
                    own => own,
                }
            };
            aligned.push(SnapshotDisk::aligned(&dd.target_dev, location));
        }
        let external_names = external_names(&mut aligned, domain_disks, &self.moment.name);
        self.disks = aligned;
        external_names
    }
}

/// Paths for the external images no path was given for (`virDomainSnapshotDefAssignExternalNames`):
/// the domain disk's source without its suffix, then `.SNAPSHOT`.
fn external_names(
    disks: &mut [SnapshotDisk],
    domain_disks: &[Disk],
    snapshot: &str,
) -> Result<(), ModelError> {
    for i in 0..disks.len() {
        let disk = &disks[i];
        if disk.snapshot != Location::External || disk.path.is_some() {
            continue;
        }
        if disk.kind != "file" {
            return Err(unsupported(format!(
                "cannot generate external snapshot name for disk '{}' on a '{}' device",
                disk.name, disk.kind
            )));
        }
        let Some(original) = domain_disks.get(i).and_then(disk_source_path) else {
            return Err(unsupported(format!(
                "cannot generate external snapshot name for disk '{}' without source",
                disk.name
            )));
        };
        if !std::fs::metadata(original).is_ok_and(|m| m.is_file()) {
            return Err(unsupported(format!(
                "source for disk '{}' is not a regular file; refusing to generate external snapshot name",
                disk.name
            )));
        }
        // The suffix goes only when it is the file name's, not a directory's.
        let stem = match original.rfind('.') {
            Some(dot) if !original[dot..].contains('/') => &original[..dot],
            _ => original,
        };
        let path = format!("{stem}.{snapshot}");
        if let Some(other) = disks[..i].iter().find(|d| d.path.as_deref() == Some(&path)) {
            return Err(unsupported(format!(
                "cannot generate external snapshot name for disk '{}': collision with disk '{}'",
                disks[i].name, other.name
            )));
        }
        disks[i].path = Some(path);
    }
    Ok(())
}
