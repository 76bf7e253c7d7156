//! Saves of a real Linux guest on the embedded driver: `save` and `restore` keep the guest's
//! memory (a file in its RAM-backed root) and its clock (its uptime goes on from where it was),
//! an image says `LibvirtQemudSave` as libvirt's do and reads back with `save-image-dumpxml`,
//! `managedsave` then `start` resumes the guest, `dump --memory-only` writes an ELF core, and
//! `undefine --remove-all-storage` removes the volumes of the domain's disks.

use std::time::Duration;

use crate::common::guests::{linux, write};
use crate::common::{ask, shell, Embedded};
use expectrl::{Expect, Regex};

/// The guest's uptime, in whole seconds, read on its console.
fn uptime(console: &mut expectrl::session::OsSession) -> u64 {
    console.set_expect_timeout(Some(Duration::from_secs(5)));
    for _ in 0..24 {
        console
            .send_line("echo U=$(cut -d. -f1 /proc/uptime)")
            .unwrap();
        if let Ok(found) = console.expect(Regex(r"U=([0-9]+)\r")) {
            let digits = String::from_utf8_lossy(found.get(1).unwrap()).into_owned();
            return digits.parse().unwrap();
        }
    }
    panic!("the guest never said its uptime");
}

#[test]
fn a_saved_guest_comes_back_as_it_was() {
    let (kernel, initrd) = linux();
    let e = Embedded::new();
    let (dir, v) = (e.dir.path(), &e.v);
    let pool = dir.join("pool");
    std::fs::create_dir(&pool).unwrap();
    v.ok(&format!(
        "pool-create-as p dir --target {}; vol-create-as p d.qcow2 32M --format qcow2",
        pool.display()
    ));
    let xml = format!(
        "<domain type='qemu'><name>sv</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64'>hvm</type><kernel>{}</kernel><initrd>{}</initrd>\
         <cmdline>console=ttyS0 quiet panic=-1</cmdline></os><features><acpi/></features>\
         <devices><disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>\
         <source pool='p' volume='d.qcow2'/><target dev='vda' bus='virtio'/></disk>\
         <serial type='pty'/></devices></domain>",
        kernel.display(),
        initrd.display()
    );
    let file = write(dir, "sv.xml", &xml);
    v.ok(&format!("define {}; start --paused sv", file.display()));
    let mut console = shell(v, "sv");
    v.ok("resume sv");
    console.expect("virtsh-guest: ready").unwrap();
    ask(
        &mut console,
        "echo one > /tmp/marker; echo M=$(cat /tmp/marker)",
        "M=one",
    );
    std::thread::sleep(Duration::from_secs(2));
    let before = uptime(&mut console);
    drop(console);

    // save and restore: the image is libvirt's, whole; the guest's memory and clock go on.
    let image = dir.join("sv.save");
    v.ok(&format!("save sv {}", image.display()));
    assert_eq!(v.ok("domstate sv --reason").trim(), "shut off (saved)");
    let head = std::fs::read(&image).unwrap();
    assert_eq!(&head[..16], b"LibvirtQemudSave");
    assert!(v
        .ok(&format!("save-image-dumpxml {}", image.display()))
        .contains("<name>sv</name>"));
    // A while off: the guest's clock does not count it (it was not running).
    std::thread::sleep(Duration::from_secs(3));
    v.ok(&format!("restore {}", image.display()));
    assert_eq!(v.ok("domstate sv --reason").trim(), "running (restored)");
    let mut console = shell(v, "sv");
    ask(&mut console, "echo M=$(cat /tmp/marker)", "M=one");
    let after = uptime(&mut console);
    assert!(
        after >= before && after < before + 3,
        "uptime {before} s before the save, {after} s after the restore"
    );

    // managedsave, then start resumes the guest from the image, which goes.
    ask(
        &mut console,
        "echo two > /tmp/marker; echo M=$(cat /tmp/marker)",
        "M=two",
    );
    drop(console);
    v.ok("managedsave sv");
    assert_eq!(v.ok("domstate sv --reason").trim(), "shut off (saved)");
    assert!(v.ok("dominfo sv").contains("Managed save:   yes"));
    assert_eq!(v.ok("list --all --with-managed-save --name").trim(), "sv");
    let managed = e.root.join("qemu/save/sv.save");
    assert!(managed.is_file());
    v.ok("start sv");
    assert_eq!(v.ok("domstate sv --reason").trim(), "running (restored)");
    assert!(!managed.exists());
    assert!(v.ok("dominfo sv").contains("Managed save:   no"));
    let mut console = shell(v, "sv");
    ask(&mut console, "echo M=$(cat /tmp/marker)", "M=two");
    drop(console);

    // A memory-only dump: an ELF core of the guest's memory; the guest runs on.
    let core = dir.join("sv.core");
    v.ok(&format!("dump sv {} --memory-only", core.display()));
    let elf = std::fs::read(&core).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    assert!(elf.len() as u64 > 128 << 20);
    assert_eq!(v.ok("domstate sv --reason").trim(), "running (unpaused)");

    // A managed save stops undefine until it goes with it; the volumes go when asked.
    v.ok("managedsave sv");
    assert_eq!(
        v.err("undefine sv").trim(),
        "error: Refusing to undefine while domain managed save image exists"
    );
    v.ok("undefine sv --managed-save --remove-all-storage");
    assert!(!managed.exists());
    assert!(!pool.join("d.qcow2").exists());
    assert!(!v.ok("vol-list p").contains("d.qcow2"));
}
