//! `net-start` + `net-destroy` of a network with DHCP, NAT and open: virtsh's embedded driver
//! (one-shot commands) against libvirt's `virsh -c qemu:///system` when a libvirtd answers there
//! and can start the network on this host (libvirt's NAT needs a kernel with tc's `csum`
//! action; its open mode sets no firewall rules). Needs root (bridges and nftables tables).
//!
//! Knob: `VIRTSH_BENCH_RUNS` (rounds, default 20).
//!
//!     cargo bench --bench networks

use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::{knob, median};

/// One command of `program` on `uri`: its time, or its error.
fn timed(program: &str, uri: &str, args: &[&str]) -> Result<Duration, String> {
    let started = Instant::now();
    let out = Command::new(program)
        .args(["-q", "-c", uri])
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(started.elapsed())
}

/// Rounds of start + destroy of network `name` (defined from `xml`), or why they failed.
fn rounds(
    program: &str,
    uri: &str,
    xml: &std::path::Path,
    name: &str,
    n: usize,
) -> Result<Vec<Duration>, String> {
    let _ = timed(program, uri, &["net-destroy", name]);
    let _ = timed(program, uri, &["net-undefine", name]);
    timed(program, uri, &["net-define", &xml.display().to_string()])?;
    let mut out = Vec::with_capacity(n);
    let result = (|| {
        for _ in 0..n {
            let start = timed(program, uri, &["net-start", name])?;
            let stop = timed(program, uri, &["net-destroy", name])?;
            out.push(start + stop);
        }
        Ok(())
    })();
    let _ = timed(program, uri, &["net-undefine", name]);
    result.map(|()| out)
}

fn main() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "the network benchmark builds bridges: run it as root"
    );
    let runs = knob("VIRTSH_BENCH_RUNS", 20);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let embedded = format!("qemu:///embed?root={}", root.display());
    for mode in ["nat", "open"] {
        let xml = dir.path().join(format!("{mode}.xml"));
        std::fs::write(
            &xml,
            format!(
                "<network><name>vtsh-bench</name><forward mode='{mode}'/><bridge name='vtsh-bench0'/>\
                 <ip address='192.168.239.1' netmask='255.255.255.0'><dhcp>\
                 <range start='192.168.239.2' end='192.168.239.254'/></dhcp></ip></network>"
            ),
        )
        .unwrap();
        let ours = rounds(
            env!("CARGO_BIN_EXE_virtsh"),
            &embedded,
            &xml,
            "vtsh-bench",
            runs,
        )
        .expect("virtsh starts and stops the network");
        let ours = median(ours);
        println!("net-start + net-destroy, {mode} network with DHCP, median of {runs}:");
        println!("  virtsh (embedded):          {ours:8.2} ms");
        match rounds("virsh", "qemu:///system", &xml, "vtsh-bench", runs) {
            Ok(theirs) => {
                let theirs = median(theirs);
                println!("  virsh (libvirtd):           {theirs:8.2} ms");
                println!("  ratio virtsh/virsh:         {:8.3}", ours / theirs);
            }
            Err(why) => println!(
                "  virsh (libvirtd):           no figure: {}",
                why.lines()
                    .find(|l| l.contains("internal error"))
                    .unwrap_or(&why)
            ),
        }
    }
}
