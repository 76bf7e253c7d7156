//! `checkpoint-edit`: a checkpoint's XML in the user's editor, redefined; a checkpoint cannot
//! be renamed this way.

use virtsh_commands::checkpoint::CheckpointEdit;

use crate::commands::edit::{edit_xml, Edited, Subject};
use crate::commands::moments::failed_update;
use crate::commands::prelude::*;

impl Run for CheckpointEdit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let chks = conn.checkpoints();
        let chk = chks.checkpoint_by_name(&dom, &self.checkpointname)?;
        let name = chk.name.clone();
        let xml = chks
            .checkpoint_xml(&chk, CheckpointXmlFlags::SECURE)
            .map_err(|e| failed_update(e.into(), &name))?;
        let subject = Subject {
            relax: false,
            xml,
            define: &|x| {
                chks.create_checkpoint(&dom, x, CheckpointCreateFlags::REDEFINE)
                    .map(|c| c.name)
            },
            failure_goes_on: false,
        };
        let edited = match edit_xml(s, &subject, false).map_err(|e| failed_update(e, &name))? {
            Edited::Unchanged => {
                return message(format!("Checkpoint {name} XML configuration not changed."))
            }
            // Without `failure_goes_on` a failed define is an error, never this.
            Edited::Defined(n) => n,
            Edited::WentOn => return Err(CmdError::Silent),
        };
        if edited == name {
            return message(format!("Checkpoint {name} edited."));
        }
        // The new name's checkpoint goes again: a checkpoint keeps its name.
        let doomed = CheckpointRef::new(dom.clone(), edited.clone());
        let failed = format!("Failed to update {name}");
        if let Err(e) = chks.delete_checkpoint(&doomed, CheckpointDeleteFlags::METADATA_ONLY) {
            return Err(CmdError::Messages(vec![
                e.to_string(),
                format!("Failed to clean up {edited}"),
                failed,
            ]));
        }
        Err(CmdError::Messages(vec![
            format!("Cannot rename checkpoint {name} to {edited}"),
            failed,
        ]))
    }
}
