//! `domifstat`: a guest interface's traffic counters.

use serde::Serialize;
use virtsh_commands::monitor::Domifstat;

use crate::commands::prelude::*;

/// The counters the driver knows (a negative one it does not is left out, as virsh does).
#[derive(Debug, Serialize)]
struct Counters {
    interface: String,
    counters: Vec<(&'static str, i64)>,
}

impl View for Counters {
    fn text(&self, _quiet: bool) -> String {
        self.counters
            .iter()
            .map(|(name, v)| format!("{} {name} {v}\n", self.interface))
            .collect()
    }
    fn json(&self) -> serde_json::Value {
        let counters: serde_json::Map<String, serde_json::Value> = self
            .counters
            .iter()
            .map(|(n, v)| (n.to_string(), (*v).into()))
            .collect();
        serde_json::json!({ "interface": self.interface, "counters": counters })
    }
}

impl Run for Domifstat {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let dev = &self.interface;
        let st = conn.domains().interface_stats(&dom, dev).map_err(|e| {
            CmdError::failed(
                format!("Failed to get interface stats {} {dev}", dom.name),
                e,
            )
        })?;
        let counters = [
            ("rx_bytes", st.rx_bytes),
            ("rx_packets", st.rx_packets),
            ("rx_errs", st.rx_errs),
            ("rx_drop", st.rx_drop),
            ("tx_bytes", st.tx_bytes),
            ("tx_packets", st.tx_packets),
            ("tx_errs", st.tx_errs),
            ("tx_drop", st.tx_drop),
        ]
        .into_iter()
        .filter(|(_, v)| *v >= 0)
        .collect();
        Ok(Outcome::data(Counters {
            interface: dev.clone(),
            counters,
        }))
    }
}
