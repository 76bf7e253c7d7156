//! What a running domain's live definition says that its configuration does not, as libvirt's
//! QEMU driver fills it in at start: the pty QEMU gave the serial port (the console's too),
//! the machine type QEMU resolved an alias such as `pc` to, and the devices' aliases as
//! libvirt names them (`virtio-disk0`, `net0`, `serial0`, ...; a user's `ua-` alias kept).

use serde_json::Value;

use super::cmdline::default_bus;
use super::qmp::{Qmp, QmpError};
use crate::model::domain::DomainDef;

/// QEMU's id of the serial port's character device.
pub const SERIAL_CHARDEV: &str = "charserial0";

/// Fills in `def`, the live definition of a domain whose QEMU answers on `qmp`.
pub fn complete(qmp: &mut Qmp, def: &mut DomainDef) -> Result<(), QmpError> {
    if !def.devices.serials.is_empty() || !def.devices.consoles.is_empty() {
        let pty = serial_pty(qmp)?;
        for (i, s) in def.devices.serials.iter_mut().enumerate() {
            if i == 0 && s.kind == "pty" {
                s.source_path = pty.clone();
            }
        }
        for (i, c) in def.devices.consoles.iter_mut().enumerate() {
            if i == 0 && c.kind == "pty" {
                c.source_path = pty.clone();
                c.tty = pty.clone();
                // The first console is the serial port's.
                c.target_type.get_or_insert_with(|| "serial".into());
                c.target_port.get_or_insert(0);
            }
        }
    }
    def.os.machine = Some(machine(qmp, def.os.machine.as_deref())?);
    assign_aliases(def);
    Ok(())
}

/// `def` without what [`complete`] and a start filled in: the definition as libvirt formats
/// a running domain's inactive (`--inactive`, and a save image's XML): no pty paths, no
/// aliases but a user's (`ua-`), no port a display was given. The machine type QEMU resolved
/// stays, so that the guest comes back on the machine it ran on.
pub fn inactive(def: &DomainDef) -> DomainDef {
    let mut def = def.clone();
    let user = |alias: &mut Option<String>| {
        if !alias.as_deref().is_some_and(|a| a.starts_with("ua-")) {
            *alias = None;
        }
    };
    let d = &mut def.devices;
    for s in &mut d.serials {
        if s.kind == "pty" {
            s.source_path = None;
        }
        user(&mut s.alias);
    }
    for c in &mut d.consoles {
        if c.kind == "pty" {
            c.source_path = None;
            c.tty = None;
        }
        user(&mut c.alias);
    }
    for g in &mut d.graphics {
        if g.autoport {
            g.port = None;
        }
    }
    d.disks.iter_mut().for_each(|x| user(&mut x.alias));
    d.controllers.iter_mut().for_each(|x| user(&mut x.alias));
    d.interfaces.iter_mut().for_each(|x| user(&mut x.alias));
    d.inputs.iter_mut().for_each(|x| user(&mut x.alias));
    d.sounds.iter_mut().for_each(|x| user(&mut x.alias));
    d.videos.iter_mut().for_each(|x| user(&mut x.alias));
    d.watchdogs.iter_mut().for_each(|x| user(&mut x.alias));
    d.rngs.iter_mut().for_each(|x| user(&mut x.alias));
    if let Some(m) = d.memballoon.as_mut() {
        user(&mut m.alias);
    }
    def
}

/// The pty the serial port's character device has (`pty:/dev/pts/N`).
fn serial_pty(qmp: &mut Qmp) -> Result<Option<String>, QmpError> {
    let devices = qmp.execute("query-chardev", None)?;
    Ok(devices.as_array().into_iter().flatten().find_map(|d| {
        (d["label"] == SERIAL_CHARDEV)
            .then(|| {
                d["filename"]
                    .as_str()?
                    .strip_prefix("pty:")
                    .map(String::from)
            })
            .flatten()
    }))
}

