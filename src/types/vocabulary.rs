//! libvirt's names for what drivers and the wire carry as numbers: the storage pool types
//! (`virStoragePoolType`) and what `net-update` changes and how (`virNetworkUpdateSection`,
//! `virNetworkUpdateCommand`). The command language keeps the same words for completion; a
//! test of the command layer checks that the two agree.

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

/// A section of a network that `net-update` changes (`virNetworkUpdateSection`, from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateSection {
    Bridge = 1,
    Domain,
    Ip,
    IpDhcpHost,
    IpDhcpRange,
    Forward,
    ForwardInterface,
    ForwardPf,
    Portgroup,
    DnsHost,
    DnsTxt,
    DnsSrv,
}

impl UpdateSection {
    pub const ALL: [UpdateSection; 12] = [
        UpdateSection::Bridge,
        UpdateSection::Domain,
        UpdateSection::Ip,
        UpdateSection::IpDhcpHost,
        UpdateSection::IpDhcpRange,
        UpdateSection::Forward,
        UpdateSection::ForwardInterface,
        UpdateSection::ForwardPf,
        UpdateSection::Portgroup,
        UpdateSection::DnsHost,
        UpdateSection::DnsTxt,
        UpdateSection::DnsSrv,
    ];

    /// virsh's word for the section.
    pub fn name(self) -> &'static str {
        match self {
            UpdateSection::Bridge => "bridge",
            UpdateSection::Domain => "domain",
            UpdateSection::Ip => "ip",
            UpdateSection::IpDhcpHost => "ip-dhcp-host",
            UpdateSection::IpDhcpRange => "ip-dhcp-range",
            UpdateSection::Forward => "forward",
            UpdateSection::ForwardInterface => "forward-interface",
            UpdateSection::ForwardPf => "forward-pf",
            UpdateSection::Portgroup => "portgroup",
            UpdateSection::DnsHost => "dns-host",
            UpdateSection::DnsTxt => "dns-txt",
            UpdateSection::DnsSrv => "dns-srv",
        }
    }

    pub fn from_name(name: &str) -> Option<UpdateSection> {
        UpdateSection::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The section libvirt's number names (0 is none).
    pub fn from_code(code: u32) -> Option<UpdateSection> {
        UpdateSection::ALL.into_iter().find(|s| *s as u32 == code)
    }
}

/// What `net-update` does (`virNetworkUpdateCommand`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateCommand {
    Modify = 1,
    Delete = 2,
    AddLast = 3,
    AddFirst = 4,
}

impl UpdateCommand {
    /// The command virsh's word names (`add` is `add-last`).
    pub fn from_name(name: &str) -> Option<UpdateCommand> {
        Some(match name {
            "modify" => UpdateCommand::Modify,
            "delete" => UpdateCommand::Delete,
            "add" | "add-last" => UpdateCommand::AddLast,
            "add-first" => UpdateCommand::AddFirst,
            _ => return None,
        })
    }

    /// The command libvirt's number names.
    pub fn from_code(code: u32) -> Option<UpdateCommand> {
        [
            UpdateCommand::Modify,
            UpdateCommand::Delete,
            UpdateCommand::AddLast,
            UpdateCommand::AddFirst,
        ]
        .into_iter()
        .find(|c| *c as u32 == code)
    }
}
