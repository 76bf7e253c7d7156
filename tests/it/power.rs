//! Power and sessions on the embedded driver with real guests: reboot through the guest,
//! `--autodestroy`, one console session at a time, a guest powering off under an attached
//! console, and autostart for the next boot only.

use std::time::Duration;

use crate::common::guests::{console_disk, cooperative_disk, diskless_xml, domain_xml, write};
use crate::common::{console, qemus, wait_until, Embedded};
use expectrl::{Eof, Expect};

fn events(root: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(root.join(format!("run/qemu/{name}.events"))).unwrap_or_default()
}

#[test]
fn reboot_goes_through_the_guest_and_it_runs_again() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let disk = dir.path().join("coop.img");
    cooperative_disk(&disk);
    let file = write(dir.path(), "coop.xml", &domain_xml("coop", &disk));
    v.ok(&format!("define {}; start coop", file.display()));
    std::thread::sleep(Duration::from_millis(500));
    let before = qemus(&root);
    v.ok("reboot coop");
    // The guest powers off on the button; its QEMU is reset and goes on.
    wait_until("the guest to power off and be reset", || {
        let e = events(&root, "coop");
        e.contains("\"SHUTDOWN\"") && e.contains("host-qmp-system-reset")
    });
    v.wait_state("coop", "running (booted)");
    assert_eq!(qemus(&root), before, "the same QEMU runs on");
    // Rebooted, the guest still cooperates: a shutdown now ends it as a shutdown.
    std::thread::sleep(Duration::from_millis(500));
    v.ok("shutdown coop");
    v.wait_state("coop", "shut off (shutdown)");
    assert!(qemus(&root).is_empty());
}

#[test]
fn autodestroy_ends_the_domain_with_its_starter() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let uuid = "1f0a6c2e-6d4e-4b8f-8a0c-000000000010";
    let file = write(dir.path(), "a.xml", &diskless_xml("a", uuid));
    v.ok(&format!("define {}", file.display()));
    // A one-shot virsh ends at once, and the domain with it, as libvirt's connection does.
    v.ok("start --autodestroy a");
    wait_until("QEMU to end with its starter", || qemus(&root).is_empty());
    v.wait_state("a", "shut off (destroyed)");
    // In the shell it lives as long as the session.
    let mut shell = v
        .command()
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let stdin = shell.stdin.as_mut().unwrap();
    stdin.write_all(b"start --autodestroy a\n").unwrap();
    stdin.flush().unwrap();
    wait_until("the domain to run", || v.ok("domstate a") == "running\n");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(v.ok("domstate a"), "running\n");
    drop(shell.stdin.take());
    shell.wait().unwrap();
    v.wait_state("a", "shut off (destroyed)");
    // A transient domain created so goes away.
    let t = write(
        dir.path(),
        "t.xml",
        &diskless_xml("t", "1f0a6c2e-6d4e-4b8f-8a0c-000000000011"),
    );
    v.ok(&format!("create --autodestroy {}", t.display()));
    wait_until("the transient domain to go", || {
        !v.ok("list --all --name").contains('t')
    });
}

#[test]
fn one_console_session_at_a_time() {
    let e = Embedded::new();
    let (dir, v) = (&e.dir, &e.v);
    let disk = dir.path().join("c.img");
    console_disk(&disk);
    let file = write(dir.path(), "c.xml", &domain_xml("c", &disk));
    v.ok(&format!("create {}", file.display()));
    let mut first = console(v, "c", &[]);
    first.expect("virtsh-console-ok").unwrap();
    // A second session is refused while the first lasts.
    let mut second = console(v, "c", &[]);
    second.expect("Connected to domain 'c'").unwrap();
    second
        .expect("error: operation failed: Active console session exists for this domain")
        .unwrap();
    second.expect(Eof).unwrap();
    // --force takes it over: the first session ends, the new one gets the output.
    let mut forced = console(v, "c", &["--force"]);
    forced.expect("virtsh-console-ok").unwrap();
    first.expect(Eof).unwrap();
    forced.send("\x1d").unwrap();
    forced.expect(Eof).unwrap();
    // Left, the console is free again.
    let mut again = console(v, "c", &[]);
    again.expect("virtsh-console-ok").unwrap();
    again.send("\x1d").unwrap();
    again.expect(Eof).unwrap();
    v.ok("destroy c");
}

#[test]
fn a_guest_powering_off_ends_its_console() {
    let e = Embedded::new();
    let (dir, v) = (&e.dir, &e.v);
    let disk = dir.path().join("coop.img");
    cooperative_disk(&disk);
    let file = write(dir.path(), "p.xml", &domain_xml("p", &disk));
    v.ok(&format!("define {}; start p", file.display()));
    let mut attached = console(v, "p", &[]);
    attached.expect("Escape character is").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    v.ok("shutdown p");
    // The console notices on its own, without another command touching the domain.
    attached.expect(Eof).unwrap();
    v.wait_state("p", "shut off (shutdown)");
}

#[test]
fn autostart_for_the_next_boot_only() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let file = write(
        dir.path(),
        "o.xml",
        &diskless_xml("o", "2c7d0a8e-4b1e-4c1d-9d2a-000000000020"),
    );
    v.ok(&format!("define {}", file.display()));
    v.ok("autostart --once o");
    let info = v.ok("dominfo o");
    assert!(
        info.contains("Autostart:      disable\nAutostart Once: enable\n"),
        "{info}"
    );
    // Two at once: both succeed, the domain starts once, and the mark is gone.
    let a = v.spawn(&["autostart-all"]);
    let b = v.spawn(&["autostart-all"]);
    for p in [a, b] {
        let out = p.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(v.ok("domstate o"), "running\n");
    assert_eq!(qemus(&root).len(), 1);
    assert!(v.ok("dominfo o").contains("Autostart Once: disable\n"));
    v.ok("destroy o");
    assert_eq!(v.ok("autostart-all"), "");
    assert_eq!(v.ok("domstate o"), "shut off\n");
    // Without -q, the words virsh uses.
    let said = std::process::Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .args([
            "-c",
            v.uri(),
            "autostart --once o; autostart --once --disable o",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&said.stdout),
        "Domain 'o' marked as autostarted on next boot\n\nDomain 'o' unmarked as autostarted on next boot\n\n"
    );
}
