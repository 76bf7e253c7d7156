//! The events of libvirt's remote program, in the callback forms virsh 11 uses: the
//! procedures that register and deregister a callback, and the event messages, decoded into
//! events (written from `src/remote/remote_protocol.x`; the numbers checked against what
//! virsh sends and libvirt's client knows).

use super::message::{Message, WireDomain};
use super::xdr::{Reader, Xdr, XdrError};
use crate::types::*;

/// A kind's decoder: the callback id and the event of a message, when the message is one of
/// the kind's events.
pub type Decoder<K> = fn(&Message) -> Option<(i32, Event<K>)>;

/// One kind's events on the wire: the procedures that register a callback (given the event
/// type and the object, none for every object of the kind; answering the callback id) and
/// deregister it (given the callback id), and the decoder of the kind's event messages.
pub struct EventWire<K> {
    pub register: i32,
    pub deregister: i32,
    pub decode: Decoder<K>,
}

pub const NETWORK_EVENT_WIRE: EventWire<NetEventKind> = EventWire {
    register: 313,
    deregister: 314,
    decode: network_event,
};
pub const DOMAIN_EVENT_WIRE: EventWire<DomainEventKind> = EventWire {
    register: 316,
    deregister: 317,
    decode: domain_event,
};
pub const POOL_EVENT_WIRE: EventWire<PoolEventKind> = EventWire {
    register: 368,
    deregister: 369,
    decode: pool_event,
};

const DOMAIN_EVENT_CALLBACK_LIFECYCLE: i32 = 318;
const DOMAIN_EVENT_CALLBACK_REBOOT: i32 = 319;
const DOMAIN_EVENT_CALLBACK_RTC_CHANGE: i32 = 320;
const DOMAIN_EVENT_CALLBACK_WATCHDOG: i32 = 321;
const DOMAIN_EVENT_CALLBACK_IO_ERROR: i32 = 322;
const DOMAIN_EVENT_CALLBACK_GRAPHICS: i32 = 323;
const DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON: i32 = 324;
const DOMAIN_EVENT_CALLBACK_CONTROL_ERROR: i32 = 325;
const DOMAIN_EVENT_CALLBACK_BLOCK_JOB: i32 = 326;
const DOMAIN_EVENT_CALLBACK_DISK_CHANGE: i32 = 327;
const DOMAIN_EVENT_CALLBACK_TRAY_CHANGE: i32 = 328;
const DOMAIN_EVENT_CALLBACK_PMWAKEUP: i32 = 329;
const DOMAIN_EVENT_CALLBACK_PMSUSPEND: i32 = 330;
const DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE: i32 = 331;
const DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK: i32 = 332;
const DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED: i32 = 333;
const DOMAIN_EVENT_BLOCK_JOB_2: i32 = 339;
const DOMAIN_EVENT_CALLBACK_TUNABLE: i32 = 346;
const DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE: i32 = 348;
const DOMAIN_EVENT_CALLBACK_DEVICE_ADDED: i32 = 354;
const DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION: i32 = 359;
const DOMAIN_EVENT_CALLBACK_JOB_COMPLETED: i32 = 363;
const DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED: i32 = 367;
const DOMAIN_EVENT_CALLBACK_METADATA_CHANGE: i32 = 379;
const DOMAIN_EVENT_BLOCK_THRESHOLD: i32 = 385;
const DOMAIN_EVENT_MEMORY_FAILURE: i32 = 423;
const DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE: i32 = 438;
const DOMAIN_EVENT_NIC_MAC_CHANGE: i32 = 453;

/// The message of each domain event type, by `virDomainEventID`.
const DOMAIN_EVENT_MESSAGES: [i32; 28] = [
    DOMAIN_EVENT_CALLBACK_LIFECYCLE,
    DOMAIN_EVENT_CALLBACK_REBOOT,
    DOMAIN_EVENT_CALLBACK_RTC_CHANGE,
    DOMAIN_EVENT_CALLBACK_WATCHDOG,
    DOMAIN_EVENT_CALLBACK_IO_ERROR,
    DOMAIN_EVENT_CALLBACK_GRAPHICS,
    DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON,
    DOMAIN_EVENT_CALLBACK_CONTROL_ERROR,
    DOMAIN_EVENT_CALLBACK_BLOCK_JOB,
    DOMAIN_EVENT_CALLBACK_DISK_CHANGE,
    DOMAIN_EVENT_CALLBACK_TRAY_CHANGE,
    DOMAIN_EVENT_CALLBACK_PMWAKEUP,
    DOMAIN_EVENT_CALLBACK_PMSUSPEND,
    DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE,
    DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK,
    DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
    DOMAIN_EVENT_BLOCK_JOB_2,
    DOMAIN_EVENT_CALLBACK_TUNABLE,
    DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE,
    DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
    DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION,
    DOMAIN_EVENT_CALLBACK_JOB_COMPLETED,
    DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED,
    DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
    DOMAIN_EVENT_BLOCK_THRESHOLD,
    DOMAIN_EVENT_MEMORY_FAILURE,
    DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE,
    DOMAIN_EVENT_NIC_MAC_CHANGE,
];

