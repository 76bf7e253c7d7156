//! `managedsave`: save a running domain where the driver keeps it; `start` resumes it.

use virtsh_commands::domain::Managedsave;

use crate::commands::job::{JobDone, JobWatch};
use crate::commands::prelude::*;

impl Run for Managedsave {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let arg = &self.target.domain;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        let flags = restore_state(&self.state, false)?
            | SaveFlags::from_options([(self.bypass_cache, SaveFlags::BYPASS_CACHE)]);
        let watch = JobWatch::new(s, "Managedsave", self.verbose);
        conn.domains()
            .managed_save(&dom, flags, &|done, total| watch.progress(done, total))
            .map_err(|e| CmdError::failed(format!("Failed to save domain '{arg}' state"), e))?;
        watch.finished();
        Ok(Outcome::data(JobDone(format!(
            "Domain '{arg}' state saved by libvirt"
        ))))
    }
}