/// The machine type QEMU runs: the one `given` names (an alias resolved to its versioned
/// name), else QEMU's default.
fn machine(qmp: &mut Qmp, given: Option<&str>) -> Result<String, QmpError> {
    let machines = qmp.execute("query-machines", None)?;
    let list: Vec<&Value> = machines.as_array().into_iter().flatten().collect();
    let found = list.iter().find(|m| match given {
        Some(g) => m["alias"] == g || m["name"] == g,
        None => m["is-default"] == true,
    });
    Ok(found
        .and_then(|m| m["name"].as_str())
        .map(String::from)
        .or_else(|| given.map(String::from))
        .unwrap_or_else(|| "pc".into()))
}

/// libvirt's index of a disk name (`virDiskNameToIndex`): `vda` 0, `vdz` 25, `vdaa` 26.
fn disk_index(dev: &str) -> u32 {
    let letters = ["xvd", "ubd", "fd", "hd", "vd", "sd"]
        .iter()
        .find_map(|p| dev.strip_prefix(p))
        .unwrap_or(dev);
    let mut idx = 0u32;
    for (i, c) in letters
        .chars()
        .take_while(char::is_ascii_lowercase)
        .enumerate()
    {
        idx = (idx + u32::from(i > 0)).saturating_mul(26) + (c as u32 - 'a' as u32);
    }
    idx
}

/// Gives every device without an alias the one libvirt's QEMU driver gives it
/// (`qemuAssignDeviceAliases`).
fn assign_aliases(def: &mut DomainDef) {
    let d = &mut def.devices;
    let set = |slot: &mut Option<String>, name: String| {
        slot.get_or_insert(name);
    };
    for disk in &mut d.disks {
        let bus = disk
            .target_bus
            .clone()
            .unwrap_or_else(|| default_bus(&disk.target_dev).to_string());
        let i = disk_index(&disk.target_dev);
        let name = match bus.as_str() {
            "virtio" => format!("virtio-disk{i}"),
            "ide" => format!("ide0-{}-{}", i / 2, i % 2),
            "sata" => format!("sata0-0-{i}"),
            "scsi" => format!("scsi0-0-0-{i}"),
            "usb" => format!("usb-disk{i}"),
            "fdc" => format!("fdc0-0-{i}"),
            other => format!("{other}-disk{i}"),
        };
        set(&mut disk.alias, name);
    }
    for c in &mut d.controllers {
        let name = match (c.kind.as_str(), c.index) {
            ("pci", n) => format!("pci.{n}"),
            ("usb" | "ide", 0) => c.kind.clone(),
            (kind, n) => format!("{kind}{n}"),
        };
        set(&mut c.alias, name);
    }
    for (i, n) in d.interfaces.iter_mut().enumerate() {
        set(&mut n.alias, format!("net{i}"));
    }
    for (i, s) in d.serials.iter_mut().enumerate() {
        set(&mut s.alias, format!("serial{i}"));
    }
    let serial = d.serials.first().and_then(|s| s.alias.clone());
    for (i, c) in d.consoles.iter_mut().enumerate() {
        // The first console is the first serial port itself.
        let name = match (&serial, i) {
            (Some(s), 0) => s.clone(),
            _ => format!("console{i}"),
        };
        set(&mut c.alias, name);
    }
    for (i, x) in d.inputs.iter_mut().enumerate() {
        set(&mut x.alias, format!("input{i}"));
    }
    for (i, x) in d.sounds.iter_mut().enumerate() {
        set(&mut x.alias, format!("sound{i}"));
    }
    for (i, x) in d.videos.iter_mut().enumerate() {
        set(&mut x.alias, format!("video{i}"));
    }
    for (i, x) in d.watchdogs.iter_mut().enumerate() {
        set(&mut x.alias, format!("watchdog{i}"));
    }
    for (i, x) in d.rngs.iter_mut().enumerate() {
        set(&mut x.alias, format!("rng{i}"));
    }
    if let Some(m) = d.memballoon.as_mut().filter(|m| m.model != "none") {
        set(&mut m.alias, "balloon0".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_names_as_libvirt_counts_them() {
        for (name, i) in [
            ("vda", 0),
            ("vdb", 1),
            ("vdz", 25),
            ("vdaa", 26),
            ("hdc", 2),
            ("sda", 0),
        ] {
            assert_eq!(disk_index(name), i, "{name}");
        }
    }
}
