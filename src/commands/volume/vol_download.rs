//! `vol-download`: a volume's contents into a file, in virsh's order (the file is made before
//! the download starts, and removed again when it was made and the download failed) and with
//! its messages.

use std::os::unix::fs::OpenOptionsExt;

use virtsh_commands::volume::VolDownload;

use crate::commands::prelude::*;
use crate::commands::transfer::copy;

impl Run for VolDownload {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let t = &self.target;
        let conn = s.conn()?;
        let storage = conn.storage();
        let vol = lookup::volume(&conn, Self::NAME, &t.vol, t.pool.as_deref())?;
        let cannot_create = || CmdError::message(format!("cannot create {}", t.file.display()));
        let new = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&t.file);
        let (mut file, created) = match new {
            Ok(f) => (f, true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(&t.file)
                    .map_err(|_| cannot_create())?;
                (f, false)
            }
            Err(_) => return Err(cannot_create()),
        };
        let downloaded = (|| {
            let offset = self.transfer.offset.unwrap_or(0);
            let length = self.transfer.length.unwrap_or(0);
            let mut reader = storage
                .download_volume(&vol, offset, length, self.transfer.sparse)
                .map_err(|e| {
                    CmdError::failed(format!("cannot download from volume {}", t.vol), e)
                })?;
            let total = storage
                .vol_info(&vol)
                .map(|i| i.capacity.saturating_sub(offset))
                .unwrap_or(0);
            let total = if length > 0 { length.min(total) } else { total };
            copy(&mut reader, &mut file, self.transfer.sparse, total).map_err(|e| {
                CmdError::failed(format!("cannot receive data from volume {}", t.vol), e)
            })?;
            file.sync_all().map_err(|e| {
                CmdError::failed(
                    format!("cannot close file {}", t.file.display()),
                    Error::system("cannot close", &e),
                )
            })
        })();
        if downloaded.is_err() && created {
            let _ = std::fs::remove_file(&t.file);
        }
        downloaded.map(|()| Outcome::Nothing)
    }
}
