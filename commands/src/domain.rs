//! The `domain` commands.

use clap::Parser;

use crate::{Group, Spec};

/// The values of `shutdown --mode` and `reboot --mode` (a comma-separated list of them).
pub const SHUTDOWN_MODES: [&str; 5] = ["acpi", "agent", "initctl", "signal", "paravirt"];

/// `list`: list domains
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "list",
    about = "list domains",
    long_about = "Returns list of domains."
)]
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
    #[arg(
        long = "with-checkpoint",
        help = "list domains with existing checkpoint"
    )]
    pub with_checkpoint: bool,
    #[arg(
        long = "without-checkpoint",
        help = "list domains without a checkpoint"
    )]
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
    #[arg(
        long = "with-managed-save",
        help = "list domains with managed save state"
    )]
    pub with_managed_save: bool,
    #[arg(
        long = "without-managed-save",
        help = "list domains without managed save"
    )]
    pub without_managed_save: bool,
    #[arg(long, help = "list uuid's only")]
    pub uuid: bool,
    #[arg(long, help = "list domain names only")]
    pub name: bool,
    #[arg(long, help = "list domain IDs only")]
    pub id: bool,
    #[arg(long, help = "list table (default)")]
    pub table: bool,
    #[arg(
        long = "managed-save",
        help = "mark inactive domains with managed save state"
    )]
    pub managed_save: bool,
    #[arg(long, help = "show domain title")]
    pub title: bool,
}
impl Spec for List {
    const NAME: &'static str = "list";
    const GROUP: Group = Group::Monitor;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `define`: define (but don't start) a domain from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "define",
    about = "define (but don't start) a domain from an XML file",
    long_about = "Define a domain."
)]
pub struct Define {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "file containing an XML domain description"
    )]
    pub file: String,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
impl Spec for Define {
    const NAME: &'static str = "define";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["file"];
}

/// `undefine`: undefine a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "undefine",
    about = "undefine a domain",
    long_about = "Undefine an inactive domain, or convert persistent to transient."
)]
pub struct Undefine {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(long = "managed-save", help = "remove domain managed state file")]
    pub managed_save: bool,
    #[arg(
        long,
        value_name = "string",
        help = "remove associated storage volumes (comma separated list of targets or source paths) (see domblklist)"
    )]
    pub storage: Option<String>,
    #[arg(
        long = "remove-all-storage",
        help = "remove all associated storage volumes (use with caution)"
    )]
    pub remove_all_storage: bool,
    #[arg(
        long = "delete-storage-volume-snapshots",
        help = "delete snapshots associated with volume(s), requires --remove-all-storage (must be supported by storage driver)"
    )]
    pub delete_storage_volume_snapshots: bool,
    #[arg(long = "wipe-storage", help = "wipe data on the removed volumes")]
    pub wipe_storage: bool,
    #[arg(
        long = "snapshots-metadata",
        help = "remove all domain snapshot metadata (vm must be inactive)"
    )]
    pub snapshots_metadata: bool,
    #[arg(
        long = "checkpoints-metadata",
        help = "remove all domain checkpoint metadata (vm must be inactive)"
    )]
    pub checkpoints_metadata: bool,
    #[arg(long, help = "remove nvram file")]
    pub nvram: bool,
    #[arg(long = "keep-nvram", help = "keep nvram file")]
    pub keep_nvram: bool,
    #[arg(long, help = "remove TPM state")]
    pub tpm: bool,
    #[arg(long = "keep-tpm", help = "keep TPM state")]
    pub keep_tpm: bool,
}
impl Spec for Undefine {
    const NAME: &'static str = "undefine";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `autostart-all`: virtsh's own: starts what is marked autostart (there is no daemon to)
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "autostart-all",
    about = "start every pool and domain marked autostart",
    long_about = "Start every inactive storage pool, then every inactive domain, marked autostart.\nvirtsh has no daemon: run this at boot (for example from a systemd unit)."
)]
pub struct AutostartAll {}
impl Spec for AutostartAll {
    const NAME: &'static str = "autostart-all";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `console`: connect to the guest console
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "console",
    about = "connect to the guest console",
    long_about = "Connect the virtual serial console for the guest"
)]
pub struct Console {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(long, value_name = "string", help = "character device name")]
    pub devname: Option<String>,
    #[arg(
        long,
        help = "force console connection (disconnect already connected sessions)"
    )]
    pub force: bool,
    #[arg(long, help = "resume a paused guest after connecting to console")]
    pub resume: bool,
    #[arg(long, help = "only connect if safe console handling is supported")]
    pub safe: bool,
}
impl Spec for Console {
    const NAME: &'static str = "console";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `create`: create a domain from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "create",
    about = "create a domain from an XML file",
    long_about = "Create a domain."
)]
pub struct Create {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "file containing an XML domain description"
    )]
    pub file: String,
    #[arg(long, help = "attach to console after creation")]
    pub console: bool,
    #[arg(long, help = "leave the guest paused after creation")]
    pub paused: bool,
    #[arg(long, help = "automatically destroy the guest when virsh disconnects")]
    pub autodestroy: bool,
    #[arg(
        long = "pass-fds",
        value_name = "string",
        help = "pass file descriptors N,M,... to the guest"
    )]
    pub pass_fds: Option<String>,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
    #[arg(
        long = "reset-nvram",
        help = "re-initialize NVRAM from its pristine template"
    )]
    pub reset_nvram: bool,
}
impl Spec for Create {
    const NAME: &'static str = "create";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["file"];
}

