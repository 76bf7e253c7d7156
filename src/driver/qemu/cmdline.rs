//! From a domain definition to a `qemu-system-x86_64` command line. What the definition asks
//! for and this driver cannot do is refused when the domain is defined
//! ([`check`]), with `unsupported configuration: ...` naming the element.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::domain::{DiskSource, DomainDef};

/// Where the QEMU of one domain keeps its files.
pub struct Paths {
    /// Locked by every QEMU of the domain for its lifetime.
    pub launch: PathBuf,
    pub pid: PathBuf,
    pub qmp: PathBuf,
    pub console: PathBuf,
    pub log: PathBuf,
    /// QEMU writes every monitor event here (a second QMP monitor on a file, negotiated by
    /// reading `caps`), so that a guest's power-off is seen without connecting.
    pub events: PathBuf,
    pub caps: PathBuf,
}

/// The emulator a definition runs: `<emulator>`, else `qemu-system-x86_64` from `PATH`.
pub fn emulator(def: &DomainDef) -> Result<PathBuf, Error> {
    if let Some(e) = &def.devices.emulator {
        let path = PathBuf::from(e);
        if !path.exists() {
            return Err(Error::new(
                crate::error::ErrorCode::SystemError,
                format!("Cannot check QEMU binary {e}: No such file or directory"),
            ));
        }
        return Ok(path);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join("qemu-system-x86_64"))
        .find(|p| p.exists())
        .ok_or_else(|| {
            Error::unsupported(
                "no emulator: qemu-system-x86_64 is not on PATH; install qemu-system-x86 or name one in <emulator>",
            )
        })
}

/// Whether KVM can be used: `/dev/kvm` opens for reading and writing.
pub fn kvm_usable() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
        .is_ok()
}

fn unsupported(what: impl std::fmt::Display) -> Error {
    Error::unsupported(what)
}

/// Refuses what this driver cannot run.
pub fn check(def: &DomainDef) -> Result<(), Error> {
    if !matches!(def.kind.as_str(), "qemu" | "kvm") {
        return Err(unsupported(format!(
            "domain type '{}' is not supported by the QEMU driver (use 'qemu' or 'kvm')",
            def.kind
        )));
    }
    if def.os.kind != "hvm" {
        return Err(unsupported(format!(
            "os type '{}' in <os><type>",
            def.os.kind
        )));
    }
    if let Some(arch) = &def.os.arch {
        if !matches!(arch.as_str(), "x86_64" | "i686") {
            return Err(unsupported(format!(
                "architecture '{arch}' in <os><type arch=...>"
            )));
        }
    }
    emulator(def)?;
    for d in &def.devices.disks {
        let bus = d
            .target_bus
            .as_deref()
            .unwrap_or_else(|| default_bus(&d.target_dev));
        if !matches!(bus, "virtio" | "ide" | "sata" | "scsi") {
            return Err(unsupported(format!(
                "disk bus '{bus}' of <disk><target dev='{}'>",
                d.target_dev
            )));
        }
        if !matches!(d.device.as_str(), "disk" | "cdrom") {
            return Err(unsupported(format!(
                "disk device '{}' of <disk> {}",
                d.device, d.target_dev
            )));
        }
        if let Some(t) = &d.driver.format {
            if !matches!(t.as_str(), "raw" | "qcow2") {
                return Err(unsupported(format!(
                    "disk format '{t}' in <driver type=...>"
                )));
            }
        }
    }
    for i in &def.devices.interfaces {
        if !matches!(i.kind.as_str(), "user" | "bridge") {
            return Err(unsupported(format!(
                "interface type '{}' in <interface> (virtsh runs 'user' and 'bridge')",
                i.kind
            )));
        }
        if let Some(m) = &i.model {
            if !matches!(m.as_str(), "virtio" | "e1000" | "rtl8139") {
                return Err(unsupported(format!("interface model '{m}' in <model>")));
            }
        }
    }
    for g in &def.devices.graphics {
        if g.kind != "vnc" {
            return Err(unsupported(format!(
                "graphics type '{}' in <graphics>",
                g.kind
            )));
        }
    }
    for c in def.devices.serials.iter().chain(&def.devices.consoles) {
        if !matches!(c.kind.as_str(), "pty" | "unix") {
            return Err(unsupported(format!(
                "character device type '{}' in <serial>/<console>",
                c.kind
            )));
        }
    }
    Ok(())
}

fn default_bus(dev: &str) -> &'static str {
    match &dev[..2.min(dev.len())] {
        "vd" => "virtio",
        "sd" => "scsi",
        _ => "ide",
    }
}

/// Resolves a disk's source to a path (a pool volume through `volume_path`).
pub type VolumeResolver<'a> = &'a dyn Fn(&str, &str) -> Result<PathBuf, Error>;

