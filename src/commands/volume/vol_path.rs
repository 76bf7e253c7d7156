//! `vol-path`: a volume's path.

use virtsh_commands::volume::VolPath;

use crate::commands::prelude::*;

impl Run for VolPath {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, &self.vol, self.pool.as_deref())?;
        Ok(Outcome::Value(Line::from(conn.storage().vol_path(&vol)?)))
    }
}
