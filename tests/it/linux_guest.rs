//! A real Linux guest on the embedded driver: it sees the devices the XML gives it, its
//! balloon driver takes the memory `<currentMemory>` leaves it, `reboot` goes through it
//! (ACPI power button, then a reset) and `shutdown` ends it as a shutdown.

use crate::common;
use std::time::Duration;

use crate::common::guests::{linux, write};
use crate::common::{qmp, wait_until, Embedded, Virtsh};
use expectrl::{Eof, Expect};

/// Runs `command` (which presses the guest's power button) until the guest says it saw it,
/// or is gone: a guest that powers off at once can take its last words with it (its pty hangs
/// up when QEMU exits, as on libvirt).
fn press(v: &Virtsh, console: &mut expectrl::session::OsSession, command: &str) {
    console.set_expect_timeout(Some(Duration::from_secs(5)));
    for _ in 0..12 {
        let o = v.script(command);
        let gone = String::from_utf8_lossy(&o.stderr).contains("domain is not running");
        assert!(
            o.status.success() || gone,
            "{command}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        if gone || console.expect("virtsh-guest: powerbutton").is_ok() {
            console.set_expect_timeout(Some(Duration::from_secs(120)));
            return;
        }
    }
    panic!("the guest never saw its power button ({command})");
}

#[test]
fn a_linux_guest_sees_what_the_xml_gives_it() {
    let (kernel, initrd) = linux();
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let xml = format!(
        "<domain type='qemu'><name>lg</name><memory unit='MiB'>256</memory>\
         <currentMemory unit='MiB'>192</currentMemory><vcpu>1</vcpu>\
         <os><type arch='x86_64'>hvm</type><kernel>{}</kernel><initrd>{}</initrd>\
         <cmdline>console=ttyS0 quiet panic=-1</cmdline></os><features><acpi/></features>\
         <devices><serial type='pty'/><rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\
         <watchdog model='i6300esb' action='reset'/></devices></domain>",
        kernel.display(),
        initrd.display()
    );
    let file = write(dir.path(), "lg.xml", &xml);
    // Paused first, so that the console is attached before the guest says anything.
    v.ok(&format!("define {}; start --paused lg", file.display()));
    let mut console = common::console(v, "lg", &[]);
    console.set_expect_timeout(Some(Duration::from_secs(120)));
    console.expect("Escape character is").unwrap();
    v.ok("resume lg");
    console.expect("virtsh-guest: booted").unwrap();
    console.expect("virtsh-guest: hwrng=virtio_rng.0").unwrap();
    console.expect("virtsh-guest: watchdog=yes").unwrap();
    console.expect("virtsh-guest: ready").unwrap();
    // The balloon driver gives back what <currentMemory> does not leave the guest.
    wait_until("the balloon to reach 192 MiB", || {
        qmp(&root, "lg", "query-balloon", None)["actual"].as_u64() == Some(192 << 20)
    });
    // reboot: the guest is asked (its power button), powers off, and is started again. A
    // press before the guest's acpid listens is lost, as on any machine: asked again then.
    press(v, &mut console, "reboot lg");
    console.expect("virtsh-guest: booted").unwrap();
    console.expect("virtsh-guest: ready").unwrap();
    assert_eq!(v.ok("domstate lg --reason"), "running (booted)\n");
    // shutdown: the same button, and this time the guest's power-off ends it.
    press(v, &mut console, "shutdown lg");
    console.expect(Eof).unwrap();
    v.wait_state("lg", "shut off (shutdown)");
}

/// The live XML tells the truth: the serial port is a real pty (`<source path>`, and the
/// console's `tty`) that any terminal program can open, devices carry libvirt's aliases, and
/// the machine type is the one QEMU resolved `pc` to.
#[test]
fn the_serial_port_is_a_pty_the_live_xml_names() {
    use std::io::{Read, Write};
    let (kernel, initrd) = linux();
    let e = Embedded::new();
    let xml = format!(
        "<domain type='qemu'><name>pty</name><memory unit='MiB'>192</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{}</kernel><initrd>{}</initrd>\
         <cmdline>console=ttyS0 quiet panic=-1</cmdline></os><features><acpi/></features>\
         <devices><serial type='pty'/><console type='pty'/>\
         <interface type='user'><model type='virtio'/></interface></devices></domain>",
        kernel.display(),
        initrd.display()
    );
    let file = write(e.dir.path(), "pty.xml", &xml);
    e.v.ok(&format!("define {}; start --paused pty", file.display()));
    let live = e.v.ok("dumpxml pty");
    let pty = live
        .split("<source path='")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or_else(|| panic!("no pty in {live}"))
        .to_string();
    assert!(pty.starts_with("/dev/pts/"), "{live}");
    for want in [
        format!("<console type='pty' tty='{pty}'>"),
        "<target type='serial' port='0'/>".to_string(),
        "<alias name='serial0'/>".to_string(),
        "<alias name='net0'/>".to_string(),
        "<alias name='balloon0'/>".to_string(),
        "machine='pc-i440fx-".to_string(),
    ] {
        assert!(live.contains(&want), "{want} not in {live}");
    }
    assert!(!e.v.ok("dumpxml --inactive pty").contains("/dev/pts/"));
    // A terminal program of its own on the pty, as `screen` would open it.
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&pty)
        .unwrap();
    let mut t = nix::sys::termios::tcgetattr(&tty).unwrap();
    nix::sys::termios::cfmakeraw(&mut t);
    nix::sys::termios::tcsetattr(&tty, nix::sys::termios::SetArg::TCSANOW, &t).unwrap();
    e.v.ok("resume pty");
    let (tx, rx) = std::sync::mpsc::channel();
    let mut reader = tty.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut until = |needle: &str, poke: &mut dyn FnMut()| {
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while !String::from_utf8_lossy(&seen).contains(needle) {
            assert!(
                std::time::Instant::now() < deadline,
                "no {needle:?} in {}",
                String::from_utf8_lossy(&seen)
            );
            if let Ok(bytes) = rx.recv_timeout(Duration::from_secs(1)) {
                seen.extend(bytes);
            } else {
                poke();
            }
        }
    };
    until("virtsh-guest: ready", &mut || {});
    let mut ask = || {
        let _ = tty.write_all(b"echo sum=$((6*7))\n");
    };
    ask();
    until("sum=42", &mut ask);
    e.v.ok("destroy pty");
}
