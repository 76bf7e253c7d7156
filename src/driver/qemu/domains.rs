//! The embedded QEMU driver's domains: duplicate checks and writes in one critical section
//! under the list lock, lifecycle operations under each domain's lock, and reconciliation of
//! what a crash left behind (a status file whose QEMU is gone, a start that never finished).

use std::time::Duration;

use super::cmdline;
use super::process;
use super::qmp::Qmp;
use super::store::{Status, StatusBrief, Store};
use crate::driver::prelude::*;
use crate::model::{DomainDef, Name};

/// A domain's state as its status header records it.
pub struct Brief {
    pub state: State,
    pub id: Option<u32>,
    pub persistent: bool,
}

/// A domain as it is now.
pub struct View {
    pub name: Name,
    pub uuid: uuid::Uuid,
    pub state: State,
    pub id: Option<u32>,
    pub pid: Option<u32>,
    pub persistent: bool,
    /// The live definition when active, else the persistent one.
    pub def: DomainDef,
}

impl View {
    pub fn handle(&self) -> DomainRef {
        DomainRef {
            name: self.name.to_string(),
            uuid: self.uuid,
            id: self.id,
        }
    }
}

pub(super) fn io(e: std::io::Error) -> Error {
    Error::new(
        ErrorCode::SystemError,
        format!("cannot access the virtsh state: {e}"),
    )
}

fn no_domain(dom: &DomainRef) -> Error {
    Error::no_domain(format!(
        "no domain with matching uuid '{}' ({})",
        dom.uuid, dom.name
    ))
}

/// A status file for a domain that is starting (its QEMU not yet answering).
fn starting(persistent: bool, live: DomainDef) -> Status {
    Status {
        state: State::Paused(PausedReason::StartingUp),
        pid: None,
        id: None,
        persistent,
        live: Some(live),
    }
}

fn is_starting(s: &StatusBrief) -> bool {
    s.pid.is_none() && s.state == State::Paused(PausedReason::StartingUp)
}

pub struct Domains<'a> {
    pub store: &'a Store,
    /// Resolves disks on pool volumes.
    pub storage: &'a crate::driver::storage::Storage,
}

