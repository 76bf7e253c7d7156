//! The embedded QEMU driver's domains.
//!
//! Readers never write: [`Domains::observe`] tells a domain's state from its files and from
//! whether its QEMU exists (the launch lock), and reports a QEMU that ended as `shut off`
//! (`shutdown` when the guest powered off, `crashed` otherwise) or a transient domain that
//! ended as gone, without touching anything. Writers record what happened: under the domain's
//! lock (and the list lock when a domain may disappear) they observe again and settle the
//! files ([`Domains::settle`]) before they act, so a verdict a reader reached without the lock
//! is never acted on. Duplicate checks and the writes they guard are one critical section
//! under the list lock.

use std::time::Duration;

use uuid::Uuid;

use super::checks;
use super::cmdline::Paths;
use super::process;
use super::qmp::{qmp_failed, Qmp};
use super::reboot;
use super::store::{qemu_state, shut_off, StatusBrief, Store};
use crate::driver::prelude::*;
use crate::model::{DomainDef, Name};
use crate::rules::{self, Adding, Existing, Kind};
use crate::state::Lock;

/// What the files say that the processes no longer bear out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stale {
    /// Nothing: the files are right.
    No,
    /// The QEMU (or a start) ended: a persistent domain is shut off for this reason.
    Ended(ShutoffReason),
    /// A transient domain ended: it is no more.
    Gone,
    /// The status file does not parse and no QEMU is left: it goes.
    Unreadable,
}

/// A domain as its files and processes say it is now.
#[derive(Debug, Clone)]
pub struct Observed {
    pub name: Name,
    pub uuid: Uuid,
    pub state: State,
    pub id: Option<u32>,
    pub persistent: bool,
    stale: Stale,
}

impl Observed {
    pub fn handle(&self) -> DomainRef {
        DomainRef {
            name: self.name.to_string(),
            uuid: self.uuid,
            id: self.id,
        }
    }

    /// The same domain, found in `state` (a reconciliation changed it).
    pub(in crate::driver::qemu) fn with_state(self, state: State) -> Observed {
        Observed { state, ..self }
    }

    /// Whether a start of this domain is under way.
    pub(in crate::driver::qemu) fn starting(&self) -> bool {
        self.state == State::Paused(PausedReason::StartingUp) && self.id.is_none()
    }

    fn existing(&self) -> Existing {
        Existing {
            name: self.name.to_string(),
            uuid: self.uuid,
            active: self.state.is_active() && !self.starting(),
            persistent: self.persistent,
            starting: self.starting(),
        }
    }
}

/// A domain with its definition: the live one when active, else the persistent one.
pub struct View {
    pub observed: Observed,
    pub def: DomainDef,
    pub pid: Option<u32>,
}

pub(super) fn no_domain(dom: &DomainRef) -> Error {
    crate::rules::Kind::Domain.not_found(&dom.uuid, Some(&dom.name))
}

fn not_running() -> Error {
    Error::operation_invalid("domain is not running")
}

pub struct Domains<'a> {
    pub store: &'a Store,
    /// Resolves disks on pool volumes.
    pub storage: &'a crate::driver::storage::Storage,
    /// Gives interfaces on networks their bridge.
    pub networks: &'a crate::driver::network::embedded::Networks,
}

