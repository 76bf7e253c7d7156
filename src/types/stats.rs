//! Domain statistics (`virConnectGetAllDomainStats`, `virDomainListGetStats`): the groups a
//! caller asks for and the records a driver returns.

use std::fmt;

use super::flags;
use super::{DomainListFlags, DomainRef};

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

/// A typed parameter's value, printed as virsh prints it (in JSON, as the value itself).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
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

/// The bandwidth parameters of an interface (`VIR_DOMAIN_BANDWIDTH_*`), in the order drivers
/// give them.
pub const INTERFACE_PARAMS: [&str; 7] = [
    "inbound.average",
    "inbound.peak",
    "inbound.burst",
    "inbound.floor",
    "outbound.average",
    "outbound.peak",
    "outbound.burst",
];
