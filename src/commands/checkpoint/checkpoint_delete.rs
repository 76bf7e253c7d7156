//! `checkpoint-delete`: a checkpoint, its children, or both.

use virtsh_commands::checkpoint::CheckpointDelete;

use crate::commands::prelude::*;

impl Run for CheckpointDelete {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let chks = conn.checkpoints();
        let chk = chks.checkpoint_by_name(&dom, &self.checkpointname)?;
        type F = CheckpointDeleteFlags;
        let flags = F::from_options([
            (self.children, F::CHILDREN),
            (self.children_only, F::CHILDREN_ONLY),
            (self.metadata, F::METADATA_ONLY),
        ]);
        chks.delete_checkpoint(&chk, flags).map_err(|e| {
            CmdError::failed(format!("Failed to delete checkpoint {}", chk.name), e)
        })?;
        let what = if self.children_only {
            "children deleted"
        } else {
            "deleted"
        };
        message(format!("Domain checkpoint {} {what}", chk.name))
    }
}