/// The message of each network event type (`virNetworkEventID`): lifecycle, metadata-change.
const NETWORK_EVENT_MESSAGES: [i32; 2] = [315, 446];

/// The message of each storage pool event type (`virStoragePoolEventID`): lifecycle, refresh.
const POOL_EVENT_MESSAGES: [i32; 2] = [370, 373];

fn x<T: Xdr>(r: &mut Reader) -> Result<T, XdrError> {
    T::decode(r)
}

/// `Variant { field, ... }` with each field read from `r` in turn.
macro_rules! read {
    ($r:ident => $($variant:ident)::+ { $($field:ident),* }) => {
        $($variant)::+ { $($field: x($r)?),* }
    };
}

fn lifecycle(r: &mut Reader) -> Result<Lifecycle, XdrError> {
    Ok(Lifecycle {
        event: x(r)?,
        detail: x(r)?,
    })
}

fn metadata(r: &mut Reader) -> Result<MetadataChange, XdrError> {
    Ok(MetadataChange {
        kind: x(r)?,
        uri: x(r)?,
    })
}

/// The callback id and the event of `m`, when it is one of `messages` (a kind's event
/// messages by event type) and well formed; `payload` reads what follows the callback id
/// (given the message's procedure): the object's name and the event's payload.
fn event<K>(
    m: &Message,
    messages: &[i32],
    payload: impl FnOnce(i32, &mut Reader) -> Result<(String, K), XdrError>,
) -> Option<(i32, Event<K>)> {
    let id = messages.iter().position(|p| *p == m.header.proc_)? as u32;
    let r = &mut Reader::new(&m.body);
    let callback: i32 = x(r).ok()?;
    let (object, what) = payload(m.header.proc_, r).ok()?;
    r.finish().ok()?;
    Some((callback, Event { object, id, what }))
}

/// A network or storage pool event: the object (a name and a UUID on the wire, for both),
/// then a lifecycle event (the kind's first type) or what `other` reads.
fn lifecycle_or<K>(
    m: &Message,
    messages: &[i32; 2],
    lifecycle_kind: fn(Lifecycle) -> K,
    other: fn(&mut Reader) -> Result<K, XdrError>,
) -> Option<(i32, Event<K>)> {
    event(m, messages, |proc_, r| {
        let (name, _): (String, uuid::Uuid) = x(r)?;
        let what = if proc_ == messages[0] {
            lifecycle_kind(lifecycle(r)?)
        } else {
            other(r)?
        };
        Ok((name, what))
    })
}

fn network_event(m: &Message) -> Option<(i32, NetworkEvent)> {
    let metadata = |r: &mut Reader| metadata(r).map(NetEventKind::Metadata);
    lifecycle_or(
        m,
        &NETWORK_EVENT_MESSAGES,
        NetEventKind::Lifecycle,
        metadata,
    )
}

fn pool_event(m: &Message) -> Option<(i32, PoolEvent)> {
    lifecycle_or(m, &POOL_EVENT_MESSAGES, PoolEventKind::Lifecycle, |_| {
        Ok(PoolEventKind::Refresh)
    })
}

fn domain_event(m: &Message) -> Option<(i32, DomainEvent)> {
    event(m, &DOMAIN_EVENT_MESSAGES, domain_payload)
}

