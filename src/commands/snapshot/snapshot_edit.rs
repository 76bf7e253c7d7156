//! `snapshot-edit`: a snapshot's XML in the user's editor, redefined; a new name makes a
//! clone (`--clone`) or a rename (`--rename`, the old metadata deleted).

use virtsh_commands::snapshot::SnapshotEdit;

use crate::commands::edit::{edit_xml, Edited, Subject};
use crate::commands::moments::{failed_update, snapshot_arg};
use crate::commands::prelude::*;

impl Run for SnapshotEdit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        exclusive(&[(self.rename, "rename", self.clone, "clone")])?;
        type F = SnapshotCreateFlags;
        let set_current = self.current && self.snapshotname.is_some();
        let mut flags = F::REDEFINE | F::from_options([(set_current, F::CURRENT)]);
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let name = self.snapshotname.as_deref();
        let snap = snapshot_arg(&conn, &dom, ("snapshotname", name), self.current, false)?;
        let snaps = conn.snapshots();
        let xml = snaps
            .snapshot_xml(&snap, SnapshotXmlFlags::SECURE)
            .map_err(|e| failed_update(e.into(), &snap.name))?;
        // A disk-only snapshot is redefined as one.
        if xml.contains("<state>disk-snapshot</state>") {
            flags |= F::DISK_ONLY;
        }
        let subject = Subject {
            relax: false,
            xml,
            define: &|x| snaps.create_snapshot(&dom, x, flags).map(|s| s.name),
            failure_goes_on: false,
        };
        let edited =
            edit_xml(s, &subject, set_current).map_err(|e| failed_update(e, &snap.name))?;
        let edited = match edited {
            Edited::Unchanged => {
                return message(format!(
                    "Snapshot {} XML configuration not changed.",
                    snap.name
                ))
            }
            // Without `failure_goes_on` a failed define is an error, never this.
            Edited::Defined(n) => n,
            Edited::WentOn => return Err(CmdError::Silent),
        };
        if edited == snap.name {
            return message(format!("Snapshot {} edited.", snap.name));
        }
        if self.clone {
            return message(format!("Snapshot {} cloned to {edited}.", snap.name));
        }
        // A new name without --clone: one of the two goes again (the old with --rename).
        let gone = if self.rename {
            snap.name.clone()
        } else {
            edited.clone()
        };
        let doomed = SnapshotRef::new(dom.clone(), gone.clone());
        if let Err(e) = snaps.delete_snapshot(&doomed, SnapshotDeleteFlags::METADATA_ONLY) {
            return Err(CmdError::Messages(vec![
                e.to_string(),
                format!("Failed to clean up {gone}"),
                format!("Failed to update {}", snap.name),
            ]));
        }
        if !self.rename {
            return Err(CmdError::Messages(vec![
                format!(
                    "Must use --rename or --clone to change {} to {edited}",
                    snap.name
                ),
                format!("Failed to update {}", snap.name),
            ]));
        }
        Ok(Outcome::Nothing)
    }
}
