//! The test driver's domains: libvirt's object-list rules (define, create, undefine and their
//! duplicate checks) and the simulated lifecycle.

use std::time::{SystemTime, UNIX_EPOCH};

use super::{Domain, TestState};
use crate::driver::moments::MomentTree;
use crate::driver::prelude::*;
use crate::model::domain::{Address, Controller};
use crate::model::{DomainDef, Name};
use crate::rules::{self, Adding, Existing, Kind};

impl Domain {
    pub(super) fn handle(&self) -> DomainRef {
        DomainRef {
            name: self.def.name.to_string(),
            uuid: self.def.uuid,
            id: self.id,
        }
    }
}

/// What libvirt's test driver fills in after parsing: the default arch, disk buses and drive
/// addresses, and the controllers those addresses imply.
pub(super) fn post_parse(def: &mut DomainDef) {
    if def.os.arch.is_none() {
        def.os.arch = Some("i686".into());
    }
    let devices = &mut def.devices;
    for disk in &mut devices.disks {
        if disk.target_bus.is_none() {
            let bus = match &disk.target_dev[..2.min(disk.target_dev.len())] {
                "hd" => "ide",
                "sd" => "scsi",
                "vd" => "virtio",
                "fd" => "fdc",
                _ => "ide",
            };
            disk.target_bus = Some(bus.into());
        }
        let bus = disk.target_bus.clone().unwrap_or_default();
        if disk.address.is_none() && matches!(bus.as_str(), "ide" | "fdc" | "scsi" | "sata") {
            let index = disk_index(&disk.target_dev);
            let (bus_no, unit) = match bus.as_str() {
                "ide" => (index / 2, index % 2),
                "fdc" => (0, index),
                _ => (0, index),
            };
            disk.address = Some(Address {
                kind: "drive".into(),
                controller: Some("0".into()),
                bus: Some(bus_no.to_string()),
                target: Some("0".into()),
                unit: Some(unit.to_string()),
                ..Address::default()
            });
            let kind = bus.as_str();
            if !devices
                .controllers
                .iter()
                .any(|c| c.kind == kind && c.index == 0)
            {
                devices.controllers.push(Controller {
                    kind: kind.into(),
                    index: 0,
                    model: None,
                    address: None,
                    alias: None,
                    extra: Default::default(),
                });
            }
        }
    }
    const ORDER: [&str; 10] = [
        "ide",
        "fdc",
        "scsi",
        "sata",
        "virtio-serial",
        "ccid",
        "usb",
        "pci",
        "xenbus",
        "isa",
    ];
    let rank = |c: &Controller| {
        ORDER
            .iter()
            .position(|k| *k == c.kind)
            .unwrap_or(ORDER.len())
    };
    devices.controllers.sort_by_key(|c| (rank(c), c.index));
}

/// Interface device names for those the XML leaves unnamed (`testDomainGenerateIfnames`:
/// libvirt names them where a domain is added, not where a save image is read).
pub(super) fn generate_ifnames(def: &mut DomainDef) {
    for (i, iface) in def.devices.interfaces.iter_mut().enumerate() {
        if iface.target_dev.is_none() {
            iface.target_dev = Some(format!("testnet{i}"));
        }
    }
}

/// What libvirt reports about a running domain's configuration, in its order: taints, then
/// the details of deprecated settings. (`Deprecated-Test` is the test driver's deprecated CPU.)
pub(super) fn taints(def: &DomainDef) -> Vec<String> {
    let devices = &def.devices;
    let deprecated_cpu = def
        .cpu
        .as_ref()
        .and_then(|c| c.model.as_deref())
        .filter(|m| *m == "Deprecated-Test");
    let taints = [
        (
            devices.disks.iter().any(|d| d.rawio),
            "running with undesirable elevated privileges",
        ),
        (
            devices.interfaces.iter().any(|i| i.script.is_some()),
            "network configuration using opaque shell scripts",
        ),
        (
            devices.disks.iter().any(|d| {
                d.device == "cdrom"
                    && matches!(d.source, crate::model::domain::DiskSource::Block(_))
            }),
            "use of host cdrom passthrough",
        ),
        (def.os.dtb.is_some(), "custom device tree blob used"),
        (
            deprecated_cpu.is_some(),
            "use of deprecated configuration settings",
        ),
    ];
    let mut out: Vec<String> = taints
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, t)| format!("tainted: {t}"))
        .collect();
    if let Some(model) = deprecated_cpu {
        out.push(format!("deprecated configuration: CPU model {model}"));
    }
    out
}

