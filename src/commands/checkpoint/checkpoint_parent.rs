//! `checkpoint-parent`: the name of a checkpoint's parent.

use virtsh_commands::checkpoint::CheckpointParent;

use crate::commands::moments::checkpoint_parent;
use crate::commands::prelude::*;

impl Run for CheckpointParent {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let chk = conn
            .checkpoints()
            .checkpoint_by_name(&dom, &self.checkpointname)?;
        let Some(parent) = checkpoint_parent(&conn, &chk)? else {
            return Err(CmdError::message(format!(
                "checkpoint '{}' has no parent",
                chk.name
            )));
        };
        Ok(Outcome::data(NamedText {
            name: "parent",
            value: Some(parent),
            newline: false,
        }))
    }
}
