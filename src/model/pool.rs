//! Storage pool definitions (`<pool>`), as `pool-dumpxml` prints them.

use uuid::Uuid;

use super::dom::Element;
use super::read::{bad_value, text_of};
use super::xml::XmlWriter;
use super::{parse_root, ModelError, Name};

#[derive(Debug, Clone, PartialEq)]
pub struct PoolDef {
    /// `dir`, `fs`, `netfs`, `logical`, ...
    pub kind: String,
    pub name: Name,
    pub uuid: Uuid,
    pub source: PoolSource,
    pub target_path: Option<String>,
    pub permissions: Option<Permissions>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PoolSource {
    pub host: Option<String>,
    pub dir: Option<String>,
    pub device: Option<String>,
    pub name: Option<String>,
    pub format: Option<String>,
}

impl PoolSource {
    fn is_empty(&self) -> bool {
        *self == PoolSource::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Permissions {
    pub mode: Option<String>,
    pub owner: Option<String>,
    pub group: Option<String>,
}

/// Capacity figures in bytes, formatted into the pool XML of an active pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolSizes {
    pub capacity: u64,
    pub allocation: u64,
    pub available: u64,
}

impl PoolDef {
    pub fn parse(xml: &str) -> Result<PoolDef, ModelError> {
        PoolDef::from_element(&parse_root(xml, "pool")?)
    }

    pub fn from_element(root: &Element) -> Result<PoolDef, ModelError> {
        let kind = root
            .attr("type")
            .ok_or_else(|| ModelError::Invalid("storage pool missing type attribute".into()))?
            .to_string();
        if !crate::types::POOL_TYPES.contains(&kind.as_str()) {
            return Err(bad_value("type", "pool", &kind));
        }
        let name = text_of(root, "name")
            .map(|n| n.trim().to_string())
            .unwrap_or_default();
        if name.is_empty() {
            return Err(ModelError::Invalid(
                "missing pool source name element".into(),
            ));
        }
        let name = Name::new(&name).map_err(ModelError::Name)?;
        let uuid = match text_of(root, "uuid") {
            Some(u) => Uuid::parse_str(u.trim())
                .map_err(|_| ModelError::Invalid("malformed uuid element".into()))?,
            None => Uuid::new_v4(),
        };
        let source = root
            .child("source")
            .map(|s| {
                let attr = |child: &str, attr: &str| {
                    s.child(child)
                        .and_then(|c| c.attr(attr))
                        .map(str::to_string)
                };
                PoolSource {
                    host: attr("host", "name"),
                    dir: attr("dir", "path"),
                    device: attr("device", "path"),
                    name: text_of(s, "name"),
                    format: attr("format", "type"),
                }
            })
            .unwrap_or_default();
        let target = root.child("target");
        let target_path = target
            .and_then(|t| text_of(t, "path"))
            .map(|p| sanitize_path(p.trim()));
        if kind == "dir" && target_path.is_none() {
            return Err(ModelError::Invalid(
                "missing storage pool target path".into(),
            ));
        }
        let permissions = target
            .and_then(|t| t.child("permissions"))
            .map(|p| Permissions {
                mode: text_of(p, "mode"),
                owner: text_of(p, "owner"),
                group: text_of(p, "group"),
            });
        Ok(PoolDef {
            kind,
            name,
            uuid,
            source,
            target_path,
            permissions,
        })
    }

    /// The pool XML as the driver reports it, with its sizes.
    pub fn to_xml(&self, sizes: PoolSizes) -> String {
        self.write(Some(sizes))
    }

    /// The XML virsh composes for `pool-define-as --print-xml`: no uuid, no sizes, and a
    /// `<source>` only when it has something.
    pub fn to_request_xml(&self) -> String {
        self.write(None)
    }

    /// The pool's XML: with `sizes`, as a driver reports a pool; without, as virsh asks for one.
    fn write(&self, sizes: Option<PoolSizes>) -> String {
        let mut w = XmlWriter::new();
        w.open("pool", &[("type", Some(&self.kind))]);
        w.text("name", &[], self.name.as_str());
        if let Some(sizes) = sizes {
            w.text("uuid", &[], &self.uuid.to_string());
            let bytes = [("unit", Some("bytes"))];
            w.text("capacity", &bytes, &sizes.capacity.to_string());
            w.text("allocation", &bytes, &sizes.allocation.to_string());
            w.text("available", &bytes, &sizes.available.to_string());
        }
        if sizes.is_some() || !self.source.is_empty() {
            w.open("source", &[]);
            self.format_source(&mut w);
            w.close("source");
        }
        self.format_target(&mut w);
        w.close("pool");
        w.finish()
    }

    fn format_source(&self, w: &mut XmlWriter) {
        let s = &self.source;
        if let Some(h) = &s.host {
            w.empty("host", &[("name", Some(h))]);
        }
        if let Some(d) = &s.dir {
            w.empty("dir", &[("path", Some(d))]);
        }
        if let Some(d) = &s.device {
            w.empty("device", &[("path", Some(d))]);
        }
        if let Some(n) = &s.name {
            w.text("name", &[], n);
        }
        if let Some(f) = &s.format {
            w.empty("format", &[("type", Some(f))]);
        }
    }

    fn format_target(&self, w: &mut XmlWriter) {
        if self.target_path.is_none() && self.permissions.is_none() {
            return;
        }
        w.open("target", &[]);
        if let Some(p) = &self.target_path {
            w.text("path", &[], p);
        }
        if let Some(p) = &self.permissions {
            w.open("permissions", &[]);
            for (tag, v) in [("mode", &p.mode), ("owner", &p.owner), ("group", &p.group)] {
                if let Some(v) = v {
                    w.text(tag, &[], v);
                }
            }
            w.close("permissions");
        }
        w.close("target");
    }
}

/// libvirt's `virFileSanitizePath`: consecutive and trailing slashes go, but a leading `//`
/// (special in POSIX) stays.
pub fn sanitize_path(path: &str) -> String {
    let keep_double = path.starts_with("//") && !path.starts_with("///");
    let body = if keep_double { &path[2..] } else { path };
    let mut out = String::from(if keep_double { "//" } else { "" });
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if !(c == '/' && matches!(chars.peek(), Some('/') | None)) {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = PoolDef::parse(
            "<pool type='dir'><name>p</name><uuid>12345678-1234-1234-1234-123456789abc</uuid>\
             <target><path>/x</path></target></pool>",
        )
        .unwrap();
        let xml = p.to_xml(PoolSizes::default());
        assert!(xml.contains("  <source>\n  </source>\n"), "{xml}");
        assert_eq!(PoolDef::parse(&xml).unwrap(), p);
    }

    #[test]
    fn dir_pool_needs_a_target() {
        assert!(PoolDef::parse("<pool type='dir'><name>p</name></pool>").is_err());
    }

    #[test]
    fn as_libvirt_sanitizes() {
        for (given, want) in [
            ("/x/", "/x"),
            ("//x//y/", "//x/y"),
            ("///x", "/x"),
            ("/foo///bar/", "/foo/bar"),
            ("/", "/"),
            ("/../foo", "/../foo"),
        ] {
            assert_eq!(sanitize_path(given), want, "{given}");
        }
    }
}