/// The index a target name encodes: `hda` 0, `hdc` 2, `sdaa` 26.
fn disk_index(dev: &str) -> u32 {
    let letters = dev.get(2..).unwrap_or_default();
    letters
        .bytes()
        .filter(|b| b.is_ascii_lowercase())
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'a') + 1)
        .saturating_sub(1)
}

/// The test hypervisor's vcpu limit (`virConnectGetMaxVcpus`).
const MAX_VCPUS: u32 = 32;

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

fn not_running(name: &str) -> Error {
    Error::internal(format!("domain '{name}' not running"))
}

impl TestState {
    pub(super) fn index(&self, dom: &DomainRef) -> Result<usize> {
        super::position(&self.domains, |d| d.def.uuid, &dom.uuid)
            .ok_or_else(|| Kind::Domain.not_found(&dom.uuid, Some(&dom.name)))
    }

    pub(super) fn get(&self, dom: &DomainRef) -> Result<&Domain> {
        let i = self.index(dom)?;
        Ok(&self.domains[i])
    }

    pub(super) fn get_mut(&mut self, dom: &DomainRef) -> Result<&mut Domain> {
        let i = self.index(dom)?;
        Ok(&mut self.domains[i])
    }

    pub(super) fn list_domains(&self, flags: DomainListFlags) -> Vec<DomainRef> {
        self.domains
            .iter()
            .filter(|d| {
                flags.admits_saved(&d.state, d.persistent, || d.autostart, d.managed_save)
                    && flags.admits_moments(!d.snapshots.is_empty(), !d.checkpoints.is_empty())
            })
            .map(Domain::handle)
            .collect()
    }

    /// libvirt's duplicate rules: the index of the domain a definition may replace, or why
    /// it may not.
    fn find_duplicate(&self, def: &DomainDef, adding: Adding) -> Result<Option<usize>> {
        let existing = |d: &Domain| Existing {
            name: d.def.name.to_string(),
            uuid: d.def.uuid,
            active: d.state.is_active(),
            persistent: d.persistent,
            starting: false,
        };
        let at = self.domains.iter().position(|d| d.def.uuid == def.uuid);
        let by_uuid = at.map(|i| existing(&self.domains[i]));
        let by_name = self
            .domains
            .iter()
            .find(|d| d.def.name == def.name)
            .map(existing);
        let reuse = rules::check_add(
            Kind::Domain,
            def.name.as_str(),
            &def.uuid,
            by_uuid.as_ref(),
            by_name.as_ref(),
            adding,
        )?;
        Ok(at.filter(|_| reuse))
    }

    pub(super) fn define(&mut self, mut def: DomainDef) -> Result<DomainRef> {
        post_parse(&mut def);
        generate_ifnames(&mut def);
        match self.find_duplicate(&def, Adding::Definition)? {
            Some(i) => {
                let d = &mut self.domains[i];
                if d.state.is_active() {
                    d.next_def = Some(def);
                } else {
                    d.def = def;
                }
                d.persistent = true;
                Ok(d.handle())
            }
            None => {
                let d = Domain {
                    def,
                    next_def: None,
                    id: None,
                    state: State::Shutoff(ShutoffReason::Unknown),
                    persistent: true,
                    autostart: false,
                    snapshots: MomentTree::default(),
                    checkpoints: MomentTree::default(),
                    managed_save: false,
                };
                let handle = d.handle();
                self.domains.push(d);
                Ok(handle)
            }
        }
    }

    pub(super) fn create(&mut self, mut def: DomainDef) -> Result<DomainRef> {
        post_parse(&mut def);
        generate_ifnames(&mut def);
        self.add_live(def, RunningReason::Booted)
    }

    /// A definition added as a running domain (created, or restored from an image): an
    /// inactive persistent domain of that name and UUID runs it as its live definition, else
    /// it is a new transient domain.
    pub(super) fn add_live(&mut self, def: DomainDef, reason: RunningReason) -> Result<DomainRef> {
        let i = match self.find_duplicate(&def, Adding::Live)? {
            Some(i) => {
                let d = &mut self.domains[i];
                let persistent = std::mem::replace(&mut d.def, def);
                d.next_def = Some(persistent);
                i
            }
            None => {
                self.domains.push(Domain {
                    def,
                    next_def: None,
                    id: None,
                    state: State::Shutoff(ShutoffReason::Unknown),
                    persistent: false,
                    autostart: false,
                    snapshots: MomentTree::default(),
                    checkpoints: MomentTree::default(),
                    managed_save: false,
                });
                self.domains.len() - 1
            }
        };
        self.boot(i, reason);
        Ok(self.domains[i].handle())
    }

    /// The domain runs, under a new id; a managed save it had is gone (libvirt's
    /// `testDomainStartState`: a start here is a fresh boot).
    pub(super) fn boot(&mut self, i: usize, reason: RunningReason) {
        let id = self.next_id;
        self.next_id += 1;
        let d = &mut self.domains[i];
        d.id = Some(id);
        d.state = State::Running(reason);
        d.managed_save = false;
    }

