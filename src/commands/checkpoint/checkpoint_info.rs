//! `checkpoint-info`: a checkpoint's place in the tree.

use serde::Serialize;
use virtsh_commands::checkpoint::CheckpointInfo;

use crate::commands::moments::checkpoint_parent;
use crate::commands::prelude::*;

#[derive(Debug, Serialize)]
struct InfoView {
    name: String,
    domain: String,
    parent: Option<String>,
    children: Option<u32>,
    descendants: Option<u32>,
}

impl TextView for InfoView {
    fn text(&self, _quiet: bool) -> String {
        let mut out = String::new();
        field(&mut out, "Name:", &self.name);
        field(&mut out, "Domain:", &self.domain);
        field(&mut out, "Parent:", self.parent.as_deref().unwrap_or("-"));
        if let Some(c) = self.children {
            field(&mut out, "Children:", &c.to_string());
        }
        if let Some(d) = self.descendants {
            field(&mut out, "Descendants:", &d.to_string());
        }
        out
    }
}

impl Run for CheckpointInfo {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let chks = conn.checkpoints();
        let chk = chks.checkpoint_by_name(&dom, &self.checkpointname)?;
        let mut view = InfoView {
            name: chk.name.clone(),
            domain: dom.name.clone(),
            parent: None,
            children: None,
            descendants: None,
        };
        let head = |view: &InfoView| TextView::text(view, false).into_bytes();
        view.parent = checkpoint_parent(&conn, &chk).map_err(|e| {
            let mut lines = e.lines();
            lines.push("unexpected problem querying checkpoint state".into());
            CmdError::after_output(head(&view), Some(CmdError::Messages(lines)))
        })?;
        match chks.checkpoint_child_count(&chk, CheckpointListFlags::default()) {
            Ok(c) => view.children = Some(c),
            // A server without the call: virsh stops here, content.
            Err(e) if e.code == ErrorCode::NoSupport => return Ok(Outcome::data(view)),
            Err(e) => return Err(CmdError::after_output(head(&view), Some(e.into()))),
        }
        match chks.checkpoint_child_count(&chk, CheckpointListFlags::DESCENDANTS) {
            Ok(c) => view.descendants = Some(c),
            Err(e) => return Err(CmdError::after_output(head(&view), Some(e.into()))),
        }
        Ok(Outcome::data(view))
    }
}
