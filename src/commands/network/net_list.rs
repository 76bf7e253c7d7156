//! `net-list`: the networks, as a table or one per line for scripts.

use serde::Serialize;
use virtsh_commands::network::NetList;

use crate::commands::prelude::*;

impl Run for NetList {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        if [self.table, self.name, self.uuid]
            .iter()
            .filter(|o| **o)
            .count()
            > 1
        {
            return Err(CmdError::message(
                "Only one argument from --table, --name and --uuid may be specified.",
            ));
        }
        let flags = NetworkListFlags(lifecycle_filter(
            self.all,
            self.inactive,
            (self.persistent, self.transient),
            (self.autostart, self.no_autostart),
        ));
        let conn = s.conn()?;
        let nets = conn.networks();
        let mut list = nets.list_networks(flags)?;
        list.sort_by_key(|n| n.name.to_lowercase());
        let style = if self.uuid {
            Style::Uuid
        } else if self.name {
            Style::Name
        } else {
            Style::Table { title: self.title }
        };
        let table = matches!(style, Style::Table { .. });
        let facts = if table {
            nets.network_facts(&list)?
        } else {
            vec![NetworkFacts::default(); list.len()]
        };
        let mut rows = Vec::with_capacity(list.len());
        for (net, f) in list.into_iter().zip(facts) {
            let title = match self.title && table {
                true => nets
                    .network_metadata(&net, NetMetadata::Title, ModifyFlags::default())
                    .ok()
                    .flatten(),
                false => None,
            };
            rows.push(Row {
                uuid: net.uuid.to_string(),
                active: f.active,
                autostart: f.autostart,
                persistent: f.persistent,
                title,
                name: net.name,
            });
        }
        Ok(Outcome::data(ListView { rows, style }))
    }
}

#[derive(Debug, Serialize)]
struct Row {
    name: String,
    uuid: String,
    active: Option<bool>,
    autostart: Option<bool>,
    persistent: Option<bool>,
    title: Option<String>,
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Table { title: bool },
    Name,
    Uuid,
}

type ListView = Listing<Row, Style>;

impl TextView for ListView {
    fn text(&self, quiet: bool) -> String {
        match self.style {
            Style::Name => self.rows.iter().map(|r| format!("{}\n", r.name)).collect(),
            Style::Uuid => self.rows.iter().map(|r| format!("{}\n", r.uuid)).collect(),
            Style::Table { title } => {
                let mut head = vec!["Name", "State", "Autostart", "Persistent"];
                if title {
                    head.push("Title");
                }
                let mut t = Table::new(head);
                for r in &self.rows {
                    let state = if r.active == Some(true) {
                        "active"
                    } else {
                        "inactive"
                    };
                    let autostart = r.autostart.map_or("-", yes_no);
                    let mut row = vec![
                        r.name.as_str(),
                        state,
                        autostart,
                        r.persistent.map_or("-", yes_no),
                    ];
                    if title {
                        row.push(r.title.as_deref().unwrap_or(""));
                    }
                    t.row(row);
                }
                t.render(!quiet)
            }
        }
    }
}
