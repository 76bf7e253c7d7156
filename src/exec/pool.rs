//! Storage pool commands.

use virtsh_commands::pool as req;
use virtsh_commands::Request;

use super::domain::read_file;
use super::lookup;
use super::{edit, CmdError};
use crate::debug;
use crate::driver::{BuildFlags, Hypervisor, PoolListFlags, PoolRef, PoolState};
use crate::log::Level;
use crate::model::pool::{PoolDef, PoolSource};
use crate::model::Name;
use crate::render::{Outcome, PoolInfoView, PoolList, PoolListStyle, PoolRow, PoolStateName};

pub fn run(conn: &dyn Hypervisor, request: &Request) -> Result<Outcome, CmdError> {
    let cmd = request.name();
    match request {
        Request::PoolList(l) => list(conn, l),
        Request::PoolDefine(d) => {
            let xml = read_file(&d.file)?;
            let pool = conn.define_pool(&xml).map_err(|e| {
                CmdError::failed(format!("Failed to define pool from {}", d.file), e)
            })?;
            message(format!("Pool {} defined from {}", pool.name, d.file))
        }
        Request::PoolDefineAs(p) => {
            let def = compose(&p.name, &p.kind, &Source::from_define(p))?;
            if p.print_xml {
                return Ok(Outcome::Xml(def.to_request_xml()));
            }
            let pool = conn
                .define_pool(&def.to_request_xml())
                .map_err(|e| CmdError::failed(format!("Failed to define pool {}", p.name), e))?;
            message(format!("Pool {} defined", pool.name))
        }
        Request::PoolCreate(c) => {
            let flags = build_flags(c.build, c.overwrite, c.no_overwrite)?;
            let xml = read_file(&c.file)?;
            let pool = conn.create_pool(&xml, flags).map_err(|e| {
                CmdError::failed(format!("Failed to create pool from {}", c.file), e)
            })?;
            message(format!("Pool {} created from {}", pool.name, c.file))
        }
        Request::PoolCreateAs(p) => {
            let flags = build_flags(p.build, p.overwrite, p.no_overwrite)?;
            let def = compose(&p.name, &p.kind, &Source::from_create(p))?;
            if p.print_xml {
                return Ok(Outcome::Xml(def.to_request_xml()));
            }
            let pool = conn
                .create_pool(&def.to_request_xml(), flags)
                .map_err(|e| CmdError::failed(format!("Failed to create pool {}", p.name), e))?;
            message(format!("Pool {} created", pool.name))
        }
        Request::PoolBuild(b) => {
            let flags = build_flags(true, b.overwrite, b.no_overwrite)?;
            act(conn, &b.pool, "build", "built", |c, p| {
                c.build_pool(p, flags)
            })
        }
        Request::PoolStart(s) => {
            let flags = build_flags(s.build, s.overwrite, s.no_overwrite)?;
            act(conn, &s.pool, "start", "started", |c, p| {
                c.start_pool(p, flags)
            })
        }
        Request::PoolDestroy(d) => act(conn, &d.pool, "destroy", "destroyed", |c, p| {
            c.destroy_pool(p)
        }),
        Request::PoolDelete(d) => act(conn, &d.pool, "delete", "deleted", |c, p| c.delete_pool(p)),
        Request::PoolUndefine(u) => act(conn, &u.pool, "undefine", "has been undefined", |c, p| {
            c.undefine_pool(p)
        }),
        Request::PoolRefresh(r) => act(conn, &r.pool, "refresh", "refreshed", |c, p| {
            c.refresh_pool(p)
        }),
        Request::PoolInfo(i) => {
            let pool = lookup::pool(conn, cmd, &i.pool)?;
            let info = conn.pool_info(&pool)?;
            let sized = matches!(info.state, PoolState::Running | PoolState::Degraded);
            let persistent = conn.pool_is_persistent(&pool).ok();
            if let Some(p) = persistent {
                debug!(Level::Debug, "Pool persistent flag value: {}", u8::from(p));
            }
            Ok(Outcome::PoolInfo(PoolInfoView {
                name: pool.name.clone(),
                uuid: pool.uuid.to_string(),
                state: PoolStateName(info.state),
                persistent,
                autostart: conn.pool_autostart(&pool).ok(),
                capacity: sized.then_some(info.capacity),
                allocation: sized.then_some(info.allocation),
                available: sized.then_some(info.available),
                bytes: i.bytes,
            }))
        }
        Request::PoolDumpxml(d) => {
            if d.xpath.is_some() {
                return Err(CmdError::message(
                    "option --xpath is not supported by virtsh yet",
                ));
            }
            let pool = lookup::pool(conn, cmd, &d.pool)?;
            Ok(Outcome::Xml(conn.pool_xml(&pool, d.inactive)?))
        }
        Request::PoolEdit(e) => {
            let pool = lookup::pool(conn, cmd, &e.pool)?;
            let xml = conn.pool_xml(&pool, false)?;
            edit::edit(edit::Subject {
                kind: "Pool",
                relax: false,
                xml,
                define: &|x| conn.define_pool(x).map(|p| p.name),
                name: pool.name,
            })
        }
        Request::PoolAutostart(a) => {
            let pool = lookup::pool(conn, cmd, &a.pool)?;
            let (verb, done) = if a.disable {
                ("unmark", "unmarked")
            } else {
                ("mark", "marked")
            };
            conn.set_pool_autostart(&pool, !a.disable).map_err(|e| {
                CmdError::failed(
                    format!("Failed to {verb} pool {} as autostarted", a.pool),
                    e,
                )
            })?;
            message(format!("Pool {} {done} as autostarted", a.pool))
        }
        Request::PoolName(n) => {
            let uuid = uuid::Uuid::parse_str(&n.pool)
                .ok()
                .filter(|_| n.pool.len() == 36)
                .ok_or_else(|| CmdError::message(format!("failed to get pool '{}'", n.pool)))?;
            let pool = conn
                .pool_by_uuid(&uuid)
                .map_err(|_| CmdError::message(format!("failed to get pool '{}'", n.pool)))?;
            Ok(Outcome::Value(pool.name))
        }
        Request::PoolUuid(u) => {
            let pool = conn
                .pool_by_name(&u.pool)
                .map_err(|_| CmdError::message(format!("failed to get pool '{}'", u.pool)))?;
            Ok(Outcome::Value(pool.uuid.to_string()))
        }
        other => unreachable!("{} is not a pool command", other.name()),
    }
}

