//! Storage volume definitions (`<volume>`), as `vol-dumpxml` prints them.

use super::dom::Element;
use super::read::{scaled, text_of};
use super::xml::XmlWriter;
use super::{parse_root, ModelError, Name};

#[derive(Debug, Clone, PartialEq)]
pub struct VolumeDef {
    pub name: Name,
    /// Bytes.
    pub capacity: u64,
    /// Bytes; `None` when the request leaves it to the driver.
    pub allocation: Option<u64>,
    /// `raw`, `qcow2`, ...
    pub format: Option<String>,
}

/// What a driver knows of an existing volume, for `vol-dumpxml`.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeState<'a> {
    pub def: &'a VolumeDef,
    /// `file`, `block`, `dir`, ...
    pub kind: &'a str,
    pub key: &'a str,
    pub path: &'a str,
    pub allocation: u64,
    /// What the file system says of a volume that is a file (libvirtd's storage driver
    /// reports it; libvirt's test driver has none).
    pub file: Option<FileFacts>,
}

/// A volume file's size, owner, mode and times (`virStorageSourceUpdatePhysicalSize`,
/// `virStorageFileGetMetadata`'s permissions and timestamps).
#[derive(Debug, Clone, PartialEq)]
pub struct FileFacts {
    /// The file's size in bytes.
    pub physical: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Seconds and nanoseconds.
    pub atime: (i64, i64),
    pub mtime: (i64, i64),
    pub ctime: (i64, i64),
}

impl FileFacts {
    pub fn of(path: &std::path::Path) -> std::io::Result<FileFacts> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path)?;
        Ok(FileFacts {
            physical: m.size(),
            mode: m.mode() & 0o777,
            uid: m.uid(),
            gid: m.gid(),
            atime: (m.atime(), m.atime_nsec()),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }
}

/// A time as libvirt writes it (`virStorageVolTimestampFormat`): seconds, and nanoseconds
/// when there are some.
fn timestamp((secs, nanos): (i64, i64)) -> String {
    match nanos {
        0 => secs.to_string(),
        n => format!("{secs}.{n:09}"),
    }
}

/// libvirt's file formats (`virStorageFileFormat`), the volume formats of file-based pools.
const FILE_FORMATS: [&str; 18] = [
    "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop",
    "cow", "qcow", "qcow2", "qed", "vmdk", "luks",
];

impl VolumeDef {
    pub fn parse(xml: &str) -> Result<VolumeDef, ModelError> {
        VolumeDef::from_element(&parse_root(xml, "volume")?)
    }

    pub fn from_element(root: &Element) -> Result<VolumeDef, ModelError> {
        let name = text_of(root, "name")
            .map(|n| n.trim().to_string())
            .unwrap_or_default();
        if name.is_empty() {
            return Err(ModelError::Invalid("missing volume name element".into()));
        }
        let capacity = root
            .child("capacity")
            .ok_or_else(|| ModelError::Invalid("missing capacity element".into()))?;
        let format = root
            .child("target")
            .and_then(|t| t.child("format"))
            .and_then(|f| f.attr("type"))
            .map(str::to_string);
        if let Some(f) = format.as_deref().filter(|f| !FILE_FORMATS.contains(f)) {
            return Err(ModelError::Unsupported(format!(
                "unknown volume format type {f}"
            )));
        }
        Ok(VolumeDef {
            name: Name::new(&name).map_err(ModelError::Name)?,
            capacity: scaled(capacity, 1, "./capacity")?,
            allocation: root
                .child("allocation")
                .map(|a| scaled(a, 1, "./allocation"))
                .transpose()?,
            format,
        })
    }

    /// The XML virsh composes for `vol-create-as --print-xml`.
    pub fn to_request_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.open("volume", &[]);
        w.text("name", &[], self.name.as_str());
        w.text("capacity", &[], &self.capacity.to_string());
        if let Some(a) = self.allocation {
            w.text("allocation", &[], &a.to_string());
        }
        if let Some(f) = &self.format {
            w.open("target", &[]);
            w.empty("format", &[("type", Some(f))]);
            w.close("target");
        }
        w.close("volume");
        w.finish()
    }
}

impl VolumeState<'_> {
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.open("volume", &[("type", Some(self.kind))]);
        w.text("name", &[], self.def.name.as_str());
        w.text("key", &[], self.key);
        let bytes = [("unit", Some("bytes"))];
        w.text("capacity", &bytes, &self.def.capacity.to_string());
        w.text("allocation", &bytes, &self.allocation.to_string());
        if let Some(f) = self.file.as_ref().filter(|f| f.physical > 0) {
            w.text("physical", &bytes, &f.physical.to_string());
        }
        w.open("target", &[]);
        w.text("path", &[], self.path);
        w.empty(
            "format",
            &[("type", Some(self.def.format.as_deref().unwrap_or("raw")))],
        );
        if let Some(f) = &self.file {
            w.open("permissions", &[]);
            w.text("mode", &[], &format!("0{:o}", f.mode));
            w.text("owner", &[], &f.uid.to_string());
            w.text("group", &[], &f.gid.to_string());
            w.close("permissions");
            w.open("timestamps", &[]);
            w.text("atime", &[], &timestamp(f.atime));
            w.text("mtime", &[], &timestamp(f.mtime));
            w.text("ctime", &[], &timestamp(f.ctime));
            // libvirt reads no birth time here.
            w.text("btime", &[], "0");
            w.close("timestamps");
        }
        w.close("target");
        w.close("volume");
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_become_bytes() {
        let v = VolumeDef::parse(
            "<volume><name>v</name><capacity unit='MiB'>10</capacity><allocation>0</allocation>\
             <target><format type='qcow2'/></target></volume>",
        )
        .unwrap();
        assert_eq!(v.capacity, 10 << 20);
        assert_eq!(v.allocation, Some(0));
        assert_eq!(v.format.as_deref(), Some("qcow2"));
    }
}
