//! What `pool-define-as` and `pool-create-as` share: the pool XML virsh composes from their
//! arguments, and the build flags of the commands that may build a pool first.

use virtsh_commands::args::{BuildArgs, PoolAs};

use super::common::{message, refuse};
use super::CmdError;
use crate::driver::StorageCalls;
use crate::model::pool::{PoolDef, PoolSource};
use crate::model::Name;
use crate::render::Outcome;
use crate::session::Session;
use crate::types::{BuildFlags, PoolRef};

/// `pool-define-as` and `pool-create-as`: the composed XML printed (`--print-xml`), or handed
/// to `act`; `verb` (`define`, `create`) names what was done.
pub fn define_or_create(
    s: &mut Session,
    p: &PoolAs,
    (verb, done): (&str, &str),
    act: impl FnOnce(StorageCalls<'_>, &str) -> crate::error::Result<PoolRef>,
) -> Result<Outcome, CmdError> {
    let xml = compose(p)?.to_request_xml();
    if p.print_xml {
        return Ok(Outcome::Xml(xml));
    }
    let pool = act(s.conn()?.storage(), &xml)
        .map_err(|e| CmdError::failed(format!("Failed to {verb} pool {}", p.name), e))?;
    message(format!("Pool {} {done}", pool.name))
}

/// The pool XML virsh composes from `*-as` arguments.
pub fn compose(p: &PoolAs) -> Result<PoolDef, CmdError> {
    for (given, option) in [
        (p.auth_type.is_some(), "auth-type"),
        (p.secret_usage.is_some(), "secret-usage"),
        (p.secret_uuid.is_some(), "secret-uuid"),
        (p.adapter_name.is_some(), "adapter-name"),
        (p.adapter_wwnn.is_some(), "adapter-wwnn"),
        (p.adapter_wwpn.is_some(), "adapter-wwpn"),
        (p.adapter_parent.is_some(), "adapter-parent"),
        (p.source_initiator.is_some(), "source-initiator"),
        (p.source_protocol_ver.is_some(), "source-protocol-ver"),
    ] {
        refuse(given, option)?;
    }
    let name = Name::new(&p.name).map_err(|e| CmdError::message(e.to_string()))?;
    Ok(PoolDef {
        kind: p.kind.clone(),
        name,
        uuid: uuid::Uuid::nil(),
        source: PoolSource {
            host: p.source_host.clone(),
            dir: p.source_path.clone(),
            device: p.source_dev.clone(),
            name: p.source_name.clone(),
            format: p.source_format.clone(),
        },
        target_path: p.target.clone(),
        permissions: None,
    })
}

/// `--build`, `--overwrite`, `--no-overwrite` as flags (`pool-build` always builds).
pub fn build_flags(b: &BuildArgs) -> Result<BuildFlags, CmdError> {
    super::common::exclusive(&[(b.overwrite, "overwrite", b.no_overwrite, "no-overwrite")])?;
    Ok(BuildFlags::from_options([
        (b.build, BuildFlags::WITH_BUILD),
        (b.build && b.overwrite, BuildFlags::OVERWRITE),
        (b.build && b.no_overwrite, BuildFlags::NO_OVERWRITE),
    ]))
}
