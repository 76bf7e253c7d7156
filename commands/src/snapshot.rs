//! The `snapshot` commands.

use clap::{Args, Parser};

use crate::args::{DomainArg, XPathArgs};
use crate::complete::Values;
use crate::spec;

/// What `snapshot-create` and `snapshot-create-as` both ask of the snapshot.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct SnapshotCreateOpts {
    #[arg(long = "no-metadata", help = "take snapshot but create no metadata")]
    pub no_metadata: bool,
    #[arg(long, help = "halt domain after snapshot is created")]
    pub halt: bool,
    #[arg(long = "disk-only", help = "capture disk state but not vm state")]
    pub disk_only: bool,
    #[arg(long = "reuse-external", help = "reuse any existing external files")]
    pub reuse_external: bool,
    #[arg(long, help = "quiesce guest's file systems")]
    pub quiesce: bool,
    #[arg(long, help = "require atomic operation")]
    pub atomic: bool,
    #[arg(long, help = "take a live snapshot")]
    pub live: bool,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}

/// `snapshot-create`: Create a snapshot from XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Create a snapshot from XML",
    long_about = "Create a snapshot (disk and RAM) from XML"
)]
pub struct SnapshotCreate {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "domain snapshot XML", value_parser = crate::bytes::path)]
    pub xmlfile: Option<std::path::PathBuf>,
    #[arg(long, help = "redefine metadata for existing snapshot")]
    pub redefine: bool,
    #[arg(long, help = "with redefine, set current snapshot")]
    pub current: bool,
    #[command(flatten)]
    pub opts: SnapshotCreateOpts,
}
spec!(SnapshotCreate: "snapshot-create" ["domain", "xmlfile"] complete [("xmlfile", Values::Files)]);

/// `snapshot-create-as`: Create a snapshot from a set of args
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Create a snapshot from a set of args",
    long_about = "Create a snapshot (disk and RAM) from arguments"
)]
pub struct SnapshotCreateAs {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "name of snapshot")]
    pub name: Option<String>,
    #[arg(long, value_name = "string", help = "description of snapshot")]
    pub description: Option<String>,
    #[arg(long = "print-xml", help = "print XML document rather than create")]
    pub print_xml: bool,
    #[command(flatten)]
    pub opts: SnapshotCreateOpts,
    #[arg(long, value_name = "string", help = "memory attributes: [file=]name[,snapshot=type]")]
    pub memspec: Option<String>,
    #[arg(
        long,
        value_name = "string",
        help = "disk attributes: disk[,snapshot=type][,driver=type][,stype=type][,file=name]"
    )]
    pub diskspec: Vec<String>,
}
spec!(SnapshotCreateAs: "snapshot-create-as" ["domain"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["name", "description", "diskspec"];);

/// `snapshot-current`: Get or set the current snapshot
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Get or set the current snapshot",
    long_about = "Get or set the current snapshot"
)]
pub struct SnapshotCurrent {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, help = "list the name, rather than the full xml")]
    pub name: bool,
    #[arg(long = "security-info", help = "include security sensitive information in XML dump")]
    pub security_info: bool,
    #[arg(long, value_name = "string", help = "name of existing snapshot to make current")]
    pub snapshotname: Option<String>,
}
spec!(SnapshotCurrent: "snapshot-current" ["domain", "snapshotname"]);

/// `snapshot-delete`: Delete a domain snapshot
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "Delete a domain snapshot", long_about = "Snapshot Delete")]
pub struct SnapshotDelete {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "snapshot name")]
    pub snapshotname: Option<String>,
    #[arg(long, help = "delete current snapshot")]
    pub current: bool,
    #[arg(long, help = "delete snapshot and all children")]
    pub children: bool,
    #[arg(long = "children-only", help = "delete children but not snapshot")]
    pub children_only: bool,
    #[arg(long, help = "delete only libvirt metadata, leaving snapshot contents behind")]
    pub metadata: bool,
}
spec!(SnapshotDelete: "snapshot-delete" ["domain", "snapshotname"]);

/// `snapshot-dumpxml`: Dump XML for a domain snapshot
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "Dump XML for a domain snapshot", long_about = "Snapshot Dump XML")]
pub struct SnapshotDumpxml {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "snapshot name")]
    pub snapshotname: String,
    #[arg(long = "security-info", help = "include security sensitive information in XML dump")]
    pub security_info: bool,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(SnapshotDumpxml: "snapshot-dumpxml" ["domain", "snapshotname"]);

