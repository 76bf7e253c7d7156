//! `snapshot-delete`: a snapshot, its children, or both.

use virtsh_commands::snapshot::SnapshotDelete;

use crate::commands::moments::snapshot_arg;
use crate::commands::prelude::*;

impl Run for SnapshotDelete {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let name = self.snapshotname.as_deref();
        let snap = snapshot_arg(&conn, &dom, ("snapshotname", name), self.current, true)?;
        type F = SnapshotDeleteFlags;
        let flags = F::from_options([
            (self.children, F::CHILDREN),
            (self.children_only, F::CHILDREN_ONLY),
            (self.metadata, F::METADATA_ONLY),
        ]);
        conn.snapshots()
            .delete_snapshot(&snap, flags)
            .map_err(|e| CmdError::failed(format!("Failed to delete snapshot {}", snap.name), e))?;
        let what = if self.children_only {
            "children deleted"
        } else {
            "deleted"
        };
        message(format!("Domain snapshot {} {what}", snap.name))
    }
}
