//! Finding the object a command names, with virsh's rules (`virshCommandOptDomainBy` and its
//! pool and volume siblings): which forms each command accepts, in what order, and the
//! `failed to get ...` errors.

use uuid::Uuid;

use super::CmdError;
use crate::debug;
use crate::driver::Connection;
use crate::log::Level;
use crate::types::{DomainRef, NetworkPortRef, NetworkRef, PoolRef, PoolState, VolRef};

/// Which forms of a domain argument a command accepts.
#[derive(Clone, Copy)]
pub struct By {
    pub id: bool,
    pub uuid: bool,
    pub name: bool,
}

impl By {
    pub const ANY: By = By {
        id: true,
        uuid: true,
        name: true,
    };
    pub const NAME_UUID: By = By {
        id: false,
        uuid: true,
        name: true,
    };
    pub const ID_UUID: By = By {
        id: true,
        uuid: true,
        name: false,
    };
    pub const ID_NAME: By = By {
        id: true,
        uuid: false,
        name: true,
    };
    pub const UUID: By = By {
        id: false,
        uuid: true,
        name: false,
    };
    pub const NAME: By = By {
        id: false,
        uuid: false,
        name: true,
    };
}

/// virsh tries an id (a non-negative 32-bit integer), then a UUID (36 characters), then a name;
/// any failure ends in `failed to get domain 'ARG'`, the driver's error dropped.
pub fn domain(conn: &Connection, cmd: &str, arg: &str, by: By) -> Result<DomainRef, CmdError> {
    debug!(Level::Info, "{cmd}: found option <domain>: {arg}");
    let mut last = None;
    let mut keep = |r: crate::error::Result<DomainRef>| match r {
        Ok(d) => Some(d),
        Err(e) => {
            last = Some(e);
            None
        }
    };
    let mut found = None;
    if by.id {
        // An id as `strtol` reads it: blanks and a `+` may come first.
        if let Ok(id) = virtsh_commands::num::unsigned::<i32>(arg) {
            if id >= 0 {
                debug!(Level::Debug, "{cmd}: <domain> looks like ID");
                found = keep(conn.domains().domain_by_id(id as u32));
            }
        }
    }
    if found.is_none() && by.uuid && arg.len() == 36 {
        if let Ok(uuid) = Uuid::parse_str(arg) {
            debug!(Level::Debug, "{cmd}: <domain> trying as domain UUID");
            found = keep(conn.domains().domain_by_uuid(&uuid));
        }
    }
    if found.is_none() && by.name {
        debug!(Level::Debug, "{cmd}: <domain> trying as domain NAME");
        found = keep(conn.domains().domain_by_name(arg));
    }
    let message = format!("failed to get domain '{arg}'");
    found.ok_or_else(|| match last {
        Some(cause) => CmdError::Masked { message, cause },
        None => CmdError::message(message),
    })
}

/// A pool by UUID, then by name; unlike a domain's, a failed pool lookup keeps the driver's
/// error as a second line.
pub fn pool(conn: &Connection, cmd: &str, arg: &str) -> Result<PoolRef, CmdError> {
    debug!(Level::Info, "{cmd}: found option <pool>: {arg}");
    if arg.len() == 36 {
        if let Ok(uuid) = Uuid::parse_str(arg) {
            debug!(Level::Debug, "{cmd}: <pool> trying as pool UUID");
            if let Ok(p) = conn.storage().pool_by_uuid(&uuid) {
                return Ok(p);
            }
        }
    }
    debug!(Level::Debug, "{cmd}: <pool> trying as pool NAME");
    conn.storage()
        .pool_by_name(arg)
        .map_err(|e| CmdError::failed(format!("failed to get pool '{arg}'"), e))
}

/// A network by UUID (a 36-character argument), then by name, as `by` allows; the last
/// lookup's error is kept as a second line.
pub fn network(conn: &Connection, cmd: &str, arg: &str, by: By) -> Result<NetworkRef, CmdError> {
    debug!(Level::Info, "{cmd}: found option <network>: {arg}");
    let failed = || format!("failed to get network '{arg}'");
    let mut last = None;
    if by.uuid && arg.len() == 36 {
        if let Ok(uuid) = Uuid::parse_str(arg) {
            debug!(Level::Debug, "{cmd}: <network> trying as network UUID");
            match conn.networks().network_by_uuid(&uuid) {
                Ok(n) => return Ok(n),
                Err(e) => last = Some(e),
            }
        }
    }
    if by.name {
        debug!(Level::Debug, "{cmd}: <network> trying as network NAME");
        match conn.networks().network_by_name(arg) {
            Ok(n) => return Ok(n),
            Err(e) => last = Some(e),
        }
    }
    match last {
        Some(e) => Err(CmdError::failed(failed(), e)),
        None => Err(CmdError::message(failed())),
    }
}

/// A port of a network, by its UUID (virsh drops the driver's reason).
pub fn network_port(
    conn: &Connection,
    cmd: &str,
    network: &str,
    port: &str,
) -> Result<NetworkPortRef, CmdError> {
    let net = self::network(conn, cmd, network, By::NAME_UUID)?;
    let failed = || format!("failed to get network port '{port}'");
    let uuid = Uuid::parse_str(port).map_err(|_| CmdError::message(failed()))?;
    conn.networks()
        .network_port_by_uuid(&net, &uuid)
        .map_err(|cause| CmdError::Masked {
            message: failed(),
            cause,
        })
}

/// A volume: by name within `--pool` when given, else by key, then by path.
pub fn volume(
    conn: &Connection,
    cmd: &str,
    arg: &str,
    pool_arg: Option<&str>,
) -> Result<VolRef, CmdError> {
    debug!(Level::Info, "{cmd}: found option <vol>: {arg}");
    let mut last_error = None;
    if let Some(p) = pool_arg {
        let pool = pool(conn, cmd, p)?;
        if !conn
            .storage()
            .pool_info(&pool)
            .map(|i| i.state == PoolState::Running)?
        {
            return Err(CmdError::message(format!("pool '{p}' is not active")));
        }
        match conn.storage().vol_by_name(&pool, arg) {
            Ok(v) => return Ok(v),
            Err(e) => last_error = Some(e),
        }
    }
    for what in ["key", "path"] {
        debug!(Level::Debug, "{cmd}: <vol> trying as vol {what}");
        let attempt = match what {
            "key" => conn.storage().vol_by_key(arg),
            _ => conn.storage().vol_by_path(arg),
        };
        match attempt {
            Ok(v) => {
                if let Some(p) = pool_arg {
                    if v.pool != p {
                        return Err(CmdError::message(format!(
                            "Requested volume '{arg}' is not in pool '{p}'"
                        )));
                    }
                }
                return Ok(v);
            }
            Err(e) => last_error = Some(e),
        }
    }
    let context = if pool_arg.is_some() {
        format!("failed to get vol '{arg}'")
    } else {
        format!("failed to get vol '{arg}', specifying --pool might help")
    };
    match last_error {
        Some(cause) => Err(CmdError::failed(context, cause)),
        None => Err(CmdError::message(context)),
    }
}
