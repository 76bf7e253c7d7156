//! `create`: create and start a transient domain from an XML file.

use virtsh_commands::domain::Create;

use crate::commands::prelude::*;

impl Run for Create {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.console, "console")?;
        refuse(self.pass_fds.is_some(), "pass-fds")?;
        let xml = read_file(&self.xml.file)?;
        let flags = StartFlags::from_options([
            (self.paused, StartFlags::PAUSED),
            (self.autodestroy, StartFlags::AUTODESTROY),
            (self.validate, StartFlags::VALIDATE),
            (self.reset_nvram, StartFlags::RESET_NVRAM),
        ]);
        let file = self.xml.file.display();
        let dom = s
            .conn()?
            .domains()
            .create_domain(&xml, flags)
            .map_err(|e| CmdError::failed(format!("Failed to create domain from {file}"), e))?;
        message(
            Line::from(format!("Domain '{}' created from ", dom.name)).with_path(&self.xml.file),
        )
    }
}
