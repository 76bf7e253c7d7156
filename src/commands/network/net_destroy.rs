//! `net-destroy`: stop a network (a transient one goes).

use virtsh_commands::network::NetDestroy;

use crate::commands::prelude::*;

impl Run for NetDestroy {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        network_action(
            s,
            Self::NAME,
            &self.target.network,
            ("destroy", "destroyed"),
            |n, net| n.destroy_network(net),
        )
    }
}
