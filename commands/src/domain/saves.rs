//! The `domain` commands that keep a domain's state outside it: save and restore to a file,
//! the save image's XML, managed save, core dump, and the guest's own power management.

use clap::Parser;

use crate::args::{DomainArg, RestoreState, XPathArgs};
use crate::complete::{DomainFilter, Values};
use crate::spec;

/// `dump --format` words, numbered as libvirt numbers the formats (`virDomainCoreDumpFormat`).
pub const DUMP_FORMATS: [&str; 5] = ["elf", "kdump-zlib", "kdump-lzo", "kdump-snappy", "win-dmp"];

/// `dompmsuspend` targets, numbered as libvirt numbers them (`virNodeSuspendTarget`).
pub const PM_TARGETS: [&str; 3] = ["mem", "disk", "hybrid"];

const ACTIVE: (&str, Values) = ("domain", Values::Domains(DomainFilter::Active));
const SAVED: (&str, Values) = ("domain", Values::Domains(DomainFilter::ManagedSave));

/// `save`: save a domain state to a file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "save a domain state to a file",
    long_about = "Save the RAM state of a running domain."
)]
pub struct Save {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "where to save the data")]
    pub file: String,
    #[arg(long = "bypass-cache", help = "avoid file system cache when saving")]
    pub bypass_cache: bool,
    /// A number, read when the command runs (after the domain, as virsh reads it).
    #[arg(
        long = "parallel-channels",
        value_name = "number",
        help = "number of IO channels to use for parallel save"
    )]
    pub parallel_channels: Option<String>,
    #[arg(long = "image-format", value_name = "string", help = "format of the save image file")]
    pub image_format: Option<String>,
    #[arg(long, value_name = "string", help = "filename containing updated XML for the target")]
    pub xml: Option<String>,
    #[command(flatten)]
    pub state: RestoreState,
    #[arg(long, help = "display the progress of save")]
    pub verbose: bool,
}
spec!(Save: "save" ["domain", "file"] complete [ACTIVE];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["xml"];
);

/// `restore`: restore a domain from a saved state in a file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "restore a domain from a saved state in a file",
    long_about = "Restore a domain.",
    mut_arg("running", |a| a.help("restore domain into running state")),
    mut_arg("paused", |a| a.help("restore domain into paused state"))
)]
pub struct Restore {
    #[arg(long, value_name = "string", required = true, help = "the state to restore")]
    pub file: String,
    #[arg(long = "bypass-cache", help = "avoid file system cache when restoring")]
    pub bypass_cache: bool,
    /// A number, read when the command runs (after the XML file, as virsh reads it).
    #[arg(
        long = "parallel-channels",
        value_name = "number",
        help = "number of IO channels to use for parallel restore"
    )]
    pub parallel_channels: Option<String>,
    #[arg(long, value_name = "string", help = "filename containing updated XML for the target")]
    pub xml: Option<String>,
    #[command(flatten)]
    pub state: RestoreState,
    #[arg(long = "reset-nvram", help = "re-initialize NVRAM from its pristine template")]
    pub reset_nvram: bool,
}
spec!(Restore: "restore" ["file"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["xml"];
);

/// `save-image-define`: redefine the XML for a domain's saved state file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "redefine the XML for a domain's saved state file",
    long_about = "Replace the domain XML associated with a saved state file"
)]
pub struct SaveImageDefine {
    #[arg(long, value_name = "string", required = true, help = "saved state file to modify")]
    pub file: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "filename containing updated XML for the target"
    )]
    pub xml: String,
    #[command(flatten)]
    pub state: RestoreState,
}
spec!(SaveImageDefine: "save-image-define" ["file", "xml"] complete [("xml", Values::Files)]);

/// `save-image-dumpxml`: saved state domain information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "saved state domain information in XML",
    long_about = "Dump XML of domain information for a saved state file to stdout."
)]
pub struct SaveImageDumpxml {
    #[arg(long, value_name = "string", required = true, help = "saved state file to read")]
    pub file: String,
    #[arg(long = "security-info", help = "include security sensitive information in XML dump")]
    pub security_info: bool,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(SaveImageDumpxml: "save-image-dumpxml" ["file"];
    const ALLOW_EMPTY: &'static [&'static str] = &["xpath"];
);

/// `save-image-edit`: edit XML for a domain's saved state file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "edit XML for a domain's saved state file",
    long_about = "Edit the domain XML associated with a saved state file"
)]
pub struct SaveImageEdit {
    #[arg(long, value_name = "string", required = true, help = "saved state file to edit")]
    pub file: String,
    #[command(flatten)]
    pub state: RestoreState,
}
spec!(SaveImageEdit: "save-image-edit" ["file"]);

