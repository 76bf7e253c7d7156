use super::*;
use crate::driver::qemu::checks::{check, check_start};

fn def(xml: &str) -> DomainDef {
    DomainDef::parse(xml).unwrap()
}

fn line(d: &DomainDef) -> String {
    let paths = Paths::new(Path::new("/r"), &d.name);
    build(d, &paths, &|_, _| unreachable!(), true)
        .unwrap()
        .join(" ")
}

fn with_devices(devices: &str) -> DomainDef {
    def(&format!(
        "<domain type='qemu'><name>v</name><memory unit='MiB'>64</memory><os><type>hvm</type></os>\
         <devices>{devices}</devices></domain>"
    ))
}

#[test]
fn diskless_tcg_line() {
    let d = def(
        "<domain type='qemu'><name>v</name><memory unit='MiB'>64</memory><vcpu>2</vcpu>\
                 <os><type arch='x86_64'>hvm</type></os></domain>",
    );
    let line = line(&d);
    assert!(line.contains("-machine pc,accel=tcg,acpi=off"), "{line}");
    assert!(line.contains("-cpu qemu64"));
    assert!(line.contains("-m size=65536k"));
    assert!(line.contains("-smp 2,maxcpus=2"));
    assert!(line.contains("-S -daemonize -pidfile /r/v.pid -qmp unix:v.qmp,server=on,wait=off"));
    assert!(line.contains("-display none"));
    assert!(
        !line.contains("-device"),
        "nothing the XML did not ask for: {line}"
    );
}

#[test]
fn devices() {
    let d = def("<domain type='qemu'><name>v</name><memory>65536</memory><os><type>hvm</type></os>\
        <features><acpi/></features><devices>\
        <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/d,1.qcow2'/><target dev='vda' bus='virtio'/></disk>\
        <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>\
        <interface type='user'><mac address='52:54:00:00:00:01'/><model type='virtio'/></interface>\
        <serial type='pty'><target port='0'/></serial><memballoon model='virtio'/></devices></domain>");
    let line = line(&d);
    assert!(line.contains("file=/d,,1.qcow2,format=qcow2"), "{line}");
    assert!(line.contains("-device virtio-blk-pci,drive=drive0"));
    assert!(line.contains("media=cdrom,readonly=on -device ide-cd,drive=drive1"));
    assert!(line
        .contains("-netdev user,id=net525400000001 -device virtio-net-pci,netdev=net525400000001,mac=52:54:00:00:00:01,id=nic525400000001"));
    assert!(line.contains("-chardev pty,id=charserial0"));
    assert!(line.contains("-device isa-serial,chardev=charserial0,id=serial0"));
    assert!(line.contains("virtio-balloon-pci"));
    assert!(line.contains("acpi=on"));
}

#[test]
fn interfaces_reach_qemu() {
    let d = def("<domain type='qemu'><name>v</name><memory>65536</memory><os><type>hvm</type></os><devices>\
        <interface type='user'><mac address='52:54:00:00:00:01'/></interface>\
        <interface type='network'><source network='default'/><target dev='vtab'/></interface>\
        </devices></domain>");
    let line = line(&d);
    assert!(line.contains("-netdev user,id=net525400000001 "), "{line}");
    // The second interface has no MAC: its place names it.
    let hex = &d.uuid.simple().to_string()[..8];
    assert!(
        line.contains(&format!(
            "-netdev tap,id=net{hex}n1,ifname=vtab,script=no,downscript=no -device virtio-net-pci,netdev=net{hex}n1,id=nic{hex}n1"
        )),
        "{line}"
    );
    // What the definition says, it says again.
    let again = def(&d.to_xml(None));
    assert_eq!(again.devices.interfaces, d.devices.interfaces);
}

#[test]
fn what_the_xml_asks_for_reaches_qemu() {
    let d = def(&format!(
        "<domain type='qemu'><name>a,b</name><memory unit='MiB'>64</memory><os><type>hvm</type></os>\
         <cpu mode='maximum'><topology sockets='1' dies='1' cores='2' threads='1'/></cpu><vcpu>2</vcpu><devices>\
         <disk type='file'><driver name='qemu' type='raw' cache='none' io='native' discard='unmap'/><source file='/d'/><target dev='vda'/></disk>\
         <graphics type='vnc' port='5907' listen='0.0.0.0'/><sound model='ich9'/><sound model='ac97'/><sound model='pcspk'/>\
         <watchdog model='i6300esb' action='poweroff'/><rng model='virtio'><rate bytes='1234' period='2000'/><backend model='random'>/dev/urandom</backend></rng>\
         </devices><qemu:commandline xmlns:qemu='{}'><qemu:arg value='-no-hpet'/><qemu:env name='X' value='y'/></qemu:commandline></domain>",
        crate::model::domain::QEMU_NS
    ));
    let line = line(&d);
    for want in [
        "-name guest=a,,b",
        "pcspk-audiodev=audio1",
        "-cpu max",
        "-smp 2,maxcpus=2,sockets=1,dies=1,cores=2,threads=1",
        "file=/d,format=raw,cache=none,aio=native,discard=unmap",
        "-vnc 0.0.0.0:7",
        "-device cirrus-vga",
        "-audiodev none,id=audio1 -device ich9-intel-hda,id=sound0 -device hda-duplex,id=sound0-codec0,bus=sound0.0,cad=0,audiodev=audio1 -device AC97,id=sound1,audiodev=audio1",
        "-device i6300esb,id=watchdog0 -watchdog-action poweroff",
        "-object rng-random,id=objrng0,filename=/dev/urandom -device virtio-rng-pci,rng=objrng0,id=rng0,max-bytes=1234,period=2000",
    ] {
        assert!(line.contains(want), "{want}\nin\n{line}");
    }
    assert!(line.ends_with(" -no-hpet"), "{line}");
    assert_eq!(environment(&d), [("X".into(), "y".into())]);
    let auto = self::line(&with_devices("<graphics type='vnc'/>"));
    assert!(auto.contains("-vnc 127.0.0.1:0,to=59635"), "{auto}");
}

