//! What every driver does the same way to a network object: which definition a change
//! affects (`--live`, `--config`), its metadata, and `net-update` (libvirt's `virNetworkObj*`).

pub mod checks;
pub mod dnsmasq;
pub mod embedded;
pub mod host;
pub mod netlink;
pub mod update;

use crate::driver::prelude::*;
use crate::model::dom::{self, Attr, Element};
use crate::model::xml::{render, Style};
use crate::model::NetworkDef;

/// A network as these rules see it: its definitions and whether it is active and persistent.
pub struct NetObject<'a> {
    /// The live definition of an active network, else the persistent one.
    pub def: &'a mut NetworkDef,
    /// The persistent definition of an active network, when it has one of its own.
    pub next_def: &'a mut Option<NetworkDef>,
    pub active: bool,
    pub persistent: bool,
}

/// Which definitions a change touches (`virNetworkObjUpdateModificationImpact`): the current
/// state resolves to live or config; config of a transient network and live of an inactive
/// one are refused.
pub fn impact(net: &NetObject<'_>, flags: ModifyFlags) -> Result<ModifyFlags> {
    let mut flags = flags & (ModifyFlags::LIVE | ModifyFlags::CONFIG);
    if flags.0 == 0 {
        flags = if net.active {
            ModifyFlags::LIVE
        } else {
            ModifyFlags::CONFIG
        };
    }
    if flags.has(ModifyFlags::LIVE) && !net.active {
        return Err(Error::operation_invalid("network is not running"));
    }
    if flags.has(ModifyFlags::CONFIG) && !net.persistent {
        return Err(Error::operation_invalid(
            "cannot change persistent config of a transient network",
        ));
    }
    Ok(flags)
}

/// The definitions `flags` (resolved) name, live first. An active network without a
/// persistent definition of its own gets one when `split` (`net-update`, as libvirt's
/// `virNetworkObjSetDefTransient`); metadata calls fail on it without a reason, as libvirt's.
fn targets<'a>(
    net: &'a mut NetObject<'_>,
    flags: ModifyFlags,
    split: bool,
) -> Result<Vec<&'a mut NetworkDef>> {
    let mut out = Vec::new();
    let live = flags.has(ModifyFlags::LIVE);
    let config = flags.has(ModifyFlags::CONFIG);
    if config && net.active && net.next_def.is_none() {
        if !split {
            return Err(Error::unknown());
        }
        *net.next_def = Some(net.def.clone());
    }
    if live || (config && !net.active) {
        out.push(&mut *net.def);
    }
    if config && net.active {
        if let Some(next) = net.next_def.as_mut() {
            out.push(next);
        }
    }
    Ok(out)
}

/// A network's title, description or metadata element (`virNetworkObjGetMetadata`).
pub fn metadata(
    net: &mut NetObject<'_>,
    kind: NetMetadata<'_>,
    flags: ModifyFlags,
) -> Result<Option<String>> {
    let flags = impact(net, flags)?;
    let def = &*targets(net, flags, false)?.remove(0);
    let missing = || {
        Error::new(
            ErrorCode::NoNetworkMetadata,
            "metadata not found: Requested metadata element is not present",
        )
    };
    let text = match kind {
        NetMetadata::Description => def.description.clone(),
        NetMetadata::Title => def.title.clone(),
        NetMetadata::Element(uri) => def
            .metadata
            .iter()
            .flatten()
            .find(|e| e.ns.as_deref() == Some(uri))
            .map(|e| render(&unprefixed(e), Style::Libxml, 0)),
    };
    text.map(Some).ok_or_else(missing)
}

/// The element as an application wrote it: without the prefix and declaration libvirt gave it.
fn unprefixed(e: &Element) -> Element {
    let mut copy = e.clone();
    if let Some((prefix, local)) = e.name.split_once(':') {
        copy.name = local.to_string();
        let decl = format!("xmlns:{prefix}");
        copy.attrs.retain(|a| a.name != decl);
    }
    copy
}

/// Sets or removes a network's title, description or metadata element
/// (`virNetworkObjSetMetadata`).
pub fn set_metadata(
    net: &mut NetObject<'_>,
    kind: NetMetadata<'_>,
    value: Option<&str>,
    key: Option<&str>,
    flags: ModifyFlags,
) -> Result<()> {
    let flags = impact(net, flags)?;
    let element = match (kind, value) {
        (NetMetadata::Element(uri), Some(xml)) => Some(keyed_element(uri, key, xml)?),
        _ => None,
    };
    for def in targets(net, flags, false)? {
        match kind {
            NetMetadata::Description => {
                def.description = value.filter(|v| !v.is_empty()).map(String::from)
            }
            NetMetadata::Title => def.title = value.filter(|v| !v.is_empty()).map(String::from),
            NetMetadata::Element(uri) => {
                let mut kept = def.metadata.take().unwrap_or_default();
                kept.retain(|e| e.ns.as_deref() != Some(uri));
                kept.extend(element.clone());
                // libvirt drops a <metadata> left empty.
                def.metadata = (!kept.is_empty()).then_some(kept);
            }
        }
    }
    Ok(())
}

/// `xml` put in namespace `uri` under prefix `key`, as libvirt stores a metadata element.
fn keyed_element(uri: &str, key: Option<&str>, xml: &str) -> Result<Element> {
    let key =
        key.ok_or_else(|| Error::invalid_arg("namespace key is required when modifying metadata"))?;
    let mut e = dom::parse(xml).map_err(Error::xml_detail)?;
    let local = e.name.rsplit(':').next().unwrap_or_default().to_string();
    e.name = format!("{key}:{local}");
    e.ns = Some(uri.to_string());
    e.attrs.retain(|a| !dom::is_ns_decl(&a.name));
    e.attrs.insert(0, Attr::new(&format!("xmlns:{key}"), uri));
    Ok(e)
}
