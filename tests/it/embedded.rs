//! The embedded QEMU driver with real QEMU: the lifecycle with libvirt's states and reasons,
//! a guest that powers itself off (a boot sector written by the test), and bad input that
//! changes nothing.

use crate::common;
use std::time::{Duration, Instant};

use crate::common::guests::{console_disk, cooperative_disk, poweroff_disk};
use crate::common::{qemus, Embedded, KillQemusOnDrop, Virtsh};

const VM: &str =
    "<domain type='qemu'><name>vm</name><uuid>44444444-0000-0000-0000-000000000001</uuid>\
    <memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>\
    <devices><memballoon model='virtio'/></devices></domain>";

#[test]
fn lifecycle_states_and_reasons() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let file = dir.path().join("vm.xml");
    std::fs::write(&file, VM).unwrap();
    v.ok(&format!("define {}", file.display()));
    assert_eq!(v.ok("domstate vm --reason"), "shut off (unknown)\n");
    assert_eq!(
        v.ok("start vm; domstate vm --reason; domid vm"),
        "running (booted)\n1\n"
    );
    assert_eq!(qemus(&root).len(), 1);
    assert_eq!(v.ok("suspend vm; domstate vm --reason"), "paused (user)\n");
    assert_eq!(
        v.ok("resume vm; domstate vm --reason"),
        "running (unpaused)\n"
    );
    // The embedded driver's statistics: the state group, by name or for every domain.
    assert_eq!(
        v.ok("domstats vm; domstats --list-running --balloon --state"),
        "Domain: 'vm'\n  state.state=1\n  state.reason=5\nDomain: 'vm'\n  state.state=1\n  state.reason=5\n"
    );
    assert!(v
        .err("domstats --vcpu --enforce")
        .contains("Stats types bits 0x8"));
    assert!(v
        .ok("dumpxml vm")
        .starts_with("<domain type='qemu' id='1'>"));
    assert!(v
        .ok("dumpxml --inactive vm")
        .starts_with("<domain type='qemu'>"));
    // setmem moves the balloon and is recorded in the live definition.
    let info = v.ok("setmem vm 32M; dominfo vm");
    assert!(info.contains("Used memory:    32768 KiB"), "{info}");
    assert!(info.contains("Max memory:     65536 KiB"), "{info}");
    assert!(v.err("start vm").contains("Domain is already active"));
    assert_eq!(
        v.ok("destroy vm; domstate vm --reason"),
        "shut off (destroyed)\n"
    );
    assert!(qemus(&root).is_empty());
    // Ids increase per root.
    assert_eq!(v.ok("start vm; domid vm"), "2\n");
    // Undefining a running domain leaves it running as transient; it vanishes when it stops.
    assert!(v
        .ok("undefine vm; dominfo vm")
        .contains("Persistent:     no"));
    assert_eq!(v.ok("destroy vm; list --all --name"), "");
    assert!(qemus(&root).is_empty());
}

#[test]
fn guest_power_off_is_noticed() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let disk = dir.path().join("boot.img");
    poweroff_disk(&disk);
    let xml = format!(
        "<domain type='qemu'><name>g</name><memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type>\
         <boot dev='hd'/></os><features><acpi/></features><devices><disk type='file' device='disk'>\
         <driver name='qemu' type='raw'/><source file='{}'/><target dev='hda' bus='ide'/></disk></devices></domain>",
        disk.display()
    );
    let file = dir.path().join("g.xml");
    std::fs::write(&file, xml).unwrap();
    v.ok(&format!("define {}; start g", file.display()));
    let started = Instant::now();
    loop {
        let state = v.ok("domstate g --reason");
        if state == "shut off (shutdown)\n" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "guest never powered off: {state}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        qemus(&root).is_empty(),
        "QEMU ended after the guest powered off"
    );
}

