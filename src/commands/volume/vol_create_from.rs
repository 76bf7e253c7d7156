//! `vol-create-from`: a new volume from an XML file, holding a copy of another volume.

use virtsh_commands::volume::VolCreateFrom;

use crate::commands::prelude::*;
use crate::commands::transfer::prealloc;
use crate::render::progress::Progress;

impl Run for VolCreateFrom {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.copy.reflink, "reflink")?;
        let conn = s.conn()?;
        let pool = lookup::pool(&conn, Self::NAME, &self.target.pool)?;
        let xml = read_file(&self.xml.file)?;
        let source = lookup::volume(&conn, Self::NAME, &self.vol, self.inputpool.as_deref())?;
        let bar = Progress::fraction();
        let flags = prealloc(self.copy.prealloc_metadata);
        let vol = conn
            .storage()
            .clone_volume(&pool, &xml, &source, flags, &|d, t| bar.set(d, t))
            .map_err(|e| {
                CmdError::failed(
                    format!("Failed to create vol from {}", self.xml.file.display()),
                    e,
                )
            });
        bar.finish();
        let vol = vol?;
        message(format!(
            "Vol {} created from input vol {}",
            vol.name, source.name
        ))
    }
}