/// The command line that starts `def` daemonized, its monitor and console at `paths`.
pub fn build(
    def: &DomainDef,
    paths: &Paths,
    volumes: VolumeResolver,
) -> Result<Vec<String>, Error> {
    let mut a: Vec<String> = Vec::new();
    let mut push = |items: &[&str]| a.extend(items.iter().map(|s| s.to_string()));
    let accel = if def.kind == "kvm" && kvm_usable() {
        "kvm"
    } else {
        "tcg"
    };
    let machine = def.os.machine.as_deref().unwrap_or("pc");
    let acpi = if def.features.iter().any(|f| f == "acpi") {
        "on"
    } else {
        "off"
    };
    push(&["-name", &format!("guest={}", def.name)]);
    push(&["-uuid", &def.uuid.to_string()]);
    push(&["-machine", &format!("{machine},accel={accel},acpi={acpi}")]);
    push(&["-m", &format!("size={}k", def.memory_kib)]);
    push(&[
        "-smp",
        &format!("{},maxcpus={}", def.vcpu.online(), def.vcpu.max),
    ]);
    push(&["-nodefaults", "-no-user-config"]);
    if def.on_reboot == "destroy" {
        push(&["-no-reboot"]);
    }
    push(&["-daemonize", "-pidfile", &paths.pid.display().to_string()]);
    push(&[
        "-qmp",
        &format!("unix:{},server=on,wait=off", paths.qmp.display()),
    ]);
    push(&["-D", &paths.log.display().to_string()]);
    push(&[
        "-chardev",
        &format!(
            "file,id=events,path={},input-path={}",
            paths.events.display(),
            paths.caps.display()
        ),
    ]);
    push(&["-mon", "chardev=events,mode=control"]);
    if let Some(k) = &def.os.kernel {
        push(&["-kernel", k]);
    }
    if let Some(i) = &def.os.initrd {
        push(&["-initrd", i]);
    }
    if let Some(c) = &def.os.cmdline {
        push(&["-append", c]);
    }
    let boot: String = def
        .os
        .boot
        .iter()
        .filter_map(|b| match b.as_str() {
            "hd" => Some('c'),
            "cdrom" => Some('d'),
            "network" => Some('n'),
            "fd" => Some('a'),
            _ => None,
        })
        .collect();
    if !boot.is_empty() && def.os.kernel.is_none() {
        push(&["-boot", &format!("order={boot}")]);
    }
    let mut have_ahci = false;
    let mut have_scsi = false;
    for (i, d) in def.devices.disks.iter().enumerate() {
        let bus = d
            .target_bus
            .as_deref()
            .unwrap_or_else(|| default_bus(&d.target_dev));
        let cdrom = d.device == "cdrom";
        let file = match &d.source {
            DiskSource::None => None,
            DiskSource::File(f) | DiskSource::Block(f) => Some(PathBuf::from(f)),
            DiskSource::Volume { pool, volume } => Some(volumes(pool, volume)?),
        };
        let mut drive = format!("if=none,id=drive{i}");
        if let Some(f) = &file {
            drive.push_str(&format!(
                ",file={}",
                f.display().to_string().replace(',', ",,")
            ));
            drive.push_str(&format!(
                ",format={}",
                d.driver.format.as_deref().unwrap_or("raw")
            ));
        }
        if cdrom {
            drive.push_str(",media=cdrom");
        }
        if d.readonly || cdrom {
            drive.push_str(",readonly=on");
        }
        push(&["-drive", &drive]);
        let device = match (bus, cdrom) {
            ("virtio", _) => format!("virtio-blk-pci,drive=drive{i}"),
            ("ide", true) => format!("ide-cd,drive=drive{i}"),
            ("ide", false) => format!("ide-hd,drive=drive{i}"),
            ("sata", _) => {
                if !have_ahci {
                    push(&["-device", "ahci,id=sata0"]);
                    have_ahci = true;
                }
                let kind = if cdrom { "ide-cd" } else { "ide-hd" };
                format!("{kind},drive=drive{i},bus=sata0.{}", i.min(5))
            }
            _ => {
                if !have_scsi {
                    push(&["-device", "virtio-scsi-pci,id=scsi0"]);
                    have_scsi = true;
                }
                let kind = if cdrom { "scsi-cd" } else { "scsi-hd" };
                format!("{kind},drive=drive{i},bus=scsi0.0")
            }
        };
        let device = match d.boot_order {
            Some(n) => format!("{device},bootindex={n}"),
            None => device,
        };
        push(&["-device", &device]);
    }
    for (i, n) in def.devices.interfaces.iter().enumerate() {
        let netdev = match n.kind.as_str() {
            "bridge" => format!(
                "bridge,id=net{i},br={}",
                n.source_bridge.as_deref().unwrap_or("virbr0")
            ),
            _ => format!("user,id=net{i}"),
        };
        push(&["-netdev", &netdev]);
        let model = match n.model.as_deref() {
            Some("e1000") => "e1000",
            Some("rtl8139") => "rtl8139",
            _ => "virtio-net-pci",
        };
        let mut device = format!("{model},netdev=net{i}");
        if let Some(mac) = &n.mac {
            device.push_str(&format!(",mac={mac}"));
        }
        push(&["-device", &device]);
    }
    if !def.devices.serials.is_empty() || !def.devices.consoles.is_empty() {
        push(&[
            "-chardev",
            &format!(
                "socket,id=serial0,path={},server=on,wait=off",
                paths.console.display()
            ),
        ]);
        push(&["-serial", "chardev:serial0"]);
    }
    match def.devices.graphics.first() {
        Some(_) => push(&["-vnc", "127.0.0.1:0,to=99"]),
        None => push(&["-display", "none"]),
    }
    for v in &def.devices.videos {
        let device = match v.model.as_str() {
            "cirrus" => "cirrus-vga",
            "virtio" => "virtio-vga",
            "none" => continue,
            _ => "VGA",
        };
        push(&["-device", device]);
    }
    if def
        .devices
        .inputs
        .iter()
        .any(|i| i.bus.as_deref() == Some("usb"))
    {
        push(&["-usb"]);
        for i in def
            .devices
            .inputs
            .iter()
            .filter(|i| i.bus.as_deref() == Some("usb"))
        {
            let device = if i.kind == "tablet" {
                "usb-tablet"
            } else {
                "usb-kbd"
            };
            push(&["-device", device]);
        }
    }
    if def
        .devices
        .memballoon
        .as_ref()
        .is_some_and(|m| m.model == "virtio")
    {
        push(&["-device", "virtio-balloon-pci,id=balloon0"]);
    }
    Ok(a)
}

