//! The volume calls of the embedded storage: a volume is a file in its pool's directory (its
//! key and path are the file's path); changes happen under the pool's lock.

use std::path::{Path, PathBuf};

use super::{target, volumes, Storage};
use crate::driver::prelude::*;
use crate::model::{Name, PoolDef, VolumeDef};
use crate::state::Lock;

fn handle(def: &PoolDef, name: &str) -> VolRef {
    use std::os::unix::ffi::OsStrExt;
    let path = target(def).join(crate::bytes::to_path(name));
    VolRef {
        pool: def.name.to_string(),
        name: name.to_string(),
        key: crate::bytes::to_string(path.as_os_str().as_bytes()),
    }
}

fn no_vol(name: &str) -> Error {
    Error::no_vol(format!("no storage vol with matching name '{name}'"))
}

pub fn list(s: &Storage, pool: &PoolRef) -> Result<Vec<VolRef>> {
    let (_, def) = s
        .active(pool)
        .map_err(|_| Error::operation_invalid("storage pool is not active"))?;
    Ok(volumes::names(target(&def))?
        .into_iter()
        .map(|n| handle(&def, &n))
        .collect())
}

pub fn by_name(s: &Storage, pool: &PoolRef, name: &str) -> Result<VolRef> {
    let (_, def) = s.active(pool)?;
    if Name::new(name).is_ok() && volumes::entry(target(&def), name).is_some() {
        return Ok(handle(&def, name));
    }
    Err(no_vol(name))
}

/// The volume at `path` (keys are paths), in whichever active pool holds it.
pub fn by_path(s: &Storage, path: &str, what: &str) -> Result<VolRef> {
    let missing = || Error::no_vol(format!("no storage vol with matching {what} '{path}'"));
    let p = crate::bytes::to_path(path);
    let (Some(dir), Some(file)) = (p.parent(), p.file_name()) else {
        return Err(missing());
    };
    let file = crate::bytes::to_string(std::os::unix::ffi::OsStrExt::as_bytes(file));
    for (uuid, name) in s.store.index()? {
        let Ok(Some(v)) = s.view(uuid, &name) else {
            continue;
        };
        if let Some(def) = &v.active {
            if target(def) == dir && p.is_file() {
                return Ok(handle(def, &file));
            }
        }
    }
    Err(missing())
}

/// The volume's pool definition and path, with the pool's lock when `lock` is asked for.
fn locate(s: &Storage, vol: &VolRef, lock: bool) -> Result<(Option<Lock>, PoolDef, PathBuf)> {
    let pool = s.pool_by_name(&vol.pool)?;
    let held = match lock {
        true => Some(s.locked(&pool)?.0),
        false => None,
    };
    let (_, def) = s.active(&pool)?;
    let path = volumes::entry(target(&def), &vol.name).ok_or_else(|| no_vol(&vol.name))?;
    Ok((held, def, path))
}

/// A volume's facts; a volume deleted meanwhile is not found, whatever failed on the way.
fn inspect(vol: &VolRef, path: &Path) -> Result<volumes::Inspected> {
    volumes::inspect(path).map_err(|e| if path.exists() { e } else { no_vol(&vol.name) })
}

