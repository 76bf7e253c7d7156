//! The test driver's storage: pools with libvirt's duplicate and source-conflict rules, and
//! volumes that are bookkeeping only (their space is counted against the pool).

use super::{Pool, TestState, Volume};
use crate::driver::prelude::*;
use crate::model::{PoolDef, VolumeDef};
use crate::rules::{self, Adding, Existing, Kind};

impl Pool {
    pub(super) fn handle(&self) -> PoolRef {
        PoolRef {
            name: self.def.name.to_string(),
            uuid: self.def.uuid,
        }
    }

    pub(super) fn vol_handle(&self, v: &Volume) -> VolRef {
        VolRef {
            pool: self.def.name.to_string(),
            name: v.def.name.to_string(),
            key: v.path.clone(),
        }
    }
}

impl TestState {
    fn pool_index(&self, pool: &PoolRef) -> Result<usize> {
        super::position(&self.pools, |p| p.def.uuid, &pool.uuid)
            .ok_or_else(|| Kind::Pool.not_found(&pool.uuid, Some(&pool.name)))
    }

    pub(super) fn pool(&self, pool: &PoolRef) -> Result<&Pool> {
        Ok(&self.pools[self.pool_index(pool)?])
    }

    pub(super) fn pool_mut(&mut self, pool: &PoolRef) -> Result<&mut Pool> {
        let i = self.pool_index(pool)?;
        Ok(&mut self.pools[i])
    }

    pub(super) fn active_pool(&self, pool: &PoolRef) -> Result<&Pool> {
        let p = self.pool(pool)?;
        if !p.active {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is not active",
                p.def.name
            )));
        }
        Ok(p)
    }

    fn active_pool_mut(&mut self, pool: &PoolRef) -> Result<&mut Pool> {
        self.active_pool(pool)?;
        self.pool_mut(pool)
    }

    pub(super) fn inactive_pool(&mut self, pool: &PoolRef) -> Result<&mut Pool> {
        let p = self.pool_mut(pool)?;
        if p.active {
            return Err(Error::operation_invalid(format!(
                "storage pool '{}' is active",
                p.def.name
            )));
        }
        Ok(p)
    }

    pub(super) fn list_pools(&self, flags: PoolListFlags) -> Vec<PoolRef> {
        self.pools
            .iter()
            .filter(|p| {
                flags.admits(
                    p.active,
                    p.persistent,
                    || p.autostart,
                    || PoolListFlags::of_type(&p.def.kind),
                )
            })
            .map(Pool::handle)
            .collect()
    }

    /// Adds a pool under libvirt's rules: no two pools on one source, then the name/UUID
    /// duplicate check; `live` is pool-create (a transient pool that starts at once).
    pub(super) fn add_pool(&mut self, def: PoolDef, live: bool) -> Result<PoolRef> {
        for p in self.pools.iter().filter(|p| p.def.kind == def.kind) {
            rules::check_pool_target(
                def.name.as_str(),
                def.target_path.as_deref(),
                p.def.name.as_str(),
                p.def.target_path.as_deref(),
            )?;
        }
        let existing = |p: &Pool| Existing {
            name: p.def.name.to_string(),
            uuid: p.def.uuid,
            active: p.active,
            persistent: p.persistent,
            starting: false,
        };
        let by_uuid = self
            .pools
            .iter()
            .find(|p| p.def.uuid == def.uuid)
            .map(existing);
        let by_name = self
            .pools
            .iter()
            .find(|p| p.def.name == def.name)
            .map(existing);
        let adding = if live {
            Adding::Live
        } else {
            Adding::Definition
        };
        let (name, uuid) = (def.name.clone(), def.uuid);
        if rules::check_add(
            Kind::Pool,
            name.as_str(),
            &uuid,
            by_uuid.as_ref(),
            by_name.as_ref(),
            adding,
        )? {
            let p = self
                .pools
                .iter_mut()
                .find(|p| p.def.uuid == uuid)
                .expect("the pool the rules reuse");
            p.def = def;
            if live {
                p.active = true;
            } else {
                p.persistent = true;
            }
            return Ok(p.handle());
        }
        let pool = Pool {
            def,
            active: live,
            persistent: !live,
            autostart: false,
            capacity: super::DEFAULT_POOL_CAPACITY,
            allocation: 0,
            volumes: Vec::new(),
        };
        let handle = pool.handle();
        self.pools.push(pool);
        Ok(handle)
    }

    pub(super) fn destroy_pool(&mut self, pool: &PoolRef) -> Result<()> {
        let i = self.pool_index(pool)?;
        self.active_pool(pool)?;
        if self.pools[i].persistent {
            self.pools[i].active = false;
        } else {
            self.pools.remove(i);
        }
        Ok(())
    }

    pub(super) fn undefine_pool(&mut self, pool: &PoolRef) -> Result<()> {
        self.inactive_pool(pool)?;
        let i = self.pool_index(pool)?;
        self.pools.remove(i);
        Ok(())
    }

    pub(super) fn vol_by_name(&self, pool: &PoolRef, name: &str) -> Result<VolRef> {
        let p = self.active_pool(pool)?;
        p.volumes
            .iter()
            .find(|v| v.def.name.as_str() == name)
            .map(|v| p.vol_handle(v))
            .ok_or_else(|| Error::no_vol(format!("no storage vol with matching name '{name}'")))
    }

    pub(super) fn find_vol(&self, pred: impl Fn(&Volume) -> bool) -> Option<VolRef> {
        self.pools
            .iter()
            .filter(|p| p.active)
            .find_map(|p| p.volumes.iter().find(|v| pred(v)).map(|v| p.vol_handle(v)))
    }

    fn vol_position(&self, vol: &VolRef) -> Result<(usize, usize)> {
        let missing = || Error::no_vol(format!("no storage vol with matching name '{}'", vol.name));
        let pi = self
            .pools
            .iter()
            .position(|p| p.def.name.as_str() == vol.pool && p.active)
            .ok_or_else(missing)?;
        let vi = self.pools[pi]
            .volumes
            .iter()
            .position(|v| v.def.name.as_str() == vol.name)
            .ok_or_else(missing)?;
        Ok((pi, vi))
    }

    pub(super) fn vol(&self, vol: &VolRef) -> Result<&Volume> {
        let (pi, vi) = self.vol_position(vol)?;
        Ok(&self.pools[pi].volumes[vi])
    }

    pub(super) fn create_volume(&mut self, pool: &PoolRef, def: VolumeDef) -> Result<VolRef> {
        let p = self.active_pool_mut(pool)?;
        if p.volumes.iter().any(|v| v.def.name == def.name) {
            return Err(Error::operation_failed("storage vol already exists"));
        }
        let allocation = def.allocation.unwrap_or(def.capacity);
        if p.allocation + allocation > p.capacity {
            return Err(Error::internal(format!(
                "Not enough free space in pool for volume '{}'",
                def.name
            )));
        }
        let path = format!(
            "{}/{}",
            p.def.target_path.as_deref().unwrap_or_default(),
            def.name
        );
        p.allocation += allocation;
        let v = Volume {
            def,
            allocation,
            path,
        };
        let handle = p.vol_handle(&v);
        p.volumes.push(v);
        Ok(handle)
    }

    pub(super) fn delete_volume(&mut self, vol: &VolRef) -> Result<()> {
        let (pi, vi) = self.vol_position(vol)?;
        let p = &mut self.pools[pi];
        let v = p.volumes.remove(vi);
        p.allocation -= v.allocation;
        Ok(())
    }
}
