//! State on disk for the embedded drivers: atomic file replacement and `flock` locks.
//!
//! Every write goes to a temporary file in the same directory, is fsynced, renamed over the
//! target, and the directory is fsynced: a reader sees the old file or the new one, never a
//! torn one, and a crash leaves at worst a `.tmp-*` file that [`clean_temp`] removes. Locks are
//! `flock`s (std `File::lock`): the kernel drops them when their process dies, so a crash never
//! leaves one held.

pub mod store;

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::sys::pid_alive;

/// A held lock; dropping it (or the process dying) releases it.
#[derive(Debug)]
pub struct Lock {
    file: File,
}

impl Lock {
    /// The locked file's metadata (which file it is).
    pub fn metadata(&self) -> io::Result<std::fs::Metadata> {
        self.file.metadata()
    }

    /// Whether the locked file is still the one at `path` (it was not removed, nor replaced,
    /// while the lock was awaited): a lock file goes with its object, unlinked by the one
    /// holding it, so a lock taken on a file already gone locks nothing.
    pub fn is_at(&self, path: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        match (self.metadata(), std::fs::metadata(path)) {
            (Ok(held), Ok(now)) => held.ino() == now.ino() && held.dev() == now.dev(),
            _ => false,
        }
    }
}

impl std::os::fd::AsRawFd for Lock {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.file.as_raw_fd()
    }
}

fn open_lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
}

/// Waits for the exclusive lock on `path` (created if missing).
pub fn lock(path: &Path) -> io::Result<Lock> {
    let file = open_lock_file(path)?;
    file.lock()?;
    Ok(Lock { file })
}

/// The exclusive lock on `path` if nobody holds it, else `None`.
pub fn try_lock(path: &Path) -> io::Result<Option<Lock>> {
    let file = open_lock_file(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Lock { file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Whether some process holds the lock on `path` (a missing file is not held). A reader's
/// question: it creates nothing.
pub fn is_held(path: &Path) -> io::Result<bool> {
    let file = match OpenOptions::new().read(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    match file.try_lock() {
        Ok(()) => Ok(false),
        Err(std::fs::TryLockError::WouldBlock) => Ok(true),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

const TEMP_PREFIX: &str = ".tmp-";

/// Replaces `path` with `contents` atomically and durably.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp: PathBuf = dir.join(format!("{TEMP_PREFIX}{name}.{}", std::process::id()));
    let result = (|| {
        let mut f = File::create(&temp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&temp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Removes `path` durably; a missing file is fine.
pub fn remove(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    if let Some(dir) = path.parent() {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Removes temporary files a crashed writer left in `dir`, those of dead processes only.
pub fn clean_temp(dir: &Path) -> io::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(rest) = name.strip_prefix(TEMP_PREFIX) {
            let pid = rest.rsplit('.').next().and_then(|p| p.parse::<u32>().ok());
            if pid.is_none_or(|p| !pid_alive(p)) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_and_temp_cleanup() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.xml");
        write_atomic(&f, b"one").unwrap();
        write_atomic(&f, b"two").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"two");
        // A dead writer's leftover goes, a live one's stays.
        let dead = dir.path().join(".tmp-a.xml.999999999");
        let live = dir
            .path()
            .join(format!(".tmp-b.xml.{}", std::process::id()));
        std::fs::write(&dead, b"x").unwrap();
        std::fs::write(&live, b"x").unwrap();
        clean_temp(dir.path()).unwrap();
        assert!(!dead.exists());
        assert!(live.exists());
    }

    #[test]
    fn locks_exclude_and_release() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.lock");
        assert!(!is_held(&p).unwrap());
        let held = lock(&p).unwrap();
        assert!(try_lock(&p).unwrap().is_none());
        assert!(is_held(&p).unwrap());
        drop(held);
        assert!(try_lock(&p).unwrap().is_some());
    }
}