/// The paths for one domain under the run directory.
pub fn paths(run_file: impl Fn(&str) -> PathBuf) -> Paths {
    Paths {
        launch: run_file("launch"),
        pid: run_file("pid"),
        qmp: run_file("qmp"),
        console: run_file("console"),
        log: run_file("log"),
        events: run_file("events"),
        caps: run_file("caps"),
    }
}

/// Reads QEMU's pid file.
pub fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(xml: &str) -> DomainDef {
        DomainDef::parse(xml).unwrap()
    }

    #[test]
    fn diskless_tcg_line() {
        let d = def(
            "<domain type='qemu'><name>v</name><memory unit='MiB'>64</memory><vcpu>2</vcpu>\
                     <os><type arch='x86_64'>hvm</type></os></domain>",
        );
        let paths = paths(|e| PathBuf::from(format!("/r/v.{e}")));
        let line = build(&d, &paths, &|_, _| unreachable!()).unwrap().join(" ");
        assert!(line.contains("-machine pc,accel=tcg,acpi=off"), "{line}");
        assert!(line.contains("-m size=65536k"));
        assert!(line.contains("-smp 2,maxcpus=2"));
        assert!(line.contains("-qmp unix:/r/v.qmp,server=on,wait=off"));
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
        let paths = paths(|e| PathBuf::from(format!("/r/v.{e}")));
        let line = build(&d, &paths, &|_, _| unreachable!()).unwrap().join(" ");
        assert!(line.contains("file=/d,,1.qcow2,format=qcow2"), "{line}");
        assert!(line.contains("-device virtio-blk-pci,drive=drive0"));
        assert!(line.contains("media=cdrom,readonly=on -device ide-cd,drive=drive1"));
        assert!(line.contains(
            "-netdev user,id=net0 -device virtio-net-pci,netdev=net0,mac=52:54:00:00:00:01"
        ));
        assert!(line.contains("-serial chardev:serial0"));
        assert!(line.contains("virtio-balloon-pci"));
        assert!(line.contains("acpi=on"));
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
        let e = check(&def("<domain type='qemu'><name>v</name><memory>1</memory><os><type>hvm</type></os>\
            <devices><interface type='network'><source network='default'/></interface></devices></domain>"))
        .unwrap_err();
        assert!(e.to_string().contains("interface type 'network'"), "{e}");
        let e = check(&def(
            "<domain type='qemu'><name>v</name><memory>1</memory><os><type>hvm</type></os>\
            <devices><emulator>/nonexistent/qemu</emulator></devices></domain>",
        ))
        .unwrap_err();
        assert!(e.to_string().contains("/nonexistent/qemu"), "{e}");
    }
}
