//! `domcontrol`: the state of a domain's control interface.

use virtsh_commands::monitor::Domcontrol;

use crate::commands::prelude::*;

impl Run for Domcontrol {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        Ok(Outcome::Value(Line::from(
            conn.domains().domain_control(&dom)?.text(),
        )))
    }
}
