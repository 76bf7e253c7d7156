//! `start`: start an inactive domain (from its managed save image, when it has one and the
//! driver keeps one).

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
        let mut flags = StartFlags::from_options([
            (self.paused, StartFlags::PAUSED),
            (self.autodestroy, StartFlags::AUTODESTROY),
            (self.bypass_cache, StartFlags::BYPASS_CACHE),
            (self.force_boot, StartFlags::FORCE_BOOT),
            (self.reset_nvram, StartFlags::RESET_NVRAM),
        ]);
        let domains = conn.domains();
        // virsh's --force-boot where the driver lacks the flag: the managed save image goes,
        // then a plain start boots afresh. Any other failure is the driver's error alone.
        if flags.has(StartFlags::FORCE_BOOT) {
            match domains.start_domain(&dom, flags) {
                Ok(()) => return started(&dom),
                Err(e) if matches!(e.code, ErrorCode::InvalidArg | ErrorCode::NoSupport) => {}
                Err(e) => return Err(CmdError::Driver(e)),
            }
            if domains.domain_has_managed_save(&dom).unwrap_or(false) {
                domains.managed_save_remove(&dom)?;
            }
            flags = flags & !StartFlags::FORCE_BOOT;
        }
        domains
            .start_domain(&dom, flags)
            .map_err(|e| CmdError::failed(format!("Failed to start domain '{}'", dom.name), e))?;
        started(&dom)
    }
}

/// virsh names the domain by its name, whatever form the argument had.
fn started(dom: &DomainRef) -> Result<Outcome, CmdError> {
    message(format!("Domain '{}' started", dom.name))
}
