//! `net-event`: list the network event types, or print network events as they come.

use std::io::Write;
use std::time::Duration;

use virtsh_commands::network::{NetEvent, NET_EVENTS};

use crate::commands::prelude::*;

/// `virNetworkEventLifecycleType`, as virsh prints it.
const LIFECYCLE: [&str; 4] = ["Defined", "Undefined", "Started", "Stopped"];
/// `virNetworkMetadataType`, as virsh prints it.
const METADATA: [&str; 3] = ["description", "title", "element"];

fn word(words: &[&'static str], n: i32) -> &'static str {
    usize::try_from(n)
        .ok()
        .and_then(|i| words.get(i).copied())
        .unwrap_or("unknown")
}

/// An event as virsh prints it, after the `--timestamp` prefix.
fn describe(e: &NetworkEvent) -> String {
    match &e.what {
        NetEventKind::Lifecycle { event, .. } => format!(
            "event 'lifecycle' for network {}: {}",
            e.network,
            word(&LIFECYCLE, *event)
        ),
        NetEventKind::Metadata { kind, uri } => format!(
            "event 'metadata-change' for network {}: type {}, uri {}",
            e.network,
            word(&METADATA, *kind),
            uri.as_deref().unwrap_or("<null>")
        ),
    }
}

impl Run for NetEvent {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        if self.list {
            return Ok(Outcome::Text(
                NET_EVENTS
                    .iter()
                    .map(|e| format!("{e}\n"))
                    .collect::<String>()
                    .into_bytes(),
            ));
        }
        let Some(event) = &self.event else {
            return Err(CmdError::message(
                "either --list or --event <type> is required",
            ));
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
        let (net, lookup_error) = match self.network.as_deref() {
            Some(arg) => match lookup::network(&conn, Self::NAME, arg, By::NAME_UUID) {
                Ok(n) => (Some(n), None),
                Err(e) => (None, Some(e)),
            },
            None => (None, None),
        };
        let mut count = 0u32;
        let repeat = self.repeat;
        let timestamp = self.timestamp;
        // Events print as they come, not when the loop ends.
        let mut sink = |e: NetworkEvent| {
            let stamp = if timestamp {
                format!("{}: ", crate::sys::utc_timestamp())
            } else {
                String::new()
            };
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{stamp}{}", describe(&e));
            let _ = out.flush();
            count += 1;
            repeat
        };
        let timed_out = conn.networks().wait_network_events(
            net.as_ref(),
            id as u32,
            timeout.map(|t| Duration::from_secs(t.into())),
            &mut sink,
        )?;
        let mut tail = String::new();
        if timed_out {
            tail.push_str("event loop timed out\n");
        }
        tail.push_str(&format!("events received: {count}\n"));
        if count > 0 && lookup_error.is_none() {
            return Ok(Outcome::Text(tail.into_bytes()));
        }
        Err(CmdError::after_output(tail.into_bytes(), lookup_error))
    }
}
