//! The remote driver: libvirt's RPC protocol to a daemon (libvirtd, virtqemud, or virtshd), over
//! a unix socket (and, by the transports, ssh or a child process's stdio).

mod ssh;
pub mod transport;

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::stats::{StatsFlags, StatsGroups, StatsRecord, StatsTarget};
use super::*;
use crate::rpc::client::Client;
use crate::rpc::procs::*;
use crate::uri::Uri;

pub struct RemoteDriver {
    client: Arc<Client>,
    uri: String,
    /// The host's security model does not change while connected: asked once, not per
    /// `dominfo`.
    security_model: std::sync::OnceLock<Option<SecurityModel>>,
}

/// The keepalive settings (`-k`, `-K`).
#[derive(Debug, Clone, Copy)]
pub struct Keepalive {
    pub interval: u32,
    pub count: u32,
}

fn dom(d: &DomainRef) -> WireDomain {
    WireDomain {
        name: d.name.clone(),
        uuid: d.uuid,
        id: d.id.map_or(-1, |i| i as i32),
    }
}

fn from_dom(d: WireDomain) -> DomainRef {
    DomainRef {
        name: d.name,
        uuid: d.uuid,
        id: (d.id >= 0).then_some(d.id as u32),
    }
}

fn pool(p: &PoolRef) -> WirePool {
    WirePool {
        name: p.name.clone(),
        uuid: p.uuid,
    }
}

fn from_pool(p: WirePool) -> PoolRef {
    PoolRef {
        name: p.name,
        uuid: p.uuid,
    }
}

fn vol(v: &VolRef) -> WireVol {
    WireVol {
        pool: v.pool.clone(),
        name: v.name.clone(),
        key: v.key.clone(),
    }
}

fn from_vol(v: WireVol) -> VolRef {
    VolRef {
        pool: v.pool,
        name: v.name,
        key: v.key,
    }
}

/// The URI the daemon should open: `name=`, or ours without transport, user, host, port and
/// the parameters only the client reads.
pub fn daemon_name(uri: &Uri) -> String {
    if let Some(n) = uri.param("name") {
        return n.to_string();
    }
    const CLIENT_ONLY: [&str; 14] = [
        "name",
        "command",
        "socket",
        "netcat",
        "keyfile",
        "no_verify",
        "no_tty",
        "known_hosts",
        "known_hosts_verify",
        "sshauth",
        "pkipath",
        "tls_priority",
        "mode",
        "proxy",
    ];
    let params: Vec<String> = uri
        .params
        .iter()
        .filter(|(k, _)| !CLIENT_ONLY.contains(&k.as_str()))
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    let query = if params.is_empty() {
        String::new()
    } else {
        format!("?{}", params.join("&"))
    };
    format!("{}://{}{}", uri.driver, uri.path, query)
}

impl RemoteDriver {
    /// Connects, authenticates as libvirt's client does, and opens the daemon's connection.
    pub fn open(uri: &Uri, readonly: bool, keepalive: Keepalive) -> Result<RemoteDriver> {
        let client = Arc::new(transport::connect(uri, readonly)?);
        let auth: Result<AuthListRet> = client.call(AUTH_LIST, &());
        match auth {
            Ok(list) if !list.types.is_empty() && !list.types.contains(&0) => {
                if list.types.contains(&2) {
                    let done: IntRet = client.call(AUTH_POLKIT, &())?;
                    if done.value == 0 {
                        return Err(Error::new(
                            ErrorCode::AuthFailed,
                            "authentication failed: polkit",
                        ));
                    }
                } else {
                    return Err(Error::new(
                        ErrorCode::AuthFailed,
                        "authentication failed: the daemon asks for SASL, which virtsh does not speak",
                    ));
                }
            }
            Ok(_) => {}
            Err(e) if e.code == ErrorCode::NoSupport => {}
            Err(e) => return Err(e),
        }
        if keepalive.interval > 0 {
            let feature = FeatureArgs {
                feature: FEATURE_PROGRAM_KEEPALIVE,
            };
            let supported: IntRet = client.call(CONNECT_SUPPORTS_FEATURE, &feature)?;
            if supported.value == 1 {
                client.keepalive_thread(
                    Duration::from_secs(keepalive.interval.into()),
                    keepalive.count,
                );
            }
        }
        let open = OpenArgs {
            name: Some(daemon_name(uri)),
            flags: u32::from(readonly),
        };
        client.call::<_, ()>(CONNECT_OPEN, &open)?;
        Ok(RemoteDriver {
            client,
            uri: uri.to_string(),
            security_model: std::sync::OnceLock::new(),
        })
    }

