//! `autostart-all` (virtsh's own; there is no daemon to do it): starts the inactive pools,
//! then the inactive domains, marked autostart, and reports each.

use virtsh_commands::domain::AutostartAll;

use crate::commands::prelude::*;

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
                Err(e) => failed.push(format!("pool {}: {e}", pool.name)),
            }
        }
        let flags = DomainListFlags::INACTIVE | DomainListFlags::AUTOSTART;
        for dom in conn.domains().list_domains(flags)? {
            match conn.domains().start_domain(&dom, StartFlags::default()) {
                Ok(()) => started.push(format!("Domain '{}' started", dom.name)),
                Err(e) => failed.push(format!("domain '{}': {e}", dom.name)),
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
            Outcome::Message(started.join("\n"))
        })
    }
}
