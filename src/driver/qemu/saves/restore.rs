//! `restore` and `start` from a managed save (libvirt's `qemuDomainRestoreInternal` and
//! `qemuDomainObjRestore`): the image's definition is added as a running domain under
//! libvirt's duplicate rules (an inactive persistent domain of that name and UUID runs it as
//! its live definition; otherwise it is a new transient domain), QEMU starts with `-incoming
//! defer` and reads the stream, and the guest runs (`running (restored)`) or stays paused as
//! libvirt leaves it (`paused (migrating)`).

use std::path::Path;

use super::image::{SaveImage, FORMATS};
use super::migrate::Image;
use super::save::stream;
use crate::driver::prelude::*;
use crate::driver::qemu::checks;
use crate::driver::qemu::domains::Domains;
use crate::driver::qemu::store::starting;
use crate::model::domain::check_abi_stability;
use crate::model::{DomainDef, Name};

/// A restore as the caller asked for it.
pub struct RestoreRequest<'a> {
    pub from: &'a Path,
    pub dxml: Option<&'a str>,
    pub flags: SaveFlags,
    pub channels: Option<i32>,
    pub function: &'static str,
}

/// What an image holds, ready to boot: its definition and how to read its stream.
pub struct Loadable<'a> {
    pub def: DomainDef,
    pub image: Image<'a>,
    pub was_running: bool,
}

/// Reads the image at `from` for a restore: its header, its definition (the caller's instead
/// when `dxml` describes the same guest), and its stream.
pub fn loadable<'a>(
    from: &'a Path,
    dxml: Option<&str>,
    flags: SaveFlags,
    channels: Option<i32>,
) -> Result<Loadable<'a>> {
    let header = SaveImage::read_path(from)?;
    let mut def = DomainDef::parse(&header.xml)?;
    let format = FORMATS[header.format as usize];
    let stream = stream(format, channels)?;
    if let Some(x) = dxml {
        let given = DomainDef::parse(x)?;
        check_abi_stability(&def, &given)?;
        def = given;
    }
    Ok(Loadable {
        def,
        image: Image {
            path: from,
            offset: header.stream_offset(),
            stream,
            bypass_cache: flags.has(SaveFlags::BYPASS_CACHE),
        },
        was_running: header.was_running,
    })
}

impl Domains<'_> {
    pub fn restore(&self, req: RestoreRequest<'_>) -> Result<()> {
        type F = SaveFlags;
        let known = F::BYPASS_CACHE | F::RUNNING | F::PAUSED | F::RESET_NVRAM;
        req.flags.check(known, req.function)?;
        let load = loadable(req.from, req.dxml, req.flags, req.channels)?;
        let mut def = load.def.clone();
        let (name, lock) = self.admit_live(&mut def)?;
        let paused = paused_after(load.was_running, req.flags);
        match self.boot_restoring(&name, def, &load.image, paused) {
            Ok(_) => Ok(()),
            Err(e) => {
                self.failed_start(&name, lock)?;
                Err(e)
            }
        }
    }

    /// `start` of a domain with a managed save image (its lock held, the domain shut off):
    /// the image is restored and removed. An image that cannot be whole (cut short, marked
    /// partial, not an image at all) is removed and the domain boots afresh, as libvirt does;
    /// `None` then.
    pub(in crate::driver::qemu) fn start_managed(
        &self,
        name: &Name,
        uuid: &uuid::Uuid,
        flags: StartFlags,
    ) -> Result<Option<()>> {
        let path = super::managed_path(self.store.root(), name);
        let save_flags = SaveFlags::from_options([(
            flags.has(StartFlags::BYPASS_CACHE),
            SaveFlags::BYPASS_CACHE,
        )]);
        let load = match loadable(&path, None, save_flags, None) {
            Ok(l) => l,
            Err(_) if !super::is_whole(&path) => {
                let _ = std::fs::remove_file(&path);
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        // libvirt says so and then goes on as if started, deleting the image (a bug of 11.3):
        // virtsh says so, fails, and keeps the image.
        if load.def.name != *name || load.def.uuid != *uuid {
            return Err(Error::operation_failed(format!(
                "cannot restore domain '{name}' uuid {uuid} from a file which belongs to domain '{}' uuid {}",
                load.def.name, load.def.uuid
            )));
        }
        let mut def = load.def.clone();
        checks::fill_defaults(&mut def);
        checks::check_start(&def)?;
        self.store.write_status(name, &starting(def.clone()))?;
        let paused = paused_after(load.was_running, save_flags_of(flags));
        self.boot_restoring(name, def, &load.image, paused)?;
        std::fs::remove_file(&path).map_err(|e| {
            Error::system(
                format!("cannot remove managed save file {}", path.display()),
                &e,
            )
        })?;
        Ok(Some(()))
    }
}

/// `start --paused` asks for what `restore --paused` asks for.
fn save_flags_of(flags: StartFlags) -> SaveFlags {
    SaveFlags::from_options([(flags.has(StartFlags::PAUSED), SaveFlags::PAUSED)])
}

/// Whether a restored guest stays paused: as it was saved, unless told.
fn paused_after(was_running: bool, flags: SaveFlags) -> bool {
    match (flags.has(SaveFlags::RUNNING), flags.has(SaveFlags::PAUSED)) {
        (true, _) => false,
        (_, true) => true,
        _ => !was_running,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_resumes_as_saved_unless_told() {
        assert!(!paused_after(true, SaveFlags::default()));
        assert!(paused_after(false, SaveFlags::default()));
        assert!(paused_after(true, SaveFlags::PAUSED));
        assert!(!paused_after(false, SaveFlags::RUNNING));
    }

    #[test]
    fn an_image_that_is_not_there_says_so() {
        let e = loadable(
            Path::new("/nonexistent/x.save"),
            None,
            SaveFlags::default(),
            None,
        )
        .err()
        .unwrap();
        assert_eq!(
            e.message,
            "Failed to open file '/nonexistent/x.save': No such file or directory"
        );
    }
}