/// `start`: start a (previously defined) inactive domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "start",
    about = "start a (previously defined) inactive domain",
    long_about = "Start a domain, either from the last managedsave\nstate, or via a fresh boot if no managedsave state\nis present."
)]
pub struct Start {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "name of the inactive domain"
    )]
    pub domain: String,
    #[arg(long, help = "attach to console after creation")]
    pub console: bool,
    #[arg(long, help = "leave the guest paused after creation")]
    pub paused: bool,
    #[arg(long, help = "automatically destroy the guest when virsh disconnects")]
    pub autodestroy: bool,
    #[arg(long = "bypass-cache", help = "avoid file system cache when loading")]
    pub bypass_cache: bool,
    #[arg(
        long = "force-boot",
        help = "force fresh boot by discarding any managed save"
    )]
    pub force_boot: bool,
    #[arg(
        long = "pass-fds",
        value_name = "string",
        help = "pass file descriptors N,M,... to the guest"
    )]
    pub pass_fds: Option<String>,
    #[arg(
        long = "reset-nvram",
        help = "re-initialize NVRAM from its pristine template"
    )]
    pub reset_nvram: bool,
}
impl Spec for Start {
    const NAME: &'static str = "start";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `shutdown`: gracefully shutdown a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "shutdown",
    about = "gracefully shutdown a domain",
    long_about = "Run shutdown in the target domain."
)]
pub struct Shutdown {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(
        long,
        value_name = "string",
        help = "shutdown mode: acpi|agent|initctl|signal|paravirt"
    )]
    pub mode: Option<String>,
}
impl Spec for Shutdown {
    const NAME: &'static str = "shutdown";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain", "mode"];
}

/// `destroy`: destroy (stop) a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "destroy",
    about = "destroy (stop) a domain",
    long_about = "Forcefully stop a given domain, but leave its resources intact."
)]
pub struct Destroy {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(long, help = "terminate gracefully")]
    pub graceful: bool,
    #[arg(long = "remove-logs", help = "remove domain logs")]
    pub remove_logs: bool,
}
impl Spec for Destroy {
    const NAME: &'static str = "destroy";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `reboot`: reboot a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "reboot",
    about = "reboot a domain",
    long_about = "Run a reboot command in the target domain."
)]
pub struct Reboot {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(
        long,
        value_name = "string",
        help = "shutdown mode: acpi|agent|initctl|signal|paravirt"
    )]
    pub mode: Option<String>,
}
impl Spec for Reboot {
    const NAME: &'static str = "reboot";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain", "mode"];
}

