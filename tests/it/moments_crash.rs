//! Crash safety of snapshots: virtsh killed with SIGKILL at random points of
//! `snapshot-create-as`, `snapshot-revert` and `snapshot-delete` on a running (or stopped)
//! guest with a qcow2 disk. After each kill the next command that changes the domain settles
//! what was left; then no operation is left recorded, the state virtsh reports is QEMU's, and
//! the domain starts and stops. With internal snapshots, the snapshots listed are exactly the
//! tags the image holds (none listed whose data is missing, no tag left without metadata).
//! With external snapshots with memory (`--memspec`, with the disk on an overlay or not,
//! `--live` or not), every snapshot listed has a whole memory file and the image it was
//! taken on, no memory file or overlay is left that nothing names, the domain's disk chain
//! is whole, and every snapshot listed can be reverted to.
//!
//! Size knob: `VIRTSH_SNAPSHOT_KILLS` (default 6, for each test); `VIRTSH_CRASH_SEED`
//! replays a run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{knob, qmp, Embedded, Rng, Virtsh};

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

/// Defines guest `name` on a new 16 MiB qcow2 disk (`disk.qcow2` in the fixture's directory),
/// without a kernel: SeaBIOS finds nothing to boot and waits, which is all a snapshot needs.
fn define_guest(e: &Embedded, name: &str) -> PathBuf {
    let dir = e.dir.path();
    let disk = dir.join("disk.qcow2");
    assert!(std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&disk)
        .arg("16M")
        .status()
        .unwrap()
        .success());
    let xml = format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory>\
         <os><type arch='x86_64'>hvm</type></os><devices>\
         <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{}'/><target dev='vda' bus='virtio'/></disk></devices></domain>",
        disk.display()
    );
    let file = dir.join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    e.v.ok(&format!("define {}", file.display()));
    disk
}

/// The snapshots virtsh lists for `name`.
fn snapshot_names(v: &Virtsh, name: &str) -> BTreeSet<String> {
    v.ok(&format!("snapshot-list {name} --name"))
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Whether the state virtsh reports for `name` is QEMU's (a problem is noted when not): `Some`
/// whether it runs when it is active, `None` when it is shut off.
fn checked_state(e: &Embedded, name: &str, what: &str, problems: &mut Vec<String>) -> Option<bool> {
    let state = e.v.ok(&format!("domstate {name}"));
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
        let s = qmp(&e.root, name, "query-status", None);
        if s["running"].as_bool() != Some(running) {
            problems.push(format!("{what}: virtsh says {state:?}, QEMU says {s}"));
        }
    }
    want
}

