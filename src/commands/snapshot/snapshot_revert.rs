//! `snapshot-revert`: the domain back to a snapshot; `--force` only when the driver says the
//! revert is risky.

use virtsh_commands::snapshot::SnapshotRevert;

use crate::commands::moments::snapshot_arg;
use crate::commands::prelude::*;

impl Run for SnapshotRevert {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        type F = SnapshotRevertFlags;
        let mut flags = F::from_options([
            (self.running, F::RUNNING),
            (self.paused, F::PAUSED),
            (self.reset_nvram, F::RESET_NVRAM),
        ]);
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let name = self.snapshotname.as_deref();
        let snap = snapshot_arg(&conn, &dom, ("snapshotname", name), self.current, true)?;
        let snaps = conn.snapshots();
        let mut done = snaps.revert_to_snapshot(&snap, flags);
        // virsh tries without --force first: older servers reverted unsafely by default.
        if matches!(&done, Err(e) if e.code == ErrorCode::SnapshotRevertRisky) && self.force {
            flags |= F::FORCE;
            done = snaps.revert_to_snapshot(&snap, flags);
        }
        done.map_err(|e| CmdError::failed(format!("Failed to revert snapshot {}", snap.name), e))?;
        message(format!("Domain snapshot {} reverted", snap.name))
    }
}