/// `reset`: reset a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "reset",
    about = "reset a domain",
    long_about = "Reset the target domain as if by power button"
)]
pub struct Reset {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
}
impl Spec for Reset {
    const NAME: &'static str = "reset";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `suspend`: suspend a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "suspend",
    about = "suspend a domain",
    long_about = "Suspend a running domain."
)]
pub struct Suspend {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
}
impl Spec for Suspend {
    const NAME: &'static str = "suspend";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `resume`: resume a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "resume",
    about = "resume a domain",
    long_about = "Resume a previously suspended domain."
)]
pub struct Resume {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
}
impl Spec for Resume {
    const NAME: &'static str = "resume";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `domcontrol`: domain control interface state
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "domcontrol",
    about = "domain control interface state",
    long_about = "Returns state of a control interface to the domain."
)]
pub struct Domcontrol {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
}
impl Spec for Domcontrol {
    const NAME: &'static str = "domcontrol";
    const GROUP: Group = Group::Monitor;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `dominfo`: domain information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "dominfo",
    about = "domain information",
    long_about = "Returns basic information about the domain."
)]
pub struct Dominfo {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
}
impl Spec for Dominfo {
    const NAME: &'static str = "dominfo";
    const GROUP: Group = Group::Monitor;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `domstate`: domain state
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "domstate",
    about = "domain state",
    long_about = "Returns state about a domain."
)]
pub struct Domstate {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(long, help = "also print reason for the state")]
    pub reason: bool,
}
impl Spec for Domstate {
    const NAME: &'static str = "domstate";
    const GROUP: Group = Group::Monitor;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `domname`: convert a domain id or UUID to domain name
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "domname",
    about = "convert a domain id or UUID to domain name",
    long_about = ""
)]
pub struct Domname {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain id or uuid"
    )]
    pub domain: String,
}
impl Spec for Domname {
    const NAME: &'static str = "domname";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `domuuid`: convert a domain name or id to domain UUID
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "domuuid",
    about = "convert a domain name or id to domain UUID",
    long_about = ""
)]
pub struct Domuuid {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain id or name"
    )]
    pub domain: String,
}
impl Spec for Domuuid {
    const NAME: &'static str = "domuuid";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `domid`: convert a domain name or UUID to domain id
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "domid",
    about = "convert a domain name or UUID to domain id",
    long_about = ""
)]
pub struct Domid {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name or uuid"
    )]
    pub domain: String,
}
impl Spec for Domid {
    const NAME: &'static str = "domid";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `dumpxml`: domain information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "dumpxml",
    about = "domain information in XML",
    long_about = "Output the domain information as an XML dump to stdout."
)]
pub struct Dumpxml {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(long, help = "show inactive defined XML")]
    pub inactive: bool,
    #[arg(
        long = "security-info",
        help = "include security sensitive information in XML dump"
    )]
    pub security_info: bool,
    #[arg(long = "update-cpu", help = "update guest CPU according to host CPU")]
    pub update_cpu: bool,
    #[arg(long, help = "provide XML suitable for migrations")]
    pub migratable: bool,
    #[arg(
        long,
        value_name = "string",
        help = "xpath expression to filter the XML document"
    )]
    pub xpath: Option<String>,
    #[arg(long, help = "wrap xpath results in an common root element")]
    pub wrap: bool,
}
impl Spec for Dumpxml {
    const NAME: &'static str = "dumpxml";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `edit`: edit XML configuration for a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "edit",
    about = "edit XML configuration for a domain",
    long_about = "Edit the XML configuration for a domain."
)]
pub struct Edit {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(
        long = "skip-validate",
        help = "skip validation of the XML against the schema"
    )]
    pub skip_validate: bool,
}
impl Spec for Edit {
    const NAME: &'static str = "edit";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `autostart`: autostart a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "autostart",
    about = "autostart a domain",
    long_about = "Configure a domain to be automatically started at boot."
)]
pub struct Autostart {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(long, help = "disable autostarting")]
    pub disable: bool,
    #[arg(long, help = "control next boot state")]
    pub once: bool,
}
impl Spec for Autostart {
    const NAME: &'static str = "autostart";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}

/// `setmem`: change memory allocation
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "setmem",
    about = "change memory allocation",
    long_about = "Change the current memory allocation in the guest domain."
)]
pub struct Setmem {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(
        long,
        alias = "kilobytes",
        value_name = "number",
        required = true,
        help = "new memory size, as scaled integer (default KiB)"
    )]
    pub size: String,
    #[arg(long, help = "affect next boot")]
    pub config: bool,
    #[arg(long, help = "affect running domain")]
    pub live: bool,
    #[arg(long, help = "affect current domain")]
    pub current: bool,
}
impl Spec for Setmem {
    const NAME: &'static str = "setmem";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain", "size"];
}

