//! The `monitor` commands (virsh's "Domain Monitoring" group).

use clap::Parser;

use crate::args::DomainArg;
use crate::complete::{DomainFilter, Values};
use crate::spec;

/// `list`: list domains
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "list domains", long_about = "Returns list of domains.")]
pub struct List {
    #[arg(long, help = "list inactive domains")]
    pub inactive: bool,
    #[arg(long, help = "list inactive & active domains")]
    pub all: bool,
    #[arg(long, help = "list transient domains")]
    pub transient: bool,
    #[arg(long, help = "list persistent domains")]
    pub persistent: bool,
    #[arg(long = "with-snapshot", help = "list domains with existing snapshot")]
    pub with_snapshot: bool,
    #[arg(long = "without-snapshot", help = "list domains without a snapshot")]
    pub without_snapshot: bool,
    #[arg(long = "with-checkpoint", help = "list domains with existing checkpoint")]
    pub with_checkpoint: bool,
    #[arg(long = "without-checkpoint", help = "list domains without a checkpoint")]
    pub without_checkpoint: bool,
    #[arg(long = "state-running", help = "list domains in running state")]
    pub state_running: bool,
    #[arg(long = "state-paused", help = "list domains in paused state")]
    pub state_paused: bool,
    #[arg(long = "state-shutoff", help = "list domains in shutoff state")]
    pub state_shutoff: bool,
    #[arg(long = "state-other", help = "list domains in other states")]
    pub state_other: bool,
    #[arg(long, help = "list domains with autostart enabled")]
    pub autostart: bool,
    #[arg(long = "no-autostart", help = "list domains with autostart disabled")]
    pub no_autostart: bool,
    #[arg(long = "with-managed-save", help = "list domains with managed save state")]
    pub with_managed_save: bool,
    #[arg(long = "without-managed-save", help = "list domains without managed save")]
    pub without_managed_save: bool,
    #[arg(long, help = "list uuid's only")]
    pub uuid: bool,
    #[arg(long, help = "list domain names only")]
    pub name: bool,
    #[arg(long, help = "list domain IDs only")]
    pub id: bool,
    #[arg(long, help = "list table (default)")]
    pub table: bool,
    #[arg(long = "managed-save", help = "mark inactive domains with managed save state")]
    pub managed_save: bool,
    #[arg(long, help = "show domain title")]
    pub title: bool,
}
spec!(List: "list" []);

/// `domstate`: domain state
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "domain state", long_about = "Returns state about a domain.")]
pub struct Domstate {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, help = "also print reason for the state")]
    pub reason: bool,
}
spec!(Domstate: "domstate" ["domain"]);

/// `domstats`: get statistics about one or multiple domains
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "get statistics about one or multiple domains",
    long_about = "Gets statistics about one or more (or all) domains"
)]
pub struct Domstats {
    #[arg(long, help = "report domain state")]
    pub state: bool,
    #[arg(long, help = "report domain physical cpu usage")]
    pub cpu_total: bool,
    #[arg(long, help = "report domain balloon statistics")]
    pub balloon: bool,
    #[arg(long, help = "report domain virtual cpu information")]
    pub vcpu: bool,
    #[arg(long, help = "report domain network interface information")]
    pub interface: bool,
    #[arg(long, help = "report domain block device statistics")]
    pub block: bool,
    #[arg(long, help = "report domain perf event statistics")]
    pub perf: bool,
    #[arg(long, help = "report domain IOThread information")]
    pub iothread: bool,
    #[arg(long, help = "report domain memory usage")]
    pub memory: bool,
    #[arg(long, help = "report domain dirty rate information")]
    pub dirtyrate: bool,
    #[arg(long, help = "report hypervisor-specific statistics")]
    pub vm: bool,
    #[arg(long, help = "list only active domains")]
    pub list_active: bool,
    #[arg(long, help = "list only inactive domains")]
    pub list_inactive: bool,
    #[arg(long, help = "list only persistent domains")]
    pub list_persistent: bool,
    #[arg(long, help = "list only transient domains")]
    pub list_transient: bool,
    #[arg(long, help = "list only running domains")]
    pub list_running: bool,
    #[arg(long, help = "list only paused domains")]
    pub list_paused: bool,
    #[arg(long, help = "list only shutoff domains")]
    pub list_shutoff: bool,
    #[arg(long, help = "list only domains in other states")]
    pub list_other: bool,
    #[arg(long, help = "do not pretty-print the fields")]
    pub raw: bool,
    #[arg(long, help = "enforce requested stats parameters")]
    pub enforce: bool,
    #[arg(long, help = "add backing chain information to block stats")]
    pub backing: bool,
    #[arg(long, help = "report only stats that are accessible instantly")]
    pub nowait: bool,
    #[arg(long, value_name = "string", help = "list of domains to get stats for")]
    pub domain: Vec<String>,
}
spec!(Domstats: "domstats" ["domain"]);

/// `domiflist`: list all domain virtual interfaces
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "list all domain virtual interfaces",
    long_about = "Get the summary of virtual interfaces for a domain."
)]
pub struct Domiflist {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, help = "get inactive rather than running configuration")]
    pub inactive: bool,
}
spec!(Domiflist: "domiflist" ["domain"]);

/// `domcontrol`: domain control interface state
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "domain control interface state",
    long_about = "Returns state of a control interface to the domain."
)]
pub struct Domcontrol {
    #[command(flatten)]
    pub target: DomainArg,
}
spec!(Domcontrol: "domcontrol" ["domain"] complete [("domain", Values::Domains(DomainFilter::Active))]);

/// `dominfo`: domain information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "domain information", long_about = "Returns basic information about the domain.")]
pub struct Dominfo {
    #[command(flatten)]
    pub target: DomainArg,
}
spec!(Dominfo: "dominfo" ["domain"]);

/// `domifaddr`: Get network interfaces' addresses for a running domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Get network interfaces' addresses for a running domain",
    long_about = "Get network interfaces' addresses for a running domain"
)]
pub struct Domifaddr {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "network interface name")]
    pub interface: Option<String>,
    #[arg(long, help = "always display names and MACs of interfaces")]
    pub full: bool,
    #[arg(long, value_name = "string", help = "address source: 'lease', 'agent', or 'arp'")]
    pub source: Option<String>,
}
spec!(Domifaddr: "domifaddr" ["domain", "interface"]
complete [
    ("domain", Values::Domains(DomainFilter::Active)),
    ("source", Values::Fixed(&["lease", "agent", "arp"])),
]);

/// `domif-getlink`: get link state of a virtual interface
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "get link state of a virtual interface",
    long_about = "Get link state of a domain's virtual interface."
)]
pub struct DomifGetlink {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "interface device (MAC Address)")]
    pub interface: String,
    #[arg(long, help = "Get persistent interface state")]
    pub config: bool,
}
spec!(DomifGetlink: "domif-getlink" ["domain", "interface"]);

/// `domifstat`: get network interface stats for a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "get network interface stats for a domain",
    long_about = "Get network interface stats for a running domain."
)]
pub struct Domifstat {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "interface device specified by name or MAC Address"
    )]
    pub interface: String,
}
spec!(Domifstat: "domifstat" ["domain", "interface"]
    complete [("domain", Values::Domains(DomainFilter::Active))]);
