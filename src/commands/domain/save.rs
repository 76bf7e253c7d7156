//! `save`: save a running domain's memory to a file; the domain stops.

use virtsh_commands::domain::Save;
use virtsh_commands::num;

use crate::commands::job::{JobDone, JobWatch};
use crate::commands::prelude::*;

impl Run for Save {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let arg = &self.target.domain;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        let flags = restore_state(&self.state, false)?
            | SaveFlags::from_options([(self.bypass_cache, SaveFlags::BYPASS_CACHE)]);
        let channels = match &self.parallel_channels {
            Some(text) => Some(number(text, "parallel-channels", num::signed::<i32>)?),
            None => None,
        };
        let xml = match &self.xml {
            Some(f) => Some(read_file(&crate::bytes::to_path(f))?),
            None => None,
        };
        let watch = JobWatch::new(s, "Save", self.verbose);
        let progress = |done, total| watch.progress(done, total);
        let domains = conn.domains();
        // As virsh: parameters need the newest call, flags or another XML the one before.
        let saved = if channels.is_some() || self.image_format.is_some() {
            let params = SaveParams {
                parallel_channels: channels,
                image_format: self.image_format.clone(),
                file: Some(self.file.clone()),
                dxml: xml,
            };
            domains.save_domain_params(&dom, &params, flags, &progress)
        } else if flags.0 != 0 || xml.is_some() {
            domains.save_domain_flags(&dom, &self.file, xml.as_deref(), flags, &progress)
        } else {
            domains.save_domain(&dom, &self.file, &progress)
        };
        saved.map_err(|e| {
            CmdError::failed(format!("Failed to save domain '{arg}' to {}", self.file), e)
        })?;
        watch.finished();
        Ok(Outcome::data(JobDone(format!(
            "Domain '{arg}' saved to {}",
            self.file
        ))))
    }
}
