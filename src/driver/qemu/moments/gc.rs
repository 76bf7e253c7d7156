//! The overlays virtsh makes for external snapshots and reverts, and what is done with them
//! once nothing needs them.
//!
//! Every overlay a create or a revert makes is recorded as the domain's (`meta::Meta::own`)
//! before it is made, as the operation's record names it. An image is *named* when the
//! domain's definitions or a snapshot name it (the images the snapshot was taken on, its
//! overlays, its revert overlays), or when it is below a named one in its backing chain. With
//! memory-only snapshots about (`--diskspec vda,snapshot=no`), an overlay a revert or a
//! deletion leaves may still be what such a snapshot was taken on, so virtsh removes what it
//! owns only once nothing names it (libvirt leaves such files behind); a file virtsh does not
//! own is never removed here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::images;
use super::meta::Meta;
use crate::driver::moments::MomentTree;
use crate::driver::prelude::*;
use crate::driver::qemu::domains::Domains;
use crate::model::domain::DomainDef;
use crate::model::snapshot::{Location, SnapshotDef};
use crate::model::Name;

/// Backing files read so far (one `qemu-img info` an image).
#[derive(Default)]
pub struct Chains(BTreeMap<String, Option<String>>);

impl Chains {
    /// The backing file of `image`, if it has one and can be read.
    pub fn backing(&mut self, image: &str) -> Option<String> {
        self.0
            .entry(image.to_string())
            .or_insert_with(|| {
                images::Info::of(image)
                    .ok()
                    .and_then(|i| i.backing().map(String::from))
            })
            .clone()
    }

    /// `images` with every image below each in its backing chain.
    fn closure(&mut self, images: impl IntoIterator<Item = String>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for top in images {
            let mut at = Some(top);
            for _ in 0..64 {
                let Some(image) = at.take() else { break };
                if !out.insert(image.clone()) {
                    break;
                }
                at = self.backing(&image);
            }
        }
        out
    }
}

fn disks_of(d: &Domains, def: &DomainDef) -> Vec<String> {
    def.devices
        .disks
        .iter()
        .filter_map(|k| super::disk_path(d, k).ok().flatten())
        .collect()
}

/// Every image the domain `name`'s definitions (as stored now) and the snapshots of `tree`
/// name, with what is below each; the overlays and revert overlays of snapshot `except` are
/// not counted (the images it was taken on are).
pub fn named(
    d: &Domains,
    name: &Name,
    tree: &MomentTree<SnapshotDef>,
    except: Option<&str>,
    chains: &mut Chains,
) -> Result<BTreeSet<String>> {
    let mut images = Vec::new();
    if let Some(config) = d.store.read_def(name)? {
        images.extend(disks_of(d, &config));
    }
    if let Some(live) = d.store.read_status(name)?.and_then(|s| s.live) {
        images.extend(disks_of(d, &live));
    }
    for n in tree.list(None, super::delete::walk_all(), |_| true) {
        let Some(def) = tree.get(&n) else { continue };
        for dom in [def.moment.dom.as_ref(), def.moment.inactive_dom.as_ref()]
            .into_iter()
            .flatten()
        {
            images.extend(disks_of(d, dom));
        }
        if except == Some(n.as_str()) {
            continue;
        }
        let overlays = def.disks.iter().chain(&def.revert_disks);
        images.extend(
            overlays
                .filter(|k| k.snapshot == Location::External)
                .filter_map(|k| k.path.clone()),
        );
    }
    Ok(chains.closure(images))
}

/// Removes the overlays virtsh owns that nothing names any more, and forgets those gone.
/// Nothing is done while an operation is recorded: its files are its record's.
pub fn collect(d: &Domains, name: &Name, meta: &Meta) -> Result<()> {
    let owned = meta.owned();
    if owned.is_empty() || meta.has_intent() {
        return Ok(());
    }
    let named = named(
        d,
        name,
        &meta.stored_snapshots(),
        None,
        &mut Chains::default(),
    )?;
    let mut keep = Vec::new();
    for o in owned {
        if !Path::new(&o).exists() {
            continue;
        }
        if named.contains(&o) {
            keep.push(o);
        } else {
            let _ = std::fs::remove_file(&o);
        }
    }
    meta.set_owned(&keep)
}

/// The images whose backing file is `overlay`, once its data is committed into `base`, are
/// put on `base` instead (`qemu-img rebase -u`, libvirt's `qemuSnapshotUpdateBackingStore`):
/// any image named or owned, whichever branch of the snapshot tree it is on. Failures are
/// only warnings to libvirt.
pub fn rebase_onto(
    d: &Domains,
    name: &Name,
    meta: &Meta,
    overlay: &str,
    base: &str,
    base_format: &str,
) -> Result<()> {
    let mut chains = Chains::default();
    let mut images = named(d, name, &meta.stored_snapshots(), None, &mut chains)?;
    images.extend(meta.owned());
    for image in images.iter().filter(|i| i.as_str() != overlay) {
        if chains.backing(image).as_deref() != Some(overlay) {
            continue;
        }
        let Ok(info) = images::Info::of(image) else {
            continue;
        };
        let _ = images::rebase_unsafe(image, info.format(), base, base_format);
    }
    Ok(())
}
