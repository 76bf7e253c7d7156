//! `checkpoint-list`: a domain's checkpoints, or those below one, as a table, names or a
//! tree.

use virtsh_commands::checkpoint::CheckpointList;

use crate::commands::moments::{checkpoint_parent, collect, Source, Style};
use crate::commands::prelude::*;

impl Run for CheckpointList {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let from = self.from.is_some();
        exclusive(&[
            (self.tree, "tree", self.name, "name"),
            (self.parent, "parent", self.roots, "roots"),
            (self.parent, "parent", self.tree, "tree"),
            (self.roots, "roots", self.tree, "tree"),
            (self.roots, "roots", from, "from"),
        ])?;
        type F = CheckpointListFlags;
        let mut flags = F::default();
        for (on, option, flag) in [
            (self.leaves, "leaves", F::LEAVES),
            (self.no_leaves, "no-leaves", F::NO_LEAVES),
        ] {
            if on && self.tree {
                return Err(CmdError::message(format!(
                    "--{option} and --tree are mutually exclusive"
                )));
            }
            flags |= F::from_options([(on, flag)]);
        }
        flags |= F::from_options([(self.topological, F::TOPOLOGICAL), (self.roots, F::ROOTS)]);
        if self.descendants {
            if !from {
                return Err(CmdError::message("--descendants requires --from"));
            }
            flags |= F::DESCENDANTS;
        }
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let chks = conn.checkpoints();
        let start = match &self.from {
            Some(name) => Some(chks.checkpoint_by_name(&dom, name)?),
            None => None,
        };
        let listed = match &start {
            Some(chk) => chks.checkpoint_children(chk, flags),
            None => chks.list_checkpoints(&dom, flags),
        }
        .map_err(|e| {
            CmdError::Messages(vec![
                "unexpected problem querying checkpoints".into(),
                e.to_string(),
            ])
        })?;
        let style = if self.tree {
            Style::Tree
        } else if self.name {
            Style::Names {
                parent: self.parent,
            }
        } else {
            Style::Table {
                state: false,
                parent: self.parent,
            }
        };
        let named = |name: &str| CheckpointRef {
            domain: dom.clone(),
            name: name.to_string(),
        };
        let source = Source {
            parent: &|name| checkpoint_parent(&conn, &named(name)),
            xml: &|name| chks.checkpoint_xml(&named(name), CheckpointXmlFlags::default()),
        };
        let names = listed.into_iter().map(|c| c.name).collect();
        Ok(Outcome::data(collect(
            names,
            start.map(|c| c.name),
            style,
            self.topological,
            source,
        )?))
    }
}
