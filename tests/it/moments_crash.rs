//! Crash safety of snapshots: virtsh killed with SIGKILL at random points of
//! `snapshot-create-as`, `snapshot-revert` and `snapshot-delete` on a running (or stopped)
//! guest with a qcow2 disk. After each kill the next command that changes the domain settles
//! what was left; then no operation is left recorded, the snapshots listed are exactly the
//! tags the image holds (none listed whose data is missing, no tag left without metadata),
//! the state virtsh reports is QEMU's, and the domain starts and stops.
//!
//! Size knob: `VIRTSH_SNAPSHOT_KILLS` (default 6); `VIRTSH_CRASH_SEED` replays a run.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use crate::common::{knob, qmp, Embedded, Rng};

fn tags(disk: &Path) -> BTreeSet<String> {
    let out = std::process::Command::new("qemu-img")
        .args(["info", "-U", "--output=json"])
        .arg(disk)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    v["snapshots"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str().map(String::from))
        .collect()
}

#[test]
fn sigkill_during_snapshot_operations_leaves_a_consistent_domain() {
    let kills = knob("VIRTSH_SNAPSHOT_KILLS", 6);
    let mut rng = Rng::seeded(0x5eed_1234_abcd_ef01);
    let seed = rng.0;
    let e = Embedded::new();
    let (dir, v) = (e.dir.path(), &e.v);
    let disk = dir.join("disk.qcow2");
    assert!(std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&disk)
        .arg("16M")
        .status()
        .unwrap()
        .success());
    // No kernel: SeaBIOS finds nothing to boot and waits, which is all a snapshot needs.
    let xml = format!(
        "<domain type='qemu'><name>k</name><memory unit='MiB'>32</memory>\
         <os><type arch='x86_64'>hvm</type></os><devices>\
         <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{}'/><target dev='vda' bus='virtio'/></disk></devices></domain>",
        disk.display()
    );
    let file = dir.join("k.xml");
    std::fs::write(&file, xml).unwrap();
    v.ok(&format!(
        "define {}; start k; snapshot-create-as k base",
        file.display()
    ));
    let intent = e.root.join("qemu/snapshot/k/intent");
    let mut problems = Vec::new();
    let mut next = 0;
    let mut interrupted = 0;
    for round in 0..kills {
        let listed: Vec<String> = v
            .ok("snapshot-list k --name")
            .lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let pick = |rng: &mut Rng| listed[rng.next(listed.len() as u64) as usize].clone();
        let op = match listed.is_empty() {
            true => 0,
            false => rng.next(3),
        };
        let args: Vec<String> = match op {
            0 => {
                next += 1;
                vec!["snapshot-create-as".into(), "k".into(), format!("s{next}")]
            }
            1 => vec!["snapshot-revert".into(), "k".into(), pick(&mut rng)],
            _ => vec!["snapshot-delete".into(), "k".into(), pick(&mut rng)],
        };
        v.killed_after(&args, Duration::from_micros(rng.next(120_000)));

        // Killed while an operation was under way (its record is there)?
        interrupted += usize::from(intent.exists());
        // The next change settles the domain.
        v.ok("autostart k --disable");
        let what = format!("round {round} ({})", args.join(" "));
        if intent.exists() {
            problems.push(format!("{what}: an operation is still recorded"));
        }
        let listed: BTreeSet<String> = v
            .ok("snapshot-list k --name")
            .lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let held = tags(&disk);
        if listed != held {
            problems.push(format!("{what}: listed {listed:?}, image holds {held:?}"));
        }
        let state = v.ok("domstate k");
        let want = match state.trim() {
            "running" => Some(true),
            "paused" => Some(false),
            "shut off" => None,
            other => {
                problems.push(format!("{what}: state {other}"));
                None
            }
        };
        if let Some(running) = want {
            let s = qmp(&e.root, "k", "query-status", None);
            if s["running"].as_bool() != Some(running) {
                problems.push(format!("{what}: virtsh says {state:?}, QEMU says {s}"));
            }
        }
        // Every other round the guest is stopped, so that both kinds of path are killed.
        if round % 2 == 1 && want.is_some() {
            v.ok("destroy k");
        } else if want.is_none() {
            v.ok("start k");
        }
    }
    // The domain is usable.
    if v.ok("domstate k").trim() != "shut off" {
        v.ok("destroy k");
    }
    v.ok("start k; destroy k");
    eprintln!(
        "snapshot kills: {kills} ({interrupted} mid-operation), problems: {} (seed {seed:#x})",
        problems.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}
