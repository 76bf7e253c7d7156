//! Storage for the embedded root: pools of type `dir`, their volumes made and changed with
//! `qemu-img`. Same rules as domains: adding or removing a pool checks and writes under the
//! root's list lock (no two pools on one target path: `Storage source conflict with pool`),
//! a pool's lifecycle and its volumes under the pool's lock, so volume names stay unique.
//!
//! ```text
//! ROOT/storage/NAME.xml              persistent pool configs (+ autostart/NAME.xml)
//! ROOT/storage/index/UUID:NAME       one empty file per pool
//! ROOT/run/storage/NAME.xml          an active pool's definition (transient ones: only here)
//! ROOT/run/storage/NAME.lock         the pool's lock
//! ```

mod volumes;

use std::io;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::driver::prelude::*;
use crate::model::pool::PoolSizes;
use crate::model::{Name, PoolDef};
use crate::state::{self, Lock};

pub struct Storage {
    root: PathBuf,
}

fn io_err(e: io::Error) -> Error {
    Error::new(
        ErrorCode::SystemError,
        format!("cannot access the virtsh storage state: {e}"),
    )
}

fn no_pool(pool: &PoolRef) -> Error {
    Error::no_pool(format!(
        "no storage pool with matching uuid '{}' ({})",
        pool.uuid, pool.name
    ))
}

/// A pool as it is now.
pub(crate) struct PoolView {
    def: PoolDef,
    active: bool,
    persistent: bool,
}

impl PoolView {
    fn handle(&self) -> PoolRef {
        PoolRef {
            name: self.def.name.to_string(),
            uuid: self.def.uuid,
        }
    }

    fn target(&self) -> &Path {
        Path::new(self.def.target_path.as_deref().unwrap_or("/"))
    }
}

impl Storage {
    pub fn open(root: &Path) -> io::Result<Storage> {
        let s = Storage {
            root: root.to_path_buf(),
        };
        for dir in [s.config_dir().join("autostart"), s.index_dir(), s.run_dir()] {
            std::fs::create_dir_all(&dir)?;
        }
        for dir in [s.config_dir(), s.index_dir(), s.run_dir()] {
            state::clean_temp(&dir)?;
        }
        Ok(s)
    }

    fn config_dir(&self) -> PathBuf {
        self.root.join("storage")
    }
    fn index_dir(&self) -> PathBuf {
        self.root.join("storage/index")
    }
    fn run_dir(&self) -> PathBuf {
        self.root.join("run/storage")
    }
    fn config_path(&self, name: &Name) -> PathBuf {
        self.config_dir().join(format!("{name}.xml"))
    }
    fn autostart_path(&self, name: &Name) -> PathBuf {
        self.config_dir()
            .join("autostart")
            .join(format!("{name}.xml"))
    }
    fn active_path(&self, name: &Name) -> PathBuf {
        self.run_dir().join(format!("{name}.xml"))
    }
    fn index_entry(&self, uuid: &Uuid, name: &Name) -> PathBuf {
        self.index_dir().join(format!("{uuid}:{name}"))
    }

    fn list_lock(&self) -> Result<Lock> {
        state::lock(&self.root.join("lock")).map_err(io_err)
    }

    fn pool_lock(&self, name: &Name) -> Result<Lock> {
        state::lock(&self.run_dir().join(format!("{name}.lock"))).map_err(io_err)
    }

