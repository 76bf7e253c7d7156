//! `vol-create`: create a volume from an XML file.

use virtsh_commands::volume::VolCreate;

use crate::commands::prelude::*;
use crate::commands::transfer::prealloc;

impl Run for VolCreate {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let pool = lookup::pool(&conn, Self::NAME, &self.pool)?;
        let xml = read_file(&self.xml.file)?;
        let file = self.xml.file.display();
        let vol = conn
            .storage()
            .create_volume(&pool, &xml, prealloc(self.prealloc_metadata))
            .map_err(|e| CmdError::failed(format!("Failed to create vol from {file}"), e))?;
        message(Line::from(format!("Vol {} created from ", vol.name)).with_path(&self.xml.file))
    }
}
