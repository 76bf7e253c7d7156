//! The test driver's save images, managed saves and core dumps, as libvirt's test driver keeps
//! them. An image is the magic `TestGuestMagic\0`, the length of the domain XML (a
//! native-endian `i32`) and the XML; one whose XML is over 8 KiB can be written but never read
//! back, as in libvirt. A managed save is a mark on the domain, no file. A core dump is the
//! magic alone. Every file is made with mode 0600; a failed image write leaves no file.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;

use super::domains::post_parse;
use super::TestState;
use crate::driver::prelude::*;
use crate::model::DomainDef;

const MAGIC: &[u8; 15] = b"TestGuestMagic\0";
/// The longest domain XML an image is read with.
const XML_MAX: i32 = 8192;

/// Opens `path` for writing as the test driver does: created or truncated, mode 0600.
fn create(path: &str) -> std::io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(crate::bytes::to_path(path))
}

/// A system error whose errno is 0, as libvirt reports a short read (`...: Success`).
fn short_read(what: String) -> Error {
    Error::new(ErrorCode::SystemError, format!("{what}: Success"))
}

/// Reads `n` bytes as libvirt's `saferead` does: until there are `n` or the file ends. A
/// short read is `Ok` with fewer bytes.
fn read_up_to(file: &mut File, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    file.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Writes an image of the domain `name` holding `xml` to `path`.
pub(super) fn write_image(path: &str, name: &str, xml: &str) -> Result<()> {
    let context = |what: &str| format!("saving domain '{name}' to '{path}': {what} failed");
    let mut file = create(path).map_err(|e| Error::system(context("open"), &e))?;
    // No fsync, as in libvirt (a save to /dev/null works).
    let len = xml.len() as i32;
    let written = file
        .write_all(MAGIC)
        .and_then(|_| file.write_all(&len.to_ne_bytes()))
        .and_then(|_| file.write_all(xml.as_bytes()));
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(crate::bytes::to_path(path));
        return Err(Error::system(context("write"), &e));
    }
    Ok(())
}

/// Reads the domain definition an image at `path` holds (parsed as an inactive definition,
/// with libvirt's post-parse defaults), checking it as libvirt does, in its order.
pub(super) fn read_image(path: &str) -> Result<DomainDef> {
    let mut file = File::open(crate::bytes::to_path(path))
        .map_err(|e| Error::system(format!("cannot read domain image '{path}'"), &e))?;
    let header = format!("incomplete save header in '{path}'");
    let magic = read_up_to(&mut file, MAGIC.len()).map_err(|e| Error::system(&header, &e))?;
    if magic.len() < MAGIC.len() {
        return Err(short_read(header));
    }
    if magic != MAGIC {
        return Err(Error::internal("mismatched header magic"));
    }
    let length = format!("failed to read metadata length in '{path}'");
    let len = read_up_to(&mut file, 4).map_err(|e| Error::system(&length, &e))?;
    let len: [u8; 4] = len.try_into().map_err(|_| short_read(length))?;
    let len = i32::from_ne_bytes(len);
    if !(1..=XML_MAX).contains(&len) {
        return Err(Error::internal("length of metadata out of range"));
    }
    let metadata = format!("incomplete metadata in '{path}'");
    let xml = read_up_to(&mut file, len as usize).map_err(|e| Error::system(&metadata, &e))?;
    if xml.len() < len as usize {
        return Err(short_read(metadata));
    }
    let xml = String::from_utf8_lossy(&xml);
    let mut def = DomainDef::parse(&xml)?;
    post_parse(&mut def);
    Ok(def)
}

/// Writes the test driver's core dump of the domain `name` to `to`.
pub(super) fn write_core(to: &str, name: &str) -> Result<()> {
    let mut file = create(to)
        .map_err(|e| Error::system(format!("domain '{name}' coredump: failed to open {to}"), &e))?;
    // libvirt's check of close() has nothing to report on a local file: not repeated.
    file.write_all(MAGIC).map_err(|e| {
        Error::system(
            format!("domain '{name}' coredump: failed to write header to {to}"),
            &e,
        )
    })
}

impl TestState {
    /// The domain must run (be active) for a save, a managed save or a dump.
    fn running(&self, dom: &DomainRef) -> Result<()> {
        match self.get(dom)?.state.is_active() {
            true => Ok(()),
            false => Err(Error::operation_invalid("domain is not running")),
        }
    }

