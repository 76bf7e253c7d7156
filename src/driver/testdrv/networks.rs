//! The test driver's networks: definitions with libvirt's duplicate rules, active or not, and
//! nothing on the host (libvirt's test driver builds no bridge either).

use uuid::Uuid;

use super::{TestDriver, TestState};
use crate::driver::network::update::apply_update;
use crate::driver::network::{metadata, set_metadata, NetObject};
use crate::driver::prelude::*;
use crate::model::NetworkDef;
use crate::rules::{self, Adding, Existing, Kind};

pub(super) struct Network {
    /// The live definition of an active network, else the persistent one.
    pub def: NetworkDef,
    /// The persistent definition of an active network, once it can differ from the live one
    /// (from its start on; a fixture's network has none, as in libvirt).
    pub next_def: Option<NetworkDef>,
    pub active: bool,
    pub persistent: bool,
    pub autostart: bool,
}

impl Network {
    fn handle(&self) -> NetworkRef {
        NetworkRef {
            name: self.def.name.to_string(),
            uuid: self.def.uuid,
        }
    }

    fn object(&mut self) -> NetObject<'_> {
        NetObject {
            def: &mut self.def,
            next_def: &mut self.next_def,
            active: self.active,
            persistent: self.persistent,
        }
    }
}

impl TestState {
    fn network_index(&self, net: &NetworkRef) -> Result<usize> {
        super::position(&self.networks, |n| n.def.uuid, &net.uuid)
            .ok_or_else(|| Kind::Network.not_found(&net.uuid, Some(&net.name)))
    }

    fn network(&mut self, net: &NetworkRef) -> Result<&mut Network> {
        let i = self.network_index(net)?;
        Ok(&mut self.networks[i])
    }

    /// The made-up addresses libvirt's test driver gives a running domain's interfaces, from
    /// every source alike: one on its network's subnet for an interface on a network (by the
    /// domain's id and the interface's place), `192.168.0.N/24` for any other.
    pub(super) fn interface_addresses(&self, dom: &DomainRef) -> Result<Vec<DomainInterface>> {
        let d = self.get(dom)?;
        let Some(id) = d.id.filter(|_| d.state.is_active()) else {
            return Err(Error::operation_invalid("domain is not running"));
        };
        let mut out = Vec::new();
        for (i, iface) in d.def.devices.interfaces.iter().enumerate() {
            let network = iface
                .source_network
                .as_deref()
                .filter(|_| iface.kind == "network")
                .and_then(|n| self.networks.iter().find(|x| x.def.name.as_str() == n))
                .and_then(|n| n.def.ips.iter().find(|ip| ip.address.is_ipv4()));
            let (addr, prefix) = match network {
                Some(ip) => {
                    let std::net::IpAddr::V4(base) = ip.address else {
                        continue;
                    };
                    let offset = (id - 1) * 20 + i as u32 + 2;
                    let a = std::net::Ipv4Addr::from(u32::from(base).wrapping_add(offset));
                    // libvirt hands its -1 on as an unsigned prefix.
                    (a.to_string(), ip.prefix_len().unwrap_or(u32::MAX))
                }
                None => (format!("192.168.0.{}", i + 1), 24),
            };
            out.push(DomainInterface {
                name: iface.target_dev.clone().unwrap_or_default(),
                hwaddr: iface.mac.clone(),
                addrs: vec![IpAddress {
                    kind: 0,
                    addr,
                    prefix,
                }],
            });
        }
        Ok(out)
    }

    /// Adds a network under libvirt's rules; `live` is net-create.
    fn add_network(&mut self, def: NetworkDef, live: bool) -> Result<NetworkRef> {
        let existing = |n: &Network| Existing {
            name: n.def.name.to_string(),
            uuid: n.def.uuid,
            active: n.active,
            persistent: n.persistent,
            starting: false,
        };
        let by_uuid = self
            .networks
            .iter()
            .find(|n| n.def.uuid == def.uuid)
            .map(existing);
        let by_name = self
            .networks
            .iter()
            .find(|n| n.def.name == def.name)
            .map(existing);
        let adding = if live {
            Adding::Live
        } else {
            Adding::Definition
        };
        let reuse = rules::check_add(
            Kind::Network,
            def.name.as_str(),
            &def.uuid,
            by_uuid.as_ref(),
            by_name.as_ref(),
            adding,
        )?;
        if reuse {
            let n = self
                .networks
                .iter_mut()
                .find(|n| n.def.uuid == def.uuid)
                .expect("the network the rules reuse");
            if live {
                n.def = def;
                n.active = true;
            } else if n.active {
                n.next_def = Some(def);
                n.persistent = true;
            } else {
                n.def = def;
                n.persistent = true;
            }
            return Ok(n.handle());
        }
        let n = Network {
            def,
            next_def: None,
            active: live,
            persistent: !live,
            autostart: false,
        };
        let handle = n.handle();
        self.networks.push(n);
        Ok(handle)
    }
}

