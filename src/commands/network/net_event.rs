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

listen::object_events!(NetEvent: NET_EVENTS, network
    found by |c, a| lookup::network(c, Self::NAME, a, By::NAME_UUID),
    waited for by networks.wait_network_events);
