//! The `network` commands (virsh's "Networking" group).

use clap::Parser;

use crate::args::{DescArgs, EventLoop, NetworkArg, XPathArgs, XmlFileArg};
use crate::complete::{Activity, Values};
use crate::spec;

/// The sections `net-update` changes, in libvirt's order (`virNetworkUpdateSection` from 1).
pub const UPDATE_SECTIONS: [&str; 12] = [
    "bridge",
    "domain",
    "ip",
    "ip-dhcp-host",
    "ip-dhcp-range",
    "forward",
    "forward-interface",
    "forward-pf",
    "portgroup",
    "dns-host",
    "dns-txt",
    "dns-srv",
];

/// What `net-update` does, by virsh's words.
pub const UPDATE_COMMANDS: [&str; 5] = ["add", "add-first", "add-last", "delete", "modify"];

/// The event types of `net-event --event` (`virNetworkEventID`).
pub const NET_EVENTS: [&str; 2] = ["lifecycle", "metadata-change"];

/// `net-autostart`: autostart a network
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "autostart a network",
    long_about = "Configure a network to be automatically started at boot."
)]
pub struct NetAutostart {
    #[command(flatten)]
    pub target: NetworkArg,
    #[arg(long, help = "disable autostarting")]
    pub disable: bool,
}
spec!(NetAutostart: "net-autostart" ["network"]);

/// `net-create`: create a network from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "create a network from an XML file",
    long_about = "Create a network.",
    mut_arg("file", |a| a.help("file containing an XML network description"))
)]
pub struct NetCreate {
    #[command(flatten)]
    pub xml: XmlFileArg,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
spec!(NetCreate: "net-create" ["file"]);

/// `net-define`: define an inactive persistent virtual network or modify an existing
/// persistent one from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "define an inactive persistent virtual network or modify an existing persistent one from an XML file",
    long_about = "Define or modify a persistent virtual network.",
    mut_arg("file", |a| a.help("file containing an XML network description"))
)]
pub struct NetDefine {
    #[command(flatten)]
    pub xml: XmlFileArg,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
spec!(NetDefine: "net-define" ["file"]);

/// `net-desc`: show or set network's description or title
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "show or set network's description or title",
    long_about = "Allows setting or modifying the description or title of a network."
)]
pub struct NetDesc {
    #[command(flatten)]
    pub target: NetworkArg,
    #[command(flatten)]
    pub desc: DescArgs,
}
spec!(NetDesc: "net-desc" ["network", "new-desc"]);

/// `net-dhcp-leases`: print lease info for a given network
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "print lease info for a given network",
    long_about = "Print lease info for a given network"
)]
pub struct NetDhcpLeases {
    #[command(flatten)]
    pub target: NetworkArg,
    #[arg(long, value_name = "string", help = "MAC address")]
    pub mac: Option<String>,
}
spec!(NetDhcpLeases: "net-dhcp-leases" ["network"]
    complete [("network", Values::Networks(Activity::Active))]);

/// `net-dumpxml`: network information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "network information in XML",
    long_about = "Output the network information as an XML dump to stdout."
)]
pub struct NetDumpxml {
    #[command(flatten)]
    pub target: NetworkArg,
    #[arg(long, help = "show inactive defined XML")]
    pub inactive: bool,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(NetDumpxml: "net-dumpxml" ["network"]);

/// `net-event`: Network Events
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Network Events",
    long_about = "List event types, or wait for network events to occur"
)]
pub struct NetEvent {
    #[arg(long, value_name = "string", help = "filter by network name or uuid")]
    pub network: Option<String>,
    #[arg(long, value_name = "string", help = "which event type to wait for")]
    pub event: Option<String>,
    #[command(flatten)]
    pub wait: EventLoop,
}
// Bare words fill the object, the event type and the timeout; an empty object is the
// command's to refuse (virsh's pool and network event commands say so and listen to every
// object).
spec!(NetEvent: "net-event" []
    complete [("event", Values::Fixed(&NET_EVENTS))];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["network", "event", "timeout"];
    const ALLOW_EMPTY: &'static [&'static str] = &["network"];);

/// `net-list`: list networks
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "list networks", long_about = "Returns list of networks.")]
pub struct NetList {
    #[arg(long, help = "list inactive networks")]
    pub inactive: bool,
    #[arg(long, help = "list inactive & active networks")]
    pub all: bool,
    #[arg(long, help = "list persistent networks")]
    pub persistent: bool,
    #[arg(long, help = "list transient networks")]
    pub transient: bool,
    #[arg(long, help = "list networks with autostart enabled")]
    pub autostart: bool,
    #[arg(long = "no-autostart", help = "list networks with autostart disabled")]
    pub no_autostart: bool,
    #[arg(long, help = "list uuid's only")]
    pub uuid: bool,
    #[arg(long, help = "list network names only")]
    pub name: bool,
    #[arg(long, help = "list table (default)")]
    pub table: bool,
    #[arg(long, help = "show network title")]
    pub title: bool,
}
spec!(NetList: "net-list" []);

/// `net-metadata`: show or set network's custom XML metadata
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "show or set network's custom XML metadata",
    long_about = "Shows or modifies the XML metadata of a network."
)]
pub struct NetMetadata {
    #[command(flatten)]
    pub target: NetworkArg,
    #[arg(long, value_name = "string", required = true, help = "URI of the namespace")]
    pub uri: String,
    #[arg(long, help = "modify/get running state")]
    pub live: bool,
    #[arg(long, help = "modify/get persistent configuration")]
    pub config: bool,
    #[arg(long, help = "modify/get current state configuration")]
    pub current: bool,
    #[arg(long, help = "use an editor to change the metadata")]
    pub edit: bool,
    #[arg(long, value_name = "string", help = "key to be used as a namespace identifier")]
    pub key: Option<String>,
    #[arg(long, value_name = "string", help = "new metadata to set")]
    pub set: Option<String>,
    #[arg(long, help = "remove the metadata corresponding to an uri")]
    pub remove: bool,
}
spec!(NetMetadata: "net-metadata" ["network", "uri"]);

