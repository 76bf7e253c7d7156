//! The `volume` commands.

use clap::Parser;

use crate::args::{PoolArg, Transfer, VolArg, VolCopy, VolFile, XPathArgs, XmlFileArg};
use crate::complete::{Activity, Values};
use crate::spec;

/// The values of `vol-wipe --algorithm`, in the order of libvirt's
/// `virStorageVolWipeAlgorithm` numbers.
/// The `--pool` of a volume command offers the active pools.
const ACTIVE_POOL: (&str, Values) = ("pool", Values::Pools(Activity::Active));

/// The formats `vol-create-as --format` offers.
pub const VOL_FORMATS: [&str; 6] = ["raw", "bochs", "qcow", "qcow2", "qed", "vmdk"];

pub const WIPE_ALGORITHMS: [&str; 10] = [
    "zero",
    "nnsa",
    "dod",
    "bsi",
    "gutmann",
    "schneier",
    "pfitzner7",
    "pfitzner33",
    "random",
    "trim",
];

/// `vol-list`: list vols
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "list vols", long_about = "Returns list of vols by pool.")]
pub struct VolList {
    #[command(flatten)]
    pub target: PoolArg,
    #[arg(long, help = "display extended details for volumes")]
    pub details: bool,
}
spec!(VolList: "vol-list" ["pool"] complete [ACTIVE_POOL]);

/// `vol-create`: create a vol from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "create a vol from an XML file", long_about = "Create a vol.",
    mut_arg("file", |a| a.help("file containing an XML vol description"))
)]
pub struct VolCreate {
    #[arg(long, value_name = "string", required = true, help = "pool name")]
    pub pool: String,
    #[command(flatten)]
    pub xml: XmlFileArg,
    #[arg(
        long = "prealloc-metadata",
        help = "preallocate metadata (for qcow2 instead of full allocation)"
    )]
    pub prealloc_metadata: bool,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
spec!(VolCreate: "vol-create" ["pool", "file"] complete [ACTIVE_POOL]);

/// `vol-create-as`: create a volume from a set of args
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "create a volume from a set of args", long_about = "Create a vol.")]
pub struct VolCreateAs {
    #[arg(long, value_name = "string", required = true, help = "pool name")]
    pub pool: String,
    #[arg(long, value_name = "string", required = true, help = "name of the volume")]
    pub name: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "size of the vol, as scaled integer (default bytes)"
    )]
    pub capacity: String,
    #[arg(
        long,
        value_name = "string",
        help = "initial allocation size, as scaled integer (default bytes)"
    )]
    pub allocation: Option<String>,
    #[arg(long, value_name = "string", help = "file format type raw,bochs,qcow,qcow2,qed,vmdk")]
    pub format: Option<String>,
    #[arg(
        long = "backing-vol",
        value_name = "string",
        help = "the backing volume if taking a snapshot"
    )]
    pub backing_vol: Option<String>,
    #[arg(
        long = "backing-vol-format",
        value_name = "string",
        help = "format of backing volume if taking a snapshot"
    )]
    pub backing_vol_format: Option<String>,
    #[arg(
        long = "prealloc-metadata",
        help = "preallocate metadata (for qcow2 instead of full allocation)"
    )]
    pub prealloc_metadata: bool,
    #[arg(long = "print-xml", help = "print XML document, but don't define/create")]
    pub print_xml: bool,
}
spec!(VolCreateAs: "vol-create-as" ["pool", "name", "capacity"] complete [ACTIVE_POOL, ("format", Values::Fixed(&VOL_FORMATS))]);

/// `vol-clone`: clone a volume.
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "clone a volume.",
    long_about = "Clone an existing volume within the parent pool."
)]
pub struct VolClone {
    #[arg(long, value_name = "string", required = true, help = "vol name, key or path")]
    pub vol: String,
    #[arg(long, value_name = "string", required = true, help = "clone name")]
    pub newname: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[command(flatten)]
    pub copy: VolCopy,
    #[arg(long = "print-xml", help = "print XML document rather than clone the volume")]
    pub print_xml: bool,
}
spec!(VolClone: "vol-clone" ["vol", "newname", "pool"] complete [ACTIVE_POOL]);

/// `vol-create-from`: create a vol, using another volume as input
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "create a vol, using another volume as input",
    long_about = "Create a vol from an existing volume.",
    mut_arg("file", |a| a.help("file containing an XML vol description"))
)]
pub struct VolCreateFrom {
    #[command(flatten)]
    pub target: PoolArg,
    #[command(flatten)]
    pub xml: XmlFileArg,
    #[arg(long, value_name = "string", required = true, help = "vol name, key or path")]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid of the input volume's pool")]
    pub inputpool: Option<String>,
    #[command(flatten)]
    pub copy: VolCopy,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
spec!(VolCreateFrom: "vol-create-from" ["pool", "file", "vol"] complete [ACTIVE_POOL, ("inputpool", Values::Pools(Activity::Active))]);

/// `vol-delete`: delete a vol
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "delete a vol", long_about = "Delete a given vol.")]
pub struct VolDelete {
    #[command(flatten)]
    pub target: VolArg,
    #[arg(
        long = "delete-snapshots",
        help = "delete snapshots associated with volume (must be supported by storage driver)"
    )]
    pub delete_snapshots: bool,
}
spec!(VolDelete: "vol-delete" ["vol", "pool"] complete [ACTIVE_POOL]);

