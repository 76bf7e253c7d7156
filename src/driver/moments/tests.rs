//! The tree's rules against what libvirt's test driver was seen doing.

use super::*;

#[derive(Debug, Clone)]
struct M(MomentDef);

impl Moment for M {
    fn moment(&self) -> &MomentDef {
        &self.0
    }
    fn moment_mut(&mut self) -> &mut MomentDef {
        &mut self.0
    }
}

fn def(name: &str, parent: Option<&str>) -> M {
    let mut m = MomentDef::created(Some(name.into()), None, 1);
    m.parent = parent.map(String::from);
    M(m)
}

/// A new moment, as a driver creates one: a child of the current one, and current.
fn create(t: &mut MomentTree<M>, name: &str) {
    let parent = t.current().map(String::from);
    t.assign(def(name, parent.as_deref())).unwrap();
    t.set_current(Some(name));
    t.link(name);
}

/// Redefined in place (as `snapshot-current NAME` does).
fn redefine(t: &mut MomentTree<M>, name: &str) {
    let again = t.get(name).unwrap().clone();
    t.replace(again);
    t.link(name);
}

const ALL: Walk = Walk {
    descendants: true,
    leaves: false,
    no_leaves: false,
    no_metadata_only: false,
};

fn topo(t: &MomentTree<M>) -> Vec<String> {
    t.list(None, ALL, |_| true)
}

/// Setup T of the spec: s1 -> {s2 -> s3, s4 -> s5, B6}, current s2.
fn setup_t() -> MomentTree<M> {
    let mut t = MomentTree::default();
    for n in ["s1", "s2", "s3"] {
        create(&mut t, n);
    }
    t.set_current(Some("s1"));
    create(&mut t, "s4");
    create(&mut t, "s5");
    t.set_current(Some("s1"));
    create(&mut t, "B6");
    redefine(&mut t, "s2");
    t.set_current(Some("s2"));
    t
}

#[test]
fn children_are_listed_in_reverse_link_order_and_a_redefinition_moves_to_the_front() {
    let t = setup_t();
    assert_eq!(topo(&t), ["s1", "s2", "s3", "B6", "s4", "s5"]);
    let one_level = Walk {
        descendants: false,
        ..ALL
    };
    assert_eq!(t.list(Some("s1"), one_level, |_| true), ["s2", "B6", "s4"]);
    assert_eq!(t.list(None, one_level, |_| true), ["s1"]);
    assert_eq!(t.count_below("s1", false), 3);
    assert_eq!(t.count_below("s1", true), 5);
    let leaves = Walk {
        leaves: true,
        ..ALL
    };
    assert_eq!(t.list(None, leaves, |_| true), ["s3", "B6", "s5"]);
    let both = Walk {
        no_leaves: true,
        ..leaves
    };
    assert!(t.list(None, both, |_| true).is_empty());
}

#[test]
fn deleting_hands_the_children_to_the_parent() {
    let mut t = setup_t();
    t.delete("s2", Deletion::One);
    assert_eq!(topo(&t), ["s1", "s3", "B6", "s4", "s5"]);
    assert_eq!(t.get("s3").unwrap().0.parent.as_deref(), Some("s1"));
    assert_eq!(t.current(), Some("s1"));

    let mut t = setup_t();
    t.delete("s1", Deletion::One);
    assert_eq!(topo(&t), ["s2", "s3", "B6", "s4", "s5"]);
    assert_eq!(t.get("B6").unwrap().0.parent, None);
    assert_eq!(t.current(), Some("s2"));

    let mut t = setup_t();
    t.delete("s1", Deletion::WithChildren);
    assert!(t.is_empty());
    assert_eq!(t.current(), None);

    let mut t = setup_t();
    t.delete("s1", Deletion::ChildrenOnly);
    assert_eq!(topo(&t), ["s1"]);
    assert_eq!(t.current(), Some("s1"));

    let mut t = setup_t();
    t.delete("s4", Deletion::ChildrenOnly);
    assert_eq!(topo(&t), ["s1", "s2", "s3", "B6", "s4"]);
    assert_eq!(t.current(), Some("s2"));
}

#[test]
fn cycles_and_missing_parents_are_refused_in_libvirt_words() {
    let t = setup_t();
    let check = |name: &str, parent: &str| {
        t.check_cycles(&def(name, Some(parent)).0)
            .unwrap_err()
            .message
    };
    assert_eq!(
        check("s1", "s1"),
        "invalid argument: cannot set moment s1 as its own parent"
    );
    assert_eq!(
        check("r2", "r1"),
        "invalid argument: parent r1 for moment r2 not found"
    );
    assert_eq!(
        check("s1", "s3"),
        "invalid argument: parent s2 would create cycle to s1"
    );
    let mut t = t;
    assert_eq!(
        t.assign(def("s1", None)).unwrap_err().message,
        "operation failed: domain moment s1 already exists"
    );
}

#[test]
fn saved_definitions_make_a_tree_or_are_inconsistent() {
    let (t, ok) = MomentTree::from_definitions(
        vec![def("old", None), def("kid", Some("old"))],
        Some("old".into()),
    );
    assert!(ok.is_ok());
    assert_eq!(topo(&t), ["old", "kid"]);
    assert_eq!(t.current(), Some("old"));
    let (t, ok) = MomentTree::from_definitions(vec![def("kid", Some("gone"))], Some("kid".into()));
    assert_eq!(ok, Err(Inconsistent));
    assert_eq!(t.current(), None);
    let (_, ok) =
        MomentTree::from_definitions(vec![def("a", Some("b")), def("b", Some("a"))], None);
    assert_eq!(ok, Err(Inconsistent));
}
