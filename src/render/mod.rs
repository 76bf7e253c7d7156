//! Rendering command results: virsh's exact text, or JSON with `--json`. Nothing here talks to
//! a driver; `exec` hands over a finished [`Outcome`].

pub mod json;
pub mod progress;
pub mod table;

use serde::Serialize;

use crate::driver::{NodeInfo, PoolState, VolType};
use crate::model::units::pretty_capacity;
use table::Table;

/// What a command produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing to print.
    Nothing,
    /// An informational line (`Domain 'x' started`): dropped under `-q`.
    Message(String),
    /// Informational text without a newline of its own (the blank line after the command
    /// ends it): dropped under `-q`.
    Note(String),
    /// A value on its own line (`domuuid`, `uri`, `desc` text, ...).
    Value(String),
    /// Text printed as it is, with no newline added (`echo`, help pages).
    Text(String),
    /// `echo --err`: text for stderr.
    ErrText(String),
    /// An XML document.
    Xml(String),
    DomainList(DomainList),
    DomainInfo(DomainInfoView),
    DomainState(DomainStateView),
    NodeInfo(NodeInfo),
    Version(VersionView),
    PoolList(PoolList),
    PoolInfo(PoolInfoView),
    VolList(VolList),
    VolInfo(VolInfoView),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainRow {
    pub id: Option<u32>,
    pub name: String,
    pub uuid: String,
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ListStyle {
    Table {
        title: bool,
    },
    /// `--uuid`, `--id`, `--name`: one line per domain, no header.
    Script {
        uuid: bool,
        id: bool,
        name: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainList {
    pub rows: Vec<DomainRow>,
    pub style: ListStyle,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainInfoView {
    pub id: Option<u32>,
    pub name: String,
    pub uuid: String,
    pub os_type: String,
    pub state: String,
    pub cpus: u32,
    pub cpu_time_ns: u64,
    pub max_memory_kib: u64,
    pub used_memory_kib: u64,
    pub persistent: Option<bool>,
    pub autostart: Option<bool>,
    pub managed_save: Option<bool>,
    pub security_model: Option<String>,
    pub security_doi: Option<String>,
    pub security_label: Option<String>,
    pub security_enforcing: Option<bool>,
    pub messages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainStateView {
    pub state: String,
    pub reason: String,
    #[serde(skip)]
    pub show_reason: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionView {
    pub library: String,
    pub api: String,
    pub hypervisor_type: String,
    pub hypervisor: Option<String>,
    pub daemon: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolRow {
    pub name: String,
    pub uuid: String,
    pub state: PoolStateName,
    pub autostart: bool,
    pub persistent: bool,
    pub capacity: Option<u64>,
    pub allocation: Option<u64>,
    pub available: Option<u64>,
}

/// A pool state as JSON shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(into = "&'static str")]
pub struct PoolStateName(pub PoolState);

impl From<PoolStateName> for &'static str {
    fn from(s: PoolStateName) -> &'static str {
        s.0.text()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PoolListStyle {
    Table,
    Details,
    Script { uuid: bool, name: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolList {
    pub rows: Vec<PoolRow>,
    pub style: PoolListStyle,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolInfoView {
    pub name: String,
    pub uuid: String,
    pub state: PoolStateName,
    pub persistent: Option<bool>,
    pub autostart: Option<bool>,
    pub capacity: Option<u64>,
    pub allocation: Option<u64>,
    pub available: Option<u64>,
    #[serde(skip)]
    pub bytes: bool,
}

/// A volume type as JSON shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(into = "&'static str")]
pub struct VolTypeName(pub VolType);

impl From<VolTypeName> for &'static str {
    fn from(t: VolTypeName) -> &'static str {
        t.0.text()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolRow {
    pub name: String,
    pub path: String,
    #[serde(rename = "type")]
    pub kind: Option<VolTypeName>,
    pub capacity: Option<u64>,
    pub allocation: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VolList {
    pub rows: Vec<VolRow>,
    pub details: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolInfoView {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: VolTypeName,
    pub capacity: u64,
    pub allocation: u64,
    #[serde(skip)]
    pub bytes: bool,
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn field(out: &mut String, label: &str, value: &str) {
    out.push_str(&format!("{label:<15} {value}\n"));
}

fn size(bytes: u64, raw: bool) -> String {
    if raw {
        format!("{bytes} bytes")
    } else {
        pretty_capacity(bytes)
    }
}

/// Text for stdout and for stderr.
#[derive(Debug, Default, PartialEq)]
pub struct Printed {
    pub stdout: String,
    pub stderr: String,
}

/// virsh's text for an outcome; `quiet` is `-q`.
pub fn text(outcome: &Outcome, quiet: bool) -> Printed {
    let mut out = String::new();
    match outcome {
        Outcome::Nothing => {}
        Outcome::Message(m) => {
            if !quiet {
                out.push_str(m);
                out.push('\n');
            }
        }
        Outcome::Note(n) => {
            if !quiet {
                out.push_str(n);
            }
        }
        Outcome::Value(v) => {
            out.push_str(v);
            out.push('\n');
        }
        Outcome::Text(t) => out.push_str(t),
        Outcome::ErrText(t) => {
            return Printed {
                stdout: String::new(),
                stderr: t.clone(),
            }
        }
        Outcome::Xml(x) => out.push_str(x),
        Outcome::DomainList(list) => domain_list(&mut out, list, quiet),
        Outcome::DomainInfo(info) => domain_info(&mut out, info),
        Outcome::DomainState(s) => {
            if s.show_reason {
                out.push_str(&format!("{} ({})\n", s.state, s.reason));
            } else {
                out.push_str(&format!("{}\n", s.state));
            }
        }
        Outcome::NodeInfo(n) => {
            let rows = [
                ("CPU model:", n.model.clone()),
                ("CPU(s):", n.cpus.to_string()),
                ("CPU frequency:", format!("{} MHz", n.mhz)),
                ("CPU socket(s):", n.sockets.to_string()),
                ("Core(s) per socket:", n.cores.to_string()),
                ("Thread(s) per core:", n.threads.to_string()),
                ("NUMA cell(s):", n.nodes.to_string()),
                ("Memory size:", format!("{} KiB", n.memory_kib)),
            ];
            for (label, value) in rows {
                out.push_str(&format!("{label:<20} {value}\n"));
            }
        }
        Outcome::Version(v) => {
            out.push_str(&format!(
                "Compiled against library: libvirt {}\n",
                v.library
            ));
            out.push_str(&format!("Using library: libvirt {}\n", v.library));
            out.push_str(&format!("Using API: {} {}\n", v.hypervisor_type, v.api));
            match &v.hypervisor {
                Some(hv) => {
                    out.push_str(&format!("Running hypervisor: {} {hv}\n", v.hypervisor_type))
                }
                None => out.push_str(&format!(
                    "Cannot extract running {} hypervisor version\n",
                    v.hypervisor_type
                )),
            }
            if let Some(d) = &v.daemon {
                out.push_str(&format!("Running against daemon: {d}\n"));
            }
        }
        Outcome::PoolList(list) => pool_list(&mut out, list, quiet),
        Outcome::PoolInfo(p) => {
            field(&mut out, "Name:", &p.name);
            field(&mut out, "UUID:", &p.uuid);
            field(&mut out, "State:", p.state.0.text());
            field(
                &mut out,
                "Persistent:",
                p.persistent.map_or("unknown", yes_no),
            );
            field(
                &mut out,
                "Autostart:",
                p.autostart.map_or("no autostart", yes_no),
            );
            if let (Some(c), Some(a), Some(v)) = (p.capacity, p.allocation, p.available) {
                // pool-info --bytes prints bare numbers (vol-info adds " bytes").
                let sz = |b: u64| {
                    if p.bytes {
                        b.to_string()
                    } else {
                        pretty_capacity(b)
                    }
                };
                field(&mut out, "Capacity:", &sz(c));
                field(&mut out, "Allocation:", &sz(a));
                field(&mut out, "Available:", &sz(v));
            }
        }
        Outcome::VolList(list) => {
            let mut t = if list.details {
                Table::new(["Name", "Path", "Type", "Capacity", "Allocation"])
            } else {
                Table::new(["Name", "Path"])
            };
            for r in &list.rows {
                if list.details {
                    t.row([
                        r.name.clone(),
                        r.path.clone(),
                        r.kind.map_or("unknown", |k| k.0.text()).to_string(),
                        r.capacity.map_or("unknown".into(), pretty_capacity),
                        r.allocation.map_or("unknown".into(), pretty_capacity),
                    ]);
                } else {
                    t.row([r.name.clone(), r.path.clone()]);
                }
            }
            out.push_str(&t.render(!quiet));
        }
        Outcome::VolInfo(v) => {
            field(&mut out, "Name:", &v.name);
            field(&mut out, "Type:", v.kind.0.text());
            field(&mut out, "Capacity:", &size(v.capacity, v.bytes));
            field(&mut out, "Allocation:", &size(v.allocation, v.bytes));
        }
    }
    Printed {
        stdout: out,
        stderr: String::new(),
    }
}

fn domain_list(out: &mut String, list: &DomainList, quiet: bool) {
    match list.style {
        ListStyle::Table { title } => {
            let mut header = vec!["Id", "Name", "State"];
            if title {
                header.push("Title");
            }
            let mut t = Table::new(header);
            for r in &list.rows {
                let id = r.id.map_or("-".into(), |i| i.to_string());
                let mut row = vec![id, r.name.clone(), r.state.clone()];
                if title {
                    row.push(r.title.clone().unwrap_or_default());
                }
                t.row(row);
            }
            out.push_str(&t.render(!quiet));
        }
        ListStyle::Script { uuid, id, name } => {
            for r in &list.rows {
                let mut fields = Vec::new();
                if uuid {
                    fields.push(r.uuid.clone());
                }
                if id {
                    match r.id {
                        Some(i) => fields.push(i.to_string()),
                        None if !uuid && !name => continue,
                        None => fields.push("-".into()),
                    }
                }
                if name {
                    fields.push(r.name.clone());
                }
                out.push_str(&fields.join(" "));
                out.push('\n');
            }
        }
    }
}

fn domain_info(out: &mut String, i: &DomainInfoView) {
    field(out, "Id:", &i.id.map_or("-".into(), |id| id.to_string()));
    field(out, "Name:", &i.name);
    field(out, "UUID:", &i.uuid);
    field(out, "OS Type:", &i.os_type);
    field(out, "State:", &i.state);
    field(out, "CPU(s):", &i.cpus.to_string());
    if i.cpu_time_ns != 0 {
        field(
            out,
            "CPU time:",
            &format!("{:.1}s", i.cpu_time_ns as f64 / 1e9),
        );
    }
    field(out, "Max memory:", &format!("{} KiB", i.max_memory_kib));
    field(out, "Used memory:", &format!("{} KiB", i.used_memory_kib));
    field(out, "Persistent:", i.persistent.map_or("unknown", yes_no));
    if let Some(a) = i.autostart {
        field(out, "Autostart:", if a { "enable" } else { "disable" });
    }
    field(
        out,
        "Managed save:",
        i.managed_save.map_or("unknown", yes_no),
    );
    if let Some(model) = &i.security_model {
        field(out, "Security model:", model);
        field(
            out,
            "Security DOI:",
            i.security_doi.as_deref().unwrap_or_default(),
        );
        if let Some(label) = &i.security_label {
            let mode = if i.security_enforcing == Some(true) {
                "enforcing"
            } else {
                "permissive"
            };
            field(out, "Security label:", &format!("{label} ({mode})"));
        }
    }
    for (i, m) in i.messages.iter().enumerate() {
        field(out, if i == 0 { "Messages:" } else { "" }, m);
    }
}

fn pool_list(out: &mut String, list: &PoolList, quiet: bool) {
    match list.style {
        PoolListStyle::Script { uuid, name } => {
            for r in &list.rows {
                let line = match (uuid, name) {
                    (true, true) => format!("{} {}", r.uuid, r.name),
                    (true, false) => r.uuid.clone(),
                    _ => r.name.clone(),
                };
                out.push_str(&line);
                out.push('\n');
            }
        }
        PoolListStyle::Table => {
            let mut t = Table::new(["Name", "State", "Autostart"]);
            for r in &list.rows {
                let state = if r.state.0 == PoolState::Inactive {
                    "inactive"
                } else {
                    "active"
                };
                t.row([r.name.as_str(), state, yes_no(r.autostart)]);
            }
            out.push_str(&t.render(!quiet));
        }
        PoolListStyle::Details => {
            let mut t = Table::new([
                "Name",
                "State",
                "Autostart",
                "Persistent",
                "Capacity",
                "Allocation",
                "Available",
            ]);
            for r in &list.rows {
                let sz = |v: Option<u64>| v.map_or("-".into(), pretty_capacity);
                t.row([
                    r.name.clone(),
                    r.state.0.text().to_string(),
                    yes_no(r.autostart).to_string(),
                    yes_no(r.persistent).to_string(),
                    sz(r.capacity),
                    sz(r.allocation),
                    sz(r.available),
                ]);
            }
            out.push_str(&t.render(!quiet));
        }
    }
}
