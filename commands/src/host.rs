//! The `host` commands.

use clap::Parser;

use crate::args::XPathArgs;

use crate::spec;

/// `uri`: print the hypervisor canonical URI
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "print the hypervisor canonical URI", long_about = "")]
pub struct Uri {}
spec!(Uri: "uri" []);

/// `hostname`: print the hypervisor hostname
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "print the hypervisor hostname", long_about = "")]
pub struct Hostname {}
spec!(Hostname: "hostname" []);

/// `version`: show version
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "show version", long_about = "Display the system version information.")]
pub struct Version {
    #[arg(long, help = "report daemon version too")]
    pub daemon: bool,
}
spec!(Version: "version" []);

/// `nodeinfo`: node information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "node information", long_about = "Returns basic information about the node.")]
pub struct Nodeinfo {}
spec!(Nodeinfo: "nodeinfo" []);

/// `capabilities`: capabilities
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "capabilities", long_about = "Returns capabilities of hypervisor/driver.")]
pub struct Capabilities {
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(Capabilities: "capabilities" []);