fn message(text: String) -> Result<Outcome, CmdError> {
    Ok(Outcome::Message(text))
}

fn act(
    conn: &dyn Hypervisor,
    arg: &str,
    verb: &str,
    done: &str,
    call: impl FnOnce(&dyn Hypervisor, &PoolRef) -> crate::driver::Result<()>,
) -> Result<Outcome, CmdError> {
    let cmd = format!("pool-{verb}");
    let cmd = cmd.as_str();
    let pool = lookup::pool(conn, cmd, arg)?;
    call(conn, &pool).map_err(|e| CmdError::failed(format!("Failed to {verb} pool {arg}"), e))?;
    message(format!("Pool {arg} {done}"))
}

fn build_flags(build: bool, overwrite: bool, no_overwrite: bool) -> Result<BuildFlags, CmdError> {
    if overwrite && no_overwrite {
        return Err(CmdError::message(
            "Options --overwrite and --no-overwrite are mutually exclusive",
        ));
    }
    let mut flags = BuildFlags::default();
    if build {
        flags |= BuildFlags::WITH_BUILD;
    }
    if build && overwrite {
        flags |= BuildFlags::OVERWRITE;
    }
    if build && no_overwrite {
        flags |= BuildFlags::NO_OVERWRITE;
    }
    Ok(flags)
}

/// The source and target options shared by pool-define-as and pool-create-as.
struct Source {
    host: Option<String>,
    path: Option<String>,
    dev: Option<String>,
    name: Option<String>,
    format: Option<String>,
    target: Option<String>,
    unsupported: Option<&'static str>,
}

