//! Snapshot documents read, aligned and written as libvirt does.

use super::*;
use crate::model::DomainDef;

const DOMAIN: &str = "<domain type='test'><name>test</name>\
    <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid><memory>8388608</memory>\
    <os><type>hvm</type></os><devices><disk type='file' device='disk'>\
    <source file='/guest/diskimage1'/><target dev='vda' bus='virtio'/></disk>\
    <disk type='file' device='cdrom'><target dev='hdc'/><readonly/></disk></devices></domain>";

fn new(doc: &str) -> Result<SnapshotDef, ModelError> {
    let how = SnapshotReading {
        reading: Reading {
            redefine: false,
            now: 1796616629,
        },
        validate: false,
        internal: false,
    };
    SnapshotDef::parse(doc, how)
}

fn redefined(doc: &str) -> Result<SnapshotDef, ModelError> {
    let how = SnapshotReading {
        reading: Reading::redefine(),
        validate: false,
        internal: false,
    };
    SnapshotDef::parse(doc, how)
}

fn internal() -> DiskAlignment {
    DiskAlignment {
        default: Location::Internal,
        uniform_internal: true,
    }
}

#[test]
fn a_new_snapshot_is_named_by_its_time_and_aligned_with_its_domain() {
    let mut s = new("<domainsnapshot/>").unwrap();
    assert_eq!(s.moment.name, "1796616629");
    s.moment.dom = Some(DomainDef::parse(DOMAIN).unwrap());
    s.state = SnapshotState::Running;
    s.memory = Location::Internal;
    s.align_disks(None, internal()).unwrap();
    let uuid = Uuid::nil();
    let xml = s.to_xml(&uuid);
    assert!(xml.starts_with(
        "<domainsnapshot>\n  <name>1796616629</name>\n  <state>running</state>\n  \
         <creationTime>1796616629</creationTime>\n  <memory snapshot='internal'/>\n  <disks>\n    \
         <disk name='vda' snapshot='internal'/>\n    <disk name='hdc' snapshot='no'/>\n  </disks>\n  \
         <domain type='test'>\n    <name>test</name>\n"
    ), "{xml}");
}

#[test]
fn disk_requests_are_checked_against_the_domain() {
    let aligned = |doc: &str| {
        let mut s = new(doc).unwrap();
        s.moment.dom = Some(DomainDef::parse(DOMAIN).unwrap());
        s.align_disks(None, internal()).map(|_| s)
    };
    let err = |doc: &str| aligned(doc).unwrap_err().to_string();
    assert_eq!(
        err("<domainsnapshot><disks><disk name='vdz'/></disks></domainsnapshot>"),
        "no disk named 'vdz'"
    );
    assert_eq!(
        err("<domainsnapshot><disks><disk name='vda' snapshot='external'/></disks></domainsnapshot>"),
        "disk 'vda' must use snapshot mode 'internal'"
    );
    assert_eq!(
        err("<domainsnapshot><disks><disk name='vda' snapshot='internal'><source file='/x'/></disk></disks></domainsnapshot>"),
        "file '/x' for disk 'vda' requires use of external snapshot mode"
    );
    let s =
        aligned("<domainsnapshot><disks><disk name='/guest/diskimage1'/></disks></domainsnapshot>")
            .unwrap();
    assert_eq!(s.disks[0].name, "vda");
}

#[test]
fn memory_and_disk_values_are_refused_in_libvirt_words() {
    let err = |doc: &str| new(doc).unwrap_err().to_string();
    assert_eq!(
        err("<domainsnapshot><memory snapshot='bogus'/></domainsnapshot>"),
        "Invalid value for attribute 'snapshot' in element 'memory': 'bogus'."
    );
    assert_eq!(
        err("<domainsnapshot><memory snapshot='external'/></domainsnapshot>"),
        "external memory snapshots require a filename"
    );
    assert_eq!(
        err("<domainsnapshot><memory file='/x' snapshot='internal'/></domainsnapshot>"),
        "memory filename '/x' requires external snapshot"
    );
    assert_eq!(
        err("<domainsnapshot><disks><disk name='vda'><driver type='bogus'/></disk></disks></domainsnapshot>"),
        "unknown disk snapshot driver 'bogus'"
    );
    assert_eq!(
        err("<domainsnapshot><disks><disk name='vda'><source file='rel'/></disk></disks></domainsnapshot>"),
        "disk snapshot image path 'rel' must be absolute"
    );
    assert_eq!(
        err("<domain/>"),
        "expecting root element of 'domainsnapshot', not 'domain'"
    );
}

#[test]
fn a_redefinition_says_everything() {
    let err = |doc: &str| redefined(doc).unwrap_err().to_string();
    assert_eq!(
        err("<domainsnapshot/>"),
        "a redefined snapshot must have a name"
    );
    assert_eq!(
        err("<domainsnapshot><name>r</name></domainsnapshot>"),
        "missing creationTime from existing snapshot"
    );
    assert_eq!(
        err("<domainsnapshot><name>r</name><creationTime>1</creationTime></domainsnapshot>"),
        "missing state from existing snapshot"
    );
    assert_eq!(
        err("<domainsnapshot><name>r</name><creationTime>1</creationTime><state>nostate</state></domainsnapshot>"),
        "Invalid state 'nostate' in domain snapshot XML"
    );
    let s = redefined(
        "<domainsnapshot><name>r</name><creationTime>1234567890</creationTime>\
         <state>shutoff</state><parent><name>p</name></parent><domain><uuid>x</uuid></domain></domainsnapshot>",
    )
    .unwrap();
    assert_eq!(s.memory, Location::No);
    assert!(s.moment.dom.is_none());
    let uuid = Uuid::parse_str("6695eb01-f6a4-8304-79aa-97f2502e193f").unwrap();
    assert_eq!(
        s.to_xml(&uuid),
        "<domainsnapshot>\n  <name>r</name>\n  <state>shutoff</state>\n  <parent>\n    \
         <name>p</name>\n  </parent>\n  <creationTime>1234567890</creationTime>\n  \
         <memory snapshot='no'/>\n  <domain>\n    <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n  \
         </domain>\n</domainsnapshot>\n"
    );
}

#[test]
fn validation_names_the_faulty_child() {
    let validated = |doc: &str| {
        let how = SnapshotReading {
            reading: Reading::new_moment(),
            validate: true,
            internal: false,
        };
        match SnapshotDef::parse(doc, how) {
            Err(ModelError::Schema { detail, .. }) => detail,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        validated("<domainsnapshot><name>x</name><bogus/></domainsnapshot>"),
        "Element domainsnapshot has extra content: bogus"
    );
    assert_eq!(
        validated("<domainsnapshot><state>bogus</state></domainsnapshot>"),
        "Extra element state in interleave\nElement domainsnapshot failed to validate content"
    );
}