/// `snapshot-edit`: edit XML for a snapshot
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "edit XML for a snapshot",
    long_about = "Edit the domain snapshot XML for a named snapshot"
)]
pub struct SnapshotEdit {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "snapshot name")]
    pub snapshotname: Option<String>,
    #[arg(long, help = "also set edited snapshot as current")]
    pub current: bool,
    #[arg(long, help = "allow renaming an existing snapshot")]
    pub rename: bool,
    #[arg(long, help = "allow cloning to new name")]
    pub clone: bool,
}
spec!(SnapshotEdit: "snapshot-edit" ["domain", "snapshotname"]);

/// `snapshot-info`: snapshot information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "snapshot information",
    long_about = "Returns basic information about a snapshot."
)]
pub struct SnapshotInfo {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "snapshot name")]
    pub snapshotname: Option<String>,
    #[arg(long, help = "info on current snapshot")]
    pub current: bool,
}
spec!(SnapshotInfo: "snapshot-info" ["domain", "snapshotname"]);

/// `snapshot-list`: List snapshots for a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "List snapshots for a domain", long_about = "Snapshot List")]
pub struct SnapshotList {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, help = "add a column showing parent snapshot")]
    pub parent: bool,
    #[arg(long, help = "list only snapshots without parents")]
    pub roots: bool,
    #[arg(long, help = "list only snapshots without children")]
    pub leaves: bool,
    #[arg(long = "no-leaves", help = "list only snapshots that are not leaves (with children)")]
    pub no_leaves: bool,
    #[arg(long, help = "list only snapshots that have metadata that would prevent undefine")]
    pub metadata: bool,
    #[arg(
        long = "no-metadata",
        help = "list only snapshots that have no metadata managed by libvirt"
    )]
    pub no_metadata: bool,
    #[arg(long, help = "filter by snapshots taken while inactive")]
    pub inactive: bool,
    #[arg(long, help = "filter by snapshots taken while active (full system snapshots)")]
    pub active: bool,
    #[arg(long = "disk-only", help = "filter by disk-only snapshots")]
    pub disk_only: bool,
    #[arg(long, help = "filter by internal snapshots")]
    pub internal: bool,
    #[arg(long, help = "filter by external snapshots")]
    pub external: bool,
    #[arg(long, help = "list snapshots in a tree")]
    pub tree: bool,
    #[arg(long, value_name = "string", help = "limit list to children of given snapshot")]
    pub from: Option<String>,
    #[arg(long, help = "limit list to children of current snapshot")]
    pub current: bool,
    #[arg(long, help = "with --from, list all descendants")]
    pub descendants: bool,
    #[arg(long, help = "list snapshot names only")]
    pub name: bool,
    #[arg(long, help = "sort list topologically rather than by name")]
    pub topological: bool,
}
spec!(SnapshotList: "snapshot-list" ["domain"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["from"];);

/// `snapshot-parent`: Get the name of the parent of a snapshot
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Get the name of the parent of a snapshot",
    long_about = "Extract the snapshot's parent, if any"
)]
pub struct SnapshotParent {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "find parent of snapshot name")]
    pub snapshotname: Option<String>,
    #[arg(long, help = "find parent of current snapshot")]
    pub current: bool,
}
spec!(SnapshotParent: "snapshot-parent" ["domain", "snapshotname"]);

/// `snapshot-revert`: Revert a domain to a snapshot
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "Revert a domain to a snapshot", long_about = "Revert domain to snapshot")]
pub struct SnapshotRevert {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "snapshot name")]
    pub snapshotname: Option<String>,
    #[arg(long, help = "revert to current snapshot")]
    pub current: bool,
    #[arg(long, help = "after reverting, change state to running")]
    pub running: bool,
    #[arg(long, help = "after reverting, change state to paused")]
    pub paused: bool,
    #[arg(long, help = "try harder on risky reverts")]
    pub force: bool,
    #[arg(long = "reset-nvram", help = "re-initialize NVRAM from its pristine template")]
    pub reset_nvram: bool,
}
spec!(SnapshotRevert: "snapshot-revert" ["domain", "snapshotname"]);
