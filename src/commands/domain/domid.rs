//! `domid`: a domain's id, from its name or UUID (`-` when it is not running).

use virtsh_commands::domain::Domid;

use crate::commands::prelude::*;

impl Run for Domid {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let dom = lookup::domain(&*s.conn()?, Self::NAME, &self.domain, By::NAME_UUID)?;
        Ok(Outcome::Value(Line::from(
            dom.id.map_or("-".into(), |i| i.to_string()),
        )))
    }
}
