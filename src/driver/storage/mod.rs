//! Storage for the embedded root: pools of type `dir`, their volumes made and changed with
//! `qemu-img`. The root's object store keeps the pools (kind `storage`): a persistent config
//! in `ROOT/storage/NAME.xml`, an active pool's definition in `ROOT/run/storage/NAME.xml`.
//! Adding or removing a pool checks libvirt's rules and writes under the root's list lock (no
//! two pools on one target path: `Storage source conflict with pool`); a pool's lifecycle and
//! its volumes go under the pool's lock, so volume names stay unique.

mod vols;
mod volumes;

use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::driver::prelude::*;
use crate::model::pool::PoolSizes;
use crate::model::{Name, PoolDef};
use crate::rules::{self, Adding, Existing, Kind};
use crate::state::store::{ObjectStore, StoreResult};
use crate::state::Lock;

pub struct Storage {
    store: ObjectStore,
}

fn no_pool(pool: &PoolRef) -> Error {
    crate::rules::Kind::Pool.not_found(&pool.uuid, Some(&pool.name))
}

/// A pool as its files say it is.
struct PoolView {
    name: Name,
    uuid: Uuid,
    /// The definition it runs with, when active.
    active: Option<PoolDef>,
    persistent: bool,
}

impl PoolView {
    fn handle(&self) -> PoolRef {
        PoolRef {
            name: self.name.to_string(),
            uuid: self.uuid,
        }
    }

    fn existing(&self) -> Existing {
        Existing {
            name: self.name.to_string(),
            uuid: self.uuid,
            active: self.active.is_some(),
            persistent: self.persistent,
            starting: false,
        }
    }
}

fn target(def: &PoolDef) -> &Path {
    Path::new(def.target_path.as_deref().unwrap_or("/"))
}

impl Storage {
    pub fn open(root: &Path) -> StoreResult<Storage> {
        Ok(Storage {
            store: ObjectStore::open(root, "storage", "pool")?,
        })
    }

    /// The persistent definition, if there is one.
    fn config(&self, name: &Name) -> Result<Option<PoolDef>> {
        let path = self.store.config_path(name);
        let text = self.store.read_config(name)?;
        Ok(text
            .map(|t| self.store.parse(name, &path, &t, PoolDef::parse))
            .transpose()?)
    }

    /// The definition an active pool runs with, if it is active.
    fn active_def(&self, name: &Name) -> Result<Option<PoolDef>> {
        let path = self.store.run_file(name, "xml");
        let text = self.store.read_run(name)?;
        Ok(text
            .map(|t| self.store.parse(name, &path, &t, PoolDef::parse))
            .transpose()?)
    }

    /// The definition that describes the pool now: the active one, else the config.
    fn def(&self, v: &PoolView) -> Result<PoolDef> {
        match &v.active {
            Some(def) => Ok(def.clone()),
            None => self.config(&v.name)?.ok_or_else(|| no_pool(&v.handle())),
        }
    }

    fn view(&self, uuid: Uuid, name: &Name) -> Result<Option<PoolView>> {
        let persistent = self.store.has_config(name);
        let active = self.active_def(name)?;
        Ok((persistent || active.is_some()).then(|| PoolView {
            name: name.clone(),
            uuid,
            active,
            persistent,
        }))
    }

    fn get(&self, pool: &PoolRef) -> Result<PoolView> {
        let name = Name::new(&pool.name).map_err(|_| no_pool(pool))?;
        if !self.store.indexed(&pool.uuid, &name) {
            return Err(no_pool(pool));
        }
        self.view(pool.uuid, &name)?.ok_or_else(|| no_pool(pool))
    }

    /// `pool`'s lock and its view under it.
    fn locked(&self, pool: &PoolRef) -> Result<(Lock, PoolView)> {
        let name = Name::new(&pool.name).map_err(|_| no_pool(pool))?;
        let lock = self.store.lock(&name)?;
        Ok((lock, self.get(pool)?))
    }

