//! `domuuid`: a domain's UUID, from its name or id.

use virtsh_commands::domain::Domuuid;

use crate::commands::prelude::*;

impl Run for Domuuid {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let dom = lookup::domain(&*s.conn()?, Self::NAME, &self.domain, By::ID_NAME)?;
        Ok(Outcome::Value(Line::from(dom.uuid.to_string())))
    }
}
