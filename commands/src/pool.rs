//! The `pool` commands.

use clap::Parser;

use crate::{Group, Spec};

/// `pool-list`: list pools
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-list",
    about = "list pools",
    long_about = "Returns list of pools."
)]
pub struct PoolList {
    #[arg(long, help = "list inactive pools")]
    pub inactive: bool,
    #[arg(long, help = "list inactive & active pools")]
    pub all: bool,
    #[arg(long, help = "list transient pools")]
    pub transient: bool,
    #[arg(long, help = "list persistent pools")]
    pub persistent: bool,
    #[arg(long, help = "list pools with autostart enabled")]
    pub autostart: bool,
    #[arg(long = "no-autostart", help = "list pools with autostart disabled")]
    pub no_autostart: bool,
    #[arg(
        long = "type",
        value_name = "string",
        help = "only list pool of specified type(s) (if supported)"
    )]
    pub kind: Option<String>,
    #[arg(long, help = "display extended details for pools")]
    pub details: bool,
    #[arg(long, help = "list UUID of active pools only")]
    pub uuid: bool,
    #[arg(long, help = "list name of active pools only")]
    pub name: bool,
}
impl Spec for PoolList {
    const NAME: &'static str = "pool-list";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `pool-define`: define an inactive persistent storage pool or modify an existing persistent one from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-define",
    about = "define an inactive persistent storage pool or modify an existing persistent one from an XML file",
    long_about = "Define or modify a persistent storage pool."
)]
pub struct PoolDefine {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "file containing an XML pool description"
    )]
    pub file: String,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
impl Spec for PoolDefine {
    const NAME: &'static str = "pool-define";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["file"];
}

/// `pool-define-as`: define a pool from a set of args
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-define-as",
    about = "define a pool from a set of args",
    long_about = "Define a pool."
)]
pub struct PoolDefineAs {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "name of the pool"
    )]
    pub name: String,
    #[arg(
        long = "type",
        value_name = "string",
        required = true,
        help = "type of the pool"
    )]
    pub kind: String,
    #[arg(
        long = "print-xml",
        help = "print XML document, but don't define/create"
    )]
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
    #[arg(
        long = "source-format",
        value_name = "string",
        help = "format for underlying storage"
    )]
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
impl Spec for PoolDefineAs {
    const NAME: &'static str = "pool-define-as";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["name", "type"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &[
        "source-host",
        "source-path",
        "source-dev",
        "source-name",
        "target",
    ];
}

/// `pool-create`: create a pool from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-create",
    about = "create a pool from an XML file",
    long_about = "Create a pool."
)]
pub struct PoolCreate {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "file containing an XML pool description"
    )]
    pub file: String,
    #[arg(long, help = "build the pool as normal")]
    pub build: bool,
    #[arg(long = "no-overwrite", help = "do not overwrite any existing data")]
    pub no_overwrite: bool,
    #[arg(long, help = "overwrite any existing data")]
    pub overwrite: bool,
}
impl Spec for PoolCreate {
    const NAME: &'static str = "pool-create";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["file"];
}

/// `pool-create-as`: create a pool from a set of args
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-create-as",
    about = "create a pool from a set of args",
    long_about = "Create a pool."
)]
pub struct PoolCreateAs {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "name of the pool"
    )]
    pub name: String,
    #[arg(
        long = "type",
        value_name = "string",
        required = true,
        help = "type of the pool"
    )]
    pub kind: String,
    #[arg(
        long = "print-xml",
        help = "print XML document, but don't define/create"
    )]
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
    #[arg(
        long = "source-format",
        value_name = "string",
        help = "format for underlying storage"
    )]
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
    #[arg(long, help = "build the pool as normal")]
    pub build: bool,
    #[arg(long = "no-overwrite", help = "do not overwrite any existing data")]
    pub no_overwrite: bool,
    #[arg(long, help = "overwrite any existing data")]
    pub overwrite: bool,
}
impl Spec for PoolCreateAs {
    const NAME: &'static str = "pool-create-as";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["name", "type"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &[
        "source-host",
        "source-path",
        "source-dev",
        "source-name",
        "target",
    ];
}

