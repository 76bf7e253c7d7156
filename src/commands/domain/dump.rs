//! `dump`: write a domain's core (or memory) to a file.

use virtsh_commands::domain::{Dump, DUMP_FORMATS};

use crate::commands::job::{JobDone, JobWatch};
use crate::commands::prelude::*;

impl Run for Dump {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let arg = &self.target.domain;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        let flags = DumpFlags::from_options([
            (self.live, DumpFlags::LIVE),
            (self.crash, DumpFlags::CRASH),
            (self.bypass_cache, DumpFlags::BYPASS_CACHE),
            (self.reset, DumpFlags::RESET),
            (self.memory_only, DumpFlags::MEMORY_ONLY),
        ]);
        let format = match &self.format {
            None => DUMP_FORMAT_RAW,
            Some(_) if !self.memory_only => {
                return Err(CmdError::message("--format only works with --memory-only"))
            }
            // Read quietly, as virsh reads it: an empty one is none.
            Some(f) if f.is_empty() => DUMP_FORMAT_RAW,
            Some(f) => DUMP_FORMATS.iter().position(|n| n == f).ok_or_else(|| {
                CmdError::message(format!(
                    "format '{f}' is not supported, expecting 'kdump-zlib', 'kdump-lzo', 'kdump-snappy', 'win-dmp' or 'elf'"
                ))
            })? as u32,
        };
        let watch = JobWatch::new(s, "Dump", self.verbose);
        let progress = |done, total| watch.progress(done, total);
        let domains = conn.domains();
        let to = &self.file;
        let dumped = match format {
            DUMP_FORMAT_RAW => domains.core_dump(&dom, to, flags, &progress),
            f => domains.core_dump_with_format(&dom, to, f, flags, &progress),
        };
        dumped.map_err(|e| {
            CmdError::failed(format!("Failed to core dump domain '{arg}' to {to}"), e)
        })?;
        watch.finished();
        Ok(Outcome::data(JobDone(format!(
            "Domain '{arg}' dumped to {to}"
        ))))
    }
}
