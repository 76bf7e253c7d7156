//! Networks of the embedded root, built on the host as libvirt's network driver builds them
//! when run as root (see [`super::host`] and [`super::dnsmasq`]). The root's object store
//! keeps them (kind `network`): a persistent config in `ROOT/network/NAME.xml`, an active
//! network's live definition in `ROOT/run/network/NAME.xml`.
//!
//! Adding or removing a network checks libvirt's rules under the root's list lock; starting and
//! stopping one goes under the network's lock, so that of many `net-start`s one builds and the
//! others find it active. Before a start or stop touches the host it writes the definition it
//! builds or tears down to `NAME.dirty`, and removes the file when done: a process killed in
//! between leaves the file, and the next access that finds it (with nobody holding the lock)
//! tears down what was left, so no bridge, table or dnsmasq outlives a network that is not
//! active. The live file is written last on start and removed first on stop: whether a network
//! is active is always what the host has.

use std::net::IpAddr;
use std::path::Path;

use uuid::Uuid;

use super::dnsmasq::{self, Files};
use super::update::apply_update;
use super::{host, metadata, set_metadata, NetObject};
use crate::driver::prelude::*;
use crate::model::network::{IpDef, Mac};
use crate::model::{Name, NetworkDef};
use crate::rules::{self, Adding, Existing, Kind};
use crate::state::store::{ObjectStore, StoreResult};
use crate::state::Lock;

pub struct Networks {
    store: ObjectStore,
}

fn no_network(net: &NetworkRef) -> Error {
    Error::no_network(format!(
        "no network with matching uuid '{}' ({})",
        net.uuid, net.name
    ))
}

/// A network as its files say it is.
struct View {
    name: Name,
    uuid: Uuid,
    /// The definition it runs with, when active.
    active: Option<NetworkDef>,
    persistent: bool,
}

impl View {
    fn handle(&self) -> NetworkRef {
        NetworkRef {
            name: self.name.to_string(),
            uuid: self.uuid,
        }
    }
}

/// The bridge a network puts its guests on.
fn bridge_name(def: &NetworkDef) -> Result<&str> {
    def.bridge.name.as_deref().ok_or_else(|| {
        Error::internal(format!(
            "network '{}' does not have a bridge name.",
            def.name
        ))
    })
}

impl Networks {
    /// Opens the root's networks. A new root, opened as root, gets libvirt's `default`
    /// network (inactive, not autostarted) on the first free 192.168.x.0/24.
    pub fn open(root: &Path) -> StoreResult<Networks> {
        let new_root = !root.join("network").exists();
        let networks = Networks {
            store: ObjectStore::open(root, "network", "network")?,
        };
        if new_root && nix::unistd::geteuid().is_root() {
            // A default that cannot be made (no free subnet) is simply not made.
            let _ = networks.define_network(&networks.default_xml());
        }
        Ok(networks)
    }

    /// libvirt's `default.xml`, on a subnet and bridge the host does not use yet.
    fn default_xml(&self) -> String {
        let subnet = (122..=254)
            .chain(0..122)
            .find(|x| {
                let probe = NetworkDef::parse(&format!(
                    "<network><name>probe</name><ip address='192.168.{x}.1' prefix='24'/></network>"
                ));
                probe.is_ok_and(|d| host::check_route_collision(&d).is_ok())
            })
            .unwrap_or(122);
        format!(
            "<network>\n  <name>default</name>\n  <forward mode='nat'/>\n  \
             <ip address='192.168.{subnet}.1' netmask='255.255.255.0'>\n    <dhcp>\n      \
             <range start='192.168.{subnet}.2' end='192.168.{subnet}.254'/>\n    </dhcp>\n  \
             </ip>\n</network>\n"
        )
    }

    fn files(&self, name: &Name) -> Files {
        Files::new(&self.store.run_dir(), name.as_str())
    }

    fn read(&self, name: &Name, text: Option<String>, path: &Path) -> Result<Option<NetworkDef>> {
        Ok(text
            .map(|t| self.store.parse(name, path, &t, NetworkDef::parse))
            .transpose()?)
    }

    fn config(&self, name: &Name) -> Result<Option<NetworkDef>> {
        self.read(
            name,
            self.store.read_config(name)?,
            &self.store.config_path(name),
        )
    }

