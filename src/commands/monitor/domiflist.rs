//! `domiflist`: a domain's network interfaces, from its XML.

use serde::Serialize;
use virtsh_commands::monitor::Domiflist;

use crate::commands::prelude::*;
use crate::model::DomainDef;

impl Run for Domiflist {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let flags = XmlFlags::from_options([(self.inactive, XmlFlags::INACTIVE)]);
        let def =
            DomainDef::parse(&conn.domains().domain_xml(&dom, flags)?).map_err(Error::from)?;
        let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let rows = def
            .devices
            .interfaces
            .iter()
            .map(|i| Row {
                interface: dash(&i.target_dev),
                kind: i.kind.clone(),
                source: dash(&i.source_network.clone().or_else(|| i.source_bridge.clone())),
                model: dash(&i.model),
                mac: dash(&i.mac),
            })
            .collect();
        Ok(Outcome::data(Interfaces(rows)))
    }
}

#[derive(Debug, Serialize)]
struct Row {
    interface: String,
    #[serde(rename = "type")]
    kind: String,
    source: String,
    model: String,
    mac: String,
}

/// As JSON, `[{"interface", "type", "source", "model", "mac"}]`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Interfaces(Vec<Row>);

impl TextView for Interfaces {
    fn text(&self, quiet: bool) -> String {
        let mut t = Table::new(["Interface", "Type", "Source", "Model", "MAC"]);
        for r in &self.0 {
            t.row([&r.interface, &r.kind, &r.source, &r.model, &r.mac].map(String::as_str));
        }
        t.render(!quiet)
    }
}
