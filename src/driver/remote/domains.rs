//! The remote driver's domain calls.

use super::*;
use crate::rpc::client::Pending;
use crate::types::stats::TypedValue;

impl RemoteDriver {
    /// Each domain's state by its own call, all sent before any reply is read.
    fn states_one_by_one(&self, doms: &[DomainRef]) -> Result<Vec<Result<State>>> {
        let pending = doms
            .iter()
            .map(|d| self.client.start(DOMAIN_GET_STATE, &dom_flags(d, 0)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(pending
            .into_iter()
            .map(|p| {
                let s: StateRet = p.wait()?;
                Ok(State::from_codes(s.state, s.reason))
            })
            .collect())
    }
}

impl DomainApi for RemoteDriver {
    fn wait_domain_events(&self, w: EventWait<'_, DomainRef, DomainEvent>) -> Result<EventEnd> {
        self.wait_events(DOMAIN_EVENT_WIRE, w.object.map(dom), w)
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
    fn define_domain_flags(&self, xml: &str, flags: DefineFlags) -> Result<DomainRef> {
        self.call::<_, DomainRet>(
            DOMAIN_DEFINE_XML_FLAGS,
            &XmlFlagsArgs {
                xml: xml.into(),
                flags: flags.0,
            },
        )
        .map(|r| from_dom(r.dom))
    }
    fn undefine_domain(&self, d: &DomainRef, flags: UndefineFlags) -> Result<()> {
        self.void(DOMAIN_UNDEFINE_FLAGS, &dom_flags(d, flags.0))
    }
    fn domain_is_active(&self, d: &DomainRef) -> Result<bool> {
        self.flag(DOMAIN_IS_ACTIVE, &DomArgs { dom: dom(d) })
    }
    fn save_domain(&self, d: &DomainRef, to: &str, progress: ProgressFn) -> Result<()> {
        let args = DomPathArgs {
            dom: dom(d),
            path: to.into(),
        };
        self.job(DOMAIN_SAVE, &args, d, progress)
    }
    fn save_domain_flags(
        &self,
        d: &DomainRef,
        to: &str,
        dxml: Option<&str>,
        flags: SaveFlags,
        progress: ProgressFn,
    ) -> Result<()> {
        let args = SaveFlagsArgs {
            dom: dom(d),
            to: to.into(),
            dxml: dxml.map(String::from),
            flags: flags.0,
        };
        self.job(DOMAIN_SAVE_FLAGS, &args, d, progress)
    }
    fn save_domain_params(
        &self,
        d: &DomainRef,
        params: &SaveParams,
        flags: SaveFlags,
        progress: ProgressFn,
    ) -> Result<()> {
        let args = DomParamsArgs {
            dom: dom(d),
            params: super::jobs::wire_params(params),
            flags: flags.0,
        };
        self.job(DOMAIN_SAVE_PARAMS, &args, d, progress)
    }
    fn restore_domain(&self, from: &str) -> Result<()> {
        self.void(DOMAIN_RESTORE, &PathArgs { path: from.into() })
    }
    fn restore_domain_flags(&self, from: &str, dxml: Option<&str>, flags: SaveFlags) -> Result<()> {
        let args = RestoreFlagsArgs {
            from: from.into(),
            dxml: dxml.map(String::from),
            flags: flags.0,
        };
        self.void(DOMAIN_RESTORE_FLAGS, &args)
    }
    fn restore_domain_params(&self, params: &SaveParams, flags: SaveFlags) -> Result<()> {
        let args = ParamsArgs {
            params: super::jobs::wire_params(params),
            flags: flags.0,
        };
        self.void(DOMAIN_RESTORE_PARAMS, &args)
    }
    fn save_image_xml(&self, file: &str, flags: XmlFlags) -> Result<String> {
        let args = PathFlagsArgs {
            path: file.into(),
            flags: flags.0,
        };
        self.string(DOMAIN_SAVE_IMAGE_GET_XML_DESC, &args)
    }
    fn define_save_image(&self, file: &str, dxml: &str, flags: SaveFlags) -> Result<()> {
        let args = SaveImageDefineArgs {
            file: file.into(),
            dxml: dxml.into(),
            flags: flags.0,
        };
        self.void(DOMAIN_SAVE_IMAGE_DEFINE_XML, &args)
    }
    fn managed_save(&self, d: &DomainRef, flags: SaveFlags, progress: ProgressFn) -> Result<()> {
        self.job(DOMAIN_MANAGED_SAVE, &dom_flags(d, flags.0), d, progress)
    }
    fn managed_save_remove(&self, d: &DomainRef) -> Result<()> {
        self.void(DOMAIN_MANAGED_SAVE_REMOVE, &dom_flags(d, 0))
    }
    fn managed_save_xml(&self, d: &DomainRef, flags: XmlFlags) -> Result<String> {
        self.string(DOMAIN_MANAGED_SAVE_GET_XML_DESC, &dom_flags(d, flags.0))
    }
    fn define_managed_save(&self, d: &DomainRef, dxml: &str, flags: SaveFlags) -> Result<()> {
        let args = ManagedSaveDefineArgs {
            dom: dom(d),
            dxml: Some(dxml.into()),
            flags: flags.0,
        };
        self.void(DOMAIN_MANAGED_SAVE_DEFINE_XML, &args)
    }
    fn core_dump(
        &self,
        d: &DomainRef,
        to: &str,
        flags: DumpFlags,
        progress: ProgressFn,
    ) -> Result<()> {
        let args = DomPathFlagsArgs {
            dom: dom(d),
            path: to.into(),
            flags: flags.0,
        };
        self.job(DOMAIN_CORE_DUMP, &args, d, progress)
    }
    fn core_dump_with_format(
        &self,
        d: &DomainRef,
        to: &str,
        format: u32,
        flags: DumpFlags,
        progress: ProgressFn,
    ) -> Result<()> {
        let args = CoreDumpFormatArgs {
            dom: dom(d),
            to: to.into(),
            dumpformat: format,
            flags: flags.0,
        };
        self.job(DOMAIN_CORE_DUMP_WITH_FORMAT, &args, d, progress)
    }
    fn pm_suspend(&self, d: &DomainRef, target: u32, duration: u64) -> Result<()> {
        let args = PmSuspendArgs {
            dom: dom(d),
            target,
            duration,
            flags: 0,
        };
        self.void(DOMAIN_PM_SUSPEND_FOR_DURATION, &args)
    }
    fn pm_wakeup(&self, d: &DomainRef) -> Result<()> {
        self.void(DOMAIN_PM_WAKEUP, &dom_flags(d, 0))
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
        self.call::<_, DomainRet>(DOMAIN_CREATE_WITH_FLAGS, &dom_flags(d, flags.0))
            .map(drop)
    }
    fn shutdown_domain(&self, d: &DomainRef, flags: ShutdownFlags) -> Result<()> {
        // Without a mode, virsh calls virDomainShutdown (older daemons know only that one).
        match flags.0 {
            0 => self.void(DOMAIN_SHUTDOWN, &DomArgs { dom: dom(d) }),
            f => self.void(DOMAIN_SHUTDOWN_FLAGS, &dom_flags(d, f)),
        }
    }
    fn reboot_domain(&self, d: &DomainRef, flags: ShutdownFlags) -> Result<()> {
        self.void(DOMAIN_REBOOT, &dom_flags(d, flags.0))
    }
    fn reset_domain(&self, d: &DomainRef) -> Result<()> {
        self.void(DOMAIN_RESET, &dom_flags(d, 0))
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
        let (info, state) = self.start_info(d)?;
        info_of(info.wait()?, state.wait()?)
    }
    fn domain_summary(
        &self,
        d: &DomainRef,
        security_model: Option<&SecurityModel>,
    ) -> Result<DomainSummary> {
        // Every call goes out before any reply is read: one round trip instead of nine.
        let c = &self.client;
        let (info, state) = self.start_info(d)?;
        let os = c.start(DOMAIN_GET_OS_TYPE, &DomArgs { dom: dom(d) })?;
        let persistent = c.start(DOMAIN_IS_PERSISTENT, &DomArgs { dom: dom(d) })?;
        let autostart = c.start(DOMAIN_GET_AUTOSTART, &DomArgs { dom: dom(d) })?;
        let once = c.start(DOMAIN_GET_AUTOSTART_ONCE, &DomArgs { dom: dom(d) })?;
        let saved = c.start(DOMAIN_HAS_MANAGED_SAVE_IMAGE, &dom_flags(d, 0))?;
        let label = c.start(DOMAIN_GET_SECURITY_LABEL, &DomArgs { dom: dom(d) })?;
        let messages = c.start(DOMAIN_GET_MESSAGES, &dom_flags(d, 0))?;
        let info = info_of(info.wait()?, state.wait()?)?;
        let flag = |p: Pending| p.wait::<IntRet>().ok().map(|r| r.value != 0);
        let os_type = os.wait::<StringRet>()?.value;
        let (persistent, autostart, autostart_once, managed_save) =
            (flag(persistent), flag(autostart), flag(once), flag(saved));
        // A domain without a label is not an error for dominfo.
        let label = label.wait::<SecurityLabelRet>().unwrap_or_default();
        let security_label =
            (security_model.is_some() && !label.label.0.is_empty()).then_some(SecurityLabel {
                label: label.label.0,
                enforcing: label.enforcing != 0,
            });
        Ok(DomainSummary {
            info,
            os_type,
            persistent,
            autostart,
            autostart_once,
            managed_save,
            security_label,
            messages: messages
                .wait::<MessagesRet>()
                .map(|m| m.msgs)
                .unwrap_or_default(),
        })
    }
    fn domain_state(&self, d: &DomainRef) -> Result<State> {
        let s: StateRet = self.call(DOMAIN_GET_STATE, &dom_flags(d, 0))?;
        Ok(State::from_codes(s.state, s.reason))
    }
    fn domain_states(&self, doms: &[DomainRef]) -> Result<Vec<Result<State>>> {
        // One call for all of them (`virDomainListGetStats` of the state group) where the
        // daemon has it: a call per domain costs the daemon a dispatch each, pipelined or not.
        let target = StatsTarget {
            domains: Some(doms),
            filter: DomainListFlags::default(),
        };
        let records = match self.domain_stats(target, StatsGroups::STATE, StatsFlags::default()) {
            Err(e) if e.code == ErrorCode::NoSupport => return self.states_one_by_one(doms),
            other => other?,
        };
        let mut by_uuid: std::collections::HashMap<Uuid, State> = records
            .into_iter()
            .filter_map(|r| {
                let code = |field: &str| {
                    r.params.iter().find_map(|(f, v)| match (f == field, v) {
                        (true, TypedValue::Int(i)) => Some(*i),
                        _ => None,
                    })
                };
                let state = State::from_codes(code("state.state")?, code("state.reason")?);
                Some((r.domain.uuid, state))
            })
            .collect();
        // A domain with no record went away since it was listed.
        Ok(doms
            .iter()
            .map(|d| {
                by_uuid.remove(&d.uuid).ok_or_else(|| {
                    Error::new(
                        ErrorCode::NoDomain,
                        format!(
                            "Domain not found: no domain with matching uuid '{}'",
                            d.uuid
                        ),
                    )
                })
            })
            .collect())
    }
    fn screenshot(&self, d: &DomainRef, screen: u32) -> Result<(String, Box<dyn std::io::Read>)> {
        let args = ScreenshotArgs {
            dom: dom(d),
            screen,
            flags: 0,
        };
        let (mime, reader): (OptStringRet, _) = self.client.download(DOMAIN_SCREENSHOT, &args)?;
        Ok((mime.value.unwrap_or_default(), Box::new(reader)))
    }
    fn domain_xml(&self, d: &DomainRef, flags: XmlFlags) -> Result<String> {
        self.string(DOMAIN_GET_XML_DESC, &dom_flags(d, flags.0))
    }
    fn domain_os_type(&self, d: &DomainRef) -> Result<String> {
        self.string(DOMAIN_GET_OS_TYPE, &DomArgs { dom: dom(d) })
    }
    fn domain_is_persistent(&self, d: &DomainRef) -> Result<bool> {
        self.flag(DOMAIN_IS_PERSISTENT, &DomArgs { dom: dom(d) })
    }
    fn domain_has_managed_save(&self, d: &DomainRef) -> Result<bool> {
        self.flag(DOMAIN_HAS_MANAGED_SAVE_IMAGE, &dom_flags(d, 0))
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
    fn domain_autostart_once(&self, d: &DomainRef) -> Result<bool> {
        self.flag(DOMAIN_GET_AUTOSTART_ONCE, &DomArgs { dom: dom(d) })
    }
    fn set_domain_autostart_once(&self, d: &DomainRef, on: bool) -> Result<()> {
        self.void(
            DOMAIN_SET_AUTOSTART_ONCE,
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
        self.set_memory(d, kib, flags | ModifyFlags::MAXIMUM)
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
        self.call::<_, MessagesRet>(DOMAIN_GET_MESSAGES, &dom_flags(d, 0))
            .map(|r| r.msgs)
    }
    fn domain_control(&self, d: &DomainRef) -> Result<ControlState> {
        let r: ControlInfoRet = self.call(DOMAIN_GET_CONTROL_INFO, &dom_flags(d, 0))?;
        Ok(match r.state {
            1 => ControlState::Job,
            2 => ControlState::Occupied,
            3 => ControlState::Error,
            _ => ControlState::Ok,
        })
    }
    /// The console as a stream of the connection, relayed to one end of a socket pair: what
    /// the daemon sends is written there, what is written there is sent, and the end of
    /// either ends both.
    fn open_console(
        &self,
        d: &DomainRef,
        devname: Option<&str>,
        flags: ConsoleFlags,
    ) -> Result<Box<dyn ByteStream>> {
        use crate::rpc::message::{MsgStatus, MsgType};
        use std::io::{Read, Write};
        let args = ConsoleArgs {
            dom: dom(d),
            dev_name: devname.map(String::from),
            flags: flags.0,
        };
        let (serial, incoming) = self.client.open_stream(DOMAIN_OPEN_CONSOLE, &args)?;
        let (ours, theirs) =
            std::os::unix::net::UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
        let mut to_user = theirs
            .try_clone()
            .map_err(|e| Error::system("socketpair", &e))?;
        let client = self.client.clone();
        std::thread::spawn(move || {
            for m in incoming.iter() {
                match (m.header.kind, m.header.status) {
                    (MsgType::Stream, MsgStatus::Continue) => {
                        if to_user.write_all(&m.body).is_err() {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            client.forget(serial);
            let _ = to_user.shutdown(std::net::Shutdown::Both);
        });
        let client = self.client.clone();
        let mut from_user = theirs;
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match from_user.read(&mut buf) {
                    Ok(0) | Err(_) => {
                        let _ = client.stream_finish(DOMAIN_OPEN_CONSOLE, serial);
                        break;
                    }
                    Ok(n) => {
                        if client
                            .stream_send(DOMAIN_OPEN_CONSOLE, serial, buf[..n].to_vec())
                            .is_err()
                        {
                            break;
                        }
                    }
                }
            }
        });
        Ok(Box::new(ours))
    }
    fn interface_addresses(&self, d: &DomainRef, source: u32) -> Result<Vec<DomainInterface>> {
        let r: IfAddrRet = self.call(
            DOMAIN_INTERFACE_ADDRESSES,
            &IfAddrArgs {
                dom: dom(d),
                source,
                flags: 0,
            },
        )?;
        Ok(r.ifaces
            .into_iter()
            .map(|i| DomainInterface {
                name: i.name,
                hwaddr: i.hwaddr,
                addrs: i
                    .addrs
                    .into_iter()
                    .map(|a| IpAddress {
                        kind: a.kind,
                        addr: a.addr,
                        prefix: a.prefix,
                    })
                    .collect(),
            })
            .collect())
    }
    fn attach_device(&self, d: &DomainRef, xml: &str, flags: ModifyFlags) -> Result<()> {
        let args = DomXmlFlagsArgs {
            dom: dom(d),
            xml: xml.into(),
            flags: flags.0,
        };
        self.void(DOMAIN_ATTACH_DEVICE_FLAGS, &args)
    }
    fn attach_device_live(&self, d: &DomainRef, xml: &str) -> Result<()> {
        self.void(
            DOMAIN_ATTACH_DEVICE,
            &DomXmlArgs {
                dom: dom(d),
                xml: xml.into(),
            },
        )
    }
    fn detach_device(&self, d: &DomainRef, xml: &str, flags: ModifyFlags) -> Result<()> {
        let args = DomXmlFlagsArgs {
            dom: dom(d),
            xml: xml.into(),
            flags: flags.0,
        };
        self.void(DOMAIN_DETACH_DEVICE_FLAGS, &args)
    }
    fn detach_device_live(&self, d: &DomainRef, xml: &str) -> Result<()> {
        self.void(
            DOMAIN_DETACH_DEVICE,
            &DomXmlArgs {
                dom: dom(d),
                xml: xml.into(),
            },
        )
    }
    fn update_device(&self, d: &DomainRef, xml: &str, flags: ModifyFlags) -> Result<()> {
        let args = DomXmlFlagsArgs {
            dom: dom(d),
            xml: xml.into(),
            flags: flags.0,
        };
        self.void(DOMAIN_UPDATE_DEVICE_FLAGS, &args)
    }
    fn interface_stats(&self, d: &DomainRef, device: &str) -> Result<InterfaceStats> {
        let args = DomDeviceArgs {
            dom: dom(d),
            device: device.into(),
        };
        let r: IfStatsRet = self.call(DOMAIN_INTERFACE_STATS, &args)?;
        Ok(InterfaceStats {
            rx_bytes: r.rx_bytes,
            rx_packets: r.rx_packets,
            rx_errs: r.rx_errs,
            rx_drop: r.rx_drop,
            tx_bytes: r.tx_bytes,
            tx_packets: r.tx_packets,
            tx_errs: r.tx_errs,
            tx_drop: r.tx_drop,
        })
    }
    /// As virsh asks: how many parameters there are, then that many.
    fn interface_parameters(
        &self,
        d: &DomainRef,
        device: &str,
        flags: ModifyFlags,
    ) -> Result<Vec<(String, crate::types::stats::TypedValue)>> {
        let ask = |nparams: i32| -> Result<GetIfParamsRet> {
            let args = GetIfParamsArgs {
                dom: dom(d),
                device: device.into(),
                nparams,
                flags: flags.0,
            };
            self.call(DOMAIN_GET_INTERFACE_PARAMETERS, &args)
        };
        let count = ask(0)?.nparams;
        Ok(ask(count)?
            .params
            .into_iter()
            .map(|p| (p.field, p.value))
            .collect())
    }
    fn set_interface_parameters(
        &self,
        d: &DomainRef,
        device: &str,
        params: &[(String, crate::types::stats::TypedValue)],
        flags: ModifyFlags,
    ) -> Result<()> {
        let params = params
            .iter()
            .map(|(field, value)| WireTypedParam {
                field: field.clone(),
                value: value.clone(),
            })
            .collect();
        let args = SetIfParamsArgs {
            dom: dom(d),
            device: device.into(),
            params,
            flags: flags.0,
        };
        self.void(DOMAIN_SET_INTERFACE_PARAMETERS, &args)
    }
}

impl RemoteDriver {
    /// Sends `virDomainGetInfo` and `virDomainGetState` (the state's reason comes with its own
    /// call); both go out before either reply is read.
    fn start_info(&self, d: &DomainRef) -> Result<(Pending<'_>, Pending<'_>)> {
        let info = self
            .client
            .start(DOMAIN_GET_INFO, &DomArgs { dom: dom(d) })?;
        let state = self.client.start(DOMAIN_GET_STATE, &dom_flags(d, 0))?;
        Ok((info, state))
    }
}

fn info_of(r: DomainInfoRet, s: StateRet) -> Result<DomainInfo> {
    Ok(DomainInfo {
        state: State::from_codes(s.state, s.reason),
        max_mem_kib: r.max_mem,
        memory_kib: r.memory,
        nr_virt_cpu: r.nr_virt_cpu as u32,
        cpu_time_ns: r.cpu_time,
    })
}

/// A call's arguments of a domain and a flags word.
fn dom_flags(d: &DomainRef, flags: u32) -> DomFlagsArgs {
    DomFlagsArgs { dom: dom(d), flags }
}
