//! The devices of a QEMU command line, each from its element.

use std::path::PathBuf;

use super::{default_bus, esc, Argv, VolumeResolver};
use crate::error::Error;
use crate::model::domain::{DiskSource, DomainDef, Interface, VNC_BASE};

pub(super) fn push_all(
    a: &mut Argv,
    def: &DomainDef,
    volumes: VolumeResolver,
) -> Result<(), Error> {
    disks(a, def, volumes)?;
    interfaces(a, def);
    // The serial port on a pty, as libvirt gives it (the console command and any terminal
    // program open the pty).
    if !def.devices.serials.is_empty() || !def.devices.consoles.is_empty() {
        let chardev = super::super::live::SERIAL_CHARDEV;
        a.push(&["-chardev", &format!("pty,id={chardev}")]);
        a.push(&[
            "-device",
            &format!("isa-serial,chardev={chardev},id=serial0"),
        ]);
    }
    graphics(a, def);
    inputs(a, def);
    sound(a, def);
    for (i, w) in def.devices.watchdogs.iter().enumerate() {
        a.push(&["-device", &format!("{},id=watchdog{i}", w.model)]);
        a.push(&["-watchdog-action", &w.action]);
    }
    let balloon = def.devices.memballoon.as_ref();
    if let Some(Some(driver)) = balloon.and_then(|m| balloon_device(&m.model)) {
        a.push(&["-device", &format!("{driver},id=balloon0")]);
    }
    rngs(a, def);
    Ok(())
}

/// The QEMU device of each model virtsh runs (`Some(None)`: the model is no device); `None` for
/// a model it does not run, which `checks` refuses.
pub fn balloon_device(model: &str) -> Option<Option<&'static str>> {
    Some(match model {
        "virtio" => Some("virtio-balloon-pci"),
        "virtio-transitional" => Some("virtio-balloon-pci-transitional"),
        "virtio-non-transitional" => Some("virtio-balloon-pci-non-transitional"),
        "none" => None,
        _ => return None,
    })
}

pub fn video_device(model: &str) -> Option<Option<&'static str>> {
    Some(match model {
        "vga" => Some("VGA"),
        "cirrus" => Some("cirrus-vga"),
        "virtio" => Some("virtio-vga"),
        "qxl" => Some("qxl-vga"),
        "bochs" => Some("bochs-display"),
        "vmvga" => Some("vmware-svga"),
        "ramfb" => Some("ramfb"),
        "none" => None,
        _ => return None,
    })
}

/// An input device by type and bus (`Some(None)`: the PS/2 ones the machine has anyway).
pub fn input_device(kind: &str, bus: Option<&str>) -> Option<Option<&'static str>> {
    Some(match (kind, bus.unwrap_or("ps2")) {
        ("mouse" | "keyboard", "ps2") => None,
        ("tablet", "usb") => Some("usb-tablet"),
        ("mouse", "usb") => Some("usb-mouse"),
        ("keyboard", "usb") => Some("usb-kbd"),
        ("tablet", "virtio") => Some("virtio-tablet-pci"),
        ("mouse", "virtio") => Some("virtio-mouse-pci"),
        ("keyboard", "virtio") => Some("virtio-keyboard-pci"),
        _ => return None,
    })
}

fn disks(a: &mut Argv, def: &DomainDef, volumes: VolumeResolver) -> Result<(), Error> {
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
            drive.push_str(&format!(",file={}", esc(&f.display().to_string())));
            drive.push_str(&format!(
                ",format={}",
                d.driver.format.as_deref().unwrap_or("raw")
            ));
        }
        for (option, value) in [
            ("cache", &d.driver.cache),
            ("aio", &d.driver.io),
            ("discard", &d.driver.discard),
        ] {
            if let Some(v) = value {
                drive.push_str(&format!(",{option}={v}"));
            }
        }
        if cdrom {
            drive.push_str(",media=cdrom");
        }
        if d.readonly || cdrom {
            drive.push_str(",readonly=on");
        }
        a.push(&["-drive", &drive]);
        let device = match (bus, cdrom) {
            ("virtio", _) => format!("virtio-blk-pci,drive=drive{i}"),
            ("ide", true) => format!("ide-cd,drive=drive{i}"),
            ("ide", false) => format!("ide-hd,drive=drive{i}"),
            ("sata", _) => {
                if !have_ahci {
                    a.push(&["-device", "ahci,id=sata0"]);
                    have_ahci = true;
                }
                let kind = if cdrom { "ide-cd" } else { "ide-hd" };
                format!("{kind},drive=drive{i},bus=sata0.{}", i.min(5))
            }
            _ => {
                if !have_scsi {
                    a.push(&["-device", "virtio-scsi-pci,id=scsi0"]);
                    have_scsi = true;
                }
                let kind = if cdrom { "scsi-cd" } else { "scsi-hd" };
                format!("{kind},drive=drive{i},bus=scsi0.0")
            }
        };
        let mut device = match d.boot_order {
            Some(n) => format!("{device},bootindex={n}"),
            None => device,
        };
        // A disk other guests write too: QEMU must not take it for itself alone.
        if d.shareable {
            device.push_str(",share-rw=on");
        }
        a.push(&["-device", &device]);
    }
    Ok(())
}