    fn active_def(&self, name: &Name) -> Result<Option<NetworkDef>> {
        self.read(
            name,
            self.store.read_run(name)?,
            &self.store.run_file(name, "xml"),
        )
    }

    fn view(&self, uuid: Uuid, name: &Name) -> Result<Option<View>> {
        self.reconcile(name)?;
        let persistent = self.store.has_config(name);
        let active = self.active_def(name)?;
        Ok((persistent || active.is_some()).then(|| View {
            name: name.clone(),
            uuid,
            active,
            persistent,
        }))
    }

    /// The definition that describes the network now: the live one, else the config.
    fn def(&self, v: &View) -> Result<NetworkDef> {
        match &v.active {
            Some(d) => Ok(d.clone()),
            None => self.config(&v.name)?.ok_or_else(|| no_network(&v.handle())),
        }
    }

    fn get(&self, net: &NetworkRef) -> Result<View> {
        let name = Name::new(&net.name).map_err(|_| no_network(net))?;
        if !self.store.indexed(&net.uuid, &name) {
            return Err(no_network(net));
        }
        self.view(net.uuid, &name)?.ok_or_else(|| no_network(net))
    }

    fn locked(&self, net: &NetworkRef) -> Result<(Lock, View)> {
        let name = Name::new(&net.name).map_err(|_| no_network(net))?;
        let lock = self.store.lock(&name)?;
        Ok((lock, self.get(net)?))
    }

    // ---- the host ----

    fn dirty_path(&self, name: &Name) -> std::path::PathBuf {
        self.store.run_file(name, "dirty")
    }

    /// Finishes what a killed start or stop left: with nobody working on the network, a
    /// `NAME.dirty` file names what may be on the host; unless the network is active, it is
    /// torn down.
    fn reconcile(&self, name: &Name) -> Result<()> {
        let dirty = self.dirty_path(name);
        if !dirty.exists() || self.store.is_locked(name)? {
            return Ok(());
        }
        let _lock = self.store.lock(name)?;
        let Ok(text) = std::fs::read_to_string(&dirty) else {
            return Ok(());
        };
        if self.store.read_run(name)?.is_none() {
            if let Ok(def) = NetworkDef::parse(&text) {
                self.teardown(name, &def)?;
            }
        }
        crate::state::remove(&dirty).map_err(|e| Error::system("cannot remove", &e))
    }

    fn mark_dirty(&self, name: &Name, def: &NetworkDef) -> Result<()> {
        let path = self.dirty_path(name);
        crate::state::write_atomic(&path, def.to_xml().as_bytes())
            .map_err(|e| Error::system(format!("cannot write {}", path.display()), &e))
    }

    /// Builds the network on the host and records it active (its lock held).
    fn build(&self, name: &Name, def: &NetworkDef) -> Result<()> {
        self.mark_dirty(name, def)?;
        let built = self.build_host(name, def);
        if let Err(e) = built {
            let _ = self.teardown(name, def);
            let _ = crate::state::remove(&self.dirty_path(name));
            return Err(e);
        }
        self.store.write_run(name, &def.to_xml())?;
        crate::state::remove(&self.dirty_path(name))
            .map_err(|e| Error::system("cannot remove the network's build mark", &e))
    }

    fn build_host(&self, name: &Name, def: &NetworkDef) -> Result<()> {
        if !def.has_own_bridge() {
            // A host bridge the guests join: it must be there.
            let bridge = bridge_name(def)?;
            if !host::interface_exists(bridge) {
                return Err(Error::internal(format!(
                    "bridge '{bridge}' of network '{}' does not exist",
                    def.name
                )));
            }
            return Ok(());
        }
        let bridge = bridge_name(def)?;
        host::check_route_collision(def)?;
        if let Some(script) = host::firewall(def, bridge) {
            host::apply_firewall(&script, def.mode().is_some())?;
        }
        host::create_bridge(def, bridge)?;
        if dnsmasq::needed(def) {
            let files = self.files(name);
            let write = |path: &Path, text: String| {
                crate::state::write_atomic(path, text.as_bytes())
                    .map_err(|e| Error::system(format!("cannot write {}", path.display()), &e))
            };
            write(&files.conf, dnsmasq::config(def, bridge, &files))?;
            write(&files.hosts, dnsmasq::hostsfile(def))?;
            dnsmasq::start(&files)?;
        }
        Ok(())
    }

