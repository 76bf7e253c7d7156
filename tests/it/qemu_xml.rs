//! The embedded QEMU driver applies the XML it accepts, checked on the running QEMU (its
//! monitor, its command line, its environment), and refuses what it cannot run with libvirt's
//! words at the point libvirt refuses it.

use crate::common::guests::{diskless_xml, write};
use crate::common::{qemu_args, qemus, qmp, Embedded};
use serde_json::json;

/// A TCP port nobody listens on now (the kernel's choice, above the VNC base).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn what_the_xml_asks_for_reaches_qemu() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let disk = dir.path().join("d.img");
    std::fs::write(&disk, vec![0u8; 1 << 20]).unwrap();
    let port = free_port();
    let xml = format!(
        "<domain type='qemu'><name>x</name><memory unit='MiB'>64</memory>\
         <currentMemory unit='MiB'>48</currentMemory><vcpu>2</vcpu>\
         <metadata><app:note xmlns:app='http://example.org/app'>kept</app:note></metadata>\
         <os><type arch='x86_64'>hvm</type></os><cpu mode='maximum'/><devices>\
         <disk type='file'><driver name='qemu' type='raw' cache='none' io='native' discard='unmap'/>\
         <source file='{disk}'/><target dev='vda'/></disk>\
         <graphics type='vnc' port='{port}' autoport='no' listen='127.0.0.1'/>\
         <sound model='ich9'/><watchdog model='i6300esb' action='poweroff'/>\
         <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng></devices>\
         <qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\
         <qemu:arg value='-device'/><qemu:arg value='virtio-tablet-pci,id=extra0'/>\
         <qemu:env name='VIRTSH_TEST_ENV' value='yes'/></qemu:commandline></domain>",
        disk = disk.display()
    );
    let file = write(dir.path(), "x.xml", &xml);
    v.ok(&format!("define {}; start x", file.display()));

    // The devices asked for, and the one the command line added, are on the machine.
    let peripherals = qmp(
        &root,
        "x",
        "qom-list",
        Some(json!({"path": "/machine/peripheral"})),
    );
    let names: Vec<&str> = peripherals
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for id in ["rng0", "watchdog0", "sound0", "balloon0", "extra0"] {
        assert!(names.contains(&id), "{id} in {names:?}");
    }
    // VNC where it was asked, as the live XML says.
    let vnc = qmp(&root, "x", "query-vnc", None);
    assert_eq!(vnc["service"], port.to_string());
    assert_eq!(vnc["host"], "127.0.0.1");
    let live = v.ok("dumpxml x");
    assert!(
        live.contains(&format!(
            "<graphics type='vnc' port='{port}' autoport='no' listen='127.0.0.1'>"
        )),
        "{live}"
    );
    assert!(live.contains("<app:note xmlns:app=\"http://example.org/app\">kept</app:note>"));
    // The disk's host cache: O_DIRECT, flushes passed on.
    let blocks = qmp(&root, "x", "query-block", None);
    let cache = &blocks.as_array().unwrap()[0]["inserted"]["cache"];
    assert_eq!(
        cache,
        &json!({"direct": true, "no-flush": false, "writeback": true})
    );
    let args = qemu_args(&root, "x").join(" ");
    assert!(
        args.contains("cache=none,aio=native,discard=unmap"),
        "{args}"
    );
    assert!(args.contains("-cpu max"), "{args}");
    assert!(args.contains("-watchdog-action poweroff"), "{args}");
    // The balloon's target was set before the CPUs ran: QEMU reports the request it got.
    let balloon = qmp(&root, "x", "query-balloon", None);
    assert!(balloon["actual"].as_u64().is_some(), "{balloon}");
    // The environment from <qemu:commandline>.
    let (pid, _) = qemus(&root)[0].clone();
    let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    assert!(
        env.split(|b| *b == 0).any(|e| e == b"VIRTSH_TEST_ENV=yes"),
        "QEMU's environment"
    );
    v.ok("destroy x");
}

