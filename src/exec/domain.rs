//! Domain commands: listing, defining, the lifecycle, and the settings virsh changes.

use virtsh_commands::domain as req;
use virtsh_commands::Request;

use super::lookup::{self, By, ANY};
use super::{edit, CmdError};
use crate::debug;
use crate::driver::{
    BuildFlags, DomainListFlags, DomainRef, Error, Hypervisor, MetadataKind, ModifyFlags,
    PoolListFlags, StartFlags, State, XmlFlags,
};
use crate::log::Level;
use crate::model::units::parse_scaled;
use crate::render::{DomainInfoView, DomainList, DomainRow, DomainStateView, ListStyle, Outcome};

const BY_NAME_UUID: By = By {
    id: false,
    uuid: true,
    name: true,
};

pub fn run(conn: &dyn Hypervisor, request: &Request) -> Result<Outcome, CmdError> {
    let cmd = request.name();
    match request {
        Request::List(l) => list(conn, l),
        Request::Define(d) => {
            let xml = read_file(&d.file)?;
            let dom = conn.define_domain(&xml).map_err(|e| {
                CmdError::failed(format!("Failed to define domain from {}", d.file), e)
            })?;
            message(format!("Domain '{}' defined from {}", dom.name, d.file))
        }
        Request::Create(c) => {
            refuse(c.console, "console")?;
            refuse(c.pass_fds.is_some(), "pass-fds")?;
            let xml = read_file(&c.file)?;
            let flags = StartFlags::from_options([
                (c.paused, StartFlags::PAUSED),
                (c.autodestroy, StartFlags::AUTODESTROY),
                (c.validate, StartFlags::VALIDATE),
            ]);
            let dom = conn.create_domain(&xml, flags).map_err(|e| {
                CmdError::failed(format!("Failed to create domain from {}", c.file), e)
            })?;
            message(format!("Domain '{}' created from {}", dom.name, c.file))
        }
        Request::Undefine(u) => {
            refuse(u.storage.is_some(), "storage")?;
            refuse(u.remove_all_storage, "remove-all-storage")?;
            refuse(u.wipe_storage, "wipe-storage")?;
            let dom = lookup::domain(conn, cmd, &u.domain, ANY)?;
            conn.undefine_domain(&dom).map_err(|e| {
                CmdError::failed(format!("Failed to undefine domain '{}'", u.domain), e)
            })?;
            message(format!("Domain '{}' has been undefined", u.domain))
        }
        Request::Start(s) => start(conn, s),
        Request::Shutdown(s) => {
            check_modes(s.mode.as_deref())?;
            lifecycle(
                conn,
                &s.domain,
                |d| conn.shutdown_domain(d),
                "shutdown",
                "is being shutdown",
            )
        }
        Request::Reboot(r) => {
            check_modes(r.mode.as_deref())?;
            lifecycle(
                conn,
                &r.domain,
                |d| conn.reboot_domain(d),
                "reboot",
                "is being rebooted",
            )
        }
        Request::Reset(r) => lifecycle(
            conn,
            &r.domain,
            |d| conn.reset_domain(d),
            "reset",
            "was reset",
        ),
        Request::Destroy(d) => {
            refuse(d.graceful, "graceful")?;
            lifecycle(
                conn,
                &d.domain,
                |d| conn.destroy_domain(d),
                "destroy",
                "destroyed",
            )
        }
        Request::Suspend(s) => lifecycle(
            conn,
            &s.domain,
            |d| conn.suspend_domain(d),
            "suspend",
            "suspended",
        ),
        Request::Resume(r) => lifecycle(
            conn,
            &r.domain,
            |d| conn.resume_domain(d),
            "resume",
            "resumed",
        ),
        Request::Dominfo(d) => dominfo(conn, &d.domain),
        Request::Domstate(d) => {
            let dom = lookup::domain(conn, cmd, &d.domain, ANY)?;
            let state = conn.domain_state(&dom)?;
            Ok(Outcome::DomainState(DomainStateView {
                state: state.text().into(),
                reason: state.reason_text().into(),
                show_reason: d.reason,
            }))
        }
        Request::Domcontrol(d) => {
            let dom = lookup::domain(conn, cmd, &d.domain, ANY)?;
            Ok(Outcome::Value(conn.domain_control(&dom)?.text().into()))
        }
        Request::Domname(d) => {
            let by = By {
                id: true,
                uuid: true,
                name: false,
            };
            Ok(Outcome::Value(
                lookup::domain(conn, cmd, &d.domain, by)?.name,
            ))
        }
        Request::Domuuid(d) => {
            let by = By {
                id: true,
                uuid: false,
                name: true,
            };
            Ok(Outcome::Value(
                lookup::domain(conn, cmd, &d.domain, by)?.uuid.to_string(),
            ))
        }
        Request::Domid(d) => {
            let dom = lookup::domain(conn, cmd, &d.domain, BY_NAME_UUID)?;
            Ok(Outcome::Value(dom.id.map_or("-".into(), |i| i.to_string())))
        }
        Request::Dumpxml(d) => {
            refuse(d.xpath.is_some(), "xpath")?;
            let dom = lookup::domain(conn, cmd, &d.domain, ANY)?;
            let flags = XmlFlags::from_options([
                (d.inactive, XmlFlags::INACTIVE),
                (d.security_info, XmlFlags::SECURE),
                (d.update_cpu, XmlFlags::UPDATE_CPU),
                (d.migratable, XmlFlags::MIGRATABLE),
            ]);
            Ok(Outcome::Xml(conn.domain_xml(&dom, flags)?))
        }
        Request::Edit(e) => {
            // virsh validates edited XML against the schema unless --skip-validate; virtsh
            // checks structure only, so the option changes nothing.
            let dom = lookup::domain(conn, cmd, &e.domain, ANY)?;
            let xml = conn.domain_xml(&dom, XmlFlags::INACTIVE | XmlFlags::SECURE)?;
            edit::edit(edit::Subject {
                kind: "Domain",
                relax: true,
                xml,
                define: &|x| conn.define_domain(x).map(|d| d.name),
                name: dom.name,
            })
        }
        Request::Autostart(a) => {
            refuse(a.once, "once")?;
            let dom = lookup::domain(conn, cmd, &a.domain, ANY)?;
            let (verb, done) = if a.disable {
                ("unmark", "unmarked")
            } else {
                ("mark", "marked")
            };
            conn.set_domain_autostart(&dom, !a.disable).map_err(|e| {
                CmdError::failed(
                    format!("Failed to {verb} domain '{}' as autostarted", a.domain),
                    e,
                )
            })?;
            message(format!("Domain '{}' {done} as autostarted", a.domain))
        }
        Request::AutostartAll(_) => autostart_all(conn),
        Request::Setmem(s) => {
            let flags = impact(s.current, s.live, s.config)?;
            let dom = lookup::domain(conn, cmd, &s.domain, ANY)?;
            let kib = scaled_kib(&s.size, "size")?;
            conn.set_memory(&dom, kib, flags.unwrap_or(ModifyFlags::LIVE))?;
            Ok(Outcome::Nothing)
        }
        Request::Setmaxmem(s) => {
            let flags = impact(s.current, s.live, s.config)?;
            let dom = lookup::domain(conn, cmd, &s.domain, ANY)?;
            let kib = scaled_kib(&s.size, "size")?;
            conn.set_max_memory(&dom, kib, flags.unwrap_or_default())
                .map_err(|e| CmdError::failed("Unable to change MaxMemorySize", e))?;
            Ok(Outcome::Nothing)
        }
        Request::Setvcpus(s) => setvcpus(conn, s),
        Request::Domrename(r) => {
            let dom = lookup::domain(conn, cmd, &r.domain, BY_NAME_UUID)?;
            conn.rename_domain(&dom, &r.new_name)?;
            message("Domain successfully renamed")
        }
        Request::Desc(d) => desc(conn, d),
        other => unreachable!("{} is not a domain command", other.name()),
    }
}

