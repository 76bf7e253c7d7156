//! `snapshot-list`: a domain's snapshots, or those below one, filtered, as a table, names
//! or a tree.

use virtsh_commands::snapshot::SnapshotList;

use crate::commands::moments::{
    check_list_options, collect, snapshot_arg, snapshot_parent, ListOptions, Source, Style,
};
use crate::commands::prelude::*;

impl Run for SnapshotList {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let from = self.from.is_some();
        type F = SnapshotListFlags;
        let filters = [
            (self.leaves, "leaves", F::LEAVES),
            (self.no_leaves, "no-leaves", F::NO_LEAVES),
            (self.inactive, "inactive", F::INACTIVE),
            (self.active, "active", F::ACTIVE),
            (self.disk_only, "disk-only", F::DISK_ONLY),
            (self.internal, "internal", F::INTERNAL),
            (self.external, "external", F::EXTERNAL),
        ];
        let options = ListOptions {
            tree: self.tree,
            name: self.name,
            parent: self.parent,
            roots: self.roots,
            from,
            current: Some(self.current),
        };
        let given: Vec<(bool, &str)> = filters.iter().map(|(on, o, _)| (*on, *o)).collect();
        check_list_options(options, &given)?;
        let mut flags = F::from_options(filters.iter().map(|(on, _, f)| (*on, *f)));
        flags |= F::from_options([
            (self.topological, F::TOPOLOGICAL),
            (self.roots, F::ROOTS),
            (self.metadata, F::METADATA),
            (self.no_metadata, F::NO_METADATA),
        ]);
        if self.descendants {
            if !from && !self.current {
                return Err(CmdError::message(
                    "--descendants requires either --from or --current",
                ));
            }
            flags |= F::DESCENDANTS;
        }
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let start = match from || self.current {
            true => Some(snapshot_arg(
                &conn,
                &dom,
                ("from", self.from.as_deref()),
                self.current,
                true,
            )?),
            false => None,
        };
        let snaps = conn.snapshots();
        let listed = match &start {
            Some(snap) => snaps.snapshot_children(snap, flags)?,
            None => snaps.list_snapshots(&dom, flags)?,
        };
        let style = Style::of(self.tree, self.name, self.parent, true);
        let named = |name: &str| SnapshotRef::new(dom.clone(), name);
        let source = Source {
            parent: &|name| snapshot_parent(&conn, &named(name)),
            xml: &|name| snaps.snapshot_xml(&named(name), SnapshotXmlFlags::default()),
        };
        let names = listed.into_iter().map(|s| s.name).collect();
        let start = start.map(|s| s.name);
        Ok(Outcome::data(collect(
            names,
            start,
            style,
            self.topological,
            source,
        )?))
    }
}
