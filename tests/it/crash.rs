//! Crash safety: virtsh processes killed with SIGKILL at random points of define, undefine,
//! create, start and destroy, hundreds of times, on one root with real QEMU. Afterwards the
//! root loads, every domain answers, no lock is held, no temporary file is left, and every
//! QEMU belongs to a listed running domain.
//!
//! Size knob: `VIRTSH_CRASH_KILLS` (default 200).

use crate::common::{knob, qemus, KillQemusOnDrop, Rng, Virtsh};
use std::time::Duration;

#[test]
fn sigkill_at_random_points_leaves_a_consistent_root() {
    let kills = knob("VIRTSH_CRASH_KILLS", 200);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let v = Virtsh::embedded(&root);
    let _cleanup = KillQemusOnDrop(root.clone());
    let names = ["p0", "p1", "p2", "t0", "t1"];
    for (i, name) in names.iter().enumerate() {
        let xml = format!(
            "<domain type='qemu'><name>{name}</name><uuid>33333333-0000-0000-0000-00000000000{i}</uuid>\
             <memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type></os></domain>"
        );
        std::fs::write(dir.path().join(format!("{name}.xml")), xml).unwrap();
    }
    let mut rng = Rng::seeded(0x9e3779b97f4a7c15);
    for _ in 0..kills {
        let name = names[rng.next(names.len() as u64) as usize];
        let file = dir.path().join(format!("{name}.xml"));
        let file = file.to_str().unwrap().to_string();
        let args: Vec<String> = match (name.starts_with('t'), rng.next(3)) {
            (true, 0 | 1) => vec!["create".into(), file],
            (false, 0) => vec!["define".into(), file],
            (false, 1) => vec!["start".into(), name.into()],
            (_, 2) if rng.next(2) == 0 => vec!["undefine".into(), name.into()],
            _ => vec!["destroy".into(), name.into()],
        };
        v.killed_after(&args, Duration::from_micros(rng.next(40_000)));
    }

    // The root loads, and every domain in it answers.
    let list = v.run(&["list", "--all", "--name"]);
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let listed: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    for name in &listed {
        let o = v.run(&["domstate", "--reason", name]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // No lock is held by anyone.
    for e in std::fs::read_dir(root.join("run/qemu")).unwrap().flatten() {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "lock") {
            let f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
                .unwrap();
            assert!(
                f.try_lock().is_ok(),
                "lock {} is still held",
                path.display()
            );
        }
    }
    // No temporary file survives the next open.
    for sub in ["qemu", "qemu/index", "run/qemu"] {
        for e in std::fs::read_dir(root.join(sub)).unwrap().flatten() {
            assert!(
                !e.file_name().to_string_lossy().starts_with(".tmp-"),
                "{:?} left",
                e.path()
            );
        }
    }
    // Every QEMU belongs to a listed running domain.
    let running: Vec<String> = String::from_utf8_lossy(&v.run(&["list", "--name"]).stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    for (pid, name) in qemus(&root) {
        assert!(
            running.contains(&name),
            "QEMU {pid} of '{name}' is orphaned (running: {running:?})"
        );
    }
    for name in running {
        assert!(v.run(&["destroy", &name]).status.success());
    }
    assert!(qemus(&root).is_empty());
}