/// `console DOMAIN`: attaches the terminal (the session checked it is one).
pub fn console(conn: &dyn Hypervisor, c: &req::Console, escape: &str) -> Result<Outcome, CmdError> {
    refuse(c.safe, "safe")?;
    let dom = lookup::domain(conn, "console", &c.domain, ANY)?;
    if !conn.domain_state(&dom)?.is_active() {
        return Err(CmdError::message("The domain is not running"));
    }
    let stream = conn.open_console(&dom, c.devname.as_deref())?;
    if c.resume && matches!(conn.domain_state(&dom)?, State::Paused(_)) {
        conn.resume_domain(&dom)?;
    }
    super::console::attach(&dom.name, stream, escape)
}

/// Starts the inactive pools, then the inactive domains, marked autostart; reports each.
fn autostart_all(conn: &dyn Hypervisor) -> Result<Outcome, CmdError> {
    let mut started = Vec::new();
    let mut failed = Vec::new();
    let pools = conn.list_pools(PoolListFlags::INACTIVE | PoolListFlags::AUTOSTART);
    // A driver without storage has no pools to start.
    for pool in pools.unwrap_or_default() {
        match conn.start_pool(&pool, BuildFlags::default()) {
            Ok(()) => started.push(format!("Pool {} started", pool.name)),
            Err(e) => failed.push(format!("pool {}: {e}", pool.name)),
        }
    }
    for dom in conn.list_domains(DomainListFlags::INACTIVE | DomainListFlags::AUTOSTART)? {
        match conn.start_domain(&dom, StartFlags::default()) {
            Ok(()) => started.push(format!("Domain '{}' started", dom.name)),
            Err(e) => failed.push(format!("domain '{}': {e}", dom.name)),
        }
    }
    if !failed.is_empty() {
        return Err(CmdError::message(format!(
            "autostart failed for {}",
            failed.join("; ")
        )));
    }
    Ok(if started.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Message(started.join("\n"))
    })
}