/// `managedsave`: managed save of a domain state
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "managed save of a domain state",
    long_about = "Save and destroy a running domain, so it can be restarted from\nthe same state at a later time.  When the virsh 'start'\ncommand is next run for the domain, it will automatically\nbe started from this saved state.",
    mut_arg("running", |a| a.help("set domain to be running on next start")),
    mut_arg("paused", |a| a.help("set domain to be paused on next start"))
)]
pub struct Managedsave {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long = "bypass-cache", help = "avoid file system cache when saving")]
    pub bypass_cache: bool,
    #[command(flatten)]
    pub state: RestoreState,
    #[arg(long, help = "display the progress of save")]
    pub verbose: bool,
}
spec!(Managedsave: "managedsave" ["domain"] complete [ACTIVE]);

/// `managedsave-remove`: Remove managed save of a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Remove managed save of a domain",
    long_about = "Remove an existing managed save state file from a domain"
)]
pub struct ManagedsaveRemove {
    #[command(flatten)]
    pub target: DomainArg,
}
spec!(ManagedsaveRemove: "managedsave-remove" ["domain"] complete [SAVED]);

/// `managedsave-edit`: edit XML for a domain's managed save state file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "edit XML for a domain's managed save state file",
    long_about = "Edit the domain XML associated with the managed save state file",
    mut_arg("running", |a| a.help("set domain to be running on start")),
    mut_arg("paused", |a| a.help("set domain to be paused on start"))
)]
pub struct ManagedsaveEdit {
    #[command(flatten)]
    pub target: DomainArg,
    #[command(flatten)]
    pub state: RestoreState,
}
spec!(ManagedsaveEdit: "managedsave-edit" ["domain"] complete [SAVED]);

/// `managedsave-dumpxml`: Domain information of managed save state file in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Domain information of managed save state file in XML",
    long_about = "Dump XML of domain information for a managed save state file to stdout."
)]
pub struct ManagedsaveDumpxml {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long = "security-info", help = "include security sensitive information in XML dump")]
    pub security_info: bool,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(ManagedsaveDumpxml: "managedsave-dumpxml" ["domain"] complete [SAVED];
    const ALLOW_EMPTY: &'static [&'static str] = &["xpath"];
);

/// `managedsave-define`: redefine the XML for a domain's managed save state file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "redefine the XML for a domain's managed save state file",
    long_about = "Replace the domain XML associated with a managed save state file",
    mut_arg("running", |a| a.help("set domain to be running on start")),
    mut_arg("paused", |a| a.help("set domain to be paused on start"))
)]
pub struct ManagedsaveDefine {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "filename containing updated XML for the target"
    )]
    pub xml: String,
    #[command(flatten)]
    pub state: RestoreState,
}
spec!(ManagedsaveDefine: "managedsave-define" ["domain", "xml"] complete [SAVED, ("xml", Values::Files)]);

/// `dump`: dump the core of a domain to a file for analysis
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "dump the core of a domain to a file for analysis",
    long_about = "Core dump a domain."
)]
pub struct Dump {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "where to dump the core")]
    pub file: String,
    #[arg(long, help = "perform a live core dump if supported")]
    pub live: bool,
    #[arg(long, help = "crash the domain after core dump")]
    pub crash: bool,
    #[arg(long = "bypass-cache", help = "avoid file system cache when dumping")]
    pub bypass_cache: bool,
    #[arg(long, help = "reset the domain after core dump")]
    pub reset: bool,
    #[arg(long, help = "display the progress of dump")]
    pub verbose: bool,
    #[arg(long = "memory-only", help = "dump domain's memory only")]
    pub memory_only: bool,
    #[arg(long, value_name = "string", help = "specify the format of memory-only dump")]
    pub format: Option<String>,
}
spec!(Dump: "dump" ["domain", "file"] complete [ACTIVE, ("format", Values::Fixed(&DUMP_FORMATS))];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["format"];
    const ALLOW_EMPTY: &'static [&'static str] = &["format"];
);

/// `dompmsuspend`: suspend a domain gracefully using power management functions
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "suspend a domain gracefully using power management functions",
    long_about = "Suspends a running domain using guest OS's power management. (Note: This requires a guest agent configured and running in the guest OS)."
)]
pub struct Dompmsuspend {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(
        long = "target",
        value_name = "string",
        required = true,
        help = "mem(Suspend-to-RAM), disk(Suspend-to-Disk), hybrid(Hybrid-Suspend)"
    )]
    pub suspend_target: String,
    /// A number, read when the command runs (after the domain, as virsh reads it).
    #[arg(long, value_name = "number", help = "duration in seconds")]
    pub duration: Option<String>,
}
spec!(Dompmsuspend: "dompmsuspend" ["domain", "target"] complete [
    ("domain", Values::Domains(DomainFilter::Running)),
    ("target", Values::Fixed(&PM_TARGETS)),
]);

/// `dompmwakeup`: wakeup a domain from pmsuspended state
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "wakeup a domain from pmsuspended state",
    long_about = "Wakeup a domain that was previously suspended by power management."
)]
pub struct Dompmwakeup {
    #[command(flatten)]
    pub target: DomainArg,
}
spec!(Dompmwakeup: "dompmwakeup" ["domain"] complete [("domain", Values::Domains(DomainFilter::Other))]);
