//! The `host` commands.

use clap::Parser;

use crate::{Group, Spec};

/// `uri`: print the hypervisor canonical URI
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "uri",
    about = "print the hypervisor canonical URI",
    long_about = ""
)]
pub struct Uri {}
impl Spec for Uri {
    const NAME: &'static str = "uri";
    const GROUP: Group = Group::Host;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `hostname`: print the hypervisor hostname
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "hostname",
    about = "print the hypervisor hostname",
    long_about = ""
)]
pub struct Hostname {}
impl Spec for Hostname {
    const NAME: &'static str = "hostname";
    const GROUP: Group = Group::Host;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `version`: show version
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "version",
    about = "show version",
    long_about = "Display the system version information."
)]
pub struct Version {
    #[arg(long, help = "report daemon version too")]
    pub daemon: bool,
}
impl Spec for Version {
    const NAME: &'static str = "version";
    const GROUP: Group = Group::Host;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `nodeinfo`: node information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "nodeinfo",
    about = "node information",
    long_about = "Returns basic information about the node."
)]
pub struct Nodeinfo {}
impl Spec for Nodeinfo {
    const NAME: &'static str = "nodeinfo";
    const GROUP: Group = Group::Host;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `capabilities`: capabilities
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "capabilities",
    about = "capabilities",
    long_about = "Returns capabilities of hypervisor/driver."
)]
pub struct Capabilities {
    #[arg(
        long,
        value_name = "string",
        help = "xpath expression to filter the XML document"
    )]
    pub xpath: Option<String>,
    #[arg(long, help = "wrap xpath results in an common root element")]
    pub wrap: bool,
}
impl Spec for Capabilities {
    const NAME: &'static str = "capabilities";
    const GROUP: Group = Group::Host;
    const POSITIONAL: &'static [&'static str] = &[];
}
