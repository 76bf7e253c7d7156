//! `pool-info`: the basic facts of a pool.

use serde::Serialize;
use virtsh_commands::pool::PoolInfo;

use crate::commands::prelude::*;
use crate::debug;
use crate::log::Level;
use crate::model::units::pretty_capacity;

impl Run for PoolInfo {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let storage = conn.storage();
        let pool = lookup::pool(&conn, Self::NAME, &self.target.pool)?;
        let info = storage.pool_info(&pool)?;
        let sized = matches!(info.state, PoolState::Running | PoolState::Degraded);
        let persistent = storage.pool_is_persistent(&pool).ok();
        if let Some(p) = persistent {
            debug!(Level::Debug, "Pool persistent flag value: {}", u8::from(p));
        }
        Ok(Outcome::data(InfoView {
            name: pool.name.clone(),
            uuid: pool.uuid.to_string(),
            state: info.state.text(),
            persistent,
            autostart: storage.pool_autostart(&pool).ok(),
            capacity: sized.then_some(info.capacity),
            allocation: sized.then_some(info.allocation),
            available: sized.then_some(info.available),
            bytes: self.bytes,
        }))
    }
}

#[derive(Debug, Serialize)]
struct InfoView {
    name: String,
    uuid: String,
    state: &'static str,
    persistent: Option<bool>,
    autostart: Option<bool>,
    capacity: Option<u64>,
    allocation: Option<u64>,
    available: Option<u64>,
    #[serde(skip)]
    bytes: bool,
}

impl TextView for InfoView {
    fn text(&self, _: bool) -> String {
        let mut out = String::new();
        field(&mut out, "Name:", &self.name);
        field(&mut out, "UUID:", &self.uuid);
        field(&mut out, "State:", self.state);
        persistence(&mut out, self.persistent, self.autostart);
        if let (Some(c), Some(a), Some(v)) = (self.capacity, self.allocation, self.available) {
            // pool-info --bytes prints bare numbers (vol-info adds " bytes").
            let sz = |b: u64| {
                if self.bytes {
                    b.to_string()
                } else {
                    pretty_capacity(b)
                }
            };
            field(&mut out, "Capacity:", &sz(c));
            field(&mut out, "Allocation:", &sz(a));
            field(&mut out, "Available:", &sz(v));
        }
        out
    }
}
