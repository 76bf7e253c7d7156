//! `snapshot-dumpxml`: a snapshot's XML, whole or what `--xpath` selects.

use virtsh_commands::snapshot::SnapshotDumpxml;

use crate::commands::prelude::*;

impl Run for SnapshotDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let snaps = conn.snapshots();
        let snap = snaps.snapshot_by_name(&dom, &self.snapshotname)?;
        let flags =
            SnapshotXmlFlags::from_options([(self.security_info, SnapshotXmlFlags::SECURE)]);
        dump_xml(snaps.snapshot_xml(&snap, flags)?, &self.xpath)
    }
}
