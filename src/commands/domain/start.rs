//! `start`: start an inactive domain.

use virtsh_commands::domain::Start;

use crate::commands::prelude::*;

impl Run for Start {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.console, "console")?;
        refuse(self.pass_fds.is_some(), "pass-fds")?;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.domain, By::NAME_UUID)?;
        if dom.id.is_some() {
            return Err(CmdError::message("Domain is already active"));
        }
        let flags = StartFlags::from_options([
            (self.paused, StartFlags::PAUSED),
            (self.autodestroy, StartFlags::AUTODESTROY),
            (self.bypass_cache, StartFlags::BYPASS_CACHE),
            (self.force_boot, StartFlags::FORCE_BOOT),
            (self.reset_nvram, StartFlags::RESET_NVRAM),
        ]);
        let domains = conn.domains();
        let started = match domains.start_domain(&dom, flags) {
            // virsh's --force-boot where the driver lacks the flag: a managed save (none here)
            // is what it discards, so without it the plain start is the same.
            Err(e)
                if flags.has(StartFlags::FORCE_BOOT)
                    && matches!(e.code, ErrorCode::InvalidArg | ErrorCode::NoSupport) =>
            {
                domains.start_domain(&dom, flags & !StartFlags::FORCE_BOOT)
            }
            other => other,
        };
        started.map_err(|e| {
            CmdError::failed(format!("Failed to start domain '{}'", self.domain), e)
        })?;
        message(format!("Domain '{}' started", self.domain))
    }
}
