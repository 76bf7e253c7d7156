//! `domrename`: rename an inactive domain.

use virtsh_commands::domain::Domrename;

use crate::commands::prelude::*;

impl Run for Domrename {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.domain, By::NAME_UUID)?;
        conn.domains().rename_domain(&dom, &self.new_name)?;
        message("Domain successfully renamed")
    }
}
