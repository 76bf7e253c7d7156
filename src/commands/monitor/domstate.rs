//! `domstate`: a domain's state, with its reason on request.

use serde::Serialize;
use virtsh_commands::monitor::Domstate;

use crate::commands::prelude::*;

impl Run for Domstate {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let state = conn.domains().domain_state(&dom)?;
        Ok(Outcome::data(StateView {
            state: state.text(),
            reason: state.reason_text(),
            show_reason: self.reason,
        }))
    }
}

#[derive(Debug, Serialize)]
struct StateView {
    state: &'static str,
    reason: &'static str,
    #[serde(skip)]
    show_reason: bool,
}

impl TextView for StateView {
    fn text(&self, _: bool) -> String {
        if self.show_reason {
            format!("{} ({})\n", self.state, self.reason)
        } else {
            format!("{}\n", self.state)
        }
    }
}
