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

listen::object_events!(PoolEventCmd: POOL_EVENTS, pool
    found by |c, a| lookup::pool(c, Self::NAME, a), waited for by storage.wait_pool_events);
