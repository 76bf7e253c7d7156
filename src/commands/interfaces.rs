//! What the guest-interface commands share: a domain's interfaces from its XML, found by MAC
//! address or device name as virsh finds them, and written back as one `<interface>` element.

use super::CmdError;
use crate::driver::Connection;
use crate::error::Error;
use crate::model::dom::Element;
use crate::model::domain::Interface;
use crate::model::mac::Mac;
use crate::model::xml::{render, Style};
use crate::model::DomainDef;
use crate::types::{DomainRef, ModifyFlags, XmlFlags};

/// The domain's interfaces: the running definition, or the persistent one.
pub fn of(conn: &Connection, dom: &DomainRef, inactive: bool) -> Result<Vec<Interface>, CmdError> {
    let flags = XmlFlags::from_options([(inactive, XmlFlags::INACTIVE)]);
    let def = DomainDef::parse(&conn.domains().domain_xml(dom, flags)?).map_err(Error::from)?;
    Ok(def.devices.interfaces)
}

/// The interface `arg` names: by MAC address (any spelling of it), or by device name.
pub fn find<'a>(ifaces: &'a [Interface], arg: &str) -> Option<&'a Interface> {
    let mac = Mac::parse(arg);
    ifaces.iter().find(|i| {
        (mac.is_some() && i.mac.as_deref().and_then(Mac::parse) == mac)
            || i.target_dev.as_deref() == Some(arg)
    })
}

/// One interface as the XML a device call takes.
pub fn xml(i: &Interface) -> String {
    render(&i.to_element(), Style::Libvirt, 0) + "\n"
}

/// One interface as virsh prints it from the domain's document (libxml2's dump of the node:
/// double quotes, the document's own indentation), with `appended` added after its last child
/// as virsh adds a `<link>` it did not find.
pub fn as_in_document(i: &Interface, appended: Option<Element>) -> String {
    let e = i.to_element();
    let mut out = String::from("<interface");
    for a in &e.attrs {
        out.push_str(&format!(
            " {}=\"{}\"",
            a.name,
            crate::model::xml::escape(&a.value)
        ));
    }
    out.push('>');
    for c in e.elements() {
        out.push_str("\n      ");
        out.push_str(&render(c, Style::Libxml, 3));
    }
    out.push_str("\n    ");
    if let Some(a) = appended {
        out.push_str(&render(&a, Style::Libxml, 3));
    }
    out.push_str("</interface>");
    out
}

/// The flags of `attach-interface` and `detach-interface`: `--live`, `--config`, and
/// `--persistent` (the definition, and the running guest when it runs).
pub fn change_flags(
    conn: &Connection,
    dom: &DomainRef,
    impact: &virtsh_commands::args::Impact,
    persistent: bool,
) -> Result<ModifyFlags, CmdError> {
    super::common::exclusive(&[
        (persistent, "persistent", impact.current, "current"),
        (impact.current, "current", impact.live, "live"),
        (impact.current, "current", impact.config, "config"),
    ])?;
    let mut flags = ModifyFlags::from_options([
        (impact.live, ModifyFlags::LIVE),
        (impact.config, ModifyFlags::CONFIG),
    ]);
    if persistent {
        flags |= ModifyFlags::CONFIG;
        if conn.domains().domain_state(dom)?.is_active() {
            flags |= ModifyFlags::LIVE;
        }
    }
    Ok(flags)
}
