//! From a domain definition to a `qemu-system-x86_64` command line (and its environment).
//! What cannot be run is refused before, in `checks`.

mod devices;

pub use devices::{balloon_device, input_device, interface_args, video_device};

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::qmp::{Qmp, QmpError};
use crate::error::Error;
use crate::model::domain::DomainDef;
use crate::model::Name;

/// Where the QEMU of one domain keeps its files. Sockets have short names of their own and
/// are bound and reached relative to the run directory: a Unix socket's path must fit in 108
/// bytes, whatever the root or the domain's name.
pub struct Paths {
    pub dir: PathBuf,
    /// Locked by every QEMU of the domain for its lifetime.
    pub launch: PathBuf,
    pub pid: PathBuf,
    /// The monitor socket's name in `dir`.
    pub qmp: String,
    /// A second monitor's socket, for a reboot's watcher (see `reboot.rs`).
    pub watch: String,
    pub log: PathBuf,
    /// QEMU writes every monitor event here (a second QMP monitor on a file, negotiated by
    /// reading `caps`), so that a guest's power-off is seen without connecting.
    pub events: PathBuf,
    pub caps: PathBuf,
    /// Held by the one console session (see `console.rs`).
    pub console_lock: PathBuf,
}

impl Paths {
    /// The paths for domain `name` in run directory `dir`.
    pub fn new(dir: &Path, name: &Name) -> Paths {
        let file = |ext: &str| dir.join(format!("{name}.{ext}"));
        // A socket is named by the name's UUID-v5 when the name would make it too long.
        let short = if name.as_str().len() <= 48 {
            name.to_string()
        } else {
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_str().as_bytes()).to_string()
        };
        Paths {
            dir: dir.to_path_buf(),
            launch: file("launch"),
            pid: file("pid"),
            qmp: format!("{short}.qmp"),
            watch: format!("{short}.watch"),
            log: file("log"),
            events: file("events"),
            caps: file("caps"),
            console_lock: file("console-lock"),
        }
    }

    /// What a QEMU leaves behind: its sockets, pid file and event file.
    pub fn leftovers(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = [&self.qmp, &self.watch].map(|s| self.dir.join(s)).into();
        files.extend([self.pid.clone(), self.events.clone()]);
        files
    }

    /// The domain's monitor, waited for up to `timeout`.
    pub fn monitor(&self, timeout: std::time::Duration) -> Result<Qmp, QmpError> {
        Qmp::connect(&self.dir, &self.qmp, timeout)
    }

    /// The monitor socket's full path, for messages and clean-up.
    pub fn qmp_path(&self) -> PathBuf {
        self.dir.join(&self.qmp)
    }
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

pub fn default_bus(dev: &str) -> &'static str {
    match &dev[..2.min(dev.len())] {
        "vd" => "virtio",
        "sd" => "scsi",
        _ => "ide",
    }
}

/// A value inside a QEMU option list: commas doubled.
pub(super) fn esc(value: &str) -> String {
    value.replace(',', ",,")
}

/// Resolves a disk's source to a path (a pool volume through `volume_path`).
pub type VolumeResolver<'a> = &'a dyn Fn(&str, &str) -> Result<PathBuf, Error>;

/// A command line being built.
#[derive(Default)]
pub struct Argv(Vec<String>);

impl Argv {
    pub fn push(&mut self, items: &[&str]) {
        self.0.extend(items.iter().map(|s| s.to_string()));
    }

    pub fn into_args(self) -> Vec<String> {
        self.0
    }
}

