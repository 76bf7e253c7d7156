//! `checkpoint-dumpxml`: a checkpoint's XML, whole or what `--xpath` selects.

use virtsh_commands::checkpoint::CheckpointDumpxml;

use crate::commands::prelude::*;

impl Run for CheckpointDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        type F = CheckpointXmlFlags;
        let flags = F::from_options([
            (self.security_info, F::SECURE),
            (self.no_domain, F::NO_DOMAIN),
            (self.size, F::SIZE),
        ]);
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let chks = conn.checkpoints();
        let chk = chks.checkpoint_by_name(&dom, &self.checkpointname)?;
        dump_xml(chks.checkpoint_xml(&chk, flags)?, &self.xpath)
    }
}
