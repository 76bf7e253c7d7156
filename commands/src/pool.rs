//! The `pool` commands.

use clap::Parser;

use crate::args::{
    BuildArgs, EventLoop, PoolArg, PoolAs, XPathArgs, XmlFileArg, POOL_AS_UNWANTED_POSITIONAL,
};
use crate::complete::{Activity, Values};
use crate::spec;

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

/// `pool-event`: Storage Pool Events
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Storage Pool Events",
    long_about = "List event types, or wait for storage pool events to occur"
)]
pub struct PoolEvent {
    #[arg(long, value_name = "string", help = "filter by storage pool name or uuid")]
    pub pool: Option<String>,
    #[arg(long, value_name = "string", help = "which event type to wait for")]
    pub event: Option<String>,
    #[command(flatten)]
    pub wait: EventLoop,
}
// Bare words fill the object, the event type and the timeout; an empty object is the
// command's to refuse (virsh's pool and network event commands say so and listen to every
// object).
spec!(PoolEvent: "pool-event" []
    complete [("event", Values::Fixed(&POOL_EVENTS))];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["pool", "event", "timeout"];
    const ALLOW_EMPTY: &'static [&'static str] = &["pool"];);

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
    long_about = "Define or modify a persistent storage pool.",
    mut_arg("file", |a| a.help("file containing an XML pool description"))
)]
pub struct PoolDefine {
    #[command(flatten)]
    pub xml: XmlFileArg,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
spec!(PoolDefine: "pool-define" ["file"]);

/// `pool-create`: create a pool from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "create a pool from an XML file", long_about = "Create a pool.",
    mut_arg("file", |a| a.help("file containing an XML pool description"))
)]
pub struct PoolCreate {
    #[command(flatten)]
    pub xml: XmlFileArg,
    #[command(flatten)]
    pub build: BuildArgs,
}
spec!(PoolCreate: "pool-create" ["file"]);

/// `pool-define-as`: define a pool from a set of args
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "define a pool from a set of args", long_about = "Define a pool.")]
pub struct PoolDefineAs {
    #[command(flatten)]
    pub pool: PoolAs,
}
spec!(PoolDefineAs: "pool-define-as" ["name", "type"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = POOL_AS_UNWANTED_POSITIONAL;
    const COMPLETE: &'static [(&'static str, Values)] = &[("type", Values::Fixed(&POOL_TYPES))];
);

/// `pool-create-as`: create a pool from a set of args
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "create a pool from a set of args", long_about = "Create a pool.")]
pub struct PoolCreateAs {
    #[command(flatten)]
    pub pool: PoolAs,
    #[command(flatten)]
    pub build: BuildArgs,
}
spec!(PoolCreateAs: "pool-create-as" ["name", "type"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = POOL_AS_UNWANTED_POSITIONAL;
    const COMPLETE: &'static [(&'static str, Values)] = &[("type", Values::Fixed(&POOL_TYPES))];
);

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

/// `pool-destroy`: destroy (stop) a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "destroy (stop) a pool",
    long_about = "Forcefully stop a given pool. Raw data in the pool is untouched"
)]
pub struct PoolDestroy {
    #[command(flatten)]
    pub target: PoolArg,
}
spec!(PoolDestroy: "pool-destroy" ["pool"] complete [("pool", Values::Pools(Activity::Active))]);

/// `pool-delete`: delete a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "delete a pool", long_about = "Delete a given pool.")]
pub struct PoolDelete {
    #[command(flatten)]
    pub target: PoolArg,
}
spec!(PoolDelete: "pool-delete" ["pool"] complete [("pool", Values::Pools(Activity::Inactive))]);

/// `pool-undefine`: undefine an inactive pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "undefine an inactive pool",
    long_about = "Undefine the configuration for an inactive pool."
)]
pub struct PoolUndefine {
    #[command(flatten)]
    pub target: PoolArg,
}
spec!(PoolUndefine: "pool-undefine" ["pool"] complete [("pool", Values::Pools(Activity::Inactive))]);

/// `pool-refresh`: refresh a pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "refresh a pool", long_about = "Refresh a given pool.")]
pub struct PoolRefresh {
    #[command(flatten)]
    pub target: PoolArg,
}
spec!(PoolRefresh: "pool-refresh" ["pool"] complete [("pool", Values::Pools(Activity::Active))]);

/// `pool-edit`: edit XML configuration for a storage pool
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "edit XML configuration for a storage pool",
    long_about = "Edit the XML configuration for a storage pool."
)]
pub struct PoolEdit {
    #[command(flatten)]
    pub target: PoolArg,
}
spec!(PoolEdit: "pool-edit" ["pool"]);

/// `pool-name`: convert a pool UUID to pool name
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "convert a pool UUID to pool name", long_about = "")]
pub struct PoolName {
    #[command(flatten)]
    pub target: PoolArg,
}
spec!(PoolName: "pool-name" ["pool"]);

/// `pool-uuid`: convert a pool name to pool UUID
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "convert a pool name to pool UUID", long_about = "")]
pub struct PoolUuid {
    #[command(flatten)]
    pub target: PoolArg,
}
spec!(PoolUuid: "pool-uuid" ["pool"]);
