//! Volume files: made, inspected, resized and copied with `qemu-img`, wiped by writing zeros.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::process::Command;

use crate::driver::prelude::*;
use crate::model::pool::PoolSizes;
use crate::model::{PoolDef, VolumeDef};

/// `qemu-img` with `args` (paths are passed as the bytes they are).
fn qemu_img<S: AsRef<OsStr>>(args: &[S]) -> Result<String> {
    let out = Command::new("qemu-img")
        .args(args)
        .output()
        .map_err(|e| Error::system("cannot run qemu-img (install qemu-utils)", &e))?;
    if !out.status.success() {
        let what = args.first().map(|a| a.as_ref().to_string_lossy());
        return Err(Error::internal(format!(
            "qemu-img {} failed: {}",
            what.unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The filesystem figures of a pool's directory.
pub fn fs_sizes(dir: &Path) -> Result<PoolSizes> {
    let s = nix::sys::statvfs::statvfs(dir).map_err(|e| {
        Error::system(
            format!("cannot statvfs path '{}'", dir.display()),
            &std::io::Error::from(e),
        )
    })?;
    let unit = s.fragment_size() as u64;
    let capacity = s.blocks() as u64 * unit;
    Ok(PoolSizes {
        capacity,
        allocation: (s.blocks() - s.blocks_free()) as u64 * unit,
        // libvirt counts every free block, so that capacity = allocation + available.
        available: s.blocks_free() as u64 * unit,
    })
}

/// `pool-build`: the target directory, with the permissions the definition asks for.
pub fn build_dir(def: &PoolDef) -> Result<()> {
    let path = Path::new(def.target_path.as_deref().unwrap_or_default());
    if path.exists() && !path.is_dir() {
        return Err(Error::operation_invalid(format!(
            "target path '{}' of pool '{}' exists and is not a directory",
            path.display(),
            def.name
        )));
    }
    std::fs::create_dir_all(path)
        .map_err(|e| Error::system(format!("cannot create path '{}'", path.display()), &e))?;
    let perms = def.permissions.as_ref();
    let mode = perms
        .and_then(|p| p.mode.as_deref())
        .and_then(|m| u32::from_str_radix(m, 8).ok())
        .unwrap_or(0o755);
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode))
        .map_err(|e| Error::system(format!("cannot set mode of '{}'", path.display()), &e))?;
    let id = |v: Option<&String>| v.and_then(|s| s.parse::<u32>().ok());
    let (uid, gid) = (
        id(perms.and_then(|p| p.owner.as_ref())),
        id(perms.and_then(|p| p.group.as_ref())),
    );
    if uid.is_some() || gid.is_some() {
        std::os::unix::fs::chown(path, uid, gid).map_err(|e| {
            Error::system(format!("cannot change owner of '{}'", path.display()), &e)
        })?;
    }
    Ok(())
}

/// A pool can start only on a directory.
pub fn check_target(def: &PoolDef) -> Result<()> {
    let path = Path::new(def.target_path.as_deref().unwrap_or_default());
    if !path.is_dir() {
        let why = if path.exists() {
            "is not a directory"
        } else {
            "does not exist (pool-build makes it)"
        };
        return Err(Error::operation_invalid(format!(
            "target path '{}' of pool '{}' {why}",
            path.display(),
            def.name
        )));
    }
    Ok(())
}

/// The volumes of a pool: the files of its directory (a symbolic link to a file too, as
/// libvirt lists it), by name (bytes that are not UTF-8 kept, see `crate::bytes`).
pub fn names(dir: &Path) -> Result<Vec<String>> {
    use std::os::unix::ffi::OsStrExt;
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::system(format!("cannot open directory '{}'", dir.display()), &e))?;
    let mut out: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| crate::bytes::to_string(e.file_name().as_bytes()))
        .filter(|n| !n.starts_with('.'))
        .collect();
    out.sort();
    Ok(out)
}

/// The file of volume `name` in `dir`, if there is one.
pub fn entry(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let path = dir.join(crate::bytes::to_path(name));
    path.is_file().then_some(path)
}

pub fn create(
    path: &Path,
    def: &VolumeDef,
    source: Option<(&Path, ProgressFn)>,
    flags: VolCreateFlags,
) -> Result<()> {
    let format = def.format.as_deref().unwrap_or("raw");
    if !matches!(format, "raw" | "qcow2") {
        return Err(Error::unsupported(format!(
            "volume format '{format}' (virtsh makes raw and qcow2)"
        )));
    }
    let target = path.as_os_str().to_owned();
    let metadata = flags.has(VolCreateFlags::PREALLOC_METADATA) && format == "qcow2";
    let mut args: Vec<OsString> = Vec::new();
    match source {
        Some((src, progress)) => {
            args.extend(["convert", "-p", "-O", format].map(OsString::from));
            if metadata {
                args.extend(["-o", "preallocation=metadata"].map(OsString::from));
            }
            args.extend([src.as_os_str().to_owned(), target]);
            convert(&args, progress)
        }
        None => {
            args.extend(["create", "-q", "-f", format].map(OsString::from));
            if metadata {
                args.extend(["-o", "preallocation=metadata"].map(OsString::from));
            } else if format == "raw" && def.allocation.is_none_or(|a| a >= def.capacity) {
                args.extend(["-o", "preallocation=falloc"].map(OsString::from));
            }
            args.extend([target, def.capacity.to_string().into()]);
            qemu_img(&args).map(drop)
        }
    }
}

/// `qemu-img convert -p`, its progress (`(12.50/100%)`) passed on in per mille.
fn convert(args: &[OsString], progress: ProgressFn) -> Result<()> {
    let mut child = Command::new("qemu-img")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Error::system("cannot run qemu-img (install qemu-utils)", &e))?;
    let mut out = child.stdout.take().expect("piped");
    let mut buf = [0u8; 256];
    let mut pending = String::new();
    while let Ok(n) = out.read(&mut buf) {
        if n == 0 {
            break;
        }
        pending.push_str(&String::from_utf8_lossy(&buf[..n]));
        while let Some(i) = pending.find(['\r', '\n']) {
            let line: String = pending.drain(..=i).collect();
            if let Some(p) = line
                .trim()
                .strip_prefix('(')
                .and_then(|l| l.split('/').next())
            {
                if let Ok(pct) = p.parse::<f64>() {
                    progress((pct * 10.0) as u64, 1000);
                }
            }
        }
    }
    let result = child
        .wait_with_output()
        .map_err(|e| Error::system("qemu-img", &e))?;
    if !result.status.success() {
        return Err(Error::internal(format!(
            "qemu-img convert failed: {}",
            String::from_utf8_lossy(&result.stderr).trim()
        )));
    }
    Ok(())
}

