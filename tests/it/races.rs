//! Races between separate `virtsh` processes on one embedded root, with real QEMU: exactly one
//! winner, libvirt's messages for the losers, and no orphaned QEMU, every trial.
//!
//! Size knobs: `VIRTSH_RACE_PROCS` (processes per trial, default 8) and `VIRTSH_RACE_TRIALS`
//! (default 20).

use crate::common::{knob, qemus, text, KillQemusOnDrop, Virtsh};
use std::path::{Path, PathBuf};
use std::process::{Child, Output};

fn procs() -> usize {
    knob("VIRTSH_RACE_PROCS", 8)
}

fn trials() -> usize {
    knob("VIRTSH_RACE_TRIALS", 20)
}

fn spawn(root: &Path, args: &[&str]) -> Child {
    Virtsh::embedded(root).spawn(args)
}

fn run(root: &Path, args: &[&str]) -> Output {
    Virtsh::embedded(root).run(args)
}

fn domain_xml(name: &str, uuid: &str) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><uuid>{uuid}</uuid><memory unit='MiB'>32</memory>\
         <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>"
    )
}

fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    let p = dir.join(file);
    std::fs::write(&p, text).unwrap();
    p
}

/// Running domains as `list` shows them (this also reconciles the root).
fn running(root: &Path) -> Vec<String> {
    let o = run(root, &["list", "--name"]);
    assert!(o.status.success(), "{:?}", text(&o));
    text(&o)
        .0
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Every QEMU of the root belongs to a listed running domain, at most one per domain.
fn assert_no_orphans(root: &Path) {
    let listed = running(root);
    let qemus = qemus(root);
    for (pid, name) in &qemus {
        assert!(
            listed.contains(name),
            "QEMU {pid} of '{name}' is orphaned (running: {listed:?})"
        );
    }
    let mut names: Vec<&String> = qemus.iter().map(|(_, n)| n).collect();
    names.sort();
    names.dedup();
    assert_eq!(
        names.len(),
        qemus.len(),
        "two QEMUs for one domain: {qemus:?}"
    );
}

#[test]
fn same_name_defined_by_many_processes() {
    let dir = tempfile::tempdir().unwrap();
    for trial in 0..trials() {
        let root = dir.path().join(format!("r{trial}"));
        let files: Vec<PathBuf> = (0..procs())
            .map(|i| {
                write(
                    dir.path(),
                    &format!("d{trial}-{i}.xml"),
                    &domain_xml("dup", &format!("00000000-0000-0000-0000-{trial:06}{i:06}")),
                )
            })
            .collect();
        let children: Vec<Child> = files
            .iter()
            .map(|f| spawn(&root, &["define", f.to_str().unwrap()]))
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let winners: Vec<usize> = (0..outs.len())
            .filter(|&i| outs[i].status.success())
            .collect();
        assert_eq!(winners.len(), 1, "trial {trial}: winners {winners:?}");
        let winner_uuid = format!("00000000-0000-0000-0000-{trial:06}{:06}", winners[0]);
        for (i, o) in outs.iter().enumerate().filter(|(i, _)| *i != winners[0]) {
            let err = text(o).1;
            assert!(
                err.contains(&format!(
                    "operation failed: domain 'dup' already exists with uuid {winner_uuid}"
                )),
                "trial {trial} loser {i}: {err}"
            );
        }
        let o = run(&root, &["list", "--all", "--uuid"]);
        assert_eq!(text(&o).0.trim(), winner_uuid, "trial {trial}");
    }
}

#[test]
fn same_transient_domain_created_by_many_processes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let _cleanup = KillQemusOnDrop(root.clone());
    let xml = write(
        dir.path(),
        "t.xml",
        &domain_xml("t", "11111111-0000-0000-0000-000000000001"),
    );
    for trial in 0..trials() {
        let children: Vec<Child> = (0..procs())
            .map(|_| spawn(&root, &["create", xml.to_str().unwrap()]))
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let winners = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(
            winners,
            1,
            "trial {trial}: {:?}",
            outs.iter().map(text).collect::<Vec<_>>()
        );
        for o in outs.iter().filter(|o| !o.status.success()) {
            let err = text(o).1;
            assert!(
                err.contains("domain 't' is already being started")
                    || err.contains("domain 't' is already active"),
                "trial {trial}: {err}"
            );
        }
        assert_eq!(running(&root), vec!["t"], "trial {trial}");
        assert_eq!(qemus(&root).len(), 1, "trial {trial}: exactly one QEMU");
        assert_no_orphans(&root);
        let o = run(&root, &["destroy", "t"]);
        assert!(o.status.success(), "{:?}", text(&o));
        assert!(
            qemus(&root).is_empty(),
            "trial {trial}: QEMU left after destroy"
        );
        let o = run(&root, &["list", "--all", "--name"]);
        assert_eq!(
            text(&o).0.trim(),
            "",
            "a transient domain vanishes when it stops"
        );
    }
}

#[test]
fn lifecycle_races_have_defined_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let _cleanup = KillQemusOnDrop(root.clone());
    let xml = write(
        dir.path(),
        "p.xml",
        &domain_xml("p", "22222222-0000-0000-0000-000000000002"),
    );
    let xml = xml.to_str().unwrap();
    assert!(run(&root, &["define", xml]).status.success());
    for trial in 0..trials().div_ceil(2) {
        // undefine racing start: either order leaves a consistent domain.
        let a = spawn(&root, &["start", "p"]);
        let b = spawn(&root, &["undefine", "p"]);
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(b.status.success(), "trial {trial}: undefine {:?}", text(&b));
        assert_no_orphans(&root);
        let state = text(&run(&root, &["list", "--all", "--name"])).0;
        if a.status.success() {
            // Started, then made transient; it must be running and vanish when stopped.
            assert_eq!(state.trim(), "p");
            // destroy racing shutdown: exactly one of them ends it, nothing is left.
            let d = spawn(&root, &["destroy", "p"]);
            let s = spawn(&root, &["shutdown", "p"]);
            let (d, s) = (d.wait_with_output().unwrap(), s.wait_with_output().unwrap());
            assert!(
                d.status.success() || s.status.success(),
                "{:?} {:?}",
                text(&d),
                text(&s)
            );
            if !d.status.success() {
                assert!(run(&root, &["destroy", "p"]).status.success());
            }
        } else {
            assert_eq!(
                state.trim(),
                "",
                "trial {trial}: undefined first: {:?}",
                text(&a)
            );
        }
        assert!(qemus(&root).is_empty(), "trial {trial}: QEMU left");
        // define racing undefine: both serialise on the list lock.
        let d = spawn(&root, &["define", xml]);
        let u = spawn(&root, &["undefine", "p"]);
        let (d, u) = (d.wait_with_output().unwrap(), u.wait_with_output().unwrap());
        assert!(d.status.success(), "{:?}", text(&d));
        let listed = text(&run(&root, &["list", "--all", "--name"])).0;
        if u.status.success() && listed.trim().is_empty() {
            assert!(run(&root, &["define", xml]).status.success());
        } else {
            assert_eq!(listed.trim(), "p", "{:?}", text(&u));
        }
        assert_no_orphans(&root);
    }
}
