//! `vol-upload`: a file's contents into a volume.

use virtsh_commands::volume::VolUpload;

use crate::commands::prelude::*;
use crate::commands::transfer::copy;

impl Run for VolUpload {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let t = &self.target;
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, &t.vol, t.pool.as_deref())?;
        let file = std::fs::File::open(&t.file).map_err(|e| {
            CmdError::Driver(Error::system(format!("cannot read {}", t.file.display()), &e))
        })?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let total = self.transfer.length.filter(|l| *l > 0).map_or(size, |l| l.min(size));
        let mut reader = std::io::Read::take(file, total);
        let mut sink = conn.storage().upload_volume(
            &vol,
            self.transfer.offset.unwrap_or(0),
            self.transfer.sparse,
        )?;
        copy(&mut reader, &mut sink, self.transfer.sparse, total)
            .and_then(|_| sink.finish())
            .map_err(|e| CmdError::failed(format!("cannot send data to volume {}", t.vol), e))?;
        Ok(Outcome::Nothing)
    }
}
