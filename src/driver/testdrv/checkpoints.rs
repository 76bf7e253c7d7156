//! The test driver's checkpoints (libvirt's `testDomainCheckpoint*`): metadata only, in a
//! `MomentTree` per domain, made of running domains that have no snapshot.

use super::{domains, TestDriver, TestState};
use crate::driver::moments::{checkpoint_walk as walk, redefine as prep, Deletion};
use crate::driver::prelude::*;
use crate::model::checkpoint::{CheckpointDef, CheckpointFormat};
use crate::model::moment::Reading;

fn not_found(name: &str) -> Error {
    Error::no_checkpoint(format!("no domain checkpoint with matching name '{name}'"))
}

/// Every list flag libvirt's test driver takes.
const LIST_FLAGS: u32 = 0xf;

impl TestState {
    fn checkpoint(&self, chk: &CheckpointRef) -> Result<&CheckpointDef> {
        self.get(&chk.domain)?
            .checkpoints
            .get(&chk.name)
            .ok_or_else(|| not_found(&chk.name))
    }

    /// `testDomainCheckpointCreateXML`: a new checkpoint is a child of the current one and
    /// becomes current; a redefinition becomes current only under the current one (or when
    /// there is none).
    fn add_checkpoint(
        &mut self,
        i: usize,
        mut def: CheckpointDef,
        redefine: bool,
    ) -> Result<String> {
        let d = &mut self.domains[i];
        let name = def.moment.name.clone();
        let tree = &mut d.checkpoints;
        let mut update_current = !redefine;
        if redefine {
            update_current = prep::prepare_checkpoint(tree, &mut def, &d.def.uuid)?;
            match tree.get(&name) {
                Some(_) => tree.replace(def),
                None => tree.assign(def)?,
            }
        } else {
            def.moment.dom = Some(d.def.clone());
            def.align_disks()?;
            tree.assign(def)?;
        }
        if let Some(current) = tree.current().map(String::from) {
            if !redefine {
                if let Some(c) = tree.get_mut(&name) {
                    c.moment.parent = Some(current);
                }
            }
        }
        if update_current {
            tree.set_current(Some(&name));
        }
        tree.link(&name);
        Ok(name)
    }
}

impl CheckpointApi for TestDriver {
    fn create_checkpoint(
        &self,
        dom: &DomainRef,
        xml: &str,
        flags: CheckpointCreateFlags,
    ) -> Result<CheckpointRef> {
        type F = CheckpointCreateFlags;
        Error::check_flags(
            flags.0,
            (F::REDEFINE | F::QUIESCE).0,
            "testDomainCheckpointCreateXML",
        )?;
        let redefine = flags.has(F::REDEFINE);
        let mut st = self.state();
        let i = st.index(dom)?;
        let d = &st.domains[i];
        if !d.snapshots.is_empty() {
            return Err(Error::operation_unsupported(
                "cannot create checkpoint while snapshot exists",
            ));
        }
        if !d.state.is_active() {
            return Err(Error::operation_unsupported(
                "cannot create checkpoint for inactive domain",
            ));
        }
        let reading = match redefine {
            true => Reading::redefine(),
            false => Reading::new_moment(),
        };
        let mut def = CheckpointDef::parse(xml, reading)?;
        if let Some(d) = def.moment.dom.as_mut() {
            domains::post_parse(d);
        }
        let name = st.add_checkpoint(i, def, redefine)?;
        Ok(CheckpointRef::new(st.domains[i].handle(), name))
    }

    /// The test driver knows no backup size: `--size` prints none, on a running domain.
    fn checkpoint_xml(&self, chk: &CheckpointRef, flags: CheckpointXmlFlags) -> Result<String> {
        type F = CheckpointXmlFlags;
        Error::check_flags(
            flags.0,
            (F::SECURE | F::NO_DOMAIN | F::SIZE).0,
            "testDomainCheckpointGetXMLDesc",
        )?;
        let st = self.state();
        let def = st.checkpoint(chk)?;
        if flags.has(F::SIZE) && !st.get(&chk.domain)?.state.is_active() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        Ok(def.to_xml(CheckpointFormat {
            no_domain: flags.has(F::NO_DOMAIN),
            size: flags.has(F::SIZE),
        }))
    }

    fn list_checkpoints(
        &self,
        dom: &DomainRef,
        flags: CheckpointListFlags,
    ) -> Result<Vec<CheckpointRef>> {
        Error::check_flags(flags.0, LIST_FLAGS, "testDomainListAllCheckpoints")?;
        let st = self.state();
        let d = st.get(dom)?;
        let walk = walk(flags, !flags.has(CheckpointListFlags::ROOTS));
        Ok(d.checkpoints
            .list(None, walk, |_| true)
            .into_iter()
            .map(|name| CheckpointRef::new(d.handle(), name))
            .collect())
    }

    fn checkpoint_children(
        &self,
        chk: &CheckpointRef,
        flags: CheckpointListFlags,
    ) -> Result<Vec<CheckpointRef>> {
        Error::check_flags(flags.0, LIST_FLAGS, "testDomainCheckpointListAllChildren")?;
        let st = self.state();
        st.checkpoint(chk)?;
        let d = st.get(&chk.domain)?;
        let walk = walk(flags, flags.has(CheckpointListFlags::DESCENDANTS));
        Ok(d.checkpoints
            .list(Some(&chk.name), walk, |_| true)
            .into_iter()
            .map(|name| CheckpointRef::new(d.handle(), name))
            .collect())
    }

    fn checkpoint_by_name(&self, dom: &DomainRef, name: &str) -> Result<CheckpointRef> {
        let st = self.state();
        let d = st.get(dom)?;
        d.checkpoints.get(name).ok_or_else(|| not_found(name))?;
        Ok(CheckpointRef::new(d.handle(), name))
    }

    fn checkpoint_parent(&self, chk: &CheckpointRef) -> Result<CheckpointRef> {
        let st = self.state();
        let parent = st.checkpoint(chk)?.moment.parent.clone().ok_or_else(|| {
            Error::no_checkpoint(format!("checkpoint '{}' does not have a parent", chk.name))
        })?;
        Ok(CheckpointRef::new(chk.domain.clone(), parent))
    }

    /// Metadata is all the test driver has: deleting only it deletes the checkpoint.
    fn delete_checkpoint(&self, chk: &CheckpointRef, flags: CheckpointDeleteFlags) -> Result<()> {
        type F = CheckpointDeleteFlags;
        Error::check_flags(
            flags.0,
            (F::CHILDREN | F::METADATA_ONLY | F::CHILDREN_ONLY).0,
            "testDomainCheckpointDelete",
        )?;
        let mut st = self.state();
        st.checkpoint(chk)?;
        let how = Deletion::of(flags.has(F::CHILDREN), flags.has(F::CHILDREN_ONLY));
        let i = st.index(&chk.domain)?;
        st.domains[i].checkpoints.delete(&chk.name, how);
        Ok(())
    }
}