/// `net-update`: update parts of an existing network's configuration
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "update parts of an existing network's configuration", long_about = "")]
pub struct NetUpdate {
    #[command(flatten)]
    pub target: NetworkArg,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "type of update (add-first, add-last (add), delete, or modify)"
    )]
    pub command: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "which section of network configuration to update"
    )]
    pub section: String,
    #[arg(
        long,
        value_name = "string",
        required = true,
        help = "name of file containing xml (or, if it starts with '<', the complete xml element itself) to add/modify, or to be matched for search"
    )]
    pub xml: String,
    #[arg(
        long = "parent-index",
        value_name = "number",
        help = "which parent object to search through"
    )]
    pub parent_index: Option<String>,
    #[arg(long, help = "affect next network startup")]
    pub config: bool,
    #[arg(long, help = "affect running network")]
    pub live: bool,
    #[arg(long, help = "affect current state of network")]
    pub current: bool,
}
spec!(NetUpdate: "net-update" ["network", "command", "section", "xml"]
complete [
    ("command", Values::Fixed(&UPDATE_COMMANDS)),
    ("section", Values::Fixed(&UPDATE_SECTIONS)),
]);

/// `net-port-list`: list network ports
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "list network ports", long_about = "Returns list of network ports.")]
pub struct NetPortList {
    #[command(flatten)]
    pub target: NetworkArg,
    #[arg(long, help = "list uuid's only")]
    pub uuid: bool,
    #[arg(long, help = "list table (default)")]
    pub table: bool,
}
spec!(NetPortList: "net-port-list" ["network"]);

/// `net-port-create`: create a network port from an XML file
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "create a network port from an XML file", long_about = "Create a network port.",
    mut_arg("file", |a| a.help("file containing an XML network port description"))
)]
pub struct NetPortCreate {
    #[command(flatten)]
    pub target: NetworkArg,
    #[command(flatten)]
    pub xml: XmlFileArg,
    #[arg(long, help = "validate the XML against the schema")]
    pub validate: bool,
}
spec!(NetPortCreate: "net-port-create" ["network", "file"]);

/// `net-port-dumpxml`: network port information in XML
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "network port information in XML",
    long_about = "Output the network port information as an XML dump to stdout."
)]
pub struct NetPortDumpxml {
    #[command(flatten)]
    pub target: NetworkArg,
    #[arg(long, value_name = "string", required = true, help = "port UUID")]
    pub port: String,
    #[command(flatten)]
    pub xpath: XPathArgs,
}
spec!(NetPortDumpxml: "net-port-dumpxml" ["network", "port"]);

/// `net-port-delete`: delete the specified network port
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "delete the specified network port",
    long_about = "Delete the specified network port."
)]
pub struct NetPortDelete {
    #[command(flatten)]
    pub target: NetworkArg,
    #[arg(long, value_name = "string", required = true, help = "port UUID")]
    pub port: String,
}
spec!(NetPortDelete: "net-port-delete" ["network", "port"]);

/// `net-name` takes a UUID only.
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct NetworkUuidArg {
    #[arg(long, value_name = "string", required = true, help = "network uuid")]
    pub network: String,
}

/// `net-uuid` takes a name only.
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct NetworkNameArg {
    #[arg(long, value_name = "string", required = true, help = "network name")]
    pub network: String,
}

/// `net-destroy`: destroy (stop) a network
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "destroy (stop) a network", long_about = "Forcefully stop a given network.")]
pub struct NetDestroy {
    #[command(flatten)]
    pub target: NetworkArg,
}
spec!(NetDestroy: "net-destroy" ["network"] complete [("network", Values::Networks(Activity::Active))]);

/// `net-edit`: edit XML configuration for a network
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "edit XML configuration for a network",
    long_about = "Edit the XML configuration for a network."
)]
pub struct NetEdit {
    #[command(flatten)]
    pub target: NetworkArg,
}
spec!(NetEdit: "net-edit" ["network"]);

/// `net-info`: network information
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "network information",
    long_about = "Returns basic information about the network"
)]
pub struct NetInfo {
    #[command(flatten)]
    pub target: NetworkArg,
}
spec!(NetInfo: "net-info" ["network"]);

/// `net-name`: convert a network UUID to network name
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "convert a network UUID to network name", long_about = "")]
pub struct NetName {
    #[command(flatten)]
    pub target: NetworkUuidArg,
}
spec!(NetName: "net-name" ["network"]);

/// `net-start`: start a (previously defined) inactive network
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "start a (previously defined) inactive network", long_about = "Start a network.")]
pub struct NetStart {
    #[command(flatten)]
    pub target: NetworkArg,
}
spec!(NetStart: "net-start" ["network"] complete [("network", Values::Networks(Activity::Inactive))]);

/// `net-undefine`: undefine a persistent network
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "undefine a persistent network",
    long_about = "Undefine the configuration for a persistent network."
)]
pub struct NetUndefine {
    #[command(flatten)]
    pub target: NetworkArg,
}
spec!(NetUndefine: "net-undefine" ["network"]);

/// `net-uuid`: convert a network name to network UUID
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "convert a network name to network UUID", long_about = "")]
pub struct NetUuid {
    #[command(flatten)]
    pub target: NetworkNameArg,
}
spec!(NetUuid: "net-uuid" ["network"]);
