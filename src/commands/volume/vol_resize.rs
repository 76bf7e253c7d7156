//! `vol-resize`: change a volume's capacity.

use virtsh_commands::volume::VolResize;

use crate::commands::prelude::*;
use crate::commands::transfer::vol_size;

impl Run for VolResize {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let mut flags = ResizeFlags::from_options([
            (self.allocate, ResizeFlags::ALLOCATE),
            (self.delta, ResizeFlags::DELTA),
            (self.shrink, ResizeFlags::SHRINK),
        ]);
        let size_text = match self.capacity.strip_prefix('-') {
            Some(rest) => {
                if !self.shrink {
                    return Err(CmdError::message("negative size requires --shrink"));
                }
                flags |= ResizeFlags::DELTA;
                rest
            }
            None => self.capacity.as_str(),
        };
        let capacity = vol_size(size_text)?;
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, &self.vol, self.pool.as_deref())?;
        // As virsh: the volume's own name, the size without its sign, and "by" for a delta
        // (given, or implied by a negative size).
        let (name, size) = (&vol.name, size_text);
        let by = if flags.has(ResizeFlags::DELTA) {
            "by"
        } else {
            "to"
        };
        conn.storage()
            .resize_volume(&vol, capacity, flags)
            .map_err(|e| {
                CmdError::failed(
                    format!("Failed to change size of volume '{name}' {by} {size}"),
                    e,
                )
            })?;
        message(format!(
            "Size of volume '{name}' successfully changed {by} {size}"
        ))
    }
}
