//! What the snapshot and checkpoint commands share (virsh's `virsh-snapshot.c` and
//! `virsh-checkpoint.c` helpers): the XML argument of `*-create`, the `--diskspec` words, the
//! `--snapshotname`/`--current` lookup, a parent that may not exist, and the listing of
//! `*-list` (collected, sorted, and drawn as a table, names or a tree).

use std::path::Path;

use serde::Serialize;
use virtsh_commands::snapshot::SnapshotCreateOpts;

use super::prelude::*;
use crate::driver::Connection;
use crate::model::moment;

/// `Domain snapshot NAME created` (or `... created from 'FILE'`), with no newline: the blank
/// line after the command ends it.
pub fn created(kind: &str, name: &str, from: Option<&Path>) -> Outcome {
    Outcome::Note(match from {
        Some(f) => format!("Domain {kind} {name} created from '{}'", f.display()),
        None => format!("Domain {kind} {name} created"),
    })
}

/// `--print-xml`: virsh prints the document and a newline of its own.
pub fn printed_xml(xml: String) -> Outcome {
    Outcome::Xml(xml + "\n")
}

/// The document `*-create` hands on: the file's, or `empty` without one.
pub fn xml_argument(file: Option<&Path>, empty: &str) -> Result<String, CmdError> {
    match file {
        Some(f) => read_file(f),
        None => Ok(empty.to_string()),
    }
}

/// The comma-separated words of a `--diskspec` or `--memspec` (`,,` a comma). An empty
/// argument is one word that is not there, as virsh's splitting leaves it.
pub fn spec_words(spec: &str) -> Vec<Option<String>> {
    if spec.is_empty() {
        return vec![None];
    }
    split_commas(spec.as_bytes())
        .into_iter()
        .map(|w| Some(String::from_utf8_lossy(&w).into_owned()))
        .collect()
}

/// A `--diskspec`: the disk's name, then at most one `key=value` word of each of `keys`
/// (as `snapshot=`, in any order); another word is refused in virsh's words.
pub fn diskspec_fields<const N: usize>(
    spec: &str,
    keys: [&str; N],
) -> Result<(Option<String>, [Option<String>; N]), CmdError> {
    let mut words = spec_words(spec).into_iter();
    let name = words.next().flatten();
    let mut values: [Option<String>; N] = std::array::from_fn(|_| None);
    for word in words {
        let word = word.unwrap_or_default();
        let slot = keys
            .iter()
            .zip(values.iter_mut())
            .find(|(key, value)| value.is_none() && word.starts_with(*key));
        match slot {
            Some((key, value)) => *value = Some(word[key.len()..].to_string()),
            None => {
                return Err(CmdError::message(format!(
                    "unable to parse diskspec: {spec}"
                )))
            }
        }
    }
    Ok((name, values))
}

/// `virshLookupSnapshot`: the snapshot named by `--ARG`, or the current one; with
/// `exclusive`, not both.
pub fn snapshot_arg(
    conn: &Connection,
    dom: &DomainRef,
    (arg, name): (&str, Option<&str>),
    current: bool,
    exclusive: bool,
) -> Result<SnapshotRef, CmdError> {
    if exclusive && current && name.is_some() {
        return Err(CmdError::message(format!(
            "--{arg} and --current are mutually exclusive"
        )));
    }
    let snaps = conn.snapshots();
    Ok(match (name, current) {
        (Some(n), _) => snaps.snapshot_by_name(dom, n)?,
        (None, true) => snaps.current_snapshot(dom)?,
        (None, false) => {
            return Err(CmdError::message(format!(
                "--{arg} or --current is required"
            )))
        }
    })
}

/// A parent's name, none for a root (libvirt says so with its "not found" error); a driver
/// without the call is read from the XML, as virsh does for older servers.
fn parent_or_none(
    asked: crate::error::Result<String>,
    not_found: ErrorCode,
    xml: impl FnOnce() -> crate::error::Result<String>,
    kind: &str,
) -> Result<Option<String>, CmdError> {
    let cannot = |e: crate::error::Error| {
        CmdError::Messages(vec![
            e.to_string(),
            format!("unable to determine if {kind} has parent"),
        ])
    };
    match asked {
        Ok(p) => Ok(Some(p)),
        Err(e) if e.code == not_found => Ok(None),
        Err(e) if e.code == ErrorCode::NoSupport => {
            let xml = xml().map_err(cannot)?;
            Ok(crate::model::dom::parse(&xml)
                .ok()
                .and_then(|root| moment::parent(&root)))
        }
        Err(e) => Err(cannot(e)),
    }
}