#[test]
fn an_automatic_vnc_port_is_found_and_shown() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let xml = "<domain type='qemu'><name>a</name><memory unit='MiB'>32</memory>\
               <os><type arch='x86_64'>hvm</type></os><devices><graphics type='vnc'/></devices></domain>";
    let file = write(dir.path(), "a.xml", xml);
    v.ok(&format!("define {}", file.display()));
    assert!(v
        .ok("dumpxml a")
        .contains("<graphics type='vnc' port='-1' autoport='yes'>"));
    v.ok("start a");
    let vnc = qmp(&root, "a", "query-vnc", None);
    let port = vnc["service"].as_str().unwrap().to_string();
    assert!(port.parse::<u16>().unwrap() >= 5900, "{vnc}");
    let live = v.ok("dumpxml a");
    assert!(
        live.contains(&format!(
            "<graphics type='vnc' port='{port}' autoport='yes' listen='127.0.0.1'>"
        )),
        "{live}"
    );
    assert!(v.ok("dumpxml --inactive a").contains("port='-1'"));
    v.ok("destroy a");
}

/// Each is accepted by `define` (as libvirt accepts it) and refused by `start`.
#[test]
fn refused_at_start_in_libvirts_words() {
    let e = Embedded::new();
    let (dir, root, v) = (&e.dir, e.root.clone(), &e.v);
    let cases = [
        ("<devices><graphics type='vnc' port='100' autoport='no'/></devices>",
         "error: unsupported configuration: vnc port must be in range [5900,65535]"),
        ("<cpu mode='host-passthrough'/>",
         "error: unsupported configuration: CPU mode 'host-passthrough' for x86_64 qemu domain on x86_64 host is not supported by hypervisor"),
        ("<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='0' slot='0x1f' function='0'/></source></hostdev></devices>",
         "error: unsupported configuration: <devices><hostdev> is not supported by virtsh's QEMU driver; remove it from domain 'r' (virsh edit r)"),
        ("<memoryBacking><hugepages/></memoryBacking>",
         "error: unsupported configuration: <domain><memoryBacking> is not supported"),
        ("<devices><interface type='user'><rom bar='off'/></interface></devices>",
         "error: unsupported configuration: <interface><rom> is not supported"),
    ];
    for (part, want) in cases {
        let xml = format!(
            "<domain type='qemu'><name>r</name><memory unit='MiB'>32</memory>\
             <os><type arch='x86_64'>hvm</type></os>{part}</domain>"
        );
        let file = write(dir.path(), "r.xml", &xml);
        v.ok(&format!("define {}", file.display()));
        let e = v.err("start r");
        assert!(
            e.starts_with("error: Failed to start domain 'r'\n") && e.contains(want),
            "{part}: {e}"
        );
        assert!(qemus(&root).is_empty());
        v.ok("undefine r");
    }
    // libvirt's QEMU driver refuses this one at define.
    let xml =
        "<domain type='qemu'><name>n</name><memory unit='MiB'>32</memory><os><type>hvm</type></os>\
               <devices><disk type='file'><driver name='qemu' type='raw' io='native'/>\
               <source file='/x'/><target dev='vda'/></disk></devices></domain>";
    let file = write(dir.path(), "n.xml", xml);
    let e = v.err(&format!("define {}", file.display()));
    assert!(
        e.contains("io='native' needs either no disk cache or directsync cache mode"),
        "{e}"
    );
}

#[test]
fn qemus_own_words_when_it_cannot_start() {
    let e = Embedded::new();
    let (dir, v) = (&e.dir, &e.v);
    let xml = "<domain type='qemu'><name>m</name><memory unit='MiB'>32</memory>\
               <os><type arch='x86_64'>hvm</type></os><devices><disk type='file'>\
               <source file='/nonexistent/disk.img'/><target dev='vda'/></disk></devices></domain>";
    let file = write(dir.path(), "m.xml", xml);
    v.ok(&format!("define {}", file.display()));
    let e = v.err("start m");
    assert!(
        e.contains("internal error: process exited while connecting to monitor:")
            && e.contains("/nonexistent/disk.img")
            && e.contains("No such file or directory"),
        "{e}"
    );
    assert_eq!(v.ok("domstate m --reason"), "shut off (failed)\n");
    // The diskless domain next to it is untouched by its neighbour's trouble.
    let uuid = "7c5b1c3e-52c6-4a1b-9a51-000000000001";
    let ok = write(dir.path(), "ok.xml", &diskless_xml("ok", uuid));
    v.ok(&format!("create {}", ok.display()));
    v.ok("destroy ok");
}