    fn index(&self) -> Result<Vec<(Uuid, Name)>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.index_dir())
            .map_err(io_err)?
            .flatten()
        {
            let f = e.file_name();
            let Some((u, n)) = f.to_str().and_then(|f| f.split_once(':')) else {
                continue;
            };
            if let (Ok(u), Ok(n)) = (Uuid::parse_str(u), Name::new(n)) {
                out.push((u, n));
            }
        }
        Ok(out)
    }

    fn read_def(path: &Path) -> Result<Option<PoolDef>> {
        match std::fs::read_to_string(path) {
            Ok(t) => Ok(PoolDef::parse(&t).ok()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(e)),
        }
    }

    fn write_def(path: &Path, def: &PoolDef) -> Result<()> {
        state::write_atomic(path, def.to_xml(PoolSizes::default()).as_bytes()).map_err(io_err)
    }

    fn view(&self, name: &Name) -> Result<Option<PoolView>> {
        let config = Self::read_def(&self.config_path(name))?;
        let active = Self::read_def(&self.active_path(name))?;
        Ok(match (active, config) {
            (Some(def), config) => Some(PoolView {
                def,
                active: true,
                persistent: config.is_some(),
            }),
            (None, Some(def)) => Some(PoolView {
                def,
                active: false,
                persistent: true,
            }),
            (None, None) => None,
        })
    }

    fn get(&self, pool: &PoolRef) -> Result<PoolView> {
        let name = Name::new(&pool.name).map_err(|_| no_pool(pool))?;
        self.view(&name)?
            .filter(|v| v.def.uuid == pool.uuid)
            .ok_or_else(|| no_pool(pool))
    }

    fn active(&self, pool: &PoolRef) -> Result<PoolView> {
        let v = self.get(pool)?;
        if !v.active {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is not active",
                pool.name
            )));
        }
        Ok(v)
    }

    pub fn list(&self, flags: PoolListFlags) -> Result<Vec<PoolRef>> {
        type F = PoolListFlags;
        let types = flags.type_bits();
        let mut out = Vec::new();
        for (_, name) in self.index()? {
            let Some(v) = self.view(&name)? else { continue };
            let autostart = self.autostart_path(&name).exists();
            if passes(flags.any(F::ACTIVE), flags.any(F::INACTIVE), v.active)
                && passes(
                    flags.any(F::PERSISTENT),
                    flags.any(F::TRANSIENT),
                    v.persistent,
                )
                && passes(
                    flags.any(F::AUTOSTART),
                    flags.any(F::NO_AUTOSTART),
                    autostart,
                )
                && (types.0 == 0 || F::of_type(&v.def.kind).is_some_and(|t| types.any(t)))
            {
                out.push(v.handle());
            }
        }
        Ok(out)
    }

    pub fn by_name(&self, name: &str) -> Result<PoolRef> {
        let missing = || Error::no_pool(format!("no storage pool with matching name '{name}'"));
        let name = Name::new(name).map_err(|_| missing())?;
        self.view(&name)?.map(|v| v.handle()).ok_or_else(missing)
    }

    pub fn by_uuid(&self, uuid: &Uuid) -> Result<PoolRef> {
        let missing = || Error::no_pool(format!("no storage pool with matching uuid '{uuid}'"));
        let name = self
            .index()?
            .into_iter()
            .find(|(u, _)| u == uuid)
            .map(|(_, n)| n)
            .ok_or_else(missing)?;
        self.view(&name)?.map(|v| v.handle()).ok_or_else(missing)
    }

    /// libvirt's checks for a new definition, under the list lock: the source conflict, then
    /// the name and UUID duplicates. Returns whether the pool exists already.
    fn check_add(&self, def: &PoolDef, live: bool) -> Result<bool> {
        if def.kind != "dir" {
            return Err(Error::unsupported(format!(
                "pool type '{}' (virtsh's embedded storage has 'dir' pools)",
                def.kind
            )));
        }
        let mut existing = false;
        for (uuid, name) in self.index()? {
            let Some(v) = self.view(&name)? else {
                // A crash between two writes left an entry without files.
                state::remove(&self.index_entry(&uuid, &name)).map_err(io_err)?;
                continue;
            };
            if name != def.name && v.def.target_path == def.target_path {
                return Err(Error::operation_failed(format!(
                    "Storage source conflict with pool: '{name}'"
                )));
            }
            if uuid == def.uuid && name != def.name {
                return Err(Error::operation_failed(format!(
                    "pool '{name}' is already defined with uuid {uuid}"
                )));
            }
            if name == def.name && uuid != def.uuid {
                return Err(Error::operation_failed(format!(
                    "pool '{name}' already exists with uuid {uuid}"
                )));
            }
            if name == def.name {
                if live && v.active {
                    return Err(Error::operation_invalid(format!(
                        "pool is already active as '{name}'"
                    )));
                }
                existing = true;
            }
        }
        Ok(existing)
    }

    pub fn define(&self, def: PoolDef) -> Result<PoolRef> {
        let _list = self.list_lock()?;
        if !self.check_add(&def, false)? {
            state::write_atomic(&self.index_entry(&def.uuid, &def.name), b"").map_err(io_err)?;
        }
        Self::write_def(&self.config_path(&def.name), &def)?;
        Ok(PoolRef {
            name: def.name.to_string(),
            uuid: def.uuid,
        })
    }

    pub fn create(&self, def: PoolDef, flags: BuildFlags) -> Result<PoolRef> {
        let _list = self.list_lock()?;
        let existing = self.check_add(&def, true)?;
        let _lock = self.pool_lock(&def.name)?;
        if flags.any(BuildFlags::WITH_BUILD) {
            volumes::build_dir(&def)?;
        }
        volumes::check_target(&def)?;
        if !existing {
            state::write_atomic(&self.index_entry(&def.uuid, &def.name), b"").map_err(io_err)?;
        }
        Self::write_def(&self.active_path(&def.name), &def)?;
        Ok(PoolRef {
            name: def.name.to_string(),
            uuid: def.uuid,
        })
    }

    pub fn build(&self, pool: &PoolRef) -> Result<()> {
        let v = self.get(pool)?;
        let _lock = self.pool_lock(&v.def.name)?;
        if v.active {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is already active",
                pool.name
            )));
        }
        volumes::build_dir(&v.def)
    }

    pub fn start(&self, pool: &PoolRef, flags: BuildFlags) -> Result<()> {
        let v = self.get(pool)?;
        let _lock = self.pool_lock(&v.def.name)?;
        let v = self.get(pool)?;
        if v.active {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is already active",
                pool.name
            )));
        }
        if flags.any(BuildFlags::WITH_BUILD) {
            volumes::build_dir(&v.def)?;
        }
        volumes::check_target(&v.def)?;
        Self::write_def(&self.active_path(&v.def.name), &v.def)
    }

    pub fn destroy(&self, pool: &PoolRef) -> Result<()> {
        let v = self.active(pool)?;
        if v.persistent {
            let _lock = self.pool_lock(&v.def.name)?;
            return state::remove(&self.active_path(&v.def.name)).map_err(io_err);
        }
        // A transient pool's end removes it: under the list lock.
        let _list = self.list_lock()?;
        let _lock = self.pool_lock(&v.def.name)?;
        state::remove(&self.active_path(&v.def.name)).map_err(io_err)?;
        state::remove(&self.index_entry(&v.def.uuid, &v.def.name)).map_err(io_err)
    }

    pub fn delete(&self, pool: &PoolRef) -> Result<()> {
        let v = self.get(pool)?;
        let _lock = self.pool_lock(&v.def.name)?;
        if v.active {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is still active",
                pool.name
            )));
        }
        std::fs::remove_dir(v.target()).map_err(|e| {
            Error::system(
                format!("cannot remove directory '{}'", v.target().display()),
                &e,
            )
        })
    }

    pub fn undefine(&self, pool: &PoolRef) -> Result<()> {
        let _list = self.list_lock()?;
        let v = self.get(pool)?;
        let _lock = self.pool_lock(&v.def.name)?;
        if !v.persistent {
            return Err(Error::operation_invalid(format!(
                "pool '{}' is not persistent",
                pool.name
            )));
        }
        state::remove(&self.autostart_path(&v.def.name)).map_err(io_err)?;
        state::remove(&self.config_path(&v.def.name)).map_err(io_err)?;
        if !v.active {
            state::remove(&self.index_entry(&v.def.uuid, &v.def.name)).map_err(io_err)?;
        }
        Ok(())
    }

    pub fn refresh(&self, pool: &PoolRef) -> Result<()> {
        self.active(pool).map(drop)
    }

    pub fn info(&self, pool: &PoolRef) -> Result<PoolInfo> {
        let v = self.get(pool)?;
        if !v.active {
            return Ok(PoolInfo {
                state: PoolState::Inactive,
                capacity: 0,
                allocation: 0,
                available: 0,
            });
        }
        let s = volumes::fs_sizes(v.target())?;
        Ok(PoolInfo {
            state: PoolState::Running,
            capacity: s.capacity,
            allocation: s.allocation,
            available: s.available,
        })
    }

    pub fn xml(&self, pool: &PoolRef, inactive: bool) -> Result<String> {
        let v = self.get(pool)?;
        let def = if inactive {
            let name = &v.def.name;
            Self::read_def(&self.config_path(name))?.unwrap_or(v.def)
        } else {
            v.def
        };
        let sizes = if v.active && !inactive {
            volumes::fs_sizes(Path::new(def.target_path.as_deref().unwrap_or("/")))?
        } else {
            PoolSizes::default()
        };
        Ok(def.to_xml(sizes))
    }

    pub fn autostart(&self, pool: &PoolRef) -> Result<bool> {
        let v = self.get(pool)?;
        Ok(self.autostart_path(&v.def.name).exists())
    }

    pub fn set_autostart(&self, pool: &PoolRef, on: bool) -> Result<()> {
        let v = self.get(pool)?;
        if !v.persistent {
            return Err(Error::invalid_arg(
                "cannot set autostart for transient pool",
            ));
        }
        let path = self.autostart_path(&v.def.name);
        if on {
            state::write_atomic(&path, v.def.name.as_str().as_bytes()).map_err(io_err)
        } else {
            state::remove(&path).map_err(io_err)
        }
    }

    pub fn is_persistent(&self, pool: &PoolRef) -> Result<bool> {
        Ok(self.get(pool)?.persistent)
    }

    // ---- volumes ----

    fn vol_handle(pool: &PoolView, name: &str) -> VolRef {
        VolRef {
            pool: pool.def.name.to_string(),
            name: name.to_string(),
            key: pool.target().join(name).display().to_string(),
        }
    }

    pub fn list_volumes(&self, pool: &PoolRef) -> Result<Vec<VolRef>> {
        let v = self
            .active(pool)
            .map_err(|_| Error::operation_invalid("storage pool is not active"))?;
        Ok(volumes::names(v.target())?
            .into_iter()
            .map(|n| Self::vol_handle(&v, &n))
            .collect())
    }

    pub fn vol_by_name(&self, pool: &PoolRef, name: &str) -> Result<VolRef> {
        let v = self.active(pool)?;
        if Name::new(name).is_ok() && v.target().join(name).is_file() {
            return Ok(Self::vol_handle(&v, name));
        }
        Err(Error::no_vol(format!(
            "no storage vol with matching name '{name}'"
        )))
    }

    /// The volume at `path` (keys are paths), in whichever active pool holds it.
    pub fn vol_by_path(&self, path: &str, what: &str) -> Result<VolRef> {
        let missing = || Error::no_vol(format!("no storage vol with matching {what} '{path}'"));
        let p = Path::new(path);
        let (Some(dir), Some(file)) = (p.parent(), p.file_name().and_then(|f| f.to_str())) else {
            return Err(missing());
        };
        for (_, name) in self.index()? {
            let Some(v) = self.view(&name)? else { continue };
            if v.active && v.target() == dir && p.is_file() {
                return Ok(Self::vol_handle(&v, file));
            }
        }
        Err(missing())
    }

    /// The path of a volume (a domain disk's `<source pool volume>` too).
    pub fn volume_path(&self, pool: &str, volume: &str) -> Result<PathBuf> {
        let p = self.by_name(pool)?;
        let vol = self.vol_by_name(&p, volume)?;
        Ok(PathBuf::from(vol.key))
    }

    fn vol_pool(&self, vol: &VolRef) -> Result<(PoolView, PathBuf)> {
        let pool = self.by_name(&vol.pool)?;
        let v = self.active(&pool)?;
        let path = v.target().join(&vol.name);
        if !path.is_file() {
            return Err(Error::no_vol(format!(
                "no storage vol with matching name '{}'",
                vol.name
            )));
        }
        Ok((v, path))
    }

    pub fn create_volume(
        &self,
        pool: &PoolRef,
        xml: &str,
        from: Option<(&VolRef, ProgressFn)>,
        flags: VolCreateFlags,
    ) -> Result<VolRef> {
        let def = crate::model::VolumeDef::parse(xml)?;
        let v = self.active(pool)?;
        let _lock = self.pool_lock(&v.def.name)?;
        let path = v.target().join(def.name.as_str());
        if path.exists() {
            return Err(Error::new(
                ErrorCode::StorageVolExist,
                format!("storage volume '{}' exists already", def.name),
            ));
        }
        let source = match from {
            Some((src, progress)) => Some((self.vol_pool(src)?.1, progress)),
            None => None,
        };
        let needed = def.allocation.unwrap_or(def.capacity);
        let free = volumes::fs_sizes(v.target())?.available;
        if source.is_none() && needed > free {
            return Err(Error::operation_failed(format!(
                "Not enough free space in pool '{}' for volume '{}': it asks for {needed} bytes, {free} are free",
                v.def.name, def.name
            )));
        }
        volumes::create(
            &path,
            &def,
            source.as_ref().map(|(p, f)| (p.as_path(), *f)),
            flags,
        )?;
        Ok(Self::vol_handle(&v, def.name.as_str()))
    }

    pub fn delete_volume(&self, vol: &VolRef) -> Result<()> {
        let (v, path) = self.vol_pool(vol)?;
        let _lock = self.pool_lock(&v.def.name)?;
        std::fs::remove_file(&path)
            .map_err(|e| Error::system(format!("cannot unlink file '{}'", path.display()), &e))
    }

    pub fn wipe_volume(&self, vol: &VolRef, algorithm: u32, progress: ProgressFn) -> Result<()> {
        let (v, path) = self.vol_pool(vol)?;
        let _lock = self.pool_lock(&v.def.name)?;
        volumes::wipe(&path, algorithm, progress)
    }

    pub fn resize_volume(&self, vol: &VolRef, capacity: u64, flags: ResizeFlags) -> Result<()> {
        let (v, path) = self.vol_pool(vol)?;
        let _lock = self.pool_lock(&v.def.name)?;
        volumes::resize(&path, capacity, flags)
    }

    pub fn vol_info(&self, vol: &VolRef) -> Result<VolInfo> {
        let (_, path) = self.vol_pool(vol)?;
        let i = volumes::inspect(&path)?;
        Ok(VolInfo {
            kind: VolType::File,
            capacity: i.capacity,
            allocation: i.allocation,
        })
    }

    pub fn download(
        &self,
        vol: &VolRef,
        offset: u64,
        length: u64,
    ) -> Result<Box<dyn std::io::Read>> {
        let (_, path) = self.vol_pool(vol)?;
        volumes::reader(&path, offset, length)
    }

    pub fn upload(&self, vol: &VolRef, offset: u64) -> Result<Box<dyn VolumeSink>> {
        let (_, path) = self.vol_pool(vol)?;
        volumes::writer(&path, offset)
    }

    pub fn vol_xml(&self, vol: &VolRef) -> Result<String> {
        let (_, path) = self.vol_pool(vol)?;
        let i = volumes::inspect(&path)?;
        let def = crate::model::VolumeDef {
            name: Name::new(&vol.name).map_err(Error::invalid_arg)?,
            capacity: i.capacity,
            allocation: Some(i.allocation),
            format: Some(i.format),
        };
        let path = path.display().to_string();
        Ok(crate::model::volume::VolumeState {
            def: &def,
            kind: "file",
            key: &path,
            path: &path,
            allocation: i.allocation,
        }
        .to_xml())
    }
}

