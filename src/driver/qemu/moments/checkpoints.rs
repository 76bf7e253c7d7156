//! Checkpoints (libvirt's `qemu_checkpoint.c`): a persistent dirty bitmap named after the
//! checkpoint on every disk it covers, added in one `transaction` on a running guest (libvirt
//! refuses a shut-off one), removed when the checkpoint goes (libvirt 11 keeps every bitmap
//! recording, so nothing merges into the parent). `--size` merges the checkpoint's bitmaps
//! into a temporary one and reads its dirty byte count, as libvirt does.

use serde_json::json;

use super::block;
use super::create::{lock, Taking};
use super::disk_format;
use super::meta::{Intent, Kind, Op};
use crate::driver::moments::{redefine, Deletion, Walk};
use crate::driver::prelude::*;
use crate::model::checkpoint::{CheckpointDef, CheckpointFormat, CheckpointKind};
use crate::model::moment::Reading;

pub fn not_found(name: &str) -> Error {
    Error::no_checkpoint(format!("no domain checkpoint with matching name '{name}'"))
}

type F = CheckpointCreateFlags;

/// The top node of the live disk `target`, if the domain still has it.
fn top_of<'n>(
    t: &Taking,
    nodes: &'n [block::DiskNode],
    target: &str,
) -> Option<&'n block::DiskNode> {
    let i = t
        .live
        .devices
        .disks
        .iter()
        .position(|d| d.target_dev == target)?;
    block::node_of(nodes, i)
}

/// `qemuCheckpointCreateXML`.
pub fn create(
    d: &crate::driver::qemu::domains::Domains,
    dom: &DomainRef,
    xml: &str,
    flags: F,
) -> Result<CheckpointRef> {
    Error::check_flags(
        flags.0,
        (F::REDEFINE | F::REDEFINE_VALIDATE).0,
        "qemuCheckpointCreateXML",
    )?;
    let redefine = flags.has(F::REDEFINE);
    let (_lock, t) = lock(d, dom)?;
    if !redefine && !t.active() {
        return Err(Error::operation_unsupported(
            "cannot create checkpoint for inactive domain",
        ));
    }
    let reading = match redefine {
        true => Reading::redefine(),
        false => Reading::new_moment(),
    };
    let mut def = CheckpointDef::parse(xml, reading)?;
    let meta = t.meta(Kind::Checkpoint);
    let tree = meta.checkpoints();
    let name = def.moment.name.clone();
    let update_current = if redefine {
        let update = redefine::prepare_checkpoint(&tree, &mut def, &t.o.uuid)?;
        if flags.has(F::REDEFINE_VALIDATE) {
            validate_bitmaps(&t, &def)?;
        }
        update
    } else {
        def.moment.dom = Some(t.live.clone());
        def.align_disks()?;
        for (k, dd) in def.disks.iter().zip(&t.live.devices.disks) {
            if k.kind != CheckpointKind::Bitmap {
                continue;
            }
            if k.bitmap.as_deref() != Some(name.as_str()) {
                return Err(Error::unsupported(format!(
                    "bitmap for disk '{}' must match checkpoint name '{name}'",
                    k.name
                )));
            }
            if disk_format(dd) != "qcow2" {
                return Err(Error::unsupported(format!(
                    "checkpoint for disk {} unsupported for storage type {}",
                    k.name,
                    disk_format(dd)
                )));
            }
        }
        if tree.get(&name).is_some() {
            return Err(Error::operation_failed(format!(
                "domain moment {name} already exists"
            )));
        }
        def.moment.parent = tree.current().map(String::from);
        let mut qmp = t.monitor()?;
        let nodes = block::disk_nodes(&mut qmp)?;
        let mut actions = Vec::new();
        for (i, k) in def.disks.iter().enumerate() {
            if k.kind != CheckpointKind::Bitmap {
                continue;
            }
            let node = block::node_of(&nodes, i).ok_or_else(|| {
                Error::internal(format!("cannot find the image of disk '{}'", k.name))
            })?;
            actions.push(json!({"type": "block-dirty-bitmap-add", "data": {
                "node": node.node, "name": k.bitmap, "persistent": true, "disabled": false,
            }}));
        }
        meta.set_intent(&Intent::new(Op::Create, vec![name.clone()]))?;
        if let Err(e) = block::transaction(&mut qmp, actions) {
            meta.clear_intent()?;
            return Err(e);
        }
        true
    };
    meta.write(&name, &def.to_xml(CheckpointFormat::default()))
        .map_err(|_| Error::internal(format!("unable to save metadata for checkpoint {name}")))?;
    if update_current {
        meta.set_current(Some(&name))?;
    }
    meta.clear_intent()?;
    Ok(CheckpointRef::new(t.o.handle(), name))
}

