//! `vol-key`: a volume's key.

use virtsh_commands::volume::VolKey;

use crate::commands::prelude::*;

impl Run for VolKey {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let vol = lookup::volume(&*s.conn()?, Self::NAME, &self.vol, self.pool.as_deref())?;
        Ok(Outcome::Value(Line::from(vol.key)))
    }
}
