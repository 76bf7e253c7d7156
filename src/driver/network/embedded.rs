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

use super::checks;
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

/// The last id a bridge name template is tried with (libvirt's `MAX_BRIDGE_ID`).
const MAX_BRIDGE_ID: u32 = 256;

/// A MAC in QEMU's range for a network's bridge, as libvirt makes one.
fn random_mac() -> Mac {
    let r = Uuid::new_v4();
    let b = r.as_bytes();
    Mac([0x52, 0x54, 0x00, b[0], b[1], b[2]])
}

fn no_network(net: &NetworkRef) -> Error {
    Kind::Network.not_found(&net.uuid, Some(&net.name))
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
        if !self.dirty_path(name).exists() || self.store.is_locked(name)? {
            return Ok(());
        }
        let _lock = self.store.lock(name)?;
        self.finish_leftover(name)
    }

    /// With the network's lock held: tears down what a killed start or stop left (its
    /// `NAME.dirty` file), unless the network is active.
    fn finish_leftover(&self, name: &Name) -> Result<()> {
        let dirty = self.dirty_path(name);
        let Ok(text) = crate::sys::read_capped(&dirty, crate::sys::XML_FILE_MAX) else {
            return Ok(());
        };
        if self.store.read_run(name)?.is_none() {
            if let Ok(def) = NetworkDef::parse(&String::from_utf8_lossy(&text)) {
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

    /// Builds the network on the host and records it active (its lock held). Nothing is
    /// touched before every check has passed; what a failed build made is removed, and only
    /// that (the teardown leaves an interface or table that is not the network's).
    fn build(&self, name: &Name, def: &NetworkDef) -> Result<()> {
        self.finish_leftover(name)?;
        let mut def = def.clone();
        if def.has_own_bridge() {
            let bridge = bridge_name(&def)?;
            checks::check_definition(&def)?;
            checks::check_start(&def, bridge)?;
            host::check_route_collision(&def)?;
            // The MAC marks the bridge as this network's.
            def.mac.get_or_insert_with(random_mac);
        }
        let def = &def;
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
            checks::interface_name("bridge name", bridge, &format!("network '{}'", def.name))?;
            if !host::interface_exists(bridge)? {
                return Err(Error::internal(format!(
                    "bridge '{bridge}' of network '{}' does not exist",
                    def.name
                )));
            }
            return Ok(());
        }
        let bridge = bridge_name(def)?;
        // The bridge first: a name the host has already fails here, with nothing made.
        host::create_bridge(def, bridge)?;
        host::apply_firewall(def, bridge)?;
        if dnsmasq::needed(def) {
            let files = self.files(name);
            let write = |path: &Path, text: String| {
                crate::state::write_atomic(path, text.as_bytes())
                    .map_err(|e| Error::system(format!("cannot write {}", path.display()), &e))
            };
            write(&files.conf, dnsmasq::config(def, bridge, &files)?)?;
            write(&files.hosts, dnsmasq::hostsfile(def))?;
            write(&files.addn_hosts, dnsmasq::addn_hosts(def))?;
            dnsmasq::start(&files)?;
        }
        Ok(())
    }

    /// Removes from the host whatever of the network is there.
    /// Every part is tried whatever the others do; the first failure is reported.
    fn teardown(&self, name: &Name, def: &NetworkDef) -> Result<()> {
        let stopped = dnsmasq::stop(&self.files(name));
        let removed = match (def.has_own_bridge(), &def.bridge.name) {
            (true, Some(bridge)) => host::remove_network(def, bridge),
            _ => Ok(()),
        };
        stopped.and(removed)
    }

    // ---- definitions ----

    /// What libvirt's network driver settles at define and create (`networkValidate`): the
    /// bridge name (a free `virbrN`, or one from a template such as `hx%d`, as
    /// `networkFindUnusedBridgeName`; a given name must not be another network's) and the
    /// bridge's MAC; then what virtsh refuses before a value reaches the host.
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
        let template = match def.bridge.name.as_deref() {
            Some(b) if b.matches('%').count() == 1 && b.contains("%d") => Some(b.to_string()),
            Some(b) if taken(b) => {
                return Err(Error::internal(format!(
                    "bridge name '{b}' already in use."
                )));
            }
            Some(_) => None,
            None if def.has_own_bridge() => Some("virbr%d".to_string()),
            None => None,
        };
        if let Some(template) = template {
            let mut free = None;
            for id in 0..=MAX_BRIDGE_ID {
                let candidate = template.replace("%d", &id.to_string());
                // A template that makes no valid name is refused as the name it makes.
                checks::interface_name(
                    "bridge name",
                    &candidate,
                    &format!("network '{}'", def.name),
                )?;
                if !taken(&candidate) && !host::interface_exists(&candidate)? {
                    free = Some(candidate);
                    break;
                }
            }
            def.bridge.name = Some(free.ok_or_else(|| {
                Error::internal(format!("Bridge generation exceeded max id {MAX_BRIDGE_ID}"))
            })?);
        }
        if def.has_own_bridge() && def.mac.is_none() {
            def.mac = Some(random_mac());
        }
        checks::check_definition(def)
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
        for f in files.all() {
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
        for (path, text) in [
            (&files.hosts, dnsmasq::hostsfile(def)),
            (&files.addn_hosts, dnsmasq::addn_hosts(def)),
        ] {
            crate::state::write_atomic(path, text.as_bytes())
                .map_err(|e| Error::system(format!("cannot write {}", path.display()), &e))?;
        }
        if let Some(pid) = dnsmasq::pid_of(&files) {
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
        // `net-update` reaches dnsmasq's files as a definition does.
        for d in std::iter::once(&def).chain(next_def.iter()) {
            checks::check_definition(d)?;
        }
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
        .filter_map(IpDef::subnet)
        .find(|(net, p)| crate::model::network::mask(a, *p) == *net)
        .map_or(0, |(_, p)| p)
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
        let missing = || Kind::Network.not_named(name);
        let (uuid, name) = self.store.by_name(name)?.ok_or_else(missing)?;
        Ok(self.view(uuid, &name)?.ok_or_else(missing)?.handle())
    }
    fn network_by_uuid(&self, uuid: &Uuid) -> Result<NetworkRef> {
        let missing = || Kind::Network.not_found(uuid, None);
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
