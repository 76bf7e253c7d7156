//! `list`: the domains, as a table or one per line for scripts.

use serde::Serialize;
use virtsh_commands::monitor::List;

use crate::commands::prelude::*;

impl Run for List {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        exclusive(&[
            (self.table, "table", self.name, "name"),
            (self.table, "table", self.id, "id"),
        ])?;
        type F = DomainListFlags;
        // As virsh: a shut-off filter without --all looks among the inactive domains only.
        let mut flags = if self.all {
            F::ACTIVE | F::INACTIVE
        } else if self.inactive || self.state_shutoff {
            F::INACTIVE
        } else {
            F::ACTIVE
        };
        flags |= F::from_options([
            (self.persistent, F::PERSISTENT),
            (self.transient, F::TRANSIENT),
            (self.with_managed_save, F::MANAGEDSAVE),
            (self.without_managed_save, F::NO_MANAGEDSAVE),
            (self.autostart, F::AUTOSTART),
            (self.no_autostart, F::NO_AUTOSTART),
            (self.with_snapshot, F::HAS_SNAPSHOT),
            (self.without_snapshot, F::NO_SNAPSHOT),
            (self.with_checkpoint, F::HAS_CHECKPOINT),
            (self.without_checkpoint, F::NO_CHECKPOINT),
            (self.state_running, F::RUNNING),
            (self.state_paused, F::PAUSED),
            (self.state_shutoff, F::SHUTOFF),
            (self.state_other, F::OTHER),
        ]);
        if flags.any(F::ACTIVE) && flags.any(F::INACTIVE) {
            flags = flags & !(F::ACTIVE | F::INACTIVE);
        }
        let conn = s.conn()?;
        let domains = conn.domains();
        let mut doms = domains.list_domains(flags)?;
        // Running domains first by id, then the others by name.
        doms.sort_by(|a, b| match (a.id, b.id) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        });
        let script = !self.table && (self.uuid || self.name || self.id);
        let mut rows = Vec::with_capacity(doms.len());
        let states: Vec<Option<_>> = match script {
            true => doms.iter().map(|_| None).collect(),
            false => domains
                .domain_states(&doms)?
                .into_iter()
                .map(Some)
                .collect(),
        };
        for (dom, state) in doms.into_iter().zip(states) {
            let state = match state {
                None => String::new(),
                Some(state) => match state {
                    // A domain that went away since it was listed is not shown, as in virsh.
                    Err(e) if e.code == ErrorCode::NoDomain => continue,
                    Err(e) => return Err(e.into()),
                    Ok(State::Shutoff(_))
                        if self.managed_save && domains.domain_has_managed_save(&dom)? =>
                    {
                        "saved".into()
                    }
                    Ok(s) => s.text().into(),
                },
            };
            let title = if self.title {
                let t =
                    domains.domain_metadata(&dom, MetadataKind::Title, ModifyFlags::default())?;
                Some(
                    t.and_then(|t| t.lines().next().map(String::from))
                        .unwrap_or_default(),
                )
            } else {
                None
            };
            rows.push(Row {
                id: dom.id,
                name: dom.name,
                uuid: dom.uuid.to_string(),
                state,
                title,
            });
        }
        let style = if script {
            Style::Script {
                uuid: self.uuid,
                id: self.id,
                name: self.name,
            }
        } else {
            Style::Table {
                title: self.title,
                uuid: self.uuid,
            }
        };
        Ok(Outcome::data(ListView { rows, style }))
    }
}

#[derive(Debug, Serialize)]
struct Row {
    id: Option<u32>,
    name: String,
    uuid: String,
    state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
}

#[derive(Debug, Clone, Copy)]
enum Style {
    /// `--title` and `--table --uuid` add their columns.
    Table { title: bool, uuid: bool },
    /// `--uuid`, `--id`, `--name`: one line per domain, no header.
    Script { uuid: bool, id: bool, name: bool },
}

type ListView = Listing<Row, Style>;

impl TextView for ListView {
    fn text(&self, quiet: bool) -> String {
        let mut out = String::new();
        match self.style {
            Style::Table { title, uuid } => {
                let mut header = vec!["Id", "Name", "State"];
                header.extend(title.then_some("Title"));
                header.extend(uuid.then_some("UUID"));
                let mut t = Table::new(header);
                for r in &self.rows {
                    let id = r.id.map_or("-".into(), |i| i.to_string());
                    let mut row = vec![id, r.name.clone(), r.state.clone()];
                    row.extend(title.then(|| r.title.clone().unwrap_or_default()));
                    row.extend(uuid.then(|| r.uuid.clone()));
                    t.row(row);
                }
                out.push_str(&t.render(!quiet));
            }
            Style::Script { uuid, id, name } => {
                for r in &self.rows {
                    let mut fields = Vec::new();
                    if uuid {
                        fields.push(r.uuid.clone());
                    }
                    if id {
                        match r.id {
                            Some(i) => fields.push(i.to_string()),
                            None if !uuid && !name => continue,
                            None => fields.push("-".into()),
                        }
                    }
                    if name {
                        fields.push(r.name.clone());
                    }
                    out.push_str(&fields.join(" "));
                    out.push('\n');
                }
            }
        }
        out
    }
}
