//! libvirt's QEMU save-image format (`virQEMUSaveHeader`, qemu_saveimage.c), so that an image
//! virtsh writes restores under libvirtd and the reverse:
//!
//! ```text
//! magic[16]  "LibvirtQemudSave", or "LibvirtQemudPart" while the image is being written
//! u32 version (2), data_len, was_running, format, cookieOffset, unused[14]   (host order)
//! data_len bytes: the domain XML and a NUL, the cookie and a NUL when cookieOffset is set,
//!                 zeros up to data_len (64 KiB of room, so that an edit may grow the XML)
//! QEMU's migration stream, raw or through the format's compressor
//! ```
//!
//! The image is written with the partial magic and rewritten with the whole one only after
//! QEMU's stream is complete and on disk: a crash at any point leaves an image that reads as
//! `save image is incomplete`, never one that restores half a guest.

use std::io::{Read, Seek, SeekFrom, Write};

use crate::error::{Error, Result};

pub const MAGIC: &[u8; 16] = b"LibvirtQemudSave";
pub const PARTIAL: &[u8; 16] = b"LibvirtQemudPart";
pub const VERSION: u32 = 2;
/// The header's size on disk: the magic, five words and fourteen unused ones.
pub const HEADER_LEN: usize = 16 + 4 * 5 + 4 * 14;
/// The room left after the XML for an edit to grow it.
const PADDING: usize = 64 * 1024;
/// The most an image's XML and cookie may take: a domain XML is capped at what virsh reads
/// of a file, plus libvirt's padding and a cookie.
const DATA_MAX: u32 = (crate::sys::XML_FILE_MAX + 2 * PADDING) as u32;

/// The stream formats libvirt names (`save_image_format`, `--image-format`), in their on-disk
/// numbering.
pub const FORMATS: [&str; 7] = ["raw", "gzip", "bzip2", "xz", "lzop", "zstd", "sparse"];

/// What the header says, and the XML and cookie it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveImage {
    pub was_running: bool,
    /// An index into [`FORMATS`].
    pub format: u32,
    pub xml: String,
    pub cookie: Option<String>,
    /// The bytes after the header the XML and cookie may use (fixed once written).
    pub data_len: u32,
}

fn failed(what: impl std::fmt::Display) -> Error {
    Error::operation_failed(what.to_string())
}

impl SaveImage {
    pub fn new(xml: String, was_running: bool, format: u32) -> SaveImage {
        SaveImage {
            was_running,
            format,
            xml,
            cookie: None,
            data_len: 0,
        }
    }

