//! `version`: the library, API and hypervisor versions (and the daemon's, on request).

use serde::Serialize;
use virtsh_commands::host::Version;

use crate::commands::prelude::*;
use crate::LIBVIRT_VERSION;

/// `major.minor.micro` from libvirt's packed version number.
fn version_text(v: u64) -> String {
    format!("{}.{}.{}", v / 1_000_000, v / 1_000 % 1_000, v % 1_000)
}

impl Run for Version {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let hv = conn.host().hv_version()?;
        Ok(Outcome::data(VersionView {
            library: LIBVIRT_VERSION,
            api: LIBVIRT_VERSION,
            hypervisor_type: conn.host().hv_type()?,
            hypervisor: (hv != 0).then(|| version_text(hv)),
            daemon: self.daemon.then_some(LIBVIRT_VERSION),
        }))
    }
}

#[derive(Debug, Serialize)]
struct VersionView {
    library: &'static str,
    api: &'static str,
    hypervisor_type: String,
    hypervisor: Option<String>,
    daemon: Option<&'static str>,
}

impl TextView for VersionView {
    fn text(&self, _: bool) -> String {
        let mut out = format!(
            "Compiled against library: libvirt {lib}\nUsing library: libvirt {lib}\n\
             Using API: {} {}\n",
            self.hypervisor_type,
            self.api,
            lib = self.library
        );
        match &self.hypervisor {
            Some(hv) => out.push_str(&format!(
                "Running hypervisor: {} {hv}\n",
                self.hypervisor_type
            )),
            None => out.push_str(&format!(
                "Cannot extract running {} hypervisor version\n",
                self.hypervisor_type
            )),
        }
        if let Some(d) = self.daemon {
            out.push_str(&format!("Running against daemon: {d}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions() {
        assert_eq!(super::version_text(2), "0.0.2");
        assert_eq!(super::version_text(11_003_000), "11.3.0");
    }
}
