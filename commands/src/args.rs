//! Argument groups that several commands share, flattened into each (`#[command(flatten)]`),
//! so that an option is declared once with virsh's help text.

use clap::Args;

/// The domain a command acts on (virsh's `VIRSH_COMMON_OPT_DOMAIN_FULL`).
#[derive(Debug, Clone, PartialEq, Args)]
pub struct DomainArg {
    #[arg(long, value_name = "string", required = true, help = "domain name, id or uuid")]
    pub domain: String,
}

/// The network a command acts on.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct NetworkArg {
    #[arg(long, value_name = "string", required = true, help = "network name or uuid")]
    pub network: String,
}

/// What `desc` and `net-desc` read or write: the description or title, live or persistent,
/// and the new text (several words are joined).
#[derive(Debug, Clone, PartialEq, Args)]
pub struct DescArgs {
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

/// `--config`, `--live`, `--current`: which definition a change affects.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct Impact {
    #[arg(long, help = "affect next boot")]
    pub config: bool,
    #[arg(long, help = "affect running domain")]
    pub live: bool,
    #[arg(long, help = "affect current domain")]
    pub current: bool,
}

/// A volume, by name (with `--pool`), key or path.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct VolArg {
    #[arg(long, value_name = "string", required = true, help = "vol name, key or path")]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
}

/// The volume and local file of `vol-upload` and `vol-download`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct VolFile {
    #[arg(long, value_name = "string", required = true, help = "vol name, key or path")]
    pub vol: String,
    #[arg(long, value_name = "string", required = true, help = "file", value_parser = crate::bytes::path)]
    pub file: std::path::PathBuf,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
}

/// What `setmem` and `setmaxmem` take: the domain, the size (each words its help), and where the
/// change applies.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct MemoryChange {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "number", required = true)]
    pub size: String,
    #[command(flatten)]
    pub impact: Impact,
}

/// The XML file a command reads (`define`, `create`, `net-define`, `net-create`,
/// `net-port-create`, `pool-define`, `pool-create`, `vol-create`, `vol-create-from`); each
/// command words its help its own way, with `mut_arg`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct XmlFileArg {
    #[arg(long, value_name = "string", required = true, value_parser = crate::bytes::path)]
    pub file: std::path::PathBuf,
}

/// `--running`, `--paused`: the state a save image restores to (`save`, the save image and
/// managed save commands; each words the help its own way, with `mut_arg`, where it differs).
#[derive(Debug, Clone, PartialEq, Args)]
pub struct RestoreState {
    #[arg(long, help = "set domain to be running on restore")]
    pub running: bool,
    #[arg(long, help = "set domain to be paused on restore")]
    pub paused: bool,
}

/// How `vol-clone` and `vol-create-from` copy a volume.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct VolCopy {
    #[arg(
        long = "prealloc-metadata",
        help = "preallocate metadata (for qcow2 instead of full allocation)"
    )]
    pub prealloc_metadata: bool,
    #[arg(long, help = "use btrfs COW lightweight copy")]
    pub reflink: bool,
}

/// `--offset`, `--length`, `--sparse` of `vol-upload` and `vol-download` (each words the help
/// of the first two its own way, with `mut_arg`).
#[derive(Debug, Clone, PartialEq, Args)]
pub struct Transfer {
    #[arg(long, value_name = "number", value_parser = crate::num::unsigned::<u64>)]
    pub offset: Option<u64>,
    #[arg(long, value_name = "number", value_parser = crate::num::wrapping_u64)]
    pub length: Option<u64>,
    #[arg(long, help = "preserve sparseness of volume")]
    pub sparse: bool,
}

/// `--build`, `--no-overwrite`, `--overwrite` of the commands that may build a pool first.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct BuildArgs {
    #[arg(long, help = "build the pool as normal")]
    pub build: bool,
    #[arg(long = "no-overwrite", help = "do not overwrite any existing data")]
    pub no_overwrite: bool,
    #[arg(long, help = "overwrite any existing data")]
    pub overwrite: bool,
}