/// `virshGetSnapshotParent`.
pub fn snapshot_parent(conn: &Connection, snap: &SnapshotRef) -> Result<Option<String>, CmdError> {
    let snaps = conn.snapshots();
    parent_or_none(
        snaps.snapshot_parent(snap).map(|p| p.name),
        ErrorCode::NoDomainSnapshot,
        || snaps.snapshot_xml(snap, SnapshotXmlFlags::default()),
        "snapshot",
    )
}

/// `virshGetCheckpointParent`.
pub fn checkpoint_parent(
    conn: &Connection,
    chk: &CheckpointRef,
) -> Result<Option<String>, CmdError> {
    let chks = conn.checkpoints();
    parent_or_none(
        chks.checkpoint_parent(chk).map(|p| p.name),
        ErrorCode::NoDomainCheckpoint,
        || chks.checkpoint_xml(chk, CheckpointXmlFlags::default()),
        "checkpoint",
    )
}

/// The options of `snapshot-list` and `checkpoint-list` that exclude each other.
pub struct ListOptions {
    pub tree: bool,
    pub name: bool,
    pub parent: bool,
    pub roots: bool,
    pub from: bool,
    /// `--current` (snapshots only).
    pub current: Option<bool>,
}

/// The checks both listings make before anything else, in virsh's order: the pairs that
/// exclude each other, then each of `filters` (given, option) with `--tree`.
pub fn check_list_options(o: ListOptions, filters: &[(bool, &str)]) -> Result<(), CmdError> {
    exclusive(&[
        (o.tree, "tree", o.name, "name"),
        (o.parent, "parent", o.roots, "roots"),
        (o.parent, "parent", o.tree, "tree"),
        (o.roots, "roots", o.tree, "tree"),
        (o.roots, "roots", o.from, "from"),
        (o.roots, "roots", o.current.unwrap_or(false), "current"),
    ])?;
    match filters.iter().find(|(given, _)| *given && o.tree) {
        Some((_, option)) => Err(CmdError::message(format!(
            "--{option} and --tree are mutually exclusive"
        ))),
        None => Ok(()),
    }
}

/// One moment of a listing: what its XML says (or, for a tree, its parent alone).
#[derive(Debug, Serialize)]
pub struct Row {
    pub name: String,
    pub parent: Option<String>,
    /// Seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// How a listing is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    /// `--tree`.
    Tree,
    /// `--name`, with the parent after a tab (`--parent`).
    Names { parent: bool },
    /// The table: `State` (snapshots) and `Parent` (`--parent`) columns as asked.
    Table { state: bool, parent: bool },
}

impl Style {
    /// The style `--tree`, `--name` and `--parent` ask for; `state`: the table has a `State`
    /// column (snapshots).
    pub fn of(tree: bool, name: bool, parent: bool, state: bool) -> Style {
        match (tree, name) {
            (true, _) => Style::Tree,
            (false, true) => Style::Names { parent },
            (false, false) => Style::Table { state, parent },
        }
    }
}

pub type MomentListing = Listing<Row, Style>;

/// What a listing needs of a kind of moment: its parent (for a tree) and its XML (for the
/// rest).
pub struct Source<'a> {
    pub parent: &'a dyn Fn(&str) -> Result<Option<String>, CmdError>,
    pub xml: &'a dyn Fn(&str) -> crate::error::Result<String>,
}

/// The listing of `names` (as the driver listed them): sorted by name unless `topological`;
/// for a tree, `start` (`--from`) joins them as the one root. A moment whose XML cannot be
/// had is left out, as virsh leaves it out.
pub fn collect(
    mut names: Vec<String>,
    start: Option<String>,
    style: Style,
    topological: bool,
    source: Source<'_>,
) -> Result<MomentListing, CmdError> {
    let tree = matches!(style, Style::Tree);
    let mut rows = Vec::with_capacity(names.len() + 1);
    if tree {
        for name in names {
            let parent = (source.parent)(&name)?;
            rows.push(Row {
                name,
                parent,
                creation_time: None,
                state: None,
            });
        }
        rows.extend(start.map(|name| Row {
            name,
            parent: None,
            creation_time: None,
            state: None,
        }));
        if !topological {
            rows.sort_by(|a, b| by_name(&a.name, &b.name));
        }
    } else {
        if !topological {
            names.sort_by(|a, b| by_name(a, b));
        }
        for name in names {
            let Ok(xml) = (source.xml)(&name) else {
                continue;
            };
            let Ok(root) = crate::model::dom::parse(&xml) else {
                continue;
            };
            rows.push(Row {
                parent: moment::parent(&root),
                creation_time: moment::creation_time(&root, "").ok(),
                state: root.child_text("state").filter(|s| !s.is_empty()),
                name,
            });
        }
    }
    Ok(Listing { rows, style })
}