#[test]
fn bad_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let v = Virtsh::embedded(&root);
    let write = |name: &str, xml: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, xml).unwrap();
        p.display().to_string()
    };
    let cases = [
        (
            write("slash.xml", "<domain type='qemu'><name>a/b</name><memory>1024</memory><os><type>hvm</type></os></domain>"),
            "name 'a/b' cannot contain '/'",
        ),
        (
            write("emu.xml", "<domain type='qemu'><name>e</name><memory>1024</memory><os><type>hvm</type></os>\
                              <devices><emulator>/nonexistent/qemu-system-x86_64</emulator></devices></domain>"),
            "Cannot check QEMU binary /nonexistent/qemu-system-x86_64",
        ),
        (
            write("net.xml", "<domain type='qemu'><name>n</name><memory>1024</memory><os><type>hvm</type></os>\
                              <devices><interface type='direct'><source dev='eth0' mode='vepa'/></interface></devices></domain>"),
            "unsupported configuration: interface type 'direct'",
        ),
        (
            write("type.xml", "<domain type='xen'><name>x</name><memory>1024</memory><os><type>hvm</type></os></domain>"),
            "unsupported configuration: domain type 'xen'",
        ),
    ];
    for (file, message) in &cases {
        let e = v.err(&format!("define {file}"));
        assert!(e.contains(message), "{file}: {e}");
    }
    // A disk on a pool volume: refused at start, and the domain stays shut off.
    let vol = write("vol.xml", "<domain type='qemu'><name>v</name><memory>1024</memory><os><type>hvm</type></os>\
        <devices><disk type='volume' device='disk'><source pool='nopool' volume='novol'/><target dev='vda' bus='virtio'/></disk></devices></domain>");
    v.ok(&format!("define {vol}"));
    let e = v.err("start v");
    assert!(
        e.contains("no storage pool with matching name 'nopool'"),
        "{e}"
    );
    assert_eq!(v.ok("list --all --name"), "v\n");
    assert_eq!(v.ok("domstate v"), "shut off\n");
}

#[test]
fn autostart_all_starts_what_is_marked() {
    let e = Embedded::new();
    let (dir, v) = (&e.dir, &e.v);
    for name in ["a", "b"] {
        let file = dir.path().join(format!("{name}.xml"));
        std::fs::write(
            &file,
            VM.replace("<name>vm</name>", &format!("<name>{name}</name>"))
                .replace(
                    "44444444-0000-0000-0000-000000000001",
                    &format!(
                        "44444444-0000-0000-0000-00000000000{}",
                        if name == "a" { 2 } else { 3 }
                    ),
                ),
        )
        .unwrap();
        v.ok(&format!("define {}", file.display()));
    }
    let t = dir.path().join("pool");
    v.ok(&format!(
        "pool-define-as p dir --target {}; pool-build p; pool-autostart p",
        t.display()
    ));
    v.ok("autostart a");
    v.ok("autostart-all");
    assert_eq!(v.ok("list --name"), "a\n");
    assert_eq!(v.ok("pool-list --name"), "p\n");
    v.ok("destroy a");
}

#[test]
fn console_attaches_and_leaves_on_the_escape() {
    use expectrl::{Eof, Expect};
    let e = Embedded::new();
    let (dir, v) = (&e.dir, &e.v);
    let disk = dir.path().join("c.img");
    console_disk(&disk);
    let xml = format!(
        "<domain type='qemu'><name>c</name><memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type>\
         <boot dev='hd'/></os><devices><disk type='file' device='disk'><source file='{}'/>\
         <target dev='hda' bus='ide'/></disk><serial type='pty'/></devices></domain>",
        disk.display()
    );
    let file = dir.path().join("c.xml");
    std::fs::write(&file, xml).unwrap();
    v.ok(&format!("create {}", file.display()));
    let mut p = common::console(v, "c", &[]);
    p.expect("Connected to domain 'c'").unwrap();
    p.expect("Escape character is ^] (Ctrl + ])").unwrap();
    p.expect("virtsh-console-ok").unwrap();
    p.send("\x1d").unwrap();
    p.expect(Eof).unwrap();
    // Without a terminal the console refuses, as virsh does.
    let e = v.err("console c");
    assert!(
        e.contains("Cannot run interactive console without a controlling TTY"),
        "{e}"
    );
    v.ok("destroy c");
}

