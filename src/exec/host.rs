//! Host and hypervisor commands: `uri`, `hostname`, `version`, `nodeinfo`, `capabilities`.

use virtsh_commands::Request;

use super::CmdError;
use crate::driver::Hypervisor;
use crate::render::{Outcome, VersionView};
use crate::LIBVIRT_VERSION;

/// `major.minor.micro` from libvirt's packed version number.
fn version_text(v: u64) -> String {
    format!("{}.{}.{}", v / 1_000_000, v / 1_000 % 1_000, v % 1_000)
}

pub fn run(conn: &dyn Hypervisor, request: &Request) -> Result<Outcome, CmdError> {
    Ok(match request {
        Request::Uri(_) => Outcome::Value(conn.uri()?),
        Request::Hostname(_) => Outcome::Value(conn.hostname()?),
        Request::Version(v) => {
            let hv_type = conn.hv_type()?;
            let hv = conn.hv_version()?;
            let view = VersionView {
                library: LIBVIRT_VERSION.into(),
                api: LIBVIRT_VERSION.into(),
                hypervisor_type: hv_type,
                hypervisor: (hv != 0).then(|| version_text(hv)),
                daemon: v.daemon.then(|| LIBVIRT_VERSION.to_string()),
            };
            Outcome::Version(view)
        }
        Request::Nodeinfo(_) => Outcome::NodeInfo(conn.node_info()?),
        Request::Capabilities(_) => Outcome::Xml(conn.capabilities()?),
        other => unreachable!("{} is not a host command", other.name()),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions() {
        assert_eq!(super::version_text(2), "0.0.2");
        assert_eq!(super::version_text(11_003_000), "11.3.0");
    }
}