impl Domains<'_> {
    pub(in crate::driver::qemu) fn paths(&self, name: &Name) -> Paths {
        Paths::new(&self.store.run_dir(), name)
    }

    fn name(&self, dom: &DomainRef) -> Result<Name> {
        Name::new(&dom.name).map_err(|_| no_domain(dom))
    }

    // ---- reading ----

    /// The domain `name` (with `uuid`) as it is now; `None` when there is no such domain.
    /// Nothing is written. `locked`: the caller holds the domain's lock (so a start it finds
    /// under way is one that died).
    fn observe(&self, uuid: Uuid, name: &Name, locked: bool) -> Result<Option<Observed>> {
        let persistent = self.store.has_config(name);
        let paths = self.paths(name);
        let seen = |state, id, stale| Observed {
            name: name.clone(),
            uuid,
            state,
            id,
            persistent,
            stale,
        };
        let ended = |reason| {
            if persistent {
                seen(State::Shutoff(reason), None, Stale::Ended(reason))
            } else {
                seen(State::Shutoff(reason), None, Stale::Gone)
            }
        };
        let brief = match self.store.read_brief(name) {
            Ok(b) => b,
            // An unreadable status with a live QEMU: its state is unknown until it stops.
            Err(_) if process::running(&paths) => {
                return Ok(Some(seen(State::NoState, None, Stale::No)))
            }
            Err(_) if persistent => {
                let state = State::Shutoff(ShutoffReason::Unknown);
                return Ok(Some(seen(state, None, Stale::Unreadable)));
            }
            Err(_) => return Ok(Some(seen(State::NoState, None, Stale::Gone))),
        };
        let observed = match brief {
            None if persistent => seen(State::Shutoff(ShutoffReason::Unknown), None, Stale::No),
            None => return Ok(None),
            Some(b) if b.pid.is_some() => {
                if process::running(&paths) {
                    seen(b.state, b.id, Stale::No)
                } else if b.autodestroy {
                    ended(ShutoffReason::Destroyed)
                } else if process::guest_shut_down(&paths) {
                    ended(ShutoffReason::Shutdown)
                } else {
                    ended(ShutoffReason::Crashed)
                }
            }
            // A start under way, or one whose starter died after its QEMU came up: either way
            // a QEMU may exist, and the domain stays visible (and destroyable) until it is gone.
            Some(b) if b.is_starting() => {
                let under_way = !locked && self.store.is_locked(name)?;
                if under_way || process::running(&paths) {
                    seen(b.state, None, Stale::No)
                } else {
                    ended(ShutoffReason::Failed)
                }
            }
            Some(b) if persistent => seen(b.state, None, Stale::No),
            // The status of a domain that is no longer defined.
            Some(_) => seen(State::Shutoff(ShutoffReason::Unknown), None, Stale::Gone),
        };
        Ok(Some(observed))
    }

    /// The domain `dom` as it is now (its UUID must match).
    fn observe_ref(&self, dom: &DomainRef) -> Result<Observed> {
        let name = self.name(dom)?;
        if !self.store.indexed(&dom.uuid, &name) {
            return Err(no_domain(dom));
        }
        self.observe(dom.uuid, &name, false)?
            .filter(|o| o.stale != Stale::Gone)
            .ok_or_else(|| no_domain(dom))
    }

    pub fn list(&self, flags: DomainListFlags) -> Result<Vec<DomainRef>> {
        let mut out = Vec::new();
        for (uuid, name) in self.store.index()? {
            // One domain's trouble does not hide the others.
            let Ok(Some(o)) = self.observe(uuid, &name, false) else {
                continue;
            };
            if o.stale != Stale::Gone
                && flags.admits_saved(
                    &o.state,
                    o.persistent,
                    || self.store.autostart(&name),
                    super::saves::has_managed_save(self.store.root(), &name),
                )
                && admits_moments(flags, self.store.root(), &name)
            {
                out.push(o.handle());
            }
        }
        Ok(out)
    }

    pub fn state(&self, dom: &DomainRef) -> Result<State> {
        Ok(self.observe_ref(dom)?.state)
    }

    /// The domain with its definition.
    pub fn get(&self, dom: &DomainRef) -> Result<View> {
        let observed = self.observe_ref(dom)?;
        let name = &observed.name;
        let status = match observed.stale {
            Stale::No if observed.state.is_active() => self.store.read_status(name)?,
            _ => None,
        };
        let (live, pid) = match status {
            Some(s) => (s.live, s.brief.pid),
            None => (None, None),
        };
        let def = match live {
            Some(def) => def,
            None => self.store.read_def(name)?.ok_or_else(|| no_domain(dom))?,
        };
        Ok(View { observed, def, pid })
    }

    pub fn by_name(&self, name: &str) -> Result<DomainRef> {
        let missing = || crate::rules::Kind::Domain.not_named(name);
        let name = Name::new(name).map_err(|_| missing())?;
        let uuid = self.store.uuid_of(&name)?.ok_or_else(missing)?;
        self.observe(uuid, &name, false)?
            .filter(|o| o.stale != Stale::Gone)
            .map(|o| o.handle())
            .ok_or_else(missing)
    }

    pub fn by_uuid(&self, uuid: &Uuid) -> Result<DomainRef> {
        let missing = || crate::rules::Kind::Domain.not_found(uuid, None);
        let name = self.store.uuid_owner(uuid)?.ok_or_else(missing)?;
        self.observe(*uuid, &name, false)?
            .filter(|o| o.stale != Stale::Gone)
            .map(|o| o.handle())
            .ok_or_else(missing)
    }

    pub fn by_id(&self, id: u32) -> Result<DomainRef> {
        for (uuid, name) in self.store.index()? {
            if let Ok(Some(o)) = self.observe(uuid, &name, false) {
                if o.id == Some(id) && o.stale == Stale::No {
                    return Ok(o.handle());
                }
            }
        }
        Err(Error::no_domain(format!("no domain with matching id {id}")))
    }

    /// The ids running domains hold.
    pub(super) fn ids_in_use(&self) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        for (uuid, name) in self.store.index()? {
            if let Ok(Some(o)) = self.observe(uuid, &name, false) {
                ids.extend(o.id);
            }
        }
        Ok(ids)
    }

    pub fn info(&self, dom: &DomainRef) -> Result<DomainInfo> {
        let v = self.get(dom)?;
        Ok(DomainInfo {
            state: v.observed.state,
            max_mem_kib: v.def.memory_kib,
            memory_kib: v.def.current_memory_kib,
            nr_virt_cpu: v.def.vcpu.online(),
            cpu_time_ns: v.pid.map_or(0, process::cpu_time_ns),
        })
    }

    // ---- settling, under locks ----

    /// Under the domain's lock (and the list lock when `list_held`): observes again and makes
    /// the files say what the processes show. A transient domain that ended is removed only
    /// under the list lock; without it, it stays for a writer that holds it.
    pub(super) fn settle(
        &self,
        uuid: Uuid,
        name: &Name,
        list_held: bool,
    ) -> Result<Option<Observed>> {
        let Some(o) = self.observe(uuid, name, true)? else {
            // An index entry with no files: what a crash between two writes left.
            if list_held {
                self.forget(uuid, name)?;
            }
            return Ok(None);
        };
        match o.stale {
            Stale::No => return self.reconcile(o).map(Some),
            Stale::Ended(reason) => {
                // Also the QEMU of a start that died before it recorded its pid.
                process::stop(&self.paths(name))?;
                self.store.write_status(name, &shut_off(reason))?;
            }
            Stale::Unreadable => self.store.remove_run(name)?,
            Stale::Gone if list_held => {
                process::stop(&self.paths(name))?;
                self.forget(uuid, name)?;
                return Ok(None);
            }
            Stale::Gone => return Ok(None),
        }
        let settled = Observed {
            stale: Stale::No,
            ..o
        };
        self.reconcile(settled).map(Some)
    }

    /// What a killed snapshot, checkpoint, save or dump operation left, settled: snapshots
    /// first, since a killed snapshot leaves the guest `paused (saving)` as a save does, and
    /// its own record says what to finish or undo.
    fn reconcile(&self, o: Observed) -> Result<Observed> {
        let o = super::moments::reconcile(self, o)?;
        super::saves::reconcile(self, o)
    }

    /// Removes every file of a domain that is no more (both locks held); its log stays, as
    /// libvirt's does.
    fn forget(&self, uuid: Uuid, name: &Name) -> Result<()> {
        self.store.remove_run(name)?;
        super::moments::meta::forget(self.store.root(), name)?;
        self.store.remove_index(&uuid, name)?;
        let paths = self.paths(name);
        let mut files = paths.leftovers();
        files.extend([paths.launch, paths.caps, paths.console_lock]);
        for file in files {
            let _ = std::fs::remove_file(file);
        }
        self.store.remove_lock(name)?;
        Ok(())
    }

    /// The list lock, then `dom`'s lock, then its settled state (which must still be `dom`).
    fn lock_both(&self, dom: &DomainRef) -> Result<(Lock, Lock, Observed)> {
        let name = self.name(dom)?;
        let list = self.store.list_lock()?;
        let lock = self.store.lock(&name)?;
        let o = self
            .settle(dom.uuid, &name, true)?
            .filter(|_| self.store.indexed(&dom.uuid, &name))
            .ok_or_else(|| no_domain(dom))?;
        Ok((list, lock, o))
    }

    /// `dom`'s lock and its settled state.
    pub(in crate::driver::qemu) fn lock_one(&self, dom: &DomainRef) -> Result<(Lock, Observed)> {
        let name = self.name(dom)?;
        let lock = self.store.lock(&name)?;
        let o = self
            .settle(dom.uuid, &name, false)?
            .filter(|_| self.store.indexed(&dom.uuid, &name))
            .ok_or_else(|| no_domain(dom))?;
        Ok((lock, o))
    }

    /// libvirt's rules for adding `def` (the list lock held): whether it reuses a domain.
    pub(in crate::driver::qemu) fn check_add(
        &self,
        def: &DomainDef,
        adding: Adding,
    ) -> Result<bool> {
        let (by_uuid, by_name) = self.duplicates(def)?;
        rules::check_add(
            Kind::Domain,
            def.name.as_str(),
            &def.uuid,
            by_uuid.map(|o| o.existing()).as_ref(),
            by_name.map(|o| o.existing()).as_ref(),
            adding,
        )
    }

    /// The settled domains that hold `def`'s UUID and name, under the list lock, each
    /// locked for the moment of settling.
    fn duplicates(&self, def: &DomainDef) -> Result<(Option<Observed>, Option<Observed>)> {
        let found = |uuid: Uuid, name: Name| -> Result<Option<Observed>> {
            let _lock = self.store.lock(&name)?;
            self.settle(uuid, &name, true)
        };
        let by_uuid = match self.store.uuid_owner(&def.uuid)? {
            Some(name) => found(def.uuid, name)?,
            None => None,
        };
        let by_name = match self.store.uuid_of(&def.name)? {
            Some(uuid) if uuid == def.uuid => by_uuid.clone(),
            Some(uuid) => found(uuid, def.name.clone())?,
            None => None,
        };
        Ok((by_uuid, by_name))
    }

    // ---- adding and removing ----

    pub fn define(&self, mut def: DomainDef) -> Result<DomainRef> {
        checks::fill_defaults(&mut def);
        checks::check(&def)?;
        let _list = self.store.list_lock()?;
        let reuse = self.check_add(&def, Adding::Definition)?;
        // A domain is persistent when it has a config: a running transient domain that gets
        // one becomes persistent.
        let _lock = self.store.lock(&def.name)?;
        if !reuse {
            // Index first: a crash between the two leaves an entry without files, which
            // settling under the list lock removes.
            self.store.add_index(&def.uuid, &def.name)?;
        }
        self.store.write_def(&def)?;
        Ok(DomainRef {
            name: def.name.to_string(),
            uuid: def.uuid,
            id: None,
        })
    }

    pub fn undefine(&self, dom: &DomainRef, flags: UndefineFlags) -> Result<()> {
        let (_list, _lock, o) = self.lock_both(dom)?;
        if !o.persistent {
            return Err(Error::operation_invalid("cannot undefine transient domain"));
        }
        // Every refusal before anything goes: a refused undefine loses nothing (libvirt's
        // drops snapshot metadata before it refuses for a managed save).
        let root = self.store.root();
        super::moments::undefining(root, &o, flags, false)?;
        super::saves::undefining(root, &o.name, flags)?;
        super::moments::undefining(root, &o, flags, true)?;
        // A running domain goes on as a transient one.
        self.store.remove_config(&o.name)?;
        if !o.state.is_active() {
            self.forget(o.uuid, &o.name)?;
        }
        Ok(())
    }

    pub fn destroy(&self, dom: &DomainRef) -> Result<()> {
        let (_list, _lock, o) = self.lock_both(dom)?;
        let paths = self.paths(&o.name);
        if !o.state.is_active() && !process::running(&paths) {
            return Err(not_running());
        }
        process::stop(&paths)?;
        if o.persistent {
            self.store
                .write_status(&o.name, &shut_off(ShutoffReason::Destroyed))?;
        } else {
            self.forget(o.uuid, &o.name)?;
        }
        Ok(())
    }

    // ---- the monitor ----

    /// Runs `act` on a running domain's monitor under its lock, with its status brought back
    /// to the state QEMU reports first; what `act` changes in the status is recorded. A failed
    /// record undoes nothing QEMU did, so the next operation starts from QEMU's word again.
    fn monitor(
        &self,
        dom: &DomainRef,
        act: impl FnOnce(&mut Qmp, &mut StatusBrief, Option<&DomainDef>) -> Result<()>,
    ) -> Result<()> {
        let (_lock, o) = self.lock_one(dom)?;
        if !o.state.is_active() || o.starting() {
            return Err(not_running());
        }
        let mut status = self.store.read_status(&o.name)?.ok_or_else(not_running)?;
        let paths = self.paths(&o.name);
        let mut qmp = paths.monitor(Duration::from_secs(5)).map_err(qmp_failed)?;
        let recorded = status.brief.clone();
        status.brief.state = qmp_state(&mut qmp, recorded.state)?;
        let outcome = act(&mut qmp, &mut status.brief, status.live.as_ref());
        if status.brief != recorded {
            self.store.write_status(&o.name, &status)?;
        }
        outcome
    }

    /// `shutdown`: the ACPI power button, with QEMU to exit on the guest's power-off (a
    /// pending reboot is called off).
    pub fn shutdown(&self, dom: &DomainRef) -> Result<()> {
        self.monitor(dom, |q, b, _| {
            if b.rebooting {
                q.on_shutdown("poweroff").map_err(qmp_failed)?;
                b.rebooting = false;
            }
            q.system_powerdown().map_err(qmp_failed)
        })
    }

    /// `reboot`: through the guest, as libvirt does (see `reboot.rs`); a domain whose
    /// `on_reboot` is `destroy` is shut down instead.
    pub fn reboot(&self, dom: &DomainRef) -> Result<()> {
        let mut watch_for = None;
        self.monitor(dom, |q, b, live| {
            let restart =
                live.is_none_or(|d| !matches!(d.on_reboot.as_str(), "destroy" | "preserve"));
            if restart {
                if !b.rebooting {
                    q.on_shutdown("pause").map_err(qmp_failed)?;
                    b.rebooting = true;
                }
                // A watcher each time (one that was killed is replaced); the second of two
                // finds the reboot done, or waits its turn on the monitor.
                watch_for = b.pid;
            }
            q.system_powerdown().map_err(qmp_failed)
        })?;
        match watch_for {
            Some(pid) => reboot::spawn_watcher(self.store.root(), &self.name(dom)?, pid),
            None => Ok(()),
        }
    }

    pub fn reset(&self, dom: &DomainRef) -> Result<()> {
        self.monitor(dom, |q, _, _| q.system_reset().map_err(qmp_failed))
    }

    pub fn suspend(&self, dom: &DomainRef) -> Result<()> {
        self.monitor(dom, |q, b, _| match b.state {
            State::Paused(_) => Ok(()),
            _ => {
                q.stop().map_err(qmp_failed)?;
                b.state = State::Paused(PausedReason::User);
                Ok(())
            }
        })
    }

    pub fn resume(&self, dom: &DomainRef) -> Result<()> {
        self.monitor(dom, |q, b, _| match b.state {
            State::Running(_) => Err(Error::operation_invalid("domain is already running")),
            _ => {
                q.cont().map_err(qmp_failed)?;
                b.state = State::Running(RunningReason::Unpaused);
                Ok(())
            }
        })
    }

    // ---- changes ----

    /// Applies a change to the live definition (a running domain) or the persistent one.
    pub fn modify(
        &self,
        dom: &DomainRef,
        flags: ModifyFlags,
        change: impl Fn(&mut DomainDef, bool) -> Result<()>,
        live_act: impl FnOnce(&mut Qmp, &DomainDef) -> Result<()>,
    ) -> Result<()> {
        let (_lock, o) = self.lock_one(dom)?;
        let active = o.state.is_active();
        let live = flags.has(ModifyFlags::LIVE) || !flags.has(ModifyFlags::CONFIG) && active;
        let config = flags.has(ModifyFlags::CONFIG) || !flags.has(ModifyFlags::LIVE) && !active;
        if live && !active {
            return Err(not_running());
        }
        if config {
            let mut def = self.store.read_def(&o.name)?.ok_or_else(|| {
                Error::operation_invalid("cannot change persistent config of a transient domain")
            })?;
            change(&mut def, false)?;
            self.store.write_def(&def)?;
        }
        if live {
            let mut status = self
                .store
                .read_status(&o.name)?
                .ok_or_else(|| no_domain(dom))?;
            let def = status.live.as_mut().ok_or_else(|| no_domain(dom))?;
            change(def, true)?;
            let paths = self.paths(&o.name);
            let mut qmp = paths.monitor(Duration::from_secs(5)).map_err(qmp_failed)?;
            live_act(&mut qmp, def)?;
            self.store.write_status(&o.name, &status)?;
        }
        Ok(())
    }

    pub fn rename(&self, dom: &DomainRef, new_name: &str) -> Result<()> {
        let new = Name::new(new_name).map_err(Error::invalid_arg)?;
        let (_list, _lock, o) = self.lock_both(dom)?;
        if o.state.is_active() {
            return Err(Error::operation_invalid("cannot rename active domain"));
        }
        if super::saves::has_managed_save(self.store.root(), &o.name) {
            return Err(Error::operation_invalid(
                "domain with a managed saved state can't be renamed",
            ));
        }
        if self.store.uuid_of(&new)?.is_some() {
            return Err(Error::operation_invalid(format!(
                "domain with name '{new_name}' already exists"
            )));
        }
        let mut def = self
            .store
            .read_def(&o.name)?
            .ok_or_else(|| no_domain(dom))?;
        let autostart = self.store.autostart(&o.name);
        def.name = new.clone();
        self.store.write_def(&def)?;
        self.store.add_index(&def.uuid, &new)?;
        self.store.set_autostart(&new, autostart)?;
        super::moments::meta::rename(self.store.root(), &o.name, &new)?;
        self.store.remove_config(&o.name)?;
        self.forget(def.uuid, &o.name)
    }

    /// Marks the domain to start at every boot, or (`once`) at the next one only.
    pub fn set_autostart(&self, dom: &DomainRef, once: bool, on: bool) -> Result<()> {
        let (_lock, o) = self.lock_one(dom)?;
        if !o.persistent {
            return Err(Error::operation_invalid(
                "cannot set autostart for transient domain",
            ));
        }
        match once {
            false => self.store.set_autostart(&o.name, on)?,
            true => self.store.set_autostart_once(&o.name, on)?,
        }
        Ok(())
    }
}

/// QEMU's run state as libvirt names it, from `query-status`.
fn qmp_state(qmp: &mut Qmp, recorded: State) -> Result<State> {
    let s = qmp.query_status().map_err(qmp_failed)?;
    Ok(qemu_state(&s.status, recorded))
}

/// `list --with-snapshot` and friends: the metadata's counts, read only when asked.
fn admits_moments(flags: DomainListFlags, root: &std::path::Path, name: &Name) -> bool {
    type F = DomainListFlags;
    let asked = F::HAS_SNAPSHOT | F::NO_SNAPSHOT | F::HAS_CHECKPOINT | F::NO_CHECKPOINT;
    if !flags.any(asked) {
        return true;
    }
    let (snapshots, checkpoints) = super::moments::meta::has_moments(root, name);
    flags.admits_moments(snapshots, checkpoints)
}