    fn remember_security_model(&self, r: SecurityModelRet) -> &Option<SecurityModel> {
        self.security_model.get_or_init(|| {
            (!r.model.0.is_empty()).then_some(SecurityModel {
                model: r.model.0,
                doi: r.doi.0,
            })
        })
    }

    fn call<A: crate::rpc::xdr::Xdr, R: crate::rpc::xdr::Xdr>(
        &self,
        proc_: i32,
        args: &A,
    ) -> Result<R> {
        self.client.call(proc_, args)
    }

    fn void<A: crate::rpc::xdr::Xdr>(&self, proc_: i32, args: &A) -> Result<()> {
        self.client.call::<A, ()>(proc_, args)
    }

    fn string<A: crate::rpc::xdr::Xdr>(&self, proc_: i32, args: &A) -> Result<String> {
        self.call::<A, StringRet>(proc_, args).map(|r| r.value)
    }

    fn flag<A: crate::rpc::xdr::Xdr>(&self, proc_: i32, args: &A) -> Result<bool> {
        self.call::<A, IntRet>(proc_, args).map(|r| r.value != 0)
    }
}

impl Drop for RemoteDriver {
    fn drop(&mut self) {
        if self.client.is_alive() {
            let _ = self.client.call::<(), ()>(CONNECT_CLOSE, &());
        }
    }
}

impl Hypervisor for RemoteDriver {
    fn uri(&self) -> Result<String> {
        Ok(self.uri.clone())
    }
    fn hostname(&self) -> Result<String> {
        self.string(CONNECT_GET_HOSTNAME, &())
    }
    fn hv_type(&self) -> Result<String> {
        self.string(CONNECT_GET_TYPE, &())
    }
    fn hv_version(&self) -> Result<u64> {
        self.call::<(), HyperRet>(CONNECT_GET_VERSION, &())
            .map(|r| r.value)
    }
    fn node_info(&self) -> Result<NodeInfo> {
        let r: NodeInfoRet = self.call(NODE_GET_INFO, &())?;
        Ok(NodeInfo {
            model: r.model.0,
            memory_kib: r.memory,
            cpus: r.cpus as u32,
            mhz: r.mhz as u32,
            nodes: r.nodes as u32,
            sockets: r.sockets as u32,
            cores: r.cores as u32,
            threads: r.threads as u32,
        })
    }
    fn capabilities(&self) -> Result<String> {
        self.string(CONNECT_GET_CAPABILITIES, &())
    }
    fn security_model(&self) -> Result<Option<SecurityModel>> {
        if let Some(m) = self.security_model.get() {
            return Ok(m.clone());
        }
        let r: SecurityModelRet = self.call(NODE_GET_SECURITY_MODEL, &())?;
        Ok(self.remember_security_model(r).clone())
    }
    fn supports_keepalive(&self) -> bool {
        true
    }
    fn is_remote(&self) -> bool {
        true
    }
    fn domain_stats(
        &self,
        target: StatsTarget<'_>,
        groups: StatsGroups,
        flags: StatsFlags,
    ) -> Result<Vec<StatsRecord>> {
        // No domains means all of them; the list filters share the flags word.
        let args = DomainStatsArgs {
            doms: target.domains.unwrap_or_default().iter().map(dom).collect(),
            stats: groups.0,
            flags: flags.0 | target.filter.0,
        };
        let r: DomainStatsRet = self.call(CONNECT_GET_ALL_DOMAIN_STATS, &args)?;
        Ok(r.records
            .into_iter()
            .map(|rec| StatsRecord {
                domain: from_dom(rec.dom),
                params: rec.params.into_iter().map(|p| (p.field, p.value)).collect(),
            })
            .collect())
    }
    fn is_alive(&self) -> bool {
        self.client.is_alive()
    }

