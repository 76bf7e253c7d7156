//! Interoperability with a real libvirtd (started by scripts/setup-test-env.sh): over
//! `test+unix:///default`, every golden case prints exactly what the real virsh prints on the
//! same URI; over `qemu:///system`, a real domain and a dir pool go through their lifecycle.

use std::process::{Command, Output};

mod common;

use std::os::unix::ffi::OsStrExt;

use common::golden::{assert_same_over, command};
use common::libvirtd::{daemon_answers, logs_of, start_domain};
use common::Virtsh;
use expectrl::Expect;

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

const NETWORK: &str = "virtsh-interop-net";

/// A network whose definition leaves libvirtd nothing to choose (its MAC, bridge and UUID are
/// given), so that virsh and virtsh print the same bytes for it.
/// Network `n` of the tests: its own UUID, bridge and subnet.
fn network_xml(dir: &std::path::Path, name: &str, n: u8) -> std::path::PathBuf {
    let xml = dir.join("net.xml");
    std::fs::write(
        &xml,
        format!(
            "<network><name>{name}</name><uuid>7d3e1f9e-8a43-4a86-9f58-3c1a3a0c5b2{n}</uuid>\
             <forward mode='nat'/><bridge name='vtsh-iop{n}'/><mac address='52:54:00:0a:0b:0{n}'/>\
             <ip address='192.168.21{n}.1' netmask='255.255.255.0'><dhcp>\
             <range start='192.168.21{n}.2' end='192.168.21{n}.254'/></dhcp></ip></network>"
        ),
    )
    .unwrap();
    xml
}

/// libvirtd's network driver through the remote driver: what virtsh prints for a network's
/// definition, listing, description, metadata, update and autostart is what virsh prints.
#[test]
fn networks_through_libvirtd_print_as_virsh() {
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let xml = network_xml(dir.path(), NETWORK, 1);
    let host = dir.path().join("host.xml");
    std::fs::write(&host, "<host mac='52:54:00:00:00:09' ip='192.168.211.9'/>").unwrap();
    let script = format!(
        "net-define {xml}; net-list --all --name; net-info {NETWORK}; net-dumpxml {NETWORK} --inactive; \
         net-desc {NETWORK} --config --new-desc first; net-desc {NETWORK}; net-desc {NETWORK} --title; \
         net-metadata {NETWORK} http://example.org/ --key ex --set '<app>1</app>' --config; \
         net-metadata {NETWORK} http://example.org/; \
         net-update {NETWORK} add ip-dhcp-host {host} --config; \
         net-update {NETWORK} add ip-dhcp-host {host} --config; \
         net-autostart {NETWORK}; net-list --all --autostart --title; net-uuid {NETWORK}; \
         net-name 7d3e1f9e-8a43-4a86-9f58-3c1a3a0c5b21; net-dumpxml {NETWORK}; \
         net-autostart {NETWORK} --disable; net-undefine {NETWORK}; net-info {NETWORK}",
        xml = xml.display(),
        host = host.display(),
    );
    let run_with = |program: &str| {
        let _ = Command::new(program)
            .args(["-c", "qemu:///system", "net-undefine", NETWORK])
            .output();
        let o = Command::new(program)
            .args(["-c", "qemu:///system", &script])
            .env("LANG", "C")
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let virsh = run_with("virsh");
    let virtsh = run_with(env!("CARGO_BIN_EXE_virtsh"));
    assert!(virsh.0.contains("Updated network"), "{virsh:?}");
    assert_eq!(virtsh, virsh);
}

/// `net-event` over the protocol: events another client causes print as virsh prints them,
/// both listening at once.
#[test]
fn network_events_from_another_client_print_as_virsh() {
    daemon_answers();
    const NETWORK: &str = "virtsh-interop-events";
    let dir = tempfile::tempdir().unwrap();
    let xml = network_xml(dir.path(), NETWORK, 2);
    let _ = Command::new("virsh")
        .args(["-c", "qemu:///system", "net-undefine", NETWORK])
        .output();
    // The listeners name the network, so it must exist when they start (virsh listens to
    // every network when it cannot find the one named).
    let defined = Command::new("virsh")
        .args([
            "-c",
            "qemu:///system",
            "net-define",
            &xml.display().to_string(),
        ])
        .output()
        .unwrap();
    assert!(defined.status.success());
    let listen = |program: &str| {
        Command::new(program)
            .args(["-c", "qemu:///system", "net-event", "--event", "lifecycle"])
            .args(["--network", NETWORK])
            .args(["--loop", "--timeout", "4"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (virsh, virtsh) = (listen("virsh"), listen(env!("CARGO_BIN_EXE_virtsh")));
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let other = format!(
        "net-undefine {NETWORK}; net-define {}; net-undefine {NETWORK}",
        xml.display()
    );
    let done = Command::new("virsh")
        .args(["-c", "qemu:///system", &other])
        .output()
        .unwrap();
    assert!(done.status.success());
    let (a, b) = (
        virsh.wait_with_output().unwrap(),
        virtsh.wait_with_output().unwrap(),
    );
    let expected = format!(
        "event 'lifecycle' for network {NETWORK}: Undefined\n\
         event 'lifecycle' for network {NETWORK}: Defined\n\
         event 'lifecycle' for network {NETWORK}: Undefined\n\
         event loop timed out\nevents received: 3\n\n"
    );
    assert_eq!(String::from_utf8_lossy(&a.stdout), expected);
    assert_eq!(String::from_utf8_lossy(&b.stdout), expected);
    assert_eq!(b.status.code(), a.status.code());
}

/// `console` over the remote driver: a real QEMU guest of libvirtd prints on its serial port
/// and the stream brings it to the terminal; Ctrl+] leaves.
#[test]
fn a_console_through_libvirtd() {
    const NAME: &str = "virtsh-interop-console";
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    // libvirtd's QEMU runs as another user: the disk must be reachable.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let disk = dir.path().join("console.img");
    common::guests::console_disk(&disk);
    let xml = common::guests::write(
        dir.path(),
        "c.xml",
        &common::guests::domain_xml(NAME, &disk),
    );
    let _ = virtsh_system(&format!("destroy {NAME}"));
    let _ = virtsh_system(&format!("undefine {NAME}"));
    ok(&format!("define {}", xml.display()));
    start_domain(NAME, || virtsh_system(&format!("start {NAME}")));
    let v = Virtsh::on("qemu:///system");
    let mut p = common::console(&v, NAME, &[]);
    p.expect("Escape character is ^] (Ctrl + ])").unwrap();
    p.expect("virtsh-console-ok").unwrap();
    p.send("\x1d").unwrap();
    p.expect(expectrl::Eof).unwrap();
    ok(&format!("destroy {NAME}; undefine {NAME}"));
}
