//! Where the embedded QEMU driver keeps snapshot and checkpoint metadata, and how it reads it
//! back as a tree:
//!
//! ```text
//! ROOT/qemu/snapshot/DOM/NAME.xml     a snapshot, as `snapshot-dumpxml --security-info` prints it
//! ROOT/qemu/snapshot/DOM/current      the current snapshot's name (one atomic write moves it)
//! ROOT/qemu/snapshot/DOM/intent       the operation under way on DOM's snapshots (JSON)
//! ROOT/qemu/snapshot/DOM/owned        the overlays virtsh made for DOM's snapshots and
//!                                     reverts, one a line (see `gc.rs`)
//! ROOT/qemu/checkpoint/DOM/...        the same for checkpoints (libvirt's `checkpoint` dir)
//! ```
//!
//! Every file is written by atomic replace (`state::write_atomic`), under the domain's lock.
//! `current`, `intent` and `owned` cannot clash with a moment's file: moment files end in
//! `.xml`.
//! Readers take what is there: a moment a pending deletion names is already gone for them,
//! and a moment being created has no file yet (see `reconcile.rs` for the crash rules).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::driver::moments::MomentTree;
use crate::error::{Error, Result};
use crate::model::checkpoint::CheckpointDef;
use crate::model::moment::Reading;
use crate::model::snapshot::{SnapshotDef, SnapshotReading};
use crate::model::Name;
use crate::state::{remove, write_atomic};

/// Which kind of moment a directory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Snapshot,
    Checkpoint,
}

impl Kind {
    fn dir(self) -> &'static str {
        match self {
            Kind::Snapshot => "snapshot",
            Kind::Checkpoint => "checkpoint",
        }
    }
}

/// What an operation under way is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Create,
    Revert,
    Delete,
}

/// The record of an operation under way, written before the operation touches an image or a
/// QEMU and removed when its metadata is final. What a crash leaves of it tells the next
/// operation under the domain's lock what to finish or undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    pub op: Op,
    /// The moments concerned: the one created, reverted to, or every one being deleted.
    pub names: Vec<String>,
    /// The guest ran and was paused for the operation: it is to run again.
    pub resume: bool,
    /// The QEMU that ran when the operation began (a revert replaces it).
    pub qemu_pid: Option<u32>,
    /// Files the operation made (external overlays): removed when it is undone.
    #[serde(default)]
    pub created: Vec<String>,
    /// Overlays (disk target, file) an external snapshot switches the disks to.
    #[serde(default)]
    pub overlays: Vec<(String, String)>,
    /// The moment's metadata, written when a finished create is carried forward.
    #[serde(default)]
    pub xml: Option<String>,
    /// A deletion of metadata only: the data stays.
    #[serde(default)]
    pub metadata_only: bool,
    /// A revert that is decided: what is left of it is finished, not undone.
    #[serde(default)]
    pub committed: bool,
    /// The persistent definition a decided revert writes.
    #[serde(default)]
    pub domain: Option<String>,
    /// The current snapshot when a revert began, and the overlays of the state it leaves.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub discard: Vec<String>,
    /// An external snapshot's memory file is complete (marked `LibvirtQemudSave` by this
    /// create, not a file that was there before).
    #[serde(default)]
    pub memory_whole: bool,
}

impl Intent {
    pub fn new(op: Op, names: Vec<String>) -> Intent {
        Intent {
            op,
            names,
            resume: false,
            qemu_pid: None,
            created: Vec::new(),
            overlays: Vec::new(),
            xml: None,
            metadata_only: false,
            memory_whole: false,
            committed: false,
            domain: None,
            from: None,
            discard: Vec::new(),
        }
    }
}

/// One domain's metadata of one kind.
pub struct Meta {
    dir: PathBuf,
}

fn io<'a>(path: &'a Path, what: &str) -> impl FnOnce(std::io::Error) -> Error + 'a {
    let what = what.to_string();
    move |e| Error::system(format!("cannot {what} '{}'", path.display()), &e)
}

impl Meta {
    pub fn new(root: &Path, kind: Kind, dom: &Name) -> Meta {
        Meta {
            dir: root.join("qemu").join(kind.dir()).join(dom.as_str()),
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.xml"))
    }

    /// The names of the moments with a file, pending deletions included.
    fn stored(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| {
                let n = e.file_name().into_string().ok()?;
                (!n.starts_with('.')).then_some(())?;
                n.strip_suffix(".xml").map(String::from)
            })
            .collect();
        names.sort();
        names
    }