    /// Removes from the host whatever of the network is there.
    fn teardown(&self, name: &Name, def: &NetworkDef) -> Result<()> {
        dnsmasq::stop(&self.files(name))?;
        if def.has_own_bridge() {
            if let Some(bridge) = &def.bridge.name {
                host::delete_link(bridge)?;
                // A mode with no rules (open) made no table.
                if host::firewall(def, bridge).is_some() {
                    host::remove_firewall(bridge)?;
                }
            }
        }
        Ok(())
    }

    // ---- definitions ----

    /// The bridge names and MACs the other networks hold, and the host's interfaces.
    fn fill_in(&self, def: &mut NetworkDef) -> Result<()> {
        let mut others = Vec::new();
        for (_, name) in self.store.index()? {
            if name == def.name {
                continue;
            }
            for d in [self.config(&name)?, self.active_def(&name)?]
                .into_iter()
                .flatten()
            {
                others.push(d);
            }
        }
        let taken = |b: &str| others.iter().any(|o| o.bridge.name.as_deref() == Some(b));
        match def.bridge.name.as_deref() {
            Some(b) if taken(b) => {
                return Err(Error::internal(format!(
                    "bridge name '{b}' already in use."
                )));
            }
            Some(_) => {}
            None if def.has_own_bridge() => {
                let free = (0..)
                    .map(|n| format!("virbr{n}"))
                    .find(|b| !taken(b) && !host::interface_exists(b))
                    .expect("a free bridge name");
                def.bridge.name = Some(free);
            }
            None => {}
        }
        if def.has_own_bridge() && def.mac.is_none() {
            let r = Uuid::new_v4();
            let b = r.as_bytes();
            def.mac = Some(Mac([0x52, 0x54, 0x00, b[0], b[1], b[2]]));
        }
        Ok(())
    }

    /// libvirt's duplicate rules for `def`, under the list lock; entries without files go on
    /// the way. Returns whether the network exists already.
    fn check_add(&self, def: &NetworkDef, adding: Adding) -> Result<bool> {
        let (mut by_uuid, mut by_name) = (None, None);
        for (uuid, name) in self.store.index()? {
            let Some(v) = self.view(uuid, &name)? else {
                self.store.remove_index(&uuid, &name)?;
                continue;
            };
            let existing = Existing {
                name: name.to_string(),
                uuid,
                active: v.active.is_some(),
                persistent: v.persistent,
                starting: false,
            };
            if uuid == def.uuid {
                by_uuid = Some(existing.clone());
            }
            if name == def.name {
                by_name = Some(existing);
            }
        }
        rules::check_add(
            Kind::Network,
            def.name.as_str(),
            &def.uuid,
            by_uuid.as_ref(),
            by_name.as_ref(),
            adding,
        )
    }

    /// Removes every file of a network that is no more (both locks held).
    fn forget(&self, v: &View) -> Result<()> {
        self.store.remove_run(&v.name)?;
        let files = self.files(&v.name);
        for f in [
            &files.conf,
            &files.leases,
            &files.hosts,
            &files.log,
            &files.launch,
        ] {
            let _ = std::fs::remove_file(f);
        }
        self.store.remove_index(&v.uuid, &v.name)?;
        Ok(self.store.remove_lock(&v.name)?)
    }

    // ---- what domains ask ----

    /// The bridge a guest interface on network `network` joins; the network must be active.
    pub fn bridge_for_guest(&self, network: &str) -> Result<String> {
        let net = self.network_by_name(network)?;
        let v = self.get(&net)?;
        let def = v.active.ok_or_else(|| {
            Error::operation_invalid(format!("network '{network}' is not active"))
        })?;
        Ok(bridge_name(&def)?.to_string())
    }

    /// The leases of network `network` (none when it has no DHCP server).
    pub fn leases_of(&self, network: &str) -> Result<Vec<DhcpLease>> {
        let net = self.network_by_name(network)?;
        self.network_dhcp_leases(&net, None)
    }