    /// The list lock, `pool`'s lock, and its view under both.
    fn locked_both(&self, pool: &PoolRef) -> Result<(Lock, Lock, PoolView)> {
        let list = self.store.list_lock()?;
        let (lock, v) = self.locked(pool)?;
        Ok((list, lock, v))
    }

    fn active(&self, pool: &PoolRef) -> Result<(PoolView, PoolDef)> {
        let v = self.get(pool)?;
        match v.active.clone() {
            Some(def) => Ok((v, def)),
            None => Err(Error::operation_invalid(format!(
                "storage pool '{}' is not active",
                pool.name
            ))),
        }
    }

    /// libvirt's checks for a new definition, under the list lock: the source conflict, then
    /// the name and UUID duplicates. Index entries without files (a crash between two
    /// writes) go on the way. Returns whether the pool exists already.
    fn check_add(&self, def: &PoolDef, adding: Adding) -> Result<bool> {
        if def.kind != "dir" {
            return Err(Error::unsupported(format!(
                "pool type '{}' (virtsh's embedded storage has 'dir' pools)",
                def.kind
            )));
        }
        let (mut by_uuid, mut by_name) = (None, None);
        for (uuid, name) in self.store.index()? {
            let Some(v) = self.view(uuid, &name)? else {
                self.store.remove_index(&uuid, &name)?;
                continue;
            };
            let current = self.def(&v).ok();
            let other_target = current.as_ref().and_then(|d| d.target_path.as_deref());
            rules::check_pool_target(
                def.name.as_str(),
                def.target_path.as_deref(),
                name.as_str(),
                other_target,
            )?;
            if uuid == def.uuid {
                by_uuid = Some(v.existing());
            }
            if name == def.name {
                by_name = Some(v.existing());
            }
        }
        rules::check_add(
            Kind::Pool,
            def.name.as_str(),
            &def.uuid,
            by_uuid.as_ref(),
            by_name.as_ref(),
            adding,
        )
    }

    fn write_active(&self, def: &PoolDef) -> Result<()> {
        Ok(self
            .store
            .write_run(&def.name, &def.to_xml(PoolSizes::default()))?)
    }

    /// Removes every file of a pool that is no more (both locks held).
    fn forget(&self, v: &PoolView) -> Result<()> {
        self.store.remove_run(&v.name)?;
        self.store.remove_index(&v.uuid, &v.name)?;
        Ok(self.store.remove_lock(&v.name)?)
    }

    /// The path of a volume (a domain disk's `<source pool volume>` too).
    pub fn volume_path(&self, pool: &str, volume: &str) -> Result<PathBuf> {
        let p = self.pool_by_name(pool)?;
        let vol = self.vol_by_name(&p, volume)?;
        Ok(PathBuf::from(vol.key))
    }
}

impl StorageApi for Storage {
    fn list_pools(&self, flags: PoolListFlags) -> Result<Vec<PoolRef>> {
        let mut out = Vec::new();
        for (uuid, name) in self.store.index()? {
            let Ok(Some(v)) = self.view(uuid, &name) else {
                continue;
            };
            let admitted = flags.admits(
                v.active.is_some(),
                v.persistent,
                || self.store.autostart(&name),
                || {
                    self.def(&v)
                        .ok()
                        .and_then(|d| PoolListFlags::of_type(&d.kind))
                },
            );
            if admitted {
                out.push(v.handle());
            }
        }
        Ok(out)
    }

    fn pool_by_name(&self, name: &str) -> Result<PoolRef> {
        let missing = || crate::rules::Kind::Pool.not_named(name);
        let (uuid, name) = self.store.by_name(name)?.ok_or_else(missing)?;
        Ok(self.view(uuid, &name)?.ok_or_else(missing)?.handle())
    }

