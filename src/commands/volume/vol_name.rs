//! `vol-name`: a volume's name, from its key or path.

use virtsh_commands::volume::VolName;

use crate::commands::prelude::*;

impl Run for VolName {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let storage = conn.storage();
        let vol = storage
            .vol_by_key(&self.vol)
            .or_else(|_| storage.vol_by_path(&self.vol))
            .map_err(|e| CmdError::failed(format!("failed to get vol '{}'", self.vol), e))?;
        Ok(Outcome::Value(Line::from(vol.name)))
    }
}