impl NetworkApi for TestDriver {
    fn list_networks(&self, flags: NetworkListFlags) -> Result<Vec<NetworkRef>> {
        Ok(self
            .state()
            .networks
            .iter()
            .filter(|n| flags.admits(n.active, n.persistent, || n.autostart))
            .map(Network::handle)
            .collect())
    }
    fn network_by_name(&self, name: &str) -> Result<NetworkRef> {
        self.state()
            .networks
            .iter()
            .find(|n| n.def.name.as_str() == name)
            .map(Network::handle)
            .ok_or_else(|| Kind::Network.not_named(name))
    }
    fn network_by_uuid(&self, uuid: &Uuid) -> Result<NetworkRef> {
        self.state()
            .networks
            .iter()
            .find(|n| n.def.uuid == *uuid)
            .map(Network::handle)
            .ok_or_else(|| Kind::Network.not_found(uuid, None))
    }
    fn define_network(&self, xml: &str) -> Result<NetworkRef> {
        let def = NetworkDef::parse(xml)?;
        self.state().add_network(def, false)
    }
    fn create_network(&self, xml: &str) -> Result<NetworkRef> {
        let def = NetworkDef::parse(xml)?;
        self.state().add_network(def, true)
    }
    fn undefine_network(&self, net: &NetworkRef) -> Result<()> {
        let mut st = self.state();
        let i = st.network_index(net)?;
        if st.networks[i].active {
            return Err(Error::operation_invalid(format!(
                "Network '{}' is still running",
                net.name
            )));
        }
        st.networks.remove(i);
        Ok(())
    }
    fn start_network(&self, net: &NetworkRef) -> Result<()> {
        let mut st = self.state();
        let n = st.network(net)?;
        if n.active {
            return Err(Error::operation_invalid(format!(
                "Network '{}' is already running",
                n.def.name
            )));
        }
        n.active = true;
        n.next_def = Some(n.def.clone());
        Ok(())
    }
    fn destroy_network(&self, net: &NetworkRef) -> Result<()> {
        let mut st = self.state();
        let i = st.network_index(net)?;
        let n = &mut st.networks[i];
        // libvirt's test driver "destroys" an inactive network too.
        if !n.persistent {
            st.networks.remove(i);
            return Ok(());
        }
        n.active = false;
        if let Some(next) = n.next_def.take() {
            n.def = next;
        }
        Ok(())
    }
    fn network_xml(&self, net: &NetworkRef, inactive: bool) -> Result<String> {
        if inactive {
            return Err(Error::unsupported_flags(1, "testNetworkGetXMLDesc"));
        }
        Ok(self.state().network(net)?.def.to_xml())
    }
    fn network_bridge(&self, net: &NetworkRef) -> Result<String> {
        let mut st = self.state();
        let n = st.network(net)?;
        n.def.bridge.name.clone().ok_or_else(|| {
            Error::internal(format!(
                "network '{}' does not have a bridge name.",
                n.def.name
            ))
        })
    }
    fn network_autostart(&self, net: &NetworkRef) -> Result<bool> {
        Ok(self.state().network(net)?.autostart)
    }
    fn set_network_autostart(&self, net: &NetworkRef, on: bool) -> Result<()> {
        self.state().network(net)?.autostart = on;
        Ok(())
    }
    fn network_is_active(&self, net: &NetworkRef) -> Result<bool> {
        Ok(self.state().network(net)?.active)
    }
    fn network_is_persistent(&self, net: &NetworkRef) -> Result<bool> {
        Ok(self.state().network(net)?.persistent)
    }
    fn network_metadata(
        &self,
        net: &NetworkRef,
        kind: NetMetadata<'_>,
        flags: ModifyFlags,
    ) -> Result<Option<String>> {
        metadata(&mut self.state().network(net)?.object(), kind, flags)
    }
    fn set_network_metadata(
        &self,
        net: &NetworkRef,
        kind: NetMetadata<'_>,
        value: Option<&str>,
        key: Option<&str>,
        flags: ModifyFlags,
    ) -> Result<()> {
        set_metadata(
            &mut self.state().network(net)?.object(),
            kind,
            value,
            key,
            flags,
        )
    }
    fn wait_network_events(&self, w: EventWait<'_, NetworkRef, NetworkEvent>) -> Result<EventEnd> {
        Ok(crate::driver::events::none_come(w))
    }
    fn update_network(&self, net: &NetworkRef, update: &NetworkUpdate) -> Result<()> {
        apply_update(&mut self.state().network(net)?.object(), update)
    }
}
