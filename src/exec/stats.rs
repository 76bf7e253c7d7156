//! `domstats`: the statistics records of some or all domains, printed as virsh prints them
//! (`--raw` changes nothing: virsh has no pretty form yet).

use virtsh_commands::domain::Domstats;

use super::lookup::{self, ANY};
use super::CmdError;
use crate::driver::stats::{StatsFlags, StatsGroups, StatsTarget};
use crate::driver::{DomainListFlags, Hypervisor};
use crate::render::Outcome;

pub fn domstats(conn: &dyn Hypervisor, d: &Domstats) -> Result<Outcome, CmdError> {
    let groups = StatsGroups::from_options([
        (d.state, StatsGroups::STATE),
        (d.cpu_total, StatsGroups::CPU_TOTAL),
        (d.balloon, StatsGroups::BALLOON),
        (d.vcpu, StatsGroups::VCPU),
        (d.interface, StatsGroups::INTERFACE),
        (d.block, StatsGroups::BLOCK),
        (d.perf, StatsGroups::PERF),
        (d.iothread, StatsGroups::IOTHREAD),
        (d.memory, StatsGroups::MEMORY),
        (d.dirtyrate, StatsGroups::DIRTYRATE),
        (d.vm, StatsGroups::VM),
    ]);
    let filter = DomainListFlags::from_options([
        (d.list_active, DomainListFlags::ACTIVE),
        (d.list_inactive, DomainListFlags::INACTIVE),
        (d.list_persistent, DomainListFlags::PERSISTENT),
        (d.list_transient, DomainListFlags::TRANSIENT),
        (d.list_running, DomainListFlags::RUNNING),
        (d.list_paused, DomainListFlags::PAUSED),
        (d.list_shutoff, DomainListFlags::SHUTOFF),
        (d.list_other, DomainListFlags::OTHER),
    ]);
    let flags = StatsFlags::from_options([
        (d.enforce, StatsFlags::ENFORCE),
        (d.backing, StatsFlags::BACKING),
        (d.nowait, StatsFlags::NOWAIT),
    ]);
    // Every name is looked up before any statistics are asked for, as virsh does.
    let domains = d
        .domain
        .iter()
        .map(|name| lookup::domain(conn, "domstats", name, ANY))
        .collect::<Result<Vec<_>, _>>()?;
    let target = StatsTarget {
        domains: (!domains.is_empty()).then_some(domains.as_slice()),
        filter,
    };
    let records = conn.domain_stats(target, groups, flags)?;
    let text: Vec<String> = records
        .iter()
        .map(|r| {
            let mut block = format!("Domain: '{}'\n", r.domain.name);
            for (field, value) in &r.params {
                block.push_str(&format!("  {field}={value}\n"));
            }
            block
        })
        .collect();
    Ok(Outcome::Text(text.join("\n")))
}
