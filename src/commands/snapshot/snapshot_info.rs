//! `snapshot-info`: what a snapshot is: its state, where it lives, its place in the tree.

use serde::Serialize;
use virtsh_commands::snapshot::SnapshotInfo;

use crate::commands::moments::snapshot_arg;
use crate::commands::prelude::*;
use crate::model::moment;

#[derive(Debug, Serialize)]
struct InfoView {
    name: String,
    domain: String,
    current: bool,
    state: Option<String>,
    location: Option<&'static str>,
    parent: Option<String>,
    children: Option<u32>,
    descendants: Option<u32>,
    metadata: Option<bool>,
}

impl TextView for InfoView {
    fn text(&self, _quiet: bool) -> String {
        let mut out = String::new();
        field(&mut out, "Name:", &self.name);
        field(&mut out, "Domain:", &self.domain);
        field(&mut out, "Current:", yes_no(self.current));
        let (Some(state), Some(location)) = (&self.state, self.location) else {
            return out;
        };
        field(&mut out, "State:", state);
        field(&mut out, "Location:", location);
        field(&mut out, "Parent:", self.parent.as_deref().unwrap_or("-"));
        if let Some(c) = self.children {
            field(&mut out, "Children:", &c.to_string());
        }
        if let Some(d) = self.descendants {
            field(&mut out, "Descendants:", &d.to_string());
        }
        if let Some(m) = self.metadata {
            field(&mut out, "Metadata:", yes_no(m));
        }
        out
    }
}

impl Run for SnapshotInfo {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let name = self.snapshotname.as_deref();
        let snap = snapshot_arg(&conn, &dom, ("snapshotname", name), self.current, true)?;
        let snaps = conn.snapshots();
        let mut view = InfoView {
            name: snap.name.clone(),
            domain: dom.name.clone(),
            // virsh says no when it cannot tell.
            current: snaps.snapshot_is_current(&snap).unwrap_or(false),
            state: None,
            location: None,
            parent: None,
            children: None,
            descendants: None,
            metadata: None,
        };
        // What follows fails after the first lines are out, as virsh prints them.
        let after = |view: &InfoView, e: CmdError| {
            CmdError::after_output(TextView::text(view, false).into_bytes(), Some(e))
        };
        let xml = match snaps.snapshot_xml(&snap, SnapshotXmlFlags::default()) {
            Ok(x) => x,
            Err(e) => return Err(after(&view, e.into())),
        };
        let unreadable = || CmdError::message("unexpected problem reading snapshot xml");
        let root = crate::model::dom::parse(&xml).map_err(|_| after(&view, unreadable()))?;
        let Some(state) = root.child_text("state").filter(|s| !s.is_empty()) else {
            return Err(after(&view, unreadable()));
        };
        // With <memory>, external means an external memory or disk; older snapshots have
        // none, and only a disk-only one was external.
        let external = match root.child("memory") {
            Some(m) => {
                m.attr("snapshot") == Some("external")
                    || root.child("disks").is_some_and(|d| {
                        d.children_named("disk")
                            .any(|k| k.attr("snapshot") == Some("external"))
                    })
            }
            None => state == "disk-snapshot",
        };
        view.location = Some(if external { "external" } else { "internal" });
        view.state = Some(state);
        view.parent = moment::parent(&root);
        match snaps.snapshot_child_count(&snap, SnapshotListFlags::default()) {
            Ok(c) => view.children = Some(c),
            // A server without the call: virsh stops here, content.
            Err(e) if e.code == ErrorCode::NoSupport => return Ok(Outcome::data(view)),
            Err(e) => return Err(after(&view, e.into())),
        }
        match snaps.snapshot_child_count(&snap, SnapshotListFlags::DESCENDANTS) {
            Ok(c) => view.descendants = Some(c),
            Err(e) => return Err(after(&view, e.into())),
        }
        view.metadata = match snaps.snapshot_has_metadata(&snap) {
            Ok(m) => Some(m),
            Err(_) => snaps
                .snapshot_count(&dom, SnapshotListFlags::METADATA)
                .ok()
                .map(|n| n > 0),
        };
        Ok(Outcome::data(view))
    }
}