#[test]
fn refusals_name_the_element() {
    let e = check(&def(
        "<domain type='xen'><name>v</name><memory>1</memory><os><type>hvm</type></os></domain>",
    ))
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unsupported configuration: domain type 'xen'"),
        "{e}"
    );
    let e = check(&with_devices(
        "<interface type='direct'><source dev='eth0' mode='vepa'/></interface>",
    ))
    .unwrap_err();
    assert!(e.to_string().contains("interface type 'direct'"), "{e}");
    // A portForward without passt is the model's refusal, for every driver.
    let e = DomainDef::parse(
        "<domain type='qemu'><name>v</name><memory>1</memory><os><type>hvm</type></os><devices>\
         <interface type='network'><source network='default'/><portForward proto='tcp'>\
         <range start='2222' to='22'/></portForward></interface></devices></domain>",
    )
    .unwrap_err();
    assert!(e.to_string().contains("<portForward>"), "{e}");
    let e = check(&with_devices(
        "<interface type='bridge'><source bridge='br0'/><script path='/etc/qemu-ifup'/></interface>",
    ))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "unsupported configuration: scripts are not supported on interfaces of type bridge"
    );
    let e = check(&with_devices("<emulator>/nonexistent/qemu</emulator>")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/qemu"), "{e}");
    let e = check(&with_devices(
        "<disk type='file'><driver name='qemu' type='raw' io='native' cache='writeback'/><target dev='vda'/></disk>",
    ))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "unsupported configuration: io='native' needs either no disk cache or directsync cache mode"
    );
}

/// What libvirt refuses when the domain starts, and what virtsh cannot run.
#[test]
fn refusals_at_start() {
    let start = |devices: &str| check_start(&with_devices(devices)).map_err(|e| e.to_string());
    assert_eq!(
        start("<graphics type='vnc' port='100' autoport='no'/>").unwrap_err(),
        "unsupported configuration: vnc port must be in range [5900,65535]"
    );
    let e = check_start(&def(
        "<domain type='qemu'><name>v</name><memory>1</memory><os><type>hvm</type></os><cpu mode='host-passthrough'/></domain>",
    ))
    .unwrap_err();
    assert!(
        e.to_string().starts_with(
            "unsupported configuration: CPU mode 'host-passthrough' for x86_64 qemu domain on"
        ),
        "{e}"
    );
    for (devices, named) in [
        (
            "<hostdev mode='subsystem' type='pci'/>",
            "<devices><hostdev>",
        ),
        (
            "<channel type='unix'><target type='virtio'/></channel>",
            "<devices><channel>",
        ),
        (
            "<filesystem type='mount'><source dir='/tmp'/><target dir='t'/></filesystem>",
            "<devices><filesystem>",
        ),
        (
            "<interface type='user'><rom bar='off'/></interface>",
            "<interface><rom>",
        ),
    ] {
        let e = start(devices).unwrap_err();
        assert!(
            e.starts_with(&format!(
                "unsupported configuration: {named} is not supported"
            )),
            "{e}"
        );
    }
    for top in [
        "<memoryBacking><hugepages/></memoryBacking>",
        "<numatune><memory nodeset='0'/></numatune>",
        "<cputune><shares>512</shares></cputune>",
    ] {
        let d = def(&format!(
            "<domain type='qemu'><name>v</name><memory>1</memory>{top}<os><type>hvm</type></os></domain>"
        ));
        assert!(check_start(&d).is_err(), "{top}");
    }
    assert_eq!(
        start("<sound model='ich9'/><rng model='virtio'><backend model='random'/></rng>"),
        Ok(())
    );
}

/// Models and buses are given to QEMU as the XML names them, or refused at define.
#[test]
fn every_model_reaches_qemu_or_is_refused() {
    let line = line(&with_devices(
        "<disk type='file'><source file='/d'/><target dev='vda'/><shareable/></disk>\
         <input type='mouse' bus='usb'/><input type='keyboard' bus='virtio'/><input type='mouse' bus='ps2'/>\
         <video><model type='qxl'/></video><memballoon model='virtio-transitional'/>",
    ));
    for want in [
        "-device virtio-blk-pci,drive=drive0,share-rw=on",
        "-device usb-mouse",
        "-device virtio-keyboard-pci",
        "-device qxl-vga",
        "-device virtio-balloon-pci-transitional,id=balloon0",
    ] {
        assert!(line.contains(want), "{want}\nin\n{line}");
    }
    for (devices, refusal) in [
        ("<memballoon model='xen'/>", "memballoon model 'xen'"),
        ("<video><model type='xen'/></video>", "video model 'xen'"),
        (
            "<input type='tablet' bus='ps2'/>",
            "input type 'tablet' on bus 'ps2'",
        ),
        (
            "<graphics type='vnc'/><graphics type='vnc'/>",
            "only 1 graphics device of each type (sdl, vnc, spice, headless, dbus) is supported",
        ),
    ] {
        let e = check(&with_devices(devices)).unwrap_err().to_string();
        assert_eq!(
            e,
            format!("unsupported configuration: {refusal}"),
            "{devices}"
        );
    }
}