    fn list_domains(&self, flags: DomainListFlags) -> Result<Vec<DomainRef>> {
        let r: DomainListRet = self.call(
            CONNECT_LIST_ALL_DOMAINS,
            &ListArgs {
                need_results: 1,
                flags: flags.0,
            },
        )?;
        Ok(r.domains.into_iter().map(from_dom).collect())
    }
    fn domain_by_id(&self, id: u32) -> Result<DomainRef> {
        self.call::<_, DomainRet>(DOMAIN_LOOKUP_BY_ID, &IdArgs { id: id as i32 })
            .map(|r| from_dom(r.dom))
    }
    fn domain_by_uuid(&self, uuid: &Uuid) -> Result<DomainRef> {
        self.call::<_, DomainRet>(DOMAIN_LOOKUP_BY_UUID, &UuidArgs { uuid: *uuid })
            .map(|r| from_dom(r.dom))
    }
    fn domain_by_name(&self, name: &str) -> Result<DomainRef> {
        self.call::<_, DomainRet>(DOMAIN_LOOKUP_BY_NAME, &NameArgs { name: name.into() })
            .map(|r| from_dom(r.dom))
    }
    fn define_domain(&self, xml: &str) -> Result<DomainRef> {
        self.call::<_, DomainRet>(DOMAIN_DEFINE_XML, &XmlArgs { xml: xml.into() })
            .map(|r| from_dom(r.dom))
    }
    fn undefine_domain(&self, d: &DomainRef) -> Result<()> {
        self.void(
            DOMAIN_UNDEFINE_FLAGS,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )
    }
    fn create_domain(&self, xml: &str, flags: StartFlags) -> Result<DomainRef> {
        self.call::<_, DomainRet>(
            DOMAIN_CREATE_XML,
            &XmlFlagsArgs {
                xml: xml.into(),
                flags: flags.0,
            },
        )
        .map(|r| from_dom(r.dom))
    }
    fn start_domain(&self, d: &DomainRef, flags: StartFlags) -> Result<()> {
        self.call::<_, DomainRet>(
            DOMAIN_CREATE_WITH_FLAGS,
            &DomFlagsArgs {
                dom: dom(d),
                flags: flags.0,
            },
        )
        .map(drop)
    }
    fn shutdown_domain(&self, d: &DomainRef) -> Result<()> {
        self.void(DOMAIN_SHUTDOWN, &DomArgs { dom: dom(d) })
    }
    fn reboot_domain(&self, d: &DomainRef) -> Result<()> {
        self.void(
            DOMAIN_REBOOT,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )
    }
    fn reset_domain(&self, d: &DomainRef) -> Result<()> {
        self.void(
            DOMAIN_RESET,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )
    }
    fn destroy_domain(&self, d: &DomainRef) -> Result<()> {
        self.void(DOMAIN_DESTROY, &DomArgs { dom: dom(d) })
    }
    fn suspend_domain(&self, d: &DomainRef) -> Result<()> {
        self.void(DOMAIN_SUSPEND, &DomArgs { dom: dom(d) })
    }
    fn resume_domain(&self, d: &DomainRef) -> Result<()> {
        self.void(DOMAIN_RESUME, &DomArgs { dom: dom(d) })
    }
    fn domain_info(&self, d: &DomainRef) -> Result<DomainInfo> {
        // The state's reason comes with its own call; both go out before either reply is read.
        let info = self
            .client
            .start(DOMAIN_GET_INFO, &DomArgs { dom: dom(d) })?;
        let state = self.client.start(
            DOMAIN_GET_STATE,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )?;
        let r: DomainInfoRet = info.wait()?;
        let s: StateRet = state.wait()?;
        Ok(DomainInfo {
            state: State::from_codes(s.state, s.reason),
            max_mem_kib: r.max_mem,
            memory_kib: r.memory,
            nr_virt_cpu: r.nr_virt_cpu as u32,
            cpu_time_ns: r.cpu_time,
        })
    }
    fn domain_summary(&self, d: &DomainRef) -> Result<DomainSummary> {
        // Every call goes out before any reply is read: one round trip instead of nine.
        let c = &self.client;
        let info = c.start(DOMAIN_GET_INFO, &DomArgs { dom: dom(d) })?;
        let state = c.start(
            DOMAIN_GET_STATE,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )?;
        let os = c.start(DOMAIN_GET_OS_TYPE, &DomArgs { dom: dom(d) })?;
        let persistent = c.start(DOMAIN_IS_PERSISTENT, &DomArgs { dom: dom(d) })?;
        let autostart = c.start(DOMAIN_GET_AUTOSTART, &DomArgs { dom: dom(d) })?;
        let saved = c.start(
            DOMAIN_HAS_MANAGED_SAVE_IMAGE,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )?;
        let model = match self.security_model.get() {
            Some(_) => None,
            None => Some(c.start(NODE_GET_SECURITY_MODEL, &())?),
        };
        let label = c.start(DOMAIN_GET_SECURITY_LABEL, &DomArgs { dom: dom(d) })?;
        let messages = c.start(
            DOMAIN_GET_MESSAGES,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )?;
        let r: DomainInfoRet = info.wait()?;
        let s: StateRet = state.wait()?;
        let flag = |p: crate::rpc::client::Pending| p.wait::<IntRet>().ok().map(|r| r.value != 0);
        let os_type = os.wait::<StringRet>()?.value;
        let (persistent, autostart, managed_save) =
            (flag(persistent), flag(autostart), flag(saved));
        let security_model = match model {
            Some(p) => self.remember_security_model(p.wait()?).clone(),
            None => self.security_model()?,
        };
        // A domain without a label is not an error for dominfo.
        let label = label.wait::<SecurityLabelRet>().unwrap_or_default();
        let security_label =
            (security_model.is_some() && !label.label.0.is_empty()).then_some(SecurityLabel {
                label: label.label.0,
                enforcing: label.enforcing != 0,
            });
        Ok(DomainSummary {
            info: DomainInfo {
                state: State::from_codes(s.state, s.reason),
                max_mem_kib: r.max_mem,
                memory_kib: r.memory,
                nr_virt_cpu: r.nr_virt_cpu as u32,
                cpu_time_ns: r.cpu_time,
            },
            os_type,
            persistent,
            autostart,
            managed_save,
            security_model,
            security_label,
            messages: messages
                .wait::<MessagesRet>()
                .map(|m| m.msgs)
                .unwrap_or_default(),
        })
    }
    fn domain_state(&self, d: &DomainRef) -> Result<State> {
        let s: StateRet = self.call(
            DOMAIN_GET_STATE,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )?;
        Ok(State::from_codes(s.state, s.reason))
    }
    fn domain_xml(&self, d: &DomainRef, flags: XmlFlags) -> Result<String> {
        self.string(
            DOMAIN_GET_XML_DESC,
            &DomFlagsArgs {
                dom: dom(d),
                flags: flags.0,
            },
        )
    }
    fn domain_os_type(&self, d: &DomainRef) -> Result<String> {
        self.string(DOMAIN_GET_OS_TYPE, &DomArgs { dom: dom(d) })
    }
    fn domain_is_persistent(&self, d: &DomainRef) -> Result<bool> {
        self.flag(DOMAIN_IS_PERSISTENT, &DomArgs { dom: dom(d) })
    }
    fn domain_has_managed_save(&self, d: &DomainRef) -> Result<bool> {
        self.flag(
            DOMAIN_HAS_MANAGED_SAVE_IMAGE,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )
    }
    fn domain_autostart(&self, d: &DomainRef) -> Result<bool> {
        self.flag(DOMAIN_GET_AUTOSTART, &DomArgs { dom: dom(d) })
    }
    fn set_domain_autostart(&self, d: &DomainRef, on: bool) -> Result<()> {
        self.void(
            DOMAIN_SET_AUTOSTART,
            &DomIntArgs {
                dom: dom(d),
                value: i32::from(on),
            },
        )
    }
    fn set_memory(&self, d: &DomainRef, kib: u64, flags: ModifyFlags) -> Result<()> {
        self.void(
            DOMAIN_SET_MEMORY_FLAGS,
            &DomHyperFlagsArgs {
                dom: dom(d),
                value: kib,
                flags: flags.0,
            },
        )
    }
    fn set_max_memory(&self, d: &DomainRef, kib: u64, flags: ModifyFlags) -> Result<()> {
        if flags.0 == 0 {
            return self.void(
                DOMAIN_SET_MAX_MEMORY,
                &DomHyperArgs {
                    dom: dom(d),
                    value: kib,
                },
            );
        }
        let flags = flags | ModifyFlags::MAXIMUM;
        self.void(
            DOMAIN_SET_MEMORY_FLAGS,
            &DomHyperFlagsArgs {
                dom: dom(d),
                value: kib,
                flags: flags.0,
            },
        )
    }
    fn set_vcpus(&self, d: &DomainRef, count: u32, flags: ModifyFlags) -> Result<()> {
        self.void(
            DOMAIN_SET_VCPUS_FLAGS,
            &DomUintFlagsArgs {
                dom: dom(d),
                value: count,
                flags: flags.0,
            },
        )
    }
    fn rename_domain(&self, d: &DomainRef, new_name: &str) -> Result<()> {
        let args = RenameArgs {
            dom: dom(d),
            new_name: Some(new_name.into()),
            flags: 0,
        };
        self.call::<_, IntRet>(DOMAIN_RENAME, &args).map(drop)
    }
    fn domain_metadata(
        &self,
        d: &DomainRef,
        kind: MetadataKind,
        flags: ModifyFlags,
    ) -> Result<Option<String>> {
        let args = GetMetadataArgs {
            dom: dom(d),
            kind: kind as i32,
            uri: None,
            flags: flags.0,
        };
        match self.string(DOMAIN_GET_METADATA, &args) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.code == ErrorCode::NoDomainMetadata => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn set_domain_metadata(
        &self,
        d: &DomainRef,
        kind: MetadataKind,
        value: Option<&str>,
        flags: ModifyFlags,
    ) -> Result<()> {
        let args = SetMetadataArgs {
            dom: dom(d),
            kind: kind as i32,
            metadata: value.map(String::from),
            key: None,
            uri: None,
            flags: flags.0,
        };
        self.void(DOMAIN_SET_METADATA, &args)
    }
    fn domain_security_label(&self, d: &DomainRef) -> Result<Option<SecurityLabel>> {
        let r: SecurityLabelRet = self.call(DOMAIN_GET_SECURITY_LABEL, &DomArgs { dom: dom(d) })?;
        Ok((!r.label.0.is_empty()).then_some(SecurityLabel {
            label: r.label.0,
            enforcing: r.enforcing != 0,
        }))
    }
    fn domain_messages(&self, d: &DomainRef) -> Result<Vec<String>> {
        self.call::<_, MessagesRet>(
            DOMAIN_GET_MESSAGES,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )
        .map(|r| r.msgs)
    }
    fn domain_control(&self, d: &DomainRef) -> Result<ControlState> {
        let r: ControlInfoRet = self.call(
            DOMAIN_GET_CONTROL_INFO,
            &DomFlagsArgs {
                dom: dom(d),
                flags: 0,
            },
        )?;
        Ok(match r.state {
            1 => ControlState::Job,
            2 => ControlState::Occupied,
            3 => ControlState::Error,
            _ => ControlState::Ok,
        })
    }
    fn open_console(&self, d: &DomainRef, _devname: Option<&str>) -> Result<Box<dyn ByteStream>> {
        self.domain_state(d)?;
        Err(Error::no_support(
            "virDomainOpenConsole (over a remote connection, not yet in virtsh)",
        ))
    }

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
        Ok(PoolInfo {
            state: PoolState::from_code(r.state),
            capacity: r.capacity,
            allocation: r.allocation,
            available: r.available,
        })
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
    fn delete_volume(&self, v: &VolRef) -> Result<()> {
        self.void(
            STORAGE_VOL_DELETE,
            &VolFlagsArgs {
                vol: vol(v),
                flags: 0,
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
        Ok(VolInfo {
            kind: VolType::from_code(r.kind),
            capacity: r.capacity,
            allocation: r.allocation,
        })
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
    ) -> Result<Box<dyn std::io::Read>> {
        transport::download(
            &self.client,
            &VolStreamArgs {
                vol: vol(v),
                offset,
                length,
                flags: 0,
            },
        )
    }
    fn upload_volume(&self, v: &VolRef, offset: u64) -> Result<Box<dyn VolumeSink>> {
        transport::upload(
            &self.client,
            &VolStreamArgs {
                vol: vol(v),
                offset,
                length: 0,
                flags: 0,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daemon_names() {
        let name = |u: &str| daemon_name(&Uri::parse(u).unwrap());
        assert_eq!(name("test+unix:///default"), "test:///default");
        assert_eq!(
            name("qemu+ssh://root@host:22/system?keyfile=/k&no_verify=1"),
            "qemu:///system"
        );
        assert_eq!(
            name("qemu:///system?name=qemu:///session"),
            "qemu:///session"
        );
        assert_eq!(
            name("qemu+unix:///system?socket=/s&x=1"),
            "qemu:///system?x=1"
        );
    }
}