    fn pool_by_uuid(&self, uuid: &Uuid) -> Result<PoolRef> {
        let missing = || crate::rules::Kind::Pool.not_found(uuid, None);
        let name = self.store.uuid_owner(uuid)?.ok_or_else(missing)?;
        Ok(self.view(*uuid, &name)?.ok_or_else(missing)?.handle())
    }

    fn define_pool(&self, xml: &str) -> Result<PoolRef> {
        let def = PoolDef::parse(xml)?;
        let _list = self.store.list_lock()?;
        if !self.check_add(&def, Adding::Definition)? {
            self.store.add_index(&def.uuid, &def.name)?;
        }
        self.store
            .write_config(&def.name, &def.to_xml(PoolSizes::default()))?;
        Ok(PoolRef {
            name: def.name.to_string(),
            uuid: def.uuid,
        })
    }

    fn create_pool(&self, xml: &str, flags: BuildFlags) -> Result<PoolRef> {
        let def = PoolDef::parse(xml)?;
        let _list = self.store.list_lock()?;
        let existing = self.check_add(&def, Adding::Live)?;
        let _lock = self.store.lock(&def.name)?;
        if flags.any(BuildFlags::WITH_BUILD) {
            volumes::build_dir(&def)?;
        }
        volumes::check_target(&def)?;
        if !existing {
            self.store.add_index(&def.uuid, &def.name)?;
        }
        self.write_active(&def)?;
        Ok(PoolRef {
            name: def.name.to_string(),
            uuid: def.uuid,
        })
    }