#[test]
fn sigkill_during_snapshot_operations_leaves_a_consistent_domain() {
    let kills = knob("VIRTSH_SNAPSHOT_KILLS", 6);
    let mut rng = Rng::seeded(0x5eed_1234_abcd_ef01);
    let seed = rng.0;
    let e = Embedded::new();
    let v = &e.v;
    let disk = define_guest(&e, "k");
    v.ok("start k; snapshot-create-as k base");
    let intent = e.root.join("qemu/snapshot/k/intent");
    let mut problems = Vec::new();
    let mut next = 0;
    let mut interrupted = 0;
    for round in 0..kills {
        let listed: Vec<String> = snapshot_names(v, "k").into_iter().collect();
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
        let listed = snapshot_names(v, "k");
        let held = tags(&disk);
        if listed != held {
            problems.push(format!("{what}: listed {listed:?}, image holds {held:?}"));
        }
        let want = checked_state(&e, "k", &what, &mut problems);
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

/// What `snapshot-dumpxml` names for a snapshot: its memory file, and the image its
/// definition's first disk was on (the one a revert puts its new overlay on).
fn snapshot_files(xml: &str) -> (Option<String>, Option<String>) {
    let attr = |s: &str, key: &str| {
        s.split(key)
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .map(String::from)
    };
    let memory = xml.split("<memory ").nth(1).and_then(|m| attr(m, "file='"));
    let image = xml
        .split("<domain type=")
        .nth(1)
        .and_then(|d| attr(d, "<source file='"));
    (memory, image)
}

/// The images of the chain whose top is `image` (`None` when one is missing).
fn chain(image: &str) -> Option<Vec<String>> {
    let out = std::process::Command::new("qemu-img")
        .args(["info", "-U", "--backing-chain", "--output=json", image])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let files = v.as_array()?.iter().filter_map(|i| i["filename"].as_str());
    out.status
        .success()
        .then(|| files.map(String::from).collect())
}

/// The problems of a domain with external memory snapshots: a snapshot without a whole
/// memory file or the image it was taken on, a disk chain with a file missing, and a memory
/// file or image in `dir` that neither a snapshot nor the domain names.
fn memory_snapshot_problems(v: &Virtsh, dir: &Path, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut named = String::new();
    for s in snapshot_names(v, "m") {
        let xml = v.ok(&format!("snapshot-dumpxml m {s}"));
        let (memory, image) = snapshot_files(&xml);
        let whole = memory
            .as_ref()
            .and_then(|m| std::fs::read(m).ok())
            .is_some_and(|b| b.starts_with(b"LibvirtQemudSave"));
        if !whole {
            problems.push(format!("{what}: {s} has no whole memory file ({memory:?})"));
        }
        if !image.as_ref().is_some_and(|i| Path::new(i).exists()) {
            problems.push(format!(
                "{what}: {s} lost the image it was taken on ({image:?})"
            ));
        }
        named.push_str(&xml);
    }
    for args in ["dumpxml m", "dumpxml m --inactive"] {
        let xml = v.ok(args);
        let (_, image) = snapshot_files(&xml);
        match image.as_deref().and_then(chain) {
            Some(files) => named.push_str(&files.join("\n")),
            None => problems.push(format!("{what}: `{args}` names a broken chain ({image:?})")),
        }
        named.push_str(&xml);
    }
    // Images a named one is on (overlays a snapshot made are named by its child only as a
    // backing file).
    let images: Vec<String> = named
        .split(['\'', '\n'])
        .filter(|w| w.starts_with('/') && w.contains("/disk."))
        .map(String::from)
        .collect();
    for i in images {
        if let Some(files) = chain(&i) {
            named.push_str(&files.join("\n"));
        }
    }
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path().display().to_string();
        let file = entry.file_name().to_string_lossy().into_owned();
        let ours = file.ends_with(".mem") || (file.starts_with("disk.") && file != "disk.qcow2");
        if ours && !named.contains(&format!("{path}'")) && !named.contains(&format!("{path}\n")) {
            problems.push(format!("{what}: {file} is left, named by nothing"));
        }
    }
    problems
}

#[test]
fn sigkill_during_memory_snapshot_operations_leaves_a_consistent_domain() {
    let kills = knob("VIRTSH_SNAPSHOT_KILLS", 6);
    let mut rng = Rng::seeded(0x5eed_3e30_abcd_ef02);
    let seed = rng.0;
    let e = Embedded::new();
    let (dir, v) = (e.dir.path(), &e.v);
    define_guest(&e, "m");
    let mem = |n: &str| dir.join(format!("{n}.mem")).display().to_string();
    v.ok(&format!(
        "start m; snapshot-create-as m base --memspec {}",
        mem("base")
    ));
    let intent = e.root.join("qemu/snapshot/m/intent");
    let mut problems = Vec::new();
    let mut next = 0;
    let mut interrupted = 0;
    for round in 0..kills {
        let listed: Vec<String> = snapshot_names(v, "m").into_iter().collect();
        let active = v.ok("domstate m").trim() != "shut off";
        if listed.is_empty() && !active {
            v.ok("start m");
        }
        let pick = |rng: &mut Rng| listed[rng.next(listed.len() as u64) as usize].clone();
        let op = match listed.is_empty() {
            true => 0,
            false => rng.next(5),
        };
        let words = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let args: Vec<String> = match op {
            0..=1 if active || listed.is_empty() => {
                next += 1;
                let name = format!("s{next}");
                let how = ["", " --diskspec vda,snapshot=no", " --live"][rng.next(3) as usize];
                words(&format!(
                    "snapshot-create-as m {name} --memspec {}{how}",
                    mem(&name)
                ))
            }
            0..=3 => {
                let paused = [" --paused", ""][rng.next(2) as usize];
                words(&format!("snapshot-revert m {}{paused}", pick(&mut rng)))
            }
            _ => words(&format!("snapshot-delete m {}", pick(&mut rng))),
        };
        v.killed_after(&args, Duration::from_micros(rng.next(90_000)));

        interrupted += usize::from(intent.exists());
        v.ok("autostart m --disable");
        let what = format!("round {round} ({})", args.join(" "));
        if intent.exists() {
            problems.push(format!("{what}: an operation is still recorded"));
        }
        problems.extend(memory_snapshot_problems(v, dir, &what));
        let want = checked_state(&e, "m", &what, &mut problems);
        if round % 2 == 1 && want.is_some() {
            v.ok("destroy m");
        } else if want.is_none() {
            v.ok("start m");
        }
    }
    // Every snapshot left can be reverted to (overlays are named by the second: one a second).
    for s in snapshot_names(v, "m") {
        std::thread::sleep(Duration::from_millis(1100));
        let o = v.script(&format!("snapshot-revert m {s}"));
        if !o.status.success() {
            let said = String::from_utf8_lossy(&o.stderr).into_owned();
            problems.push(format!("reverting to {s} at the end: {said}"));
        }
        checked_state(&e, "m", &format!("after reverting to {s}"), &mut problems);
    }
    if v.ok("domstate m").trim() != "shut off" {
        v.ok("destroy m");
    }
    v.ok("start m; destroy m");
    eprintln!(
        "memory snapshot kills: {kills} ({interrupted} mid-operation), problems: {} (seed {seed:#x})",
        problems.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}
