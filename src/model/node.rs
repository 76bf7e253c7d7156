//! The test driver's `<node>` fixture: host CPU and memory, and the domains, pools and volumes
//! the driver starts with, each inline or in a file named relative to the fixture.

use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::xml::check_well_formed;
use super::{DomainDef, ModelError, PoolDef, VolumeDef};
use crate::types::NodeInfo;

#[derive(Debug, Clone)]
pub struct FixtureDomain {
    pub def: DomainDef,
    /// libvirt's state number from `<test:runstate>`; running when absent.
    pub runstate: Option<i32>,
    pub transient: bool,
}

#[derive(Debug, Clone)]
pub struct FixturePool {
    pub def: PoolDef,
    pub volumes: Vec<VolumeDef>,
    /// Capacity and allocation figures given in the pool XML (bytes).
    pub capacity: Option<u64>,
    pub allocation: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct NodeFixture {
    /// The host figures `nodeinfo` reports.
    pub node: NodeInfo,
    pub domains: Vec<FixtureDomain>,
    pub pools: Vec<FixturePool>,
}

/// Why a fixture could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("Failed to open file '{0}': {1}")]
    Open(PathBuf, String),
    #[error("{0}")]
    Model(#[from] ModelError),
    #[error("invalid node fixture: {0}")]
    Invalid(String),
}

/// One child element of a document: its name, attributes and source text.
struct Child {
    name: String,
    file: Option<String>,
    text: String,
    children: Vec<Child>,
}

/// The child elements of the root (and their children, one level down).
fn children(doc: &str) -> Result<Vec<Child>, FixtureError> {
    fn collect(doc: &str, start: usize, end: usize) -> Result<Vec<Child>, FixtureError> {
        let body = &doc[start..end];
        let mut reader = Reader::from_str(body);
        let mut out = Vec::new();
        let mut depth = 0usize;
        let mut open: Option<(String, Option<String>, usize, usize)> = None;
        loop {
            let before = reader.buffer_position() as usize;
            let event = reader
                .read_event()
                .map_err(|e| FixtureError::Invalid(e.to_string()))?;
            let after = reader.buffer_position() as usize;
            match event {
                Event::Start(e) => {
                    if depth == 0 {
                        open = Some((
                            String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                            file_attr(&e),
                            before,
                            after,
                        ));
                    }
                    depth += 1;
                }
                Event::Empty(e) if depth == 0 => out.push(Child {
                    name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    file: file_attr(&e),
                    text: body[before..after].to_string(),
                    children: Vec::new(),
                }),
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        let (name, file, s, inner) = open.take().expect("balanced");
                        out.push(Child {
                            children: collect(body, inner, before)?,
                            name,
                            file,
                            text: body[s..after].to_string(),
                        });
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }
    let mut reader = Reader::from_str(doc);
    loop {
        match reader
            .read_event()
            .map_err(|e| FixtureError::Invalid(e.to_string()))?
        {
            Event::Start(_) => {
                let inner = reader.buffer_position() as usize;
                let end = doc.rfind("</").unwrap_or(doc.len());
                return collect(doc, inner, end);
            }
            Event::Eof => return Ok(Vec::new()),
            _ => {}
        }
    }
}

fn file_attr(e: &quick_xml::events::BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == b"file")
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn text_of(children: &[Child], name: &str) -> Option<String> {
    children.iter().find(|c| c.name == name).map(|c| {
        let t = &c.text;
        let start = t.find('>').map_or(0, |i| i + 1);
        let end = t.rfind("</").unwrap_or(t.len());
        t[start.min(end)..end].trim().to_string()
    })
}

impl NodeFixture {
    /// Loads a fixture file; `file=` references resolve against its directory.
    pub fn load(path: &Path) -> Result<NodeFixture, FixtureError> {
        let doc = read(path)?;
        let dir = path.parent().unwrap_or(Path::new("/"));
        NodeFixture::parse(&doc, dir)
    }

    pub fn parse(doc: &str, dir: &Path) -> Result<NodeFixture, FixtureError> {
        let root = check_well_formed(doc).map_err(ModelError::Malformed)?;
        if root != "node" {
            return Err(ModelError::WrongRoot {
                found: root,
                expected: "node",
            }
            .into());
        }
        let top = children(doc)?;
        let source = |c: &Child| -> Result<String, FixtureError> {
            match &c.file {
                Some(f) => read(&dir.join(f)),
                None => Ok(c.text.clone()),
            }
        };
        let mut fixture = NodeFixture {
            node: NodeInfo {
                model: "i686".into(),
                memory_kib: 3145728,
                cpus: 16,
                mhz: 1400,
                nodes: 2,
                sockets: 2,
                cores: 2,
                threads: 2,
            },
            domains: Vec::new(),
            pools: Vec::new(),
        };
        for c in &top {
            match c.name.as_str() {
                "domain" => {
                    let xml = source(c)?;
                    let inner = children(&xml)?;
                    fixture.domains.push(FixtureDomain {
                        def: DomainDef::parse(&xml)?,
                        runstate: text_of(&inner, "test:runstate").and_then(|s| s.parse().ok()),
                        transient: inner.iter().any(|i| i.name == "test:transient"),
                    });
                }
                "pool" => {
                    let xml = source(c)?;
                    let inner = children(&xml)?;
                    let size = |n: &str| text_of(&inner, n).and_then(|s| s.parse().ok());
                    let mut volumes = Vec::new();
                    for v in c.children.iter().filter(|v| v.name == "volume") {
                        volumes.push(VolumeDef::parse(&source(v)?)?);
                    }
                    let pool_xml = strip_volumes(&xml);
                    fixture.pools.push(FixturePool {
                        def: PoolDef::parse(&pool_xml)?,
                        volumes,
                        capacity: size("capacity"),
                        allocation: size("allocation"),
                    });
                }
                "cpu" => {
                    let get = |n: &str, d: u32| -> u32 {
                        text_of(&c.children, n)
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(d)
                    };
                    let cpu = &mut fixture.node;
                    cpu.mhz = get("mhz", cpu.mhz);
                    cpu.cpus = get("active", cpu.cpus);
                    cpu.nodes = get("nodes", cpu.nodes);
                    cpu.sockets = get("sockets", cpu.sockets);
                    cpu.cores = get("cores", cpu.cores);
                    cpu.threads = get("threads", cpu.threads);
                    if let Some(m) = text_of(&c.children, "model") {
                        cpu.model = m;
                    }
                }
                "memory" => {
                    if let Some(m) = text_of(&top, "memory").and_then(|s| s.parse().ok()) {
                        fixture.node.memory_kib = m;
                    }
                }
                _ => {}
            }
        }
        Ok(fixture)
    }
}

/// An inline pool may hold `<volume>` children, which are not part of the pool definition.
fn strip_volumes(xml: &str) -> String {
    let mut out = xml.to_string();
    while let Some(start) = out.find("<volume") {
        let end = match (out[start..].find("/>"), out[start..].find("</volume>")) {
            (Some(e), Some(c)) if e < c && !out[start..start + e].contains('>') => start + e + 2,
            (_, Some(c)) => start + c + "</volume>".len(),
            (Some(e), None) => start + e + 2,
            (None, None) => break,
        };
        out.replace_range(start..end, "");
    }
    out
}

fn read(path: &Path) -> Result<String, FixtureError> {
    std::fs::read_to_string(path)
        .map_err(|e| FixtureError::Open(path.to_path_buf(), crate::sys::strerror(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_fixture() {
        let doc =
            "<node>\n<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\
            <name>d</name><memory>1024</memory><os><type>hvm</type></os>\
            <test:runstate>5</test:runstate></domain>\
            <pool type='dir'><name>p</name><target><path>/p</path></target>\
            <volume><name>v</name><capacity>10</capacity></volume></pool>\
            <cpu><mhz>6000</mhz><model>i986</model><active>50</active></cpu>\
            <memory>8192000</memory></node>";
        let f = NodeFixture::parse(doc, Path::new("/")).unwrap();
        assert_eq!(f.domains.len(), 1);
        assert_eq!(f.domains[0].runstate, Some(5));
        assert_eq!(f.pools[0].volumes[0].capacity, 10);
        assert_eq!(f.node.mhz, 6000);
        assert_eq!(f.node.model, "i986");
        assert_eq!(f.node.memory_kib, 8192000);
    }
}