    /// The domain stops, taking back its next-boot definition; a transient one stays listed
    /// (libvirt's `testDomainShutdownState`: its callers remove it when they should).
    pub(super) fn shut_off(&mut self, i: usize, reason: ShutoffReason) {
        let d = &mut self.domains[i];
        d.state = State::Shutoff(reason);
        d.id = None;
        if let Some(next) = d.next_def.take() {
            d.def = next;
        }
    }

    pub(super) fn start(&mut self, dom: &DomainRef) -> Result<()> {
        let i = self.index(dom)?;
        if self.domains[i].state.is_active() {
            return Err(Error::operation_invalid("domain is already running"));
        }
        self.boot(i, RunningReason::Booted);
        Ok(())
    }

    /// Shutdown and destroy: the domain stops; a transient one disappears, a persistent one
    /// takes back its next-boot definition.
    pub(super) fn stop(&mut self, dom: &DomainRef, reason: ShutoffReason) -> Result<()> {
        let i = self.index(dom)?;
        let d = &mut self.domains[i];
        if !d.state.is_active() {
            return Err(match reason {
                ShutoffReason::Destroyed => Error::operation_invalid("domain is not running"),
                _ => not_running(d.def.name.as_str()),
            });
        }
        if !d.persistent {
            self.domains.remove(i);
            return Ok(());
        }
        self.shut_off(i, reason);
        Ok(())
    }

    pub(super) fn reboot(&mut self, dom: &DomainRef, reason: RunningReason) -> Result<()> {
        let d = self.get_mut(dom)?;
        if !d.state.is_active() {
            return Err(not_running(d.def.name.as_str()));
        }
        d.state = State::Running(reason);
        Ok(())
    }

    pub(super) fn suspend(&mut self, dom: &DomainRef) -> Result<()> {
        let d = self.get_mut(dom)?;
        if !matches!(d.state, State::Running(_)) {
            return Err(not_running(d.def.name.as_str()));
        }
        d.state = State::Paused(PausedReason::User);
        Ok(())
    }

    pub(super) fn resume(&mut self, dom: &DomainRef) -> Result<()> {
        let d = self.get_mut(dom)?;
        if !matches!(d.state, State::Paused(_)) {
            return Err(Error::internal(format!(
                "domain '{}' not paused",
                d.def.name
            )));
        }
        d.state = State::Running(RunningReason::Unpaused);
        Ok(())
    }

    /// libvirt's `testDomainUndefineFlags`: a managed save goes only with `MANAGED_SAVE`, an
    /// inactive domain with snapshots only with their metadata (`SNAPSHOTS_METADATA`);
    /// checkpoints go with it unasked.
    pub(super) fn undefine(&mut self, dom: &DomainRef, flags: UndefineFlags) -> Result<()> {
        type F = UndefineFlags;
        Error::check_flags(
            flags.0,
            (F::MANAGED_SAVE | F::SNAPSHOTS_METADATA).0,
            "testDomainUndefineFlags",
        )?;
        let i = self.index(dom)?;
        let d = &mut self.domains[i];
        if d.managed_save && !flags.has(F::MANAGED_SAVE) {
            return Err(Error::operation_invalid(
                "Refusing to undefine while domain managed save image exists",
            ));
        }
        let snapshots = d.snapshots.len();
        if !d.state.is_active() && snapshots > 0 && !flags.has(F::SNAPSHOTS_METADATA) {
            return Err(Error::operation_invalid(format!(
                "cannot delete inactive domain with {snapshots} snapshots"
            )));
        }
        d.managed_save = false;
        // libvirt's test driver lets a running transient domain be "undefined": a no-op.
        if d.state.is_active() {
            d.persistent = false;
            d.autostart = false;
            d.next_def = None;
        } else {
            self.domains.remove(i);
        }
        Ok(())
    }

    pub(super) fn info(&self, dom: &DomainRef) -> Result<DomainInfo> {
        let d = self.get(dom)?;
        Ok(DomainInfo {
            state: d.state,
            max_mem_kib: d.def.memory_kib,
            memory_kib: d.def.current_memory_kib,
            nr_virt_cpu: d.def.vcpu.online(),
            cpu_time_ns: now_ns(),
        })
    }

