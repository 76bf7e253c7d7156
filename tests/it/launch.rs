//! Starting QEMU under trouble: an emulator whose child keeps its output open, an emulator
//! that never comes up, and roots and names long enough to overflow a socket path.

use crate::common;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use crate::common::guests::{diskless_xml, write};
use crate::common::{qemus, Embedded, KillQemusOnDrop, Virtsh};

/// An executable shell script.
fn script(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    let path = write(dir, name, &format!("#!/bin/sh\n{body}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn with_emulator(name: &str, emulator: &std::path::Path) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory>\
         <os><type arch='x86_64'>hvm</type></os><devices><emulator>{}</emulator></devices></domain>",
        emulator.display()
    )
}

/// Kills the process whose pid is in `file`, if it is there.
fn kill_recorded(file: &std::path::Path) {
    if let Ok(pid) = std::fs::read_to_string(file) {
        let _ = std::process::Command::new("kill").arg(pid.trim()).status();
    }
}

#[test]
fn a_child_of_the_emulator_holding_its_output_does_not_hang_start() {
    let e = Embedded::new();
    let (dir, v) = (&e.dir, &e.v);
    let lingerer = dir.path().join("lingerer.pid");
    let emulator = script(
        dir.path(),
        "qemu-wrapper",
        &format!(
            "sleep 300 & echo $! > {}\nexec qemu-system-x86_64 \"$@\"\n",
            lingerer.display()
        ),
    );
    let file = write(dir.path(), "w.xml", &with_emulator("w", &emulator));
    v.ok(&format!("define {}", file.display()));
    let started = Instant::now();
    let out = v.script("start w");
    kill_recorded(&lingerer);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "start took {:?}",
        started.elapsed()
    );
    assert_eq!(v.ok("domstate w"), "running\n");
    v.ok("destroy w");
}

#[test]
fn a_start_that_hangs_blocks_no_one_else() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let hung = dir.path().join("hung.pid");
    let emulator = script(
        dir.path(),
        "qemu-hangs",
        &format!("echo $$ > {}\nexec sleep 300\n", hung.display()),
    );
    let file = write(dir.path(), "h.xml", &with_emulator("h", &emulator));
    let other = write(
        dir.path(),
        "o.xml",
        &diskless_xml("o", "5b3a3f5e-0e0b-4d64-8f0a-000000000002"),
    );
    v.ok(&format!(
        "define {}; define {}",
        file.display(),
        other.display()
    ));
    let mut start = v.spawn(&["start", "h"]);
    common::wait_until("the hung start to begin", || hung.exists());
    // Listing, reading and starting another domain go on meanwhile.
    let t = Instant::now();
    let list = v.ok("list --all");
    assert!(list.contains(" h ") && list.contains("paused"), "{list}");
    assert_eq!(v.ok("domstate h --reason"), "paused (starting up)\n");
    v.ok("start o; destroy o");
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    let _ = start.kill();
    let _ = start.wait();
    kill_recorded(&hung);
    // With its starter and its emulator gone, the start reads as failed.
    v.wait_state("h", "shut off (failed)");
    assert!(qemus(&root).is_empty());
}

#[test]
fn long_roots_and_names_fit() {
    let dir = tempfile::tempdir().unwrap();
    // Past what a socket path may hold, before the domain's own files.
    let root = dir.path().join("r".repeat(120));
    let v = Virtsh::embedded(&root);
    let _cleanup = KillQemusOnDrop(root.clone());
    let name = "n".repeat(240);
    let file = write(
        dir.path(),
        "long.xml",
        &diskless_xml(&name, "0d6f5b80-3f5e-4c0e-9e8e-000000000003")
            .replace("</os>", "</os><devices><serial type='pty'/></devices>"),
    );
    v.ok(&format!("define {}; start {name}", file.display()));
    assert_eq!(v.ok(&format!("domstate {name}")), "running\n");
    v.ok(&format!(
        "suspend {name}; resume {name}; destroy {name}; undefine {name}"
    ));
    // One byte more is refused up front, naming the limit.
    let longer = "n".repeat(241);
    let file = write(
        dir.path(),
        "longer.xml",
        &diskless_xml(&longer, "0d6f5b80-3f5e-4c0e-9e8e-000000000004"),
    );
    let e = v.err(&format!("define {}", file.display()));
    assert!(
        e.contains("is too long: virtsh keeps names of at most 240 bytes"),
        "{e}"
    );
    assert_eq!(v.ok("list --all --name").trim(), "");
}
