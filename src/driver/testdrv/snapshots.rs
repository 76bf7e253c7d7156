//! The test driver's snapshots (libvirt's `testDomainSnapshot*`): metadata only, in a
//! `MomentTree` per domain; taking one saves the live definition, reverting to one puts it
//! back and changes the domain's state, `--halt` stops the domain.

use super::{domains, Domain, TestDriver, TestState};
use crate::driver::moments::{
    redefine, snapshot_passes as passes, snapshot_walk as walk, Deletion, MomentTree,
};
use crate::driver::prelude::*;
use crate::model::moment::Reading;
use crate::model::snapshot::{
    DiskAlignment, Location, SnapshotDef, SnapshotReading, SnapshotState,
};

/// The snapshots of a domain of a `<node>` file (libvirt's `testParseDomainSnapshots`).
pub(super) fn preset(
    domain: &str,
    defs: Vec<(SnapshotDef, bool)>,
) -> Result<MomentTree<SnapshotDef>> {
    let mut current = None;
    let mut snapshots = Vec::with_capacity(defs.len());
    for (mut def, is_current) in defs {
        if let Some(d) = def.moment.dom.as_mut() {
            domains::post_parse(d);
        }
        // The test driver keeps no save cookie.
        def.cookie = None;
        if is_current {
            if current.is_some() {
                return Err(Error::internal(
                    "more than one snapshot claims to be active",
                ));
            }
            current = Some(def.moment.name.clone());
        }
        snapshots.push(def);
    }
    let (tree, consistent) = MomentTree::from_definitions(snapshots, current);
    consistent.map_err(|_| {
        Error::internal(format!(
            "Snapshots have inconsistent relations for domain {domain}"
        ))
    })?;
    Ok(tree)
}

fn not_found(name: &str) -> Error {
    Error::no_snapshot(format!("no domain snapshot with matching name '{name}'"))
}

/// Every list flag libvirt's test driver takes.
const LIST_FLAGS: u32 = 0x7ff;

impl TestState {
    fn domain_of(&self, snap: &SnapshotRef) -> Result<&Domain> {
        self.get(&snap.domain)
    }

    fn snapshot(&self, snap: &SnapshotRef) -> Result<&SnapshotDef> {
        self.domain_of(snap)?
            .snapshots
            .get(&snap.name)
            .ok_or_else(|| not_found(&snap.name))
    }

    /// A redefinition (libvirt's `virDomainSnapshotRedefinePrep` and the test driver's
    /// commit): the metadata says everything; only `--current` moves the current one.
    fn redefine_snapshot(
        &mut self,
        i: usize,
        mut def: SnapshotDef,
        flags: SnapshotCreateFlags,
    ) -> Result<String> {
        let d = &mut self.domains[i];
        let name = def.moment.name.clone();
        match redefine::prepare_snapshot(&d.snapshots, &mut def, &d.def.uuid)? {
            true => d.snapshots.replace(def),
            false => d.snapshots.assign(def)?,
        }
        if flags.has(SnapshotCreateFlags::CURRENT) {
            d.snapshots.set_current(Some(&name));
        }
        d.snapshots.link(&name);
        Ok(name)
    }

    /// A new snapshot of the domain as it is now (`testDomainSnapshotCreateXML`).
    fn take_snapshot(
        &mut self,
        i: usize,
        mut def: SnapshotDef,
        flags: SnapshotCreateFlags,
    ) -> Result<String> {
        let d = &mut self.domains[i];
        def.moment.dom = Some(d.def.clone());
        if def.disks.iter().any(|k| k.snapshot == Location::Manual) {
            return Err(Error::operation_unsupported(
                "'manual' snapshot mode is not supported by the test driver",
            ));
        }
        def.state = SnapshotState::of(&d.state);
        let default = if def.memory == Location::External {
            Location::External
        } else {
            def.memory = match def.state {
                SnapshotState::Shutoff => Location::No,
                _ => Location::Internal,
            };
            Location::Internal
        };
        def.align_disks(
            None,
            DiskAlignment {
                default,
                uniform_internal: true,
            },
        )?;
        let name = def.moment.name.clone();
        def.moment.parent = d.snapshots.current().map(String::from);
        d.snapshots.assign(def)?;
        let halt = flags.has(SnapshotCreateFlags::HALT) && d.state.is_active();
        if halt {
            self.shut_off(i, ShutoffReason::FromSnapshot);
        }
        let d = &mut self.domains[i];
        d.snapshots.set_current(Some(&name));
        d.snapshots.link(&name);
        Ok(name)
    }