    /// The definitions a change touches: the live one, the persistent one, or both.
    fn targets(d: &mut Domain, flags: ModifyFlags) -> Result<Vec<&mut DomainDef>> {
        let active = d.state.is_active();
        let live = flags.has(ModifyFlags::LIVE) || !flags.has(ModifyFlags::CONFIG) && active;
        let config = flags.has(ModifyFlags::CONFIG) || !flags.has(ModifyFlags::LIVE) && !active;
        if live && !active {
            return Err(Error::operation_invalid("domain is not running"));
        }
        if config && !d.persistent {
            return Err(Error::operation_invalid(
                "cannot change persistent config of a transient domain",
            ));
        }
        if config && active && d.next_def.is_none() {
            d.next_def = Some(d.def.clone());
        }
        let mut out = Vec::new();
        if live || d.next_def.is_none() {
            out.push(&mut d.def);
        }
        if config {
            if let Some(next) = d.next_def.as_mut() {
                out.push(next);
            }
        }
        Ok(out)
    }

    pub(super) fn set_memory(
        &mut self,
        dom: &DomainRef,
        kib: u64,
        flags: ModifyFlags,
    ) -> Result<()> {
        let d = self.get_mut(dom)?;
        if flags.has(ModifyFlags::MAXIMUM) {
            let live = flags.has(ModifyFlags::LIVE) || !flags.has(ModifyFlags::CONFIG);
            if live && d.state.is_active() {
                return Err(Error::operation_invalid(
                    "cannot resize the maximum memory on an active domain",
                ));
            }
            for def in Self::targets(d, flags & !ModifyFlags::MAXIMUM)? {
                def.memory_kib = kib;
                def.current_memory_kib = def.current_memory_kib.min(kib);
            }
            return Ok(());
        }
        for def in Self::targets(d, flags)? {
            if kib > def.memory_kib {
                return Err(Error::invalid_arg(
                    "cannot set memory higher than max memory",
                ));
            }
            def.current_memory_kib = kib;
        }
        Ok(())
    }

    pub(super) fn set_vcpus(
        &mut self,
        dom: &DomainRef,
        count: u32,
        flags: ModifyFlags,
    ) -> Result<()> {
        if count > MAX_VCPUS {
            return Err(Error::invalid_arg(format!(
                "requested cpu amount exceeds maximum supported amount ({count} > {MAX_VCPUS})"
            )));
        }
        let d = self.get_mut(dom)?;
        let maximum = flags.has(ModifyFlags::MAXIMUM);
        for def in Self::targets(d, flags & !ModifyFlags::MAXIMUM)? {
            if maximum {
                def.vcpu.current = Some(def.vcpu.online().min(count)).filter(|&c| c != count);
                def.vcpu.max = count;
                continue;
            }
            if count > def.vcpu.max {
                return Err(Error::invalid_arg(format!(
                    "requested cpu amount exceeds maximum ({count} > {})",
                    def.vcpu.max
                )));
            }
            def.vcpu.current = (count != def.vcpu.max).then_some(count);
        }
        Ok(())
    }

    pub(super) fn rename(&mut self, dom: &DomainRef, new_name: &str) -> Result<()> {
        let name = Name::new(new_name).map_err(Error::invalid_arg)?;
        if self.domains.iter().any(|d| d.def.name == name) {
            return Err(Error::operation_invalid(format!(
                "domain with name '{new_name}' already exists"
            )));
        }
        let d = self.get_mut(dom)?;
        if d.state.is_active() {
            return Err(Error::operation_invalid("cannot rename active domain"));
        }
        if !d.persistent {
            return Err(Error::operation_invalid("cannot rename a transient domain"));
        }
        d.def.name = name;
        Ok(())
    }

    pub(super) fn metadata(
        &mut self,
        dom: &DomainRef,
        kind: MetadataKind,
        flags: ModifyFlags,
    ) -> Result<Option<String>> {
        let d = self.get_mut(dom)?;
        let def = if flags.has(ModifyFlags::CONFIG) {
            d.next_def.as_ref().unwrap_or(&d.def)
        } else {
            &d.def
        };
        Ok(match kind {
            MetadataKind::Description => def.description.clone(),
            MetadataKind::Title => def.title.clone(),
        })
    }

    pub(super) fn set_metadata(
        &mut self,
        dom: &DomainRef,
        kind: MetadataKind,
        value: Option<&str>,
        flags: ModifyFlags,
    ) -> Result<()> {
        let d = self.get_mut(dom)?;
        for def in Self::targets(d, flags)? {
            let slot = match kind {
                MetadataKind::Description => &mut def.description,
                MetadataKind::Title => &mut def.title,
            };
            *slot = value.filter(|v| !v.is_empty()).map(String::from);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_indexes() {
        assert_eq!(disk_index("hda"), 0);
        assert_eq!(disk_index("hdc"), 2);
        assert_eq!(disk_index("sdb"), 1);
        assert_eq!(disk_index("vdaa"), 26);
    }
}
