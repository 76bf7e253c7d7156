//! `checkpoint-create`: a checkpoint from an XML document (an empty one when no file is
//! given).

use virtsh_commands::checkpoint::CheckpointCreate;

use crate::commands::moments::{created, xml_argument};
use crate::commands::prelude::*;

impl Run for CheckpointCreate {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        if self.redefine_validate && !self.redefine {
            return Err(CmdError::message(
                "Option --redefine is required by option --redefine-validate",
            ));
        }
        type F = CheckpointCreateFlags;
        let flags = F::from_options([
            (self.redefine, F::REDEFINE),
            (self.redefine_validate, F::REDEFINE_VALIDATE),
            (self.quiesce, F::QUIESCE),
        ]);
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let file = self.xmlfile.as_deref();
        let xml = xml_argument(file, "<domaincheckpoint/>")?;
        let chk = conn.checkpoints().create_checkpoint(&dom, &xml, flags)?;
        Ok(created("checkpoint", &chk.name, file))
    }
}
