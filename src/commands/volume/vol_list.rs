//! `vol-list`: the volumes of a pool, with their types and sizes on request.

use serde::Serialize;
use virtsh_commands::volume::VolList;

use crate::commands::prelude::*;
use crate::model::units::pretty_capacity;

impl Run for VolList {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let storage = conn.storage();
        let pool = lookup::pool(&conn, Self::NAME, &self.target.pool)?;
        let mut vols = storage
            .list_volumes(&pool)
            .map_err(|e| CmdError::failed("Failed to list volumes", e))?;
        vols.sort_by(|a, b| a.name.cmp(&b.name));
        let facts = storage.vol_facts(&vols, self.details)?;
        let mut rows = Vec::with_capacity(vols.len());
        for (vol, facts) in vols.into_iter().zip(facts) {
            let VolFacts { path, info } = facts?;
            rows.push(Row {
                name: vol.name,
                path,
                kind: info.map(|i| i.kind.text()),
                capacity: info.map(|i| i.capacity),
                allocation: info.map(|i| i.allocation),
            });
        }
        Ok(Outcome::data(ListView {
            rows,
            details: self.details,
        }))
    }
}

#[derive(Debug, Serialize)]
struct Row {
    name: String,
    path: String,
    #[serde(rename = "type")]
    kind: Option<&'static str>,
    capacity: Option<u64>,
    allocation: Option<u64>,
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
struct ListView {
    rows: Vec<Row>,
    #[serde(skip)]
    details: bool,
}

impl TextView for ListView {
    fn text(&self, quiet: bool) -> String {
        let mut t = if self.details {
            Table::new(["Name", "Path", "Type", "Capacity", "Allocation"])
        } else {
            Table::new(["Name", "Path"])
        };
        for r in &self.rows {
            if self.details {
                let sz = |v: Option<u64>| v.map_or("unknown".into(), pretty_capacity);
                t.row([
                    r.name.clone(),
                    r.path.clone(),
                    r.kind.unwrap_or("unknown").to_string(),
                    sz(r.capacity),
                    sz(r.allocation),
                ]);
            } else {
                t.row([r.name.clone(), r.path.clone()]);
            }
        }
        t.render(!quiet)
    }
}
