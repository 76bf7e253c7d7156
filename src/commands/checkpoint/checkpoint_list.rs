//! `checkpoint-list`: a domain's checkpoints, or those below one, as a table, names or a
//! tree.

use virtsh_commands::checkpoint::CheckpointList;

use crate::commands::moments::{
    check_list_options, checkpoint_parent, collect, ListOptions, Source, Style,
};
use crate::commands::prelude::*;

impl Run for CheckpointList {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let from = self.from.is_some();
        let options = ListOptions {
            tree: self.tree,
            name: self.name,
            parent: self.parent,
            roots: self.roots,
            from,
            current: None,
        };
        check_list_options(
            options,
            &[(self.leaves, "leaves"), (self.no_leaves, "no-leaves")],
        )?;
        type F = CheckpointListFlags;
        let mut flags = F::from_options([(self.leaves, F::LEAVES), (self.no_leaves, F::NO_LEAVES)]);
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
        let style = Style::of(self.tree, self.name, self.parent, false);
        let named = |name: &str| CheckpointRef::new(dom.clone(), name);
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
