//! `snapshot-create`: a snapshot from an XML document (an empty one when no file is given).

use virtsh_commands::snapshot::SnapshotCreate;

use crate::commands::moments::{create_snapshot, snapshot_create_flags, xml_argument};
use crate::commands::prelude::*;

impl Run for SnapshotCreate {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        type F = SnapshotCreateFlags;
        let flags = snapshot_create_flags(&self.opts)
            | F::from_options([(self.redefine, F::REDEFINE), (self.current, F::CURRENT)]);
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let file = self.xmlfile.as_deref();
        let xml = xml_argument(file, "<domainsnapshot/>")?;
        create_snapshot(&conn, &dom, &xml, flags, file)
    }
}