fn interfaces(a: &mut Argv, def: &DomainDef) {
    for (i, n) in def.devices.interfaces.iter().enumerate() {
        let (netdev, device) = interface_args(def, i, n);
        a.push(&["-netdev", &netdev]);
        a.push(&["-device", &device]);
    }
}

/// The `-netdev` and `-device` options of interface `i` (hot-plugging sends the same).
pub fn interface_args(def: &DomainDef, i: usize, n: &Interface) -> (String, String) {
    let (net, nic) = super::super::nics::ids(def, i);
    let netdev = match n.kind.as_str() {
        // The tap QEMU makes; virtsh puts it on its bridge (`nics`).
        "bridge" | "network" => format!(
            "tap,id={net},ifname={},script=no,downscript=no",
            esc(n.target_dev.as_deref().unwrap_or_default())
        ),
        // passt listens on its socket in the run directory (QEMU's working directory).
        _ if n.backend.as_deref() == Some("passt") => format!(
            "stream,id={net},server=off,addr.type=unix,addr.path={}",
            super::super::nics::passt_socket(def, i)
        ),
        _ => format!("user,id={net}"),
    };
    let model = match n.model.as_deref() {
        Some("e1000") => "e1000",
        Some("rtl8139") => "rtl8139",
        _ => "virtio-net-pci",
    };
    let mut device = format!("{model},netdev={net}");
    if let Some(mac) = &n.mac {
        device.push_str(&format!(",mac={mac}"));
    }
    device.push_str(&format!(",id={nic}"));
    (netdev, device)
}

/// VNC on the address and port asked for; an automatic port is the first free display from
/// 5900 on (QEMU's `to=`), read back once QEMU runs.
fn graphics(a: &mut Argv, def: &DomainDef) {
    match def.devices.graphics.first() {
        Some(g) => {
            let listen = g.listen.as_deref().unwrap_or("127.0.0.1");
            let host = if listen.contains(':') {
                format!("[{listen}]")
            } else {
                listen.to_string()
            };
            let display = match g.port.filter(|_| !g.autoport) {
                Some(port) => format!("{}:{}", esc(&host), port - VNC_BASE),
                None => format!("{}:0,to={}", esc(&host), 65535 - VNC_BASE),
            };
            a.push(&["-vnc", &display]);
        }
        None => a.push(&["-display", "none"]),
    }
    for v in &def.devices.videos {
        if let Some(Some(device)) = video_device(&v.model) {
            a.push(&["-device", device]);
        }
    }
}

fn inputs(a: &mut Argv, def: &DomainDef) {
    let inputs = &def.devices.inputs;
    let usb_input = inputs.iter().any(|i| i.bus.as_deref() == Some("usb"));
    let usb_sound = def.devices.sounds.iter().any(|s| s.model == "usb");
    if usb_input || usb_sound {
        a.push(&["-usb"]);
    }
    for i in inputs {
        if let Some(Some(device)) = input_device(&i.kind, i.bus.as_deref()) {
            a.push(&["-device", device]);
        }
    }
}

/// Sound cards play into a silent audio backend, as libvirt's default (`<audio type='none'>`).
fn sound(a: &mut Argv, def: &DomainDef) {
    if def.devices.sounds.is_empty() {
        return;
    }
    a.push(&["-audiodev", "none,id=audio1"]);
    for (i, s) in def.devices.sounds.iter().enumerate() {
        let id = format!("sound{i}");
        let hda = |a: &mut Argv, controller: &str| {
            a.push(&["-device", &format!("{controller},id={id}")]);
            a.push(&[
                "-device",
                &format!("hda-duplex,id={id}-codec0,bus={id}.0,cad=0,audiodev=audio1"),
            ]);
        };
        match s.model.as_str() {
            "ich9" => hda(a, "ich9-intel-hda"),
            "ich6" => hda(a, "intel-hda"),
            // Played through the machine's `pcspk-audiodev`.
            "pcspk" => {}
            model => {
                let driver = match model {
                    "ac97" => "AC97",
                    "es1370" => "ES1370",
                    "sb16" => "sb16",
                    "usb" => "usb-audio",
                    _ => "virtio-sound-pci",
                };
                a.push(&["-device", &format!("{driver},id={id},audiodev=audio1")]);
            }
        }
    }
}

fn rngs(a: &mut Argv, def: &DomainDef) {
    for (i, r) in def.devices.rngs.iter().enumerate() {
        let object = match &r.device {
            Some(path) => format!("rng-random,id=objrng{i},filename={}", esc(path)),
            None => format!("rng-builtin,id=objrng{i}"),
        };
        a.push(&["-object", &object]);
        let driver = match r.model.as_str() {
            "virtio-transitional" => "virtio-rng-pci-transitional",
            "virtio-non-transitional" => "virtio-rng-pci-non-transitional",
            _ => "virtio-rng-pci",
        };
        let mut device = format!("{driver},rng=objrng{i},id=rng{i}");
        if let Some((bytes, period)) = r.rate {
            device.push_str(&format!(",max-bytes={bytes}"));
            if let Some(p) = period {
                device.push_str(&format!(",period={p}"));
            }
        }
        a.push(&["-device", &device]);
    }
}