/// The command line that starts `def` (CPUs stopped, `-S`), its monitor and console at
/// `paths`; `daemonize`: QEMU detaches (else it stays a child of this process).
pub fn build(
    def: &DomainDef,
    paths: &Paths,
    volumes: VolumeResolver,
    daemonize: bool,
) -> Result<Vec<String>, Error> {
    let mut a = Argv::default();
    let kvm = def.kind == "kvm" && kvm_usable();
    let machine = def.os.machine.as_deref().unwrap_or("pc");
    let acpi = if def.features.iter().any(|f| f == "acpi") {
        "on"
    } else {
        "off"
    };
    let mut machine = format!(
        "{},accel={},acpi={acpi}",
        esc(machine),
        if kvm { "kvm" } else { "tcg" }
    );
    if def.devices.sounds.iter().any(|s| s.model == "pcspk") {
        machine.push_str(",pcspk-audiodev=audio1");
    }
    a.push(&["-name", &format!("guest={}", esc(def.name.as_str()))]);
    a.push(&["-uuid", &def.uuid.to_string()]);
    a.push(&["-machine", &machine]);
    a.push(&["-cpu", &cpu(def, kvm)]);
    a.push(&["-m", &format!("size={}k", def.memory_kib)]);
    a.push(&["-smp", &smp(def)]);
    a.push(&["-nodefaults", "-no-user-config", "-S"]);
    if def.on_reboot == "destroy" {
        a.push(&["-no-reboot"]);
    }
    if daemonize {
        a.push(&["-daemonize"]);
    }
    a.push(&["-pidfile", &paths.pid.display().to_string()]);
    a.push(&[
        "-qmp",
        &format!("unix:{},server=on,wait=off", esc(&paths.qmp)),
    ]);
    a.push(&[
        "-qmp",
        &format!("unix:{},server=on,wait=off", esc(&paths.watch)),
    ]);
    a.push(&[
        "-chardev",
        &format!(
            "file,id=events,path={},input-path={}",
            esc(&paths.events.display().to_string()),
            esc(&paths.caps.display().to_string())
        ),
    ]);
    a.push(&["-mon", "chardev=events,mode=control"]);
    if let Some(k) = &def.os.kernel {
        a.push(&["-kernel", k]);
    }
    if let Some(i) = &def.os.initrd {
        a.push(&["-initrd", i]);
    }
    if let Some(c) = &def.os.cmdline {
        a.push(&["-append", c]);
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
        a.push(&["-boot", &format!("order={boot}")]);
    }
    devices::push_all(&mut a, def, volumes)?;
    // `<qemu:commandline>`: the user's own arguments come last, as libvirt puts them.
    for arg in &def.qemu.args {
        a.push(&[arg]);
    }
    Ok(a.into_args())
}

/// The environment `<qemu:commandline>` adds (a variable without value is set empty).
pub fn environment(def: &DomainDef) -> Vec<(OsString, OsString)> {
    def.qemu
        .env
        .iter()
        .map(|(k, v)| (k.into(), v.clone().unwrap_or_default().into()))
        .collect()
}

/// `-cpu`: the model, or what the mode asks for.
fn cpu(def: &DomainDef, kvm: bool) -> String {
    let Some(c) = &def.cpu else {
        return "qemu64".into();
    };
    match c.mode.as_deref() {
        Some("host-passthrough") => "host".into(),
        // What the accelerator can offer of the host's CPU; TCG's best is its maximum.
        Some("host-model") if kvm => "host".into(),
        Some("host-model") | Some("maximum") => "max".into(),
        _ => {
            let mut model = esc(c.model.as_deref().unwrap_or("qemu64"));
            if let Some(v) = &c.vendor {
                model.push_str(&format!(",vendor={}", esc(v)));
            }
            model
        }
    }
}

/// `-smp`: vCPUs online and at most, with the topology when one is given.
fn smp(def: &DomainDef) -> String {
    let mut smp = format!("{},maxcpus={}", def.vcpu.online(), def.vcpu.max);
    if let Some([sockets, dies, cores, threads]) = def.cpu.as_ref().and_then(|c| c.topology) {
        smp.push_str(&format!(
            ",sockets={sockets},dies={dies},cores={cores},threads={threads}"
        ));
    }
    smp
}

/// Reads QEMU's pid file.
pub fn read_pid(path: &Path) -> Option<u32> {
    let text = crate::sys::read_capped(path, 64).ok()?;
    String::from_utf8_lossy(&text).trim().parse().ok()
}

#[cfg(test)]
mod tests;
