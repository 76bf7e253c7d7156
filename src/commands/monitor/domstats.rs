//! `domstats`: the statistics records of some or all domains, printed as virsh prints them
//! (`--raw` changes nothing: virsh has no pretty form yet).

use serde::ser::{Serialize, SerializeMap, Serializer};
use virtsh_commands::monitor::Domstats;

use crate::commands::prelude::*;
use crate::types::stats::{StatsFlags, StatsGroups, StatsRecord, StatsTarget, TypedValue};

impl Run for Domstats {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let groups = StatsGroups::from_options([
            (self.state, StatsGroups::STATE),
            (self.cpu_total, StatsGroups::CPU_TOTAL),
            (self.balloon, StatsGroups::BALLOON),
            (self.vcpu, StatsGroups::VCPU),
            (self.interface, StatsGroups::INTERFACE),
            (self.block, StatsGroups::BLOCK),
            (self.perf, StatsGroups::PERF),
            (self.iothread, StatsGroups::IOTHREAD),
            (self.memory, StatsGroups::MEMORY),
            (self.dirtyrate, StatsGroups::DIRTYRATE),
            (self.vm, StatsGroups::VM),
        ]);
        let filter = DomainListFlags::from_options([
            (self.list_active, DomainListFlags::ACTIVE),
            (self.list_inactive, DomainListFlags::INACTIVE),
            (self.list_persistent, DomainListFlags::PERSISTENT),
            (self.list_transient, DomainListFlags::TRANSIENT),
            (self.list_running, DomainListFlags::RUNNING),
            (self.list_paused, DomainListFlags::PAUSED),
            (self.list_shutoff, DomainListFlags::SHUTOFF),
            (self.list_other, DomainListFlags::OTHER),
        ]);
        let flags = StatsFlags::from_options([
            (self.enforce, StatsFlags::ENFORCE),
            (self.backing, StatsFlags::BACKING),
            (self.nowait, StatsFlags::NOWAIT),
        ]);
        let conn = s.conn()?;
        // Every name is looked up before any statistics are asked for, as virsh does.
        let domains = self
            .domain
            .iter()
            .map(|name| lookup::domain(&conn, Self::NAME, name, By::ANY))
            .collect::<Result<Vec<_>, _>>()?;
        let target = StatsTarget {
            domains: (!domains.is_empty()).then_some(domains.as_slice()),
            filter,
        };
        let records = conn.domains().domain_stats(target, groups, flags)?;
        Ok(Outcome::data(Records(records)))
    }
}

/// The records; as JSON, `[{"domain": NAME, "stats": {FIELD: VALUE, ...}}, ...]`, each value
/// a JSON number, boolean or string as its type says.
#[derive(Debug)]
struct Records(Vec<StatsRecord>);

impl TextView for Records {
    fn text(&self, _: bool) -> String {
        let blocks: Vec<String> = self
            .0
            .iter()
            .map(|r| {
                let mut block = format!("Domain: '{}'\n", r.domain.name);
                for (field, value) in &r.params {
                    block.push_str(&format!("  {field}={value}\n"));
                }
                block
            })
            .collect();
        blocks.join("\n")
    }
}

impl Serialize for Records {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        struct Params<'a>(&'a [(String, TypedValue)]);
        impl Serialize for Params<'_> {
            fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                let mut map = ser.serialize_map(Some(self.0.len()))?;
                for (field, value) in self.0 {
                    match value {
                        TypedValue::Int(v) => map.serialize_entry(field, v)?,
                        TypedValue::UInt(v) => map.serialize_entry(field, v)?,
                        TypedValue::LLong(v) => map.serialize_entry(field, v)?,
                        TypedValue::ULLong(v) => map.serialize_entry(field, v)?,
                        TypedValue::Double(v) => map.serialize_entry(field, v)?,
                        TypedValue::Boolean(v) => map.serialize_entry(field, v)?,
                        TypedValue::String(v) => map.serialize_entry(field, v)?,
                    }
                }
                map.end()
            }
        }
        ser.collect_seq(self.0.iter().map(|r| {
            serde_json::json!({
                "domain": r.domain.name,
                "stats": serde_json::to_value(Params(&r.params)).unwrap_or_default(),
            })
        }))
    }
}
