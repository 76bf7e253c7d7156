//! `domname`: a domain's name, from its id or UUID.

use virtsh_commands::domain::Domname;

use crate::commands::prelude::*;

impl Run for Domname {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let dom = lookup::domain(&*s.conn()?, Self::NAME, &self.domain, By::ID_UUID)?;
        Ok(Outcome::Value(Line::from(dom.name)))
    }
}
