//! `pool-event`: list the storage pool event types, or print pool events as they come.

use virtsh_commands::pool::{PoolEvent as PoolEventCmd, POOL_EVENTS};

use crate::commands::listen;
use crate::commands::prelude::*;

/// `virStoragePoolEventLifecycleType`, as virsh prints it.
const LIFECYCLE: [&str; 6] = [
    "Defined",
    "Undefined",
    "Started",
    "Stopped",
    "Created",
    "Deleted",
];

/// An event as virsh prints it, after the `--timestamp` prefix.
fn describe(e: &PoolEvent) -> String {
    match &e.what {
        PoolEventKind::Lifecycle(l) => listen::lifecycle("storage pool", &e.object, &LIFECYCLE, l),
        PoolEventKind::Refresh => format!("event 'refresh' for storage pool {}", e.object),
    }
}

impl Run for PoolEventCmd {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        listen::object_events(
            s,
            (&POOL_EVENTS, self.event.as_deref()),
            &self.wait,
            ("pool", self.pool.as_deref()),
            |c, a| lookup::pool(c, Self::NAME, a),
            describe,
            |c, w| c.storage().wait_pool_events(w),
        )
    }
}
