//! The remote driver's snapshot and checkpoint calls: each one procedure of libvirt's remote
//! program, the daemon's driver doing the work.

use super::*;

fn moment(domain: &DomainRef, name: &str) -> WireMoment {
    WireMoment {
        name: name.to_string(),
        dom: dom(domain),
    }
}

fn snapshot(w: WireMoment) -> SnapshotRef {
    SnapshotRef::new(from_dom(w.dom), w.name)
}

fn checkpoint(w: WireMoment) -> CheckpointRef {
    CheckpointRef::new(from_dom(w.dom), w.name)
}

fn snap_flags(s: &SnapshotRef, flags: u32) -> MomentFlagsArgs {
    MomentFlagsArgs {
        moment: moment(&s.domain, &s.name),
        flags,
    }
}

fn chk_flags(c: &CheckpointRef, flags: u32) -> MomentFlagsArgs {
    MomentFlagsArgs {
        moment: moment(&c.domain, &c.name),
        flags,
    }
}

fn dom_args(d: &DomainRef, flags: u32) -> DomFlagsArgs {
    DomFlagsArgs { dom: dom(d), flags }
}

fn list(d: &DomainRef, flags: u32) -> MomentListArgs {
    MomentListArgs {
        dom: dom(d),
        need_results: 1,
        flags,
    }
}

fn children(m: WireMoment, flags: u32, need_results: bool) -> MomentChildrenArgs {
    MomentChildrenArgs {
        moment: m,
        need_results: i32::from(need_results),
        flags,
    }
}

impl SnapshotApi for RemoteDriver {
    fn create_snapshot(
        &self,
        d: &DomainRef,
        xml: &str,
        flags: SnapshotCreateFlags,
    ) -> Result<SnapshotRef> {
        let args = DomXmlFlagsArgs {
            dom: dom(d),
            xml: xml.into(),
            flags: flags.0,
        };
        let r: MomentRet = self.call(DOMAIN_SNAPSHOT_CREATE_XML, &args)?;
        Ok(snapshot(r.moment))
    }
    fn snapshot_xml(&self, s: &SnapshotRef, flags: SnapshotXmlFlags) -> Result<String> {
        self.string(DOMAIN_SNAPSHOT_GET_XML_DESC, &snap_flags(s, flags.0))
    }
    fn snapshot_count(&self, d: &DomainRef, flags: SnapshotListFlags) -> Result<u32> {
        let r: IntRet = self.call(DOMAIN_SNAPSHOT_NUM, &dom_args(d, flags.0))?;
        Ok(r.value.max(0) as u32)
    }
    fn list_snapshots(&self, d: &DomainRef, flags: SnapshotListFlags) -> Result<Vec<SnapshotRef>> {
        let r: MomentListRet = self.call(DOMAIN_LIST_ALL_SNAPSHOTS, &list(d, flags.0))?;
        Ok(r.moments.into_iter().map(snapshot).collect())
    }
    fn snapshot_child_count(&self, s: &SnapshotRef, flags: SnapshotListFlags) -> Result<u32> {
        let r: IntRet = self.call(DOMAIN_SNAPSHOT_NUM_CHILDREN, &snap_flags(s, flags.0))?;
        Ok(r.value.max(0) as u32)
    }
    fn snapshot_children(
        &self,
        s: &SnapshotRef,
        flags: SnapshotListFlags,
    ) -> Result<Vec<SnapshotRef>> {
        let args = children(moment(&s.domain, &s.name), flags.0, true);
        let r: MomentListRet = self.call(DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN, &args)?;
        Ok(r.moments.into_iter().map(snapshot).collect())
    }
    fn snapshot_by_name(&self, d: &DomainRef, name: &str) -> Result<SnapshotRef> {
        let args = MomentLookupArgs {
            dom: dom(d),
            name: name.into(),
            flags: 0,
        };
        let r: MomentRet = self.call(DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, &args)?;
        Ok(snapshot(r.moment))
    }
    fn has_current_snapshot(&self, d: &DomainRef) -> Result<bool> {
        self.flag(DOMAIN_HAS_CURRENT_SNAPSHOT, &dom_args(d, 0))
    }
    fn current_snapshot(&self, d: &DomainRef) -> Result<SnapshotRef> {
        let r: MomentRet = self.call(DOMAIN_SNAPSHOT_CURRENT, &dom_args(d, 0))?;
        Ok(snapshot(r.moment))
    }
    fn snapshot_parent(&self, s: &SnapshotRef) -> Result<SnapshotRef> {
        let r: MomentRet = self.call(DOMAIN_SNAPSHOT_GET_PARENT, &snap_flags(s, 0))?;
        Ok(snapshot(r.moment))
    }
    fn snapshot_is_current(&self, s: &SnapshotRef) -> Result<bool> {
        self.flag(DOMAIN_SNAPSHOT_IS_CURRENT, &snap_flags(s, 0))
    }
    fn snapshot_has_metadata(&self, s: &SnapshotRef) -> Result<bool> {
        self.flag(DOMAIN_SNAPSHOT_HAS_METADATA, &snap_flags(s, 0))
    }
    fn revert_to_snapshot(&self, s: &SnapshotRef, flags: SnapshotRevertFlags) -> Result<()> {
        self.void(DOMAIN_REVERT_TO_SNAPSHOT, &snap_flags(s, flags.0))
    }
    fn delete_snapshot(&self, s: &SnapshotRef, flags: SnapshotDeleteFlags) -> Result<()> {
        self.void(DOMAIN_SNAPSHOT_DELETE, &snap_flags(s, flags.0))
    }
}

