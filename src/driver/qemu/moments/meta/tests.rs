use super::*;

fn dom() -> Name {
    Name::new("d").unwrap()
}

fn snapshot_xml(name: &str, parent: Option<&str>, time: i64) -> String {
    let parent = parent
        .map(|p| format!("<parent><name>{p}</name></parent>"))
        .unwrap_or_default();
    format!(
        "<domainsnapshot><name>{name}</name><state>shutoff</state>{parent}\
         <creationTime>{time}</creationTime><memory snapshot='no'/>\
         <domain type='qemu'><name>d</name><uuid>11111111-2222-3333-4444-555555555555</uuid>\
         <memory>65536</memory><os><type>hvm</type></os></domain></domainsnapshot>"
    )
}

#[test]
fn metadata_round_trips_and_builds_the_tree() {
    let root = tempfile::tempdir().unwrap();
    let m = Meta::new(root.path(), Kind::Snapshot, &dom());
    assert!(m.names().is_empty() && m.current().is_none() && m.intent().is_none());
    m.write("a", &snapshot_xml("a", None, 1)).unwrap();
    m.write("b", &snapshot_xml("b", Some("a"), 2)).unwrap();
    m.write("c", &snapshot_xml("c", Some("a"), 3)).unwrap();
    m.set_current(Some("c")).unwrap();
    assert_eq!(m.names(), ["a", "b", "c"]);
    assert!(root.path().join("qemu/snapshot/d/c.xml").is_file());
    let tree = m.snapshots();
    assert_eq!(tree.current(), Some("c"));
    assert_eq!(tree.get("b").unwrap().moment.parent.as_deref(), Some("a"));
    // Children are listed most recent first, as libvirt lists them.
    let walk = crate::driver::moments::Walk::default();
    assert_eq!(tree.list(Some("a"), walk, |_| true), ["c", "b"]);
    // A writer's leftover temporary file and the bookkeeping files are no moments.
    std::fs::write(root.path().join("qemu/snapshot/d/.tmp-x.xml.1"), "junk").unwrap();
    m.set_intent(&Intent::new(Op::Create, vec!["e".into()]))
        .unwrap();
    assert_eq!(m.count(), 3);
    m.set_current(None).unwrap();
    assert!(m.current().is_none());
}

#[test]
fn a_pending_deletion_hides_its_moments_from_readers_only() {
    let root = tempfile::tempdir().unwrap();
    let m = Meta::new(root.path(), Kind::Snapshot, &dom());
    m.write("a", &snapshot_xml("a", None, 1)).unwrap();
    m.write("b", &snapshot_xml("b", Some("a"), 2)).unwrap();
    let mut intent = Intent::new(Op::Delete, vec!["b".into()]);
    intent.metadata_only = true;
    m.set_intent(&intent).unwrap();
    assert_eq!(m.intent(), Some(intent));
    assert_eq!(m.names(), ["a"]);
    assert!(m.snapshots().get("b").is_none());
    assert!(m.stored_snapshots().get("b").is_some());
    m.clear_intent().unwrap();
    assert_eq!(m.names(), ["a", "b"]);
}

#[test]
fn a_torn_intent_is_no_operation() {
    let root = tempfile::tempdir().unwrap();
    let m = Meta::new(root.path(), Kind::Checkpoint, &dom());
    m.set_intent(&Intent::new(Op::Delete, vec!["x".into()]))
        .unwrap();
    std::fs::write(root.path().join("qemu/checkpoint/d/intent"), "{\"op\":").unwrap();
    assert!(m.has_intent());
    assert!(m.intent().is_none());
}

#[test]
fn unparsable_metadata_is_skipped() {
    let root = tempfile::tempdir().unwrap();
    let m = Meta::new(root.path(), Kind::Snapshot, &dom());
    m.write("a", &snapshot_xml("a", None, 1)).unwrap();
    m.write("bad", "<domainsnapshot>").unwrap();
    let tree = m.snapshots();
    assert_eq!(tree.len(), 1);
}

#[test]
fn undefine_refuses_with_libvirt_words_and_drops_what_it_may() {
    let root = tempfile::tempdir().unwrap();
    let snaps = Meta::new(root.path(), Kind::Snapshot, &dom());
    let chks = Meta::new(root.path(), Kind::Checkpoint, &dom());
    snaps.write("a", &snapshot_xml("a", None, 1)).unwrap();
    snaps.write("b", &snapshot_xml("b", None, 2)).unwrap();
    chks.write("c", "<domaincheckpoint/>").unwrap();
    // A running domain is undefined whatever it has.
    check_undefine(root.path(), &dom(), true, false, false, true).unwrap();
    let e = check_undefine(root.path(), &dom(), false, false, false, true).unwrap_err();
    assert_eq!(
        e.message,
        "Requested operation is not valid: cannot delete inactive domain with 2 snapshots"
    );
    // A dry run says what a run would say and removes nothing.
    let e = check_undefine(root.path(), &dom(), false, true, false, false).unwrap_err();
    assert_eq!(
        e.message,
        "Requested operation is not valid: cannot delete inactive domain with 1 checkpoints"
    );
    assert_eq!(snaps.count(), 2);
    // As libvirt: the snapshots' metadata goes before the checkpoints are counted.
    let e = check_undefine(root.path(), &dom(), false, true, false, true).unwrap_err();
    assert_eq!(
        e.message,
        "Requested operation is not valid: cannot delete inactive domain with 1 checkpoints"
    );
    assert_eq!(snaps.count(), 0);
    check_undefine(root.path(), &dom(), false, false, true, true).unwrap();
    assert_eq!(has_moments(root.path(), &dom()), (false, false));
}

#[test]
fn rename_and_forget_move_and_remove_both_kinds() {
    let root = tempfile::tempdir().unwrap();
    let to = Name::new("e").unwrap();
    Meta::new(root.path(), Kind::Snapshot, &dom())
        .write("a", &snapshot_xml("a", None, 1))
        .unwrap();
    Meta::new(root.path(), Kind::Checkpoint, &dom())
        .write("c", "<domaincheckpoint/>")
        .unwrap();
    rename(root.path(), &dom(), &to).unwrap();
    assert_eq!(has_moments(root.path(), &dom()), (false, false));
    assert_eq!(has_moments(root.path(), &to), (true, true));
    forget(root.path(), &to).unwrap();
    assert_eq!(has_moments(root.path(), &to), (false, false));
    assert!(!root.path().join("qemu/snapshot/e").exists());
}
