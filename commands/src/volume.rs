//! The `volume` commands.

use clap::Parser;

use crate::{Group, Spec};

/// The values of `vol-wipe --algorithm`, in the order of libvirt's
/// `virStorageVolWipeAlgorithm` numbers.
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
#[command(
    name = "vol-list",
    about = "list vols",
    long_about = "Returns list of vols by pool."
)]
pub struct VolList {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
    #[arg(long, help = "display extended details for volumes")]
    pub details: bool,
}
impl Spec for VolList {
    const NAME: &'static str = "vol-list";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["pool"];
}

/// `vol-create`: create a vol from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-create",
    about = "create a vol from an XML file",
    long_about = "Create a vol."
)]
pub struct VolCreate {
    #[arg(long, value_name = "string", required = true, help = "pool name")]
    pub pool: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "file containing an XML vol description"
    )]
    pub file: String,
    #[arg(
        long = "prealloc-metadata",
        help = "preallocate metadata (for qcow2 instead of full allocation)"
    )]
    pub prealloc_metadata: bool,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
impl Spec for VolCreate {
    const NAME: &'static str = "vol-create";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["pool", "file"];
}

/// `vol-create-as`: create a volume from a set of args
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-create-as",
    about = "create a volume from a set of args",
    long_about = "Create a vol."
)]
pub struct VolCreateAs {
    #[arg(long, value_name = "string", required = true, help = "pool name")]
    pub pool: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "name of the volume"
    )]
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
    #[arg(
        long,
        value_name = "string",
        help = "file format type raw,bochs,qcow,qcow2,qed,vmdk"
    )]
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
    #[arg(
        long = "print-xml",
        help = "print XML document, but don't define/create"
    )]
    pub print_xml: bool,
}
impl Spec for VolCreateAs {
    const NAME: &'static str = "vol-create-as";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["pool", "name", "capacity"];
}

/// `vol-clone`: clone a volume.
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-clone",
    about = "clone a volume.",
    long_about = "Clone an existing volume within the parent pool."
)]
pub struct VolClone {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", required = true, help = "clone name")]
    pub newname: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[arg(
        long = "prealloc-metadata",
        help = "preallocate metadata (for qcow2 instead of full allocation)"
    )]
    pub prealloc_metadata: bool,
    #[arg(long, help = "use btrfs COW lightweight copy")]
    pub reflink: bool,
    #[arg(
        long = "print-xml",
        help = "print XML document rather than clone the volume"
    )]
    pub print_xml: bool,
}
impl Spec for VolClone {
    const NAME: &'static str = "vol-clone";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "newname", "pool"];
}

/// `vol-create-from`: create a vol, using another volume as input
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-create-from",
    about = "create a vol, using another volume as input",
    long_about = "Create a vol from an existing volume."
)]
pub struct VolCreateFrom {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "pool name or uuid"
    )]
    pub pool: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "file containing an XML vol description"
    )]
    pub file: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
    pub vol: String,
    #[arg(
        long,
        value_name = "string",
        help = "pool name or uuid of the input volume's pool"
    )]
    pub inputpool: Option<String>,
    #[arg(
        long = "prealloc-metadata",
        help = "preallocate metadata (for qcow2 instead of full allocation)"
    )]
    pub prealloc_metadata: bool,
    #[arg(long, help = "use btrfs COW lightweight copy")]
    pub reflink: bool,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
impl Spec for VolCreateFrom {
    const NAME: &'static str = "vol-create-from";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["pool", "file", "vol"];
}

/// `vol-delete`: delete a vol
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-delete",
    about = "delete a vol",
    long_about = "Delete a given vol."
)]
pub struct VolDelete {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[arg(
        long = "delete-snapshots",
        help = "delete snapshots associated with volume (must be supported by storage driver)"
    )]
    pub delete_snapshots: bool,
}
impl Spec for VolDelete {
    const NAME: &'static str = "vol-delete";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "pool"];
}

/// `vol-info`: storage vol information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-info",
    about = "storage vol information",
    long_about = "Returns basic information about the storage vol."
)]
pub struct VolInfo {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[arg(long, help = "sizes are represented in bytes rather than pretty units")]
    pub bytes: bool,
    #[arg(
        long,
        help = "return the physical size of the volume in allocation field"
    )]
    pub physical: bool,
}
impl Spec for VolInfo {
    const NAME: &'static str = "vol-info";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "pool"];
}

