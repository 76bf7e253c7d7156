//! `desc`: show or set a domain's description or title.

use virtsh_commands::domain::Desc;

use crate::commands::common::describe;
use crate::commands::prelude::*;

impl Run for Desc {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let doms = conn.domains();
        let kind = |title: bool| {
            if title {
                MetadataKind::Title
            } else {
                MetadataKind::Description
            }
        };
        describe(
            &self.desc,
            ("domain", &dom.name),
            |title, flags| doms.domain_metadata(&dom, kind(title), flags),
            |title, text, flags| doms.set_domain_metadata(&dom, kind(title), text, flags),
        )
    }
}
