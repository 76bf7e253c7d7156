//! Readers never disturb a VM: reader processes loop over `list --all`, `domstate --reason` and
//! `dominfo` while the lifecycle runs on the same embedded root, with real QEMU: start and
//! destroy, suspend and resume, a guest that shuts itself down when asked, undefine of a
//! running domain, and a transient domain's create and destroy. Every step must end in its
//! exact state and reason, every reader must succeed, and no QEMU may be left that `list`
//! does not account for.
//!
//! Size knobs: `VIRTSH_READERS` (reader processes, default 3) and `VIRTSH_READER_CYCLES`
//! (default 4); by hand, e.g. `VIRTSH_READERS=6 VIRTSH_READER_CYCLES=100`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::guests::{cooperative_disk, diskless_xml, domain_xml, write};
use crate::common::{knob, qemus, text, Embedded, Virtsh};

/// A reader: the read-only commands a monitoring loop runs, until told to stop. Returns what
/// failed (a reader may find a transient domain gone, nothing else).
fn reader(v: Virtsh, stop: Arc<AtomicBool>) -> Vec<String> {
    let mut failures = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        for script in [
            "list --all",
            "domstate r --reason",
            "dominfo r",
            "domstate g --reason",
            "list --name --state-running",
        ] {
            let o = v.script(script);
            if !o.status.success() {
                failures.push(format!("{script}: {}", text(&o).1));
            }
        }
        // A transient domain comes and goes: only its lookup may fail.
        let o = v.script("domstate t --reason");
        let err = text(&o).1;
        if !o.status.success() && !err.contains("failed to get domain 't'") {
            failures.push(format!("domstate t: {err}"));
        }
    }
    failures
}

fn state(v: &Virtsh, name: &str) -> String {
    v.ok(&format!("domstate {name} --reason"))
        .trim()
        .to_string()
}

/// The QEMUs of the root are exactly those of `running` (by domain name).
fn assert_qemus(root: &Path, running: &[&str], step: &str) {
    let mut found: Vec<String> = qemus(root).into_iter().map(|(_, n)| n).collect();
    found.sort();
    let mut want: Vec<String> = running.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(found, want, "QEMUs after {step}");
}

fn wait_for(v: &Virtsh, name: &str, want: &str, step: &str) {
    let started = Instant::now();
    loop {
        let now = state(v, name);
        if now == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{step}: {name} is '{now}', not '{want}'"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn readers_never_disturb_the_lifecycle() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let r = write(
        dir.path(),
        "r.xml",
        &diskless_xml("r", "55555555-0000-0000-0000-000000000001"),
    );
    let u = write(
        dir.path(),
        "u.xml",
        &diskless_xml("u", "55555555-0000-0000-0000-000000000002"),
    );
    let t = write(
        dir.path(),
        "t.xml",
        &diskless_xml("t", "55555555-0000-0000-0000-000000000003"),
    );
    let disk = dir.path().join("coop.img");
    cooperative_disk(&disk);
    let g = write(dir.path(), "g.xml", &domain_xml("g", &disk));
    v.ok(&format!("define {}; define {}", r.display(), g.display()));

    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..knob("VIRTSH_READERS", 3))
        .map(|_| {
            let (v, stop) = (Virtsh::on(v.uri()), stop.clone());
            std::thread::spawn(move || reader(v, stop))
        })
        .collect();

    for cycle in 0..knob("VIRTSH_READER_CYCLES", 4) {
        let step = |what: &str| format!("cycle {cycle}: {what}");
        // Start and destroy.
        v.ok("start r");
        assert_eq!(state(v, "r"), "running (booted)", "{}", step("start"));
        v.ok("destroy r");
        assert_eq!(state(v, "r"), "shut off (destroyed)", "{}", step("destroy"));
        assert_qemus(&root, &[], &step("destroy"));

        // Suspend and resume.
        v.ok("start r; suspend r");
        assert_eq!(state(v, "r"), "paused (user)", "{}", step("suspend"));
        v.ok("resume r");
        assert_eq!(state(v, "r"), "running (unpaused)", "{}", step("resume"));
        v.ok("destroy r");
        assert_qemus(&root, &[], &step("suspend/resume"));

        // A guest that powers itself off when asked.
        v.ok("start g");
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(state(v, "g"), "running (booted)", "{}", step("start g"));
        v.ok("shutdown g");
        wait_for(v, "g", "shut off (shutdown)", &step("guest shutdown"));
        assert_qemus(&root, &[], &step("guest shutdown"));

        // Undefine of a running domain: it runs on as a transient one, and is gone once it
        // stops.
        v.ok(&format!("define {}; start u; undefine u", u.display()));
        assert!(
            v.ok("dominfo u").contains("Persistent:     no"),
            "{}",
            step("undefine")
        );
        assert_eq!(state(v, "u"), "running (booted)", "{}", step("undefine"));
        v.ok("destroy u");
        assert!(
            !v.ok("list --all --name").contains('u'),
            "{}",
            step("transient end")
        );
        assert_qemus(&root, &[], &step("undefine"));

        // A transient domain's create and destroy.
        v.ok(&format!("create {}", t.display()));
        assert_eq!(state(v, "t"), "running (booted)", "{}", step("create"));
        assert_qemus(&root, &["t"], &step("create"));
        v.ok("destroy t");
        assert!(
            v.err("domstate t").contains("failed to get domain 't'"),
            "{}",
            step("destroy t")
        );
        assert_qemus(&root, &[], &step("destroy t"));
    }

    stop.store(true, Ordering::Relaxed);
    let failures: Vec<String> = readers
        .into_iter()
        .flat_map(|r| r.join().unwrap())
        .collect();
    assert!(
        failures.is_empty(),
        "readers failed:\n{}",
        failures.join("\n")
    );
    // No lock file is left of the domains that are gone.
    for gone in ["u", "t"] {
        assert!(
            !root.join(format!("run/qemu/{gone}.lock")).exists(),
            "{gone}.lock left"
        );
    }
}
