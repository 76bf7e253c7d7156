//! `vol-download`: a volume's contents into a file.

use virtsh_commands::volume::VolDownload;

use crate::commands::prelude::*;
use crate::commands::transfer::copy;

impl Run for VolDownload {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let t = &self.target;
        let conn = s.conn()?;
        let storage = conn.storage();
        let vol = lookup::volume(&conn, Self::NAME, &t.vol, t.pool.as_deref())?;
        let offset = self.transfer.offset.unwrap_or(0);
        let total = storage
            .vol_info(&vol)
            .map(|i| i.capacity.saturating_sub(offset))
            .unwrap_or(0);
        let total = self.transfer.length.filter(|l| *l > 0).map_or(total, |l| l.min(total));
        let mut reader = storage.download_volume(
            &vol,
            offset,
            self.transfer.length.unwrap_or(0),
            self.transfer.sparse,
        )?;
        let mut file = std::fs::File::create(&t.file).map_err(|e| {
            CmdError::Driver(Error::system(format!("cannot create {}", t.file.display()), &e))
        })?;
        copy(&mut reader, &mut file, self.transfer.sparse, total).map_err(|e| {
            CmdError::failed(format!("cannot receive data from volume {}", t.vol), e)
        })?;
        Ok(Outcome::Nothing)
    }
}
