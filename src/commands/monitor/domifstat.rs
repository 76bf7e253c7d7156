//! `domifstat`: a guest interface's traffic counters.

use virtsh_commands::monitor::Domifstat;

use crate::commands::prelude::*;

impl Run for Domifstat {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let dev = &self.interface;
        let st = conn.domains().interface_stats(&dom, dev).map_err(|e| {
            CmdError::failed(format!("Failed to get interface stats {} {dev}", dom.name), e)
        })?;
        let mut out = String::new();
        for (name, v) in [
            ("rx_bytes", st.rx_bytes),
            ("rx_packets", st.rx_packets),
            ("rx_errs", st.rx_errs),
            ("rx_drop", st.rx_drop),
            ("tx_bytes", st.tx_bytes),
            ("tx_packets", st.tx_packets),
            ("tx_errs", st.tx_errs),
            ("tx_drop", st.tx_drop),
        ] {
            // A counter the driver does not know is left out.
            if v >= 0 {
                out.push_str(&format!("{dev} {name} {v}\n"));
            }
        }
        Ok(Outcome::Text(out.into_bytes()))
    }
}
