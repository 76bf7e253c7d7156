//! `vol-upload`: a file's contents into a volume, with virsh's messages.

use virtsh_commands::volume::VolUpload;

use crate::commands::prelude::*;
use crate::commands::transfer::copy;

impl Run for VolUpload {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let t = &self.target;
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, &t.vol, t.pool.as_deref())?;
        let file = std::fs::File::open(&t.file)
            .map_err(|_| CmdError::message(format!("cannot read {}", t.file.display())))?;
        let size = file
            .metadata()
            .map_err(|_| CmdError::message(format!("unable to stat {}", t.file.display())))?
            .len();
        let length = self.transfer.length.unwrap_or(0);
        let total = if length > 0 { length.min(size) } else { size };
        let mut reader = std::io::Read::take(file, total);
        let mut sink = conn
            .storage()
            .upload_volume(
                &vol,
                self.transfer.offset.unwrap_or(0),
                self.transfer.sparse,
            )
            .map_err(|e| CmdError::failed(format!("cannot upload to volume {}", t.vol), e))?;
        copy(&mut reader, &mut sink, self.transfer.sparse, total)
            .map_err(|e| CmdError::failed(format!("cannot send data to volume {}", t.vol), e))?;
        sink.finish()
            .map_err(|e| CmdError::failed(format!("cannot close volume {}", t.vol), e))?;
        Ok(Outcome::Nothing)
    }
}