pub fn create(
    s: &Storage,
    pool: &PoolRef,
    xml: &str,
    from: Option<(&VolRef, ProgressFn)>,
    flags: VolCreateFlags,
) -> Result<VolRef> {
    let def = VolumeDef::parse(xml)?;
    let source = match from {
        Some((src, progress)) => Some((locate(s, src, false)?.2, progress)),
        None => None,
    };
    let (_lock, _) = s.locked(pool)?;
    let (_, pool_def) = s.active(pool)?;
    let dir = target(&pool_def);
    let path = dir.join(def.name.as_str());
    if path.exists() {
        return Err(Error::new(
            ErrorCode::StorageVolExist,
            format!("storage volume '{}' exists already", def.name),
        ));
    }
    let needed = def.allocation.unwrap_or(def.capacity);
    let free = volumes::fs_sizes(dir)?.available;
    if source.is_none() && needed > free {
        return Err(Error::operation_failed(format!(
            "Not enough free space in pool '{}' for volume '{}': it asks for {needed} bytes, {free} are free",
            pool_def.name, def.name
        )));
    }
    let made = volumes::create(
        &path,
        &def,
        source.as_ref().map(|(p, f)| (p.as_path(), *f)),
        flags,
    );
    if let Err(e) = made {
        // What a failed create or clone left (a partial copy on a full disk) goes, as
        // libvirt removes it; the name was free, under this lock.
        let _ = std::fs::remove_file(&path);
        let gone = source.as_ref().is_some_and(|(p, _)| !p.exists());
        return Err(match (gone, from) {
            (true, Some((src, _))) => no_vol(&src.name),
            _ => e,
        });
    }
    Ok(handle(&pool_def, def.name.as_str()))
}

pub fn delete(s: &Storage, vol: &VolRef) -> Result<()> {
    let (_lock, _, path) = locate(s, vol, true)?;
    std::fs::remove_file(&path)
        .map_err(|e| Error::system(format!("cannot unlink file '{}'", path.display()), &e))
}

pub fn wipe(s: &Storage, vol: &VolRef, algorithm: u32, progress: ProgressFn) -> Result<()> {
    let (_lock, _, path) = locate(s, vol, true)?;
    volumes::wipe(&path, algorithm, progress)
}

pub fn resize(s: &Storage, vol: &VolRef, capacity: u64, flags: ResizeFlags) -> Result<()> {
    let (_lock, def, path) = locate(s, vol, true)?;
    let available = volumes::fs_sizes(target(&def))?.available;
    volumes::resize(&path, capacity, flags, available)
}

pub fn info(s: &Storage, vol: &VolRef) -> Result<VolInfo> {
    let (_, _, path) = locate(s, vol, false)?;
    let i = inspect(vol, &path)?;
    Ok(VolInfo {
        kind: VolType::File,
        capacity: i.capacity,
        allocation: i.allocation,
    })
}

pub fn xml(s: &Storage, vol: &VolRef) -> Result<String> {
    let (_, _, path) = locate(s, vol, false)?;
    let i = inspect(vol, &path)?;
    let def = VolumeDef {
        name: Name::new(&vol.name).map_err(Error::invalid_arg)?,
        capacity: i.capacity,
        allocation: Some(i.allocation),
        format: Some(i.format),
    };
    let file = crate::model::volume::FileFacts::of(&path)
        .map_err(|e| Error::system(format!("cannot stat file '{}'", path.display()), &e))?;
    let path = crate::bytes::to_string(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()));
    Ok(crate::model::volume::VolumeState {
        def: &def,
        kind: "file",
        key: &path,
        path: &path,
        allocation: i.allocation,
        file: Some(file),
    }
    .to_xml())
}

pub fn download(
    s: &Storage,
    vol: &VolRef,
    offset: u64,
    length: u64,
) -> Result<Box<dyn std::io::Read>> {
    let (_, _, path) = locate(s, vol, false)?;
    volumes::reader(&path, offset, length)
}

pub fn upload(s: &Storage, vol: &VolRef, offset: u64) -> Result<Box<dyn VolumeSink>> {
    let (_, _, path) = locate(s, vol, false)?;
    volumes::writer(&path, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A volume deleted between its lookup and `qemu-img info` reads as not found.
    #[test]
    fn a_volume_gone_meanwhile_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let vol = VolRef {
            pool: "p".into(),
            name: "v.img".into(),
            key: dir.path().join("v.img").display().to_string(),
        };
        let e = inspect(&vol, &dir.path().join("v.img")).unwrap_err();
        assert_eq!(e.code, ErrorCode::NoStorageVol);
        assert_eq!(
            e.message,
            "Storage volume not found: no storage vol with matching name 'v.img'"
        );
    }
}
