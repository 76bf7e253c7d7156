//! The `pool` commands.

use std::path::PathBuf;

use clap::Parser;

use crate::args::{BuildArgs, PoolArg, PoolAs, XPathArgs, POOL_AS_UNWANTED_POSITIONAL};
use crate::complete::{Activity, Values};
use crate::{event_command, spec, target_only};

/// The pool types, in libvirt's order (`virStoragePoolType`).
pub const POOL_TYPES: [&str; 14] = [
    "dir",
    "fs",
    "netfs",
    "logical",
    "disk",
    "iscsi",
    "scsi",
    "mpath",
    "rbd",
    "sheepdog",
    "gluster",
    "zfs",
    "vstorage",
    "iscsi-direct",
];

/// The event types of `pool-event --event` (`virStoragePoolEventID`).
pub const POOL_EVENTS: [&str; 2] = ["lifecycle", "refresh"];

event_command! {
    /// `pool-event`: Storage Pool Events
    PoolEvent: "pool-event" pool "filter by storage pool name or uuid" POOL_EVENTS
        "Storage Pool Events" "List event types, or wait for storage pool events to occur" {}
}

/// `pool-list`: list pools
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "list pools", long_about = "Returns list of pools.")]
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
spec!(PoolList: "pool-list" []);

/// `pool-define`: define an inactive persistent storage pool or modify an existing persistent one from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "define an inactive persistent storage pool or modify an existing persistent one from an XML file",
    long_about = "Define or modify a persistent storage pool."
)]
pub struct PoolDefine {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "file containing an XML pool description",
        value_parser = crate::bytes::path
    )]
    pub file: PathBuf,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
spec!(PoolDefine: "pool-define" ["file"]);

/// `pool-create`: create a pool from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "create a pool from an XML file", long_about = "Create a pool.")]
pub struct PoolCreate {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "file containing an XML pool description",
        value_parser = crate::bytes::path
    )]
    pub file: PathBuf,
    #[command(flatten)]
    pub build: BuildArgs,
}
spec!(PoolCreate: "pool-create" ["file"]);

/// `pool-define-as` and `pool-create-as`: the pool's name, type, source and target as options
/// (`pool-create-as` with the build options besides).
macro_rules! pool_as {
    ($(
        $(#[$doc:meta])*
        $ty:ident: $name:literal $about:literal $long:literal { $($field:ident: $fty:ty),* };
    )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, PartialEq, Parser)]
            #[command(about = $about, long_about = $long)]
            pub struct $ty {
                #[command(flatten)]
                pub pool: PoolAs,
                $(
                    #[command(flatten)]
                    pub $field: $fty,
                )*
            }
            spec!($ty: $name ["name", "type"];
                const UNWANTED_POSITIONAL: &'static [&'static str] = POOL_AS_UNWANTED_POSITIONAL;
                const COMPLETE: &'static [(&'static str, Values)] =
                    &[("type", Values::Fixed(&POOL_TYPES))];
            );
        )*
    };
}

pool_as! {
    /// `pool-define-as`: define a pool from a set of args
    PoolDefineAs: "pool-define-as" "define a pool from a set of args" "Define a pool." {};
    /// `pool-create-as`: create a pool from a set of args
    PoolCreateAs: "pool-create-as" "create a pool from a set of args" "Create a pool." {
        build: BuildArgs
    };
}

/// `pool-build`: build a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "build a pool", long_about = "Build a given pool.")]
pub struct PoolBuild {
    #[command(flatten)]
    pub target: PoolArg,
    #[arg(long = "no-overwrite", help = "do not overwrite any existing data")]
    pub no_overwrite: bool,
    #[arg(long, help = "overwrite any existing data")]
    pub overwrite: bool,
}
spec!(PoolBuild: "pool-build" ["pool"] complete [("pool", Values::Pools(Activity::Inactive))]);

/// `pool-start`: start a (previously defined) inactive pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "start a (previously defined) inactive pool", long_about = "Start a pool.")]
pub struct PoolStart {
    #[command(flatten)]
    pub target: PoolArg,
    #[command(flatten)]
    pub build: BuildArgs,
}
spec!(PoolStart: "pool-start" ["pool"] complete [("pool", Values::Pools(Activity::Inactive))]);

/// `pool-info`: storage pool information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "storage pool information",
    long_about = "Returns basic information about the storage pool."
)]
pub struct PoolInfo {
    #[command(flatten)]
    pub target: PoolArg,
    #[arg(long, help = "Return pool info in bytes")]
    pub bytes: bool,
}
spec!(PoolInfo: "pool-info" ["pool"]);

/// `pool-dumpxml`: pool information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "pool information in XML",
    long_about = "Output the pool information as an XML dump to stdout."
)]
pub struct PoolDumpxml {
    #[command(flatten)]
    pub target: PoolArg,
    #[arg(long, help = "show inactive defined XML")]
    pub inactive: bool,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(PoolDumpxml: "pool-dumpxml" ["pool"]);

/// `pool-autostart`: autostart a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "autostart a pool",
    long_about = "Configure a pool to be automatically started at boot."
)]
pub struct PoolAutostart {
    #[command(flatten)]
    pub target: PoolArg,
    #[arg(long, help = "disable autostarting")]
    pub disable: bool,
}
spec!(PoolAutostart: "pool-autostart" ["pool"]);

target_only! {
    /// `pool-destroy`: destroy (stop) a pool
    PoolDestroy: "pool-destroy" PoolArg ["pool"]
        "destroy (stop) a pool"
        "Forcefully stop a given pool. Raw data in the pool is untouched"
        complete [("pool", Values::Pools(Activity::Active))];

    /// `pool-delete`: delete a pool
    PoolDelete: "pool-delete" PoolArg ["pool"]
        "delete a pool"
        "Delete a given pool."
        complete [("pool", Values::Pools(Activity::Inactive))];

    /// `pool-undefine`: undefine an inactive pool
    PoolUndefine: "pool-undefine" PoolArg ["pool"]
        "undefine an inactive pool"
        "Undefine the configuration for an inactive pool."
        complete [("pool", Values::Pools(Activity::Inactive))];

    /// `pool-refresh`: refresh a pool
    PoolRefresh: "pool-refresh" PoolArg ["pool"]
        "refresh a pool"
        "Refresh a given pool."
        complete [("pool", Values::Pools(Activity::Active))];

    /// `pool-edit`: edit XML configuration for a storage pool
    PoolEdit: "pool-edit" PoolArg ["pool"]
        "edit XML configuration for a storage pool"
        "Edit the XML configuration for a storage pool.";

    /// `pool-name`: convert a pool UUID to pool name
    PoolName: "pool-name" PoolArg ["pool"]
        "convert a pool UUID to pool name"
        "";

    /// `pool-uuid`: convert a pool name to pool UUID
    PoolUuid: "pool-uuid" PoolArg ["pool"]
        "convert a pool name to pool UUID"
        "";
}
