//! The remote driver's storage pool and volume calls.

use super::*;

impl StorageApi for RemoteDriver {
    fn list_pools(&self, flags: PoolListFlags) -> Result<Vec<PoolRef>> {
        let r: PoolListRet = self.call(
            CONNECT_LIST_ALL_STORAGE_POOLS,
            &ListArgs {
                need_results: 1,
                flags: flags.0,
            },
        )?;
        Ok(r.pools.into_iter().map(from_pool).collect())
    }
    fn pool_by_name(&self, name: &str) -> Result<PoolRef> {
        self.call::<_, PoolRet>(STORAGE_POOL_LOOKUP_BY_NAME, &NameArgs { name: name.into() })
            .map(|r| from_pool(r.pool))
    }
    fn pool_by_uuid(&self, uuid: &Uuid) -> Result<PoolRef> {
        self.call::<_, PoolRet>(STORAGE_POOL_LOOKUP_BY_UUID, &UuidArgs { uuid: *uuid })
            .map(|r| from_pool(r.pool))
    }
    fn define_pool(&self, xml: &str) -> Result<PoolRef> {
        self.call::<_, PoolRet>(
            STORAGE_POOL_DEFINE_XML,
            &XmlFlagsArgs {
                xml: xml.into(),
                flags: 0,
            },
        )
        .map(|r| from_pool(r.pool))
    }
    fn create_pool(&self, xml: &str, flags: BuildFlags) -> Result<PoolRef> {
        self.call::<_, PoolRet>(
            STORAGE_POOL_CREATE_XML,
            &XmlFlagsArgs {
                xml: xml.into(),
                flags: flags.0,
            },
        )
        .map(|r| from_pool(r.pool))
    }
    fn build_pool(&self, p: &PoolRef, flags: BuildFlags) -> Result<()> {
        let flags = flags & !BuildFlags::WITH_BUILD;
        self.void(
            STORAGE_POOL_BUILD,
            &PoolFlagsArgs {
                pool: pool(p),
                flags: flags.0,
            },
        )
    }
    fn start_pool(&self, p: &PoolRef, flags: BuildFlags) -> Result<()> {
        self.void(
            STORAGE_POOL_CREATE,
            &PoolFlagsArgs {
                pool: pool(p),
                flags: flags.0,
            },
        )
    }
    fn destroy_pool(&self, p: &PoolRef) -> Result<()> {
        self.void(STORAGE_POOL_DESTROY, &PoolArgs { pool: pool(p) })
    }
    fn delete_pool(&self, p: &PoolRef) -> Result<()> {
        self.void(
            STORAGE_POOL_DELETE,
            &PoolFlagsArgs {
                pool: pool(p),
                flags: 0,
            },
        )
    }
    fn undefine_pool(&self, p: &PoolRef) -> Result<()> {
        self.void(STORAGE_POOL_UNDEFINE, &PoolArgs { pool: pool(p) })
    }
    fn refresh_pool(&self, p: &PoolRef) -> Result<()> {
        self.void(
            STORAGE_POOL_REFRESH,
            &PoolFlagsArgs {
                pool: pool(p),
                flags: 0,
            },
        )
    }
    fn pool_info(&self, p: &PoolRef) -> Result<PoolInfo> {
        let r: PoolInfoRet = self.call(STORAGE_POOL_GET_INFO, &PoolArgs { pool: pool(p) })?;
        Ok(pool_info(r))
    }
    fn pool_facts(&self, pools: &[PoolRef]) -> Result<Vec<Result<PoolFacts>>> {
        let c = &self.client;
        let mut pending = Vec::with_capacity(pools.len());
        for p in pools {
            let args = PoolArgs { pool: pool(p) };
            pending.push((
                c.start(STORAGE_POOL_GET_INFO, &args)?,
                c.start(STORAGE_POOL_GET_AUTOSTART, &args)?,
                c.start(STORAGE_POOL_IS_PERSISTENT, &args)?,
            ));
        }
        Ok(pending
            .into_iter()
            .map(|(info, autostart, persistent)| {
                Ok(PoolFacts {
                    info: pool_info(info.wait()?),
                    autostart: autostart.wait::<IntRet>()?.value != 0,
                    persistent: persistent.wait::<IntRet>()?.value != 0,
                })
            })
            .collect())
    }
    fn pool_xml(&self, p: &PoolRef, inactive: bool) -> Result<String> {
        self.string(
            STORAGE_POOL_GET_XML_DESC,
            &PoolFlagsArgs {
                pool: pool(p),
                flags: u32::from(inactive),
            },
        )
    }
    fn pool_autostart(&self, p: &PoolRef) -> Result<bool> {
        self.flag(STORAGE_POOL_GET_AUTOSTART, &PoolArgs { pool: pool(p) })
    }
    fn set_pool_autostart(&self, p: &PoolRef, on: bool) -> Result<()> {
        self.void(
            STORAGE_POOL_SET_AUTOSTART,
            &PoolIntArgs {
                pool: pool(p),
                value: i32::from(on),
            },
        )
    }
    fn pool_is_persistent(&self, p: &PoolRef) -> Result<bool> {
        self.flag(STORAGE_POOL_IS_PERSISTENT, &PoolArgs { pool: pool(p) })
    }
    fn list_volumes(&self, p: &PoolRef) -> Result<Vec<VolRef>> {
        let args = PoolListVolumesArgs {
            pool: pool(p),
            need_results: 1,
            flags: 0,
        };
        let r: VolListRet = self.call(STORAGE_POOL_LIST_ALL_VOLUMES, &args)?;
        Ok(r.vols.into_iter().map(from_vol).collect())
    }
    fn vol_by_name(&self, p: &PoolRef, name: &str) -> Result<VolRef> {
        self.call::<_, VolRet>(
            STORAGE_VOL_LOOKUP_BY_NAME,
            &VolByNameArgs {
                pool: pool(p),
                name: name.into(),
            },
        )
        .map(|r| from_vol(r.vol))
    }
    fn vol_by_key(&self, key: &str) -> Result<VolRef> {
        self.call::<_, VolRet>(STORAGE_VOL_LOOKUP_BY_KEY, &NameArgs { name: key.into() })
            .map(|r| from_vol(r.vol))
    }
    fn vol_by_path(&self, path: &str) -> Result<VolRef> {
        self.call::<_, VolRet>(STORAGE_VOL_LOOKUP_BY_PATH, &NameArgs { name: path.into() })
            .map(|r| from_vol(r.vol))
    }
    fn create_volume(&self, p: &PoolRef, xml: &str, flags: VolCreateFlags) -> Result<VolRef> {
        let args = VolCreateArgs {
            pool: pool(p),
            xml: xml.into(),
            flags: flags.0,
        };
        self.call::<_, VolRet>(STORAGE_VOL_CREATE_XML, &args)
            .map(|r| from_vol(r.vol))
    }
    fn clone_volume(
        &self,
        p: &PoolRef,
        xml: &str,
        source: &VolRef,
        flags: VolCreateFlags,
        _progress: ProgressFn,
    ) -> Result<VolRef> {
        let args = VolCreateFromArgs {
            pool: pool(p),
            xml: xml.into(),
            clonevol: vol(source),
            flags: flags.0,
        };
        self.call::<_, VolRet>(STORAGE_VOL_CREATE_XML_FROM, &args)
            .map(|r| from_vol(r.vol))
    }
    fn delete_volume(&self, v: &VolRef, flags: VolDeleteFlags) -> Result<()> {
        self.void(
            STORAGE_VOL_DELETE,
            &VolFlagsArgs {
                vol: vol(v),
                flags: flags.0,
            },
        )
    }
    fn wipe_volume(&self, v: &VolRef, algorithm: u32, _progress: ProgressFn) -> Result<()> {
        if algorithm != 0 {
            return Err(Error::unsupported(
                "wipe algorithms other than 'zero' over a remote connection",
            ));
        }
        self.void(
            STORAGE_VOL_WIPE,
            &VolFlagsArgs {
                vol: vol(v),
                flags: 0,
            },
        )
    }
    fn resize_volume(&self, v: &VolRef, capacity: u64, flags: ResizeFlags) -> Result<()> {
        self.void(
            STORAGE_VOL_RESIZE,
            &VolResizeArgs {
                vol: vol(v),
                capacity,
                flags: flags.0,
            },
        )
    }
    fn vol_info(&self, v: &VolRef) -> Result<VolInfo> {
        let r: VolInfoRet = self.call(STORAGE_VOL_GET_INFO, &VolArgs { vol: vol(v) })?;
        Ok(vol_info(r))
    }
    fn vol_facts(&self, vols: &[VolRef], info: bool) -> Result<Vec<Result<VolFacts>>> {
        let c = &self.client;
        let mut pending = Vec::with_capacity(vols.len());
        for v in vols {
            let args = VolArgs { vol: vol(v) };
            let details = match info {
                true => Some(c.start(STORAGE_VOL_GET_INFO, &args)?),
                false => None,
            };
            pending.push((c.start(STORAGE_VOL_GET_PATH, &args)?, details));
        }
        Ok(pending
            .into_iter()
            .map(|(path, details)| {
                let info = details.and_then(|d| d.wait::<VolInfoRet>().ok().map(vol_info));
                Ok(VolFacts {
                    path: path.wait::<StringRet>()?.value,
                    info,
                })
            })
            .collect())
    }
    fn vol_xml(&self, v: &VolRef) -> Result<String> {
        self.string(
            STORAGE_VOL_GET_XML_DESC,
            &VolFlagsArgs {
                vol: vol(v),
                flags: 0,
            },
        )
    }
    fn vol_path(&self, v: &VolRef) -> Result<String> {
        self.string(STORAGE_VOL_GET_PATH, &VolArgs { vol: vol(v) })
    }
    fn download_volume(
        &self,
        v: &VolRef,
        offset: u64,
        length: u64,
        sparse: bool,
    ) -> Result<Box<dyn std::io::Read>> {
        transport::download(
            &self.client,
            &VolStreamArgs {
                vol: vol(v),
                offset,
                length,
                // VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM
                flags: u32::from(sparse),
            },
        )
    }
    fn upload_volume(&self, v: &VolRef, offset: u64, sparse: bool) -> Result<Box<dyn VolumeSink>> {
        transport::upload(
            &self.client,
            &VolStreamArgs {
                vol: vol(v),
                offset,
                length: 0,
                // VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM
                flags: u32::from(sparse),
            },
            sparse,
        )
    }
    fn wait_pool_events(&self, w: EventWait<'_, PoolRef, PoolEvent>) -> Result<EventEnd> {
        self.wait_events(POOL_EVENT_WIRE, w.object.map(pool), w)
    }
}

fn pool_info(r: PoolInfoRet) -> PoolInfo {
    PoolInfo {
        state: PoolState::from_code(r.state),
        capacity: r.capacity,
        allocation: r.allocation,
        available: r.available,
    }
}

fn vol_info(r: VolInfoRet) -> VolInfo {
    VolInfo {
        kind: VolType::from_code(r.kind),
        capacity: r.capacity,
        allocation: r.allocation,
    }
}