    /// Saves the running domain's live definition to `to`; it stops (`saved`), a transient
    /// one goes.
    pub(super) fn save(&mut self, dom: &DomainRef, to: &str) -> Result<()> {
        self.running(dom)?;
        let d = self.get(dom)?;
        write_image(to, d.def.name.as_str(), &d.def.to_xml(d.id))?;
        self.stop(dom, ShutoffReason::Saved)
    }

    /// Runs the definition of an image (`restored`).
    pub(super) fn restore(&mut self, mut def: DomainDef) -> Result<()> {
        super::domains::generate_ifnames(&mut def);
        self.add_live(def, RunningReason::Restored).map(drop)
    }

    /// Stops a running persistent domain with a mark that it has a managed save.
    pub(super) fn managed_save(&mut self, dom: &DomainRef) -> Result<()> {
        self.running(dom)?;
        if !self.get(dom)?.persistent {
            return Err(Error::operation_invalid(
                "cannot do managed save for transient domain",
            ));
        }
        self.stop(dom, ShutoffReason::Saved)?;
        self.get_mut(dom)?.managed_save = true;
        Ok(())
    }

    /// Writes a core dump; `crash` then stops the domain (`crashed`). Only the raw format is
    /// written, and another is refused after the file is.
    pub(super) fn dump(
        &mut self,
        dom: &DomainRef,
        to: &str,
        format: u32,
        crash: bool,
    ) -> Result<()> {
        self.running(dom)?;
        write_core(to, &dom.name)?;
        if format != DUMP_FORMAT_RAW {
            return Err(Error::new(
                ErrorCode::OperationUnsupported,
                "Operation not supported: kdump-compressed format is not supported here",
            ));
        }
        if crash {
            self.stop(dom, ShutoffReason::Crashed)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_read_back_and_bad_ones_fail_as_libvirt_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = |n: &str| dir.path().join(n).display().to_string();
        let xml = "<domain type='test'><name>d</name><memory>1024</memory>\
                   <os><type>hvm</type></os></domain>\n";
        write_image(&path("ok.sav"), "d", xml).unwrap();
        assert_eq!(read_image(&path("ok.sav")).unwrap().name.as_str(), "d");
        let bytes = std::fs::read(path("ok.sav")).unwrap();
        assert_eq!(&bytes[..15], MAGIC);
        assert_eq!(bytes.len(), 19 + xml.len());

        let mut long = MAGIC.to_vec();
        long.extend(8193i32.to_ne_bytes());
        let mut trunc = MAGIC.to_vec();
        trunc.extend(5i32.to_ne_bytes());
        trunc.extend(b"<dom");
        let cases: [(&str, &[u8], &str); 5] = [
            ("tiny", b"short", "incomplete save header in '{}': Success"),
            (
                "magic",
                b"TestGuestMagiX\0xxxx",
                "internal error: mismatched header magic",
            ),
            (
                "nolen",
                &MAGIC[..],
                "failed to read metadata length in '{}': Success",
            ),
            (
                "long",
                &long,
                "internal error: length of metadata out of range",
            ),
            ("trunc", &trunc, "incomplete metadata in '{}': Success"),
        ];
        for (name, content, want) in cases {
            std::fs::write(path(name), content).unwrap();
            let e = read_image(&path(name)).unwrap_err();
            assert_eq!(e.message, want.replace("{}", &path(name)), "{name}");
        }
        let e = read_image(&path("none")).unwrap_err();
        assert_eq!(
            e.message,
            format!(
                "cannot read domain image '{}': No such file or directory",
                path("none")
            )
        );
    }

    #[test]
    fn a_failed_write_says_so() {
        let e = write_image("/nonexistent-dir/x.sav", "d", "<domain/>").unwrap_err();
        assert_eq!(
            e.message,
            "saving domain 'd' to '/nonexistent-dir/x.sav': open failed: No such file or directory"
        );
        let e = write_core("/nonexistent-dir/x.core", "d").unwrap_err();
        assert_eq!(
            e.message,
            "domain 'd' coredump: failed to open /nonexistent-dir/x.core: No such file or directory"
        );
    }
}
