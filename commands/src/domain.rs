//! The `domain` commands.

use clap::Parser;

use crate::args::{DescArgs, DomainArg, Impact, MemoryChange, XPathArgs, XmlFileArg};
use crate::complete::{DomainFilter, Values};
use crate::spec;

mod saves;
pub use saves::*;

/// The values of `shutdown --mode` and `reboot --mode` (a comma-separated list of them).
pub const SHUTDOWN_MODES: [&str; 5] = ["acpi", "agent", "initctl", "signal", "paravirt"];

/// `define`: define (but don't start) a domain from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "define (but don't start) a domain from an XML file",
    long_about = "Define a domain.",
    mut_arg("file", |a| a.help("file containing an XML domain description"))
)]
pub struct Define {
    #[command(flatten)]
    pub xml: XmlFileArg,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
spec!(Define: "define" ["file"]);

/// `undefine`: undefine a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "undefine a domain",
    long_about = "Undefine an inactive domain, or convert persistent to transient."
)]
pub struct Undefine {
    #[command(flatten)]
    pub target: DomainArg,
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
        alias = "delete-snapshots",
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
spec!(Undefine: "undefine" ["domain"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["storage"];
    const ALLOW_EMPTY: &'static [&'static str] = &["storage"];
);

/// `autostart-all`: virtsh's own: starts what is marked autostart (there is no daemon to)
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "start every pool and domain marked autostart",
    long_about = "Start every inactive storage pool, then every inactive domain, marked autostart.\nvirtsh has no daemon: run this at boot (for example from a systemd unit)."
)]
pub struct AutostartAll {}
spec!(AutostartAll: "autostart-all" []);

/// `console`: connect to the guest console
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "connect to the guest console",
    long_about = "Connect the virtual serial console for the guest"
)]
pub struct Console {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "character device name")]
    pub devname: Option<String>,
    #[arg(long, help = "force console connection (disconnect already connected sessions)")]
    pub force: bool,
    #[arg(long, help = "resume a paused guest after connecting to console")]
    pub resume: bool,
    #[arg(long, help = "only connect if safe console handling is supported")]
    pub safe: bool,
}
spec!(Console: "console" ["domain"] complete [("domain", Values::Domains(DomainFilter::Active))]);

/// `create`: create a domain from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "create a domain from an XML file", long_about = "Create a domain.",
    mut_arg("file", |a| a.help("file containing an XML domain description"))
)]
pub struct Create {
    #[command(flatten)]
    pub xml: XmlFileArg,
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
    #[arg(long = "reset-nvram", help = "re-initialize NVRAM from its pristine template")]
    pub reset_nvram: bool,
}
spec!(Create: "create" ["file"]);

/// `start`: start a (previously defined) inactive domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "start a (previously defined) inactive domain",
    long_about = "Start a domain, either from the last managedsave\nstate, or via a fresh boot if no managedsave state\nis present."
)]
pub struct Start {
    #[arg(long, value_name = "string", required = true, help = "name of the inactive domain")]
    pub domain: String,
    #[arg(long, help = "attach to console after creation")]
    pub console: bool,
    #[arg(long, help = "leave the guest paused after creation")]
    pub paused: bool,
    #[arg(long, help = "automatically destroy the guest when virsh disconnects")]
    pub autodestroy: bool,
    #[arg(long = "bypass-cache", help = "avoid file system cache when loading")]
    pub bypass_cache: bool,
    #[arg(long = "force-boot", help = "force fresh boot by discarding any managed save")]
    pub force_boot: bool,
    #[arg(
        long = "pass-fds",
        value_name = "string",
        help = "pass file descriptors N,M,... to the guest"
    )]
    pub pass_fds: Option<String>,
    #[arg(long = "reset-nvram", help = "re-initialize NVRAM from its pristine template")]
    pub reset_nvram: bool,
}
spec!(Start: "start" ["domain"] complete [("domain", Values::Domains(DomainFilter::Inactive))]);

/// `shutdown`: gracefully shutdown a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "gracefully shutdown a domain",
    long_about = "Run shutdown in the target domain."
)]
pub struct Shutdown {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "shutdown mode: acpi|agent|initctl|signal|paravirt")]
    pub mode: Option<String>,
}
spec!(Shutdown: "shutdown" ["domain", "mode"] complete [("domain", Values::Domains(DomainFilter::Active)), ("mode", Values::Fixed(&SHUTDOWN_MODES))]);

/// `destroy`: destroy (stop) a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "destroy (stop) a domain",
    long_about = "Forcefully stop a given domain, but leave its resources intact."
)]
pub struct Destroy {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, help = "terminate gracefully")]
    pub graceful: bool,
    #[arg(long = "remove-logs", help = "remove domain logs")]
    pub remove_logs: bool,
}
spec!(Destroy: "destroy" ["domain"] complete [("domain", Values::Domains(DomainFilter::Active))]);

