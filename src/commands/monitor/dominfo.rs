//! `dominfo`: the basic facts of a domain.

use serde::Serialize;
use virtsh_commands::monitor::Dominfo;

use crate::commands::prelude::*;
use crate::debug;
use crate::log::Level;

impl Run for Dominfo {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let model = conn
            .host()
            .security_model()?
            .filter(|m| !m.model.is_empty());
        let s = conn.domains().domain_summary(&dom, model.as_ref())?;
        if let Some(p) = s.persistent {
            debug!(
                Level::Debug,
                "Domain persistent flag value: {}",
                u8::from(p)
            );
        }
        Ok(Outcome::data(InfoView {
            id: dom.id,
            name: dom.name,
            uuid: dom.uuid.to_string(),
            os_type: s.os_type,
            state: s.info.state.text(),
            cpus: s.info.nr_virt_cpu,
            cpu_time_ns: s.info.cpu_time_ns,
            max_memory_kib: s.info.max_mem_kib,
            used_memory_kib: s.info.memory_kib,
            persistent: s.persistent,
            autostart: s.autostart,
            autostart_once: s.autostart_once,
            managed_save: s.managed_save,
            security_doi: model.as_ref().map(|m| m.doi.clone()),
            security_model: model.map(|m| m.model),
            security_enforcing: s.security_label.as_ref().map(|l| l.enforcing),
            security_label: s.security_label.map(|l| l.label),
            messages: s.messages,
        }))
    }
}

#[derive(Debug, Serialize)]
struct InfoView {
    id: Option<u32>,
    name: String,
    uuid: String,
    os_type: String,
    state: &'static str,
    cpus: u32,
    cpu_time_ns: u64,
    max_memory_kib: u64,
    used_memory_kib: u64,
    persistent: Option<bool>,
    autostart: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    autostart_once: Option<bool>,
    managed_save: Option<bool>,
    security_model: Option<String>,
    security_doi: Option<String>,
    security_label: Option<String>,
    security_enforcing: Option<bool>,
    messages: Vec<String>,
}

impl TextView for InfoView {
    fn text(&self, _: bool) -> String {
        let mut out = String::new();
        let out = &mut out;
        field(out, "Id:", &self.id.map_or("-".into(), |id| id.to_string()));
        field(out, "Name:", &self.name);
        field(out, "UUID:", &self.uuid);
        field(out, "OS Type:", &self.os_type);
        field(out, "State:", self.state);
        field(out, "CPU(s):", &self.cpus.to_string());
        if self.cpu_time_ns != 0 {
            let secs = self.cpu_time_ns as f64 / 1e9;
            field(out, "CPU time:", &format!("{secs:.1}s"));
        }
        field(out, "Max memory:", &format!("{} KiB", self.max_memory_kib));
        field(
            out,
            "Used memory:",
            &format!("{} KiB", self.used_memory_kib),
        );
        field(
            out,
            "Persistent:",
            self.persistent.map_or("unknown", yes_no),
        );
        let enable = |on: bool| if on { "enable" } else { "disable" };
        if let Some(a) = self.autostart {
            field(out, "Autostart:", enable(a));
        }
        if let Some(a) = self.autostart_once {
            field(out, "Autostart Once:", enable(a));
        }
        field(
            out,
            "Managed save:",
            self.managed_save.map_or("unknown", yes_no),
        );
        if let Some(model) = &self.security_model {
            field(out, "Security model:", model);
            field(
                out,
                "Security DOI:",
                self.security_doi.as_deref().unwrap_or_default(),
            );
            if let Some(label) = &self.security_label {
                let mode = if self.security_enforcing == Some(true) {
                    "enforcing"
                } else {
                    "permissive"
                };
                field(out, "Security label:", &format!("{label} ({mode})"));
            }
        }
        for (i, m) in self.messages.iter().enumerate() {
            field(out, if i == 0 { "Messages:" } else { "" }, m);
        }
        std::mem::take(out)
    }
}
