//! What the QEMU driver refuses, and when: at define what libvirt's QEMU driver refuses at
//! define, at start what libvirt refuses at start and what virtsh cannot run (every element
//! libvirt knows and virtsh does not model among them), each as `unsupported configuration`
//! naming the element.

use super::cmdline::{
    balloon_device, default_bus, emulator, input_device, kvm_usable, video_device,
};
use crate::error::Error;
use crate::model::domain::{DomainDef, Interface, Memballoon, VNC_BASE};

fn unsupported(what: impl std::fmt::Display) -> Error {
    Error::unsupported(what)
}

/// The defaults libvirt's QEMU driver fills in when a domain is defined: a memory balloon, and
/// a MAC address (`52:54:00:...`) for each interface without one, kept from then on.
pub fn fill_defaults(def: &mut DomainDef) {
    for i in def
        .devices
        .interfaces
        .iter_mut()
        .filter(|i| i.mac.is_none())
    {
        let r = uuid::Uuid::new_v4();
        let b = r.as_bytes();
        i.mac = Some(crate::model::mac::Mac([0x52, 0x54, 0x00, b[0], b[1], b[2]]).to_string());
    }
    if def.devices.memballoon.is_none() {
        def.devices.memballoon = Some(Memballoon {
            model: "virtio".into(),
            address: None,
            alias: None,
            extra: Default::default(),
        });
    }
}

/// Refuses an interface this driver cannot give QEMU (at define, and when one is attached).
pub fn check_interface(i: &Interface) -> Result<(), Error> {
    if !matches!(i.kind.as_str(), "user" | "bridge" | "network") {
        return Err(unsupported(format!(
            "interface type '{}' in <interface> (virtsh runs 'user', 'network' and 'bridge')",
            i.kind
        )));
    }
    if i.backend.as_deref() == Some("passt") && i.kind != "user" {
        return Err(unsupported(
            "The passt backend can only be used with interface type='user'",
        ));
    }
    if i.script.is_some() {
        // virtsh puts taps on their bridges itself and runs no ethernet interfaces.
        return Err(unsupported(format!(
            "scripts are not supported on interfaces of type {}",
            i.kind
        )));
    }
    if let Some(m) = &i.model {
        if !matches!(m.as_str(), "virtio" | "e1000" | "rtl8139") {
            return Err(unsupported(format!("interface model '{m}' in <model>")));
        }
    }
    Ok(())
}

/// Refuses at define what this driver can never run.
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
        if d.driver.io.as_deref() == Some("native")
            && !matches!(d.driver.cache.as_deref(), Some("none" | "directsync"))
        {
            return Err(unsupported(
                "io='native' needs either no disk cache or directsync cache mode",
            ));
        }
    }
    for i in &def.devices.interfaces {
        check_interface(i)?;
    }
    for g in &def.devices.graphics {
        if g.kind != "vnc" {
            return Err(unsupported(format!(
                "graphics type '{}' in <graphics>",
                g.kind
            )));
        }
    }
    if def.devices.graphics.len() > 1 {
        return Err(unsupported(
            "only 1 graphics device of each type (sdl, vnc, spice, headless, dbus) is supported",
        ));
    }
    if let Some(m) = def.devices.memballoon.as_ref() {
        if balloon_device(&m.model).is_none() {
            return Err(unsupported(format!("memballoon model '{}'", m.model)));
        }
    }
    for v in &def.devices.videos {
        if video_device(&v.model).is_none() {
            return Err(unsupported(format!("video model '{}'", v.model)));
        }
    }
    for i in &def.devices.inputs {
        if input_device(&i.kind, i.bus.as_deref()).is_none() {
            let bus = i.bus.as_deref().unwrap_or("ps2");
            return Err(unsupported(format!(
                "input type '{}' on bus '{bus}'",
                i.kind
            )));
        }
    }
    // A serial port is an ISA serial port (what libvirt's own XML names it, too).
    for s in &def.devices.serials {
        for (what, value) in [("type", &s.target_type), ("model", &s.target_model)] {
            if value.as_deref().is_some_and(|v| v != "isa-serial") {
                return Err(unsupported(format!(
                    "serial target {what} '{}'",
                    value.as_deref().unwrap_or_default()
                )));
            }
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
    for w in &def.devices.watchdogs {
        match w.model.as_str() {
            "i6300esb" | "ib700" => {}
            "itco" => {
                return Err(unsupported(
                    "itco model of watchdog is only part of q35 machine",
                ))
            }
            other => {
                return Err(unsupported(format!(
                    "watchdog model '{other}' is not supported on x86_64"
                )))
            }
        }
    }
    Ok(())
}

/// Refuses the first of `what` (elements and attributes virtsh keeps but does not model) of
/// domain `name`.
pub fn refuse_unmodelled(what: &[String], name: &str) -> Result<(), Error> {
    match what.first() {
        Some(what) => Err(unsupported(format!(
            "{what} is not supported by virtsh's QEMU driver; remove it from domain '{name}' \
             (virsh edit {name})"
        ))),
        None => Ok(()),
    }
}

/// Refuses at start what libvirt refuses at start, and what virtsh cannot run.
pub fn check_start(def: &DomainDef) -> Result<(), Error> {
    refuse_unmodelled(&def.unmodelled(), def.name.as_str())?;
    let out_of_range = |p: i64| !(VNC_BASE..=65535).contains(&p);
    if def
        .devices
        .graphics
        .iter()
        .any(|g| !g.autoport && g.port.is_some_and(out_of_range))
    {
        return Err(unsupported("vnc port must be in range [5900,65535]"));
    }
    if let Some(cpu) = &def.cpu {
        if cpu.mode.as_deref() == Some("host-passthrough") && !(def.kind == "kvm" && kvm_usable()) {
            let arch = def.os.arch.as_deref().unwrap_or("x86_64");
            return Err(unsupported(format!(
                "CPU mode 'host-passthrough' for {arch} {} domain on {} host is not supported by hypervisor",
                def.kind,
                std::env::consts::ARCH
            )));
        }
    }
    for s in &def.devices.sounds {
        if matches!(s.model.as_str(), "ich7") {
            return Err(unsupported(format!(
                "sound model '{}' needs a q35 machine, which virtsh does not run",
                s.model
            )));
        }
    }
    for w in &def.devices.watchdogs {
        if w.action == "dump" {
            return Err(unsupported(
                "watchdog action 'dump' is not supported by virtsh's QEMU driver (it keeps no dump directory)",
            ));
        }
    }
    for r in &def.devices.rngs {
        if r.backend == "egd" {
            return Err(unsupported(
                "rng backend 'egd' is not supported by virtsh's QEMU driver",
            ));
        }
    }
    Ok(())
}
