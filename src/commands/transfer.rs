//! Moving volume bytes and sizes: the copy behind `vol-upload` and `vol-download` (with a
//! progress bar on a terminal), virsh's size arguments, and the preallocation flag.

use std::io::{Read, Seek, SeekFrom, Write};

use super::CmdError;
use crate::error::{Error, Result};
use crate::model::units::parse_scaled;
use crate::render::progress::Progress;
use crate::types::VolCreateFlags;

/// The granularity of holes in a sparse copy.
const BLOCK: usize = 4096;

/// Copies what `reader` gives with a progress bar for `total` bytes; with `sparse`, runs of
/// zero blocks are skipped by seeking, so holes stay holes (and a remote daemon gets them as
/// holes).
pub fn copy<W: Write + Seek + ?Sized>(
    reader: &mut dyn Read,
    writer: &mut W,
    sparse: bool,
    total: u64,
) -> Result<()> {
    let progress = Progress::bytes(total);
    let mut buf = vec![0u8; 1 << 20];
    let seek_err = |e: std::io::Error| Error::of_io("cannot seek", &e);
    let write_err = |e: std::io::Error| Error::of_io("cannot write", &e);
    let mut end = writer.stream_position().map_err(seek_err)?;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| Error::of_io("cannot read", &e))?;
        if n == 0 {
            break;
        }
        if sparse {
            // Block by block, as a file system allocates: a run of zero blocks is a hole.
            let mut rest = &buf[..n];
            while !rest.is_empty() {
                let zero = |b: &[u8]| b.iter().all(|x| *x == 0);
                let blocks = rest.chunks(BLOCK);
                let first_zero = zero(&rest[..rest.len().min(BLOCK)]);
                let run: usize = blocks
                    .take_while(|b| zero(b) == first_zero)
                    .map(<[u8]>::len)
                    .sum();
                if first_zero {
                    writer
                        .seek(SeekFrom::Current(run as i64))
                        .map_err(seek_err)?;
                } else {
                    writer.write_all(&rest[..run]).map_err(write_err)?;
                }
                rest = &rest[run..];
            }
        } else {
            writer.write_all(&buf[..n]).map_err(write_err)?;
        }
        end += n as u64;
        progress.advance(n as u64);
    }
    // A hole at the end still counts toward the length.
    let here = writer.seek(SeekFrom::End(0)).map_err(seek_err)?;
    if here < end {
        writer.seek(SeekFrom::Start(end - 1)).map_err(seek_err)?;
        writer.write_all(&[0]).map_err(write_err)?;
    }
    progress.finish();
    Ok(())
}

/// `--prealloc-metadata` as a flag.
pub fn prealloc(on: bool) -> VolCreateFlags {
    VolCreateFlags::from_options([(on, VolCreateFlags::PREALLOC_METADATA)])
}

/// virsh's `vshVolSize`: a scaled size in bytes, or `Malformed size` with libvirt's reason.
pub fn vol_size(text: &str) -> std::result::Result<u64, CmdError> {
    parse_scaled(text, 1)
        .map_err(|e| super::common::scale_error(format!("Malformed size {text}"), &e))
}
