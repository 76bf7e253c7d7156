//! The remote driver's network and network port calls.

use super::*;

fn net(n: &NetworkRef) -> WireNetwork {
    WireNetwork {
        name: n.name.clone(),
        uuid: n.uuid,
    }
}

fn from_net(n: WireNetwork) -> NetworkRef {
    NetworkRef {
        name: n.name,
        uuid: n.uuid,
    }
}

/// The namespace a metadata call names (an element's; none for the texts).
fn uri_of(kind: NetMetadata<'_>) -> Option<String> {
    match kind {
        NetMetadata::Element(u) => Some(u.to_string()),
        _ => None,
    }
}

fn port(p: &NetworkPortRef) -> WirePort {
    WirePort {
        net: net(&p.network),
        uuid: p.uuid,
    }
}

fn from_port(p: WirePort) -> NetworkPortRef {
    NetworkPortRef {
        network: from_net(p.net),
        uuid: p.uuid,
    }
}

impl NetworkApi for RemoteDriver {
    fn list_networks(&self, flags: NetworkListFlags) -> Result<Vec<NetworkRef>> {
        let r: NetListRet = self.call(
            CONNECT_LIST_ALL_NETWORKS,
            &ListArgs {
                need_results: 1,
                flags: flags.0,
            },
        )?;
        Ok(r.nets.into_iter().map(from_net).collect())
    }
    fn network_by_name(&self, name: &str) -> Result<NetworkRef> {
        self.call::<_, NetRet>(NETWORK_LOOKUP_BY_NAME, &NameArgs { name: name.into() })
            .map(|r| from_net(r.net))
    }
    fn network_by_uuid(&self, uuid: &Uuid) -> Result<NetworkRef> {
        self.call::<_, NetRet>(NETWORK_LOOKUP_BY_UUID, &UuidArgs { uuid: *uuid })
            .map(|r| from_net(r.net))
    }
    fn define_network(&self, xml: &str) -> Result<NetworkRef> {
        self.call::<_, NetRet>(NETWORK_DEFINE_XML, &XmlArgs { xml: xml.into() })
            .map(|r| from_net(r.net))
    }
    fn create_network(&self, xml: &str) -> Result<NetworkRef> {
        self.call::<_, NetRet>(NETWORK_CREATE_XML, &XmlArgs { xml: xml.into() })
            .map(|r| from_net(r.net))
    }
    fn undefine_network(&self, n: &NetworkRef) -> Result<()> {
        self.void(NETWORK_UNDEFINE, &NetArgs { net: net(n) })
    }
    fn start_network(&self, n: &NetworkRef) -> Result<()> {
        self.void(NETWORK_CREATE, &NetArgs { net: net(n) })
    }
    fn destroy_network(&self, n: &NetworkRef) -> Result<()> {
        self.void(NETWORK_DESTROY, &NetArgs { net: net(n) })
    }
    fn network_xml(&self, n: &NetworkRef, inactive: bool) -> Result<String> {
        self.string(
            NETWORK_GET_XML_DESC,
            &NetFlagsArgs {
                net: net(n),
                flags: u32::from(inactive),
            },
        )
    }
    fn network_bridge(&self, n: &NetworkRef) -> Result<String> {
        self.string(NETWORK_GET_BRIDGE_NAME, &NetArgs { net: net(n) })
    }
    fn network_autostart(&self, n: &NetworkRef) -> Result<bool> {
        self.flag(NETWORK_GET_AUTOSTART, &NetArgs { net: net(n) })
    }
    fn set_network_autostart(&self, n: &NetworkRef, on: bool) -> Result<()> {
        self.void(
            NETWORK_SET_AUTOSTART,
            &NetIntArgs {
                net: net(n),
                value: i32::from(on),
            },
        )
    }
    fn network_is_active(&self, n: &NetworkRef) -> Result<bool> {
        self.flag(NETWORK_IS_ACTIVE, &NetArgs { net: net(n) })
    }
    fn network_is_persistent(&self, n: &NetworkRef) -> Result<bool> {
        self.flag(NETWORK_IS_PERSISTENT, &NetArgs { net: net(n) })
    }
    /// Every call goes out before any reply is read: one round trip for the whole list.
    fn network_facts(&self, nets: &[NetworkRef]) -> Result<Vec<NetworkFacts>> {
        let c = &self.client;
        let mut pending = Vec::with_capacity(nets.len());
        for n in nets {
            let args = NetArgs { net: net(n) };
            pending.push((
                c.start(NETWORK_IS_ACTIVE, &args)?,
                c.start(NETWORK_GET_AUTOSTART, &args)?,
                c.start(NETWORK_IS_PERSISTENT, &args)?,
            ));
        }
        let flag = |p: crate::rpc::client::Pending| p.wait::<IntRet>().ok().map(|r| r.value != 0);
        Ok(pending
            .into_iter()
            .map(|(a, s, p)| NetworkFacts {
                active: flag(a),
                autostart: flag(s),
                persistent: flag(p),
            })
            .collect())
    }
    fn network_metadata(
        &self,
        n: &NetworkRef,
        kind: NetMetadata<'_>,
        flags: ModifyFlags,
    ) -> Result<Option<String>> {
        let uri = uri_of(kind);
        self.string(
            NETWORK_GET_METADATA,
            &NetGetMetadataArgs {
                net: net(n),
                kind: kind.code(),
                uri,
                flags: flags.0,
            },
        )
        .map(Some)
    }
    fn set_network_metadata(
        &self,
        n: &NetworkRef,
        kind: NetMetadata<'_>,
        value: Option<&str>,
        key: Option<&str>,
        flags: ModifyFlags,
    ) -> Result<()> {
        let uri = uri_of(kind);
        self.void(
            NETWORK_SET_METADATA,
            &NetSetMetadataArgs {
                net: net(n),
                kind: kind.code(),
                metadata: value.map(String::from),
                key: key.map(String::from),
                uri,
                flags: flags.0,
            },
        )
    }
    fn update_network(&self, n: &NetworkRef, u: &NetworkUpdate) -> Result<()> {
        self.void(
            NETWORK_UPDATE,
            &NetUpdateArgs {
                net: net(n),
                command: u.command,
                section: u.section,
                parent_index: u.parent_index,
                xml: u.xml.clone(),
                flags: u.flags,
            },
        )
    }
    fn network_dhcp_leases(&self, n: &NetworkRef, mac: Option<&str>) -> Result<Vec<DhcpLease>> {
        let r: LeasesRet = self.call(
            NETWORK_GET_DHCP_LEASES,
            &LeasesArgs {
                net: net(n),
                mac: mac.map(String::from),
                need_results: 1,
                flags: 0,
            },
        )?;
        Ok(r.leases
            .into_iter()
            .map(|l| DhcpLease {
                iface: l.iface,
                expiry_time: l.expiry_time,
                kind: l.kind,
                mac: l.mac,
                iaid: l.iaid,
                ipaddr: l.ipaddr,
                prefix: l.prefix,
                hostname: l.hostname,
                clientid: l.clientid,
            })
            .collect())
    }
    fn list_network_ports(&self, n: &NetworkRef) -> Result<Vec<NetworkPortRef>> {
        let r: PortListRet = self.call(
            NETWORK_LIST_ALL_PORTS,
            &PortListArgs {
                net: net(n),
                need_results: 1,
                flags: 0,
            },
        )?;
        Ok(r.ports.into_iter().map(from_port).collect())
    }
    fn create_network_port(&self, n: &NetworkRef, xml: &str) -> Result<NetworkPortRef> {
        self.call::<_, PortRet>(
            NETWORK_PORT_CREATE_XML,
            &PortCreateArgs {
                net: net(n),
                xml: xml.into(),
                flags: 0,
            },
        )
        .map(|r| from_port(r.port))
    }
    fn network_port_by_uuid(&self, n: &NetworkRef, uuid: &Uuid) -> Result<NetworkPortRef> {
        self.call::<_, PortRet>(
            NETWORK_PORT_LOOKUP_BY_UUID,
            &PortByUuidArgs {
                net: net(n),
                uuid: *uuid,
            },
        )
        .map(|r| from_port(r.port))
    }
    fn network_port_xml(&self, p: &NetworkPortRef) -> Result<String> {
        self.string(
            NETWORK_PORT_GET_XML_DESC,
            &PortFlagsArgs {
                port: port(p),
                flags: 0,
            },
        )
    }
    fn wait_network_events(&self, w: EventWait<'_, NetworkRef, NetworkEvent>) -> Result<EventEnd> {
        self.wait_events(NETWORK_EVENT_WIRE, w.object.map(net), w)
    }
    fn delete_network_port(&self, p: &NetworkPortRef) -> Result<()> {
        self.void(
            NETWORK_PORT_DELETE,
            &PortFlagsArgs {
                port: port(p),
                flags: 0,
            },
        )
    }
}
