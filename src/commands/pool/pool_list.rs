//! `pool-list`: the pools, as a table (plain or `--details`) or one per line for scripts.

use serde::Serialize;
use virtsh_commands::pool::PoolList;

use crate::commands::prelude::*;
use crate::model::units::pretty_capacity;

impl Run for PoolList {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        exclusive(&[
            (self.details, "details", self.uuid, "uuid"),
            (self.details, "details", self.name, "name"),
        ])?;
        type F = PoolListFlags;
        let mut flags = PoolListFlags(lifecycle_filter(
            self.all,
            self.inactive,
            (self.persistent, self.transient),
            (self.autostart, self.no_autostart),
        ));
        for kind in self.kind.iter().flat_map(|t| t.split(',')) {
            flags |= F::of_type(kind)
                .ok_or_else(|| CmdError::message(format!("Invalid pool type '{kind}'")))?;
        }
        let conn = s.conn()?;
        let storage = conn.storage();
        let mut pools = storage.list_pools(flags)?;
        pools.sort_by_key(|p| p.name.to_lowercase());
        let facts = storage.pool_facts(&pools)?;
        let mut rows = Vec::with_capacity(pools.len());
        for (pool, facts) in pools.into_iter().zip(facts) {
            let facts = facts?;
            let info = facts.info;
            let running = info.state == PoolState::Running;
            rows.push(Row {
                uuid: pool.uuid.to_string(),
                state: info.state,
                autostart: facts.autostart,
                persistent: facts.persistent,
                capacity: running.then_some(info.capacity),
                allocation: running.then_some(info.allocation),
                available: running.then_some(info.available),
                name: pool.name,
            });
        }
        let style = if self.details {
            Style::Details
        } else if self.uuid || self.name {
            Style::Script {
                uuid: self.uuid,
                name: self.name,
            }
        } else {
            Style::Table
        };
        Ok(Outcome::data(ListView { rows, style }))
    }
}

#[derive(Debug, Serialize)]
struct Row {
    name: String,
    uuid: String,
    #[serde(serialize_with = "state_word")]
    state: PoolState,
    autostart: bool,
    persistent: bool,
    capacity: Option<u64>,
    allocation: Option<u64>,
    available: Option<u64>,
}

fn state_word<S: serde::Serializer>(state: &PoolState, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(state.text())
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Table,
    Details,
    Script { uuid: bool, name: bool },
}

type ListView = Listing<Row, Style>;

impl TextView for ListView {
    fn text(&self, quiet: bool) -> String {
        match self.style {
            Style::Script { uuid, name } => self
                .rows
                .iter()
                .map(|r| match (uuid, name) {
                    (true, true) => format!("{} {}\n", r.uuid, r.name),
                    (true, false) => format!("{}\n", r.uuid),
                    _ => format!("{}\n", r.name),
                })
                .collect(),
            Style::Table => {
                let mut t = Table::new(["Name", "State", "Autostart"]);
                for r in &self.rows {
                    let state = if r.state == PoolState::Inactive {
                        "inactive"
                    } else {
                        "active"
                    };
                    t.row([r.name.as_str(), state, yes_no(r.autostart)]);
                }
                t.render(!quiet)
            }
            Style::Details => {
                let mut t = Table::new([
                    "Name",
                    "State",
                    "Autostart",
                    "Persistent",
                    "Capacity",
                    "Allocation",
                    "Available",
                ]);
                for r in &self.rows {
                    let sz = |v: Option<u64>| v.map_or("-".into(), pretty_capacity);
                    t.row([
                        r.name.clone(),
                        r.state.text().to_string(),
                        yes_no(r.autostart).to_string(),
                        yes_no(r.persistent).to_string(),
                        sz(r.capacity),
                        sz(r.allocation),
                        sz(r.available),
                    ]);
                }
                t.render(!quiet)
            }
        }
    }
}