/// What `qemu-img info` knows of a volume.
#[derive(Debug)]
pub struct Inspected {
    pub capacity: u64,
    pub allocation: u64,
    pub format: String,
}

pub fn inspect(path: &Path) -> Result<Inspected> {
    let info = ["info", "-U", "--output=json"].map(OsStr::new);
    let out = qemu_img(&[&info[..], &[path.as_os_str()]].concat())?;
    let v: serde_json::Value = serde_json::from_str(&out)
        .map_err(|e| Error::internal(format!("qemu-img info gave no JSON: {e}")))?;
    Ok(Inspected {
        capacity: v["virtual-size"].as_u64().unwrap_or(0),
        allocation: v["actual-size"].as_u64().unwrap_or(0),
        format: v["format"].as_str().unwrap_or("raw").to_string(),
    })
}

/// `vol-resize` with libvirt's checks (`storageVolResize`); `available` is what the pool has
/// free. A raw file grows or shrinks in place (with `--allocate`, its new bytes are allocated:
/// `fallocate`); any other format goes through `qemu-img resize`.
pub fn resize(path: &Path, capacity: u64, flags: ResizeFlags, available: u64) -> Result<()> {
    let now = inspect(path)?;
    let new = match (
        flags.has(ResizeFlags::DELTA),
        flags.has(ResizeFlags::SHRINK),
    ) {
        (true, true) => now.capacity - capacity.min(now.capacity),
        (true, false) => now.capacity.saturating_add(capacity),
        _ => capacity,
    };
    if new < now.allocation {
        return Err(Error::invalid_arg(
            "can't shrink capacity below existing allocation",
        ));
    }
    if new < now.capacity && !flags.has(ResizeFlags::SHRINK) {
        return Err(Error::invalid_arg(
            "Can't shrink capacity below current capacity unless shrink flag explicitly specified",
        ));
    }
    let allocate = flags.has(ResizeFlags::ALLOCATE);
    if allocate && new - now.allocation > available {
        return Err(Error::operation_failed(
            "Not enough space left in storage pool",
        ));
    }
    if now.format == "raw" {
        return resize_raw(path, new, allocate.then_some(now.capacity));
    }
    if allocate {
        return Err(Error::new(
            ErrorCode::OperationUnsupported,
            "Operation not supported: preallocate is only supported for raw type volume",
        ));
    }
    let size = new.to_string();
    let mut args = ["resize", "-q", "-f", now.format.as_str()]
        .map(OsStr::new)
        .to_vec();
    if new < now.capacity {
        args.push(OsStr::new("--shrink"));
    }
    args.extend([path.as_os_str(), OsStr::new(&size)]);
    qemu_img(&args).map(drop)
}

