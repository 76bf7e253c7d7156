//! A domain's snapshots, or its checkpoints, as a tree (libvirt's
//! `virdomainmomentobjlist.c`): every moment under its parent, the roots under a hidden
//! metaroot, and a current moment. What a driver sees of libvirt's rules lives here, for any
//! driver that keeps its moments as a tree:
//!
//! - a moment is linked at the *front* of its parent's children, so children are listed in
//!   reverse link order, and a redefined moment moves to the front of its (new) parent's list;
//! - listing is a depth-first walk over those lists (the topological order), or one level;
//! - deleting a moment hands its children to its parent (prepended, in their order), and
//!   the current moment moves up to the parent.

mod filters;
pub mod redefine;

use std::collections::HashMap;

use crate::error::{Error, ErrorCode, Result};
use crate::model::checkpoint::CheckpointDef;
use crate::model::moment::MomentDef;
use crate::model::snapshot::SnapshotDef;

pub use filters::{checkpoint_walk, snapshot_passes, snapshot_walk};

/// A definition a tree can hold: it knows its name and its parent's.
pub trait Moment {
    fn moment(&self) -> &MomentDef;
    fn moment_mut(&mut self) -> &mut MomentDef;
}

impl Moment for SnapshotDef {
    fn moment(&self) -> &MomentDef {
        &self.moment
    }
    fn moment_mut(&mut self) -> &mut MomentDef {
        &mut self.moment
    }
}

impl Moment for CheckpointDef {
    fn moment(&self) -> &MomentDef {
        &self.moment
    }
    fn moment_mut(&mut self) -> &mut MomentDef {
        &mut self.moment
    }
}

struct Node<T> {
    def: T,
    /// Where the moment is linked: its parent's name, none under the metaroot or unlinked.
    linked_under: Option<String>,
    linked: bool,
    /// The children, most recently linked first.
    children: Vec<String>,
}

/// One domain's moments of one kind.
pub struct MomentTree<T> {
    nodes: HashMap<String, Node<T>>,
    /// The metaroot's children: the roots, most recently linked first.
    roots: Vec<String>,
    current: Option<String>,
}

/// How a listing walks the tree (libvirt's moment list flags, after the caller has read its
/// own kind's flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Walk {
    /// Every moment below the starting point, depth first; else one level below it.
    pub descendants: bool,
    /// Only moments without children.
    pub leaves: bool,
    /// Only moments with children.
    pub no_leaves: bool,
    /// Only moments without metadata: a tree holds metadata only, so none.
    pub no_metadata_only: bool,
}

/// How deleting a moment treats its descendants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// The moment goes; its children move up to its parent.
    One,
    /// The moment and all below it go.
    WithChildren,
    /// All below the moment go; it stays.
    ChildrenOnly,
}

impl Deletion {
    /// The deletion the `CHILDREN` and `CHILDREN_ONLY` flags ask for (libvirt's public API
    /// refuses both at once).
    pub fn of(children: bool, children_only: bool) -> Deletion {
        match (children, children_only) {
            (true, _) => Deletion::WithChildren,
            (false, true) => Deletion::ChildrenOnly,
            (false, false) => Deletion::One,
        }
    }
}

/// Why a set of definitions does not make a tree: a parent missing, or a cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistent;

impl<T> Default for MomentTree<T> {
    fn default() -> Self {
        MomentTree {
            nodes: HashMap::new(),
            roots: Vec::new(),
            current: None,
        }
    }
}

impl<T: Moment> MomentTree<T> {
    /// A tree of `defs` (linked in the order given), `current` the current one: libvirt's
    /// `virDomainMomentUpdateRelations` after loading saved metadata. A moment whose parent is
    /// missing, or that is its own ancestor, is linked as a root and the tree is reported
    /// inconsistent.
    pub fn from_definitions(
        defs: Vec<T>,
        current: Option<String>,
    ) -> (MomentTree<T>, std::result::Result<(), Inconsistent>) {
        let mut tree = MomentTree::default();
        let order: Vec<String> = defs.iter().map(|d| d.moment().name.clone()).collect();
        for def in defs {
            // A duplicate name keeps the first, as a hash table refuses the second.
            let _ = tree.assign(def);
        }
        let mut consistent = true;
        for name in &order {
            if tree.nodes.get(name).is_none_or(|n| n.linked) {
                continue;
            }
            let parent = tree.nodes[name].def.moment().parent.clone();
            let under = match parent {
                Some(p) if !tree.nodes.contains_key(&p) => {
                    consistent = false;
                    None
                }
                Some(p) if tree.would_cycle(name, &p) => {
                    consistent = false;
                    None
                }
                other => other,
            };
            tree.link_under(name, under);
        }
        tree.current = current.filter(|c| tree.nodes.contains_key(c));
        if !consistent {
            tree.current = None;
            return (tree, Err(Inconsistent));
        }
        (tree, Ok(()))
    }