/// virsh's order of names: ASCII letters without regard to case.
fn by_name(a: &str, b: &str) -> std::cmp::Ordering {
    let lower = |s: &str| {
        s.bytes()
            .map(|c| c.to_ascii_lowercase())
            .collect::<Vec<u8>>()
    };
    lower(a).cmp(&lower(b))
}

impl TextView for MomentListing {
    fn text(&self, quiet: bool) -> String {
        match self.style {
            Style::Tree => {
                let entries: Vec<(String, Option<String>)> = self
                    .rows
                    .iter()
                    .map(|r| (r.name.clone(), r.parent.clone()))
                    .collect();
                crate::render::tree::draw(&entries)
            }
            Style::Names { parent } => self
                .rows
                .iter()
                .map(|r| match (&r.parent, parent) {
                    (Some(p), true) => format!("{}\t{p}\n", r.name),
                    _ => format!("{}\n", r.name),
                })
                .collect(),
            Style::Table { state, parent } => {
                let mut header = vec!["Name", "Creation Time"];
                header.extend(state.then_some("State"));
                header.extend(parent.then_some("Parent"));
                let mut t = Table::new(header);
                for r in &self.rows {
                    // A row virsh cannot read its time (or a snapshot's state) from is left out.
                    let Some(time) = r.creation_time else {
                        continue;
                    };
                    if state && r.state.is_none() {
                        continue;
                    }
                    let mut row = vec![r.name.clone(), crate::sys::local_time_zoned(time)];
                    row.extend(state.then(|| r.state.clone().unwrap_or_default()));
                    row.extend(parent.then(|| r.parent.clone().unwrap_or_default()));
                    t.row(row);
                }
                t.render(!quiet)
            }
        }
    }
}

/// An edit that failed after the moment was known: virsh says so last.
pub fn failed_update(e: CmdError, name: &str) -> CmdError {
    let mut lines = e.lines();
    lines.push(format!("Failed to update {name}"));
    CmdError::Messages(lines)
}

/// The flags `snapshot-create` and `snapshot-create-as` share.
pub fn snapshot_create_flags(o: &SnapshotCreateOpts) -> SnapshotCreateFlags {
    type F = SnapshotCreateFlags;
    F::from_options([
        (o.no_metadata, F::NO_METADATA),
        (o.halt, F::HALT),
        (o.disk_only, F::DISK_ONLY),
        (o.reuse_external, F::REUSE_EXT),
        (o.quiesce, F::QUIESCE),
        (o.atomic, F::ATOMIC),
        (o.live, F::LIVE),
        (o.validate, F::VALIDATE),
    ])
}

/// virsh's `virshSnapshotCreate`: a driver that does not validate is asked again without
/// (when no file was given), and one that refuses `--halt` gets it emulated: the snapshot,
/// then the domain destroyed.
pub fn create_snapshot(
    conn: &Connection,
    dom: &DomainRef,
    xml: &str,
    mut flags: SnapshotCreateFlags,
    from: Option<&Path>,
) -> Result<Outcome, CmdError> {
    type F = SnapshotCreateFlags;
    let snaps = conn.snapshots();
    let mut made = snaps.create_snapshot(dom, xml, flags);
    if matches!(&made, Err(e) if e.code == ErrorCode::NoSupport) && from.is_none() {
        flags = flags & !F::VALIDATE;
        made = snaps.create_snapshot(dom, xml, flags);
    }
    let mut halt = false;
    if matches!(&made, Err(e) if e.code == ErrorCode::InvalidArg) && flags.has(F::HALT) {
        let domains = conn.domains();
        if !domains.domain_is_persistent(dom)? {
            return Err(CmdError::message(
                "cannot halt after snapshot of transient domain",
            ));
        }
        halt = domains.domain_state(dom)?.is_active();
        flags = flags & !F::HALT;
        made = snaps.create_snapshot(dom, xml, flags);
    }
    let snap = made?;
    if halt {
        conn.domains().destroy_domain(dom)?;
    }
    Ok(created("snapshot", &snap.name, from))
}
