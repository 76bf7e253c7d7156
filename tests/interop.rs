//! Interoperability with a real libvirtd (started by scripts/setup-test-env.sh): over
//! `test+unix:///default`, every golden case prints exactly what the real virsh prints on the
//! same URI; over `qemu:///system`, a real domain and a dir pool go through their lifecycle.

use std::process::{Command, Output};

#[path = "common/golden_peer.rs"]
mod golden_peer;

use golden_peer::{assert_same_over, golden_dir};

fn run(program: &str, args: &[String]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(golden_dir().join("data"))
        .env_clear()
        .env("LANG", "C")
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", "/nonexistent")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

fn daemon_answers() {
    let o = Command::new("virsh")
        .args(["-c", "test+unix:///default", "uri"])
        .output();
    assert!(
        o.is_ok_and(|o| o.status.success()),
        "no libvirtd answers on its unix socket: run scripts/setup-test-env.sh (as root)"
    );
}

#[test]
fn golden_cases_over_the_daemon_match_virsh() {
    daemon_answers();
    assert_same_over("test+unix:///default", run);
}

fn virtsh_system(script: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .args(["-q", "-c", "qemu:///system", script])
        .output()
        .unwrap()
}

fn ok(script: &str) -> String {
    let o = virtsh_system(script);
    assert!(
        o.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn a_real_domain_and_pool_through_libvirtd() {
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("d.xml");
    std::fs::write(
        &xml,
        "<domain type='qemu'><name>virtsh-interop-test</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64'>hvm</type></os></domain>",
    )
    .unwrap();
    // A leftover of an interrupted run goes first.
    let _ = virtsh_system("destroy virtsh-interop-test");
    let _ = virtsh_system("undefine virtsh-interop-test");
    ok(&format!("define {}", xml.display()));
    assert_eq!(
        ok("start virtsh-interop-test; domstate virtsh-interop-test --reason"),
        "running (booted)\n"
    );
    assert_eq!(
        ok("suspend virtsh-interop-test; domstate virtsh-interop-test --reason"),
        "paused (user)\n"
    );
    assert_eq!(
        ok("resume virtsh-interop-test; domstate virtsh-interop-test --reason"),
        "running (unpaused)\n"
    );
    assert_eq!(
        ok("destroy virtsh-interop-test; domstate virtsh-interop-test --reason"),
        "shut off (destroyed)\n"
    );
    ok("undefine virtsh-interop-test");
    assert!(!ok("list --all --name").contains("virtsh-interop-test"));

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
    ok("vol-delete v.qcow2 --pool virtsh-interop-pool; pool-destroy virtsh-interop-pool");
}
