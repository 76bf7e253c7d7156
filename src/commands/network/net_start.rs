//! `net-start`: start a defined network.

use virtsh_commands::network::NetStart;

use crate::commands::prelude::*;

impl Run for NetStart {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        network_action(
            s,
            Self::NAME,
            &self.target.network,
            ("start", "started"),
            |n, net| n.start_network(net),
        )
    }
}