/// `setmaxmem`: change maximum memory limit
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "setmaxmem",
    about = "change maximum memory limit",
    long_about = "Change the maximum memory allocation limit in the guest domain."
)]
pub struct Setmaxmem {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(
        long,
        value_name = "number",
        required = true,
        help = "new maximum memory size, as scaled integer (default KiB)"
    )]
    pub size: String,
    #[arg(long, help = "affect next boot")]
    pub config: bool,
    #[arg(long, help = "affect running domain")]
    pub live: bool,
    #[arg(long, help = "affect current domain")]
    pub current: bool,
}
impl Spec for Setmaxmem {
    const NAME: &'static str = "setmaxmem";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain", "size"];
}

/// `setvcpus`: change number of virtual CPUs
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "setvcpus",
    about = "change number of virtual CPUs",
    long_about = "Change the number of virtual CPUs in the guest domain."
)]
pub struct Setvcpus {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(
        long,
        value_name = "number",
        required = true,
        help = "number of virtual CPUs"
    )]
    pub count: u32,
    #[arg(long, help = "set maximum limit on next boot")]
    pub maximum: bool,
    #[arg(long, help = "affect next boot")]
    pub config: bool,
    #[arg(long, help = "affect running domain")]
    pub live: bool,
    #[arg(long, help = "affect current domain")]
    pub current: bool,
    #[arg(long, help = "modify cpu state in the guest")]
    pub guest: bool,
    #[arg(long, help = "make added vcpus hot(un)pluggable")]
    pub hotpluggable: bool,
}
impl Spec for Setvcpus {
    const NAME: &'static str = "setvcpus";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain", "count"];
}

/// `domrename`: rename a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "domrename",
    about = "rename a domain",
    long_about = "Rename an inactive domain."
)]
pub struct Domrename {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name or uuid"
    )]
    pub domain: String,
    #[arg(
        long = "new-name",
        value_name = "string",
        required = true,
        help = "new domain name"
    )]
    pub new_name: String,
}
impl Spec for Domrename {
    const NAME: &'static str = "domrename";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain", "new-name"];
}

/// `desc`: show or set domain's description or title
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "desc",
    about = "show or set domain's description or title",
    long_about = "Allows setting or modifying the description or title of a domain."
)]
pub struct Desc {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "domain name, id or uuid"
    )]
    pub domain: String,
    #[arg(long, help = "modify/get running state")]
    pub live: bool,
    #[arg(long, help = "modify/get persistent configuration")]
    pub config: bool,
    #[arg(long, help = "modify/get current state configuration")]
    pub current: bool,
    #[arg(long, help = "modify/get the title instead of description")]
    pub title: bool,
    #[arg(long, help = "open an editor to modify the description")]
    pub edit: bool,
    #[arg(long = "new-desc", value_name = "string", help = "message")]
    pub new_desc: Vec<String>,
}
impl Spec for Desc {
    const NAME: &'static str = "desc";
    const GROUP: Group = Group::Domain;
    const POSITIONAL: &'static [&'static str] = &["domain", "new-desc"];
}

/// `domstats`: get statistics about one or multiple domains
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "domstats",
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
impl Spec for Domstats {
    const NAME: &'static str = "domstats";
    const GROUP: Group = Group::Monitor;
    const POSITIONAL: &'static [&'static str] = &["domain"];
}
