//! `vol-delete`: delete a volume.

use virtsh_commands::volume::VolDelete;

use crate::commands::prelude::*;

impl Run for VolDelete {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let arg = &self.target.vol;
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, arg, self.target.pool.as_deref())?;
        conn.storage()
            .delete_volume(
                &vol,
                VolDeleteFlags::from_options([(
                    self.delete_snapshots,
                    VolDeleteFlags::WITH_SNAPSHOTS,
                )]),
            )
            .map_err(|e| CmdError::failed(format!("Failed to delete vol {arg}"), e))?;
        message(format!("Vol {arg} deleted"))
    }
}