    /// Tells a running dnsmasq to read its host list again.
    fn reload_hosts(&self, name: &Name, def: &NetworkDef) -> Result<()> {
        let files = self.files(name);
        if !dnsmasq::running(&files) {
            return Ok(());
        }
        crate::state::write_atomic(&files.hosts, dnsmasq::hostsfile(def).as_bytes())
            .map_err(|e| Error::system(format!("cannot write {}", files.hosts.display()), &e))?;
        if let Some(pid) = std::fs::read_to_string(&files.pid)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
        {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGHUP,
            );
        }
        Ok(())
    }

    /// Runs `change` on the network's definitions as the metadata and update rules see them,
    /// and writes back what changed.
    fn change<T>(
        &self,
        net: &NetworkRef,
        change: impl FnOnce(&mut NetObject<'_>) -> Result<T>,
    ) -> Result<T> {
        let (_lock, v) = self.locked(net)?;
        let config = self.config(&v.name)?;
        let (mut def, mut next_def) = match (&v.active, config) {
            (Some(live), config) => (live.clone(), config),
            (None, Some(config)) => (config, None),
            (None, None) => return Err(no_network(net)),
        };
        let (old_def, old_next) = (def.clone(), next_def.clone());
        let out = change(&mut NetObject {
            def: &mut def,
            next_def: &mut next_def,
            active: v.active.is_some(),
            persistent: v.persistent,
        })?;
        if v.active.is_some() {
            if def != old_def {
                self.store.write_run(&v.name, &def.to_xml())?;
                self.reload_hosts(&v.name, &def)?;
            }
            if let Some(next) = next_def.filter(|n| Some(n) != old_next.as_ref()) {
                self.store.write_config(&v.name, &next.to_xml())?;
            }
        } else if def != old_def {
            self.store.write_config(&v.name, &def.to_xml())?;
        }
        Ok(out)
    }
}

/// The prefix of the network's address that `addr` is in (0 when none is).
fn prefix_of(ips: &[IpDef], addr: &str) -> u32 {
    let Ok(a) = addr.parse::<IpAddr>() else {
        return 0;
    };
    ips.iter()
        .find(|i| {
            let (net, p) = i.subnet();
            crate::model::network::mask(a, p) == net
        })
        .map_or(0, IpDef::prefix_len)
}

