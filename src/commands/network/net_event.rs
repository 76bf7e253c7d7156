//! `net-event`: list the network event types, or print network events as they come.

use virtsh_commands::network::{NetEvent, NET_EVENTS};

use crate::commands::listen;
use crate::commands::prelude::*;

/// `virNetworkEventLifecycleType`, as virsh prints it.
const LIFECYCLE: [&str; 4] = ["Defined", "Undefined", "Started", "Stopped"];

/// An event as virsh prints it, after the `--timestamp` prefix.
fn describe(e: &NetworkEvent) -> String {
    match &e.what {
        NetEventKind::Lifecycle(l) => listen::lifecycle("network", &e.object, &LIFECYCLE, l),
        NetEventKind::Metadata(m) => format!(
            "event 'metadata-change' for network {}: {}",
            e.object,
            listen::metadata_change(m)
        ),
    }
}

impl Run for NetEvent {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        listen::object_events(
            s,
            (&NET_EVENTS, self.event.as_deref()),
            &self.wait,
            ("network", self.network.as_deref()),
            |c, a| lookup::network(c, Self::NAME, a, By::NAME_UUID),
            describe,
            |c, w| c.networks().wait_network_events(w),
        )
    }
}