/// `vol-download`: download volume contents to a file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-download",
    about = "download volume contents to a file",
    long_about = "Download volume contents to a file"
)]
pub struct VolDownload {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", required = true, help = "file")]
    pub file: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[arg(long, value_name = "number", help = "volume offset to download from")]
    pub offset: Option<u64>,
    #[arg(long, value_name = "number", help = "amount of data to download")]
    pub length: Option<u64>,
    #[arg(long, help = "preserve sparseness of volume")]
    pub sparse: bool,
}
impl Spec for VolDownload {
    const NAME: &'static str = "vol-download";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "file", "pool"];
}

/// `vol-dumpxml`: vol information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-dumpxml",
    about = "vol information in XML",
    long_about = "Output the vol information as an XML dump to stdout."
)]
pub struct VolDumpxml {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[arg(
        long,
        value_name = "string",
        help = "xpath expression to filter the XML document"
    )]
    pub xpath: Option<String>,
    #[arg(long, help = "wrap xpath results in an common root element")]
    pub wrap: bool,
}
impl Spec for VolDumpxml {
    const NAME: &'static str = "vol-dumpxml";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "pool"];
}

/// `vol-path`: returns the volume path for a given volume name or key
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-path",
    about = "returns the volume path for a given volume name or key",
    long_about = ""
)]
pub struct VolPath {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "volume name or key"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
}
impl Spec for VolPath {
    const NAME: &'static str = "vol-path";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "pool"];
}

/// `vol-name`: returns the volume name for a given volume key or path
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-name",
    about = "returns the volume name for a given volume key or path",
    long_about = ""
)]
pub struct VolName {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "volume key or path"
    )]
    pub vol: String,
}
impl Spec for VolName {
    const NAME: &'static str = "vol-name";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol"];
}

/// `vol-key`: returns the volume key for a given volume name or path
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-key",
    about = "returns the volume key for a given volume name or path",
    long_about = ""
)]
pub struct VolKey {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "volume name or path"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
}
impl Spec for VolKey {
    const NAME: &'static str = "vol-key";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "pool"];
}

/// `vol-resize`: resize a vol
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-resize",
    about = "resize a vol",
    long_about = "Resizes a storage volume. This is safe only for storage volumes not in use by an active guest.\nblockresize for live resizing."
)]
pub struct VolResize {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
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
    #[arg(
        long,
        help = "allocate the new capacity, rather than leaving it sparse"
    )]
    pub allocate: bool,
    #[arg(
        long,
        help = "use capacity as a delta to current size, rather than the new size"
    )]
    pub delta: bool,
    #[arg(long, help = "allow the resize to shrink the volume")]
    pub shrink: bool,
}
impl Spec for VolResize {
    const NAME: &'static str = "vol-resize";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "capacity", "pool"];
}

/// `vol-upload`: upload file contents to a volume
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-upload",
    about = "upload file contents to a volume",
    long_about = "Upload file contents to a volume"
)]
pub struct VolUpload {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", required = true, help = "file")]
    pub file: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[arg(long, value_name = "number", help = "volume offset to upload to")]
    pub offset: Option<u64>,
    #[arg(long, value_name = "number", help = "amount of data to upload")]
    pub length: Option<u64>,
    #[arg(long, help = "preserve sparseness of volume")]
    pub sparse: bool,
}
impl Spec for VolUpload {
    const NAME: &'static str = "vol-upload";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "file", "pool"];
}

/// `vol-wipe`: wipe a vol
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "vol-wipe",
    about = "wipe a vol",
    long_about = "Ensure data previously on a volume is not accessible to future reads"
)]
pub struct VolWipe {
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "vol name, key or path"
    )]
    pub vol: String,
    #[arg(long, value_name = "string", help = "pool name or uuid")]
    pub pool: Option<String>,
    #[arg(
        long,
        value_name = "string",
        help = "perform selected wiping algorithm"
    )]
    pub algorithm: Option<String>,
}
impl Spec for VolWipe {
    const NAME: &'static str = "vol-wipe";
    const GROUP: Group = Group::Volume;
    const POSITIONAL: &'static [&'static str] = &["vol", "pool"];
}
