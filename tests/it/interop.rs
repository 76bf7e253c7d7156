//! Interoperability with a real libvirtd (started by scripts/setup-test-env.sh): over
//! `test+unix:///default`, every golden case prints exactly what the real virsh prints on the
//! same URI; over `qemu:///system`, a real domain and a dir pool go through their lifecycle.

use crate::common;
use std::process::{Command, Output};

use std::os::unix::ffi::OsStrExt;

use crate::common::golden::{assert_same_over, private_default};
use crate::common::libvirtd::{daemon_answers, logs_of, start_domain};
use crate::common::Virtsh;
use expectrl::Expect;

#[test]
fn golden_cases_over_the_daemon_match_virsh() {
    daemon_answers();
    assert_same_over(&format!("test+unix://{}", private_default()), |_| {});
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
    // A name that is not UTF-8 is listed as virsh lists it (the byte escaped, see also
    // odd_names_in_tables_print_as_virsh) and reaches the daemon intact.
    let odd = std::ffi::OsStr::from_bytes(b"bad\xff.img");
    std::fs::write(target.join(odd), [0u8; 512]).unwrap();
    ok("pool-refresh virtsh-interop-pool");
    let list = virtsh_system("vol-list virtsh-interop-pool").stdout;
    let has = |needle: &[u8]| common::has(&list, needle);
    assert!(
        has(br" bad\xff.img ") && has(b" v.qcow2 "),
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
    let _ = virsh_system(&format!("net-undefine {NETWORK}"));
    // The listeners name the network, so it must exist when they start (virsh listens to
    // every network when it cannot find the one named).
    assert!(virsh_system(&format!("net-define {}", xml.display()))
        .status
        .success());
    let other = format!(
        "net-undefine {NETWORK}; net-define {}; net-undefine {NETWORK}",
        xml.display()
    );
    let outputs = listen_alongside_virsh(
        &[&[
            "net-event",
            "--event",
            "lifecycle",
            "--network",
            NETWORK,
            "--loop",
        ]],
        4,
        || assert!(virsh_system(&other).status.success()),
    );
    let expected = format!(
        "event 'lifecycle' for network {NETWORK}: Undefined\n\
         event 'lifecycle' for network {NETWORK}: Defined\n\
         event 'lifecycle' for network {NETWORK}: Undefined\n\
         event loop timed out\nevents received: 3\n\n"
    );
    assert_eq!(outputs[0], expected);
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

/// `program` listening on qemu:///system with `args` (for `seconds`), its output piped.
fn listener(program: &str, args: &[&str], seconds: u32) -> std::process::Child {
    Command::new(program)
        .args(["-c", "qemu:///system"])
        .args(args)
        .args(["--timeout", &seconds.to_string()])
        .env("LANG", "C")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs each listener of `args` under virsh and virtsh at once (for `seconds`) while
/// `act` works on the daemon from another client; asserts that both print the same bytes
/// and exit alike, and returns what each printed.
fn listen_alongside_virsh(args: &[&[&str]], seconds: u32, act: impl FnOnce()) -> Vec<String> {
    let pairs: Vec<_> = args
        .iter()
        .map(|a| {
            (
                listener("virsh", a, seconds),
                listener(env!("CARGO_BIN_EXE_virtsh"), a, seconds),
            )
        })
        .collect();
    // Every callback registered before anything happens.
    std::thread::sleep(std::time::Duration::from_secs(2));
    act();
    pairs
        .into_iter()
        .zip(args)
        .map(|((virsh, virtsh), a)| {
            let (want, got) = (
                virsh.wait_with_output().unwrap(),
                virtsh.wait_with_output().unwrap(),
            );
            let text = |o: &Output| String::from_utf8_lossy(&o.stdout).into_owned();
            assert_eq!(text(&got), text(&want), "{a:?}");
            assert_eq!(got.stderr, want.stderr, "{a:?}");
            assert_eq!(got.status.code(), want.status.code(), "{a:?}");
            text(&got)
        })
        .collect()
}

/// Runs `script` through virsh on qemu:///system (another client than the listeners).
fn virsh_system(script: &str) -> Output {
    Command::new("virsh")
        .args(["-c", "qemu:///system", script])
        .output()
        .unwrap()
}

/// `event` over the protocol: the events another client causes on a domain print as virsh
/// prints them (every type with a callback each, one type, one event), lifecycle details,
/// typed tunables and metadata changes alike.
#[test]
fn domain_events_from_another_client_print_as_virsh() {
    const NAME: &str = "virtsh-interop-dom-events";
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let xml = common::guests::write(
        dir.path(),
        "d.xml",
        &common::guests::diskless_xml(NAME, "5b1c6a0e-3f7d-4d2b-9a8e-2c4f6d8e0a13"),
    );
    let _ = virsh_system(&format!("destroy {NAME}; undefine {NAME}"));
    // The listeners name the domain: it exists when they start.
    let defined = virsh_system(&format!("define {}", xml.display()));
    assert!(defined.status.success(), "{defined:?}");
    let outputs = listen_alongside_virsh(
        &[
            &["event", "--all", "--loop", "--domain", NAME],
            &["event", "--event", "lifecycle", "--loop", "--domain", NAME],
            &["event", "--all", "--domain", NAME],
        ],
        14,
        || {
            start_domain(NAME, || virsh_system(&format!("start {NAME}")));
            let done = virsh_system(&format!(
                "suspend {NAME}; resume {NAME}; desc {NAME} --live --title events; \
                 vcpupin {NAME} 0 0; destroy {NAME}; undefine {NAME}"
            ));
            assert!(done.status.success(), "{done:?}");
        },
    );
    let lifecycle = |what: &str| format!("event 'lifecycle' for domain '{NAME}': {what}\n");
    for (output, want) in outputs.iter().zip([
        vec![
            lifecycle("Started Booted"),
            lifecycle("Suspended Paused"),
            format!("event 'metadata-change' for domain '{NAME}': type title, uri <null>\n"),
            format!("event 'tunable' for domain '{NAME}':\n\tcputune.vcpupin0: 0\n"),
            lifecycle("Stopped Destroyed"),
            lifecycle("Undefined Removed"),
        ],
        vec![lifecycle("Started Booted"), lifecycle("Stopped Destroyed")],
        vec!["events received: 1\n".to_string()],
    ]) {
        for line in want {
            assert!(output.contains(&line), "{line:?} not in\n{output}");
        }
    }
}

/// `pool-event` over the protocol: another client defines, starts, refreshes, destroys and
/// undefines a dir pool; virsh and virtsh print the same lifecycle and refresh events.
#[test]
fn pool_events_from_another_client_print_as_virsh() {
    const POOL: &str = "virtsh-interop-pool-events";
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let _ = virsh_system(&format!("pool-destroy {POOL}; pool-undefine {POOL}"));
    let outputs = listen_alongside_virsh(
        &[
            &["pool-event", "--event", "lifecycle", "--loop"],
            &["pool-event", "--event", "refresh", "--loop"],
        ],
        7,
        || {
            let done = virsh_system(&format!(
                "pool-define-as {POOL} dir --target {}; pool-start {POOL}; pool-refresh {POOL}; \
                 pool-destroy {POOL}; pool-undefine {POOL}",
                dir.path().display()
            ));
            assert!(done.status.success(), "{done:?}");
        },
    );
    let ours = |output: &String| {
        output
            .lines()
            .filter(|l| l.contains(POOL))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let lifecycle = |what: &str| format!("event 'lifecycle' for storage pool {POOL}: {what}\n");
    assert_eq!(
        ours(&outputs[0]),
        ["Defined", "Started", "Stopped", "Undefined"]
            .map(lifecycle)
            .concat()
    );
    assert!(
        ours(&outputs[1]).contains(&format!("event 'refresh' for storage pool {POOL}\n")),
        "{}",
        outputs[1]
    );
}

/// Ctrl-C ends an event loop as it ends virsh's.
#[test]
fn an_interrupted_event_loop_ends_as_virsh() {
    daemon_answers();
    let interrupted = |program: &str| {
        let child = Command::new(program)
            .args(["-c", "qemu:///system", "event", "--event", "nic-mac-change"])
            .arg("--loop")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let kill = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let o = child.wait_with_output().unwrap();
        (o.stdout, o.stderr, o.status.code())
    };
    let virtsh = interrupted(env!("CARGO_BIN_EXE_virtsh"));
    assert_eq!(
        String::from_utf8_lossy(&virtsh.0),
        "event loop interrupted\nevents received: 0\n\n"
    );
    assert_eq!(virtsh, interrupted("virsh"));
}

/// Names that are not UTF-8, or hold control characters or `\x`, in a libvirtd pool print in
/// virsh's tables as virsh escapes them (`bad\xff.img`, its width counted as printed), in the
/// C locale and a UTF-8 one.
#[test]
fn odd_names_in_tables_print_as_virsh() {
    use std::os::unix::ffi::OsStrExt;
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    for name in [
        &b"bad\xff.img"[..],
        b"caf\xc3\xa9.img",
        b"b\\x41.img",
        b"tab\tx.img",
    ] {
        std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(name)), b"").unwrap();
    }
    let pool = format!("virtsh-names-{}", std::process::id());
    let _ = virtsh_system(&format!("pool-destroy {pool}"));
    ok(&format!(
        "pool-create-as {pool} dir --target {}",
        dir.path().display()
    ));
    for lang in ["C", "C.UTF-8"] {
        let said = |program: &str| {
            Command::new(program)
                .args([
                    "-c",
                    "qemu:///system",
                    &format!("vol-list {pool}; vol-list {pool} --details"),
                ])
                .env("LANG", lang)
                .output()
                .unwrap()
                .stdout
        };
        let theirs = said("virsh");
        assert_eq!(
            String::from_utf8_lossy(&said(env!("CARGO_BIN_EXE_virtsh"))),
            String::from_utf8_lossy(&theirs),
            "LANG={lang}"
        );
        assert!(common::has(&theirs, b" bad\\xff.img "));
    }
    let _ = virtsh_system(&format!("pool-destroy {pool}"));
}
