//! `vol-create-as`: create a volume from arguments.

use virtsh_commands::volume::VolCreateAs;

use crate::commands::prelude::*;
use crate::commands::transfer::{prealloc, vol_size};
use crate::model::{Name, VolumeDef};

impl Run for VolCreateAs {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(
            self.backing_vol.is_some() || self.backing_vol_format.is_some(),
            "backing-vol",
        )?;
        let conn = s.conn()?;
        let pool = lookup::pool(&conn, Self::NAME, &self.pool)?;
        let def = VolumeDef {
            name: Name::new(&self.name).map_err(|e| CmdError::message(e.to_string()))?,
            capacity: vol_size(&self.capacity)?,
            allocation: self.allocation.as_deref().map(vol_size).transpose()?,
            format: self.format.clone(),
        };
        let xml = def.to_request_xml();
        if self.print_xml {
            return Ok(Outcome::Xml(xml));
        }
        conn.storage()
            .create_volume(&pool, &xml, prealloc(self.prealloc_metadata))
            .map_err(|e| CmdError::failed(format!("Failed to create vol {}", self.name), e))?;
        message(format!("Vol {} created", self.name))
    }
}