    /// The names readers see: a moment a pending deletion names is gone already.
    pub fn names(&self) -> Vec<String> {
        let hidden = match self.intent() {
            Some(i) if i.op == Op::Delete => i.names,
            _ => Vec::new(),
        };
        self.stored()
            .into_iter()
            .filter(|n| !hidden.contains(n))
            .collect()
    }

    pub fn count(&self) -> usize {
        self.names().len()
    }

    pub fn read(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.file(name)).ok()
    }

    pub fn write(&self, name: &str, xml: &str) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir, "create directory"))?;
        let path = self.file(name);
        write_atomic(&path, xml.as_bytes()).map_err(io(&path, "write"))
    }

    pub fn remove(&self, name: &str) -> Result<()> {
        let path = self.file(name);
        remove(&path).map_err(io(&path, "remove"))
    }

    pub fn current(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.dir.join("current")).ok()?;
        Some(text.trim_end_matches('\n').to_string()).filter(|c| !c.is_empty())
    }

    pub fn set_current(&self, name: Option<&str>) -> Result<()> {
        let path = self.dir.join("current");
        match name {
            Some(n) => {
                std::fs::create_dir_all(&self.dir).map_err(io(&self.dir, "create directory"))?;
                write_atomic(&path, format!("{n}\n").as_bytes()).map_err(io(&path, "write"))
            }
            None => remove(&path).map_err(io(&path, "remove")),
        }
    }

    /// The operation under way, if a record of one is there (an unreadable record is none:
    /// it was never completely written, so its operation never began).
    pub fn intent(&self) -> Option<Intent> {
        let text = std::fs::read(self.dir.join("intent")).ok()?;
        serde_json::from_slice(&text).ok()
    }

    pub fn has_intent(&self) -> bool {
        self.dir.join("intent").exists()
    }

    pub fn set_intent(&self, intent: &Intent) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir, "create directory"))?;
        let path = self.dir.join("intent");
        let text = serde_json::to_vec(intent).map_err(Error::internal)?;
        write_atomic(&path, &text).map_err(io(&path, "write"))
    }

    pub fn clear_intent(&self) -> Result<()> {
        let path = self.dir.join("intent");
        remove(&path).map_err(io(&path, "remove"))
    }

    /// The overlays virtsh made for this domain's moments (some may be gone already).
    pub fn owned(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.dir.join("owned")).unwrap_or_default();
        text.lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    }

    /// Records the overlays virtsh owns: `owned` (written before any is made).
    pub fn set_owned(&self, owned: &[String]) -> Result<()> {
        let path = self.dir.join("owned");
        if owned.is_empty() {
            return remove(&path).map_err(io(&path, "remove"));
        }
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir, "create directory"))?;
        let text: String = owned.iter().map(|o| format!("{o}\n")).collect();
        write_atomic(&path, text.as_bytes()).map_err(io(&path, "write"))
    }

    /// Adds `paths` to the overlays virtsh owns.
    pub fn own(&self, paths: &[String]) -> Result<()> {
        let mut owned = self.owned();
        let before = owned.len();
        for p in paths {
            if !owned.contains(p) {
                owned.push(p.clone());
            }
        }
        match owned.len() == before {
            true => Ok(()),
            false => self.set_owned(&owned),
        }
    }

    /// Removes every file and the directory (an undefined domain's metadata).
    pub fn remove_all(&self) -> Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(&self.dir, "remove")(e)),
            _ => Ok(()),
        }
    }

    /// Moves the directory to the domain's new name.
    pub fn rename(&self, to: &Meta) -> Result<()> {
        if !self.dir.exists() {
            return Ok(());
        }
        let _ = to.remove_all();
        std::fs::rename(&self.dir, &to.dir).map_err(io(&self.dir, "rename"))
    }

    /// The snapshots as a tree (unparsable files skipped, as libvirt skips them at load).
    pub fn snapshots(&self) -> MomentTree<SnapshotDef> {
        self.snapshot_tree(false)
    }

    /// The snapshots with a file, those a pending deletion names included (for the writer that
    /// finishes it).
    pub fn stored_snapshots(&self) -> MomentTree<SnapshotDef> {
        self.snapshot_tree(true)
    }

    fn snapshot_tree(&self, pending: bool) -> MomentTree<SnapshotDef> {
        let how = SnapshotReading {
            reading: Reading::redefine(),
            validate: false,
            internal: false,
        };
        let defs = self.parsed(pending, |xml| SnapshotDef::parse(xml, how).ok());
        tree(defs, self.current(), |d: &SnapshotDef| {
            (d.moment.creation_time, d.moment.name.clone())
        })
    }

    /// The checkpoints as a tree.
    pub fn checkpoints(&self) -> MomentTree<CheckpointDef> {
        self.checkpoint_tree(false)
    }

    pub fn stored_checkpoints(&self) -> MomentTree<CheckpointDef> {
        self.checkpoint_tree(true)
    }

    fn checkpoint_tree(&self, pending: bool) -> MomentTree<CheckpointDef> {
        let defs = self.parsed(pending, |xml| {
            CheckpointDef::parse(xml, Reading::redefine()).ok()
        });
        tree(defs, self.current(), |d: &CheckpointDef| {
            (d.moment.creation_time, d.moment.name.clone())
        })
    }

    fn parsed<T>(&self, pending: bool, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
        let names = match pending {
            true => self.stored(),
            false => self.names(),
        };
        names
            .iter()
            .filter_map(|n| self.read(n))
            .filter_map(|xml| parse(&xml))
            .collect()
    }
}

