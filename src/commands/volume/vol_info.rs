//! `vol-info`: a volume's type and sizes.

use serde::Serialize;
use virtsh_commands::volume::VolInfo;

use crate::commands::prelude::*;

impl Run for VolInfo {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.physical, "physical")?;
        let t = &self.target;
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, &t.vol, t.pool.as_deref())?;
        let info = conn.storage().vol_info(&vol)?;
        Ok(Outcome::data(InfoView {
            name: vol.name,
            kind: info.kind.text(),
            capacity: info.capacity,
            allocation: info.allocation,
            bytes: self.bytes,
        }))
    }
}

#[derive(Debug, Serialize)]
struct InfoView {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    capacity: u64,
    allocation: u64,
    #[serde(skip)]
    bytes: bool,
}

impl TextView for InfoView {
    fn text(&self, _: bool) -> String {
        let mut out = String::new();
        field(&mut out, "Name:", &self.name);
        field(&mut out, "Type:", self.kind);
        field(&mut out, "Capacity:", &size(self.capacity, self.bytes));
        field(&mut out, "Allocation:", &size(self.allocation, self.bytes));
        out
    }
}
