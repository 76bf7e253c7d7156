//! `managedsave-remove`: drop a domain's managed save image (its next start boots afresh).

use virtsh_commands::domain::ManagedsaveRemove;

use crate::commands::prelude::*;

impl Run for ManagedsaveRemove {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let arg = &self.target.domain;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        let domains = conn.domains();
        let saved = domains
            .domain_has_managed_save(&dom)
            .map_err(|e| CmdError::failed("Failed to check for domain managed save image", e))?;
        // virsh's lines have no newline of their own (and "manage" is its word).
        if !saved {
            return Ok(Outcome::Note(format!(
                "Domain '{arg}' has no manage save image; removal skipped"
            )));
        }
        domains.managed_save_remove(&dom).map_err(|e| {
            CmdError::failed(
                format!("Failed to remove managed save image for domain '{arg}'"),
                e,
            )
        })?;
        Ok(Outcome::Note(format!(
            "Removed managedsave image for domain '{arg}'"
        )))
    }
}