/// `pool-build`: build a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-build",
    about = "build a pool",
    long_about = "Build a given pool."
)]
pub struct PoolBuild {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
    #[arg(long = "no-overwrite", help = "do not overwrite any existing data")]
    pub no_overwrite: bool,
    #[arg(long, help = "overwrite any existing data")]
    pub overwrite: bool,
}
impl Spec for PoolBuild {
    const NAME: &'static str = "pool-build";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-start`: start a (previously defined) inactive pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-start",
    about = "start a (previously defined) inactive pool",
    long_about = "Start a pool."
)]
pub struct PoolStart {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
    #[arg(long, help = "build the pool as normal")]
    pub build: bool,
    #[arg(long = "no-overwrite", help = "do not overwrite any existing data")]
    pub no_overwrite: bool,
    #[arg(long, help = "overwrite any existing data")]
    pub overwrite: bool,
}
impl Spec for PoolStart {
    const NAME: &'static str = "pool-start";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-destroy`: destroy (stop) a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-destroy",
    about = "destroy (stop) a pool",
    long_about = "Forcefully stop a given pool. Raw data in the pool is untouched"
)]
pub struct PoolDestroy {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
}
impl Spec for PoolDestroy {
    const NAME: &'static str = "pool-destroy";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-delete`: delete a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-delete",
    about = "delete a pool",
    long_about = "Delete a given pool."
)]
pub struct PoolDelete {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
}
impl Spec for PoolDelete {
    const NAME: &'static str = "pool-delete";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-undefine`: undefine an inactive pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-undefine",
    about = "undefine an inactive pool",
    long_about = "Undefine the configuration for an inactive pool."
)]
pub struct PoolUndefine {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
}
impl Spec for PoolUndefine {
    const NAME: &'static str = "pool-undefine";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-refresh`: refresh a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-refresh",
    about = "refresh a pool",
    long_about = "Refresh a given pool."
)]
pub struct PoolRefresh {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
}
impl Spec for PoolRefresh {
    const NAME: &'static str = "pool-refresh";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-edit`: edit XML configuration for a storage pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-edit",
    about = "edit XML configuration for a storage pool",
    long_about = "Edit the XML configuration for a storage pool."
)]
pub struct PoolEdit {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
}
impl Spec for PoolEdit {
    const NAME: &'static str = "pool-edit";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-info`: storage pool information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-info",
    about = "storage pool information",
    long_about = "Returns basic information about the storage pool."
)]
pub struct PoolInfo {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
    #[arg(long, help = "Return pool info in bytes")]
    pub bytes: bool,
}
impl Spec for PoolInfo {
    const NAME: &'static str = "pool-info";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-dumpxml`: pool information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-dumpxml",
    about = "pool information in XML",
    long_about = "Output the pool information as an XML dump to stdout."
)]
pub struct PoolDumpxml {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
    #[arg(long, help = "show inactive defined XML")]
    pub inactive: bool,
    #[arg(
        long,
        value_name = "string",
        help = "xpath expression to filter the XML document"
    )]
    pub xpath: Option<String>,
    #[arg(long, help = "wrap xpath results in an common root element")]
    pub wrap: bool,
}
impl Spec for PoolDumpxml {
    const NAME: &'static str = "pool-dumpxml";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-autostart`: autostart a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-autostart",
    about = "autostart a pool",
    long_about = "Configure a pool to be automatically started at boot."
)]
pub struct PoolAutostart {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
    #[arg(long, help = "disable autostarting")]
    pub disable: bool,
}
impl Spec for PoolAutostart {
    const NAME: &'static str = "pool-autostart";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-name`: convert a pool UUID to pool name
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-name",
    about = "convert a pool UUID to pool name",
    long_about = ""
)]
pub struct PoolName {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
}
impl Spec for PoolName {
    const NAME: &'static str = "pool-name";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `pool-uuid`: convert a pool name to pool UUID
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pool-uuid",
    about = "convert a pool name to pool UUID",
    long_about = ""
)]
pub struct PoolUuid {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
}
impl Spec for PoolUuid {
    const NAME: &'static str = "pool-uuid";
    const GROUP: Group = Group::Pool;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}