impl StorageApi for Storage {
    fn list_pools(&self, flags: PoolListFlags) -> Result<Vec<PoolRef>> {
        self.list(flags)
    }
    fn pool_by_name(&self, name: &str) -> Result<PoolRef> {
        self.by_name(name)
    }
    fn pool_by_uuid(&self, uuid: &Uuid) -> Result<PoolRef> {
        self.by_uuid(uuid)
    }
    fn define_pool(&self, xml: &str) -> Result<PoolRef> {
        self.define(PoolDef::parse(xml)?)
    }
    fn create_pool(&self, xml: &str, flags: BuildFlags) -> Result<PoolRef> {
        self.create(PoolDef::parse(xml)?, flags)
    }
    fn build_pool(&self, pool: &PoolRef, _: BuildFlags) -> Result<()> {
        self.build(pool)
    }
    fn start_pool(&self, pool: &PoolRef, flags: BuildFlags) -> Result<()> {
        self.start(pool, flags)
    }
    fn destroy_pool(&self, pool: &PoolRef) -> Result<()> {
        self.destroy(pool)
    }
    fn delete_pool(&self, pool: &PoolRef) -> Result<()> {
        self.delete(pool)
    }
    fn undefine_pool(&self, pool: &PoolRef) -> Result<()> {
        self.undefine(pool)
    }
    fn refresh_pool(&self, pool: &PoolRef) -> Result<()> {
        self.refresh(pool)
    }
    fn pool_info(&self, pool: &PoolRef) -> Result<PoolInfo> {
        self.info(pool)
    }
    fn pool_xml(&self, pool: &PoolRef, inactive: bool) -> Result<String> {
        self.xml(pool, inactive)
    }
    fn pool_autostart(&self, pool: &PoolRef) -> Result<bool> {
        self.autostart(pool)
    }
    fn set_pool_autostart(&self, pool: &PoolRef, on: bool) -> Result<()> {
        self.set_autostart(pool, on)
    }
    fn pool_is_persistent(&self, pool: &PoolRef) -> Result<bool> {
        self.is_persistent(pool)
    }
    fn list_volumes(&self, pool: &PoolRef) -> Result<Vec<VolRef>> {
        self.list_volumes(pool)
    }
    fn vol_by_name(&self, pool: &PoolRef, name: &str) -> Result<VolRef> {
        self.vol_by_name(pool, name)
    }
    fn vol_by_key(&self, key: &str) -> Result<VolRef> {
        self.vol_by_path(key, "key")
    }
    fn vol_by_path(&self, path: &str) -> Result<VolRef> {
        self.vol_by_path(path, "path")
    }
    fn create_volume(&self, pool: &PoolRef, xml: &str, flags: VolCreateFlags) -> Result<VolRef> {
        self.create_volume(pool, xml, None, flags)
    }
    fn clone_volume(
        &self,
        pool: &PoolRef,
        xml: &str,
        source: &VolRef,
        flags: VolCreateFlags,
        progress: ProgressFn,
    ) -> Result<VolRef> {
        self.create_volume(pool, xml, Some((source, progress)), flags)
    }
    fn delete_volume(&self, vol: &VolRef) -> Result<()> {
        self.delete_volume(vol)
    }
    fn wipe_volume(&self, vol: &VolRef, algorithm: u32, progress: ProgressFn) -> Result<()> {
        self.wipe_volume(vol, algorithm, progress)
    }
    fn resize_volume(&self, vol: &VolRef, capacity: u64, flags: ResizeFlags) -> Result<()> {
        self.resize_volume(vol, capacity, flags)
    }
    fn vol_info(&self, vol: &VolRef) -> Result<VolInfo> {
        self.vol_info(vol)
    }
    fn vol_xml(&self, vol: &VolRef) -> Result<String> {
        self.vol_xml(vol)
    }
    fn vol_path(&self, vol: &VolRef) -> Result<String> {
        Ok(vol.key.clone())
    }
    fn download_volume(
        &self,
        vol: &VolRef,
        offset: u64,
        length: u64,
    ) -> Result<Box<dyn std::io::Read>> {
        self.download(vol, offset, length)
    }
    fn upload_volume(&self, vol: &VolRef, offset: u64) -> Result<Box<dyn VolumeSink>> {
        self.upload(vol, offset)
    }
}