/// `vol-info`: storage vol information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "storage vol information",
    long_about = "Returns basic information about the storage vol."
)]
pub struct VolInfo {
    #[command(flatten)]
    pub target: VolArg,
    #[arg(long, help = "sizes are represented in bytes rather than pretty units")]
    pub bytes: bool,
    #[arg(long, help = "return the physical size of the volume in allocation field")]
    pub physical: bool,
}
spec!(VolInfo: "vol-info" ["vol", "pool"] complete [ACTIVE_POOL]);

/// `vol-dumpxml`: vol information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "vol information in XML",
    long_about = "Output the vol information as an XML dump to stdout."
)]
pub struct VolDumpxml {
    #[command(flatten)]
    pub target: VolArg,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(VolDumpxml: "vol-dumpxml" ["vol", "pool"] complete [ACTIVE_POOL]);

/// `vol-path`: returns the volume path for a given volume name or key
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "returns the volume path for a given volume name or key", long_about = "")]
pub struct VolPath {
    #[arg(long, value_name = "string", required = true, help = "volume name or key")]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
}
spec!(VolPath: "vol-path" ["vol", "pool"] complete [ACTIVE_POOL]);

/// `vol-name`: returns the volume name for a given volume key or path
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "returns the volume name for a given volume key or path", long_about = "")]
pub struct VolName {
    #[arg(long, value_name = "string", required = true, help = "volume key or path")]
    pub vol: String,
}
spec!(VolName: "vol-name" ["vol"]);

/// `vol-key`: returns the volume key for a given volume name or path
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "returns the volume key for a given volume name or path", long_about = "")]
pub struct VolKey {
    #[arg(long, value_name = "string", required = true, help = "volume name or path")]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
}
spec!(VolKey: "vol-key" ["vol", "pool"] complete [ACTIVE_POOL]);

/// `vol-resize`: resize a vol
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "resize a vol",
    long_about = "Resizes a storage volume. This is safe only for storage volumes not in use by an active guest.\nblockresize for live resizing."
)]
pub struct VolResize {
    #[arg(long, value_name = "string", required = true, help = "vol name, key or path")]
    pub vol: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "new capacity for the vol, as scaled integer (default bytes)"
    )]
    pub capacity: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[arg(long, help = "allocate the new capacity, rather than leaving it sparse")]
    pub allocate: bool,
    #[arg(long, help = "use capacity as a delta to current size, rather than the new size")]
    pub delta: bool,
    #[arg(long, help = "allow the resize to shrink the volume")]
    pub shrink: bool,
}
spec!(VolResize: "vol-resize" ["vol", "capacity", "pool"] complete [ACTIVE_POOL]);

/// `vol-download`: download volume contents to a file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "download volume contents to a file",
    long_about = "Download volume contents to a file",
    mut_arg("offset", |a| a.help("volume offset to download from")),
    mut_arg("length", |a| a.help("amount of data to download"))
)]
pub struct VolDownload {
    #[command(flatten)]
    pub target: VolFile,
    #[command(flatten)]
    pub transfer: Transfer,
}
spec!(VolDownload: "vol-download" ["vol", "file", "pool"] complete [ACTIVE_POOL]);

/// `vol-upload`: upload file contents to a volume
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "upload file contents to a volume",
    long_about = "Upload file contents to a volume",
    mut_arg("offset", |a| a.help("volume offset to upload to")),
    mut_arg("length", |a| a.help("amount of data to upload"))
)]
pub struct VolUpload {
    #[command(flatten)]
    pub target: VolFile,
    #[command(flatten)]
    pub transfer: Transfer,
}
spec!(VolUpload: "vol-upload" ["vol", "file", "pool"] complete [ACTIVE_POOL]);

/// `vol-wipe`: wipe a vol
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "wipe a vol",
    long_about = "Ensure data previously on a volume is not accessible to future reads"
)]
pub struct VolWipe {
    #[command(flatten)]
    pub target: VolArg,
    #[arg(long, value_name = "string", help = "perform selected wiping algorithm")]
    pub algorithm: Option<String>,
}
spec!(VolWipe: "vol-wipe" ["vol", "pool"] complete [ACTIVE_POOL, ("algorithm", Values::Fixed(&WIPE_ALGORITHMS))]);