/// `qemuCheckpointRedefineValidateBitmaps`: every disk the domain still has must hold the
/// checkpoint's bitmap.
fn validate_bitmaps(t: &Taking, def: &CheckpointDef) -> Result<()> {
    if !t.active() {
        return Err(Error::operation_invalid("domain is not running"));
    }
    let mut qmp = t.monitor()?;
    let nodes = block::disk_nodes(&mut qmp)?;
    let named = block::named_nodes(&mut qmp)?;
    for k in def
        .disks
        .iter()
        .filter(|k| k.kind == CheckpointKind::Bitmap)
    {
        let ok = top_of(t, &nodes, &k.name)
            .is_some_and(|n| !block::bitmap_nodes(&named, &n.node, &def.moment.name).is_empty());
        if !ok {
            return Err(Error::new(
                ErrorCode::InternalError,
                format!(
                    "checkpoint inconsistent: missing or broken bitmap '{}' for disk '{}'",
                    def.moment.name, k.name
                ),
            ));
        }
    }
    Ok(())
}

/// `qemuCheckpointGetXMLDesc`; `--size` asks QEMU how much each bitmap has recorded.
pub fn xml(
    d: &crate::driver::qemu::domains::Domains,
    chk: &CheckpointRef,
    flags: CheckpointXmlFlags,
) -> Result<String> {
    type X = CheckpointXmlFlags;
    Error::check_flags(
        flags.0,
        (X::SECURE | X::NO_DOMAIN | X::SIZE).0,
        "qemuCheckpointGetXMLDesc",
    )?;
    let how = CheckpointFormat {
        no_domain: flags.has(X::NO_DOMAIN),
        size: flags.has(X::SIZE),
    };
    if !flags.has(X::SIZE) {
        let v = d.get(&chk.domain)?;
        let meta = super::Meta::new(d.store.root(), Kind::Checkpoint, &v.observed.name);
        let tree = meta.checkpoints();
        let def = tree.get(&chk.name).ok_or_else(|| not_found(&chk.name))?;
        return Ok(def.to_xml(how));
    }
    let (_lock, t) = lock(d, &chk.domain)?;
    let tree = t.meta(Kind::Checkpoint).checkpoints();
    let mut def = tree
        .get(&chk.name)
        .cloned()
        .ok_or_else(|| not_found(&chk.name))?;
    if !t.active() {
        return Err(Error::operation_invalid("domain is not running"));
    }
    let mut qmp = t.monitor()?;
    let nodes = block::disk_nodes(&mut qmp)?;
    let named = block::named_nodes(&mut qmp)?;
    const TMP: &str = "libvirt-tmp-size-xml";
    for k in def.disks.iter_mut() {
        k.size = None;
        if k.kind != CheckpointKind::Bitmap {
            continue;
        }
        let Some(top) = top_of(&t, &nodes, &k.name) else {
            continue;
        };
        let holders = block::bitmap_nodes(&named, &top.node, &chk.name);
        if holders.is_empty() {
            continue;
        }
        if !block::bitmap_nodes(&named, &top.node, TMP).is_empty() {
            let _ = block::transaction(&mut qmp, vec![remove_action(&top.node, TMP)]);
        }
        let mut merge = vec![json!({"type": "block-dirty-bitmap-add", "data": {
            "node": top.node, "name": TMP, "persistent": false, "disabled": true,
        }})];
        let sources: Vec<_> = holders
            .iter()
            .map(|n| json!({"node": n, "name": chk.name}))
            .collect();
        merge.push(json!({"type": "block-dirty-bitmap-merge", "data": {
            "node": top.node, "target": TMP, "bitmaps": sources,
        }}));
        block::transaction(&mut qmp, merge)?;
        let after = block::named_nodes(&mut qmp)?;
        k.size = block::bitmap_count(&after, &top.node, TMP);
        block::transaction(&mut qmp, vec![remove_action(&top.node, TMP)])?;
    }
    Ok(def.to_xml(how))
}