macro_rules! source_from {
    ($name:ident, $ty:ty) => {
        fn $name(p: &$ty) -> Source {
            let unsupported = [
                (p.auth_type.is_some(), "auth-type"),
                (p.secret_usage.is_some(), "secret-usage"),
                (p.secret_uuid.is_some(), "secret-uuid"),
                (p.adapter_name.is_some(), "adapter-name"),
                (p.adapter_wwnn.is_some(), "adapter-wwnn"),
                (p.adapter_wwpn.is_some(), "adapter-wwpn"),
                (p.adapter_parent.is_some(), "adapter-parent"),
                (p.source_initiator.is_some(), "source-initiator"),
                (p.source_protocol_ver.is_some(), "source-protocol-ver"),
            ]
            .into_iter()
            .find(|(given, _)| *given)
            .map(|(_, name)| name);
            Source {
                host: p.source_host.clone(),
                path: p.source_path.clone(),
                dev: p.source_dev.clone(),
                name: p.source_name.clone(),
                format: p.source_format.clone(),
                target: p.target.clone(),
                unsupported,
            }
        }
    };
}

impl Source {
    source_from!(from_define, req::PoolDefineAs);
    source_from!(from_create, req::PoolCreateAs);
}

/// The pool XML virsh composes from `*-as` arguments.
fn compose(name: &str, kind: &str, s: &Source) -> Result<PoolDef, CmdError> {
    if let Some(option) = s.unsupported {
        return Err(CmdError::message(format!(
            "option --{option} is not supported by virtsh yet"
        )));
    }
    let name = Name::new(name).map_err(|e| CmdError::message(e.to_string()))?;
    Ok(PoolDef {
        kind: kind.to_string(),
        name,
        uuid: uuid::Uuid::nil(),
        source: PoolSource {
            host: s.host.clone(),
            dir: s.path.clone(),
            device: s.dev.clone(),
            name: s.name.clone(),
            format: s.format.clone(),
        },
        target_path: s.target.clone(),
        permissions: None,
    })
}

fn list(conn: &dyn Hypervisor, l: &req::PoolList) -> Result<Outcome, CmdError> {
    for (a, b, x, y) in [
        (l.details, l.uuid, "details", "uuid"),
        (l.details, l.name, "details", "name"),
    ] {
        if a && b {
            return Err(CmdError::message(format!(
                "Options --{x} and --{y} are mutually exclusive"
            )));
        }
    }
    type F = PoolListFlags;
    let mut flags = if l.all {
        F::default()
    } else if l.inactive {
        F::INACTIVE
    } else {
        F::ACTIVE
    };
    flags |= F::from_options([
        (l.persistent, F::PERSISTENT),
        (l.transient, F::TRANSIENT),
        (l.autostart, F::AUTOSTART),
        (l.no_autostart, F::NO_AUTOSTART),
    ]);
    for kind in l.kind.iter().flat_map(|t| t.split(',')) {
        flags |= F::of_type(kind)
            .ok_or_else(|| CmdError::message(format!("Invalid pool type '{kind}'")))?;
    }
    let mut pools = conn.list_pools(flags)?;
    pools.sort_by_key(|p| p.name.to_lowercase());
    let mut rows = Vec::with_capacity(pools.len());
    for pool in pools {
        let info = conn.pool_info(&pool)?;
        let running = info.state == PoolState::Running;
        rows.push(PoolRow {
            uuid: pool.uuid.to_string(),
            state: PoolStateName(info.state),
            autostart: conn.pool_autostart(&pool)?,
            persistent: conn.pool_is_persistent(&pool)?,
            capacity: running.then_some(info.capacity),
            allocation: running.then_some(info.allocation),
            available: running.then_some(info.available),
            name: pool.name,
        });
    }
    let style = if l.details {
        PoolListStyle::Details
    } else if l.uuid || l.name {
        PoolListStyle::Script {
            uuid: l.uuid,
            name: l.name,
        }
    } else {
        PoolListStyle::Table
    };
    Ok(Outcome::PoolList(PoolList { rows, style }))
}
