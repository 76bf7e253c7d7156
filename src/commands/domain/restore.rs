//! `restore`: start the domain a save image holds.

use virtsh_commands::domain::Restore;
use virtsh_commands::num;

use crate::commands::prelude::*;

impl Run for Restore {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let flags = restore_state(&self.state, false)?
            | SaveFlags::from_options([
                (self.bypass_cache, SaveFlags::BYPASS_CACHE),
                (self.reset_nvram, SaveFlags::RESET_NVRAM),
            ]);
        // virsh reads the XML file before the number, the other way round from `save`.
        let xml = match &self.xml {
            Some(f) => Some(read_file(&crate::bytes::to_path(f))?),
            None => None,
        };
        let channels = match &self.parallel_channels {
            Some(text) => Some(number(text, "parallel-channels", num::signed::<i32>)?),
            None => None,
        };
        let domains = conn.domains();
        let from = &self.file;
        let restored = if channels.is_some() {
            let params = SaveParams {
                parallel_channels: channels,
                file: Some(from.clone()),
                dxml: xml,
                ..SaveParams::default()
            };
            domains.restore_domain_params(&params, flags)
        } else if flags.0 != 0 || xml.is_some() {
            domains.restore_domain_flags(from, xml.as_deref(), flags)
        } else {
            domains.restore_domain(from)
        };
        restored
            .map_err(|e| CmdError::failed(format!("Failed to restore domain from {from}"), e))?;
        message(format!("Domain restored from {from}"))
    }
}