fn remove_action(node: &str, name: &str) -> serde_json::Value {
    json!({"type": "block-dirty-bitmap-remove", "data": {"node": node, "name": name}})
}

/// `qemuCheckpointDelete`.
pub fn delete(
    d: &crate::driver::qemu::domains::Domains,
    chk: &CheckpointRef,
    flags: CheckpointDeleteFlags,
) -> Result<()> {
    type D = CheckpointDeleteFlags;
    Error::check_flags(
        flags.0,
        (D::CHILDREN | D::METADATA_ONLY | D::CHILDREN_ONLY).0,
        "qemuCheckpointDelete",
    )?;
    let metadata_only = flags.has(D::METADATA_ONLY);
    let (_lock, t) = lock(d, &chk.domain)?;
    if !metadata_only && !t.active() {
        return Err(Error::operation_unsupported(
            "cannot delete checkpoint for inactive domain",
        ));
    }
    let meta = t.meta(Kind::Checkpoint);
    let tree = meta.checkpoints();
    tree.get(&chk.name).ok_or_else(|| not_found(&chk.name))?;
    let how = Deletion::of(flags.has(D::CHILDREN), flags.has(D::CHILDREN_ONLY));
    let names = super::delete::doomed(&tree, &chk.name, how);
    let mut intent = Intent::new(Op::Delete, names.clone());
    intent.metadata_only = metadata_only;
    meta.set_intent(&intent)?;
    if !metadata_only {
        if let Err(e) = remove_bitmaps(&t, &tree, &names, true) {
            meta.clear_intent()?;
            return Err(e);
        }
    }
    finish(&t, &names)
}

/// `qemuCheckpointDiscardBitmaps` for every checkpoint in `names`: one transaction. `strict`:
/// a bitmap found nowhere in its disk's chain is libvirt's error (a deletion a crash
/// interrupted may have removed it already).
pub fn remove_bitmaps(
    t: &Taking,
    tree: &crate::driver::moments::MomentTree<CheckpointDef>,
    names: &[String],
    strict: bool,
) -> Result<()> {
    let mut qmp = t.monitor()?;
    let nodes = block::disk_nodes(&mut qmp)?;
    let named = block::named_nodes(&mut qmp)?;
    let mut actions = Vec::new();
    for name in names {
        let Some(def) = tree.get(name) else { continue };
        for k in def
            .disks
            .iter()
            .filter(|k| k.kind == CheckpointKind::Bitmap)
        {
            let Some(top) = top_of(t, &nodes, &k.name) else {
                continue;
            };
            let bitmap = k.bitmap.as_deref().unwrap_or(name);
            let holders = block::bitmap_nodes(&named, &top.node, bitmap);
            if strict && holders.is_empty() {
                return Err(Error::internal(format!(
                    "bitmap '{bitmap}' not found in backing chain of '{}'",
                    k.name
                )));
            }
            for node in holders {
                actions.push(remove_action(&node, bitmap));
            }
        }
    }
    block::transaction(&mut qmp, actions)
}

/// The metadata after a deletion of `names` (children to the parent, the current one up),
/// the record of the operation last.
pub fn finish(t: &Taking, names: &[String]) -> Result<()> {
    let meta = t.meta(Kind::Checkpoint);
    let mut tree = meta.stored_checkpoints();
    let before = tree.list(
        None,
        Walk {
            descendants: true,
            ..Default::default()
        },
        |_| true,
    );
    for name in names {
        tree.delete(name, Deletion::One);
    }
    meta.store_after_deletion(&before, &tree, names, |d| {
        d.to_xml(CheckpointFormat::default())
    })
}
