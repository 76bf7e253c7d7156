//! Interoperability with a real libvirtd (started by scripts/setup-test-env.sh): over
//! `test+unix:///default`, every golden case prints exactly what the real virsh prints on the
//! same URI; over `qemu:///system`, a real domain and a dir pool go through their lifecycle.

use std::process::Output;

mod common;

use std::os::unix::ffi::OsStrExt;

use common::golden::{assert_same_over, command};
use common::libvirtd::{daemon_answers, logs_of, start_domain};
use common::Virtsh;

fn run(program: &str, args: &[String]) -> Output {
    command(program, args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

#[test]
fn golden_cases_over_the_daemon_match_virsh() {
    daemon_answers();
    assert_same_over("test+unix:///default", run);
}

fn virtsh_system(script: &str) -> Output {
    Virtsh::on("qemu:///system").script(script)
}

/// Runs one command (a batch goes on after a failure, so each step runs alone) and returns
/// its output; on failure, shows what libvirtd logged about the test domain.
fn ok(command: &str) -> String {
    let o = virtsh_system(command);
    assert!(
        o.status.success(),
        "{command}: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        logs_of(DOMAIN)
    );
    String::from_utf8(o.stdout).unwrap()
}

const DOMAIN: &str = "virtsh-interop-test";

fn state() -> String {
    ok(&format!("domstate {DOMAIN} --reason"))
}

#[test]
fn a_real_domain_and_pool_through_libvirtd() {
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("d.xml");
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{DOMAIN}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64'>hvm</type></os></domain>"
        ),
    )
    .unwrap();
    // A leftover of an interrupted run goes first.
    let _ = virtsh_system(&format!("destroy {DOMAIN}"));
    let _ = virtsh_system(&format!("undefine {DOMAIN}"));
    ok(&format!("define {}", xml.display()));
    start_domain(DOMAIN, || virtsh_system(&format!("start {DOMAIN}")));
    assert_eq!(state(), "running (booted)\n", "{}", logs_of(DOMAIN));
    for (step, after) in [
        ("suspend", "paused (user)\n"),
        ("resume", "running (unpaused)\n"),
        ("destroy", "shut off (destroyed)\n"),
    ] {
        ok(&format!("{step} {DOMAIN}"));
        assert_eq!(state(), after, "after {step}\n{}", logs_of(DOMAIN));
    }
    ok(&format!("undefine {DOMAIN}"));
    assert!(!ok("list --all --name").contains(DOMAIN));

    let target = dir.path().join("pool");
    std::fs::create_dir(&target).unwrap();
    let _ = virtsh_system("pool-destroy virtsh-interop-pool");
    ok(&format!(
        "pool-create-as virtsh-interop-pool dir --target {}",
        target.display()
    ));
    ok("vol-create-as virtsh-interop-pool v.qcow2 4M --format qcow2");
    let data: Vec<u8> = (0..1_500_000u32).map(|i| (i % 253) as u8).collect();
    let up = dir.path().join("up.bin");
    let down = dir.path().join("down.bin");
    std::fs::write(&up, &data).unwrap();
    ok(&format!(
        "vol-upload v.qcow2 {} --pool virtsh-interop-pool",
        up.display()
    ));
    ok(&format!(
        "vol-download v.qcow2 {} --pool virtsh-interop-pool --length 1500000",
        down.display()
    ));
    assert_eq!(std::fs::read(&down).unwrap(), data);
    // A name that is not UTF-8 is listed as virsh lists it (its bytes as they are) and
    // reaches the daemon intact.
    let odd = std::ffi::OsStr::from_bytes(b"bad\xff.img");
    std::fs::write(target.join(odd), [0u8; 512]).unwrap();
    ok("pool-refresh virtsh-interop-pool");
    let list = virtsh_system("vol-list virtsh-interop-pool").stdout;
    let has = |needle: &[u8]| common::has(&list, needle);
    assert!(
        has(b" bad\xff.img ") && has(b" v.qcow2 "),
        "{}",
        String::from_utf8_lossy(&list)
    );
    ok("vol-delete v.qcow2 --pool virtsh-interop-pool; pool-destroy virtsh-interop-pool");
}
