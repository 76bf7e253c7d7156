//! `vol-clone`: a new volume with the contents of another, in the same pool.

use virtsh_commands::volume::VolClone;

use crate::commands::prelude::*;
use crate::commands::transfer::prealloc;
use crate::model::{Name, VolumeDef};
use crate::render::progress::Progress;

impl Run for VolClone {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.copy.reflink, "reflink")?;
        let conn = s.conn()?;
        let storage = conn.storage();
        let source = lookup::volume(&conn, Self::NAME, &self.vol, self.pool.as_deref())?;
        let pool = storage.pool_by_name(&source.pool)?;
        let mut def = VolumeDef::parse(&storage.vol_xml(&source)?)
            .map_err(|e| CmdError::Driver(Error::xml(e)))?;
        def.name = Name::new(&self.newname).map_err(|e| CmdError::message(e.to_string()))?;
        let xml = def.to_request_xml();
        if self.print_xml {
            return Ok(Outcome::Xml(xml));
        }
        let bar = Progress::fraction();
        let flags = prealloc(self.copy.prealloc_metadata);
        let cloned = storage.clone_volume(&pool, &xml, &source, flags, &|d, t| bar.set(d, t));
        bar.finish();
        cloned.map_err(|e| {
            CmdError::failed(format!("Failed to clone vol from {}", source.name), e)
        })?;
        message(format!("Vol {} cloned from {}", self.newname, source.name))
    }
}