#[test]
fn shutdown_of_a_cooperating_guest() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let disk = dir.path().join("coop.img");
    cooperative_disk(&disk);
    let xml = format!(
        "<domain type='qemu'><name>coop</name><memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type>\
         <boot dev='hd'/></os><features><acpi/></features><devices><disk type='file' device='disk'>\
         <source file='{}'/><target dev='hda' bus='ide'/></disk></devices></domain>",
        disk.display()
    );
    let file = dir.path().join("coop.xml");
    std::fs::write(&file, xml).unwrap();
    v.ok(&format!("define {}; start coop", file.display()));
    // Give the guest time to reach its loop, then ask it to shut down.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(v.ok("domstate coop --reason"), "running (booted)\n");
    v.ok("shutdown coop");
    let started = Instant::now();
    loop {
        let state = v.ok("domstate coop --reason");
        if state == "shut off (shutdown)\n" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "guest did not shut down: {state}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(qemus(&root).is_empty());
}

#[test]
fn a_corrupt_status_never_costs_the_running_guest() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let file = dir.path().join("vm.xml");
    std::fs::write(&file, VM).unwrap();
    v.ok(&format!("define {}; start vm", file.display()));
    let before = qemus(&root);
    std::fs::write(root.join("run/qemu/vm.xml"), "garbage").unwrap();
    assert_eq!(v.ok("domstate vm"), "no state\n");
    let e = v.err("start vm");
    assert!(e.contains("domain is already running"), "{e}");
    assert_eq!(qemus(&root), before, "the guest still runs");
    v.ok("destroy vm");
    assert_eq!(v.ok("domstate vm --reason"), "shut off (destroyed)\n");
    assert!(qemus(&root).is_empty());
}

/// With the root's disk full, a pause or resume that QEMU carried out but that could not be
/// recorded is not held against the next command: that one asks QEMU.
#[test]
fn a_full_disk_does_not_split_the_state_from_qemu() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let _disk = common::SmallDisk::mount(&root, 2);
    let v = Virtsh::embedded(&root);
    let _cleanup = KillQemusOnDrop(root.clone());
    let file = dir.path().join("vm.xml");
    std::fs::write(&file, VM).unwrap();
    v.ok(&format!("define {}; start vm", file.display()));
    // Fill what is left.
    let filler = root.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![1u8; 64 << 10];
    while std::io::Write::write_all(&mut f, &block).is_ok() {}
    drop(f);
    let e = v.err("suspend vm");
    assert!(e.contains("No space left on device"), "{e}");
    let status = common::qmp(&root, "vm", "query-status", None);
    assert_eq!(status["status"], "paused", "QEMU did pause");
    // resume asks QEMU, not the stale record: it resumes (and again cannot record it).
    let e = v.err("resume vm");
    assert!(!e.contains("already running"), "{e}");
    let status = common::qmp(&root, "vm", "query-status", None);
    assert_eq!(status["status"], "running");
    std::fs::remove_file(&filler).unwrap();
    v.ok("suspend vm");
    assert_eq!(v.ok("domstate vm --reason"), "paused (user)\n");
    v.ok("resume vm; destroy vm");
}

/// A config cut short (a crash of some other writer, a full disk) is listed, named as corrupt
/// with the way out, and that way out works: undefine, then define again. Pools alike.
#[test]
fn a_corrupt_config_says_so_and_can_be_replaced() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let file = dir.path().join("vm.xml");
    std::fs::write(&file, VM).unwrap();
    v.ok(&format!("define {}", file.display()));
    std::fs::write(root.join("qemu/vm.xml"), "").unwrap();
    assert!(v.ok("list --all --name").contains("vm"));
    let err = v.err("dominfo vm");
    assert!(
        err.contains("is corrupt") && err.contains("undefine the domain and define it again"),
        "{err}"
    );
    v.ok(&format!("undefine vm; define {}", file.display()));
    assert_eq!(v.ok("domstate vm"), "shut off\n");

    let target = dir.path().join("pool");
    v.ok(&format!(
        "pool-define-as p dir --target {}",
        target.display()
    ));
    std::fs::write(root.join("storage/p.xml"), "garbage").unwrap();
    assert!(v.ok("pool-list --all --name").contains('p'));
    let err = v.err("pool-start p");
    assert!(
        err.contains("is corrupt") && err.contains("undefine the pool and define it again"),
        "{err}"
    );
    v.ok(&format!(
        "pool-undefine p; pool-define-as p dir --target {}",
        target.display()
    ));
    assert!(v.ok("pool-info p").contains("inactive"));
}