    /// `testDomainRevertToSnapshot`: the saved definition comes back, and the domain's state
    /// with it (a snapshot of a stopped domain stops it, whatever is asked).
    fn revert(&mut self, snap: &SnapshotRef, flags: SnapshotRevertFlags) -> Result<()> {
        type F = SnapshotRevertFlags;
        let i = self.index(&snap.domain)?;
        let def = self.snapshot(snap)?;
        let (state, saved) = (def.state, def.moment.dom.clone());
        let d = &mut self.domains[i];
        if !d.persistent && !state.online() && !flags.any(F::RUNNING | F::PAUSED) {
            return Err(Error::operation_invalid(
                "transient domain needs to request run or pause to revert to inactive snapshot",
            ));
        }
        let Some(config) = saved else {
            return Err(Error::new(
                ErrorCode::SnapshotRevertRisky,
                format!(
                    "revert requires force: snapshot '{}' lacks domain '{}' rollback info",
                    snap.name, d.def.name
                ),
            ));
        };
        d.snapshots.set_current(None);
        if state.online() {
            if d.state.is_active() {
                self.shut_off(i, ShutoffReason::FromSnapshot);
            }
            self.domains[i].def = config;
            self.boot(i, RunningReason::FromSnapshot);
            let paused = state == SnapshotState::Paused || flags.has(F::PAUSED);
            if !flags.has(F::RUNNING) && paused {
                self.domains[i].state = State::Paused(PausedReason::FromSnapshot);
            }
        } else {
            let d = &mut self.domains[i];
            if d.state.is_active() {
                d.next_def = Some(config);
                self.shut_off(i, ShutoffReason::FromSnapshot);
            } else {
                d.def = config;
            }
        }
        self.domains[i].snapshots.set_current(Some(&snap.name));
        Ok(())
    }
}

impl SnapshotApi for TestDriver {
    fn create_snapshot(
        &self,
        dom: &DomainRef,
        xml: &str,
        flags: SnapshotCreateFlags,
    ) -> Result<SnapshotRef> {
        type F = SnapshotCreateFlags;
        let supported =
            F::REDEFINE | F::CURRENT | F::HALT | F::QUIESCE | F::ATOMIC | F::LIVE | F::VALIDATE;
        Error::check_flags(flags.0, supported.0, "testDomainSnapshotCreateXML")?;
        let redefine = flags.has(F::REDEFINE);
        let mut st = self.state();
        let i = st.index(dom)?;
        let d = &st.domains[i];
        if !d.checkpoints.is_empty() {
            return Err(Error::operation_unsupported(
                "cannot create snapshot while checkpoint exists",
            ));
        }
        if !d.persistent && flags.has(F::HALT) {
            return Err(Error::operation_invalid(
                "cannot halt after transient domain snapshot",
            ));
        }
        let how = SnapshotReading {
            reading: match redefine {
                true => Reading::redefine(),
                false => Reading::new_moment(),
            },
            validate: flags.has(F::VALIDATE),
            internal: false,
        };
        let mut def = SnapshotDef::parse(xml, how)?;
        def.cookie = None;
        if let Some(d) = def.moment.dom.as_mut() {
            domains::post_parse(d);
        }
        let name = match redefine {
            true => st.redefine_snapshot(i, def, flags)?,
            false => st.take_snapshot(i, def, flags)?,
        };
        Ok(SnapshotRef::new(st.domains[i].handle(), name))
    }

    fn snapshot_xml(&self, snap: &SnapshotRef, flags: SnapshotXmlFlags) -> Result<String> {
        Error::check_flags(
            flags.0,
            SnapshotXmlFlags::SECURE.0,
            "testDomainSnapshotGetXMLDesc",
        )?;
        let st = self.state();
        Ok(st.snapshot(snap)?.to_xml(&snap.domain.uuid))
    }