impl Domains<'_> {
    fn paths(&self, name: &Name) -> cmdline::Paths {
        cmdline::paths(|ext| self.store.run_file(name, ext))
    }

    fn name(&self, dom: &DomainRef) -> Result<Name> {
        Name::new(&dom.name).map_err(|_| no_domain(dom))
    }

    /// The state of the domain called `name` now, after reconciling what a dead QEMU or a
    /// dead virtsh left, from its status header alone (no XML is parsed: listing stays cheap).
    /// `None` when there is no such domain.
    pub fn brief(&self, name: &Name) -> Result<Option<Brief>> {
        for _ in 0..3 {
            let status = self.store.read_status_brief(name).map_err(io)?;
            let stale = match &status {
                Some(s) if is_starting(s) => !self.store.domain_lock_held(name).map_err(io)?,
                Some(s) if s.pid.is_some() => !process::running(&self.paths(name)),
                Some(s) if !s.state.is_active() && !s.persistent => {
                    !self.store.domain_lock_held(name).map_err(io)?
                }
                _ => false,
            };
            if stale {
                self.reap(name, ShutoffReason::Crashed)?;
                continue;
            }
            if status.as_ref().is_some_and(|s| s.pid.is_some())
                && process::guest_shut_down(&self.paths(name))
            {
                // With -no-shutdown a guest that powered off leaves QEMU stopped: end it.
                self.reap(name, ShutoffReason::Shutdown)?;
                continue;
            }
            let persistent = self.store.config_path(name).exists();
            return Ok(match status {
                Some(s) => Some(Brief {
                    state: s.state,
                    id: s.id,
                    persistent: persistent || s.persistent,
                }),
                None if persistent => Some(Brief {
                    state: State::Shutoff(ShutoffReason::Unknown),
                    id: None,
                    persistent,
                }),
                None => None,
            });
        }
        Err(Error::operation_failed(format!(
            "domain '{name}' keeps changing; try again"
        )))
    }

    /// The domain with its definition (the live one when active).
    pub fn observe(&self, name: &Name) -> Result<Option<View>> {
        if self.brief(name)?.is_none() {
            return Ok(None);
        }
        let config = self.store.read_config(name).map_err(io)?;
        let status = self.store.read_status(name).map_err(io)?;
        Ok(self.view(name, config, status))
    }

    fn view(&self, name: &Name, config: Option<DomainDef>, status: Option<Status>) -> Option<View> {
        let persistent = config.is_some();
        match status {
            Some(s) => {
                let def = s.live.or(config)?;
                Some(View {
                    name: name.clone(),
                    uuid: def.uuid,
                    state: s.state,
                    id: s.id,
                    pid: s.pid,
                    persistent: persistent || s.persistent,
                    def,
                })
            }
            None => config.map(|def| View {
                name: name.clone(),
                uuid: def.uuid,
                state: State::Shutoff(ShutoffReason::Unknown),
                id: None,
                pid: None,
                persistent: true,
                def,
            }),
        }
    }

    /// Ends a domain whose QEMU is gone or must go: a persistent one is left `shut off` with
    /// `reason`, a transient one disappears. Takes the list lock, then the domain's.
    fn reap(&self, name: &Name, reason: ShutoffReason) -> Result<()> {
        let _list = self.store.list_lock().map_err(io)?;
        let _lock = self.store.domain_lock(name).map_err(io)?;
        self.finish_stop(name, reason)
    }

    /// Under both locks: stops what runs and writes the end state.
    fn finish_stop(&self, name: &Name, reason: ShutoffReason) -> Result<()> {
        let Some(status) = self.store.read_status(name).map_err(io)? else {
            return Ok(());
        };
        // Also a QEMU whose start died before its pid was recorded.
        process::stop(&self.paths(name))?;
        let config = self.store.read_config(name).map_err(io)?;
        match config {
            Some(_) => self
                .store
                .write_status(
                    name,
                    &Status {
                        state: State::Shutoff(reason),
                        pid: None,
                        id: None,
                        persistent: true,
                        live: None,
                    },
                )
                .map_err(io),
            None => {
                if let Some(live) = &status.live {
                    self.store.remove_index(&live.uuid, name).map_err(io)?;
                }
                self.store.remove_status(name).map_err(io)
            }
        }
    }

    pub fn list(&self, flags: DomainListFlags) -> Result<Vec<DomainRef>> {
        let mut out = Vec::new();
        for (uuid, name) in self.store.index().map_err(io)? {
            let Some(v) = self.brief(&name)? else {
                continue;
            };
            if flags.admits(&v.state, v.persistent, || self.store.autostart(&name)) {
                out.push(DomainRef {
                    name: name.to_string(),
                    uuid,
                    id: v.id,
                });
            }
        }
        Ok(out)
    }

    /// The state of a domain, without reading its definition.
    pub fn state(&self, dom: &DomainRef) -> Result<State> {
        let name = self.name(dom)?;
        let missing = || no_domain(dom);
        if !self.store.indexed(&dom.uuid, &name) {
            return Err(missing());
        }
        self.brief(&name)?.map(|b| b.state).ok_or_else(missing)
    }

    pub fn get(&self, dom: &DomainRef) -> Result<View> {
        let name = self.name(dom)?;
        match self.observe(&name)? {
            Some(v) if v.uuid == dom.uuid => Ok(v),
            _ => Err(no_domain(dom)),
        }
    }

    pub fn by_name(&self, name: &str) -> Result<DomainRef> {
        let missing = || Error::no_domain(format!("no domain with matching name '{name}'"));
        let name = Name::new(name).map_err(|_| missing())?;
        self.observe(&name)?.map(|v| v.handle()).ok_or_else(missing)
    }

    pub fn by_uuid(&self, uuid: &uuid::Uuid) -> Result<DomainRef> {
        let missing = || Error::no_domain(format!("no domain with matching uuid '{uuid}'"));
        let name = self
            .store
            .uuid_owner(uuid)
            .map_err(io)?
            .ok_or_else(missing)?;
        self.observe(&name)?.map(|v| v.handle()).ok_or_else(missing)
    }

    pub fn by_id(&self, id: u32) -> Result<DomainRef> {
        for name in self.store.status_names().map_err(io)? {
            if let Some(s) = self.store.read_status(&name).map_err(io)? {
                if s.id == Some(id) {
                    if let Some(v) = self.observe(&name)? {
                        if v.id == Some(id) {
                            return Ok(v.handle());
                        }
                    }
                }
            }
        }
        Err(Error::no_domain(format!("no domain with matching id {id}")))
    }

    /// libvirt's duplicate rules, checked under the list lock: the name of the domain a
    /// definition may replace, or why it may not.
    fn find_duplicate(&self, def: &DomainDef, check_live: bool) -> Result<Option<Name>> {
        self.drop_stale_index(def)?;
        if let Some(owner) = self.store.uuid_owner(&def.uuid).map_err(io)? {
            if owner != def.name {
                return Err(Error::operation_failed(format!(
                    "domain '{owner}' is already defined with uuid {}",
                    def.uuid
                )));
            }
            if check_live {
                if let Some(v) = self.view_locked(&owner)? {
                    if v.state.is_active() && v.state != State::Paused(PausedReason::StartingUp) {
                        return Err(Error::operation_invalid(format!(
                            "domain '{}' is already active",
                            def.name
                        )));
                    }
                    if !v.persistent || v.state.is_active() {
                        return Err(Error::operation_invalid(format!(
                            "domain '{}' is already being started",
                            def.name
                        )));
                    }
                }
            }
            return Ok(Some(owner));
        }
        if let Some(uuid) = self.store.uuid_of(&def.name).map_err(io)? {
            return Err(Error::operation_failed(format!(
                "domain '{}' already exists with uuid {uuid}",
                def.name
            )));
        }
        Ok(None)
    }

    /// Index entries for `def`'s name or UUID that have neither config nor status are what a
    /// crash between two writes left: removed (the list lock is held).
    fn drop_stale_index(&self, def: &DomainDef) -> Result<()> {
        for (uuid, name) in self.store.index().map_err(io)? {
            if (uuid == def.uuid || name == def.name) && self.view_locked(&name)?.is_none() {
                self.store.remove_index(&uuid, &name).map_err(io)?;
            }
        }
        Ok(())
    }

    /// The view of a domain while the list lock is held (no reaping, which takes that lock).
    fn view_locked(&self, name: &Name) -> Result<Option<View>> {
        let config = self.store.read_config(name).map_err(io)?;
        let status = self.store.read_status(name).map_err(io)?;
        Ok(self.view(name, config, status))
    }

    pub fn define(&self, def: DomainDef) -> Result<DomainRef> {
        cmdline::check(&def)?;
        let _list = self.store.list_lock().map_err(io)?;
        let existing = self.find_duplicate(&def, false)?;
        if existing.is_some() {
            // An active transient domain that gets a config becomes persistent.
            let _lock = self.store.domain_lock(&def.name).map_err(io)?;
            if let Some(mut s) = self.store.read_status(&def.name).map_err(io)? {
                if !s.persistent {
                    s.persistent = true;
                    self.store.write_status(&def.name, &s).map_err(io)?;
                }
            }
            self.store.write_config(&def).map_err(io)?;
        } else {
            // Index first: a crash between the two leaves an entry without files, which the
            // next check under the list lock removes.
            self.store.add_index(&def.uuid, &def.name).map_err(io)?;
            self.store.write_config(&def).map_err(io)?;
        }
        Ok(DomainRef {
            name: def.name.to_string(),
            uuid: def.uuid,
            id: None,
        })
    }

    pub fn undefine(&self, dom: &DomainRef) -> Result<()> {
        let name = self.name(dom)?;
        self.get(dom)?;
        let _list = self.store.list_lock().map_err(io)?;
        let _lock = self.store.domain_lock(&name).map_err(io)?;
        let Some(v) = self.view_locked(&name)?.filter(|v| v.uuid == dom.uuid) else {
            return Err(no_domain(dom));
        };
        if self.store.read_config(&name).map_err(io)?.is_none() {
            return Err(Error::operation_invalid("cannot undefine transient domain"));
        }
        self.store.remove_config(&name).map_err(io)?;
        if v.state.is_active() {
            if let Some(mut s) = self.store.read_status(&name).map_err(io)? {
                s.persistent = false;
                self.store.write_status(&name, &s).map_err(io)?;
            }
        } else {
            self.store.remove_status(&name).map_err(io)?;
            self.store.remove_index(&v.uuid, &name).map_err(io)?;
        }
        Ok(())
    }

    /// `create`: add (or reuse an inactive persistent) domain under the list lock, mark it
    /// starting under its own lock, let go of the list lock, and boot it. A failed boot
    /// removes what the create added.
    pub fn create(&self, def: DomainDef, flags: StartFlags) -> Result<DomainRef> {
        cmdline::check(&def)?;
        let name = def.name.clone();
        let list = self.store.list_lock().map_err(io)?;
        let existing = self.find_duplicate(&def, true)?;
        let lock = self.store.domain_lock(&name).map_err(io)?;
        let persistent = existing.is_some();
        self.store
            .write_status(&name, &starting(persistent, def.clone()))
            .map_err(io)?;
        if !persistent {
            self.store.add_index(&def.uuid, &name).map_err(io)?;
        }
        drop(list);
        match self.boot(&name, def.clone(), persistent, flags) {
            Ok(id) => Ok(DomainRef {
                name: name.to_string(),
                uuid: def.uuid,
                id: Some(id),
            }),
            Err(e) => {
                drop(lock);
                self.reap(&name, ShutoffReason::Failed)?;
                Err(e)
            }
        }
    }

    /// `start` of an inactive persistent domain, under its lock.
    pub fn start(&self, dom: &DomainRef, flags: StartFlags) -> Result<()> {
        let name = self.name(dom)?;
        self.get(dom)?;
        let lock = self.store.domain_lock(&name).map_err(io)?;
        let Some(v) = self.view_locked(&name)?.filter(|v| v.uuid == dom.uuid) else {
            return Err(no_domain(dom));
        };
        if v.state.is_active() {
            return Err(Error::operation_invalid("domain is already running"));
        }
        let def = self
            .store
            .read_config(&name)
            .map_err(io)?
            .ok_or_else(|| no_domain(dom))?;
        self.store
            .write_status(&name, &starting(true, def.clone()))
            .map_err(io)?;
        match self.boot(&name, def, true, flags) {
            Ok(_) => Ok(()),
            Err(e) => {
                drop(lock);
                self.reap(&name, ShutoffReason::Failed)?;
                Err(e)
            }
        }
    }

    /// Launches QEMU for a domain marked starting (its lock held); returns its id.
    fn boot(
        &self,
        name: &Name,
        def: DomainDef,
        persistent: bool,
        flags: StartFlags,
    ) -> Result<u32> {
        let emulator = cmdline::emulator(&def)?;
        let paths = self.paths(name);
        let volumes = |pool: &str, vol: &str| self.storage.volume_path(pool, vol);
        let mut args = cmdline::build(&def, &paths, &volumes)?;
        if flags.has(StartFlags::PAUSED) {
            args.push("-S".into());
        }
        let pid = process::launch(&emulator, &args, &paths)?;
        let id = self.store.next_id().map_err(io)?;
        let state = if flags.has(StartFlags::PAUSED) {
            State::Paused(PausedReason::User)
        } else {
            State::Running(RunningReason::Booted)
        };
        self.store
            .write_status(
                name,
                &Status {
                    state,
                    pid: Some(pid),
                    id: Some(id),
                    persistent,
                    live: Some(def),
                },
            )
            .map_err(|e| {
                let _ = process::stop(&paths);
                io(e)
            })?;
        Ok(id)
    }

    /// Runs `act` on an active domain's monitor under its lock, then records `next` state.
    fn monitor(
        &self,
        dom: &DomainRef,
        need: impl Fn(State) -> Option<Error>,
        act: impl FnOnce(&mut Qmp) -> std::result::Result<(), super::qmp::QmpError>,
        next: Option<State>,
    ) -> Result<()> {
        let name = self.name(dom)?;
        self.get(dom)?;
        let _lock = self.store.domain_lock(&name).map_err(io)?;
        let mut status = self
            .store
            .read_status(&name)
            .map_err(io)?
            .filter(|s| s.live.as_ref().is_some_and(|l| l.uuid == dom.uuid))
            .ok_or_else(|| Error::operation_invalid("domain is not running"))?;
        if let Some(e) = need(status.state) {
            return Err(e);
        }
        let mut qmp = Qmp::connect(&self.store.run_file(&name, "qmp"), Duration::from_secs(5))
            .map_err(|e| Error::operation_failed(e.to_string()))?;
        act(&mut qmp).map_err(|e| Error::operation_failed(e.to_string()))?;
        if let Some(next) = next {
            status.state = next;
            self.store.write_status(&name, &status).map_err(io)?;
        }
        Ok(())
    }

    pub fn shutdown(&self, dom: &DomainRef) -> Result<()> {
        self.monitor(dom, require_active, |q| q.system_powerdown(), None)
    }

    pub fn reboot(&self, dom: &DomainRef) -> Result<()> {
        self.monitor(dom, require_active, |q| q.system_reset(), None)
    }

    pub fn reset(&self, dom: &DomainRef) -> Result<()> {
        self.monitor(dom, require_active, |q| q.system_reset(), None)
    }

    pub fn suspend(&self, dom: &DomainRef) -> Result<()> {
        let need = |s: State| match s {
            State::Running(_) => None,
            State::Paused(_) => None,
            _ => Some(Error::operation_invalid("domain is not running")),
        };
        self.monitor(
            dom,
            need,
            |q| q.stop(),
            Some(State::Paused(PausedReason::User)),
        )
    }

    pub fn resume(&self, dom: &DomainRef) -> Result<()> {
        let need = |s: State| match s {
            State::Paused(_) => None,
            State::Running(_) => Some(Error::operation_invalid("domain is already running")),
            _ => Some(Error::operation_invalid("domain is not running")),
        };
        self.monitor(
            dom,
            need,
            |q| q.cont(),
            Some(State::Running(RunningReason::Unpaused)),
        )
    }

    pub fn destroy(&self, dom: &DomainRef) -> Result<()> {
        let name = self.name(dom)?;
        let v = self.get(dom)?;
        if !v.state.is_active() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        let _list = self.store.list_lock().map_err(io)?;
        let _lock = self.store.domain_lock(&name).map_err(io)?;
        match self.store.read_status(&name).map_err(io)? {
            Some(s)
                if s.state.is_active() && s.live.as_ref().is_some_and(|l| l.uuid == dom.uuid) =>
            {
                self.finish_stop(&name, ShutoffReason::Destroyed)
            }
            _ => Err(Error::operation_invalid("domain is not running")),
        }
    }

    /// Applies a change to the live definition (a running domain) or the persistent one.
    pub fn modify(
        &self,
        dom: &DomainRef,
        flags: ModifyFlags,
        change: impl Fn(&mut DomainDef, bool) -> Result<()>,
        live_act: impl FnOnce(&mut Qmp, &DomainDef) -> Result<()>,
    ) -> Result<()> {
        let name = self.name(dom)?;
        let v = self.get(dom)?;
        let _lock = self.store.domain_lock(&name).map_err(io)?;
        let active = v.state.is_active();
        let live = flags.has(ModifyFlags::LIVE) || !flags.has(ModifyFlags::CONFIG) && active;
        let config = flags.has(ModifyFlags::CONFIG) || !flags.has(ModifyFlags::LIVE) && !active;
        if live && !active {
            return Err(Error::operation_invalid("domain is not running"));
        }
        if config {
            let mut def = self.store.read_config(&name).map_err(io)?.ok_or_else(|| {
                Error::operation_invalid("cannot change persistent config of a transient domain")
            })?;
            change(&mut def, false)?;
            self.store.write_config(&def).map_err(io)?;
        }
        if live {
            let mut status = self
                .store
                .read_status(&name)
                .map_err(io)?
                .ok_or_else(|| no_domain(dom))?;
            let def = status.live.as_mut().ok_or_else(|| no_domain(dom))?;
            change(def, true)?;
            let mut qmp = Qmp::connect(&self.store.run_file(&name, "qmp"), Duration::from_secs(5))
                .map_err(|e| Error::operation_failed(e.to_string()))?;
            live_act(&mut qmp, def)?;
            self.store.write_status(&name, &status).map_err(io)?;
        }
        Ok(())
    }

    pub fn rename(&self, dom: &DomainRef, new_name: &str) -> Result<()> {
        let name = self.name(dom)?;
        let new = Name::new(new_name).map_err(Error::invalid_arg)?;
        let _list = self.store.list_lock().map_err(io)?;
        let _lock = self.store.domain_lock(&name).map_err(io)?;
        let v = self
            .view_locked(&name)?
            .filter(|v| v.uuid == dom.uuid)
            .ok_or_else(|| no_domain(dom))?;
        if v.state.is_active() {
            return Err(Error::operation_invalid("cannot rename active domain"));
        }
        if self.store.uuid_of(&new).map_err(io)?.is_some() {
            return Err(Error::operation_invalid(format!(
                "domain with name '{new_name}' already exists"
            )));
        }
        let mut def = self
            .store
            .read_config(&name)
            .map_err(io)?
            .ok_or_else(|| no_domain(dom))?;
        let autostart = self.store.autostart(&name);
        def.name = new.clone();
        self.store.write_config(&def).map_err(io)?;
        self.store.add_index(&def.uuid, &new).map_err(io)?;
        self.store.set_autostart(&new, autostart).map_err(io)?;
        self.store.remove_config(&name).map_err(io)?;
        self.store.remove_status(&name).map_err(io)?;
        self.store.remove_index(&def.uuid, &name).map_err(io)
    }

    pub fn set_autostart(&self, dom: &DomainRef, on: bool) -> Result<()> {
        let name = self.name(dom)?;
        let _lock = self.store.domain_lock(&name).map_err(io)?;
        if self.store.read_config(&name).map_err(io)?.is_none() {
            return Err(Error::operation_invalid(
                "cannot set autostart for transient domain",
            ));
        }
        self.store.set_autostart(&name, on).map_err(io)
    }

    pub fn info(&self, dom: &DomainRef) -> Result<DomainInfo> {
        let v = self.get(dom)?;
        Ok(DomainInfo {
            state: v.state,
            max_mem_kib: v.def.memory_kib,
            memory_kib: v.def.current_memory_kib,
            nr_virt_cpu: v.def.vcpu.online(),
            cpu_time_ns: v.pid.map_or(0, process::cpu_time_ns),
        })
    }
}

fn require_active(s: State) -> Option<Error> {
    (!s.is_active()).then(|| Error::operation_invalid("domain is not running"))
}
