//! Helpers shared by the tests that run real QEMU on an embedded root.

use std::path::{Path, PathBuf};

/// The QEMU processes started for `root`: (pid, domain name), found by their monitor path.
pub fn qemus(root: &Path) -> Vec<(u32, String)> {
    let prefix = format!("unix:{}/run/qemu/", root.display());
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if stat
            .rsplit(')')
            .next()
            .is_some_and(|s| s.trim_start().starts_with('Z'))
        {
            continue;
        }
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        for arg in cmdline.split(|b| *b == 0) {
            let arg = String::from_utf8_lossy(arg);
            if let Some(name) = arg
                .strip_prefix(&prefix)
                .and_then(|r| r.strip_suffix(".qmp,server=on,wait=off"))
            {
                out.push((pid, name.to_string()));
            }
        }
    }
    out
}

/// Kills whatever QEMU of `root` is left when a test ends, passed or failed, so that one
/// failure does not leave machines behind for the rest of the run.
pub struct KillQemusOnDrop(pub PathBuf);

impl Drop for KillQemusOnDrop {
    fn drop(&mut self) {
        for (pid, _) in qemus(&self.0) {
            let _ = nix_kill(pid);
        }
    }
}

fn nix_kill(pid: u32) -> std::io::Result<()> {
    let status = std::process::Command::new("kill")
        .arg("-9")
        .arg(pid.to_string())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other("kill failed"))
    }
}