    fn list_snapshots(
        &self,
        dom: &DomainRef,
        flags: SnapshotListFlags,
    ) -> Result<Vec<SnapshotRef>> {
        Error::check_flags(flags.0, LIST_FLAGS, "testDomainListAllSnapshots")?;
        let st = self.state();
        let d = st.get(dom)?;
        let walk = walk(flags, !flags.has(SnapshotListFlags::ROOTS));
        Ok(d.snapshots
            .list(None, walk, |s| passes(s, flags))
            .into_iter()
            .map(|name| SnapshotRef::new(d.handle(), name))
            .collect())
    }

    fn snapshot_children(
        &self,
        snap: &SnapshotRef,
        flags: SnapshotListFlags,
    ) -> Result<Vec<SnapshotRef>> {
        Error::check_flags(flags.0, LIST_FLAGS, "testDomainSnapshotListAllChildren")?;
        let st = self.state();
        st.snapshot(snap)?;
        let d = st.domain_of(snap)?;
        let walk = walk(flags, flags.has(SnapshotListFlags::DESCENDANTS));
        Ok(d.snapshots
            .list(Some(&snap.name), walk, |s| passes(s, flags))
            .into_iter()
            .map(|name| SnapshotRef::new(d.handle(), name))
            .collect())
    }

    fn snapshot_by_name(&self, dom: &DomainRef, name: &str) -> Result<SnapshotRef> {
        let st = self.state();
        let d = st.get(dom)?;
        d.snapshots.get(name).ok_or_else(|| not_found(name))?;
        Ok(SnapshotRef::new(d.handle(), name))
    }

    fn has_current_snapshot(&self, dom: &DomainRef) -> Result<bool> {
        Ok(self.state().get(dom)?.snapshots.current().is_some())
    }

    fn current_snapshot(&self, dom: &DomainRef) -> Result<SnapshotRef> {
        let st = self.state();
        let d = st.get(dom)?;
        let name = d
            .snapshots
            .current()
            .ok_or_else(|| Error::no_snapshot("the domain does not have a current snapshot"))?;
        Ok(SnapshotRef::new(d.handle(), name))
    }

    fn snapshot_parent(&self, snap: &SnapshotRef) -> Result<SnapshotRef> {
        let st = self.state();
        let parent = st.snapshot(snap)?.moment.parent.clone().ok_or_else(|| {
            Error::no_snapshot(format!("snapshot '{}' does not have a parent", snap.name))
        })?;
        Ok(SnapshotRef::new(snap.domain.clone(), parent))
    }

    fn snapshot_is_current(&self, snap: &SnapshotRef) -> Result<bool> {
        let st = self.state();
        st.snapshot(snap)?;
        Ok(st.domain_of(snap)?.snapshots.current() == Some(snap.name.as_str()))
    }

    /// Every snapshot the test driver has is metadata.
    fn snapshot_has_metadata(&self, snap: &SnapshotRef) -> Result<bool> {
        self.state().snapshot(snap)?;
        Ok(true)
    }

    fn revert_to_snapshot(&self, snap: &SnapshotRef, flags: SnapshotRevertFlags) -> Result<()> {
        type F = SnapshotRevertFlags;
        let supported = F::RUNNING | F::PAUSED | F::FORCE;
        Error::check_flags(flags.0, supported.0, "testDomainRevertToSnapshot")?;
        self.state().revert(snap, flags)
    }

    fn delete_snapshot(&self, snap: &SnapshotRef, flags: SnapshotDeleteFlags) -> Result<()> {
        type F = SnapshotDeleteFlags;
        let supported = F::CHILDREN | F::CHILDREN_ONLY;
        Error::check_flags(flags.0, supported.0, "testDomainSnapshotDelete")?;
        let mut st = self.state();
        st.snapshot(snap)?;
        let how = Deletion::of(flags.has(F::CHILDREN), flags.has(F::CHILDREN_ONLY));
        let i = st.index(&snap.domain)?;
        st.domains[i].snapshots.delete(&snap.name, how);
        Ok(())
    }
}
