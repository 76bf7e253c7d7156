//! `desc`: show or set a domain's description or title.

use virtsh_commands::domain::Desc;

use crate::commands::prelude::*;

impl Run for Desc {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.edit, "edit")?;
        let flags = modify_flags(self.current, self.live, self.config)?.unwrap_or_default();
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let (kind, what) = if self.title {
            (MetadataKind::Title, "title")
        } else {
            (MetadataKind::Description, "description")
        };
        if self.new_desc.is_empty() {
            return Ok(match conn.domains().domain_metadata(&dom, kind, flags)? {
                Some(text) => Outcome::text(text),
                None => Outcome::Note(format!("No {what} for domain: {}", dom.name)),
            });
        }
        let text = self.new_desc.join(" ");
        conn.domains()
            .set_domain_metadata(&dom, kind, Some(&text), flags)
            .map_err(|e| CmdError::failed(format!("Failed to set new domain {what}"), e))?;
        Ok(Outcome::Note(format!("Domain {what} updated successfully")))
    }
}