    fn header(&self, magic: &[u8; 16]) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[..16].copy_from_slice(magic);
        let cookie_offset = match self.cookie {
            Some(_) => self.xml.len() as u32 + 1,
            None => 0,
        };
        let words = [
            VERSION,
            self.data_len,
            self.was_running as u32,
            self.format,
            cookie_offset,
        ];
        for (i, w) in words.iter().enumerate() {
            h[16 + 4 * i..20 + 4 * i].copy_from_slice(&w.to_ne_bytes());
        }
        h
    }

    /// The header with the partial magic and the data: what precedes the stream. A
    /// `data_len` already set (an image being rewritten) must hold the new XML: libvirt's
    /// `new xml too large to fit in file`.
    pub fn partial_bytes(&mut self) -> Result<Vec<u8>> {
        let mut data = self.xml.as_bytes().to_vec();
        data.push(0);
        if let Some(c) = &self.cookie {
            data.extend_from_slice(c.as_bytes());
            data.push(0);
        }
        if self.data_len == 0 {
            self.data_len = (data.len() + PADDING) as u32;
        } else if data.len() > self.data_len as usize {
            return Err(failed("new xml too large to fit in file"));
        }
        data.resize(self.data_len as usize, 0);
        let mut out = self.header(PARTIAL).to_vec();
        out.extend_from_slice(&data);
        Ok(out)
    }

    /// Where the stream starts.
    pub fn stream_offset(&self) -> u64 {
        HEADER_LEN as u64 + self.data_len as u64
    }

    /// Marks the image whole: the header again, with the final magic, then a sync, so that the
    /// stream is on disk before the magic that vouches for it.
    pub fn finish(&self, file: &mut std::fs::File, path: &str) -> Result<()> {
        self.rewrite_header(file, path, MAGIC)
    }

    /// Writes the header with `magic` over the one `file` has, synced before and after.
    fn rewrite_header(&self, file: &mut std::fs::File, path: &str, magic: &[u8; 16]) -> Result<()> {
        let err = |e: std::io::Error| {
            Error::system(
                format!("failed to write header to domain save file '{path}'"),
                &e,
            )
        };
        file.sync_data().map_err(err)?;
        file.seek(SeekFrom::Start(0)).map_err(err)?;
        file.write_all(&self.header(magic)).map_err(err)?;
        file.sync_data().map_err(err)
    }

    /// Reads the image at `path` (at most an XML file's worth of header data), in libvirt's
    /// words for each fault.
    pub fn read_path(path: &std::path::Path) -> Result<SaveImage> {
        let mut file = crate::sys::open_for_reading(path)
            .map_err(|e| Error::system(format!("Failed to open file '{}'", path.display()), &e))?;
        SaveImage::read(&mut file)
    }

    /// Replaces the XML (and whether it resumes) of the whole image at `path` in place,
    /// keeping its room: the stream after it is not touched.
    pub fn rewrite(&mut self, path: &std::path::Path) -> Result<()> {
        let shown = path.display().to_string();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::system(format!("Failed to open file '{shown}'"), &e))?;
        // Marked partial while the data changes, so that a crash halfway never leaves a
        // whole-looking image with half an XML.
        self.rewrite_header(&mut file, &shown, PARTIAL)?;
        let bytes = self.partial_bytes()?;
        file.write_all(&bytes[HEADER_LEN..])
            .map_err(|e| Error::system(format!("failed to write domain xml to '{shown}'"), &e))?;
        self.finish(&mut file, &shown)
    }

    /// Reads the header and data of an image, leaving `file` at the start of the stream;
    /// libvirt's words for each fault.
    pub fn read(file: &mut impl Read) -> Result<SaveImage> {
        let mut h = [0u8; HEADER_LEN];
        file.read_exact(&mut h)
            .map_err(|_| failed("failed to read qemu header"))?;
        if &h[..16] != MAGIC {
            return Err(match &h[..16] == PARTIAL {
                true => failed("save image is incomplete"),
                false => failed("image magic is incorrect"),
            });
        }
        let word = |i: usize| u32::from_ne_bytes(h[16 + 4 * i..20 + 4 * i].try_into().unwrap());
        let mut words = [word(0), word(1), word(2), word(3), word(4)];
        if words[0] > VERSION {
            // Written on a host of the other byte order.
            words = words.map(u32::swap_bytes);
        }
        let [version, data_len, was_running, format, cookie_offset] = words;
        if version > VERSION {
            return Err(failed(format!(
                "image version is not supported ({version} > {VERSION})"
            )));
        }
        if format as usize >= FORMATS.len() {
            return Err(failed(format!("unsupported save image format: {format}")));
        }
        if data_len as i32 <= 0 {
            return Err(failed(format!(
                "invalid header data length: {}",
                data_len as i32
            )));
        }
        // libvirt allocates whatever the header claims; virtsh reads no more than an XML
        // file may hold.
        if data_len > DATA_MAX {
            return Err(failed(format!(
                "invalid header data length: {data_len} (more than {DATA_MAX})"
            )));
        }
        let mut data = vec![0u8; data_len as usize];
        file.read_exact(&mut data)
            .map_err(|_| failed("failed to read domain XML"))?;
        let xml_len = match cookie_offset {
            0 => data.len(),
            n => (n as usize).min(data.len()),
        };
        let text = |bytes: &[u8]| {
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            String::from_utf8_lossy(&bytes[..end]).into_owned()
        };
        let cookie = (cookie_offset != 0).then(|| text(&data[xml_len..]));
        Ok(SaveImage {
            was_running: was_running != 0,
            format,
            xml: text(&data[..xml_len]),
            cookie,
            data_len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn an_image_reads_back_only_once_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.save");
        let mut f = std::fs::File::options()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let mut img = SaveImage::new("<domain/>".into(), true, 0);
        img.cookie = Some("<cookie/>".into());
        f.write_all(&img.partial_bytes().unwrap()).unwrap();
        assert_eq!(
            f.stream_position().unwrap() as usize,
            HEADER_LEN + img.data_len as usize
        );
        f.write_all(b"QEVM").unwrap();
        let again = || SaveImage::read(&mut std::fs::File::open(&path).unwrap());
        assert_eq!(
            again().unwrap_err().message,
            "operation failed: save image is incomplete"
        );
        img.finish(&mut f, "i.save").unwrap();
        let mut r = std::fs::File::open(&path).unwrap();
        assert_eq!(SaveImage::read(&mut r).unwrap(), img);
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "QEVM");
    }

    #[test]
    fn faults_read_in_libvirts_words() {
        let img = |magic: &[u8; 16], words: [u32; 5], data: &[u8]| {
            let mut b = magic.to_vec();
            for w in words {
                b.extend_from_slice(&w.to_ne_bytes());
            }
            b.extend_from_slice(&[0; 56]);
            b.extend_from_slice(data);
            SaveImage::read(&mut Cursor::new(b)).map_err(|e| e.message)
        };
        let f = |s: &str| Err(format!("operation failed: {s}"));
        assert_eq!(
            img(b"LibvirtQemudXXXX", [2, 4, 0, 0, 0], b"x\0\0\0"),
            f("image magic is incorrect")
        );
        // A version too new reads as the other byte order first, as libvirt reads it.
        assert_eq!(
            img(MAGIC, [3, 4, 0, 0, 0], b""),
            f("image version is not supported (50331648 > 2)")
        );
        assert_eq!(
            img(MAGIC, [2, 4, 0, 7, 0], b""),
            f("unsupported save image format: 7")
        );
        assert_eq!(
            img(MAGIC, [2, 0, 0, 0, 0], b""),
            f("invalid header data length: 0")
        );
        assert_eq!(
            img(MAGIC, [2, 8, 0, 0, 0], b"abc"),
            f("failed to read domain XML")
        );
        assert!(img(MAGIC, [2, u32::MAX >> 1, 0, 0, 0], b"").is_err());
        assert_eq!(
            SaveImage::read(&mut Cursor::new(b"short".to_vec()))
                .unwrap_err()
                .message,
            "operation failed: failed to read qemu header"
        );
        // The other byte order reads too.
        let swapped = [2u32, 4, 1, 0, 0].map(u32::swap_bytes);
        let got = img(MAGIC, swapped, b"<d>\0").unwrap();
        assert_eq!((got.xml.as_str(), got.was_running), ("<d>", true));
    }

    #[test]
    fn a_rewrite_keeps_the_room_it_has() {
        let mut img = SaveImage::new("<a/>".into(), false, 0);
        img.partial_bytes().unwrap();
        img.xml = "x".repeat(img.data_len as usize);
        let e = img.partial_bytes().unwrap_err();
        assert_eq!(
            e.message,
            "operation failed: new xml too large to fit in file"
        );
    }
}