    /// Whether `parent`'s chain of parents (as linked so far) reaches `name`.
    fn would_cycle(&self, name: &str, parent: &str) -> bool {
        let mut at = Some(parent.to_string());
        while let Some(p) = at {
            if p == name {
                return true;
            }
            at = self
                .nodes
                .get(&p)
                .and_then(|n| n.def.moment().parent.clone());
            if at.as_deref() == Some(parent) {
                return true;
            }
        }
        false
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&T> {
        self.nodes.get(name).map(|n| &n.def)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut T> {
        self.nodes.get_mut(name).map(|n| &mut n.def)
    }

    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    pub fn set_current(&mut self, name: Option<&str>) {
        self.current = name
            .filter(|n| self.nodes.contains_key(*n))
            .map(String::from);
    }

    /// The number of children, or with `descendants` of all moments below.
    pub fn count_below(&self, name: &str, descendants: bool) -> usize {
        match self.nodes.get(name) {
            None => 0,
            Some(n) if !descendants => n.children.len(),
            Some(_) => self.walk_below(Some(name), true).len(),
        }
    }

    /// libvirt's `virDomainMomentCheckCycles` for a (re)defined moment with a parent.
    pub fn check_cycles(&self, def: &MomentDef) -> Result<()> {
        let Some(parent) = &def.parent else {
            return Ok(());
        };
        let invalid = |m: String| Err(Error::invalid_arg(m));
        if *parent == def.name {
            return invalid(format!("cannot set moment {} as its own parent", def.name));
        }
        let Some(mut other) = self.nodes.get(parent) else {
            return invalid(format!("parent {parent} for moment {} not found", def.name));
        };
        while let Some(up) = &other.def.moment().parent {
            if *up == def.name {
                return invalid(format!(
                    "parent {} would create cycle to {}",
                    other.def.moment().name,
                    def.name
                ));
            }
            match self.nodes.get(up) {
                Some(n) => other = n,
                // Inconsistent already: libvirt warns and stops looking.
                None => break,
            }
        }
        Ok(())
    }

    /// Adds a moment, not yet linked into the tree (libvirt's `virDomainMomentAssignDef`).
    pub fn assign(&mut self, def: T) -> Result<()> {
        let name = def.moment().name.clone();
        if self.nodes.contains_key(&name) {
            return Err(Error::new(
                ErrorCode::OperationFailed,
                format!("operation failed: domain moment {name} already exists"),
            ));
        }
        let node = Node {
            def,
            linked_under: None,
            linked: false,
            children: Vec::new(),
        };
        self.nodes.insert(name, node);
        Ok(())
    }

    /// Replaces the definition of an existing moment, keeping its children; it is unlinked
    /// from its parent until [`MomentTree::link`] links it again.
    pub fn replace(&mut self, def: T) {
        let name = def.moment().name.clone();
        self.unlink(&name);
        if let Some(n) = self.nodes.get_mut(&name) {
            n.def = def;
        }
    }

    /// Links a moment at the front of its parent's children (the metaroot's when it has no
    /// parent, or one that is not there).
    pub fn link(&mut self, name: &str) {
        let Some(node) = self.nodes.get(name) else {
            return;
        };
        let parent = node
            .def
            .moment()
            .parent
            .clone()
            .filter(|p| self.nodes.contains_key(p));
        self.unlink(name);
        self.link_under(name, parent);
    }

    fn link_under(&mut self, name: &str, parent: Option<String>) {
        let list = match &parent {
            Some(p) => match self.nodes.get_mut(p) {
                Some(n) => &mut n.children,
                None => &mut self.roots,
            },
            None => &mut self.roots,
        };
        list.insert(0, name.to_string());
        if let Some(n) = self.nodes.get_mut(name) {
            n.linked_under = parent;
            n.linked = true;
        }
    }

    /// Takes a moment out of its parent's children.
    fn unlink(&mut self, name: &str) {
        let Some(node) = self.nodes.get_mut(name) else {
            return;
        };
        if !std::mem::take(&mut node.linked) {
            return;
        }
        let list = match node.linked_under.take() {
            Some(p) => match self.nodes.get_mut(&p) {
                Some(n) => &mut n.children,
                None => &mut self.roots,
            },
            None => &mut self.roots,
        };
        list.retain(|c| c != name);
    }

    /// The names below `from` (the metaroot when none), in topological order, one level or
    /// all (`descendants`).
    fn walk_below(&self, from: Option<&str>, descendants: bool) -> Vec<&str> {
        let start = match from {
            Some(f) => match self.nodes.get(f) {
                Some(n) => &n.children,
                None => return Vec::new(),
            },
            None => &self.roots,
        };
        let mut out = Vec::new();
        // Depth first, each list in its order: a stack of the lists still being walked.
        let mut stack: Vec<std::slice::Iter<'_, String>> = vec![start.iter()];
        while let Some(level) = stack.last_mut() {
            let Some(name) = level.next() else {
                stack.pop();
                continue;
            };
            out.push(name.as_str());
            if descendants {
                if let Some(n) = self.nodes.get(name) {
                    stack.push(n.children.iter());
                }
            }
        }
        out
    }

    /// The moments below `from` (every moment with `walk.descendants` and no `from`; the
    /// roots without it) that pass the leaf filters and `keep`, in topological order
    /// (libvirt's `virDomainMomentObjListGetNames`).
    pub fn list(&self, from: Option<&str>, walk: Walk, keep: impl Fn(&T) -> bool) -> Vec<String> {
        if walk.no_metadata_only {
            return Vec::new();
        }
        self.walk_below(from, walk.descendants)
            .into_iter()
            .filter(|name| {
                let n = &self.nodes[*name];
                let leaf = n.children.is_empty();
                (leaf || !walk.leaves) && (!leaf || !walk.no_leaves) && keep(&n.def)
            })
            .map(String::from)
            .collect()
    }

    /// Deletes a moment as libvirt's drivers delete metadata (`testDomainSnapshotDelete`):
    /// see [`Deletion`]. A deleted current moment leaves the current one at the nearest
    /// survivor above it.
    pub fn delete(&mut self, name: &str, how: Deletion) {
        if !self.nodes.contains_key(name) {
            return;
        }
        if how != Deletion::One {
            let below: Vec<String> = self
                .walk_below(Some(name), true)
                .into_iter()
                .map(String::from)
                .collect();
            let current_below = self.current.as_ref().is_some_and(|c| below.contains(c));
            for b in &below {
                self.nodes.remove(b);
            }
            if let Some(n) = self.nodes.get_mut(name) {
                n.children.clear();
            }
            if current_below {
                self.current = Some(name.to_string());
            }
            if how == Deletion::ChildrenOnly {
                return;
            }
        }
        // The children go where the moment is linked, and name that parent as theirs.
        let linked_under = self.nodes[name]
            .linked_under
            .clone()
            .filter(|p| self.nodes.contains_key(p));
        let children = std::mem::take(&mut self.nodes.get_mut(name).expect("present").children);
        for c in &children {
            if let Some(n) = self.nodes.get_mut(c) {
                n.def.moment_mut().parent = linked_under.clone();
                n.linked_under = linked_under.clone();
            }
        }
        let parent = self.nodes[name].def.moment().parent.clone();
        let list = match &linked_under {
            Some(p) if self.nodes.contains_key(p) => {
                &mut self.nodes.get_mut(p).expect("present").children
            }
            _ => &mut self.roots,
        };
        list.splice(0..0, children);
        self.unlink(name);
        if self.current.as_deref() == Some(name) {
            self.current = parent.filter(|p| self.nodes.contains_key(p));
        }
        self.nodes.remove(name);
    }

    /// Forgets every moment (an undefined domain's metadata).
    pub fn clear(&mut self) {
        *self = MomentTree::default();
    }
}

#[cfg(test)]
mod tests;
