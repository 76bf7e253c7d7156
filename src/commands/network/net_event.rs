//! `net-event`: list the network event types, or wait for network events.

use std::time::Duration;

use virtsh_commands::network::{NetEvent, NET_EVENTS};

use crate::commands::prelude::*;

impl Run for NetEvent {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        if self.list {
            return Ok(Outcome::Text(
                NET_EVENTS.iter().map(|e| format!("{e}\n")).collect::<String>().into_bytes(),
            ));
        }
        let Some(event) = &self.event else {
            return Err(CmdError::message("either --list or --event <type> is required"));
        };
        let id = NET_EVENTS
            .iter()
            .position(|e| e == event)
            .ok_or_else(|| CmdError::message(format!("unknown event type {event}")))?;
        let timeout = match &self.timeout {
            Some(t) => Some(
                virtsh_commands::num::unsigned::<u32>(t)
                    .ok()
                    .filter(|t| *t > 0)
                    .ok_or_else(|| {
                        CmdError::message(format!(
                            "Numeric value '{t}' for <timeout> option is malformed or out of range"
                        ))
                    })?,
            ),
            None => None,
        };
        let conn = s.conn()?;
        // virsh reports a network it cannot find and listens to every network instead.
        let net = self.network.as_deref().map(|arg| {
            lookup::network(&conn, Self::NAME, arg, By::NAME_UUID)
        });
        let (net, lookup_error) = match net {
            Some(Ok(n)) => (Some(n), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        let received = conn.networks().wait_network_events(
            net.as_ref(),
            id as u32,
            timeout.map(|t| Duration::from_secs(t.into())),
        )?;
        let mut out = String::new();
        for e in &received {
            out.push_str(e);
            out.push('\n');
        }
        out.push_str(&format!("event loop timed out\nevents received: {}\n", received.len()));
        Err(CmdError::after_output(out.into_bytes(), lookup_error))
    }
}
