//! `autostart-all` (virtsh's own; there is no daemon to do it): starts the inactive pools,
//! then the inactive domains, marked autostart (a domain marked for the next boot only loses
//! that mark once started), and reports each. What another process started meanwhile counts
//! as started: two runs at once both succeed.

use virtsh_commands::domain::AutostartAll;

use crate::commands::prelude::*;
use crate::error::ErrorCode;

/// An error that says the object is running already.
fn already_running(e: &Error) -> bool {
    e.code == ErrorCode::OperationInvalid && e.message.contains("already")
}

impl Run for AutostartAll {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let mut started = Vec::new();
        let mut failed = Vec::new();
        let pools = conn
            .storage()
            .list_pools(PoolListFlags::INACTIVE | PoolListFlags::AUTOSTART);
        // A driver without storage has no pools to start.
        for pool in pools.unwrap_or_default() {
            match conn.storage().start_pool(&pool, BuildFlags::default()) {
                Ok(()) => started.push(format!("Pool {} started", pool.name)),
                Err(e) if already_running(&e) => {}
                Err(e) => failed.push(format!("pool {}: {e}", pool.name)),
            }
        }
        let domains = conn.domains();
        for dom in domains.list_domains(DomainListFlags::INACTIVE)? {
            let once = domains.domain_autostart_once(&dom).unwrap_or(false);
            if !once && !domains.domain_autostart(&dom)? {
                continue;
            }
            match domains.start_domain(&dom, StartFlags::default()) {
                Ok(()) => started.push(format!("Domain '{}' started", dom.name)),
                Err(e) if already_running(&e) => {}
                Err(e) => failed.push(format!("domain '{}': {e}", dom.name)),
            }
            if once {
                if let Err(e) = domains.set_domain_autostart_once(&dom, false) {
                    failed.push(format!("domain '{}': {e}", dom.name));
                }
            }
        }
        if !failed.is_empty() {
            return Err(CmdError::message(format!(
                "autostart failed for {}",
                failed.join("; ")
            )));
        }
        Ok(if started.is_empty() {
            Outcome::Nothing
        } else {
            Outcome::Message(Line::from(started.join("\n")))
        })
    }
}