    fn build_pool(&self, pool: &PoolRef, _: BuildFlags) -> Result<()> {
        let (_lock, v) = self.locked(pool)?;
        if v.active.is_some() {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is already active",
                pool.name
            )));
        }
        volumes::build_dir(&self.def(&v)?)
    }

    fn start_pool(&self, pool: &PoolRef, flags: BuildFlags) -> Result<()> {
        let (_lock, v) = self.locked(pool)?;
        if v.active.is_some() {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is already active",
                pool.name
            )));
        }
        let def = self.def(&v)?;
        if flags.any(BuildFlags::WITH_BUILD) {
            volumes::build_dir(&def)?;
        }
        volumes::check_target(&def)?;
        self.write_active(&def)
    }

    fn destroy_pool(&self, pool: &PoolRef) -> Result<()> {
        // A transient pool's end removes it: under the list lock.
        let (_list, _lock, v) = self.locked_both(pool)?;
        if v.active.is_none() {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is not active",
                pool.name
            )));
        }
        if v.persistent {
            return Ok(self.store.remove_run(&v.name)?);
        }
        self.forget(&v)
    }

    fn delete_pool(&self, pool: &PoolRef) -> Result<()> {
        let (_lock, v) = self.locked(pool)?;
        if v.active.is_some() {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is still active",
                pool.name
            )));
        }
        let def = self.def(&v)?;
        std::fs::remove_dir(target(&def)).map_err(|e| {
            Error::system(
                format!("cannot remove directory '{}'", target(&def).display()),
                &e,
            )
        })
    }

    fn undefine_pool(&self, pool: &PoolRef) -> Result<()> {
        let (_list, _lock, v) = self.locked_both(pool)?;
        if !v.persistent {
            return Err(Error::operation_invalid(format!(
                "pool '{}' is not persistent",
                pool.name
            )));
        }
        self.store.remove_config(&v.name)?;
        if v.active.is_none() {
            self.forget(&v)?;
        }
        Ok(())
    }

    fn refresh_pool(&self, pool: &PoolRef) -> Result<()> {
        self.active(pool).map(drop)
    }

    fn pool_info(&self, pool: &PoolRef) -> Result<PoolInfo> {
        let v = self.get(pool)?;
        let Some(def) = &v.active else {
            return Ok(PoolInfo {
                state: PoolState::Inactive,
                capacity: 0,
                allocation: 0,
                available: 0,
            });
        };
        let s = volumes::fs_sizes(target(def))?;
        Ok(PoolInfo {
            state: PoolState::Running,
            capacity: s.capacity,
            allocation: s.allocation,
            available: s.available,
        })
    }

    fn pool_xml(&self, pool: &PoolRef, inactive: bool) -> Result<String> {
        let v = self.get(pool)?;
        let def = match (inactive, &v.active) {
            (false, Some(def)) => def.clone(),
            _ => match self.config(&v.name)? {
                Some(def) => def,
                None => self.def(&v)?,
            },
        };
        let sizes = match (&v.active, inactive) {
            (Some(def), false) => volumes::fs_sizes(target(def))?,
            _ => PoolSizes::default(),
        };
        Ok(def.to_xml(sizes))
    }

    fn pool_autostart(&self, pool: &PoolRef) -> Result<bool> {
        let v = self.get(pool)?;
        Ok(self.store.autostart(&v.name))
    }

    fn set_pool_autostart(&self, pool: &PoolRef, on: bool) -> Result<()> {
        let (_lock, v) = self.locked(pool)?;
        if !v.persistent {
            return Err(Error::invalid_arg(
                "cannot set autostart for transient pool",
            ));
        }
        Ok(self.store.set_autostart(&v.name, on)?)
    }

    fn pool_is_persistent(&self, pool: &PoolRef) -> Result<bool> {
        Ok(self.get(pool)?.persistent)
    }

    fn list_volumes(&self, pool: &PoolRef) -> Result<Vec<VolRef>> {
        vols::list(self, pool)
    }
    fn vol_by_name(&self, pool: &PoolRef, name: &str) -> Result<VolRef> {
        vols::by_name(self, pool, name)
    }
    fn vol_by_key(&self, key: &str) -> Result<VolRef> {
        vols::by_path(self, key, "key")
    }
    fn vol_by_path(&self, path: &str) -> Result<VolRef> {
        vols::by_path(self, path, "path")
    }
    fn create_volume(&self, pool: &PoolRef, xml: &str, flags: VolCreateFlags) -> Result<VolRef> {
        vols::create(self, pool, xml, None, flags)
    }
    fn clone_volume(
        &self,
        pool: &PoolRef,
        xml: &str,
        source: &VolRef,
        flags: VolCreateFlags,
        progress: ProgressFn,
    ) -> Result<VolRef> {
        vols::create(self, pool, xml, Some((source, progress)), flags)
    }
    /// A dir pool's volume has no snapshots to delete nor a zeroing of its own: as libvirt's
    /// local backend, it takes no flag.
    fn delete_volume(&self, vol: &VolRef, flags: VolDeleteFlags) -> Result<()> {
        if flags.0 != 0 {
            return Err(Error::unsupported_flags(
                flags.0,
                "virStorageBackendVolDeleteLocal",
            ));
        }
        vols::delete(self, vol)
    }
    fn wipe_volume(&self, vol: &VolRef, algorithm: u32, progress: ProgressFn) -> Result<()> {
        vols::wipe(self, vol, algorithm, progress)
    }
    fn resize_volume(&self, vol: &VolRef, capacity: u64, flags: ResizeFlags) -> Result<()> {
        vols::resize(self, vol, capacity, flags)
    }
    fn vol_info(&self, vol: &VolRef) -> Result<VolInfo> {
        vols::info(self, vol)
    }
    fn vol_xml(&self, vol: &VolRef) -> Result<String> {
        vols::xml(self, vol)
    }
    fn vol_path(&self, vol: &VolRef) -> Result<String> {
        Ok(vol.key.clone())
    }
    fn download_volume(
        &self,
        vol: &VolRef,
        offset: u64,
        length: u64,
        _: bool,
    ) -> Result<Box<dyn std::io::Read>> {
        vols::download(self, vol, offset, length)
    }
    fn upload_volume(&self, vol: &VolRef, offset: u64, _: bool) -> Result<Box<dyn VolumeSink>> {
        vols::upload(self, vol, offset)
    }
}
