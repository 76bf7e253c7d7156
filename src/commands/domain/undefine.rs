//! `undefine`: remove a domain's persistent definition.

use virtsh_commands::domain::Undefine;

use crate::commands::prelude::*;

impl Run for Undefine {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.storage.is_some(), "storage")?;
        refuse(self.remove_all_storage, "remove-all-storage")?;
        refuse(self.wipe_storage, "wipe-storage")?;
        let arg = &self.target.domain;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        conn.domains()
            .undefine_domain(&dom)
            .map_err(|e| CmdError::failed(format!("Failed to undefine domain '{arg}'"), e))?;
        message(format!("Domain '{arg}' has been undefined"))
    }
}
