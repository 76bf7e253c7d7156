//! The test driver's `<node>` fixture: host CPU and memory, and the domains, networks, pools and
//! volumes the driver starts with, each inline or in a file named relative to the fixture.

use std::path::{Path, PathBuf};

use super::dom::{self, Element};
use super::moment::Reading;
use super::read::text_of;
use super::snapshot::{SnapshotDef, SnapshotReading};
use super::{DomainDef, ModelError, NetworkDef, PoolDef, VolumeDef};
use crate::types::NodeInfo;

#[derive(Debug, Clone)]
pub struct FixtureDomain {
    pub def: DomainDef,
    /// libvirt's state number from `<test:runstate>`; running when absent.
    pub runstate: Option<i32>,
    pub transient: bool,
    /// `<test:domainsnapshot>` elements, read as redefined snapshots, each with whether it
    /// is the current one (`<active>`).
    pub snapshots: Vec<(SnapshotDef, bool)>,
    /// `<test:hasmanagedsave/>`: the (shut off) domain starts with a managed save image.
    pub managed_save: bool,
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
    /// Networks, all active (as libvirt's test driver loads them).
    pub networks: Vec<NetworkDef>,
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

impl NodeFixture {
    /// Loads a fixture file; `file=` references resolve against its directory.
    pub fn load(path: &Path) -> Result<NodeFixture, FixtureError> {
        let doc = read(path)?;
        let dir = path.parent().unwrap_or(Path::new("/"));
        NodeFixture::parse(&doc, dir)
    }

    pub fn parse(doc: &str, dir: &Path) -> Result<NodeFixture, FixtureError> {
        let root = dom::parse(doc).map_err(ModelError::Malformed)?;
        if root.name != "node" {
            return Err(ModelError::WrongRoot {
                found: root.name,
                expected: "node",
            }
            .into());
        }
        // An element given by `file=` is read from that file, relative to the fixture.
        let load = |e: &Element| -> Result<Element, FixtureError> {
            match e.attr("file") {
                Some(f) => {
                    let text = read(&dir.join(f))?;
                    Ok(dom::parse(&text).map_err(ModelError::Malformed)?)
                }
                None => Ok(e.clone()),
            }
        };
        fn number<T: std::str::FromStr>(e: &Element, n: &str) -> Option<T> {
            text_of(e, n).and_then(|s| s.trim().parse().ok())
        }
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
            networks: Vec::new(),
        };
        for c in root.elements() {
            match c.name.as_str() {
                "domain" => {
                    let d = load(c)?;
                    let def = DomainDef::from_element(&d)?;
                    let mut snapshots = Vec::new();
                    for e in d.elements().filter(|e| e.name == "test:domainsnapshot") {
                        snapshots.push(SnapshotDef::from_element(&load(e)?, PRESET)?);
                    }
                    fixture.domains.push(test_namespace(&d, def, snapshots)?);
                }
                "pool" => {
                    let p = load(c)?;
                    let mut volumes = Vec::new();
                    for v in c.elements().filter(|v| v.name == "volume") {
                        volumes.push(VolumeDef::from_element(&load(v)?)?);
                    }
                    fixture.pools.push(FixturePool {
                        def: PoolDef::from_element(&p)?,
                        volumes,
                        capacity: number(&p, "capacity"),
                        allocation: number(&p, "allocation"),
                    });
                }
                "network" => fixture.networks.push(NetworkDef::from_element(&load(c)?)?),
                "cpu" => {
                    let cpu = &mut fixture.node;
                    let get = |n: &str, d: u32| number::<u32>(c, n).unwrap_or(d);
                    cpu.mhz = get("mhz", cpu.mhz);
                    cpu.cpus = get("active", cpu.cpus);
                    cpu.nodes = get("nodes", cpu.nodes);
                    cpu.sockets = get("sockets", cpu.sockets);
                    cpu.cores = get("cores", cpu.cores);
                    cpu.threads = get("threads", cpu.threads);
                    if let Some(m) = text_of(c, "model") {
                        cpu.model = m.trim().to_string();
                    }
                }
                "memory" => {
                    if let Ok(m) = c.text().trim().parse() {
                        fixture.node.memory_kib = m;
                    }
                }
                _ => {}
            }
        }
        Ok(fixture)
    }
}

/// A preset snapshot is read as libvirt's test driver reads one: as a redefinition in its
/// internal form (`<active>` says whether it is current).
const PRESET: SnapshotReading = SnapshotReading {
    reading: Reading {
        redefine: true,
        now: 0,
    },
    validate: false,
    internal: true,
};
/// The test driver's own elements of a domain (`testDomainDefNamespaceParse`): its state, and
/// whether it is transient or has a managed save image, checked as libvirt checks them.
fn test_namespace(
    d: &Element,
    def: DomainDef,
    snapshots: Vec<(SnapshotDef, bool)>,
) -> Result<FixtureDomain, FixtureError> {
    let test = |local: &str| d.elements().find(|e| e.name == format!("test:{local}"));
    let invalid = |what: String| FixtureError::Model(ModelError::Invalid(what));
    // libvirt's VIR_DOMAIN_LAST: states are numbered below it.
    const STATES: u32 = 8;
    const SHUTOFF: i32 = 5;
    let runstate = match test("runstate").map(|r| r.text()) {
        None => None,
        Some(text) if text.trim().is_empty() => None,
        Some(text) => match text.trim().parse::<u32>() {
            Ok(n) if n >= STATES => return Err(invalid(format!("runstate '{n}' out of range'"))),
            Ok(n) => Some(n as i32),
            Err(_) => return Err(invalid("invalid runstate".into())),
        },
    };
    let transient = test("transient").is_some();
    let managed_save = test("hasmanagedsave").is_some();
    if transient && runstate == Some(SHUTOFF) {
        return Err(invalid(
            "transient domain cannot have runstate 'shutoff'".into(),
        ));
    }
    if managed_save && runstate != Some(SHUTOFF) {
        return Err(invalid(
            "domain with managedsave data can only have runstate 'shutoff'".into(),
        ));
    }
    Ok(FixtureDomain {
        def,
        runstate,
        transient,
        managed_save,
        snapshots,
    })
}

fn read(path: &Path) -> Result<String, FixtureError> {
    crate::sys::read_capped(path, crate::sys::XML_FILE_MAX)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
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
