//! `virtsh --warm` and `virtsh --warm-stop[=URI]`: the warm ssh connections this user's
//! keepers hold (see `driver::remote::warm`), listed with the time each has left, or stopped.

use serde::Serialize;

use super::CmdError;
use crate::driver::remote::warm;
use crate::render::table::Table;
use crate::render::{Listing, Outcome, TextView};
use crate::uri::Uri;

/// One keeper as `--warm` lists it.
#[derive(Debug, Serialize)]
pub struct Row {
    pid: u32,
    uri: String,
    mode: &'static str,
    served: u64,
    active: usize,
    /// Seconds since it last served.
    idle: u64,
    /// Seconds until it ends unless it serves again (the clock stands while it relays).
    expires_in: u64,
}

impl TextView for Listing<Row, ()> {
    fn text(&self, quiet: bool) -> String {
        let mut table = Table::new(["PID", "URI", "Mode", "Served", "Active", "Idle", "Expiry"]);
        for r in &self.rows {
            table.row([
                r.pid.to_string(),
                r.uri.clone(),
                r.mode.to_string(),
                r.served.to_string(),
                r.active.to_string(),
                format!("{} s", r.idle),
                format!("{} s", r.expires_in),
            ]);
        }
        table.render(!quiet)
    }
}

/// The keepers, by URI.
pub fn list() -> Outcome {
    let rows = warm::keepers()
        .into_iter()
        .map(|(_, i)| Row {
            pid: i.pid,
            mode: if i.readonly {
                "read-only"
            } else {
                "read-write"
            },
            served: i.served,
            active: i.active,
            idle: i.idle,
            expires_in: if i.active > 0 {
                i.expiry
            } else {
                i.expiry.saturating_sub(i.idle)
            },
            uri: i.uri,
        })
        .collect();
    Outcome::data(Listing { rows, style: () })
}

/// The keepers `--warm-stop` stopped.
#[derive(Debug, Serialize)]
pub struct Stopped {
    stopped: Vec<(String, u32)>,
}

impl TextView for Stopped {
    fn text(&self, _quiet: bool) -> String {
        self.stopped
            .iter()
            .map(|(uri, pid)| format!("stopped the warm connection to {uri} (pid {pid})\n"))
            .collect()
    }
}

/// Stops every keeper, or those of `uri`.
pub fn stop(uri: Option<&str>) -> Result<Outcome, CmdError> {
    let wanted = match uri {
        Some(u) => Some(
            Uri::parse(u)
                .map_err(|_| CmdError::message(format!("Unable to parse URI {u}")))?
                .to_string(),
        ),
        None => None,
    };
    let stopped = warm::keepers()
        .into_iter()
        .filter(|(_, i)| wanted.as_ref().is_none_or(|w| *w == i.uri))
        .filter(|(sock, _)| warm::stop(sock))
        .map(|(_, i)| (i.uri, i.pid))
        .collect();
    Ok(Outcome::data(Stopped { stopped }))
}
