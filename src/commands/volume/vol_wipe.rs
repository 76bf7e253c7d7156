//! `vol-wipe`: overwrite a volume's contents.

use virtsh_commands::volume::{VolWipe, WIPE_ALGORITHMS};

use crate::commands::prelude::*;
use crate::render::progress::Progress;

impl Run for VolWipe {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        // libvirt's `virStorageVolWipeAlgorithm` numbers are the list's order.
        let algorithm = match &self.algorithm {
            None => 0,
            Some(a) => WIPE_ALGORITHMS
                .iter()
                .position(|n| n == a)
                .ok_or_else(|| CmdError::message(format!("Unsupported algorithm '{a}'")))?
                as u32,
        };
        let arg = &self.target.vol;
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, arg, self.target.pool.as_deref())?;
        let bar = Progress::bytes(0);
        let wiped = conn
            .storage()
            .wipe_volume(&vol, algorithm, &|d, t| bar.set(d, t));
        bar.finish();
        wiped.map_err(|e| CmdError::failed(format!("Failed to wipe vol {arg}"), e))?;
        message(format!("Vol {arg} wiped"))
    }
}