/// The pool `pool-define-as` and `pool-create-as` compose from arguments.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct PoolAs {
    #[arg(long, value_name = "string", required = true, help = "name of the pool")]
    pub name: String,
    #[arg(long = "type", value_name = "string", required = true, help = "type of the pool")]
    pub kind: String,
    #[arg(long = "print-xml", help = "print XML document, but don't define/create")]
    pub print_xml: bool,
    #[arg(
        long = "source-host",
        value_name = "string",
        help = "source-host for underlying storage"
    )]
    pub source_host: Option<String>,
    #[arg(
        long = "source-path",
        value_name = "string",
        help = "source path for underlying storage"
    )]
    pub source_path: Option<String>,
    #[arg(
        long = "source-dev",
        value_name = "string",
        help = "source device for underlying storage"
    )]
    pub source_dev: Option<String>,
    #[arg(
        long = "source-name",
        value_name = "string",
        help = "source name for underlying storage"
    )]
    pub source_name: Option<String>,
    #[arg(long, value_name = "string", help = "target for underlying storage")]
    pub target: Option<String>,
    #[arg(long = "source-format", value_name = "string", help = "format for underlying storage")]
    pub source_format: Option<String>,
    #[arg(
        long = "auth-type",
        value_name = "string",
        help = "auth type to be used for underlying storage"
    )]
    pub auth_type: Option<String>,
    #[arg(
        long = "auth-username",
        value_name = "string",
        help = "auth username to be used for underlying storage"
    )]
    pub auth_username: Option<String>,
    #[arg(
        long = "secret-usage",
        value_name = "string",
        help = "auth secret usage to be used for underlying storage"
    )]
    pub secret_usage: Option<String>,
    #[arg(
        long = "secret-uuid",
        value_name = "string",
        help = "auth secret UUID to be used for underlying storage"
    )]
    pub secret_uuid: Option<String>,
    #[arg(
        long = "adapter-name",
        value_name = "string",
        help = "adapter name to be used for underlying storage"
    )]
    pub adapter_name: Option<String>,
    #[arg(
        long = "adapter-wwnn",
        value_name = "string",
        help = "adapter wwnn to be used for underlying storage"
    )]
    pub adapter_wwnn: Option<String>,
    #[arg(
        long = "adapter-wwpn",
        value_name = "string",
        help = "adapter wwpn to be used for underlying storage"
    )]
    pub adapter_wwpn: Option<String>,
    #[arg(
        long = "adapter-parent",
        value_name = "string",
        help = "adapter parent scsi_hostN to be used for underlying vHBA storage"
    )]
    pub adapter_parent: Option<String>,
    #[arg(
        long = "adapter-parent-wwnn",
        value_name = "string",
        help = "adapter parent scsi_hostN wwnn to be used for underlying vHBA storage"
    )]
    pub adapter_parent_wwnn: Option<String>,
    #[arg(
        long = "adapter-parent-wwpn",
        value_name = "string",
        help = "adapter parent scsi_hostN wwpn to be used for underlying vHBA storage"
    )]
    pub adapter_parent_wwpn: Option<String>,
    #[arg(
        long = "adapter-parent-fabric-wwn",
        value_name = "string",
        help = "adapter parent scsi_hostN fabric_wwn to be used for underlying vHBA storage"
    )]
    pub adapter_parent_fabric_wwn: Option<String>,
    #[arg(
        long = "source-protocol-ver",
        value_name = "string",
        help = "nfsvers value for NFS pool mount option"
    )]
    pub source_protocol_ver: Option<String>,
    #[arg(
        long = "source-initiator",
        value_name = "string",
        help = "initiator iqn for underlying storage"
    )]
    pub source_initiator: Option<String>,
}

/// Options that bare words fill after the positional `name` and `type` of the `*-as` pool
/// commands, for old scripts.
pub const POOL_AS_UNWANTED_POSITIONAL: &[&str] = &[
    "source-host",
    "source-path",
    "source-dev",
    "source-name",
    "target",
];

/// The pool a command acts on.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct PoolArg {
    #[arg(long, value_name = "string", required = true, help = "pool name or uuid")]
    pub pool: String,
}

/// `--xpath` and `--wrap` of the XML dumping commands.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct XPathArgs {
    #[arg(long, value_name = "string", help = "xpath expression to filter the XML document")]
    pub xpath: Option<String>,
    #[arg(long, help = "wrap xpath results in an common root element")]
    pub wrap: bool,
}

/// What every event command (`event`, `net-event`, `pool-event`) ends with.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct EventLoop {
    #[arg(long = "loop", help = "loop until timeout or interrupt, rather than one-shot")]
    pub repeat: bool,
    #[arg(long, value_name = "number", help = "timeout seconds")]
    pub timeout: Option<String>,
    #[arg(long, help = "list valid event types")]
    pub list: bool,
    #[arg(long, help = "show timestamp for each printed event")]
    pub timestamp: bool,
}
