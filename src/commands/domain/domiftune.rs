//! `domiftune`: a guest interface's bandwidth limits, read or set.

use virtsh_commands::domain::Domiftune;

use crate::commands::prelude::*;
use crate::types::stats::TypedValue;

/// `average[,peak[,burst[,floor]]]` as the parameters of `dir` (virsh's `virshParseRateStr`).
fn rates(dir: &str, text: &str) -> Result<Vec<(String, TypedValue)>, CmdError> {
    let names = ["average", "peak", "burst", "floor"];
    let parts: Vec<&str> = text.split(',').collect();
    let bad = || CmdError::message(format!("{dir} rate format is incorrect"));
    if parts.len() > if dir == "inbound" { 4 } else { 3 } {
        return Err(bad());
    }
    let mut out = Vec::new();
    for (name, part) in names.iter().zip(&parts) {
        if part.is_empty() {
            continue;
        }
        let v = virtsh_commands::num::unsigned::<u32>(part).map_err(|_| bad())?;
        out.push((format!("{dir}.{name}"), TypedValue::UInt(v)));
    }
    Ok(out)
}

impl Run for Domiftune {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = impact(&self.impact)?.unwrap_or_default();
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let dev = &self.interface;
        let mut params = Vec::new();
        if let Some(i) = &self.inbound {
            params.extend(rates("inbound", i)?);
        }
        if let Some(o) = &self.outbound {
            params.extend(rates("outbound", o)?);
        }
        if self.inbound.is_some() || self.outbound.is_some() {
            conn.domains()
                .set_interface_parameters(&dom, dev, &params, flags)
                .map_err(|e| CmdError::failed("Unable to set interface parameters", e))?;
            return Ok(Outcome::Nothing);
        }
        let got = conn
            .domains()
            .interface_parameters(&dom, dev, flags)
            .map_err(|e| CmdError::failed("Unable to get interface parameters", e))?;
        Ok(Outcome::data(Params(got)))
    }
}

/// The interface's bandwidth settings, as virsh lists them.
#[derive(Debug)]
struct Params(Vec<(String, crate::types::stats::TypedValue)>);

impl View for Params {
    fn text(&self, _quiet: bool) -> String {
        self.0
            .iter()
            .map(|(name, v)| format!("{name:<15}: {v}\n"))
            .collect()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.0
                .iter()
                .map(|(n, v)| (n.clone(), serde_json::json!(v)))
                .collect(),
        )
    }
}
