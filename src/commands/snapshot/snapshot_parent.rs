//! `snapshot-parent`: the name of a snapshot's parent.

use virtsh_commands::snapshot::SnapshotParent;

use crate::commands::moments::{snapshot_arg, snapshot_parent};
use crate::commands::prelude::*;

impl Run for SnapshotParent {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let name = self.snapshotname.as_deref();
        let snap = snapshot_arg(&conn, &dom, ("snapshotname", name), self.current, true)?;
        let Some(parent) = snapshot_parent(&conn, &snap)? else {
            return Err(CmdError::message(format!(
                "snapshot '{}' has no parent",
                snap.name
            )));
        };
        Ok(Outcome::data(NamedText {
            name: "parent",
            value: Some(parent),
            newline: false,
        }))
    }
}