fn message(text: impl Into<String>) -> Result<Outcome, CmdError> {
    Ok(Outcome::Message(text.into()))
}

/// An option virtsh recognises but cannot carry out yet: refused, never ignored.
fn refuse(given: bool, option: &str) -> Result<(), CmdError> {
    if given {
        return Err(CmdError::message(format!(
            "option --{option} is not supported by virtsh yet"
        )));
    }
    Ok(())
}

/// virsh's `virFileReadAll` of an XML argument.
pub(super) fn read_file(path: &str) -> Result<String, CmdError> {
    std::fs::read_to_string(path)
        .map_err(|e| CmdError::Driver(Error::system(format!("Failed to open file '{path}'"), &e)))
}

/// `--current`, `--live`, `--config`: `None` when none is given.
fn impact(current: bool, live: bool, config: bool) -> Result<Option<ModifyFlags>, CmdError> {
    for (a, b, x, y) in [
        (current, live, "current", "live"),
        (current, config, "current", "config"),
    ] {
        if a && b {
            return Err(CmdError::message(format!(
                "Options --{x} and --{y} are mutually exclusive"
            )));
        }
    }
    let mut flags = ModifyFlags::default();
    if live {
        flags |= ModifyFlags::LIVE;
    }
    if config {
        flags |= ModifyFlags::CONFIG;
    }
    Ok((current || live || config).then_some(flags))
}

fn scaled_kib(text: &str, option: &str) -> Result<u64, CmdError> {
    parse_scaled(text, 1024).map(|b| b / 1024).map_err(|_| {
        CmdError::message(format!(
            "Scaled numeric value '{text}' for <{option}> option is malformed or out of range"
        ))
    })
}

