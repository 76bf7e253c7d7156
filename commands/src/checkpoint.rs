//! The `checkpoint` commands.

use clap::Parser;

use crate::args::{DomainArg, XPathArgs};
use crate::complete::Values;
use crate::spec;

/// `checkpoint-create`: Create a checkpoint from XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Create a checkpoint from XML",
    long_about = "Create a checkpoint from XML for use in future incremental backups"
)]
pub struct CheckpointCreate {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "domain checkpoint XML", value_parser = crate::bytes::path)]
    pub xmlfile: Option<std::path::PathBuf>,
    #[arg(long, help = "redefine metadata for existing checkpoint")]
    pub redefine: bool,
    #[arg(long = "redefine-validate", help = "validate the redefined checkpoint")]
    pub redefine_validate: bool,
    #[arg(long, help = "quiesce guest's file systems")]
    pub quiesce: bool,
}
spec!(CheckpointCreate: "checkpoint-create" ["domain", "xmlfile"] complete [("xmlfile", Values::Files)]);

/// `checkpoint-create-as`: Create a checkpoint from a set of args
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Create a checkpoint from a set of args",
    long_about = "Create a checkpoint from arguments for use in future incremental backups"
)]
pub struct CheckpointCreateAs {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", help = "name of checkpoint")]
    pub name: Option<String>,
    #[arg(long, value_name = "string", help = "description of checkpoint")]
    pub description: Option<String>,
    #[arg(long = "print-xml", help = "print XML document rather than create")]
    pub print_xml: bool,
    #[arg(long, help = "quiesce guest's file systems")]
    pub quiesce: bool,
    #[arg(
        long,
        value_name = "string",
        help = "disk attributes: disk[,checkpoint=type][,bitmap=name]"
    )]
    pub diskspec: Vec<String>,
}
spec!(CheckpointCreateAs: "checkpoint-create-as" ["domain"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["name", "description", "diskspec"];);

/// `checkpoint-delete`: Delete a domain checkpoint
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "Delete a domain checkpoint", long_about = "Checkpoint Delete")]
pub struct CheckpointDelete {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "checkpoint name")]
    pub checkpointname: String,
    #[arg(long, help = "delete checkpoint and all children")]
    pub children: bool,
    #[arg(long = "children-only", help = "delete children but not checkpoint")]
    pub children_only: bool,
    #[arg(long, help = "delete only libvirt metadata, leaving checkpoint contents behind")]
    pub metadata: bool,
}
spec!(CheckpointDelete: "checkpoint-delete" ["domain", "checkpointname"]);

/// `checkpoint-dumpxml`: Dump XML for a domain checkpoint
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "Dump XML for a domain checkpoint", long_about = "Checkpoint Dump XML")]
pub struct CheckpointDumpxml {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "checkpoint name")]
    pub checkpointname: String,
    #[arg(long = "security-info", help = "include security sensitive information in XML dump")]
    pub security_info: bool,
    #[arg(long = "no-domain", help = "exclude <domain> from XML")]
    pub no_domain: bool,
    #[arg(long, help = "include backup size estimate in XML dump")]
    pub size: bool,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(CheckpointDumpxml: "checkpoint-dumpxml" ["domain", "checkpointname"]);

/// `checkpoint-edit`: edit XML for a checkpoint
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "edit XML for a checkpoint",
    long_about = "Edit the domain checkpoint XML for a named checkpoint"
)]
pub struct CheckpointEdit {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "checkpoint name")]
    pub checkpointname: String,
}
spec!(CheckpointEdit: "checkpoint-edit" ["domain", "checkpointname"]);

/// `checkpoint-info`: checkpoint information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "checkpoint information",
    long_about = "Returns basic information about a checkpoint."
)]
pub struct CheckpointInfo {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "checkpoint name")]
    pub checkpointname: String,
}
spec!(CheckpointInfo: "checkpoint-info" ["domain", "checkpointname"]);

/// `checkpoint-list`: List checkpoints for a domain
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "List checkpoints for a domain", long_about = "Checkpoint List")]
pub struct CheckpointList {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, help = "add a column showing parent checkpoint")]
    pub parent: bool,
    #[arg(long, help = "list only checkpoints without parents")]
    pub roots: bool,
    #[arg(long, help = "list only checkpoints without children")]
    pub leaves: bool,
    #[arg(long = "no-leaves", help = "list only checkpoints that are not leaves (with children)")]
    pub no_leaves: bool,
    #[arg(long, help = "list checkpoints in a tree")]
    pub tree: bool,
    #[arg(long, value_name = "string", help = "limit list to children of given checkpoint")]
    pub from: Option<String>,
    #[arg(long, help = "with --from, list all descendants")]
    pub descendants: bool,
    #[arg(long, help = "list checkpoint names only")]
    pub name: bool,
    #[arg(long, help = "sort list topologically rather than by name")]
    pub topological: bool,
}
spec!(CheckpointList: "checkpoint-list" ["domain"];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["from"];);

/// `checkpoint-parent`: Get the name of the parent of a checkpoint
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Get the name of the parent of a checkpoint",
    long_about = "Extract the checkpoint's parent, if any"
)]
pub struct CheckpointParent {
    #[command(flatten)]
    pub target: DomainArg,
    #[arg(long, value_name = "string", required = true, help = "find parent of checkpoint name")]
    pub checkpointname: String,
}
spec!(CheckpointParent: "checkpoint-parent" ["domain", "checkpointname"]);