impl Meta {
    /// Stores what a deletion of `names` left of `tree` (which listed `before`): each
    /// changed moment rewritten, the deleted ones removed, the current one, and the record of
    /// the operation last.
    pub fn store_after_deletion<T: crate::driver::moments::Moment>(
        &self,
        before: &[String],
        tree: &MomentTree<T>,
        names: &[String],
        xml: impl Fn(&T) -> String,
    ) -> Result<()> {
        for n in before {
            match tree.get(n) {
                Some(def) => {
                    let text = xml(def);
                    if self.read(n).as_deref() != Some(text.as_str()) {
                        self.write(n, &text)?;
                    }
                }
                None => self.remove(n)?,
            }
        }
        for n in names {
            self.remove(n)?;
        }
        self.set_current(tree.current())?;
        self.clear_intent()
    }
}

/// The tree of `defs`, linked oldest first so that each moment's children list the most recent
/// first, as libvirt lists them.
fn tree<T: crate::driver::moments::Moment>(
    mut defs: Vec<T>,
    current: Option<String>,
    key: impl Fn(&T) -> (i64, String),
) -> MomentTree<T> {
    defs.sort_by_key(|d| key(d));
    MomentTree::from_definitions(defs, current).0
}

/// `undefine` of a domain: an inactive one with snapshots (checkpoints) is refused unless
/// their metadata may go, which then goes at once (libvirt's `qemuDomainUndefineFlags`: the
/// snapshots' before the checkpoints are even counted).
pub fn check_undefine(
    root: &Path,
    dom: &Name,
    active: bool,
    snapshots_metadata: bool,
    checkpoints_metadata: bool,
    remove: bool,
) -> Result<()> {
    if active {
        return Ok(());
    }
    for (kind, allowed, word) in [
        (Kind::Snapshot, snapshots_metadata, "snapshots"),
        (Kind::Checkpoint, checkpoints_metadata, "checkpoints"),
    ] {
        let meta = Meta::new(root, kind, dom);
        let n = meta.count();
        if n > 0 && !allowed {
            return Err(Error::operation_invalid(format!(
                "cannot delete inactive domain with {n} {word}"
            )));
        }
        if n > 0 && remove {
            meta.remove_all()?;
        }
    }
    Ok(())
}

/// Removes a domain's metadata of both kinds (the domain is no more).
pub fn forget(root: &Path, dom: &Name) -> Result<()> {
    Meta::new(root, Kind::Snapshot, dom).remove_all()?;
    Meta::new(root, Kind::Checkpoint, dom).remove_all()
}

/// Moves a domain's metadata of both kinds to its new name.
pub fn rename(root: &Path, from: &Name, to: &Name) -> Result<()> {
    for kind in [Kind::Snapshot, Kind::Checkpoint] {
        Meta::new(root, kind, from).rename(&Meta::new(root, kind, to))?;
    }
    Ok(())
}

/// Whether a domain has snapshots and checkpoints (for `list --with-snapshot` and friends).
pub fn has_moments(root: &Path, dom: &Name) -> (bool, bool) {
    (
        Meta::new(root, Kind::Snapshot, dom).count() > 0,
        Meta::new(root, Kind::Checkpoint, dom).count() > 0,
    )
}

#[cfg(test)]
mod tests;