/// `reboot`: reboot a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "reboot a domain", long_about = "Run a reboot command in the target domain.")]
pub struct Reboot {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "shutdown mode: acpi|agent|initctl|signal|paravirt")]
    pub mode: Option<String>,
}
spec!(Reboot: "reboot" ["domain", "mode"] complete [("domain", Values::Domains(DomainFilter::Active)), ("mode", Values::Fixed(&SHUTDOWN_MODES))]);

/// `domname`: convert a domain id or UUID to domain name
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "convert a domain id or UUID to domain name", long_about = "")]
pub struct Domname {
    #[arg(long, value_name = "string", required = true, help = "domain id or uuid")]
    pub domain: String,
}
spec!(Domname: "domname" ["domain"]);

/// `domuuid`: convert a domain name or id to domain UUID
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "convert a domain name or id to domain UUID", long_about = "")]
pub struct Domuuid {
    #[arg(long, value_name = "string", required = true, help = "domain id or name")]
    pub domain: String,
}
spec!(Domuuid: "domuuid" ["domain"]);

/// `domid`: convert a domain name or UUID to domain id
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "convert a domain name or UUID to domain id", long_about = "")]
pub struct Domid {
    #[arg(long, value_name = "string", required = true, help = "domain name or uuid")]
    pub domain: String,
}
spec!(Domid: "domid" ["domain"]);

/// `dumpxml`: domain information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "domain information in XML",
    long_about = "Output the domain information as an XML dump to stdout."
)]
pub struct Dumpxml {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, help = "show inactive defined XML")]
    pub inactive: bool,
    #[arg(long = "security-info", help = "include security sensitive information in XML dump")]
    pub security_info: bool,
    #[arg(long = "update-cpu", help = "update guest CPU according to host CPU")]
    pub update_cpu: bool,
    #[arg(long, help = "provide XML suitable for migrations")]
    pub migratable: bool,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(Dumpxml: "dumpxml" ["domain"]);

/// `edit`: edit XML configuration for a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "edit XML configuration for a domain",
    long_about = "Edit the XML configuration for a domain."
)]
pub struct Edit {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long = "skip-validate", help = "skip validation of the XML against the schema")]
    pub skip_validate: bool,
}
spec!(Edit: "edit" ["domain"]);

/// `autostart`: autostart a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "autostart a domain",
    long_about = "Configure a domain to be automatically started at boot."
)]
pub struct Autostart {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, help = "disable autostarting")]
    pub disable: bool,
    #[arg(long, help = "control next boot state")]
    pub once: bool,
}
spec!(Autostart: "autostart" ["domain"]);

/// `setmem`: change memory allocation
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "change memory allocation",
    long_about = "Change the current memory allocation in the guest domain.",
    mut_arg("size", |a| a.alias("kilobytes").help("new memory size, as scaled integer (default KiB)"))
)]
pub struct Setmem {
    #[command(flatten)]
    pub change: MemoryChange,
}
spec!(Setmem: "setmem" ["domain", "size"]);

/// `setmaxmem`: change maximum memory limit
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "change maximum memory limit",
    long_about = "Change the maximum memory allocation limit in the guest domain.",
    mut_arg("size", |a| a.help("new maximum memory size, as scaled integer (default KiB)"))
)]
pub struct Setmaxmem {
    #[command(flatten)]
    pub change: MemoryChange,
}
spec!(Setmaxmem: "setmaxmem" ["domain", "size"]);

/// `setvcpus`: change number of virtual CPUs
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "change number of virtual CPUs",
    long_about = "Change the number of virtual CPUs in the guest domain."
)]
pub struct Setvcpus {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "number", required = true, help = "number of virtual CPUs", value_parser = crate::num::unsigned::<u32>)]
    pub count: u32,
    #[arg(long, help = "set maximum limit on next boot")]
    pub maximum: bool,
    #[command(flatten)]
    pub impact: Impact,
    #[arg(long, help = "modify cpu state in the guest")]
    pub guest: bool,
    #[arg(long, help = "make added vcpus hot(un)pluggable")]
    pub hotpluggable: bool,
}
spec!(Setvcpus: "setvcpus" ["domain", "count"]);

/// `screenshot`: take a screenshot of a current domain console and store it into a file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "take a screenshot of a current domain console and store it into a file",
    long_about = "screenshot of a current domain console"
)]
pub struct Screenshot {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "where to store the screenshot")]
    pub file: Option<String>,
    #[arg(long, value_name = "number", help = "ID of a screen to take screenshot of", value_parser = crate::num::unsigned::<u32>)]
    pub screen: Option<u32>,
}
spec!(Screenshot: "screenshot" ["domain"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["file"];
);

/// `domrename`: rename a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "rename a domain", long_about = "Rename an inactive domain.")]
pub struct Domrename {
    #[arg(long, value_name = "string", required = true, help = "domain name or uuid")]
    pub domain: String,
    #[arg(long = "new-name", value_name = "string", required = true, help = "new domain name")]
    pub new_name: String,
}
spec!(Domrename: "domrename" ["domain", "new-name"] complete [("domain", Values::Domains(DomainFilter::InactivePersistent))]);

/// `desc`: show or set domain's description or title
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "show or set domain's description or title",
    long_about = "Allows setting or modifying the description or title of a domain."
)]
pub struct Desc {
    #[command(flatten)]
    pub target: DomainArg,
    #[command(flatten)]
    pub desc: DescArgs,
}
spec!(Desc: "desc" ["domain", "new-desc"]);