/// A raw file set to `size` bytes; with `allocate_from`, the bytes from there on allocated
/// (libvirt's `virFileResize`).
fn resize_raw(path: &Path, size: u64, allocate_from: Option<u64>) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::system(format!("Failed to truncate file '{}'", path.display()), &e)
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(fail)?;
    file.set_len(size).map_err(fail)?;
    if let Some(from) = allocate_from.filter(|from| *from < size) {
        nix::fcntl::fallocate(
            &file,
            nix::fcntl::FallocateFlags::empty(),
            from as i64,
            (size - from) as i64,
        )
        .map_err(|e| {
            Error::system(
                format!("Failed to pre-allocate space for file '{}'", path.display()),
                &std::io::Error::from(e),
            )
        })?;
    }
    file.sync_all().map_err(fail)
}

/// Zeroes a volume: a raw file is overwritten, a qcow2 one made anew at the same size.
pub fn wipe(path: &Path, algorithm: u32, progress: ProgressFn) -> Result<()> {
    if algorithm != 0 {
        return Err(Error::unsupported("wipe algorithms other than 'zero'"));
    }
    let now = inspect(path)?;
    if now.format == "qcow2" {
        let size = now.capacity.to_string();
        let create = ["create", "-q", "-f", "qcow2"].map(OsStr::new);
        return qemu_img(&[&create[..], &[path.as_os_str(), OsStr::new(&size)]].concat()).map(drop);
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::system(format!("cannot open '{}'", path.display()), &e))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let zeros = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n])
            .map_err(|e| Error::system(format!("cannot write '{}'", path.display()), &e))?;
        left -= n as u64;
        progress(len - left, len);
    }
    f.sync_all()
        .map_err(|e| Error::system(format!("cannot sync '{}'", path.display()), &e))
}

/// A volume's bytes from `offset`, at most `length` (0: to the end).
pub fn reader(path: &Path, offset: u64, length: u64) -> Result<Box<dyn Read>> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| Error::system(format!("cannot open volume '{}'", path.display()), &e))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    if offset > size {
        return Err(Error::invalid_arg(format!(
            "offset {offset} is past the end of the volume ({size} bytes)"
        )));
    }
    f.seek(SeekFrom::Start(offset))
        .map_err(|e| Error::system(format!("cannot seek in '{}'", path.display()), &e))?;
    let left = if length == 0 {
        size - offset
    } else {
        length.min(size - offset)
    };
    Ok(Box::new(f.take(left)))
}

/// An upload into a volume file, from `offset`.
struct FileSink(std::fs::File);

impl Write for FileSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl Seek for FileSink {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

impl VolumeSink for FileSink {
    fn finish(&mut self) -> Result<()> {
        self.0
            .sync_all()
            .map_err(|e| Error::system("cannot sync the volume", &e))
    }
}

pub fn writer(path: &Path, offset: u64) -> Result<Box<dyn VolumeSink>> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::system(format!("cannot open volume '{}'", path.display()), &e))?;
    f.seek(SeekFrom::Start(offset))
        .map_err(|e| Error::system(format!("cannot seek in '{}'", path.display()), &e))?;
    Ok(Box::new(FileSink(f)))
}
