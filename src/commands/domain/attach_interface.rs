//! `attach-interface`: add a network interface to a domain, running or defined.

use virtsh_commands::domain::AttachInterface;

use crate::commands::interfaces;
use crate::commands::prelude::*;
use crate::model::dom::Element;
use crate::model::xml::{render, Style};

impl Run for AttachInterface {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let source_attr = match self.kind.as_str() {
            "network" => "network",
            "bridge" => "bridge",
            "direct" | "ethernet" => "dev",
            other => {
                return Err(CmdError::message(format!(
                    "No support for {other} in command 'attach-interface'"
                )))
            }
        };
        let mut e = Element::new("interface").with("type", &self.kind);
        let mut source = Element::new("source").with(source_attr, &self.source);
        if let Some(m) = &self.source_mode {
            if !matches!(m.as_str(), "server" | "client") {
                return Err(CmdError::message(format!("Invalid source mode: {m}")));
            }
            source = source.with("mode", m);
        }
        e.push(source);
        e.push_opt(
            self.target_dev
                .as_deref()
                .map(|t| Element::new("target").with("dev", t)),
        );
        e.push_opt(
            self.mac
                .as_deref()
                .map(|m| Element::new("mac").with("address", m)),
        );
        e.push_opt(
            self.script
                .as_deref()
                .map(|p| Element::new("script").with("path", p)),
        );
        e.push_opt(
            self.model
                .as_deref()
                .map(|m| Element::new("model").with("type", m)),
        );
        e.push_opt(
            self.alias
                .as_deref()
                .map(|a| Element::new("alias").with("name", a)),
        );
        refuse(self.inbound.is_some(), "inbound")?;
        refuse(self.outbound.is_some(), "outbound")?;
        refuse(self.managed, "managed")?;
        let xml = render(&e, Style::Libvirt, 0) + "\n";
        if self.print_xml {
            return Ok(Outcome::Xml(xml));
        }
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let flags = interfaces::change_flags(&conn, &dom, &self.impact, self.persistent)?;
        let done = if flags.0 != 0 || self.impact.current {
            conn.domains().attach_device(&dom, &xml, flags)
        } else {
            conn.domains().attach_device_live(&dom, &xml)
        };
        done.map_err(|e| CmdError::failed("Failed to attach interface", e))?;
        message("Interface attached successfully")
    }
}
