//! Domain statistics (`virConnectGetAllDomainStats`, `virDomainListGetStats`): the groups a
//! caller asks for, the records a driver returns, and the `state` group that every driver
//! can give from the domain's state alone.

use std::fmt;

use super::types::flags;
use super::{DomainListFlags, DomainRef, Error, ErrorCode, Hypervisor, Result};

flags!(
    /// `virDomainStatsTypes`: the groups of statistics.
    StatsGroups {
        STATE = 1,
        CPU_TOTAL = 1 << 1,
        BALLOON = 1 << 2,
        VCPU = 1 << 3,
        INTERFACE = 1 << 4,
        BLOCK = 1 << 5,
        PERF = 1 << 6,
        IOTHREAD = 1 << 7,
        MEMORY = 1 << 8,
        DIRTYRATE = 1 << 9,
        VM = 1 << 10,
    }
);

flags!(
    /// `virConnectGetAllDomainStatsFlags` beyond the list filters, which have the bits of
    /// `DomainListFlags` and travel in the same word.
    StatsFlags {
        NOWAIT = 1 << 29,
        BACKING = 1 << 30,
        ENFORCE = 1 << 31,
    }
);

/// A typed parameter's value, printed as virsh prints it.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedValue {
    Int(i32),
    UInt(u32),
    LLong(i64),
    ULLong(u64),
    Double(f64),
    Boolean(bool),
    String(String),
}

/// Only so wire records can derive `Default` like every other wire struct.
impl Default for TypedValue {
    fn default() -> TypedValue {
        TypedValue::Int(0)
    }
}

impl fmt::Display for TypedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypedValue::Int(v) => write!(f, "{v}"),
            TypedValue::UInt(v) => write!(f, "{v}"),
            TypedValue::LLong(v) => write!(f, "{v}"),
            TypedValue::ULLong(v) => write!(f, "{v}"),
            // printf's %f.
            TypedValue::Double(v) => write!(f, "{v:.6}"),
            TypedValue::Boolean(v) => f.write_str(if *v { "yes" } else { "no" }),
            TypedValue::String(v) => f.write_str(v),
        }
    }
}

/// One domain's statistics: `field=value` pairs in the driver's order.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRecord {
    pub domain: DomainRef,
    pub params: Vec<(String, TypedValue)>,
}

/// Whose statistics: the domains named (`None`: all of them), of which only those the list
/// filters pass.
#[derive(Debug, Clone, Copy)]
pub struct StatsTarget<'a> {
    pub domains: Option<&'a [DomainRef]>,
    pub filter: DomainListFlags,
}

/// The statistics of an in-process driver, which knows only the `state` group: other groups
/// asked for are left out, or refused with `ENFORCE`, as libvirt's test driver does.
pub fn state_only(
    conn: &(impl Hypervisor + ?Sized),
    target: StatsTarget<'_>,
    groups: StatsGroups,
    flags: StatsFlags,
) -> Result<Vec<StatsRecord>> {
    let unsupported = groups & !StatsGroups::STATE;
    if flags.has(StatsFlags::ENFORCE) && unsupported.0 != 0 {
        return Err(Error::new(
            ErrorCode::ArgumentUnsupported,
            format!(
                "argument unsupported: Stats types bits 0x{:x} are not supported by this daemon",
                unsupported.0
            ),
        ));
    }
    let domains = match target.domains {
        None => conn.list_domains(target.filter)?,
        Some(named) if target.filter.0 == 0 => named.to_vec(),
        // The driver's own listing decides which named domains pass the filters.
        Some(named) => {
            let passing = conn.list_domains(target.filter)?;
            named
                .iter()
                .filter(|d| passing.iter().any(|p| p.uuid == d.uuid))
                .cloned()
                .collect()
        }
    };
    let with_state = groups.0 == 0 || groups.has(StatsGroups::STATE);
    domains
        .iter()
        .map(|d| {
            let mut params = Vec::new();
            if with_state {
                let (state, reason) = conn.domain_state(d)?.codes();
                params.push(("state.state".to_string(), TypedValue::Int(state)));
                params.push(("state.reason".to_string(), TypedValue::Int(reason)));
            }
            Ok(StatsRecord {
                domain: d.clone(),
                params,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::xdr::{from_bytes, to_bytes};

    #[test]
    fn values_print_as_virsh_prints_them_and_cross_the_wire() {
        let values = [
            (TypedValue::Int(-3), "-3"),
            (TypedValue::UInt(7), "7"),
            (TypedValue::LLong(-1 << 40), "-1099511627776"),
            (TypedValue::ULLong(u64::MAX), "18446744073709551615"),
            (TypedValue::Double(0.5), "0.500000"),
            (TypedValue::Boolean(true), "yes"),
            (TypedValue::String("vda".into()), "vda"),
        ];
        for (value, text) in values {
            assert_eq!(value.to_string(), text);
            assert_eq!(from_bytes::<TypedValue>(&to_bytes(&value)).unwrap(), value);
        }
        // An arm libvirt does not define is refused, not guessed.
        assert!(from_bytes::<TypedValue>(&[0, 0, 0, 9, 0, 0, 0, 1]).is_err());
    }
}