fn check_modes(mode: Option<&str>) -> Result<(), CmdError> {
    for m in mode.into_iter().flat_map(|m| m.split(',')) {
        if !req::SHUTDOWN_MODES.contains(&m) {
            return Err(CmdError::message(format!(
                "Unknown mode {m} value, expecting 'acpi', 'agent', 'initctl', 'signal', or 'paravirt'"
            )));
        }
    }
    Ok(())
}

fn lifecycle(
    conn: &dyn Hypervisor,
    arg: &str,
    call: impl FnOnce(&DomainRef) -> crate::driver::Result<()>,
    verb: &str,
    done: &str,
) -> Result<Outcome, CmdError> {
    // The verbs are the command names.
    let cmd = verb;
    let dom = lookup::domain(conn, cmd, arg, ANY)?;
    call(&dom).map_err(|e| CmdError::failed(format!("Failed to {verb} domain '{arg}'"), e))?;
    message(format!("Domain '{arg}' {done}"))
}

fn start(conn: &dyn Hypervisor, s: &req::Start) -> Result<Outcome, CmdError> {
    let cmd = "start";
    refuse(s.console, "console")?;
    refuse(s.pass_fds.is_some(), "pass-fds")?;
    let dom = lookup::domain(conn, cmd, &s.domain, BY_NAME_UUID)?;
    if dom.id.is_some() {
        return Err(CmdError::message("Domain is already active"));
    }
    let flags = StartFlags::from_options([
        (s.paused, StartFlags::PAUSED),
        (s.autodestroy, StartFlags::AUTODESTROY),
        (s.bypass_cache, StartFlags::BYPASS_CACHE),
        (s.force_boot, StartFlags::FORCE_BOOT),
        (s.reset_nvram, StartFlags::RESET_NVRAM),
    ]);
    conn.start_domain(&dom, flags)
        .map_err(|e| CmdError::failed(format!("Failed to start domain '{}'", s.domain), e))?;
    message(format!("Domain '{}' started", s.domain))
}

fn list(conn: &dyn Hypervisor, l: &req::List) -> Result<Outcome, CmdError> {
    for (a, b, x, y) in [
        (l.table, l.name, "table", "name"),
        (l.table, l.uuid, "table", "uuid"),
        (l.table, l.id, "table", "id"),
    ] {
        if a && b {
            return Err(CmdError::message(format!(
                "Options --{x} and --{y} are mutually exclusive"
            )));
        }
    }
    type F = DomainListFlags;
    let mut flags = if l.all {
        F::ACTIVE | F::INACTIVE
    } else if l.inactive {
        F::INACTIVE
    } else {
        F::ACTIVE
    };
    flags |= F::from_options([
        (l.persistent, F::PERSISTENT),
        (l.transient, F::TRANSIENT),
        (l.with_managed_save, F::MANAGEDSAVE),
        (l.without_managed_save, F::NO_MANAGEDSAVE),
        (l.autostart, F::AUTOSTART),
        (l.no_autostart, F::NO_AUTOSTART),
        (l.with_snapshot, F::HAS_SNAPSHOT),
        (l.without_snapshot, F::NO_SNAPSHOT),
        (l.with_checkpoint, F::HAS_CHECKPOINT),
        (l.without_checkpoint, F::NO_CHECKPOINT),
        (l.state_running, F::RUNNING),
        (l.state_paused, F::PAUSED),
        (l.state_shutoff, F::SHUTOFF),
        (l.state_other, F::OTHER),
    ]);
    if flags.any(F::ACTIVE) && flags.any(F::INACTIVE) {
        flags = flags & !(F::ACTIVE | F::INACTIVE);
    }
    let mut doms = conn.list_domains(flags)?;
    // Running domains first by id, then the others by name.
    doms.sort_by(|a, b| match (a.id, b.id) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
    });
    let script = l.uuid || l.name || l.id;
    let mut rows = Vec::with_capacity(doms.len());
    for dom in doms {
        let state = if script {
            None
        } else {
            Some(conn.domain_state(&dom)?)
        };
        let state_text = match state {
            Some(State::Shutoff(_)) if l.managed_save && conn.domain_has_managed_save(&dom)? => {
                "saved".to_string()
            }
            Some(s) => s.text().to_string(),
            None => String::new(),
        };
        let title = if l.title {
            let t = conn.domain_metadata(&dom, MetadataKind::Title, ModifyFlags::default())?;
            Some(
                t.map(|t| t.lines().next().unwrap_or_default().to_string())
                    .unwrap_or_default(),
            )
        } else {
            None
        };
        rows.push(DomainRow {
            id: dom.id,
            name: dom.name,
            uuid: dom.uuid.to_string(),
            state: state_text,
            title,
        });
    }
    let style = if script {
        ListStyle::Script {
            uuid: l.uuid,
            id: l.id,
            name: l.name,
        }
    } else {
        ListStyle::Table { title: l.title }
    };
    Ok(Outcome::DomainList(DomainList { rows, style }))
}

