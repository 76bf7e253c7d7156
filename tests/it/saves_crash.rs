//! Crash safety of saves: virtsh killed with SIGKILL at random points of `save`,
//! `managedsave`, `restore`, `start` from a managed save and `dump` (memory-only and not). After
//! each kill the next command that changes the domain settles what was left; then:
//! - a guest the killed command paused runs again, and the state virtsh reports is QEMU's
//!   (a start killed after its QEMU came up reads `paused (starting up)` until destroyed, as
//!   any killed start);
//! - no half-written image is taken for a whole one: every image whose header says
//!   `LibvirtQemudSave` restores, every other one is refused as incomplete or unreadable;
//! - a managed save image, when there is one, is whole, and the domain starts from it;
//! - the domain starts and stops.
//!
//! Size knob: `VIRTSH_SAVE_KILLS` (default 6); `VIRTSH_CRASH_SEED` replays a run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{knob, qmp, Embedded, Rng};

/// Whether the image at `path` says it is whole.
fn whole(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.starts_with(b"LibvirtQemudSave"))
}

#[test]
fn sigkill_during_saves_leaves_a_consistent_domain() {
    let kills = knob("VIRTSH_SAVE_KILLS", 6);
    let mut rng = Rng::seeded(0x5a7e_0bad_c0de_0001);
    let seed = rng.0;
    let e = Embedded::new();
    let (dir, v) = (e.dir.path(), &e.v);
    // No kernel: SeaBIOS finds nothing to boot and waits, which is all a save needs.
    let xml = "<domain type='qemu'><name>k</name><memory unit='MiB'>64</memory>\
               <os><type arch='x86_64'>hvm</type></os><devices/></domain>";
    let file = dir.join("k.xml");
    std::fs::write(&file, xml).unwrap();
    v.ok(&format!("define {}; start k", file.display()));
    let managed = e.root.join("qemu/save/k.save");
    let mut images: Vec<PathBuf> = Vec::new();
    let mut problems = Vec::new();
    let mut interrupted = 0;
    for round in 0..kills {
        let state = v.ok("domstate k");
        let running = state.trim() != "shut off";
        let image = dir.join(format!("k{round}.save"));
        let args: Vec<String> = match (running, rng.next(4)) {
            (true, 0) => vec!["save".into(), "k".into(), image.display().to_string()],
            (true, 1) => vec!["managedsave".into(), "k".into()],
            (true, 2) => vec![
                "dump".into(),
                "k".into(),
                dir.join("k.core").display().to_string(),
                "--memory-only".into(),
            ],
            (true, _) => vec![
                "dump".into(),
                "k".into(),
                dir.join("k.core").display().to_string(),
            ],
            (false, _) => match images.iter().rev().find(|p| whole(p)) {
                Some(p) if !managed.exists() && rng.next(2) == 0 => {
                    vec!["restore".into(), p.display().to_string()]
                }
                _ => vec!["start".into(), "k".into()],
            },
        };
        if args[0] == "save" {
            images.push(image.clone());
        }
        v.killed_after(&args, Duration::from_micros(rng.next(150_000)));
        let what = format!("round {round} ({})", args.join(" "));
        // Killed halfway (a reader sees what was left, and changes nothing)?
        let left = v.ok("domstate k --reason");
        let halfway = ["saving", "dumping", "starting up"]
            .iter()
            .any(|w| left.contains(w))
            || e.root.join("qemu/save/k.save.part").exists();
        interrupted += usize::from(halfway);

        // The next change settles the domain.
        v.ok("autostart k --disable");
        let state = v.ok("domstate k --reason");
        let qemu = match state.split_whitespace().next() {
            Some("running") => Some(true),
            Some("paused") => Some(false),
            Some("shut") => None,
            _ => {
                problems.push(format!("{what}: state {state:?}"));
                None
            }
        };
        if state.contains("saving") || state.contains("dumping") {
            problems.push(format!("{what}: still {state:?} after settling"));
        }
        // A start (or restore) killed after its QEMU came up stays `paused (starting up)`
        // until destroyed, as every killed start does.
        if state.contains("starting up") {
            v.ok("destroy k");
            continue;
        }
        if let Some(running) = qemu {
            let s = qmp(&e.root, "k", "query-status", None);
            if s["running"].as_bool() != Some(running) {
                problems.push(format!("{what}: virtsh says {state:?}, QEMU says {s}"));
            }
        }
        if managed.exists() && !whole(&managed) {
            problems.push(format!("{what}: the managed save image is not whole"));
        }
        if e.root.join("qemu/save/k.save.part").exists() {
            problems.push(format!("{what}: a partial managed save is left"));
        }
        // An image not whole is refused; a whole one is checked when it is restored.
        for p in images.iter().filter(|p| p.exists() && !whole(p)) {
            let said = v.err(&format!("save-image-dumpxml {}", p.display()));
            if !said.contains("save image is incomplete") && !said.contains("failed to read") {
                problems.push(format!("{what}: {} read as {said:?}", p.display()));
            }
        }
        // Every other round the guest is stopped, so that both kinds of path are killed.
        if round % 2 == 1 && qemu.is_some() {
            v.ok("destroy k");
        }
    }
    // The domain is usable, from its managed save if it has one, and from any whole image.
    if v.ok("domstate k").trim() != "shut off" {
        v.ok("destroy k");
    }
    v.ok("start k; destroy k");
    for p in images.iter().filter(|p| whole(p)) {
        match v
            .script(&format!("restore {}", p.display()))
            .status
            .success()
        {
            true => v.ok("destroy k"),
            false => {
                problems.push(format!("a whole image {} does not restore", p.display()));
                String::new()
            }
        };
    }
    eprintln!(
        "save kills: {kills} ({interrupted} mid-operation), images: {}, problems: {} (seed {seed:#x})",
        images.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}
