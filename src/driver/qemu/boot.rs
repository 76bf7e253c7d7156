//! Starting the embedded QEMU driver's domains: a new live domain admitted under the list
//! lock (`create`, `restore`), a defined one started under its lock (from its managed save
//! image unless booted afresh), and the boot itself: QEMU launched with its CPUs stopped, set
//! up over QMP (the balloon, the display's port, the taps on their bridges, a save image's
//! stream loaded), let run unless it is to stay paused, and its status recorded. A start that
//! fails leaves no QEMU and the domain as it was.

use std::time::Duration;

use super::checks;
use super::cmdline;
use super::domains::no_domain;
use super::domains::Domains;
use super::process;
use super::qmp::qmp_failed;
use super::store::{starting, Status, StatusBrief};
use crate::driver::prelude::*;
use crate::model::{DomainDef, Name};
use crate::rules::Adding;
use crate::state::Lock;

impl Domains<'_> {
    /// How `create` and `restore` begin: `def` completed and checked, added (or an inactive
    /// persistent domain of its name reused) under the list lock, and marked starting under
    /// its own lock, which is returned held once the list lock is let go.
    pub(in crate::driver::qemu) fn admit_live(&self, def: &mut DomainDef) -> Result<(Name, Lock)> {
        checks::fill_defaults(def);
        checks::check(def)?;
        checks::check_start(def)?;
        let name = def.name.clone();
        let list = self.store.list_lock()?;
        let reuse = self.check_add(def, Adding::Live)?;
        let lock = self.store.lock(&name)?;
        self.store.write_status(&name, &starting(def.clone()))?;
        if !reuse {
            self.store.add_index(&def.uuid, &name)?;
        }
        drop(list);
        Ok((name, lock))
    }

    /// `create`: add (or reuse an inactive persistent) domain under the list lock, mark it
    /// starting under its own lock, let go of the list lock, and boot it.
    pub fn create(&self, mut def: DomainDef, flags: StartFlags) -> Result<DomainRef> {
        let (name, lock) = self.admit_live(&mut def)?;
        let handle = |id| DomainRef {
            name: name.to_string(),
            uuid: def.uuid,
            id: Some(id),
        };
        match self.boot(&name, def.clone(), flags) {
            Ok(id) => Ok(handle(id)),
            Err(e) => {
                self.failed_start(&name, lock)?;
                Err(e)
            }
        }
    }

    /// `start` of an inactive persistent domain, under its lock.
    pub fn start(&self, dom: &DomainRef, flags: StartFlags) -> Result<()> {
        type F = StartFlags;
        let known = F::PAUSED | F::AUTODESTROY | F::BYPASS_CACHE | F::FORCE_BOOT | F::RESET_NVRAM;
        flags.check(known, "qemuDomainCreateWithFlags")?;
        let (lock, o) = self.lock_one(dom)?;
        // A QEMU whose status is unreadable runs all the same: it is not started twice.
        if o.state.is_active() || process::running(&self.paths(&o.name)) {
            return Err(Error::operation_invalid("domain is already running"));
        }
        // A managed save image is what the domain starts from, unless booting afresh.
        let managed = super::saves::managed_path(self.store.root(), &o.name);
        if flags.has(F::FORCE_BOOT) {
            if let Err(e) = std::fs::remove_file(&managed) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    let shown = managed.display();
                    return Err(Error::system(
                        format!("cannot remove managed save file {shown}"),
                        &e,
                    ));
                }
            }
        } else if managed.exists() {
            match self.start_managed(&o.name, &o.uuid, flags) {
                Ok(Some(())) => return Ok(()),
                Ok(None) => {}
                Err(e) => {
                    self.failed_start(&o.name, lock)?;
                    return Err(e);
                }
            }
        }
        let def = self
            .store
            .read_def(&o.name)?
            .ok_or_else(|| no_domain(dom))?;
        self.store.write_status(&o.name, &starting(def.clone()))?;
        match self.boot(&o.name, def, flags) {
            Ok(_) => Ok(()),
            Err(e) => {
                self.failed_start(&o.name, lock)?;
                Err(e)
            }
        }
    }

    /// After a failed boot, with the domain's lock held: its QEMU is stopped before the lock
    /// goes; then the domain is settled as any other whose start died (a transient one is
    /// removed under both locks, taken in order).
    pub(in crate::driver::qemu) fn failed_start(&self, name: &Name, lock: Lock) -> Result<()> {
        process::stop(&self.paths(name))?;
        self.release(name, lock)
    }

    /// Lets go of a domain's lock and settles it under both locks, taken in order: a
    /// transient domain whose QEMU is gone is removed.
    pub(in crate::driver::qemu) fn release(&self, name: &Name, lock: Lock) -> Result<()> {
        drop(lock);
        let Some(uuid) = self.store.uuid_of(name)? else {
            return Ok(());
        };
        let _list = self.store.list_lock()?;
        let _lock = self.store.lock(name)?;
        self.settle(uuid, name, true).map(drop)
    }

    /// Launches QEMU for a domain marked starting (its lock held), sets it up with its CPUs
    /// stopped (the balloon target, the VNC port it got) and lets it run unless it is to
    /// start paused; returns its id.
    pub(in crate::driver::qemu) fn boot(
        &self,
        name: &Name,
        def: DomainDef,
        flags: StartFlags,
    ) -> Result<u32> {
        self.boot_as(name, def, flags, None)
    }

    /// [`Domains::boot`] of a domain that loads a save image's stream first (QEMU started
    /// with `-incoming defer`): it runs `running (restored)`, or stays `paused (migrating)`.
    pub(in crate::driver::qemu) fn boot_restoring(
        &self,
        name: &Name,
        def: DomainDef,
        image: &super::saves::Incoming<'_>,
        paused: bool,
    ) -> Result<u32> {
        let flags = StartFlags::from_options([(paused, StartFlags::PAUSED)]);
        self.boot_as(name, def, flags, Some(image))
    }

    fn boot_as(
        &self,
        name: &Name,
        mut def: DomainDef,
        flags: StartFlags,
        incoming: Option<&super::saves::Incoming<'_>>,
    ) -> Result<u32> {
        checks::check_start(&def)?;
        let taps = super::nics::plan(&mut def, self.networks)?;
        let emulator = cmdline::emulator(&def)?;
        let paths = self.paths(name);
        let volumes = |pool: &str, vol: &str| self.storage.volume_path(pool, vol);
        let tied = flags.has(StartFlags::AUTODESTROY);
        let mut args = cmdline::build(&def, &paths, &volumes, !tied)?;
        if incoming.is_some() {
            args.extend(["-incoming".to_string(), "defer".to_string()]);
        }
        let how = process::Launch {
            emulator: &emulator,
            args: &args,
            env: cmdline::environment(&def),
            tied,
        };
        super::nics::start_passt(&def, &paths.dir)?;
        let pid = process::launch(how, &paths).inspect_err(|_| {
            super::nics::stop_passt(&def, &paths.dir);
        })?;
        let paused = flags.has(StartFlags::PAUSED);
        // The taps go on their bridges before the guest's CPUs run.
        let set_up = super::nics::attach(&taps).and_then(|()| {
            paths
                .monitor(Duration::from_secs(5))
                .and_then(|mut qmp| {
                    if def
                        .devices
                        .memballoon
                        .as_ref()
                        .is_some_and(|m| m.model != "none")
                    {
                        qmp.balloon(def.current_memory_kib * 1024)?;
                    }
                    if let Some(g) = def.devices.graphics.first_mut() {
                        g.port = qmp.vnc_port()?;
                        g.listen.get_or_insert_with(|| "127.0.0.1".into());
                    }
                    super::live::complete(&mut qmp, &mut def)?;
                    super::hotplug::set_links(&mut qmp, &def)?;
                    Ok(qmp)
                })
                .map_err(qmp_failed)
                .and_then(|mut qmp| {
                    if let Some(image) = incoming {
                        super::saves::load(&mut qmp, image)?;
                    }
                    if !paused {
                        qmp.cont().map_err(qmp_failed)?;
                    }
                    Ok(())
                })
        });
        let state = match (paused, incoming.is_some()) {
            (true, false) => State::Paused(PausedReason::User),
            (false, false) => State::Running(RunningReason::Booted),
            (true, true) => State::Paused(PausedReason::Migration),
            (false, true) => State::Running(RunningReason::Restored),
        };
        let recorded = set_up.and_then(|()| {
            let ids = self.ids_in_use()?;
            let id = self.store.next_id(&ids)?;
            let brief = StatusBrief {
                state,
                pid: Some(pid),
                id: Some(id),
                autodestroy: tied,
                rebooting: false,
            };
            let status = Status {
                brief,
                live: Some(def),
            };
            self.store.write_status(name, &status)?;
            Ok(id)
        });
        if recorded.is_err() {
            let _ = process::stop(&paths);
        }
        recorded
    }
}
