//! `managedsave-define`: replace the domain XML of a domain's managed save image.

use virtsh_commands::domain::ManagedsaveDefine;

use crate::commands::prelude::*;

impl Run for ManagedsaveDefine {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = restore_state(&self.state, true)?;
        let conn = s.conn()?;
        // virsh reads the file before it looks the domain up.
        let xml = read_file(&crate::bytes::to_path(&self.xml))?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        conn.domains()
            .define_managed_save(&dom, &xml, flags)
            .map_err(|e| {
                CmdError::failed(
                    format!("Failed to update {} XML configuration", dom.name),
                    e,
                )
            })?;
        message(format!(
            "Managed save state file of domain '{}' updated.",
            dom.name
        ))
    }
}
