//! Reconciliation of what killed operations left, on a shut-off domain with real `qemu-img`
//! images: the next operation that settles the domain finishes or undoes it.

use super::images::{self, Info};
use super::meta::{Intent, Kind, Meta, Op};
use crate::driver::prelude::*;
use crate::driver::qemu::QemuDriver;

struct Fixture {
    _dir: tempfile::TempDir,
    driver: QemuDriver,
    dom: DomainRef,
    disk: String,
    root: std::path::PathBuf,
}

/// A defined, shut-off domain with one qcow2 disk; none without `qemu-img`.
fn fixture() -> Option<Fixture> {
    if images::run(&["--version"]).is_err() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let disk = dir.path().join("d.qcow2").display().to_string();
    images::run(&["create", "-q", "-f", "qcow2", &disk, "16M"]).unwrap();
    let driver = QemuDriver::open("qemu:///embed", &root).unwrap();
    let xml = format!(
        "<domain type='qemu'><name>d</name><memory>65536</memory><os><type>hvm</type></os>\
         <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>"
    );
    let dom = driver
        .define_domain_flags(&xml, DefineFlags::default())
        .unwrap();
    Some(Fixture {
        _dir: dir,
        driver,
        dom,
        disk,
        root,
    })
}

impl Fixture {
    fn meta(&self) -> Meta {
        Meta::new(
            &self.root,
            Kind::Snapshot,
            &crate::model::Name::new("d").unwrap(),
        )
    }
    /// Any writer settles the domain first.
    fn settle(&self) {
        self.driver.set_domain_autostart(&self.dom, false).unwrap();
    }
    fn listed(&self) -> Vec<String> {
        self.driver
            .list_snapshots(&self.dom, SnapshotListFlags::default())
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect()
    }
    fn tags(&self) -> Vec<String> {
        Info::of(&self.disk).unwrap().snapshots()
    }
}

fn snapshot_xml(name: &str) -> String {
    format!("<domainsnapshot><name>{name}</name></domainsnapshot>")
}

#[test]
fn an_internal_snapshot_without_metadata_is_undone() {
    let Some(f) = fixture() else { return };
    let s = f
        .driver
        .create_snapshot(
            &f.dom,
            &snapshot_xml("whole"),
            SnapshotCreateFlags::default(),
        )
        .unwrap();
    let xml = f
        .driver
        .snapshot_xml(&s, SnapshotXmlFlags::default())
        .unwrap();
    // Killed after qemu-img made the tag, before the metadata was written.
    images::snapshot("-c", "half", &f.disk).unwrap();
    let mut intent = Intent::new(Op::Create, vec!["half".into()]);
    intent.xml = Some(xml.replace("<name>whole</name>", "<name>half</name>"));
    f.meta().set_intent(&intent).unwrap();
    assert_eq!(f.listed(), ["whole"]);
    f.settle();
    assert_eq!(f.tags(), ["whole"]);
    assert!(!f.meta().has_intent());
    assert_eq!(f.listed(), ["whole"]);
}

#[test]
fn a_create_killed_after_its_metadata_is_whole() {
    let Some(f) = fixture() else { return };
    f.driver
        .create_snapshot(&f.dom, &snapshot_xml("a"), SnapshotCreateFlags::default())
        .unwrap();
    // Killed between the metadata and `current`.
    f.meta().set_current(None).unwrap();
    f.meta()
        .set_intent(&Intent::new(Op::Create, vec!["a".into()]))
        .unwrap();
    f.settle();
    assert_eq!(f.meta().current().as_deref(), Some("a"));
    assert!(!f.meta().has_intent());
    assert_eq!(f.tags(), ["a"]);
}

#[test]
fn a_pending_deletion_is_hidden_then_finished() {
    let Some(f) = fixture() else { return };
    for name in ["a", "b"] {
        f.driver
            .create_snapshot(&f.dom, &snapshot_xml(name), SnapshotCreateFlags::default())
            .unwrap();
    }
    // Killed after the tag went, before the metadata did.
    images::snapshot("-d", "b", &f.disk).unwrap();
    f.meta()
        .set_intent(&Intent::new(Op::Delete, vec!["b".into()]))
        .unwrap();
    assert_eq!(f.listed(), ["a"]);
    f.settle();
    assert_eq!(f.listed(), ["a"]);
    assert!(f.meta().read("b").is_none());
    assert_eq!(f.meta().current().as_deref(), Some("a"));
    assert_eq!(f.tags(), ["a"]);
}

#[test]
fn an_external_create_the_domain_does_not_use_is_undone() {
    let Some(f) = fixture() else { return };
    let overlay = f.disk.replace(".qcow2", ".e1");
    images::create_overlay("qcow2", &overlay, &f.disk, "qcow2").unwrap();
    let mut intent = Intent::new(Op::Create, vec!["e1".into()]);
    intent.created = vec![overlay.clone()];
    intent.overlays = vec![("vda".into(), overlay.clone())];
    intent.xml = Some(snapshot_xml("e1"));
    f.meta().set_intent(&intent).unwrap();
    f.settle();
    assert!(!std::path::Path::new(&overlay).exists());
    assert!(f.listed().is_empty());
    assert!(!f.meta().has_intent());
}

#[test]
fn undefine_counts_and_drops_snapshot_metadata() {
    let Some(f) = fixture() else { return };
    f.driver
        .create_snapshot(&f.dom, &snapshot_xml("a"), SnapshotCreateFlags::default())
        .unwrap();
    let e = f
        .driver
        .undefine_domain(&f.dom, UndefineFlags::default())
        .unwrap_err();
    assert_eq!(
        e.message,
        "Requested operation is not valid: cannot delete inactive domain with 1 snapshots"
    );
    f.driver
        .undefine_domain(&f.dom, UndefineFlags::SNAPSHOTS_METADATA)
        .unwrap();
    assert!(!f.root.join("qemu/snapshot/d").exists());
    // The image keeps its data: only the metadata went.
    assert_eq!(f.tags(), ["a"]);
}
