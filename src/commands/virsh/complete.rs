//! `complete` (hidden, as in virsh): completion candidates for a partial command line, one
//! per line; object names come from the connection when there is one. No candidate at all
//! fails without a message, as in virsh.

use virtsh_commands::virsh::Complete;

use crate::commands::prelude::*;
use crate::shell::completion::{complete, EmptyWord};

/// The candidates, one a line.
#[derive(Debug, serde::Serialize)]
struct Candidates {
    candidates: Vec<String>,
}

impl TextView for Candidates {
    fn text(&self, _quiet: bool) -> String {
        self.candidates.iter().map(|c| format!("{c}\n")).collect()
    }
}

impl Run for Complete {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn().ok();
        let candidates = complete(&self.string, conn.as_deref(), EmptyWord::Options);
        if candidates.is_empty() {
            return Err(CmdError::Silent);
        }
        Ok(Outcome::data(Candidates { candidates }))
    }
}