fn domain_payload(proc_: i32, r: &mut Reader) -> Result<(String, DomainEventKind), XdrError> {
    use DomainEventKind as K;
    // The power management events carry a reason (none is defined) before the domain.
    if matches!(
        proc_,
        DOMAIN_EVENT_CALLBACK_PMWAKEUP
            | DOMAIN_EVENT_CALLBACK_PMSUSPEND
            | DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK
    ) {
        x::<i32>(r)?;
    }
    let dom: WireDomain = x(r)?;
    let what = match proc_ {
        DOMAIN_EVENT_CALLBACK_LIFECYCLE => K::Lifecycle(lifecycle(r)?),
        DOMAIN_EVENT_CALLBACK_RTC_CHANGE => read!(r => K::RtcChange { offset }),
        DOMAIN_EVENT_CALLBACK_WATCHDOG => read!(r => K::Watchdog { action }),
        DOMAIN_EVENT_CALLBACK_IO_ERROR | DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON => K::IoError {
            src_path: x(r)?,
            dev_alias: x(r)?,
            action: x(r)?,
            reason: if proc_ == DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON {
                Some(x(r)?)
            } else {
                None
            },
        },
        DOMAIN_EVENT_CALLBACK_GRAPHICS => K::Graphics {
            phase: x(r)?,
            local: graphics_address(r)?,
            remote: graphics_address(r)?,
            auth_scheme: x(r)?,
            subject: x(r)?,
        },
        DOMAIN_EVENT_CALLBACK_BLOCK_JOB | DOMAIN_EVENT_BLOCK_JOB_2 => {
            read!(r => K::BlockJob { disk, kind, status })
        }
        DOMAIN_EVENT_CALLBACK_DISK_CHANGE => {
            read!(r => K::DiskChange { old_src, new_src, alias, reason })
        }
        DOMAIN_EVENT_CALLBACK_TRAY_CHANGE => read!(r => K::TrayChange { alias, reason }),
        DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE => read!(r => K::BalloonChange { actual }),
        DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED
        | DOMAIN_EVENT_CALLBACK_DEVICE_ADDED
        | DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED => read!(r => K::Device { alias }),
        DOMAIN_EVENT_CALLBACK_TUNABLE | DOMAIN_EVENT_CALLBACK_JOB_COMPLETED => K::Params(x(r)?),
        DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE => read!(r => K::AgentLifecycle { state, reason }),
        DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION => {
            read!(r => K::MigrationIteration { iteration })
        }
        DOMAIN_EVENT_CALLBACK_METADATA_CHANGE => K::Metadata(metadata(r)?),
        DOMAIN_EVENT_BLOCK_THRESHOLD => {
            read!(r => K::BlockThreshold { dev, path, threshold, excess })
        }
        DOMAIN_EVENT_MEMORY_FAILURE => read!(r => K::MemoryFailure { recipient, action, flags }),
        DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE => {
            read!(r => K::MemoryDeviceSizeChange { alias, size })
        }
        DOMAIN_EVENT_NIC_MAC_CHANGE => read!(r => K::NicMacChange { alias, old_mac, new_mac }),
        // reboot, control-error, the power management events.
        _ => K::Plain,
    };
    Ok((dom.name, what))
}

fn graphics_address(r: &mut Reader) -> Result<GraphicsAddress, XdrError> {
    Ok(GraphicsAddress {
        family: x(r)?,
        node: x(r)?,
        service: x(r)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::message::{Header, MsgStatus, MsgType, REMOTE_PROGRAM, REMOTE_VERSION};
    use crate::rpc::xdr::to_bytes;
    use crate::types::stats::TypedValue;

    fn message(proc_: i32, body: Vec<u8>) -> Message {
        let header = Header {
            prog: REMOTE_PROGRAM,
            vers: REMOTE_VERSION,
            proc_,
            kind: MsgType::Message,
            serial: 0,
            status: MsgStatus::Ok,
        };
        Message::new(header, body)
    }

    fn vm() -> WireDomain {
        WireDomain {
            name: "vm".into(),
            uuid: uuid::Uuid::nil(),
            id: 3,
        }
    }

    fn domain(id: u32, what: DomainEventKind) -> Option<(i32, DomainEvent)> {
        Some((
            7,
            Event {
                object: "vm".into(),
                id,
                what,
            },
        ))
    }

    /// Messages as libvirtd encodes them (the callback id first; a power management
    /// event's reason before the domain) decode into events of the right type.
    #[test]
    fn event_messages_decode_into_events() {
        use DomainEventKind as K;
        let lifecycle = to_bytes(&(7, (vm(), (5, 1))));
        assert_eq!(
            domain_event(&message(318, lifecycle.clone())),
            domain(
                0,
                K::Lifecycle(Lifecycle {
                    event: 5,
                    detail: 1
                })
            )
        );
        let suspend = to_bytes(&(7, (0, vm())));
        assert_eq!(domain_event(&message(330, suspend)), domain(12, K::Plain));
        let params = vec![("cputune.shares".to_string(), TypedValue::ULLong(512))];
        let tunable = to_bytes(&(7, (vm(), params.clone())));
        assert_eq!(
            domain_event(&message(346, tunable)),
            domain(17, K::Params(params))
        );
        let block = to_bytes(&(7, (vm(), ("vda".to_string(), (1, 3)))));
        let job = K::BlockJob {
            disk: "vda".into(),
            kind: 1,
            status: 3,
        };
        assert_eq!(domain_event(&message(339, block)), domain(16, job));
        let macs = ("net0".to_string(), ("a".to_string(), "b".to_string()));
        let mac = K::NicMacChange {
            alias: "net0".into(),
            old_mac: "a".into(),
            new_mac: "b".into(),
        };
        assert_eq!(
            domain_event(&message(453, to_bytes(&(7, (vm(), macs))))),
            domain(27, mac)
        );
        let pool = ("p".to_string(), uuid::Uuid::nil());
        let refresh = pool_event(&message(373, to_bytes(&(2, pool)))).unwrap();
        assert_eq!((refresh.0, refresh.1.id), (2, 1));
        // Another kind's message, a short one and one with bytes left over are no events.
        assert_eq!(pool_event(&message(318, lifecycle.clone())), None);
        assert_eq!(domain_event(&message(318, lifecycle[..20].to_vec())), None);
        let mut longer = lifecycle;
        longer.extend([0, 0, 0, 0]);
        assert_eq!(domain_event(&message(318, longer)), None);
    }
}