fn dominfo(conn: &dyn Hypervisor, arg: &str) -> Result<Outcome, CmdError> {
    let dom = lookup::domain(conn, "dominfo", arg, ANY)?;
    let s = conn.domain_summary(&dom)?;
    if let Some(p) = s.persistent {
        debug!(
            Level::Debug,
            "Domain persistent flag value: {}",
            u8::from(p)
        );
    }
    Ok(Outcome::DomainInfo(DomainInfoView {
        id: dom.id,
        name: dom.name.clone(),
        uuid: dom.uuid.to_string(),
        os_type: s.os_type,
        state: s.info.state.text().into(),
        cpus: s.info.nr_virt_cpu,
        cpu_time_ns: s.info.cpu_time_ns,
        max_memory_kib: s.info.max_mem_kib,
        used_memory_kib: s.info.memory_kib,
        persistent: s.persistent,
        autostart: s.autostart,
        managed_save: s.managed_save,
        security_doi: s.security_model.as_ref().map(|m| m.doi.clone()),
        security_model: s.security_model.map(|m| m.model),
        security_enforcing: s.security_label.as_ref().map(|l| l.enforcing),
        security_label: s.security_label.map(|l| l.label),
        messages: s.messages,
    }))
}

fn setvcpus(conn: &dyn Hypervisor, s: &req::Setvcpus) -> Result<Outcome, CmdError> {
    let cmd = "setvcpus";
    let flags = impact(s.current, s.live, s.config)?;
    if s.count == 0 {
        return Err(CmdError::message("Can't set 0 processors for a VM"));
    }
    refuse(s.guest, "guest")?;
    refuse(s.hotpluggable, "hotpluggable")?;
    let dom = lookup::domain(conn, cmd, &s.domain, ANY)?;
    let mut flags = flags.unwrap_or(ModifyFlags::LIVE);
    if s.maximum {
        flags |= ModifyFlags::MAXIMUM;
    }
    conn.set_vcpus(&dom, s.count, flags)?;
    Ok(Outcome::Nothing)
}

fn desc(conn: &dyn Hypervisor, d: &req::Desc) -> Result<Outcome, CmdError> {
    let cmd = "desc";
    refuse(d.edit, "edit")?;
    let flags = impact(d.current, d.live, d.config)?.unwrap_or_default();
    let dom = lookup::domain(conn, cmd, &d.domain, ANY)?;
    let (kind, what) = if d.title {
        (MetadataKind::Title, "title")
    } else {
        (MetadataKind::Description, "description")
    };
    if d.new_desc.is_empty() {
        return Ok(match conn.domain_metadata(&dom, kind, flags)? {
            Some(text) => Outcome::Text(text),
            None => Outcome::Note(format!("No {what} for domain: {}", dom.name)),
        });
    }
    let text = d.new_desc.join(" ");
    conn.set_domain_metadata(&dom, kind, Some(&text), flags)
        .map_err(|e| CmdError::failed(format!("Failed to set new domain {what}"), e))?;
    Ok(Outcome::Note(format!("Domain {what} updated successfully")))
}
