//! A real Linux guest on the embedded driver: it sees the devices the XML gives it, its
//! balloon driver takes the memory `<currentMemory>` leaves it, `reboot` goes through it
//! (ACPI power button, then a reset) and `shutdown` ends it as a shutdown.

mod common;

use std::time::Duration;

use common::guests::{linux, write};
use common::{qmp, wait_until, Embedded, Virtsh};
use expectrl::{Eof, Expect};

/// Runs `command` (which presses the guest's power button) until the guest says it saw it.
fn press(v: &Virtsh, console: &mut expectrl::session::OsSession, command: &str) {
    console.set_expect_timeout(Some(Duration::from_secs(5)));
    for _ in 0..12 {
        v.ok(command);
        if console.expect("virtsh-guest: powerbutton").is_ok() {
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
