//! `save-image-define`: replace the domain XML a save image holds.

use virtsh_commands::domain::SaveImageDefine;

use crate::commands::prelude::*;

impl Run for SaveImageDefine {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let flags = restore_state(&self.state, false)?;
        let xml = read_file(&crate::bytes::to_path(&self.xml))?;
        let file = &self.file;
        conn.domains()
            .define_save_image(file, &xml, flags)
            .map_err(|e| CmdError::failed(format!("Failed to update {file}"), e))?;
        message(format!("State file {file} updated."))
    }
}