impl NetworkApi for Networks {
    fn list_networks(&self, flags: NetworkListFlags) -> Result<Vec<NetworkRef>> {
        let mut out = Vec::new();
        for (uuid, name) in self.store.index()? {
            let Ok(Some(v)) = self.view(uuid, &name) else {
                continue;
            };
            if flags.admits(v.active.is_some(), v.persistent, || {
                self.store.autostart(&name)
            }) {
                out.push(v.handle());
            }
        }
        Ok(out)
    }
    fn network_by_name(&self, name: &str) -> Result<NetworkRef> {
        let missing = || Error::no_network(format!("no network with matching name '{name}'"));
        let name = Name::new(name).map_err(|_| missing())?;
        let uuid = self.store.uuid_of(&name)?.ok_or_else(missing)?;
        Ok(self.view(uuid, &name)?.ok_or_else(missing)?.handle())
    }
    fn network_by_uuid(&self, uuid: &Uuid) -> Result<NetworkRef> {
        let missing = || Error::no_network(format!("no network with matching uuid '{uuid}'"));
        let name = self.store.uuid_owner(uuid)?.ok_or_else(missing)?;
        Ok(self.view(*uuid, &name)?.ok_or_else(missing)?.handle())
    }
    fn define_network(&self, xml: &str) -> Result<NetworkRef> {
        let mut def = NetworkDef::parse(xml)?;
        let _list = self.store.list_lock()?;
        self.fill_in(&mut def)?;
        if !self.check_add(&def, Adding::Definition)? {
            self.store.add_index(&def.uuid, &def.name)?;
        }
        self.store.write_config(&def.name, &def.to_xml())?;
        Ok(NetworkRef {
            name: def.name.to_string(),
            uuid: def.uuid,
        })
    }
    fn create_network(&self, xml: &str) -> Result<NetworkRef> {
        let mut def = NetworkDef::parse(xml)?;
        let _list = self.store.list_lock()?;
        self.fill_in(&mut def)?;
        let existing = self.check_add(&def, Adding::Live)?;
        let _lock = self.store.lock(&def.name)?;
        if !existing {
            self.store.add_index(&def.uuid, &def.name)?;
        }
        if let Err(e) = self.build(&def.name, &def) {
            if !existing {
                self.store.remove_index(&def.uuid, &def.name)?;
            }
            return Err(e);
        }
        Ok(NetworkRef {
            name: def.name.to_string(),
            uuid: def.uuid,
        })
    }
    fn undefine_network(&self, net: &NetworkRef) -> Result<()> {
        let _list = self.store.list_lock()?;
        let (_lock, v) = self.locked(net)?;
        if !v.persistent {
            return Err(Error::operation_invalid("network is not persistent"));
        }
        self.store.remove_config(&v.name)?;
        if v.active.is_none() {
            self.forget(&v)?;
        }
        Ok(())
    }
    fn start_network(&self, net: &NetworkRef) -> Result<()> {
        let (_lock, v) = self.locked(net)?;
        if v.active.is_some() {
            return Err(Error::operation_invalid("network is already active"));
        }
        let def = self.def(&v)?;
        self.build(&v.name, &def)
    }
    fn destroy_network(&self, net: &NetworkRef) -> Result<()> {
        let _list = self.store.list_lock()?;
        let (_lock, v) = self.locked(net)?;
        let Some(def) = &v.active else {
            return Err(Error::operation_invalid(format!(
                "network '{}' is not active",
                net.name
            )));
        };
        self.mark_dirty(&v.name, def)?;
        self.store.remove_run(&v.name)?;
        self.teardown(&v.name, def)?;
        crate::state::remove(&self.dirty_path(&v.name))
            .map_err(|e| Error::system("cannot remove the network's build mark", &e))?;
        if !v.persistent {
            self.forget(&v)?;
        }
        Ok(())
    }
    fn network_xml(&self, net: &NetworkRef, inactive: bool) -> Result<String> {
        let v = self.get(net)?;
        let def = match (inactive && v.persistent, &v.active) {
            (false, Some(live)) => live.clone(),
            _ => self.config(&v.name)?.ok_or_else(|| no_network(net))?,
        };
        Ok(def.to_xml())
    }
    fn network_bridge(&self, net: &NetworkRef) -> Result<String> {
        let v = self.get(net)?;
        Ok(bridge_name(&self.def(&v)?)?.to_string())
    }
    fn network_autostart(&self, net: &NetworkRef) -> Result<bool> {
        let v = self.get(net)?;
        Ok(self.store.autostart(&v.name))
    }
    fn set_network_autostart(&self, net: &NetworkRef, on: bool) -> Result<()> {
        let (_lock, v) = self.locked(net)?;
        if !v.persistent {
            return Err(Error::operation_invalid(
                "cannot set autostart for transient network",
            ));
        }
        Ok(self.store.set_autostart(&v.name, on)?)
    }
    fn network_is_active(&self, net: &NetworkRef) -> Result<bool> {
        Ok(self.get(net)?.active.is_some())
    }
    fn network_is_persistent(&self, net: &NetworkRef) -> Result<bool> {
        Ok(self.get(net)?.persistent)
    }
    fn network_metadata(
        &self,
        net: &NetworkRef,
        kind: NetMetadata<'_>,
        flags: ModifyFlags,
    ) -> Result<Option<String>> {
        self.change(net, |o| metadata(o, kind, flags))
    }
    fn set_network_metadata(
        &self,
        net: &NetworkRef,
        kind: NetMetadata<'_>,
        value: Option<&str>,
        key: Option<&str>,
        flags: ModifyFlags,
    ) -> Result<()> {
        self.change(net, |o| set_metadata(o, kind, value, key, flags))
    }
    fn update_network(&self, net: &NetworkRef, update: &NetworkUpdate) -> Result<()> {
        self.change(net, |o| apply_update(o, update))
    }
    fn network_dhcp_leases(&self, net: &NetworkRef, mac: Option<&str>) -> Result<Vec<DhcpLease>> {
        let v = self.get(net)?;
        let Some(def) = &v.active else {
            return Err(Error::operation_invalid(format!(
                "network '{}' is not active",
                net.name
            )));
        };
        let bridge = def.bridge.name.clone().unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let wanted = mac.and_then(Mac::parse);
        Ok(
            dnsmasq::leases(&self.files(&v.name), &bridge, |a| prefix_of(&def.ips, a))
                .into_iter()
                // An expired lease is no lease (0: infinite).
                .filter(|l| l.expiry_time == 0 || l.expiry_time > now)
                .filter(|l| wanted.is_none() || l.mac.as_deref().and_then(Mac::parse) == wanted)
                .collect(),
        )
    }
}