impl CheckpointApi for RemoteDriver {
    fn create_checkpoint(
        &self,
        d: &DomainRef,
        xml: &str,
        flags: CheckpointCreateFlags,
    ) -> Result<CheckpointRef> {
        let args = DomXmlFlagsArgs {
            dom: dom(d),
            xml: xml.into(),
            flags: flags.0,
        };
        let r: MomentRet = self.call(DOMAIN_CHECKPOINT_CREATE_XML, &args)?;
        Ok(checkpoint(r.moment))
    }
    fn checkpoint_xml(&self, c: &CheckpointRef, flags: CheckpointXmlFlags) -> Result<String> {
        self.string(DOMAIN_CHECKPOINT_GET_XML_DESC, &chk_flags(c, flags.0))
    }
    fn list_checkpoints(
        &self,
        d: &DomainRef,
        flags: CheckpointListFlags,
    ) -> Result<Vec<CheckpointRef>> {
        let r: MomentListRet = self.call(DOMAIN_LIST_ALL_CHECKPOINTS, &list(d, flags.0))?;
        Ok(r.moments.into_iter().map(checkpoint).collect())
    }
    fn checkpoint_children(
        &self,
        c: &CheckpointRef,
        flags: CheckpointListFlags,
    ) -> Result<Vec<CheckpointRef>> {
        let args = children(moment(&c.domain, &c.name), flags.0, true);
        let r: MomentListRet = self.call(DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN, &args)?;
        Ok(r.moments.into_iter().map(checkpoint).collect())
    }
    /// The same procedure without the list: the daemon sends the count alone.
    fn checkpoint_child_count(&self, c: &CheckpointRef, flags: CheckpointListFlags) -> Result<u32> {
        let args = children(moment(&c.domain, &c.name), flags.0, false);
        let r: MomentListRet = self.call(DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN, &args)?;
        Ok(r.count.max(0) as u32)
    }
    fn checkpoint_by_name(&self, d: &DomainRef, name: &str) -> Result<CheckpointRef> {
        let args = MomentLookupArgs {
            dom: dom(d),
            name: name.into(),
            flags: 0,
        };
        let r: MomentRet = self.call(DOMAIN_CHECKPOINT_LOOKUP_BY_NAME, &args)?;
        Ok(checkpoint(r.moment))
    }
    fn checkpoint_parent(&self, c: &CheckpointRef) -> Result<CheckpointRef> {
        let r: MomentRet = self.call(DOMAIN_CHECKPOINT_GET_PARENT, &chk_flags(c, 0))?;
        Ok(checkpoint(r.moment))
    }
    fn delete_checkpoint(&self, c: &CheckpointRef, flags: CheckpointDeleteFlags) -> Result<()> {
        self.void(DOMAIN_CHECKPOINT_DELETE, &chk_flags(c, flags.0))
    }
}