/// `reset`: reset a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "reset a domain", long_about = "Reset the target domain as if by power button")]
pub struct Reset {
    #[command(flatten)]
    pub target: DomainArg,
}
spec!(Reset: "reset" ["domain"] complete [("domain", Values::Domains(DomainFilter::Active))]);

/// `suspend`: suspend a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "suspend a domain", long_about = "Suspend a running domain.")]
pub struct Suspend {
    #[command(flatten)]
    pub target: DomainArg,
}
spec!(Suspend: "suspend" ["domain"] complete [("domain", Values::Domains(DomainFilter::Active))]);

/// `resume`: resume a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "resume a domain", long_about = "Resume a previously suspended domain.")]
pub struct Resume {
    #[command(flatten)]
    pub target: DomainArg,
}
spec!(Resume: "resume" ["domain"] complete [("domain", Values::Domains(DomainFilter::Paused))]);

/// `attach-interface`: attach network interface
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "attach network interface", long_about = "Attach new network interface.")]
pub struct AttachInterface {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long = "type", value_name = "string", required = true, help = "network interface type")]
    pub kind: String,
    #[arg(long, value_name = "string", required = true, help = "source of network interface")]
    pub source: String,
    #[arg(long = "target", value_name = "string", help = "target network name")]
    pub target_dev: Option<String>,
    #[arg(long, value_name = "string", help = "MAC address")]
    pub mac: Option<String>,
    #[arg(long, value_name = "string", help = "script used to bridge network interface")]
    pub script: Option<String>,
    #[arg(long, value_name = "string", help = "model type")]
    pub model: Option<String>,
    #[arg(long, value_name = "string", help = "custom alias name of interface device")]
    pub alias: Option<String>,
    #[arg(long, value_name = "string", help = "control domain's incoming traffics")]
    pub inbound: Option<String>,
    #[arg(long, value_name = "string", help = "control domain's outgoing traffics")]
    pub outbound: Option<String>,
    #[arg(long, help = "make live change persistent")]
    pub persistent: bool,
    #[command(flatten)]
    pub impact: Impact,
    #[arg(long = "print-xml", help = "print XML document rather than attach the interface")]
    pub print_xml: bool,
    #[arg(long, help = "libvirt will automatically detach/attach the device from/to host")]
    pub managed: bool,
    #[arg(
        long = "source-mode",
        value_name = "string",
        help = "mode attribute of <source/> element"
    )]
    pub source_mode: Option<String>,
}
spec!(AttachInterface: "attach-interface" ["domain", "type", "source"]);

/// `detach-interface`: detach network interface
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "detach network interface", long_about = "Detach network interface.")]
pub struct DetachInterface {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long = "type", value_name = "string", required = true, help = "network interface type")]
    pub kind: String,
    #[arg(long, value_name = "string", help = "MAC address")]
    pub mac: Option<String>,
    #[arg(long, help = "make live change persistent")]
    pub persistent: bool,
    #[command(flatten)]
    pub impact: Impact,
    #[arg(long = "print-xml", help = "print XML document rather than detach the interface")]
    pub print_xml: bool,
}
spec!(DetachInterface: "detach-interface" ["domain", "type"]);

/// `domif-setlink`: set link state of a virtual interface
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "set link state of a virtual interface",
    long_about = "Set link state of a domain's virtual interface. This command wraps usage of update-device command."
)]
pub struct DomifSetlink {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "interface device (MAC Address)")]
    pub interface: String,
    #[arg(long, value_name = "string", required = true, help = "new state of the device")]
    pub state: String,
    #[arg(long, help = "affect next boot")]
    pub config: bool,
    #[arg(
        long = "print-xml",
        help = "print XML document rather than set the interface link state"
    )]
    pub print_xml: bool,
}
spec!(DomifSetlink: "domif-setlink" ["domain", "interface", "state"]
    complete [("state", Values::Fixed(&["up", "down"]))]);

/// `domiftune`: get/set parameters of a virtual interface
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "get/set parameters of a virtual interface",
    long_about = "Get/set parameters of a domain's virtual interface."
)]
pub struct Domiftune {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "interface device (MAC Address)")]
    pub interface: String,
    #[arg(long, value_name = "string", help = "control domain's incoming traffics")]
    pub inbound: Option<String>,
    #[arg(long, value_name = "string", help = "control domain's outgoing traffics")]
    pub outbound: Option<String>,
    #[command(flatten)]
    pub impact: Impact,
}
spec!(Domiftune: "domiftune" ["domain", "interface"]);
